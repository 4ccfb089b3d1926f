/* spawner.c - cgrund's spawner process (spawner.h says why). */
#include "config.h"

#include "spawner.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "spawn.h"
#include "warm-ns.h"

/* Room for the arguments: argv, env, paths, the seccomp filter (a few KiB
 * in all, as a rule). Reserved, not used: pages are touched as needed. A
 * start whose arguments do not fit is cloned by cgrund itself. */
#define ARENA_SIZE (4u << 20)

/* The fds of a request, in this order, those present (bit i of present). */
enum { FD_SOCK, FD_STDIN, FD_STDOUT, FD_STDERR, FD_EXIT, FD_CGROUP, FD_TRAMP, NFDS };

struct spawn_req {
	uint32_t len;              /* bytes of the arena in the memfd */
	uint32_t present;
};

struct spawn_reply {
	int32_t pid;               /* > 0: the init (its pidfd attached, if any) */
	int32_t code;              /* else the errno */
	char msg[sizeof(((cg_err_t *)0)->msg)];
};

/* The spawner's side ------------------------------------------------- */

/* Close every fd from 3 up but a and b. */
static void keep_only(int a, int b)
{
	int lo = a < b ? a : b, hi = a < b ? b : a;

	if (lo > 3)
		close_range(3, (unsigned)lo - 1, 0);
	if (hi > lo + 1)
		close_range((unsigned)lo + 1, (unsigned)hi - 1, 0);
	close_range((unsigned)hi + 1, ~0U, 0);
}

static void reply(int sock, pid_t pid, int pidfd, const cg_err_t *err)
{
	struct spawn_reply r = { .pid = pid, .code = err ? err->code : 0 };
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = &r, .iov_len = sizeof(r) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (err)
		memcpy(r.msg, err->msg, sizeof(r.msg));
	if (pid > 0 && pidfd >= 0) {
		struct cmsghdr *cm;

		mh.msg_control = cbuf;
		mh.msg_controllen = sizeof(cbuf);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &pidfd, sizeof(int));
	}
	/* cgrund gone or given up on us: it restarts or has ended us. */
	if (sendmsg(sock, &mh, MSG_NOSIGNAL) < 0)
		_exit(1);
}

static int read_arena(struct cg_spawner *sp, size_t len, cg_err_t *err)
{
	for (size_t off = 0; off < len;) {
		ssize_t n = pread(sp->memfd, sp->arena.base + off, len - off, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return cg_error(err, n < 0 ? errno : EIO, "reading the spawn arguments");
		off += (size_t)n;
	}
	return 0;
}

/* One request: clone its init (into the warm namespaces if it can take
 * them) and answer. */
static void serve(struct cg_spawner *sp, int sock, struct cg_warm_ns *w)
{
	struct spawn_req req;
	char cbuf[CMSG_SPACE(NFDS * sizeof(int))];
	struct iovec iov = { .iov_base = &req, .iov_len = sizeof(req) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	int fds[NFDS], got = 0, slot[NFDS];
	cg_err_t err = { 0 };
	ssize_t n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);

	if (n < 0 && errno == EINTR)
		return;
	if (n <= 0)
		_exit(n == 0 ? 0 : 1);  /* cgrund is gone */
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
			got = (int)((cm->cmsg_len - CMSG_LEN(0)) / sizeof(int));
			memcpy(fds, CMSG_DATA(cm), (size_t)got * sizeof(int));
		}
	int want = 0;

	for (int i = 0; i < NFDS; i++)
		slot[i] = (req.present & (1u << i)) ? fds[want++] : -1;
	if (n != sizeof(req) || (mh.msg_flags & MSG_CTRUNC) || got != want || slot[FD_SOCK] < 0 ||
	    req.len > sp->arena.size)
		cg_error(&err, EPROTO, "a malformed spawn request");
	else if (read_arena(sp, req.len, &err) == 0) {
		struct cg_spawn_args *a = (struct cg_spawn_args *)(void *)sp->arena.base;
		int pidfd = -1;
		pid_t pid;

		for (int i = 0; i < 3; i++)
			a->stdio[i] = slot[FD_STDIN + i];
		a->exit_fd = slot[FD_EXIT];
		if (a->cg)
			a->cg->unified_fd = slot[FD_CGROUP];
		a->exec_tramp_fd = slot[FD_TRAMP];
		/* Unanswered, the request fails in cgrund, which starts
		 * another spawner in its own namespaces. */
		if (cg_warm_ns_before(w, a) < 0)
			_exit(1);
		pid = cg_spawn_sibling(a, slot[FD_SOCK], &pidfd, &err);
		/* Out of the init's namespaces before it can be told to go on. */
		if (pid > 0 && a->ns_warm && cg_warm_ns_taken(w) < 0)
			_exit(1);
		for (int i = 0; i < got; i++)
			close(fds[i]);
		if (pid > 0) {
			reply(sock, pid, pidfd, NULL);
			if (pidfd >= 0)
				close(pidfd);
			return;
		}
		reply(sock, -1, -1, &err);
		return;
	}
	for (int i = 0; i < got; i++)
		close(fds[i]);
	reply(sock, -1, -1, &err);
}

