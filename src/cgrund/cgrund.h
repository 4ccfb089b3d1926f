/* cgrund.h - the supervisor: one process, one epoll loop. */
#ifndef CGRUND_H
#define CGRUND_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/inotify.h>
#include <sys/types.h>

#include "container.h"
#include "dconf.h"
#include "exchfile.h"
#include "intmap.h"
#include "proto.h"
#include "spawner.h"
#include "spec.h"
#include "stats.h"

/* What an epoll event points at. */
enum src_kind { SRC_LISTEN, SRC_SIGNAL, SRC_INOTIFY, SRC_TIMER, SRC_CONN, SRC_PIDFD, SRC_OOM, SRC_LEASE, SRC_BUS,
		SRC_EXEC, SRC_SPAWN, SRC_PULL, SRC_DNS, SRC_SLIRP };

struct src {
	enum src_kind kind;
};

struct conn;
struct flushdir;
struct netdns;

/* A client parked until a container ends (wait, stop, rm -f, attached
 * run), or until its start or update is over (systemd's job: `starting`). */
struct waiter {
	struct conn *conn;
	enum cg_cmd cmd;
	bool starting;                /* a run: waits for the start's answer */
	bool detach;                  /* that run's -d */
	struct waiter *next;
};

struct daemon;

struct ctr {
	struct src src;               /* SRC_PIDFD: legacy hosts only */
	struct daemon *d;             /* for callbacks from the systemd manager */
	struct cg_container c;
	struct cg_spec spec;
	void *json;                   /* the request or record the spec points into */
	int wd;                       /* inotify watch on cgroup.events, or -1 */
	struct src spawn_src;         /* SRC_SPAWN: its start's sync socket (sup_on_spawn) */
	struct src slirp_src;         /* SRC_SLIRP: slirp.ready while its start waits for it */
	struct cg_slirp_proc slirp;   /* its slirp4netns while not up yet (ready -1: none) */
	int64_t slirp_at;             /* monotonic ms it may take until then, 0 none */
	struct src oom_src;           /* SRC_OOM: the v1 OOM eventfd (oomwatch.c) */
	int oom_efd;                  /* v1: that eventfd, or -1 */
	int oom_wd;                   /* v2: inotify watch on memory.events, or -1 */
	bool child;                   /* started by this cgrund: waitpid works */
	bool attached;                /* run without -d: its client's stdio */
	bool updating;                /* an update waits for systemd */
	struct cg_limits update;      /* the limits that update sets, once done */
	bool reaped;
	int wstatus;
	bool stopping;                /* stop/kill -9 by a user: no restart */
	int64_t kill_at;              /* monotonic ms to SIGKILL, 0 none */
	int64_t restart_at;           /* monotonic ms to restart, 0 none */
	bool remove_when_done;        /* rm -f of a running container */
	enum cg_restart restart;
	int restart_max;
	struct waiter *waiters;
	struct ctr_stats *st;         /* its stats while it runs (ctr-stats.h, the stats
				       * files' own: statsfiles, leases, oomwatch,
				       * rstatflush), else NULL */
	struct netdns *dns;           /* the DNS its names are in (netdns.c), or NULL */
	bool dead;                    /* removed: freed after this epoll batch */
	struct ctr *dead_next;        /* on d->dead meanwhile */
	struct ctr *next, *prev;      /* d->ctrs */
};

struct conn {
	struct src src;
	int fd;
	uid_t uid;
	pid_t pid;
	uint8_t *in;
	size_t in_len;
	uint8_t *out;
	size_t out_len, out_off;
	int fds[3];                   /* SCM_RIGHTS from the client (stdio) */
	int nfds;
	int64_t deadline;             /* a request must arrive whole by then */
	bool parked;                  /* waiting for a container */
	struct ctr *parked_on;        /* that container (a waiter of its), or NULL */
	bool closing;                 /* close once out is flushed */
	bool dead;                    /* closed: freed after this epoll batch */
	struct conn *next;
};

/* A process started by `cgrun exec` (execs.c): its client waits for it
 * to start, then for its status. */
