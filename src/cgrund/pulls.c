/* pulls.c - `cgrun pull` (and run's --pull) for members of cgrund's group,
 * who cannot write the image store themselves. cgrund runs cgrun-image,
 * the program cgrun execs for root, as root, with the client's stdout and
 * stderr (so its progress reaches the user directly, never through us) and
 * the client's own auth file, never root's (--no-default-creds). The loop
 * never waits for it: its pidfd is an epoll source, the client is parked
 * until it ends and then told its exit status. A client that hangs up
 * cancels its pull (SIGTERM); cgrun-image's own locks make pulls at once,
 * of one image or of several, safe. */
#include "config.h"

#include "cgrund.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "helper-path.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

extern char **environ;

/* The descriptors a pull request brings: stdout, stderr, the auth file. */
enum { PULL_OUT, PULL_ERR, PULL_AUTH };
/* Where cgrun-image finds the auth file. */
#define PULL_AUTH_FD 3

static void drop(struct daemon *d, struct pullp *p)
{
	if (p->pidfd >= 0) {
		/* Closing it takes it out of epoll. */
		close(p->pidfd);
		p->pidfd = -1;
	}
	p->dead = true;
	d->pulls_dead = true;
}

/* cgrun-image has ended: its status to the client, which then goes. */
static void finish(struct daemon *d, struct pullp *p, int status)
{
	struct conn *cl = p->conn;

	log_msg(6, "pull %d (%s) ended: %d%s", (int)p->pid, p->image, cg_exit_code(status),
		cl ? "" : " (its client had gone)");
	/* Done before the reply: sending it may close the connection, which
	 * must then find nothing to cancel. */
	p->conn = NULL;
	drop(d, p);
	if (cl && !cl->dead) {
		struct json_object *r = cg_reply_ok();

		json_object_object_add(r, "exit_code", json_object_new_int(cg_exit_code(status)));
		cl->parked = false;
		cl->closing = true;
		srv_reply(d, cl, r, -1);
	}
}

/* The request's descriptors, checked: 0, or -1 with err. */
static int check_fds(const struct conn *cl, const struct cg_request *req, cg_err_t *err)
{
	struct stat st;

	if (cl->nfds != (req->creds ? 3 : 2))
		return cg_error(err, EINVAL, "pull needs the client's stdout and stderr%s (%d descriptors sent)",
				req->creds ? " and its auth file" : "", cl->nfds);
	if (req->creds && (fstat(cl->fds[PULL_AUTH], &st) < 0 || !S_ISREG(st.st_mode)))
		return cg_error(err, EINVAL, "pull: the auth file sent is not a regular file");
	return 0;
}

/* cgrun-image's command line: options from the request, then "--" and the
 * reference (checked by cg_proto_decode: never an option or a path). */
static char **tool_argv(const char *tool, const struct cg_request *req, char **platform)
{
	char **v = xcalloc(12, sizeof(char *));  /* the 9 below at most, NULL-terminated */
	size_t n = 0;

	v[n++] = (char *)tool;
	v[n++] = req->for_run ? "run-pull" : "pull";
	v[n++] = "--no-default-creds";
	if (req->creds)
		v[n++] = "--authfile-fd=3";  /* PULL_AUTH_FD */
	if (!req->tls_verify)
		v[n++] = "--tls-verify=false";
	if (req->platform)
		v[n++] = *platform = xasprintf("--platform=%s", req->platform);
	if (req->quiet)
		v[n++] = "--quiet";
	v[n++] = "--";
	v[n++] = (char *)req->image;
	return v;
}

/* argv after its program, for the log. */
static char *join(char **argv)
{
	size_t n = 1;
	char *s, *p;

	for (size_t i = 1; argv[i]; i++)
		n += strlen(argv[i]) + 1;
	p = s = xcalloc(1, n);
	for (size_t i = 1; argv[i]; i++)
		p += sprintf(p, "%s%s", i > 1 ? " " : "", argv[i]);
	return s;
}