static void __attribute__((noreturn)) spawner_main(struct cg_spawner *sp, int sock, pid_t parent)
{
	struct cg_warm_ns warm;
	sigset_t none;

	/* Dies with cgrund; a cgrund that starts again forks its own. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || getppid() != parent)
		_exit(1);
	/* Nothing of cgrund's: its socket, epoll, stats files, bus. */
	keep_only(sock, sp->memfd);
	sigemptyset(&none);
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	sigprocmask(SIG_SETMASK, &none, NULL);
	cg_proc_title_set("cgrund-spawner");
	/* Without the fds of its own namespaces it never leaves them: every
	 * init is cloned into new ones, as in process. */
	if (cg_warm_ns_open(&warm) == 0 && cg_warm_ns_refill(&warm) < 0)
		_exit(1);
	for (;;) {
		serve(sp, sock, &warm);
		/* Answered: the next init's namespaces, while cgrund and this
		 * one's init go on. */
		if (cg_warm_ns_refill(&warm) < 0)
			_exit(1);
	}
}

/* cgrund's side ------------------------------------------------------- */

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int spawner_fork(struct cg_spawner *sp, cg_err_t *err)
{
	int sv[2];
	pid_t parent = getpid(), pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return cg_error(err, errno, "socketpair");
	pid = fork();
	if (pid < 0) {
		int e = errno;

		close(sv[0]);
		close(sv[1]);
		return cg_error(err, e, "fork");
	}
	if (pid == 0) {
		close(sv[0]);
		spawner_main(sp, sv[1], parent);
	}
	close(sv[1]);
	sp->pid = pid;
	sp->sock = sv[0];
	sp->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (sp->pidfd < 0) {
		int e = errno;

		kill(pid, SIGKILL);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		close(sp->sock);
		sp->pid = sp->sock = -1;
		return cg_error(err, e, "pidfd_open of the spawner");
	}
	return 0;
}

/* Forget the spawner (reaped or to be): its fds closed. */
static void spawner_forget(struct cg_spawner *sp)
{
	if (sp->sock >= 0)
		close(sp->sock);
	if (sp->pidfd >= 0)
		close(sp->pidfd);
	sp->pid = -1;
	sp->sock = sp->pidfd = -1;
}

static void spawner_kill(struct cg_spawner *sp)
{
	siginfo_t si;

	if (sp->pid < 0)
		return;
	syscall(SYS_pidfd_send_signal, sp->pidfd, SIGKILL, NULL, 0);
	while (waitid(P_PIDFD, (id_t)sp->pidfd, &si, WEXITED) < 0 && errno == EINTR)
		;
	spawner_forget(sp);
}

static int spawner_restart(struct cg_spawner *sp, const char *why, cg_err_t *err)
{
	int r;

	spawner_kill(sp);
	r = spawner_fork(sp, err);
	if (r == 0)
		sp->restarts++;
	if (sp->on_restart)
		sp->on_restart(sp->on_restart_data, r == 0 ? sp->pid : -1, why);
	return r;
}

