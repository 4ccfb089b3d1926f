/* supervise.c - cgrund's containers: start, watch, exit, restart, re-adopt.
 *
 * The state machine. Every change of a container's state is made here;
 * handlers.c only asks for one (sup_run, sup_request_stop/_kill/_remove,
 * sup_abort_start, sup_cancel_restart). The state is the record's
 * (c.state, saved in config.json); the flags of struct ctr say what is
 * under way.
 *
 *   created ──start──▶ running ⇄ paused        (pause/unpause)
 *      │                 │
 *      │ (start failed,  │ stop/kill/rm -f: stopping (kill_at: SIGKILL
 *      │  rm -f while    │   when time is up; remove_when_done for rm -f)
 *      │  starting)      ▼
 *      │        exited / oom-killed ──restart policy──▶ (restart_at) start
 *      ▼                 │
 *   removed ◀────────────┘ (--rm, rm, rm -f)
 *
 * created: the record, name, layers and cgroups exist; the init is cloned
 *   and, once told "go", sets up and execs the command. The loop never
 *   waits for that: the sync socket is an epoll source (sup_on_spawn), and
 *   the start's client is answered from there (reply_started). Nor for
 *   the slirp4netns of --network=slirp4netns before the "go": its ready
 *   fd is an epoll source (sup_on_slirp), with a deadline (slirp_at, on
 *   the tick).
 * running: recorded (pid, start time) before its client is answered, so a
 *   record that still says "created" is a start nobody was told about.
 * exited: the cgroup is empty (cgroup.events, or the init's pidfd on a v1
 *   host); sup_finish records the status, then restarts, keeps (cgroups
 *   gone, record and layers kept) or removes it.
 * removed: cgroups, name and run directory go first, the directory (and
 *   record) last, so that nothing is ever left without a record.
 *
 * Re-adoption (sup_readopt, when cgrund starts): running or paused with
 * the recorded init alive (same start time): watched again; its init gone:
 * finished as above; created, or ended with --rm (caught half-way by a
 * cgrund that died): removed, with whatever runs in its cgroups; exited:
 * kept, its cgroups gone. What has no record (cg_container_orphans_gc)
 * goes first.
 *
 * The end of a container is learned from its cgroup.events ("populated 0")
 * through inotify on the unified hierarchy: the container's own cgroup on
 * a v2 host, its tracking cgroup on a hybrid one. Only a legacy (v1-only)
 * host falls back to the init's pidfd and a cgroup.procs check. */
#include "config.h"

#include "cgrund.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <syslog.h>
#include <systemd/sd-journal.h>
#include <time.h>

#include "record.h"
#include "spawn.h"

static void ctr_free(struct daemon *d, struct ctr *t)
{
	/* systemd's answers for it, still to come, go nowhere. */
	cg_forget(&t->c.cg, t);
	intmap_del(&d->by_pid, t->c.pid, t);
	intmap_del(&d->by_wd, t->wd, t);
	if (t->updating)
		free(t->update.cpuset_cpus);
	stats_stop(d, t);
	netdns_ctr_down(d, t);
	cg_container_free(&t->c);
	cg_spec_free(&t->spec);
	json_object_put(t->json);
	while (t->waiters) {
		struct waiter *w = t->waiters;

		t->waiters = w->next;
		w->conn->parked_on = NULL;
		free(w);
	}
	free(t);
}

static void ctr_link(struct daemon *d, struct ctr *t)
{
	t->prev = NULL;
	t->next = d->ctrs;
	if (d->ctrs)
		d->ctrs->prev = t;
	d->ctrs = t;
}

/* The removed containers of this batch, from their own list: no walk
 * over every container after each removal. */
void sup_reap_removed(struct daemon *d)
{
	d->reap = false;
	while (d->dead) {
		struct ctr *t = d->dead;

		d->dead = t->dead_next;
		if (t->prev)
			t->prev->next = t->next;
		else
			d->ctrs = t->next;
		if (t->next)
			t->next->prev = t->prev;
		ctr_free(d, t);
	}
}

void sup_remove_ctr(struct daemon *d, struct ctr *t)
{
	if (t->dead)
		return;
	d->reap = true;
	t->dead = true;
	t->dead_next = d->dead;
	d->dead = t;
}

