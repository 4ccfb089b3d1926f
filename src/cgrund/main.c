/* main.c - cgrund: set up the socket and the event sources, re-adopt the
 * running containers, then run the one epoll loop. */
#include "config.h"

#include "cgrund.h"
#include "container-net.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <systemd/sd-daemon.h>

#include "cgroup-mode.h"
#include "record.h"
#include "spawn.h"
#include "store.h"

#define TICK_MS 100
/* Exit status after a failure of the loop (cgrund(8), EXIT STATUS). */
#define EXIT_LOOP_FAILED 3

static int add_src(struct daemon *d, int fd, struct src *s, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = s };

	return epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &ev);
}

/* Under systemd with Delegate=yes on cgroup v2, a cgroup with processes
 * cannot hand controllers down: move ourselves into a leaf of our subtree,
 * so containers go beside it (<service>/cgrun/<id>, <service>/supervisor). */
static void move_to_leaf(void)
{
	struct cg_layout l;
	cg_err_t err = { 0 };
	char pid[32];

	if (cg_layout_detect(&l, &err) < 0 || l.mode != CG_MODE_UNIFIED)
		return;
	const char *self = cg_hier_relself(&l.unified);

	if (self[0] == '\0' || strcmp(self, l.unified_base) != 0)
		return;  /* the root, or already in a leaf below the delegation */
	cleanup_free char *leaf = xasprintf("%s%s/supervisor", l.unified.mountpoint, self);
	cleanup_free char *procs = xasprintf("%s/cgroup.procs", leaf);

	if (mkdir(leaf, 0755) < 0 && errno != EEXIST) {
		log_msg(4, "cannot create %s: %s; containers may fail to get controllers", leaf, strerror(errno));
		return;
	}
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	if (write_file(procs, pid, &err) < 0)
		log_msg(4, "moving into %s: %s", leaf, err.msg);
}

/* Each container holds a dozen cgroup fds open for stats: lift the soft
 * limit to the hard one (the containers get the original back). */
static void raise_nofile(struct daemon *d)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return;
	d->ctx.nofile = rl.rlim_cur;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		log_msg(4, "raising the open files limit: %s", strerror(errno));
}

static int setup(struct daemon *d, cg_err_t *err)
{
	sigset_t set;
	struct itimerspec its = { .it_interval = { 0, TICK_MS * 1000000L },
				  .it_value = { 0, TICK_MS * 1000000L } };
	struct group *gr = getgrnam(d->conf.socket_group);

	if (gr) {
		d->group = gr->gr_gid;
		d->have_group = true;
	} else {
		log_msg(4, "group '%s' does not exist: only root may use cgrund (create it with 'groupadd %s')",
			d->conf.socket_group, d->conf.socket_group);
	}
	d->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (d->epfd < 0)
		return cg_error(err, errno, "epoll_create1");
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return cg_error(err, errno, "sigprocmask");
	signal(SIGPIPE, SIG_IGN);
	/* Inherited SIG_IGN would have the kernel reap containers itself. */
	signal(SIGCHLD, SIG_DFL);
	/* Stats files are rewritten under write leases (exchfile.h) that a
	 * reader's open breaks with a signal: taken from a signalfd. */
	if (leases_init(d, err) < 0)
		return -1;
	d->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	d->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	d->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (d->sigfd < 0 || d->inotify_fd < 0 || d->timer_fd < 0)
		return cg_error(err, errno, "creating event sources");
	if (timerfd_settime(d->timer_fd, 0, &its, NULL) < 0)
		return cg_error(err, errno, "timerfd_settime");
	if (srv_listen(d, err) < 0)
		return -1;
	d->sig.kind = SRC_SIGNAL;
	d->listen.kind = SRC_LISTEN;
	d->inotify.kind = SRC_INOTIFY;
	d->timer.kind = SRC_TIMER;
	if (add_src(d, d->sigfd, &d->sig, EPOLLIN) < 0 || add_src(d, d->listen_fd, &d->listen, EPOLLIN) < 0 ||
	    add_src(d, d->inotify_fd, &d->inotify, EPOLLIN) < 0 || add_src(d, d->timer_fd, &d->timer, EPOLLIN) < 0 ||
	    add_src(d, d->lease_fd, &d->lease_src, EPOLLIN) < 0)
		return cg_error(err, errno, "epoll_ctl");
	if (sd_watchdog_enabled(0, &d->watchdog_usec) <= 0)
		d->watchdog_usec = 0;
	return 0;
}