int cg_spawner_start(struct cg_spawner *sp, cg_err_t *err)
{
	void *base;

	sp->pid = sp->pidfd = sp->sock = -1;
	sp->restarts = 0;
	sp->memfd = memfd_create("cgrund-spawn-args", MFD_CLOEXEC);
	if (sp->memfd < 0)
		return cg_error(err, errno, "memfd_create");
	base = mmap(NULL, ARENA_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (base == MAP_FAILED) {
		int e = errno;

		close(sp->memfd);
		sp->memfd = -1;
		return cg_error(err, e, "mapping the spawn arguments' arena");
	}
	sp->arena = (struct cg_arena){ .base = base, .size = ARENA_SIZE };
	if (spawner_fork(sp, err) < 0) {
		cg_spawner_stop(sp);
		return cg_error_wrap(err, "starting the spawner");
	}
	return 0;
}

void cg_spawner_stop(struct cg_spawner *sp)
{
	spawner_kill(sp);
	if (sp->arena.base)
		munmap(sp->arena.base, sp->arena.size);
	sp->arena.base = NULL;
	if (sp->memfd >= 0)
		close(sp->memfd);
	sp->memfd = -1;
}

bool cg_spawner_reaped(struct cg_spawner *sp, pid_t pid, int wstatus)
{
	cg_err_t err = { 0 };
	char why[64];

	if (pid <= 0 || pid != sp->pid)
		return false;
	spawner_forget(sp);
	snprintf(why, sizeof(why), "the spawner ended (status %d)", cg_exit_code(wstatus));
	if (spawner_fork(sp, &err) == 0)
		sp->restarts++;
	if (sp->on_restart)
		sp->on_restart(sp->on_restart_data, sp->pid, why);
	return true;
}

/* Send a request: 0 sent, -1 (errno) not. */
static int send_request(struct cg_spawner *sp, const struct cg_spawn_args *a, int sock, size_t len)
{
	int all[NFDS] = { sock, a->stdio[0], a->stdio[1], a->stdio[2], a->exit_fd, a->cg ? a->cg->unified_fd : -1,
			  a->exec_tramp_fd };
	int fds[NFDS], k = 0;
	struct spawn_req req = { .len = (uint32_t)len };
	char cbuf[CMSG_SPACE(NFDS * sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = &req, .iov_len = sizeof(req) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf };
	struct cmsghdr *cm;

	for (int i = 0; i < NFDS; i++)
		if (all[i] >= 0) {
			req.present |= 1u << i;
			fds[k++] = all[i];
		}
	mh.msg_controllen = CMSG_SPACE((size_t)k * sizeof(int));
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN((size_t)k * sizeof(int));
	memcpy(CMSG_DATA(cm), fds, (size_t)k * sizeof(int));
	return sendmsg(sp->sock, &mh, MSG_NOSIGNAL) == (ssize_t)sizeof(req) ? 0 : -1;
}

/* The answer: 0 with the init, -1 with err (the clone failed: the
 * spawner is fine), -2 the spawner did not answer (dead, stuck, garbled). */
static int await_reply(struct cg_spawner *sp, pid_t *pid, int *pidfd, cg_err_t *err)
{
	struct pollfd p[2] = { { .fd = sp->sock, .events = POLLIN }, { .fd = sp->pidfd, .events = POLLIN } };
	struct spawn_reply r;
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = &r, .iov_len = sizeof(r) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	int64_t deadline = mono_ms() + CG_SPAWNER_TIMEOUT_MS;
	ssize_t n;

	/* The socket first: a spawner that answered and then died still
	 * answered. */
	for (;;) {
		int64_t left = deadline - mono_ms();
		int k = poll(p, 2, left > 0 ? (int)left : 0);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0 || (p[0].revents & POLLIN))
			break;
		if (p[1].revents)
			break;  /* dead, no answer */
	}
	n = recvmsg(sp->sock, &mh, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	if (n != (ssize_t)sizeof(r))
		return -2;
	*pidfd = -1;
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);

	if (cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
		memcpy(pidfd, CMSG_DATA(cm), sizeof(int));
	if (r.pid <= 0) {
		if (*pidfd >= 0)
			close(*pidfd);
		*pidfd = -1;
		r.msg[sizeof(r.msg) - 1] = '\0';
		/* The spawner's message says the errno already. */
		cg_error(err, 0, "%s", r.msg);
		err->code = r.code;
		return -1;
	}
	*pid = r.pid;
	return 0;
}

static int spawner_clone(struct cg_spawner *sp, const struct cg_spawn_args *a, int sock, pid_t *pid, int *pidfd,
			 cg_err_t *err)
{
	const struct cg_spawn_args *c = cg_spawn_args_copy(&sp->arena, a);

	if (c == NULL)
		return 1;
	for (size_t off = 0; off < sp->arena.used;) {
		ssize_t n = pwrite(sp->memfd, sp->arena.base + off, sp->arena.used - off, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return cg_error(err, n < 0 ? errno : EIO, "writing the spawn arguments");
		off += (size_t)n;
	}
	/* A spawner that is gone (killed while idle, its socket closed) is
	 * replaced and asked instead: nothing was sent to it. */
	if (sp->pid < 0 || send_request(sp, a, sock, sp->arena.used) < 0) {
		if (spawner_restart(sp, sp->pid < 0 ? "no spawner" : "the spawner's socket is closed", err) < 0)
			return cg_error_wrap(err, "restarting the spawner");
		if (send_request(sp, a, sock, sp->arena.used) < 0)
			return cg_error(err, errno, "sending a request to the spawner");
	}
	int r = await_reply(sp, pid, pidfd, err);

	if (r != -2)
		return r;
	/* Asked but no answer: the init may or may not be there, so this
	 * start fails (an init that was cloned reads EOF where it waits for
	 * "go", and exits); the next one gets a new spawner. */
	cg_error(err, ETIMEDOUT, "the spawner did not answer within %d ms", CG_SPAWNER_TIMEOUT_MS);
	spawner_restart(sp, "the spawner did not answer", &(cg_err_t){ 0 });
	return -1;
}

int cg_spawner_begin(struct cg_spawner *sp, const struct cg_spawn_args *a, struct cg_spawning *s, cg_err_t *err)
{
	int sv[2], pidfd = -1, r;
	pid_t pid = -1;

	s->pid = -1;
	s->pidfd = s->sock = s->pty_master = -1;
	s->tty = a->tty;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return cg_error(err, errno, "socketpair");
	r = spawner_clone(sp, a, sv[1], &pid, &pidfd, err);
	close(sv[1]);
	if (r != 0) {
		close(sv[0]);
		return r;
	}
	s->pid = pid;
	s->pidfd = pidfd >= 0 ? pidfd : (int)syscall(SYS_pidfd_open, pid, 0);
	s->sock = sv[0];
	return 0;
}