struct ctr *sup_find(struct daemon *d, const char *key, cg_err_t *err)
{
	size_t n = 0, i = 0;
	struct ctr *found = NULL;
	int m;

	for (struct ctr *t = d->ctrs; t; t = t->next)
		n += !t->dead;
	const char **ids = xcalloc(n, sizeof(char *)), **names = xcalloc(n, sizeof(char *));
	struct ctr **v = xcalloc(n, sizeof(*v));

	for (struct ctr *t = d->ctrs; t; t = t->next) {
		if (t->dead)
			continue;
		ids[i] = t->c.id;
		names[i] = t->spec.name;
		v[i++] = t;
	}
	m = cg_match_container(key, ids, names, n);
	if (m >= 0)
		found = v[m];
	else if (m == -2)
		cg_error(err, 0, "'%s' matches more than one container; give more of the id", key);
	else
		cg_error(err, 0, "no such container '%s'; 'cgrun ps -a' lists them", key);
	free(ids);
	free(names);
	free(v);
	return found;
}

/* Watch for the container's end. */
int sup_watch(struct daemon *d, struct ctr *t, cg_err_t *err)
{
	t->wd = -1;
	if (t->c.cg.unified_path) {
		cleanup_free char *events = xasprintf("%s/cgroup.events", t->c.cg.unified_path);

		t->wd = inotify_add_watch(d->inotify_fd, events, IN_MODIFY);
		if (t->wd < 0)
			return cg_error(err, errno, "inotify on %s", events);
		intmap_put(&d->by_wd, t->wd, t);
		return 0;
	}
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &t->src };

	t->src.kind = SRC_PIDFD;
	if (t->c.pidfd < 0 || epoll_ctl(d->epfd, EPOLL_CTL_ADD, t->c.pidfd, &ev) < 0)
		return cg_error(err, errno ? errno : EBADF, "watching the pidfd of %.12s", t->c.id);
	return 0;
}

static void unwatch(struct daemon *d, struct ctr *t)
{
	if (t->wd >= 0) {
		intmap_del(&d->by_wd, t->wd, t);
		inotify_rm_watch(d->inotify_fd, t->wd);
	}
	t->wd = -1;
	if (t->c.pidfd >= 0 && !t->c.cg.unified_path)
		epoll_ctl(d->epfd, EPOLL_CTL_DEL, t->c.pidfd, NULL);
}

static bool cgroup_populated(const struct ctr *t)
{
	cleanup_free char *text = NULL;
	cg_err_t ignore = { 0 };

	if (t->c.cg.unified_path) {
		cleanup_free char *f = xasprintf("%s/cgroup.events", t->c.cg.unified_path);

		if (read_file(f, &text, 4096, &ignore) < 0)
			return false;
		return strstr(text, "populated 1") != NULL;
	}
	/* Legacy: any process left in the container's pids cgroup? */
	const char *dir = t->c.cg.path[CG_PIDS] ? t->c.cg.path[CG_PIDS] : t->c.cg.path[CG_CPU];

	if (dir == NULL)
		return false;
	cleanup_free char *f = xasprintf("%s/cgroup.procs", dir);

	if (read_file(f, &text, 1 << 20, &ignore) < 0)
		return false;
	return text[0] != '\0';
}

static bool should_restart(const struct ctr *t)
{
	if (t->stopping || t->dead)
		return false;
	switch (t->restart) {
	case CG_RESTART_ALWAYS:
		return true;
	case CG_RESTART_ON_FAILURE:
		return t->c.exit_code != 0 && (t->restart_max == 0 || t->c.restarts < t->restart_max);
	default:
		return false;
	}
}

static int open_log(struct ctr *t, cg_err_t *err)
{
	cleanup_free char *path = xasprintf("%s/container.log", t->c.dir);
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0640);

	if (fd < 0)
		return cg_error(err, errno, "open %s", path);
	return fd;
}

/* log_driver = journald: the container writes straight into a journal
 * stream (identifier cgrun/NAME-or-ID), as systemd's services do. */
static int open_journal(struct ctr *t, cg_err_t *err)
{
	cleanup_free char *ident = xasprintf("cgrun/%.64s", t->spec.name ? t->spec.name : t->c.id);
	int fd = sd_journal_stream_fd(ident, LOG_INFO, 0);

	if (fd < 0)
		return cg_error(err, -fd, "connecting to journald");
	return fd;
}