struct execp {
	struct src src;               /* SRC_EXEC: x.sock while starting */
	struct cg_execing x;
	pid_t pid;                    /* the command, once known, else -1 */
	struct conn *conn;            /* NULL once its client has gone */
	bool starting;                /* not exec'd yet */
	bool exited;                  /* reaped while starting: status below */
	int status;
	bool dead;                    /* done: freed after this epoll batch */
	struct execp *next;
};

/* A pull run for a client (pulls.c): cgrun-image, watched by its pidfd. */
struct pullp {
	struct src src;               /* SRC_PULL: pidfd */
	pid_t pid;
	int pidfd;                    /* -1 once reaped (or if it could not be had) */
	char *image;                  /* for the log */
	struct conn *conn;            /* NULL once its client has gone */
	bool dead;                    /* done: freed after this epoll batch */
	struct pullp *next;
};

struct daemon {
	/* What the server calls upward, set by main.c: the server is the
	 * transport and knows neither handlers.c nor execs.c. */
	void (*on_request)(struct daemon *d, struct conn *cl, struct cg_request *req);
	void (*on_conn_closed)(struct daemon *d, struct conn *cl);
	int epfd;
	struct src sig, listen, inotify, timer;
	int sigfd, listen_fd, inotify_fd, timer_fd;
	gid_t group;
	bool have_group;
	struct cg_dconf conf;
	struct cg_spawner spawner;    /* clones the inits (spawnerd.c); ctx.spawner once up */
	struct cg_ctx ctx;            /* the library's: store, run dir, layout, new
				       * containers' cgroup manager (ctx.mgr), log */
	bool stats_naive;             /* CGRUN_STATS_NAIVE=1: the bench's baseline */
	struct cg_manager *sd;        /* the systemd one where systemd runs, else NULL */
	struct src bus;               /* SRC_BUS: the systemd manager's connection */
	int bus_fd;                   /* as registered in epoll, or -1 */
	uint32_t bus_events;
	struct ctr *ctrs;
	struct ctr *dead;             /* removed, to be freed after the batch */
	/* What the loop looks up per event, so that no start, exit or
	 * removal walks every container: */
	struct intmap by_pid;         /* our children's init pids (SIGCHLD) */
	struct intmap by_wd;          /* inotify watches: cgroup.events, memory.events */
	int nrunning;                 /* running or paused, for STATUS= */
	struct conn *conns;
	int nconns;
	struct execp *execs;
	bool execs_dead;              /* some exec is done: free it after the batch */
	struct pullp *pulls;
	struct netdns *netdns;        /* user networks' DNS responders (netdns.c) */
	bool pulls_dead;              /* some pull is done: free it after the batch */
	uint64_t watchdog_usec;
	int64_t last_watchdog;
	int last_status;
	bool listen_paused;
	int sock_wd;                  /* inotify watch on the socket file we bound, or -1 */
	dev_t sock_dev;               /* that file, as bound */
	ino_t sock_ino;
	int64_t next_stats;
	int rundir_fd;                /* the run directory (O_PATH), for metrics.prom; -1 */
	struct cg_exchfile promfile;  /* <run>/metrics.prom, rewritten in place (exchfile.h) */
	char *prom;                   /* its text, the buffer kept from tick to tick */
	struct flushdir *flushdirs;   /* rstatflush.c */
	struct src lease_src;         /* SRC_LEASE: lease_fd (leases.c) */
	int lease_fd;                 /* signalfd of the lease-break signals, or -1 */
	int break_time_fd;            /* /proc/sys/fs/lease-break-time, or -1 */
	struct ctr **lease_owner;     /* by fd: the container whose stats file it may be (leases.c) */
	size_t lease_owner_len;
	size_t prom_cap;
	bool timers;                  /* some container has restart_at, kill_at or slirp_at set */
	bool reap;                    /* some container is dead: free it after the batch */
	bool status_dirty;            /* containers started or stopped: recount for STATUS= */
	bool quit;
	bool failed;                  /* the loop cannot go on: exit non-zero (cgrund(8)) */
};

/* supervise.c */
/* Create and start a container: 1 while it starts (reply_started answers
 * cl once its command runs or its start failed), -1 with err. */
