/* oomwatch.c - cgrund is told when a container meets the OOM killer
 * (inotify on memory.events on v2, the memory.oom_control eventfd on v1;
 * see oom-events.h), and only then has the stats refresh read the OOM
 * counter again instead of on every tick. Without a watch (it could not be
 * set up) the counter is read on every tick. */
#include "config.h"

#include "cgrund.h"
#include "ctr-stats.h"
#include "log.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "oom-events.h"

void oomwatch_start(struct daemon *d, struct ctr *t)
{
	cleanup_free char *events = NULL;
	cg_err_t err = { 0 };

	t->st->src.oom_watched = false;
	if (t->c.cg.path[CG_MEMORY] == NULL)
		return;
	if (t->c.cg.unified_has_ctrls) {
		events = cg_oom_events_path(&t->c.cg);
		if (events && (t->oom_wd = inotify_add_watch(d->inotify_fd, events, IN_MODIFY)) >= 0) {
			intmap_put(&d->by_wd, t->oom_wd, t);
			t->st->src.oom_watched = true;
		}
		else
			log_msg(4, "container %.12s: no OOM watch on %s: %s", t->c.id, events ? events : "memory.events",
				strerror(errno));
		return;
	}
	t->oom_efd = cg_oom_eventfd(&t->c.cg, &err);
	if (t->oom_efd < 0) {
		log_msg(4, "container %.12s: no OOM eventfd: %s", t->c.id, err.msg[0] ? err.msg : strerror(errno));
		return;
	}
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &t->oom_src };

	t->oom_src.kind = SRC_OOM;
	if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, t->oom_efd, &ev) < 0) {
		log_msg(4, "container %.12s: epoll_ctl on its OOM eventfd: %s", t->c.id, strerror(errno));
		close(t->oom_efd);
		t->oom_efd = -1;
		return;
	}
	t->st->src.oom_watched = true;
}

void oomwatch_stop(struct daemon *d, struct ctr *t)
{
	if (t->oom_wd >= 0) {
		intmap_del(&d->by_wd, t->oom_wd, t);
		inotify_rm_watch(d->inotify_fd, t->oom_wd);
	}
	t->oom_wd = -1;
	/* Closing the only fd of the eventfd also takes it out of epoll. */
	if (t->oom_efd >= 0)
		close(t->oom_efd);
	t->oom_efd = -1;
	t->st->src.oom_watched = false;
}

void oomwatch_fired(struct ctr *t)
{
	uint64_t n;

	/* v1's eventfd counts signals: drain it (non-blocking). */
	if (t->oom_efd >= 0 && read(t->oom_efd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		log_msg(4, "container %.12s: reading its OOM eventfd: %s", t->c.id, strerror(errno));
	if (!t->dead && t->st)
		cg_stats_oom_event(&t->st->src);
}