/* Watch for the end of t, whose init waits for "go": on cgroup2 before it
 * goes on, because with the systemd manager a command that exits at once
 * empties the scope and systemd removes its cgroup (and cgroup.events with
 * it) before we could watch it afterwards. On a legacy host the init's
 * pidfd is watched once it runs (started). */
static int watch_before_go(struct daemon *d, struct ctr *t, cg_err_t *err)
{
	if (t->c.cg.unified_path == NULL)
		return 0;
	return sup_watch(d, t, err);
}

/* The init runs its command now. */
static int started(struct daemon *d, struct ctr *t, cg_err_t *err)
{
	t->child = true;
	t->reaped = false;
	if (t->c.cg.unified_path == NULL && sup_watch(d, t, err) < 0)
		return -1;
	/* Its SIGCHLD finds it here. */
	intmap_put(&d->by_pid, t->c.pid, t);
	d->nrunning++;
	netdns_ctr_up(d, t);
	/* Its stats files are opened by the next refresh (stats_tick): not
	 * here, where cgrund would take the CPU the container's start needs
	 * (1 to 2 ms a run here), and not at all for one that is gone before
	 * the refresh. */
	d->status_dirty = true;
	return 0;
}

/* The init goes on: its sync socket is watched (sup_on_spawn). 1, or -1
 * with err: nothing left running. */
static int watch_spawn(struct daemon *d, struct ctr *t, cg_err_t *err)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &t->spawn_src };

	t->spawn_src.kind = SRC_SPAWN;
	if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, t->c.spawning.sock, &ev) < 0) {
		cg_error(err, errno, "watching the start of %.12s", t->c.id);
		cg_container_start_abort(&t->c, NULL);
		unwatch(d, t);
		return -1;
	}
	return 1;
}

/* t's slirp4netns, launched, is given up (its start aborted, or cgrund
 * stops): killed, reaped, its files gone. */
static void slirp_give_up(struct daemon *d, struct ctr *t)
{
	if (t->slirp.ready < 0)
		return;
	epoll_ctl(d->epfd, EPOLL_CTL_DEL, t->slirp.ready, NULL);
	cg_slirp_abort(t->c.rundir, &t->slirp);
	t->slirp_at = 0;
}

/* --network=slirp4netns: its start goes on once slirp4netns is up
 * (sup_on_slirp), or fails when it ends first or at slirp_at (sup_on_tick).
 * 1, or -1 with err: nothing left running. */
static int wait_slirp(struct daemon *d, struct ctr *t, cg_err_t *err)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &t->slirp_src };

	t->slirp_src.kind = SRC_SLIRP;
	if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, t->slirp.ready, &ev) < 0) {
		cg_error(err, errno, "watching the slirp4netns of %.12s", t->c.id);
		slirp_give_up(d, t);
		cg_container_start_abort(&t->c, NULL);
		unwatch(d, t);
		return -1;
	}
	t->slirp_at = now_ms() + CG_SLIRP_READY_TIMEOUT_MS;
	d->timers = true;
	return 1;
}

/* Let the waiting init go on, once its network is up. Its command runs
 * once the sync socket says so (sup_on_spawn): the loop does not wait for
 * it, whatever the init does meanwhile (its mounts, a frozen cgroup), nor
 * for a slirp4netns to configure its network (wait_slirp). 1: under way;
 * -1 with err: nothing left running. */
static int go(struct daemon *d, struct ctr *t, cg_err_t *err)
{
	int r;

	if (watch_before_go(d, t, err) < 0) {
		cg_container_start_abort(&t->c, err);
		return -1;
	}
	r = cg_container_start_go_begin(&t->c, &t->slirp, err);
	if (r < 0) {
		unwatch(d, t);
		return -1;
	}
	return r == 1 ? wait_slirp(d, t, err) : watch_spawn(d, t, err);
}

static void start_failed(struct daemon *d, struct ctr *t, const cg_err_t *err);

/* t's slirp4netns is up, ended, or timed out: its start goes on as go()'s
 * would, or fails (nothing of it left). */