int sup_run(struct daemon *d, struct conn *cl, struct cg_request *req, struct ctr **out, cg_err_t *err);
/* A container still starting is removed: its init is killed. */
void sup_abort_start(struct daemon *d, struct ctr *t, const char *why);
/* Its start's sync socket is readable (SRC_SPAWN). */
void sup_on_spawn(struct daemon *d, struct ctr *t);
/* Its slirp4netns's ready fd is readable (SRC_SLIRP): up, or ended. */
void sup_on_slirp(struct daemon *d, struct ctr *t);
/* cgrund stops: the starts waiting for slirp4netns fail (what the next
 * cgrund would remove anyway), nothing of them left. */
void sup_shutdown(struct daemon *d);
/* Requests of the handlers, for a running (or paused) container: stop
 * (SIGTERM, SIGKILL after timeout seconds, no restart); a user's signal
 * (TERM and KILL count as a stop); rm -f (SIGKILL, removed once ended). */
void sup_request_stop(struct daemon *d, struct ctr *t, int timeout);
int sup_request_kill(struct daemon *d, struct ctr *t, int sig, cg_err_t *err);
void sup_request_remove(struct daemon *d, struct ctr *t);
void sup_readopt(struct daemon *d);
/* One event of the inotify fd: a container's cgroup.events or
 * memory.events changed (or the queue overflowed: every one is checked). */
void sup_on_inotify_event(struct daemon *d, const struct inotify_event *ev);
void sup_on_pidfd(struct daemon *d, struct ctr *t);
void sup_on_sigchld(struct daemon *d);
void sup_on_tick(struct daemon *d);
struct ctr *sup_find(struct daemon *d, const char *key, cg_err_t *err);
int sup_watch(struct daemon *d, struct ctr *t, cg_err_t *err);
void sup_remove_ctr(struct daemon *d, struct ctr *t);
/* rm -rf of what cg_container_destroy_later moved aside (NULL: nothing). */
void sup_remove_trash(const char *trash);
void sup_finish(struct daemon *d, struct ctr *t);
void sup_reap_removed(struct daemon *d);
void sup_cancel_restart(struct daemon *d, struct ctr *t);

/* server.c */
/* The listening socket: systemd's (cgrund.socket) or one bound at
 * <run>/cgrun.sock, whose file is then watched (d->sock_wd). */
int srv_listen(struct daemon *d, cg_err_t *err);
/* The socket file's watch fired: if the file is no longer the one bound
 * (removed, replaced), no client can reach us: the loop fails. */
void srv_check_socket(struct daemon *d);
void srv_accept(struct daemon *d);
void srv_on_conn(struct daemon *d, struct conn *cl, uint32_t events);
void srv_reply(struct daemon *d, struct conn *cl, struct json_object *reply, int fd);
void srv_close(struct daemon *d, struct conn *cl);
void srv_check_deadlines(struct daemon *d);
void srv_reap_closed(struct daemon *d);
void srv_resume_listen(struct daemon *d);

/* oomwatch.c */
void oomwatch_start(struct daemon *d, struct ctr *t);
void oomwatch_stop(struct daemon *d, struct ctr *t);
void oomwatch_fired(struct ctr *t);

/* statsfiles.c */
void stats_tick(struct daemon *d);
void stats_shutdown(struct daemon *d);
void stats_start(struct daemon *d, struct ctr *t);
void stats_stop(struct daemon *d, struct ctr *t);
/* t's limits changed (update): its stats read the limit files again. */
void stats_limits_changed(struct ctr *t);

/* leases.c */
int leases_init(struct daemon *d, cg_err_t *err);
/* Give back every kept lease a reader is waiting on. */
void leases_drain(struct daemon *d);
/* The signal for cg_exchfile_keep_lease this refresh: 0 (no kept
 * leases) unless fs.lease-break-time leaves enough time. */
int leases_signal(struct daemon *d);
/* After a write of t's stats file (which may have changed its fds): a
 * break naming one of them finds t without a walk over all containers. */
void leases_note(struct daemon *d, struct ctr *t);
/* t's stats file is closed: forget it. */
void leases_forget(struct daemon *d, struct ctr *t);
void leases_shutdown(struct daemon *d);

