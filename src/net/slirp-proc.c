/* slirp-proc.c - starting and ending slirp4netns (slirp-proc.h). */
#include "config.h"

#include "slirp-proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hostport.h"
#include "proc.h"
#include "slirp.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

/* How long one API request may take. */
#define API_TIMEOUT_S 5

static int pidfd_open(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

/* fd again at 10 or above: the file actions below dup2 onto 0..4, which
 * must not be one of their sources. */
static int high(int fd)
{
	return fcntl(fd, F_DUPFD_CLOEXEC, 10);
}

/* The last line slirp4netns wrote (its error), or "" (malloc'd). */
static char *last_words(const char *dir)
{
	cleanup_free char *path = xasprintf("%s/" CG_SLIRP_LOG, dir), *text = NULL;
	cg_err_t ignore = { 0 };
	char *end, *start;

	if (read_file(path, &text, 1 << 16, &ignore) < 0)
		return xstrdup("");
	end = text + strlen(text);
	while (end > text && end[-1] == '\n')
		*--end = '\0';
	start = strrchr(text, '\n');
	return xstrdup(start ? start + 1 : text);
}

/* Its record, API socket and log. */
static void remove_files(const char *dir)
{
	static const char *const files[] = { CG_SLIRP_RECORD, CG_SLIRP_SOCKET, CG_SLIRP_LOG };

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		cleanup_free char *p = xasprintf("%s/%s", dir, files[i]);

		unlink(p);
	}
}

static int write_record(const char *dir, pid_t pid, cg_err_t *err)
{
	cleanup_free char *path = xasprintf("%s/" CG_SLIRP_RECORD, dir);
	cleanup_free char *text = cg_slirp_record_format(pid, cg_proc_start_time(pid));
	cleanup_close int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	size_t len = strlen(text);

	if (fd < 0 || write(fd, text, len) != (ssize_t)len)
		return cg_error(err, errno, "writing %s", path);
	return 0;
}

/* The child between fork and exec: only async-signal-safe calls. fds 0-2
 * from devnull and log, 3 exit_fd, 4 ready_fd (all at 10 or above, so no
 * dup2 overwrites a source), in dir (its API socket's path is relative: a
 * run directory's full path can be longer than a socket address holds),
 * a session of its own, nothing blocked (cgrund blocks what its signalfd
 * reads).
 *
 * And a mount namespace of its own whose mounts are all private: its
 * --enable-sandbox makes only / private (not recursively) before it
 * pivots and detaches the old root, and that unmount propagates through
 * every shared submount to the host's peers (with ip netns's shared
 * /run/netns: every named network namespace's bind mount goes). Here the
 * propagation ends in this namespace. Without it: no exec. */
