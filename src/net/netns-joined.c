/* netns-joined.c - marks of joined network namespaces (netns-joined.h). */
#include "config.h"

#include "netns-joined.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "proc.h"

static char *joined_dir(const char *run_dir)
{
	return xasprintf("%s/networks/joined", run_dir);
}

static char *mark_path(const char *run_dir, pid_t pid, unsigned long long start)
{
	return xasprintf("%s/networks/joined/%d-%llu", run_dir, (int)pid, start);
}

int cg_netns_mark_joined(const char *run_dir, pid_t pid, cg_err_t *err)
{
	cleanup_free char *nets = xasprintf("%s/networks", run_dir);
	cleanup_free char *dir = joined_dir(run_dir);
	cleanup_free char *path = NULL;
	unsigned long long start = cg_proc_start_time(pid);
	int fd;

	if (start == 0)
		return cg_error(err, ESRCH, "process %d is gone", (int)pid);
	if ((mkdir(nets, 0755) < 0 && errno != EEXIST) || (mkdir(dir, 0755) < 0 && errno != EEXIST))
		return cg_error(err, errno, "mkdir %s", dir);
	path = mark_path(run_dir, pid, start);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return cg_error(err, errno, "create %s", path);
	close(fd);
	return 0;
}

bool cg_netns_take_joined(const char *run_dir, pid_t pid, unsigned long long start)
{
	cleanup_free char *path = NULL;

	if (pid <= 0 || start == 0)
		return false;
	path = mark_path(run_dir, pid, start);
	return unlink(path) == 0;
}

void cg_netns_joined_gc(const char *run_dir)
{
	cleanup_free char *dir = joined_dir(run_dir);
	DIR *d = opendir(dir);
	struct dirent *e;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		int pid;
		unsigned long long start;
		char rest;

		if (e->d_name[0] == '.')
			continue;
		if (sscanf(e->d_name, "%d-%llu%c", &pid, &start, &rest) == 2 && cg_proc_same(pid, start))
			continue;
		/* Gone, or not a mark of ours. */
		(void)unlinkat(dirfd(d), e->d_name, 0);
	}
	closedir(d);
}