/* fw.c: the firewall hooks of d->ctx (fw-hooks.h); without a usable
 * nftables, a warning and none (no NAT, -p refused). */
void fw_init(struct daemon *d);
void fw_close(struct daemon *d);
/* cg_net_reconcile_all with the running and paused containers. */
int fw_reconcile_all(struct daemon *d, cg_err_t *err);

/* rstatflush.c */
void flush_join(struct daemon *d, struct ctr *t);
void flush_leave(struct daemon *d, struct ctr *t);
void flush_all(struct daemon *d);

/* bus.c: the systemd manager's connection in the loop. bus_sync after
 * everything that may have used it; bus_dispatch when it is readable and
 * on every tick (jobs systemd never finishes fail at their deadline). */
void bus_sync(struct daemon *d);
void bus_dispatch(struct daemon *d);

/* execs.c */
/* Start argv in t for cl (parked until it ends): 0, or -1 with err. */
int execs_start(struct daemon *d, struct conn *cl, struct ctr *t, char **argv, bool tty,
		const struct winsize *ws, cg_err_t *err);
void execs_on_sock(struct daemon *d, struct execp *e);
/* p was reaped with status: true if it was an exec'd command. */
bool execs_reaped(struct daemon *d, pid_t p, int status);
void execs_conn_closed(struct daemon *d, struct conn *cl);
void execs_reap(struct daemon *d);

/* pulls.c */
/* Run cgrun-image for cl's pull request (cl parked until it ends): 0, or
 * -1 with err. */
int pulls_start(struct daemon *d, struct conn *cl, const struct cg_request *req, cg_err_t *err);
void pulls_on_pidfd(struct daemon *d, struct pullp *p);
/* pid was reaped with status: true if it was a pull's. */
bool pulls_reaped(struct daemon *d, pid_t pid, int status);
/* cl has gone: its pull is cancelled. */
void pulls_conn_closed(struct daemon *d, struct conn *cl);
void pulls_reap(struct daemon *d);
/* cgrund stops: its clients lose their answer, so the pulls are cancelled. */
void pulls_shutdown(struct daemon *d);

/* netdns.c: the DNS responders of user networks. */
void netdns_ctr_up(struct daemon *d, struct ctr *t);
void netdns_ctr_down(struct daemon *d, struct ctr *t);
void netdns_on_readable(struct daemon *d, struct src *s);
void netdns_tick(struct daemon *d);
void netdns_shutdown(struct daemon *d);

/* spawnerd.c: the spawner of inits (src/lib/spawner.h). up: start it,
 * once, before any container is loaded; reaped: whether pid was it (then
 * started again); down: stop it. */
int spawner_up(struct daemon *d, cg_err_t *err);
bool spawner_reaped(struct daemon *d, pid_t pid, int wstatus);
void spawner_down(struct daemon *d);

/* handlers.c: a request -> the library and supervise.c -> a reply, or the
 * client parked (main.c makes it the server's on_request). */
void handle_request(struct daemon *d, struct conn *cl, struct cg_request *req);

/* waiters.c */
void reply_err(struct daemon *d, struct conn *cl, cg_err_t *err);
/* Park cl on t until cmd is answered; unpark takes t's first match off. */
struct waiter *park(struct conn *cl, struct ctr *t, enum cg_cmd cmd);
struct waiter *unpark(struct ctr *t, enum cg_cmd cmd, bool starting);
/* {"ok":true,"id","exit_code","state"} of t. */
struct json_object *exit_reply(const struct ctr *t);
/* A run's answer: the id (and a terminal's master); attached, the client
 * stays parked until the container ends. */
void answer_run(struct daemon *d, struct conn *cl, struct ctr *t, bool detach);
/* The start is over (err NULL: the container runs): answer the clients
 * parked by its run request. */
void reply_started(struct daemon *d, struct ctr *t, const cg_err_t *err);
/* t has ended: answer every client parked on it. */
void notify_waiters(struct daemon *d, struct ctr *t);

/* bindnow.c: unless done, execute cgrund again with LD_BIND_NOW, so that
 * every library is bound before the spawner is forked; then take it out of
 * the environment. */
void cgrund_bind_now(char **argv);

#endif