static void on_signal(struct daemon *d)
{
	struct signalfd_siginfo si;

	while (read(d->sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGCHLD)
			sup_on_sigchld(d);
		else if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT)
			d->quit = true;
	}
}

static void on_inotify(struct daemon *d)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;

	while ((n = read(d->inotify_fd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + n;) {
			struct inotify_event *ev = (struct inotify_event *)p;

			bool sock = ev->wd >= 0 && ev->wd == d->sock_wd;

			/* Lost events (overflow) may have been the socket's too. */
			if (sock || (ev->mask & IN_Q_OVERFLOW))
				srv_check_socket(d);
			if (!sock)
				sup_on_inotify_event(d, ev);
			p += sizeof(*ev) + ev->len;
		}
	}
}

static void on_tick(struct daemon *d)
{
	uint64_t n;
	int64_t t = now_ms();

	if (read(d->timer_fd, &n, sizeof(n)) < 0) {
		/* nothing pending */
	}
	sup_on_tick(d);
	netdns_tick(d);
	/* Jobs systemd never finishes fail at their deadline. */
	bus_dispatch(d);
	srv_check_deadlines(d);
	srv_resume_listen(d);
	/* Keep the schedule, not the tick's own (late) time: the files are
	 * refreshed every interval, never every interval plus a tick. */
	if (d->conf.stats_interval > 0 && t + TICK_MS / 2 >= d->next_stats) {
		int64_t iv = (int64_t)d->conf.stats_interval * 1000;

		stats_tick(d);
		d->next_stats = d->next_stats ? d->next_stats + iv : t + iv;
		if (d->next_stats <= t)
			d->next_stats = t + iv;
	}
	/* Fed from the loop itself: a stuck loop starves the watchdog. */
	if (d->watchdog_usec && (t - d->last_watchdog) * 1000 >= (int64_t)d->watchdog_usec / 2) {
		sd_notify(0, "WATCHDOG=1");
		d->last_watchdog = t;
	}
}

static void status_line(struct daemon *d)
{
	/* Counted where containers start and end (supervise.c): no walk over
	 * every container after a start or an exit. */
	int n = d->nrunning;

	if (!d->status_dirty)
		return;
	d->status_dirty = false;
	if (n == d->last_status)
		return;
	d->last_status = n;
	sd_notifyf(0, "STATUS=%d container%s running", n, n == 1 ? "" : "s");
}

/* The cgroup manager of new containers (cgroup_manager in cgrund.conf).
 * systemd: a scope per container, in cgrund's loop (async); our service's
 * cgroup then keeps no controllers, so cgrund can be restarted while they
 * run (systemd before v254 puts a restarted service's main process in the
 * service's own cgroup, which the kernel refuses once that cgroup hands
 * controllers down: the restart fails with 219/CGROUP). cgroupfs: they go
 * beside us, in our subtree, and we move into a leaf of it. */
static int pick_manager(struct daemon *d, const char *config, cg_err_t *err)
{
	enum cg_manager_kind k;
	const struct cg_layout *l;

	if (cg_manager_parse(d->conf.cgroup_manager, &k, err) < 0 ||
	    (l = cg_ctx_layout(&d->ctx, err)) == NULL)
		return -1;
	if (cg_manager_pick(&d->ctx, k, &d->ctx.mgr, err) < 0)
		return cg_error_wrap(err, "cgroup_manager = %s in %s", d->conf.cgroup_manager, config);
	if (d->conf.cgroup_parent[0] &&
	    cg_manager_check_parent(d->ctx.mgr, d->conf.cgroup_parent, err) < 0)
		return cg_error_wrap(err, "cgroup_parent in %s", config);
	if (cg_manager_bus(d->ctx.mgr, err) == NULL && err->code) {
		/* systemd: reach it now, not at the first container. */
		return cg_error_wrap(err, "the systemd cgroup manager");
	}
	cg_manager_set_async(d->ctx.mgr, true);
	/* Containers whose records name the systemd manager (made before a
	 * change of cgroup_manager) are served by its connection too, in the
	 * loop. */
	memset(err, 0, sizeof(*err));
	if (cg_manager_pick(&d->ctx, CG_MANAGER_SYSTEMD, &d->sd, err) == 0)
		cg_manager_set_async(d->sd, true);
	else
		d->sd = NULL;
	memset(err, 0, sizeof(*err));
	if (cg_manager_bus_if_open(d->ctx.mgr) == NULL)
		move_to_leaf();
	log_msg(6, "cgroup manager: %s (containers in %s)", cg_manager_name(d->ctx.mgr),
		d->conf.cgroup_parent[0] ? d->conf.cgroup_parent : cg_manager_default_parent(d->ctx.mgr));
	return 0;
}