static void slirp_done(struct daemon *d, struct ctr *t, bool timed_out)
{
	cg_err_t err = { 0 };

	epoll_ctl(d->epfd, EPOLL_CTL_DEL, t->slirp.ready, NULL);
	t->slirp_at = 0;
	if (cg_container_start_go_on(&t->c, &t->slirp, timed_out, &err) < 0) {
		unwatch(d, t);
		start_failed(d, t, &err);
	} else if (watch_spawn(d, t, &err) < 0) {
		start_failed(d, t, &err);
	}
}

void sup_on_slirp(struct daemon *d, struct ctr *t)
{
	/* Given up earlier in this batch (rm -f): its fd is closed. */
	if (t->dead || t->slirp.ready < 0)
		return;
	slirp_done(d, t, false);
}

void sup_shutdown(struct daemon *d)
{
	for (struct ctr *t = d->ctrs; t; t = t->next) {
		cg_err_t err = { 0 };

		if (t->dead || t->slirp.ready < 0)
			continue;
		slirp_give_up(d, t);
		cg_container_start_abort(&t->c, NULL);
		unwatch(d, t);
		cg_error(&err, ECANCELED, "container %.12s: cgrund stopped while it was starting", t->c.id);
		start_failed(d, t, &err);
	}
}

/* News on t's sync socket: its command runs now, or its start failed. */
void sup_on_spawn(struct daemon *d, struct ctr *t)
{
	cg_err_t err = { 0 };
	int r;

	if (t->dead || !cg_container_starting(&t->c))
		return;
	r = cg_container_start_poll(&t->c, false, &err);
	if (r == 1)
		return;
	/* The socket is closed by now: gone from the epoll set with it. */
	if (r < 0) {
		unwatch(d, t);
		start_failed(d, t, &err);
		return;
	}
	if (started(d, t, &err) < 0) {
		/* Nothing would learn of its end (legacy host, no pidfd watch):
		 * it goes, and its init's exit (SIGCHLD) collects it. */
		log_msg(3, "container %.12s: %s", t->c.id, err.msg);
		cg_container_kill(&t->c, SIGKILL, &(cg_err_t){ 0 });
		t->stopping = true;
		reply_started(d, t, &err);
		return;
	}
	if (t->c.restarts)
		log_msg(6, "container %.12s restarted (%d)", t->c.id, t->c.restarts);
	else
		log_msg(6, "container %.12s started (%s)", t->c.id, t->spec.image);
	reply_started(d, t, NULL);
	/* A command that ended at once may have emptied its cgroup before it
	 * counted as running (sup_finish ignores a container still starting):
	 * no cgroup.events edge comes after that. */
	if (!t->dead && !cgroup_populated(t))
		sup_finish(d, t);
}

/* systemd has made the scope around the waiting init (or failed to). */
static void on_attached(void *ud, const cg_err_t *aerr)
{
	struct ctr *t = ud;
	struct daemon *d = t->d;
	cg_err_t err = { 0 };

	if (aerr) {
		err = *aerr;
		cg_container_start_abort(&t->c, &err);
		start_failed(d, t, &err);
		return;
	}
	if (go(d, t, &err) < 0)
		start_failed(d, t, &err);
}

/* Spawn t: 1 while it starts (sup_on_spawn goes on from there, after
 * on_attached when systemd makes its scope first), -1 with err (nothing
 * left running). */
static int start_ctr(struct daemon *d, struct ctr *t, const struct cg_start *st, cg_err_t *err)
{
	int r;

	if (cg_container_start_begin(&t->c, st, err) < 0)
		return -1;
	if (cg_joined_by_child(&t->c.cg))
		return go(d, t, err);
	/* The loop goes on while systemd works: other clients are answered
	 * meanwhile, and a systemd that never answers fails only this start
	 * (CG_SDBUS_JOB_TIMEOUT_MS). */
	r = cg_attach_start(&t->c.cg, t->c.spawning.pid, on_attached, t, err);
	if (r < 0) {
		cg_container_start_abort(&t->c, err);
		return -1;
	}
	if (r == 0)
		return go(d, t, err);
	return 1;
}

static int start_detached(struct daemon *d, struct ctr *t, cg_err_t *err)
{
	cleanup_close int log = !strcmp(d->conf.log_driver, "journald") ? open_journal(t, err) : open_log(t, err);
	cleanup_close int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	struct cg_start st = { .stdio = { devnull, log, log } };

	if (log < 0 || devnull < 0)
		return log < 0 ? -1 : cg_error(err, errno, "open /dev/null");
	return start_ctr(d, t, &st, err);
}

