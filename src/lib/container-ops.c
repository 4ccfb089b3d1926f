/* container-ops.c - the local back-end of stop, kill, pause, unpause,
 * update and wait (see container-ops.h). */
#include "config.h"

#include "container-ops.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "freeze-wait.h"
#include "record.h"

/* How long a foreground cgrun gets to record its container's end once the
 * init is gone (it reaps the init, removes the cgroups, writes the record). */
#define SETTLE_MS 10000
/* After SIGKILL the init is gone at once unless the kernel is slow to tear
 * it down (a large memory cgroup): bounded, never forever. */
#define KILL_WAIT_MS 30000

/* A container loaded from its record, with everything load gave it. */
struct loaded {
	struct cg_container c;
	struct cg_spec spec;
	void *json;
};

static int load(struct cg_ctx *ctx, const char *key, struct loaded *l, cg_err_t *err)
{
	char id[65];

	memset(l, 0, sizeof(*l));
	l->c.pidfd = l->c.pty_master = -1;
	if (cg_container_resolve(ctx, key, id, err) < 0)
		return -1;
	return cg_container_load(ctx, id, &l->c, &l->spec, &l->json, err);
}

static void unload(struct loaded *l)
{
	cg_container_free(&l->c);
	cg_spec_free(&l->spec);
	json_object_put(l->json);
}

/* A pidfd for the container's init, if it still runs: opened first, then
 * the start time checked, so the pidfd cannot name a recycled pid. */
static int open_init(struct cg_container *c)
{
	int fd;

	if (c->pid <= 0 || !(cg_state_up(c->state) || c->state == CG_STATE_CREATED))
		return -1;
	fd = (int)syscall(SYS_pidfd_open, c->pid, 0);
	if (fd < 0)
		return -1;
	if (!cg_proc_same(c->pid, c->pid_start)) {
		close(fd);
		return -1;
	}
	c->pidfd = fd;
	return fd;
}

/* 1: the process of pidfd is gone; 0: still there after ms (-1: forever). */
static int gone_within(int pidfd, int ms)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };
	int r;

	do
		r = poll(&p, 1, ms);
	while (r < 0 && errno == EINTR);
	return r > 0;
}

/* The init is gone: give its foreground cgrun the time to record the end.
 * A cgrund's container waits for the next cgrund (which re-adopts it and
 * records how it ended); one whose owner is gone is collected here. */
static void settle(struct cg_ctx *ctx, const char *id)
{
	struct cg_record r;
	cg_err_t ignore = { 0 };
	int fd;

	cg_record_init(&r);
	if (cg_record_read(ctx, id, &r, &ignore) < 0 || cg_state_ended(r.state) || r.by_cgrund) {
		cg_record_free(&r);
		return;
	}
	fd = r.owner_pid > 0 ? (int)syscall(SYS_pidfd_open, r.owner_pid, 0) : -1;
	if (fd >= 0 && cg_proc_same(r.owner_pid, r.owner_start))
		gone_within(fd, SETTLE_MS);
	if (fd >= 0)
		close(fd);
	cg_record_free(&r);
	cg_container_gc(ctx);
}

int cg_container_pause(struct cg_container *c, bool freeze, cg_err_t *err)
{
	enum cg_state from = freeze ? CG_STATE_RUNNING : CG_STATE_PAUSED;

	if (c->state != from)
		return cg_error(err, 0, "container %.12s is %s, not %s", c->id, cg_state_name(c->state),
				cg_state_name(from));
	if (cg_freeze(&c->cg, freeze, err) < 0)
		return -1;
	c->state = freeze ? CG_STATE_PAUSED : CG_STATE_RUNNING;
	return cg_container_save(c, err);
}

int cg_local_stop(struct cg_ctx *ctx, const char *key, int timeout, cg_err_t *err)
{
	struct loaded l;
	cg_err_t ignore = { 0 };
	int ret = 0;

	if (load(ctx, key, &l, err) < 0) {
		unload(&l);
		return -1;
	}
	if (open_init(&l.c) >= 0) {
		/* A frozen init would never see the TERM. */
		if (l.c.state == CG_STATE_PAUSED)
			cg_freeze(&l.c.cg, false, &ignore);
		if (timeout == 0 || cg_container_kill(&l.c, l.c.stop_signal, &ignore) < 0 ||
		    !gone_within(l.c.pidfd, timeout * 1000)) {
			if (cg_container_kill(&l.c, SIGKILL, err) < 0)
				ret = -1;
			else if (!gone_within(l.c.pidfd, KILL_WAIT_MS))
				ret = cg_error(err, ETIMEDOUT, "container %.12s survived SIGKILL", l.c.id);
		}
		if (ret == 0)
			settle(ctx, l.c.id);
	}
	unload(&l);
	return ret;
}