static void usage(FILE *f)
{
	fputs("Usage: cgrund [--config=FILE]\n"
	      "\n"
	      "The cgrun supervisor: runs containers for cgrun over the socket\n"
	      "$CGRUN_RUN_DIR/cgrun.sock (default " CGRUN_RUN_DIR "/cgrun.sock), keeps them\n"
	      "across its own restarts and learns of their exits from cgroup.events.\n"
	      "\n"
	      "  -c, --config=FILE  settings (default " CGRUN_CONF_DIR "/cgrund.conf)\n"
	      "      --help         show this help\n"
	      "      --version      show the version\n"
	      "\n"
	      "See cgrund(8) and cgrund.conf(5).\n", f);
}

static void log_line(void *data, int level, const char *msg)
{
	(void)data;
	log_msg(level, "%s", msg);
}

static const char *absolute_env(const char *name, const char *dflt)
{
	const char *e = getenv(name);

	return e && e[0] == '/' ? e : dflt;
}

/* The library's context: the store and run dirs (CGRUN_STORE_DIR,
 * CGRUN_RUN_DIR when absolute, as cgrun takes them), its messages in our
 * log; the manager and the open-files limit come once known. */
static void make_ctx(struct daemon *d)
{
	cg_ctx_init(&d->ctx);
	d->ctx.store_dir = absolute_env("CGRUN_STORE_DIR", d->ctx.store_dir);
	d->ctx.run_dir = absolute_env("CGRUN_RUN_DIR", d->ctx.run_dir);
	d->ctx.subuid_file = absolute_env("CGRUN_SUBUID_FILE", d->ctx.subuid_file);
	d->ctx.subgid_file = absolute_env("CGRUN_SUBGID_FILE", d->ctx.subgid_file);
	d->ctx.log = log_line;
	d->ctx.image_user = cg_container_using_image;
	d->ctx.running_init = cg_container_running_init;
	d->stats_naive = getenv("CGRUN_STATS_NAIVE") && !strcmp(getenv("CGRUN_STATS_NAIVE"), "1");
}