/* The container's processes are all gone: collect its status, tell the
 * waiters, then restart it, keep it, or remove it. */
void sup_finish(struct daemon *d, struct ctr *t)
{
	cg_err_t err = { 0 };

	if (t->c.state != CG_STATE_RUNNING && t->c.state != CG_STATE_PAUSED)
		return;
	unwatch(d, t);
	stats_stop(d, t);
	netdns_ctr_down(d, t);
	d->status_dirty = true;
	d->nrunning--;
	if (t->child && !t->reaped) {
		int st;

		if (waitpid(t->c.pid, &st, WNOHANG) == t->c.pid) {
			t->reaped = true;
			t->wstatus = st;
		}
	}
	if (t->reaped)
		intmap_del(&d->by_pid, t->c.pid, t);
	cg_container_exited(&t->c, t->child && t->reaped ? t->wstatus : -1);
	t->kill_at = 0;
	log_msg(6, "container %.12s exited with status %d%s", t->c.id, t->c.exit_code,
		t->c.oom_killed ? " (OOM killed)" : "");
	/* The stats file would only repeat its last numbers: gone with the run. */
	{
		cleanup_free char *sf = xasprintf("%s/stats", t->c.rundir);

		unlink(sf);
	}
	if (should_restart(t)) {
		notify_waiters(d, t);
		/* Back off like docker: 100 ms doubling to 1 min, so a container
		 * that crashes at once cannot spin the loop. */
		int shift = t->c.restarts < 10 ? t->c.restarts : 10;
		int64_t delay = 100LL << shift;

		t->restart_at = now_ms() + (delay > 60000 ? 60000 : delay);
		d->timers = true;
		cg_container_save(&t->c, &err);
		return;
	}
	/* Undo first, then answer: a client told "removed" or "stopped" must
	 * find the cgroups (and with --rm the files) gone. */
	if (t->c.spec->remove || t->remove_when_done) {
		cleanup_free char *trash = cg_container_destroy_later(&t->c);

		notify_waiters(d, t);
		sup_remove_ctr(d, t);
		sup_remove_trash(trash);
		return;
	}
	/* Kept: the cgroup goes now, the layers and record stay for rm. */
	cg_container_destroy(&t->c, true);
	notify_waiters(d, t);
}

void sup_on_inotify_event(struct daemon *d, const struct inotify_event *ev)
{
	/* The queue overflowed (events lost, memory.events can be busy): look
	 * at every running container. */
	bool all = ev->mask & IN_Q_OVERFLOW;

	if (!all) {
		struct ctr *t = intmap_get(&d->by_wd, ev->wd);

		if (t == NULL || t->dead)
			return;
		if (t->oom_wd >= 0 && t->oom_wd == ev->wd)
			oomwatch_fired(t);
		if (t->wd >= 0 && t->wd == ev->wd && !cgroup_populated(t))
			sup_finish(d, t);
		return;
	}
	log_msg(4, "inotify queue overflowed: checking every container");
	for (struct ctr *t = d->ctrs; t; t = t->next) {
		bool running = t->c.state == CG_STATE_RUNNING || t->c.state == CG_STATE_PAUSED;

		if (t->dead || (all && !running))
			continue;
		if (all || (t->oom_wd >= 0 && t->oom_wd == ev->wd))
			oomwatch_fired(t);
		if ((all || (t->wd >= 0 && t->wd == ev->wd)) && !cgroup_populated(t))
			sup_finish(d, t);
	}
}

void sup_on_pidfd(struct daemon *d, struct ctr *t)
{
	if (t->dead)
		return;
	/* The init has exited; the kernel empties the PID namespace with it,
	 * but a v1 cgroup can still list processes for a moment. */
	if (!cgroup_populated(t)) {
		sup_finish(d, t);
		return;
	}
	epoll_ctl(d->epfd, EPOLL_CTL_DEL, t->c.pidfd, NULL);
	t->kill_at = -1;  /* re-check on the next tick */
	d->timers = true;
}