static void __attribute__((noreturn)) child(char **argv, int dirfd, const int fds[5])
{
	sigset_t none;

	/* dirfd first: it may be one of 0-4. */
	if (fchdir(dirfd) < 0)
		_exit(127);
	for (int i = 0; i < 5; i++)
		if (dup2(fds[i], i) < 0)
			_exit(127);
	if (setsid() < 0 || unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		_exit(127);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	execv(argv[0], argv);
	_exit(127);
}

static int spawn(char **argv, int dirfd, const int fds[5], pid_t *pid, cg_err_t *err)
{
	pid_t p = fork();

	if (p < 0)
		return cg_error(err, errno, "fork for %s", argv[0]);
	if (p == 0)
		child(argv, dirfd, fds);
	*pid = p;
	return 0;
}

/* Spawns it with its fds (slirp4netns's exit fd: a pidfd of init; its
 * ready fd: the write end of ready_w) and closes ours. */
static int launch(const char *prog, int dirfd, pid_t init, int initfd, int ready_w, pid_t *pid,
		  cg_err_t *err)
{
	cleanup_close int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	cleanup_close int log = openat(dirfd, CG_SLIRP_LOG, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
	cleanup_free char *netns = xasprintf("/proc/%d/ns/net", (int)init);
	int fds[5] = { high(devnull), high(log), -1, high(initfd), high(ready_w) };
	struct cg_slirp_args a = {
		.prog = prog, .netns = netns, .api_socket = CG_SLIRP_SOCKET, .exit_fd = 3, .ready_fd = 4,
		.sandbox = true,
	};
	char **argv = cg_slirp_argv(&a);
	int r;

	fds[2] = fds[1];
	if (devnull < 0 || log < 0)
		r = cg_error(err, errno, "opening %s", devnull < 0 ? "/dev/null" : CG_SLIRP_LOG);
	else if (fds[0] < 0 || fds[1] < 0 || fds[3] < 0 || fds[4] < 0)
		r = cg_error(err, EMFILE, "fcntl F_DUPFD_CLOEXEC");
	else
		r = spawn(argv, dirfd, fds, pid, err);
	cg_strv_free(argv);
	for (int i = 0; i < 5; i++)
		if (fds[i] >= 0 && i != 2)
			close(fds[i]);
	return r;
}

int cg_slirp_launch(const char *prog, const char *dir, pid_t init, struct cg_slirp_proc *p, cg_err_t *err)
{
	cleanup_close int dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	cleanup_close int initfd = -1, ready_r = -1, ready_w = -1;
	int fds[2];
	pid_t pid = -1;

	p->ready = -1;
	if (dirfd < 0)
		return cg_error(err, errno, "open %s", dir);
	if ((initfd = pidfd_open(init)) < 0)
		return cg_error(err, errno, "pidfd_open of the container's init %d", (int)init);
	if (pipe2(fds, O_CLOEXEC) < 0)
		return cg_error(err, errno, "pipe2");
	ready_r = fds[0];
	ready_w = fds[1];
	if (launch(prog, dirfd, init, initfd, ready_w, &pid, err) < 0) {
		unlinkat(dirfd, CG_SLIRP_LOG, 0);
		return -1;
	}
	/* Only slirp4netns holds the write end now: EOF if it ends. */
	close(steal_fd(&ready_w));
	/* The record before the wait: a process killed meanwhile leaves it
	 * findable (cg_slirp_stop from the next cgrund's reconcile). */
	if (write_record(dir, pid, err) < 0) {
		/* Not reaped by anyone yet: the pid is still its. */
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		remove_files(dir);
		return -1;
	}
	p->ready = steal_fd(&ready_r);
	return 0;
}

void cg_slirp_abort(const char *dir, struct cg_slirp_proc *p)
{
	if (p->ready >= 0)
		close(steal_fd(&p->ready));
	/* By its record: a cgrund may have reaped it already (SIGCHLD), and
	 * its pid be another process's by now. */
	cg_slirp_stop(dir);
}

int cg_slirp_complete(const char *dir, struct cg_slirp_proc *p, bool timed_out, cg_err_t *err)
{
	char c;
	ssize_t n = -1;

	if (timed_out)
		cg_error(err, 0, "slirp4netns did not configure its network within %d s",
			 CG_SLIRP_READY_TIMEOUT_MS / 1000);
	else
		while ((n = read(p->ready, &c, 1)) < 0 && errno == EINTR)
			;
	if (n == 1) {
		close(steal_fd(&p->ready));
		return 0;
	}
	if (!timed_out) {
		cleanup_free char *why = last_words(dir);

		cg_error(err, 0, "slirp4netns ended before its network was up%s%s", *why ? ": " : "", why);
	}
	cg_slirp_abort(dir, p);
	return -1;
}

int cg_slirp_start(const char *prog, const char *dir, pid_t init, cg_err_t *err)
{
	struct cg_slirp_proc p;
	struct pollfd pfd;
	int n;

	if (cg_slirp_launch(prog, dir, init, &p, err) < 0)
		return -1;
	pfd = (struct pollfd){ .fd = p.ready, .events = POLLIN };
	while ((n = poll(&pfd, 1, CG_SLIRP_READY_TIMEOUT_MS)) < 0 && errno == EINTR)
		;
	if (n < 0) {
		cg_error(err, errno, "waiting for slirp4netns");
		cg_slirp_abort(dir, &p);
		return -1;
	}
	return cg_slirp_complete(dir, &p, n == 0, err);
}

/* Connects to dir's API socket by way of a dirfd: the path may be longer
 * than sun_path. */
static int api_connect(const char *dir, cg_err_t *err)
{
	cleanup_close int dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = API_TIMEOUT_S };
	int fd;

	if (dirfd < 0)
		return cg_error(err, errno, "open %s", dir);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/" CG_SLIRP_SOCKET, dirfd);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return cg_error(err, errno, "socket");
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0 ||
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;

		close(fd);
		return cg_error(err, e, "connecting to %s/%s", dir, CG_SLIRP_SOCKET);
	}
	return fd;
}