/* A client has gone: what waited on its behalf is told. */
static void conn_closed(struct daemon *d, struct conn *cl)
{
	execs_conn_closed(d, cl);
	pulls_conn_closed(d, cl);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = CGRUN_CONF_DIR "/cgrund.conf";
	struct daemon d = { .on_request = handle_request, .on_conn_closed = conn_closed,
			    .epfd = -1, .last_status = -1, .status_dirty = true, .rundir_fd = -1,
			    .lease_fd = -1, .break_time_fd = -1, .bus_fd = -1, .bus.kind = SRC_BUS };
	cg_err_t err = { 0 };
	int c;

	cg_exchfile_init(&d.promfile);
	make_ctx(&d);
	cg_proc_title_init(argc, argv);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:", opts, NULL)) != -1) {
		switch (c) {
		case 'c': config = optarg; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("cgrund %s\n", PACKAGE_VERSION); return 0;
		default:
			fprintf(stderr, "cgrund: unknown option or missing value '%s'; see 'cgrund --help'\n", argv[optind - 1]);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "cgrund: unexpected argument '%s'; see 'cgrund --help'\n", argv[optind]);
		return 2;
	}
	if (geteuid() != 0) {
		fprintf(stderr, "cgrund: must run as root\n");
		return 1;
	}
	/* Before anything is opened or read; the options are checked, so
	 * --help, --version and mistakes do not pay for it (bindnow.c). */
	cgrund_bind_now(argv);
	cg_dconf_defaults(&d.conf);
	{
		cleanup_free char *text = NULL;

		if (read_file(config, &text, 1 << 20, &err) == 0) {
			if (cg_dconf_parse(&d.conf, text, &err) < 0) {
				log_msg(3, "%s", err.msg);
				return 1;
			}
		} else if (err.code != ENOENT) {
			log_msg(3, "%s", err.msg);
			return 1;
		}
		memset(&err, 0, sizeof(err));
	}
	d.ctx.network_subnet = d.conf.network_subnet;
	d.ctx.default_network = d.conf.network;
	raise_nofile(&d);
	if (pick_manager(&d, config, &err) < 0) {
		log_msg(3, "%s", err.msg);
		sd_notifyf(0, "STATUS=failed: %s", err.msg);
		return 1;
	}
	if (setup(&d, &err) < 0) {
		log_msg(3, "%s", err.msg);
		sd_notifyf(0, "STATUS=failed: %s", err.msg);
		return 1;
	}
	/* Before any container is loaded: the spawner is forked while we are
	 * small (spawner.h), after the manager and layout it relies on. */
	if (spawner_up(&d, &err) < 0) {
		log_msg(3, "%s", err.msg);
		sd_notifyf(0, "STATUS=failed: %s", err.msg);
		return 1;
	}
	fw_init(&d);
	sup_readopt(&d);
	/* After the re-adoption, which gave back the addresses of what ended
	 * meanwhile: what is left of containers gone some other way. */
	{
		int n = fw_reconcile_all(&d, &err);

		if (n < 0)
			log_msg(4, "reconciling network leases: %s", err.msg);
		else if (n > 0)
			log_msg(6, "released %d network lease%s of containers that are gone", n, n == 1 ? "" : "s");
		memset(&err, 0, sizeof(err));
	}
	bus_sync(&d);
	sd_notify(0, "READY=1");
	status_line(&d);
	log_msg(6, "cgrund %s ready on %s/cgrun.sock", PACKAGE_VERSION, d.ctx.run_dir);
	while (!d.quit) {
		struct epoll_event ev[64];
		int n = epoll_wait(d.epfd, ev, 64, -1);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			log_msg(2, "epoll_wait: %s", strerror(errno));
			d.failed = true;
			break;
		}
		for (int i = 0; i < n; i++) {
			struct src *s = ev[i].data.ptr;

			switch (s->kind) {
			case SRC_SIGNAL: on_signal(&d); break;
			case SRC_LISTEN: srv_accept(&d); break;
			case SRC_INOTIFY: on_inotify(&d); break;
			case SRC_TIMER: on_tick(&d); break;
			case SRC_PIDFD: sup_on_pidfd(&d, (struct ctr *)s); break;
			case SRC_OOM: oomwatch_fired(container_of(s, struct ctr, oom_src)); break;
			case SRC_SPAWN: sup_on_spawn(&d, container_of(s, struct ctr, spawn_src)); break;
			case SRC_LEASE: leases_drain(&d); break;
			case SRC_BUS: bus_dispatch(&d); break;
			case SRC_CONN: srv_on_conn(&d, (struct conn *)s, ev[i].events); break;
			case SRC_EXEC: execs_on_sock(&d, container_of(s, struct execp, src)); break;
			case SRC_PULL: pulls_on_pidfd(&d, container_of(s, struct pullp, src)); break;
			case SRC_DNS: netdns_on_readable(&d, s); break;
			case SRC_SLIRP: sup_on_slirp(&d, container_of(s, struct ctr, slirp_src)); break;
			}
			/* A closed connection or removed container may be pointed at
			 * by a later event of this batch: handlers defer frees to
			 * the end of the batch (see srv_close / sup_remove_ctr). */
		}
		bus_sync(&d);
		srv_reap_closed(&d);
		sup_reap_removed(&d);
		execs_reap(&d);
		pulls_reap(&d);
		status_line(&d);
	}
	/* Containers keep running (KillMode=process): they are re-adopted by
	 * the next cgrund. */
	pulls_shutdown(&d);
	sup_shutdown(&d);
	bus_sync(&d);
	netdns_shutdown(&d);
	stats_shutdown(&d);
	leases_shutdown(&d);
	spawner_down(&d);
	fw_close(&d);
	sd_notify(0, "STOPPING=1");
	if (d.failed) {
		/* Non-zero, so that systemd's Restart=on-failure starts a new
		 * cgrund, which re-adopts the containers. */
		sd_notify(0, "STATUS=failed: the event loop could not go on (see the log)");
		log_msg(3, "cgrund exiting after a failure of its loop; %s", "containers keep running");
		return EXIT_LOOP_FAILED;
	}
	log_msg(6, "cgrund stopping; %s", "containers keep running");
	return 0;
}