void sup_on_sigchld(struct daemon *d)
{
	for (;;) {
		int st;
		pid_t p = waitpid(-1, &st, WNOHANG);

		if (p <= 0)
			break;
		if (execs_reaped(d, p, st) || pulls_reaped(d, p, st) || spawner_reaped(d, p, st))
			continue;
		struct ctr *t = intmap_get(&d->by_pid, p);

		if (t && t->child && t->c.pid == p) {
			intmap_del(&d->by_pid, p, t);
			t->reaped = true;
			t->wstatus = st;
			/* No cgroup.events edge may follow if the cgroup was
			 * already empty when the watch began. */
			if (!cgroup_populated(t))
				sup_finish(d, t);
		}
	}
}

void sup_request_stop(struct daemon *d, struct ctr *t, int timeout)
{
	cg_err_t ignore = { 0 };

	t->stopping = true;
	t->restart_at = 0;
	if (t->c.state == CG_STATE_PAUSED)
		cg_freeze(&t->c.cg, false, &ignore);
	/* SIGTERM (or the image's StopSignal) to the init, which forwards
	 * it; SIGKILL when time is up (sup_on_tick). */
	if (timeout == 0 || cg_container_kill(&t->c, t->c.stop_signal, &ignore) < 0) {
		cg_container_kill(&t->c, SIGKILL, &ignore);
	} else {
		t->kill_at = now_ms() + (int64_t)timeout * 1000;
		d->timers = true;
	}
}

int sup_request_kill(struct daemon *d, struct ctr *t, int sig, cg_err_t *err)
{
	(void)d;
	if (cg_container_kill(&t->c, sig, err) < 0)
		return -1;
	/* As with docker, a user's TERM or KILL is a stop: no restart. */
	if (sig == SIGTERM || sig == SIGKILL)
		t->stopping = true;
	return 0;
}

void sup_request_remove(struct daemon *d, struct ctr *t)
{
	cg_err_t ignore = { 0 };

	(void)d;
	t->stopping = true;
	t->remove_when_done = true;
	if (t->c.state == CG_STATE_PAUSED)
		cg_freeze(&t->c.cg, false, &ignore);
	cg_container_kill(&t->c, SIGKILL, &ignore);
}

/* A stop or rm while a restart is pending: the container stays down, and
 * its cgroup (kept for the restart) goes. */
void sup_cancel_restart(struct daemon *d, struct ctr *t)
{
	if (!t->restart_at)
		return;
	t->restart_at = 0;
	t->stopping = true;
	if (t->c.spec->remove) {
		cg_container_destroy(&t->c, false);
		sup_remove_ctr(d, t);
	} else {
		cg_container_destroy(&t->c, true);
	}
}

/* A start that did not come to run: the client is told why, and the
 * container goes (with --rm) or is kept as exited, its cgroups gone. */
static void start_failed(struct daemon *d, struct ctr *t, const cg_err_t *err)
{
	log_msg(3, "%s container %.12s: %s", t->c.restarts ? "restarting" : "starting", t->c.id, err->msg);
	reply_started(d, t, err);
	if (t->c.restarts == 0 || t->c.spec->remove) {
		/* A first start: nothing is left of it, as after a failed run. */
		cg_container_destroy(&t->c, false);
		sup_remove_ctr(d, t);
		return;
	}
	cg_container_exited(&t->c, -1);
	cg_container_destroy(&t->c, true);
	d->status_dirty = true;
}

void sup_abort_start(struct daemon *d, struct ctr *t, const char *why)
{
	cg_err_t err = { 0 };

	if (!cg_container_starting(&t->c))
		return;
	cg_forget(&t->c.cg, t);
	slirp_give_up(d, t);
	cg_container_start_abort(&t->c, NULL);
	unwatch(d, t);
	cg_error(&err, ECANCELED, "container %.12s: %s while it was starting", t->c.id, why);
	reply_started(d, t, &err);
}

static void restart_now(struct daemon *d, struct ctr *t)
{
	cg_err_t err = { 0 };
	int r;

	t->restart_at = 0;
	t->c.restarts++;
	r = cg_container_renew_cgroup(&t->c, &err);
	if (r == 0)
		r = start_detached(d, t, &err);
	if (r >= 0)
		return;
	start_failed(d, t, &err);
}

