/* sysctl.c - kernel settings for bridge networks. */
#include "config.h"

#include "sysctl.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>

int cg_sysctl_ensure(const char *key, const char *value, cg_err_t *err)
{
	cleanup_free char *path = xasprintf("/proc/sys/%s", key);
	char cur[64];
	cleanup_close int fd = open(path, O_RDWR | O_CLOEXEC);
	ssize_t n;
	size_t len = strlen(value);

	if (fd < 0)
		return cg_error(err, errno, "open %s", path);
	n = read(fd, cur, sizeof(cur) - 1);
	if (n < 0)
		return cg_error(err, errno, "read %s", path);
	cur[n] = '\0';
	cur[strcspn(cur, "\n")] = '\0';
	/* Read first: a write, even of the same value, makes the kernel
	 * redo the setting's work (ip_forward resets every device's). */
	if (!strcmp(cur, value))
		return 0;
	if (pwrite(fd, value, len, 0) != (ssize_t)len)
		return cg_error(err, errno, "write %s", path);
	return 0;
}

int cg_net_sysctls(cg_err_t *err)
{
	return cg_sysctl_ensure("net/ipv4/ip_forward", "1", err);
}
