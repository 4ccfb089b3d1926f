/* warm-ns.c - namespaces made ahead for the next init (warm-ns.h). */
#include "config.h"

#include "warm-ns.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

static const struct {
	const char *path;
	int type;
} kinds[3] = {
	{ "/proc/self/ns/net", CLONE_NEWNET },
	{ "/proc/self/ns/ipc", CLONE_NEWIPC },
	{ "/proc/self/ns/uts", CLONE_NEWUTS },
};

bool cg_warm_ns_fits(const struct cg_spawn_args *a)
{
	return !a->net_host && a->netns_pid <= 0 && a->idmap == NULL;
}

int cg_warm_ns_open(struct cg_warm_ns *w)
{
	w->state = CG_NS_HOME;
	for (int i = 0; i < 3; i++)
		w->home[i] = -1;
	for (int i = 0; i < 3; i++) {
		w->home[i] = open(kinds[i].path, O_RDONLY | O_CLOEXEC);
		if (w->home[i] < 0) {
			cg_warm_ns_close(w);
			return -1;
		}
	}
	return 0;
}

void cg_warm_ns_close(struct cg_warm_ns *w)
{
	for (int i = 0; i < 3; i++) {
		if (w->home[i] >= 0)
			close(w->home[i]);
		w->home[i] = -1;
	}
}

static int go_home(struct cg_warm_ns *w)
{
	if (w->state == CG_NS_HOME)
		return 0;
	for (int i = 0; i < 3; i++)
		if (setns(w->home[i], kinds[i].type) < 0)
			return -1;
	w->state = CG_NS_HOME;
	return 0;
}

int cg_warm_ns_before(struct cg_warm_ns *w, struct cg_spawn_args *a)
{
	a->ns_warm = w->state == CG_NS_WARM && cg_warm_ns_fits(a);
	return a->ns_warm ? 0 : go_home(w);
}

int cg_warm_ns_taken(struct cg_warm_ns *w)
{
	w->state = CG_NS_USED;
	return go_home(w);
}

int cg_warm_ns_refill(struct cg_warm_ns *w)
{
	cg_err_t err = { 0 };

	if (w->state == CG_NS_WARM)
		return 0;
	if (go_home(w) < 0)
		return -1;
	if (w->home[0] < 0 || unshare(CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS) < 0)
		return 0;
	/* In fresh namespaces now: WARM once the loopback is up, else back. */
	w->state = CG_NS_WARM;
	if (cg_loopback_up(&err) < 0) {
		w->state = CG_NS_USED;
		return go_home(w);
	}
	return 0;
}