void sup_on_tick(struct daemon *d)
{
	int64_t t_now = now_ms();

	/* Nothing pending (the usual case): no walk over every container ten
	 * times a second. */
	if (!d->timers)
		return;
	d->timers = false;
	for (struct ctr *t = d->ctrs; t; t = t->next)
		d->timers |= !t->dead && (t->restart_at || t->kill_at || t->slirp_at);
	for (struct ctr *t = d->ctrs; t; t = t->next) {
		if (!t->dead && t->slirp_at && t_now >= t->slirp_at) {
			slirp_done(d, t, true);
			continue;
		}
		if (!t->dead && t->restart_at && t_now >= t->restart_at) {
			if (t->stopping)
				sup_cancel_restart(d, t);
			else
				restart_now(d, t);
			continue;
		}
		if (t->dead || (t->c.state != CG_STATE_RUNNING && t->c.state != CG_STATE_PAUSED))
			continue;
		if (t->kill_at == -1) {
			if (!cgroup_populated(t))
				sup_finish(d, t);
			continue;
		}
		if (t->kill_at > 0 && t_now >= t->kill_at) {
			cg_err_t ignore = { 0 };

			log_msg(5, "container %.12s did not stop in time: SIGKILL", t->c.id);
			if (t->c.state == CG_STATE_PAUSED)
				cg_freeze(&t->c.cg, false, &ignore);
			cg_container_kill(&t->c, SIGKILL, &ignore);
			t->kill_at = 0;
		}
	}
}

static struct ctr *ctr_new(struct daemon *d)
{
	struct ctr *t = xcalloc(1, sizeof(*t));

	t->d = d;
	t->wd = t->oom_wd = t->oom_efd = -1;
	t->c.pidfd = t->c.pty_master = -1;
	t->slirp.ready = -1;
	return t;
}

int sup_run(struct daemon *d, struct conn *cl, struct cg_request *req, struct ctr **out, cg_err_t *err)
{
	struct ctr *t = ctr_new(d);
	bool detach = req->detach;
	int r;

	*out = NULL;
	if (cg_spec_from_json(req->spec, &t->spec, err) < 0)
		goto fail;
	/* The spec's strings live in the request's JSON: keep it. */
	t->json = json_object_get(req->root);
	if (t->spec.cgroup_parent == NULL && d->conf.cgroup_parent[0])
		t->spec.cgroup_parent = d->conf.cgroup_parent;
	if (t->spec.userns == NULL)
		t->spec.userns = d->conf.userns;
	if (t->spec.cgroup_manager && strcmp(t->spec.cgroup_manager, cg_manager_name(d->ctx.mgr)) != 0) {
		cg_error(err, 0, "cgrund makes its containers' cgroups with the %s cgroup manager (cgroup_manager in cgrund.conf), not %s; drop --cgroup-manager",
			 cg_manager_name(d->ctx.mgr), t->spec.cgroup_manager);
		goto fail;
	}
	if (t->spec.restart && cg_restart_parse(t->spec.restart, &t->restart, &t->restart_max, err) < 0)
		goto fail;
	if (!detach && t->restart != CG_RESTART_NO) {
		cg_error(err, EINVAL, "--restart needs a detached container (-d)");
		goto fail;
	}
	if (!detach && cl->nfds != 3 && !t->spec.tty) {
		cg_error(err, EINVAL, "an attached run needs the client's stdin, stdout and stderr");
		goto fail;
	}
	if (cg_container_create(&d->ctx, &t->c, &t->spec, "cgrund", err) < 0)
		goto fail;
	t->attached = !detach;
	if (detach) {
		r = start_detached(d, t, err);
	} else {
		struct cg_start st = { .tty = t->spec.tty,
				       .winsize = { .ws_row = (unsigned short)req->rows,
						    .ws_col = (unsigned short)req->cols } };

		for (int i = 0; i < 3; i++)
			st.stdio[i] = i < cl->nfds ? cl->fds[i] : -1;
		if (t->spec.tty) {
			st.stdio[0] = st.stdio[1] = st.stdio[2] = -1;
		}
		r = start_ctr(d, t, &st, err);
	}
	if (r < 0)
		goto fail_created;
	ctr_link(d, t);
	*out = t;
	return r;
fail_created:
	if (t->c.pid > 0) {
		cg_container_kill(&t->c, SIGKILL, &(cg_err_t){ 0 });
		waitpid(t->c.pid, NULL, 0);
	}
	cg_container_destroy(&t->c, false);
fail:
	ctr_free(d, t);
	return -1;
}