/* One request, one reply: slirp4netns reads a request in one read and
 * closes the connection after its answer. */
static int api_call(const char *dir, const char *req, cg_err_t *err)
{
	cleanup_close int fd = api_connect(dir, err);
	char buf[4096];
	size_t len = strlen(req), got = 0;
	ssize_t n;

	if (fd < 0)
		return -1;
	if (write(fd, req, len) != (ssize_t)len)
		return cg_error(err, errno ? errno : EIO, "writing to slirp4netns's API socket");
	shutdown(fd, SHUT_WR);
	while (got < sizeof(buf) - 1 && (n = read(fd, buf + got, sizeof(buf) - 1 - got)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return cg_error(err, errno, "reading slirp4netns's answer");
		got += (size_t)n;
	}
	buf[got] = '\0';
	return cg_slirp_reply_parse(buf, err);
}

int cg_slirp_publish(const char *dir, struct cgnet_port *v, size_t n, cg_err_t *err)
{
	if (cgnet_hostport_assign(v, n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		cleanup_free char *req = cg_slirp_hostfwd_request(&v[i]);

		if (api_call(dir, req, err) == 0)
			continue;
		/* Taken since the check: say so rather than slirp's generic
		 * "slirp_add_hostfwd failed". */
		cg_err_t why = { 0 };

		if (cgnet_hostport_check(&v[i], &why) < 0) {
			*err = why;
			return -1;
		}
		cleanup_free char *spec = cgnet_port_spec(&v[i]);

		return cg_error_wrap(err, "publishing %s", spec);
	}
	return 0;
}

pid_t cg_slirp_pid(const char *dir)
{
	cleanup_free char *path = xasprintf("%s/" CG_SLIRP_RECORD, dir), *text = NULL;
	cg_err_t ignore = { 0 };
	unsigned long long start;
	pid_t pid;

	if (read_file(path, &text, 256, &ignore) < 0 || cg_slirp_record_parse(text, &pid, &start, &ignore) < 0 ||
	    cg_proc_start_time(pid) != start)
		return 0;
	return pid;
}

bool cg_slirp_stop(const char *dir)
{
	cleanup_free char *record = xasprintf("%s/" CG_SLIRP_RECORD, dir);
	pid_t pid;

	if (access(record, F_OK) < 0)
		return false;
	if ((pid = cg_slirp_pid(dir)) > 0) {
		cleanup_close int pfd = pidfd_open(pid);
		siginfo_t si;

		/* By its pidfd, checked against the record just before: the
		 * signal cannot reach a process that took its pid since. */
		if (pfd >= 0 && syscall(SYS_pidfd_send_signal, pfd, SIGKILL, NULL, 0) == 0)
			/* Our child (not after a restart of cgrund): reaped here;
			 * else ECHILD at once, and its parent reaps it. */
			while (waitid((idtype_t)P_PIDFD, (id_t)pfd, &si, WEXITED) < 0 && errno == EINTR)
				;
	}
	remove_files(dir);
	return true;
}