/* What kill, pause and update do to a running container. */
struct op {
	int sig;
	bool freeze;
	const struct cg_limits *upd;
};

typedef int op_fn(struct loaded *l, const struct op *op, cg_err_t *err);

/* Load key's container and, if its init runs, do fn to it. */
static int on_running(struct cg_ctx *ctx, const char *key, op_fn *fn, const struct op *op, cg_err_t *err)
{
	struct loaded l;
	int ret;

	if (load(ctx, key, &l, err) < 0) {
		unload(&l);
		return -1;
	}
	if (open_init(&l.c) < 0)
		ret = cg_error(err, 0, "container '%s' is not running", key);
	else
		ret = fn(&l, op, err);
	unload(&l);
	return ret < 0 ? -1 : 0;
}

static int do_kill(struct loaded *l, const struct op *op, cg_err_t *err)
{
	return cg_container_kill(&l->c, op->sig, err);
}

static int do_pause(struct loaded *l, const struct op *op, cg_err_t *err)
{
	if (cg_container_pause(&l->c, op->freeze, err) < 0)
		return -1;
	if (l->c.cg.unified_path == NULL)
		return 0;
	cleanup_free char *events = xasprintf("%s/cgroup.events", l->c.cg.unified_path);

	return cg_wait_frozen(events, op->freeze, CG_FREEZE_WAIT_MS, err);
}

static int do_update(struct loaded *l, const struct op *op, cg_err_t *err)
{
	struct cg_limits merged;

	if (cg_update(&l->c.cg, &l->spec.limits, op->upd, &merged, NULL, NULL, err) < 0)
		return -1;
	free(l->spec.limits.cpuset_cpus);
	l->spec.limits = merged;
	return cg_container_save(&l->c, err);
}

int cg_local_kill(struct cg_ctx *ctx, const char *key, int sig, cg_err_t *err)
{
	return on_running(ctx, key, do_kill, &(struct op){ .sig = sig }, err);
}

int cg_local_pause(struct cg_ctx *ctx, const char *key, bool freeze, cg_err_t *err)
{
	return on_running(ctx, key, do_pause, &(struct op){ .freeze = freeze }, err);
}

int cg_local_update(struct cg_ctx *ctx, const char *key, const struct cg_limits *upd, cg_err_t *err)
{
	return on_running(ctx, key, do_update, &(struct op){ .upd = upd }, err);
}

int cg_container_open_log(const struct cg_container *c, cg_err_t *err)
{
	cleanup_free char *path = xasprintf("%s/container.log", c->dir);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return cg_error(err, errno == ENOENT ? 0 : errno,
				errno == ENOENT ? "container %.12s has no log: it ran attached" : "open %s",
				errno == ENOENT ? c->id : path);
	return fd;
}

int cg_local_open_log(struct cg_ctx *ctx, const char *key, int *logfd, int *endfd, cg_err_t *err)
{
	struct loaded l;

	*logfd = *endfd = -1;
	if (load(ctx, key, &l, err) < 0 || (*logfd = cg_container_open_log(&l.c, err)) < 0) {
		unload(&l);
		return -1;
	}
	*endfd = open_init(&l.c);
	l.c.pidfd = -1;
	unload(&l);
	return 0;
}

int cg_local_wait(struct cg_ctx *ctx, const char *key, int *exit_code, cg_err_t *err)
{
	struct loaded l;
	char id[65];

	if (load(ctx, key, &l, err) < 0) {
		unload(&l);
		return -1;
	}
	memcpy(id, l.c.id, sizeof(id));
	if (open_init(&l.c) >= 0) {
		gone_within(l.c.pidfd, -1);
		settle(ctx, id);
	}
	unload(&l);
	/* How it ended, as recorded by whoever saw it end. */
	if (load(ctx, id, &l, err) < 0) {
		unload(&l);
		return cg_error(err, 0, "container %.12s has ended and was removed (--rm) with its exit status", id);
	}
	if (!cg_state_ended(l.c.state))
		/* A cgrund's, with no cgrund to record it: what its init left. */
		cg_container_exited(&l.c, -1);
	*exit_code = l.c.exit_code;
	unload(&l);
	return 0;
}