void sup_remove_trash(const char *trash)
{
	cg_err_t err = { 0 };

	if (trash && rm_rf(trash, &err) < 0)
		log_msg(4, "removing %s: %s", trash, err.msg);
}

/* Caught half-way by the death of the cgrund that made it: a container
 * whose start never answered its client ("created": the record says
 * "running" before the answer goes), or one with --rm that had ended. */
static bool half_way(const struct ctr *t)
{
	return t->c.state == CG_STATE_CREATED || (cg_state_ended(t->c.state) && t->c.spec->remove);
}

/* After a restart of cgrund: take back every container it was running. */
void sup_readopt(struct daemon *d)
{
	struct cg_container_info *v;
	size_t n;
	cg_err_t err = { 0 };
	int adopted = 0, finished = 0, removed = 0;

	/* What a dying cgrund left without a record: directories of removed
	 * containers it had not finished deleting, or of containers it had
	 * not finished creating, names and run directories. */
	cg_container_orphans_gc(&d->ctx);
	if (cg_container_list(&d->ctx, &v, &n, &err) < 0) {
		log_msg(3, "listing containers: %s", err.msg);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (!v[i].by_cgrund)
			continue;
		struct ctr *t = ctr_new(d);

		if (cg_container_load(&d->ctx, v[i].id, &t->c, &t->spec, &t->json, &err) < 0) {
			log_msg(3, "re-adopting %.12s: %s", v[i].id, err.msg);
			ctr_free(d, t);
			memset(&err, 0, sizeof(err));
			continue;
		}
		if (half_way(t)) {
			/* Nobody was told it exists: all of it goes, whatever runs
			 * in its cgroups first (a waiting init, or its command). */
			log_msg(5, "container %.12s was %s when cgrund stopped: removed", t->c.id,
				cg_state_name(t->c.state));
			if (!t->c.made_cgroup &&
			    cg_open(&t->c.cg, t->c.mgr, t->c.layout, t->spec.cgroup_parent, t->c.id, NULL, &err) == 0)
				t->c.made_cgroup = true;
			memset(&err, 0, sizeof(err));
			cg_container_destroy(&t->c, false);
			ctr_free(d, t);
			removed++;
			continue;
		}
		if (t->spec.restart)
			cg_restart_parse(t->spec.restart, &t->restart, &t->restart_max, &err);
		ctr_link(d, t);
		if (t->c.state != CG_STATE_RUNNING && t->c.state != CG_STATE_PAUSED) {
			/* Kept after exit: listed, nothing to watch. One that was
			 * waiting to be restarted still has its cgroups (cgroupfs
			 * keeps them for the restart): they go (restart policies
			 * resume on a start). */
			struct cg_cgroup cg;

			if (t->c.made_cgroup) {
				if (cg_destroy(&t->c.cg, &err) < 0)
					log_msg(4, "container %.12s: %s", t->c.id, err.msg);
				t->c.made_cgroup = false;
			} else if (cg_open(&cg, t->c.mgr, t->c.layout, t->spec.cgroup_parent, t->c.id, NULL, &err) == 0 &&
				   cg.path[CG_CPU] && path_exists(cg.path[CG_CPU])) {
				cg_destroy(&cg, &err);
			} else {
				cg_free(&cg);
			}
			memset(&err, 0, sizeof(err));
			continue;
		}
		/* Counted as running until sup_finish says otherwise. */
		d->nrunning++;
		/* The same process, not a recycled pid: its start time matches. */
		if (cg_proc_same(t->c.pid, t->c.pid_start))
			t->c.pidfd = (int)syscall(SYS_pidfd_open, t->c.pid, 0);
		if (t->c.pidfd >= 0 && cg_proc_same(t->c.pid, t->c.pid_start) &&
		    sup_watch(d, t, &err) == 0 && cgroup_populated(t)) {
			netdns_ctr_up(d, t);
			d->status_dirty = true;
			adopted++;
			continue;
		}
		/* It ended while no cgrund was watching: its init left the status. */
		sup_finish(d, t);
		finished++;
	}
	cg_container_list_free(v, n);
	log_msg(6, "re-adopted %d running container%s, collected %d that ended meanwhile, removed %d caught half-way",
		adopted, adopted == 1 ? "" : "s", finished, removed);
}