static int spawn_tool(const struct conn *cl, const struct cg_request *req, pid_t *pid, cg_err_t *err)
{
	cleanup_free char *tool = cg_helper_path("cgrun-image", CGRUN_SBINDIR, CGRUN_PKGLIBEXECDIR);
	cleanup_free char *platform = NULL;
	cleanup_free char **argv = tool_argv(tool, req, &platform);
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, all;
	int e;

	sigemptyset(&none);
	sigfillset(&all);
	if ((e = posix_spawn_file_actions_init(&fa)) != 0)
		return cg_error(err, e, "posix_spawn_file_actions_init");
	if ((e = posix_spawnattr_init(&at)) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return cg_error(err, e, "posix_spawnattr_init");
	}
	/* The received fds are close-on-exec and above 2 (ours are open), so
	 * none is the target of another's dup2; no other fd of ours goes with
	 * the tool, close-on-exec or not. Our blocked signals (the
	 * signalfd's) and ignored SIGPIPE are not the tool's; a session of its
	 * own keeps signals meant for cgrund's process group away from it. */
	if ((e = posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0)) != 0 ||
	    (e = posix_spawn_file_actions_adddup2(&fa, cl->fds[PULL_OUT], STDOUT_FILENO)) != 0 ||
	    (e = posix_spawn_file_actions_adddup2(&fa, cl->fds[PULL_ERR], STDERR_FILENO)) != 0 ||
	    (req->creds && (e = posix_spawn_file_actions_adddup2(&fa, cl->fds[PULL_AUTH], PULL_AUTH_FD)) != 0) ||
	    (e = posix_spawn_file_actions_addclosefrom_np(&fa, req->creds ? PULL_AUTH_FD + 1 : PULL_AUTH_FD)) != 0 ||
	    (e = posix_spawnattr_setsigmask(&at, &none)) != 0 ||
	    (e = posix_spawnattr_setsigdefault(&at, &all)) != 0 ||
	    (e = posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSID)) != 0 ||
	    (e = posix_spawn(pid, tool, &fa, &at, argv, environ)) != 0)
		cg_error(err, e, "starting %s for the pull of %s", tool, req->image);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	if (e == 0) {
		cleanup_free char *args = join(argv);

		log_msg(6, "pull of %s for uid %d: cgrun-image pid %d: %s", req->image, (int)cl->uid, (int)*pid, args);
	}
	return e ? -1 : 0;
}

int pulls_start(struct daemon *d, struct conn *cl, const struct cg_request *req, cg_err_t *err)
{
	struct pullp *p;
	struct epoll_event ev = { .events = EPOLLIN };
	pid_t pid;

	if (check_fds(cl, req, err) < 0 || spawn_tool(cl, req, &pid, err) < 0)
		return -1;
	p = xcalloc(1, sizeof(*p));
	p->src.kind = SRC_PULL;
	p->pid = pid;
	p->image = xstrdup(req->image);
	p->conn = cl;
	/* Not reaped before this: the loop reaps, and we are in it. */
	p->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	ev.data.ptr = &p->src;
	if (p->pidfd < 0 || epoll_ctl(d->epfd, EPOLL_CTL_ADD, p->pidfd, &ev) < 0) {
		/* SIGCHLD still tells its end (pulls_reaped). */
		log_msg(4, "pull %d: cannot watch its pidfd: %s; SIGCHLD will tell its end", (int)pid, strerror(errno));
		if (p->pidfd >= 0)
			close(p->pidfd);
		p->pidfd = -1;
	}
	p->next = d->pulls;
	d->pulls = p;
	cl->parked = true;
	return 0;
}

void pulls_on_pidfd(struct daemon *d, struct pullp *p)
{
	siginfo_t si = { 0 };
	int status;

	if (p->dead || p->pidfd < 0)
		return;
	if (waitid((idtype_t)P_PIDFD, (id_t)p->pidfd, &si, WEXITED | WNOHANG) < 0) {
		/* ECHILD: SIGCHLD's waitpid took it first (pulls_reaped). */
		if (errno != ECHILD)
			log_msg(4, "pull %d: waitid: %s", (int)p->pid, strerror(errno));
		return;
	}
	if (si.si_pid == 0)
		return;  /* not yet */
	status = si.si_code == CLD_EXITED ? (si.si_status & 0xff) << 8 : si.si_status & 0x7f;
	finish(d, p, status);
}

bool pulls_reaped(struct daemon *d, pid_t pid, int status)
{
	for (struct pullp *p = d->pulls; p; p = p->next) {
		if (p->dead || p->pid != pid)
			continue;
		finish(d, p, status);
		return true;
	}
	return false;
}

/* SIGTERM to a running pull, by its pidfd (never another process that got
 * its pid) while it has one. */
static void cancel(struct pullp *p, const char *why)
{
	if (p->pidfd >= 0 ? syscall(SYS_pidfd_send_signal, p->pidfd, SIGTERM, NULL, 0) < 0
			  : kill(p->pid, SIGTERM) < 0)
		log_msg(4, "pull %d: cancelling it: %s", (int)p->pid, strerror(errno));
	else
		log_msg(6, "pull %d (%s): %s; cancelled", (int)p->pid, p->image, why);
}

void pulls_conn_closed(struct daemon *d, struct conn *cl)
{
	for (struct pullp *p = d->pulls; p; p = p->next) {
		if (p->dead || p->conn != cl)
			continue;
		p->conn = NULL;
		cancel(p, "its client went away");
	}
}

void pulls_shutdown(struct daemon *d)
{
	for (struct pullp *p = d->pulls; p; p = p->next)
		if (!p->dead)
			cancel(p, "cgrund is stopping");
}

void pulls_reap(struct daemon *d)
{
	if (!d->pulls_dead)
		return;
	d->pulls_dead = false;
	for (struct pullp **pp = &d->pulls; *pp;) {
		struct pullp *p = *pp;

		if (!p->dead) {
			pp = &p->next;
			continue;
		}
		*pp = p->next;
		free(p->image);
		free(p);
	}
}
