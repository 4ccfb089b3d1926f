/* oom-events.c - OOM notification sources; see oom-events.h. */
#include "config.h"

#include "oom-events.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/eventfd.h>
#include <unistd.h>

char *cg_oom_events_path(const struct cg_cgroup *cg)
{
	if (!cg->unified_has_ctrls || cg->path[CG_MEMORY] == NULL) {
		errno = ENOENT;
		return NULL;
	}
	return xasprintf("%s/memory.events", cg->path[CG_MEMORY]);
}

int cg_oom_eventfd(const struct cg_cgroup *cg, cg_err_t *err)
{
	const char *dir = cg->path[CG_MEMORY];
	cleanup_free char *oc = NULL, *ctl = NULL;
	cleanup_close int ofd = -1, cfd = -1;
	char line[32];
	int efd, len;

	if (cg->unified_has_ctrls || dir == NULL) {
		errno = ENOENT;
		return -1;
	}
	oc = xasprintf("%s/memory.oom_control", dir);
	ctl = xasprintf("%s/cgroup.event_control", dir);
	if ((ofd = open(oc, O_RDONLY | O_CLOEXEC)) < 0)
		return cg_error(err, errno, "open %s", oc);
	if ((cfd = open(ctl, O_WRONLY | O_CLOEXEC)) < 0)
		return cg_error(err, errno, "open %s", ctl);
	if ((efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0)
		return cg_error(err, errno, "eventfd");
	/* "<event fd> <fd of the file to watch>"; the kernel keeps its own
	 * reference to the eventfd, not to the two files. */
	len = snprintf(line, sizeof(line), "%d %d", efd, ofd);
	if (write(cfd, line, (size_t)len) != len) {
		int e = errno;

		close(efd);
		return cg_error(err, e ? e : EIO, "register an OOM eventfd in %s", ctl);
	}
	return efd;
}
