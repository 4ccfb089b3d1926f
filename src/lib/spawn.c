/* spawn.c - container process creation.
 *
 * Sequence (P = cgrun, C = container init, X = the command):
 *   P clone3(NEWNS|NEWPID|NEWUTS|NEWIPC|NEWNET [, INTO_CGROUP]) -> C
 *   C joins every v1 cgroup itself (cg_join_self says why), first thing
 *     (with the systemd manager C joins nothing: P has systemd make the
 *     scope around C, and sends "go" once it has)
 *   C a session keyring of its own, hostname, loopback, the rootfs mounts (cg_rootfs_prepare: while
 *     systemd works, with its manager)
 *   C waits for "go", then unshare(NEWCGROUP): only now, so the
 *     namespace's root is the container's own cgroup and not ours
 *   C the cgroup view, pivot_root; X's workdir made, its user,
 *     environment and capabilities worked out (struct cmd_plan); vforks X
 *     and becomes init
 *   X loads the seccomp filter (compiled by P), switches user and
 *     capabilities, enters the workdir, and execs the exec trampoline
 *     (exec-tramp.c) from its sealed memfd, which execs the command:
 *     system calls only, as X runs in C's memory until the exec
 * C and X run cgrun's (or cgrund's) binary: C is non-dumpable from its
 * first instruction, and X shares that until its exec, which is never of
 * the command itself: a "#!/proc/self/exe" script would have the kernel run
 * our binary in the container (CVE-2019-5736); through the trampoline it
 * runs the trampoline again, which refuses. exec's processes likewise
 * (exec_middle). Once X has exec'd, C becomes the trampoline's init mode
 * (its init_loop, in a few pages) and the trampoline in X waits for that
 * exec (a pipe's EOF) before it runs the command: from the command's
 * first instruction nothing in the container runs our binary.
 * The sync socket is close-on-exec in the command: P reads EOF once it has
 * been exec'd, or a message saying what failed (from X, or 'T' from the
 * trampoline).
 *
 * With --userns=auto, P adds CLONE_NEWUSER to the clone (the namespaces
 * made with it belong to the container's user namespace), and C, once in
 * its cgroups, waits for P to write its maps and build its root filesystem
 * (idmap-mount.h); C then becomes the namespace's root and mounts the rest
 * through the fds P sent, as its ids no longer open the store. */
#include "config.h"

#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/sched.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <linux/magic.h>
#include <linux/openat2.h>

#include "exec-tramp.h"
#include "idmap-mount.h"
#include "keyring.h"
#include "passwd.h"
#include "safe-mount.h"
#include "safe-path.h"

extern char **environ;

#define NS_FLAGS (CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET)

enum { MSG_SETUP = 'E', MSG_EXEC = 'X' };

int cg_exit_code(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return 125;
}

/* Child side: report and exit. Never returns. */
static void __attribute__((noreturn)) child_fail(int sock, char kind, int code, const cg_err_t *err)
{
	char buf[sizeof(err->msg) + 8];
	size_t n;

	buf[0] = kind;
	buf[1] = (char)code;
	n = (size_t)snprintf(buf + 2, sizeof(buf) - 2, "%s", err->msg) + 2;
	if (send(sock, buf, n > sizeof(buf) ? sizeof(buf) : n, MSG_NOSIGNAL) < 0) {
		/* Nobody to tell: the exit code is all that is left. */
	}
	_exit(code);
}

int cg_loopback_up(cg_err_t *err)
{
	struct ifreq ifr = { 0 };
	cleanup_close int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		return cg_error(err, errno, "socket");
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		return cg_error(err, errno, "reading loopback flags");
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		return cg_error(err, errno, "bringing loopback up");
	return 0;
}

static int join_netns(pid_t pid, cg_err_t *err)
{
	char path[64];
	cleanup_close int fd = -1;

	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cg_error(err, errno, "open %s", path);
	if (setns(fd, CLONE_NEWNET) < 0)
		return cg_error(err, errno, "joining the network namespace of %d", (int)pid);
	return 0;
}

/* The container's own pty master: its devpts instance's ptmx, reached
 * with no symlink on the way and checked to be on a devpts (what a
 * command's "/dev/ptmx" names is the container's to change). */
static int open_ptmx(cg_err_t *err)
{
	cleanup_close int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	int fd;

	if (root < 0)
		return cg_error(err, errno, "open /");
	fd = cg_open_in_root(root, "dev/pts/ptmx", O_RDWR | O_NOCTTY, RESOLVE_NO_SYMLINKS);
	if (fd < 0)
		return cg_error(err, errno, "open /dev/pts/ptmx");
	if (cg_check_fs_magic(fd, DEVPTS_SUPER_MAGIC, "/dev/pts/ptmx", err) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* /dev/console is the terminal too, as in docker: the slave is bound from
 * its fd onto a target checked by safe-path.c (CVE-2025-52565), opened
 * first so that a refusal allocates nothing. */
static int open_console_target(int *target, cg_err_t *err)
{
	cleanup_close int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (root < 0)
		return cg_error(err, errno, "open /");
	*target = cg_open_console_target(root, err);
	return *target < 0 ? -1 : 0;
}

/* The terminal is made inside the container's own devpts (as runc's
 * console socket does): the command sees /dev/pts/0, nothing of the host's
 * pts instance, and the master travels to cgrun over the sync socket. The
 * slave comes from the master itself (TIOCGPTPEER), not from a path. */
static int open_console(int sock, int stdio[3], bool console, const struct winsize *ws, cg_err_t *err)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = "P", .iov_len = 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	cleanup_close int target = -1, master = -1;
	int slave;

	if (console && open_console_target(&target, err) < 0)
		return -1;
	master = open_ptmx(err);
	if (master < 0)
		return -1;
	if (unlockpt(master) < 0)
		return cg_error(err, errno, "unlockpt");
	slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		return cg_error(err, errno, "open the terminal's slave");
	/* Sized before the command exists: it must not start at 0x0 and
	 * get a SIGWINCH a moment later. */
	if (ws->ws_row && ioctl(master, TIOCSWINSZ, ws) < 0) {
		cg_error(err, errno, "setting the terminal size");
		close(slave);
		return -1;
	}
	if (console && cg_bind_at(slave, "", target, false, 0, err) < 0) {
		cg_error_wrap(err, "bind the terminal on /dev/console");
		close(slave);
		return -1;
	}
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &master, sizeof(int));
	if (sendmsg(sock, &mh, MSG_NOSIGNAL) < 0) {
		cg_error(err, errno, "sending the terminal to cgrun");
		close(slave);
		return -1;
	}
	stdio[0] = stdio[1] = stdio[2] = slave;
	return 0;
}

/* Signals the spawning process ignores (SigIgn of /proc/self/status, read
 * just before the clone or fork): an ignored signal stays ignored across
 * exec, so the child sets these back to the default; handled ones need
 * nothing (exec resets them, and none of ours has a handler). One read
 * instead of a sigaction call for each of the 64 signals in the child. */
static uint64_t spawn_ignored;

static void note_ignored_signals(void)
{
	cleanup_free char *status = NULL;
	cg_err_t e = { 0 };

	/* Unknown: reset them all. */
	if (read_file("/proc/self/status", &status, 1 << 16, &e) < 0 || !parse_sigign(status, &spawn_ignored))
		spawn_ignored = ~UINT64_C(0);
}

static void reset_ignored_signals(void)
{
	for (int s = 1; s < NSIG && s <= 64; s++)
		if ((spawn_ignored & (UINT64_C(1) << (s - 1))) && s != SIGKILL && s != SIGSTOP)
			signal(s, SIG_DFL);
	spawn_ignored = 0;
}

/* PID 1 of the container. The kernel drops a signal to a namespace's init
 * that has no handler for it, but only if the signal is not blocked: all
 * stay blocked here and are taken with sigwaitinfo, so none needs a
 * handler: forwarded to the command, SIGCHLD reaps. */
/* Whether the kernel counted an OOM kill in the container's memory
 * cgroup ("oom_kill N" of memory.events or memory.oom_control). */
static bool oom_counted(int fd)
{
	char buf[1024];
	ssize_t n = fd >= 0 ? pread(fd, buf, sizeof(buf) - 1, 0) : -1;
	const char *p;

	if (n <= 0)
		return false;
	buf[n] = '\0';
	p = strstr(buf, "oom_kill ");
	return p && p[9] != '0';
}

static void __attribute__((noreturn)) init_loop(pid_t cmd, int exit_fd, int oom_fd)
{
	sigset_t all;

	sigfillset(&all);
	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(&all, &si);

		if (sig < 0)
			continue;
		if (sig != SIGCHLD) {
			kill(cmd, sig);
			continue;
		}
		for (;;) {
			int status;
			pid_t p = waitpid(-1, &status, WNOHANG);

			if (p <= 0)
				break;
			if (p == cmd) {
				char buf[16];
				int code = cg_exit_code(status);
				/* Read here, while the init keeps the cgroup alive: once
				 * it exits, a systemd scope may be gone before anyone
				 * else could read it. */
				int n = snprintf(buf, sizeof(buf), "%d%s\n", code, oom_counted(oom_fd) ? " oom" : "");

				if (exit_fd >= 0 && write(exit_fd, buf, (size_t)n) < 0) {
					/* the status still travels as our exit code */
				}
				_exit(code);
			}
		}
	}
}

static int read_small_regular(const char *path, char **out)
{
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW);
	struct stat st;
	cg_err_t e = { 0 };

	*out = NULL;
	/* The image is untrusted: no FIFOs or devices, nothing huge. */
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > (1 << 20))
		return 0;
	read_fd(fd, out, 1 << 20, path, &e);
	return 0;
}

/* What the command needs that takes reading files or allocating memory,
 * worked out before the vfork (or fork): the child itself then only makes
 * system calls. A vfork child runs in its parent's memory, so an
 * allocation there would work on, and could leave in a bad state, the
 * init's allocator. */
struct cmd_plan {
	struct cg_user u;
	char **env;
	char *host_var, *home_var;  /* HOSTNAME=, HOME= when added to env */
	cap_t caps;
	char **tramp_argv;          /* the exec trampoline's argv, or NULL */
	int wait_fd;                /* the trampoline waits for its EOF, or -1 */
};

static int resolve_user(const struct cg_spawn_args *a, struct cg_user *u, cg_err_t *err)
{
	if (a->user) {
		cleanup_free char *copy = xstrdup(a->user), *pw = NULL, *gr = NULL;
		char *colon = strchr(copy, ':');

		if (colon)
			*colon++ = '\0';
		read_small_regular("/etc/passwd", &pw);
		read_small_regular("/etc/group", &gr);
		return cg_user_resolve(copy, colon, pw, gr, u, err);
	}
	cleanup_free char *pw = NULL;

	read_small_regular("/etc/passwd", &pw);
	return cg_user_resolve("0", NULL, pw, NULL, u, err);
}

static void build_env(const struct cg_spawn_args *a, struct cmd_plan *p)
{
	size_t n = 0;
	char **env;
	bool has_path = false, has_home = false, has_term = false, has_host = false;

	while (a->envp && a->envp[n])
		n++;
	env = xcalloc(n + 5, sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		env[i] = a->envp[i];
		has_path |= !strncmp(env[i], "PATH=", 5);
		has_home |= !strncmp(env[i], "HOME=", 5);
		has_term |= !strncmp(env[i], "TERM=", 5);
		has_host |= !strncmp(env[i], "HOSTNAME=", 9);
	}
	if (!has_path)
		env[n++] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	if (!has_host)
		env[n++] = p->host_var = xasprintf("HOSTNAME=%s", a->hostname);
	if (!has_home)
		env[n++] = p->home_var = xasprintf("HOME=%s", p->u.home);
	if (a->tty && !has_term)
		env[n++] = "TERM=xterm";
	p->env = env;
}

static void plan_free(struct cmd_plan *p)
{
	free(p->env);
	free(p->host_var);
	free(p->home_var);
	free(p->tramp_argv);
	if (p->caps)
		cap_free(p->caps);
	memset(p, 0, sizeof(*p));
}

static int plan_command(const struct cg_spawn_args *a, int sock, int wait_fd, struct cmd_plan *p,
			cg_err_t *err)
{
	const char *who = a->user ? a->user : "root";

	memset(p, 0, sizeof(*p));
	p->wait_fd = wait_fd;
	/* The working directory is created as root, like docker does, before
	 * the switch to a user who may not be allowed to. */
	if (a->workdir && mkdir_p(a->workdir, 0755, err) < 0)
		return cg_error_wrap(err, "working directory %s", a->workdir);
	if (resolve_user(a, &p->u, err) < 0)
		return cg_error_wrap(err, "switching to user %s", who);
	p->caps = cg_caps_build(a->caps, p->u.uid == 0, err);
	if (p->caps == NULL)
		return cg_error_wrap(err, "switching to user %s", who);
	build_env(a, p);
	if (a->exec_tramp_fd >= 0)
		p->tramp_argv = cg_exec_tramp_argv(a->argv, sock, wait_fd);
	return 0;
}

/* System calls only (see struct cmd_plan). */
static int switch_user(const struct cg_spawn_args *a, const struct cmd_plan *p, cg_err_t *err)
{
	const struct cg_user *u = &p->u;

	if (cg_caps_apply_bounding(a->caps, err) < 0)
		return -1;
	/* Keep permitted caps across setuid so the final sets are ours to
	 * choose, even if SETUID/SETGID themselves were dropped. */
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return cg_error(err, errno, "PR_SET_KEEPCAPS");
	if (setgroups(u->ngroups, u->groups) < 0)
		return cg_error(err, errno, "setgroups");
	if (setresgid(u->gid, u->gid, u->gid) < 0)
		return cg_error(err, errno, "setgid %u", (unsigned)u->gid);
	if (setresuid(u->uid, u->uid, u->uid) < 0)
		return cg_error(err, errno, "setuid %u", (unsigned)u->uid);
	if (cg_caps_set(p->caps, err) < 0)
		return -1;
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return cg_error(err, errno, "PR_SET_KEEPCAPS");
	return 0;
}

/* The command's side of the (v)fork: system calls only, up to its exec
 * (struct cmd_plan says why). */
static void __attribute__((noreturn)) command_main(const struct cg_spawn_args *a, const struct cmd_plan *p,
						  const int stdio[3], int sock)
{
	cg_err_t err = { 0 };
	sigset_t none;

	sigemptyset(&none);
	if (a->nofile) {
		struct rlimit rl;

		if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
			rl.rlim_cur = a->nofile < rl.rlim_max ? a->nofile : rl.rlim_max;
			setrlimit(RLIMIT_NOFILE, &rl);
		}
	}
	reset_ignored_signals();
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (setsid() < 0)
		child_fail(sock, MSG_SETUP, 125, (cg_error(&err, errno, "setsid"), &err));
	if (a->tty && ioctl(stdio[0], TIOCSCTTY, 0) < 0)
		child_fail(sock, MSG_SETUP, 125, (cg_error(&err, errno, "setting the controlling terminal"), &err));
	for (int i = 0; i < 3; i++) {
		if (stdio[i] == i) {
			fcntl(i, F_SETFD, 0);
			continue;
		}
		if (dup2(stdio[i], i) < 0)
			child_fail(sock, MSG_SETUP, 125, (cg_error(&err, errno, "dup2"), &err));
	}
	/* Nothing of cgrun's survives exec: only 0, 1, 2 reach the command. */
	if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		child_fail(sock, MSG_SETUP, 125, (cg_error(&err, errno, "close_range"), &err));
	/* The filter goes on as late as it can: every call after it must pass
	 * it. Without no_new_privs the kernel lets only a process with
	 * CAP_SYS_ADMIN install one, and the command may be a user without
	 * capabilities once switch_user is done: so it goes on here, before
	 * the switch, as runc and crun order it when no_new_privs is off (with
	 * it on, they load it after, just before the exec). What runs after it
	 * (prctl, setgroups, setres[ug]id, capset, chdir, execve, and sendto
	 * for a failure) is in every profile's allow-list. In the command only:
	 * the init forwards signals and reaps, unconfined, with no
	 * capability but CAP_KILL. */
	/* Inherited across the exec and by every child; nothing clears it. */
	if (a->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		child_fail(sock, MSG_SETUP, 125, (cg_error(&err, errno, "setting no_new_privs"), &err));
	if (a->seccomp && cg_seccomp_load(a->seccomp, &err) < 0)
		child_fail(sock, MSG_SETUP, 125, &err);
	if (switch_user(a, p, &err) < 0)
		child_fail(sock, MSG_SETUP, 125, (cg_error_wrap(&err, "switching to user %s", a->user ? a->user : "root"), &err));
	if (a->workdir ? chdir(a->workdir) < 0 : (chdir(p->u.home) < 0 && chdir("/") < 0))
		child_fail(sock, MSG_SETUP, 125, (cg_error(&err, errno, "working directory %s", a->workdir ? a->workdir : "/"), &err));
	if (p->tramp_argv) {
		/* Our last step: the trampoline (exec-tramp.c) execs the
		 * command, so no exec of it ever starts from cgrun's binary.
		 * The socket stays open for it to report a failure; it closes
		 * the socket on the command's exec. */
		if (fcntl(sock, F_SETFD, 0) < 0 || (p->wait_fd >= 0 && fcntl(p->wait_fd, F_SETFD, 0) < 0))
			child_fail(sock, MSG_SETUP, 125, (cg_error(&err, errno, "exec trampoline: fcntl"), &err));
		syscall(SYS_execveat, a->exec_tramp_fd, "", p->tramp_argv, p->env, AT_EMPTY_PATH);
		cg_error(&err, errno, "starting the exec trampoline");
		child_fail(sock, MSG_SETUP, 125, &err);
	}
	/* Without a trampoline (not built for this architecture): execvp
	 * searches the PATH of environ, so the container's must be it (after
	 * a vfork this sets the init's environ too: the init does not read it
	 * again). glibc's search builds its paths on the stack. */
	environ = p->env;
	execvp(a->argv[0], a->argv);
	int e = errno;

	cg_exec_fail_error(&err, e, a->argv[0]);
	child_fail(sock, MSG_EXEC, cg_exec_errno_code(e), &err);
}

static void __attribute__((noreturn)) container_main(const struct cg_spawn_args *a, bool into, int sock)
{
	cg_err_t err = { 0 };
	sigset_t all;
	char go;
	pid_t cmd;
	struct cmd_plan plan;
	int stdio[3] = { a->stdio[0], a->stdio[1], a->stdio[2] };

	/* First: this process runs cgrun's binary and becomes the
	 * container's PID 1; nothing in the container may ptrace it or open
	 * its /proc/1/exe (CVE-2019-5736; exec-tramp.c). The command, vforked
	 * later, shares this. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	/* A foreground run's container dies with its cgrun: it has no one
	 * else to report to. cgrund's outlive a daemon restart. */
	if (a->die_with_parent)
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	/* --network=container:X: into X's network namespace before anything
	 * else, through the host's /proc while it is still mounted here. */
	if (a->netns_pid > 0 && join_netns(a->netns_pid, &err) < 0)
		child_fail(sock, MSG_SETUP, 125, &err);
	/* A systemd scope's cgroup only exists once systemd has put us in it:
	 * its view can only be mounted after that. */
	bool waited = a->cg && !cg_joined_by_child(a->cg);

	/* Into the cgroups before anything else, while the host's cgroup
	 * mounts are still in reach (the rootfs set-up pivots away). */
	if (a->cg && !waited && cg_join_self(a->cg, into, &err) < 0)
		child_fail(sock, MSG_SETUP, 125, &err);
	if (setsid() < 0)
		child_fail(sock, MSG_SETUP, 125, (cg_error(&err, errno, "setsid"), &err));
	/* The init's and so the command's: nothing of our session's keys. */
	if (cg_keyring_fresh(&err) < 0)
		child_fail(sock, MSG_SETUP, 125, &err);
	if (sethostname(a->hostname, strlen(a->hostname)) < 0)
		child_fail(sock, MSG_SETUP, 125, (cg_error(&err, errno, "sethostname"), &err));
	/* A namespace of its own has its loopback down (the spawner's warm one
	 * has it up already); a shared one's is its owner's business. */
	if (!a->net_host && a->netns_pid <= 0 && !a->ns_warm && cg_loopback_up(&err) < 0)
		child_fail(sock, MSG_SETUP, 125, &err);
	struct cg_rootfs rootfs = *a->rootfs;
	char root_path[32];
	int volfds[a->idmap ? a->rootfs->nvolumes + 1 : 1];

	if (a->idmap) {
		int rootfd;

		/* The root filesystem P built, then our ids in the namespace: the
		 * root's paths through its fd, /proc/self/fd/N (the store's
		 * directories are closed to the namespace's root). */
		if (cg_idmap_receive(sock, rootfs.nvolumes, &rootfd, volfds, &err) < 0 ||
		    cg_idmap_become_root(&err) < 0)
			child_fail(sock, MSG_SETUP, 125, &err);
		snprintf(root_path, sizeof(root_path), "/proc/self/fd/%d", rootfd);
		rootfs.target = root_path;
		rootfs.premounted = true;
		rootfs.volume_fds = volfds;
	}
	/* With the systemd manager, the mounts are made while systemd makes
	 * the scope (they cost no more than a few kernel objects outside the
	 * container's limits); the command never starts outside them. */
	if (cg_rootfs_prepare(&rootfs, &err) < 0)
		child_fail(sock, MSG_SETUP, 125, &err);
	if (waited) {
		if (recv(sock, &go, 1, 0) != 1)
			_exit(125);
		if (unshare(CLONE_NEWCGROUP) < 0)
			child_fail(sock, MSG_SETUP, 125, (cg_error(&err, errno, "unshare(CLONE_NEWCGROUP)"), &err));
	}
	if (cg_rootfs_enter(&rootfs, &err) < 0)
		child_fail(sock, MSG_SETUP, 125, &err);
	if (a->tty && open_console(sock, stdio, true, &a->winsize, &err) < 0)
		child_fail(sock, MSG_SETUP, 125, (cg_error_wrap(&err, "allocating the terminal"), &err));
	/* We are in our cgroups by now: the cgroup namespace takes the
	 * cgroups we are in as its root, and the command must never run
	 * outside its limits. */
	if (!waited && recv(sock, &go, 1, 0) != 1)
		_exit(125);
	if (!waited && unshare(CLONE_NEWCGROUP) < 0)
		child_fail(sock, MSG_SETUP, 125, (cg_error(&err, errno, "unshare(CLONE_NEWCGROUP)"), &err));
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	/* An ignored SIGCHLD would have the kernel reap the command before
	 * init's waitpid; the command inherits the defaults. */
	reset_ignored_signals();
	/* The container's bounding set, once for init and the command (caps.c
	 * remembers it; the command asks for the same set, so drops nothing). */
	if (cg_caps_apply_bounding(a->caps, &err) < 0)
		child_fail(sock, MSG_SETUP, 125, &err);
	/* The command waits, in the trampoline, until this init has become the
	 * trampoline's init mode (below): the write end closes on that exec. */
	int waitp[2] = { -1, -1 };

	if (a->exec_tramp_fd >= 0 && pipe2(waitp, O_CLOEXEC) < 0)
		child_fail(sock, MSG_SETUP, 125, (cg_error(&err, errno, "pipe"), &err));
	if (plan_command(a, sock, waitp[0], &plan, &err) < 0)
		child_fail(sock, MSG_SETUP, 125, &err);
	/* The init's view of its own memory cgroup, for the exit status's
	 * OOM mark (init_loop); -1 without a memory controller. */
	int oom_fd = a->exit_fd < 0 || a->cg == NULL ? -1 :
		open(a->cg->unified_has_ctrls ? "/sys/fs/cgroup/memory.events" :
		     "/sys/fs/cgroup/memory/memory.oom_control", O_RDONLY | O_CLOEXEC);
	/* vfork, not fork: the command borrows init's memory until its exec
	 * and init waits meanwhile, so no copy of the page tables is made and
	 * no page is copied on write. A copy cost 1 to 1.5 ms here, a third
	 * of the command's start. The command's side makes system calls only
	 * (struct cmd_plan). */
	cmd = vfork();
	if (cmd < 0)
		child_fail(sock, MSG_SETUP, 125, (cg_error(&err, errno, "vfork"), &err));
	if (cmd == 0)
		command_main(a, &plan, stdio, sock);
	plan_free(&plan);
	if (waitp[0] >= 0)
		close(waitp[0]);
	/* Only now, with the command gone to its exec: its argv may live in
	 * the memory this rewrites. */
	cg_proc_title_set("cgrun-init");
	/* init keeps one fd, where it leaves the exit status: not the
	 * terminal, not the sync socket; and of its privileges only CAP_KILL,
	 * to forward signals to any user. */
	int efd = a->exit_fd >= 0 ? fcntl(a->exit_fd, F_DUPFD_CLOEXEC, 0) : -1;
	int ofd = efd >= 0 ? fcntl(oom_fd, F_DUPFD_CLOEXEC, efd + 1) : -1;
	/* And the trampoline, which init becomes below (close-on-exec: the
	 * init it runs has no use for it). */
	int top = ofd > efd ? ofd : efd;
	int tfd = a->exec_tramp_fd >= 0 ? fcntl(a->exec_tramp_fd, F_DUPFD_CLOEXEC, top + 1) : -1;

	int wfd = tfd >= 0 && waitp[1] >= 0 ? fcntl(waitp[1], F_DUPFD_CLOEXEC, tfd + 1) : -1;

	/* Keep efd, ofd, tfd and wfd (in that order when there), close the
	 * rest. Without wfd the command waits no more: a failed dup lets it
	 * go at once, as before this init became the trampoline. */
	int keep[] = { efd, ofd, tfd, wfd }, next = 0;

	for (size_t i = 0; i < ARRAY_SIZE(keep); i++) {
		if (keep[i] < 0)
			continue;
		if (keep[i] > next)
			close_range((unsigned)next, (unsigned)keep[i] - 1, 0);
		next = keep[i] + 1;
	}
	close_range((unsigned)next, ~0U, 0);
	struct cg_caps init_caps = { .set = 1ULL << CAP_KILL };

	if (cg_caps_apply_bounding(&init_caps, &err) < 0 || cg_caps_apply_sets(&init_caps, true, &err) < 0)
		_exit(125);
	/* Nothing in the container runs cgrun's binary from here on: the init
	 * is the trampoline's init mode (exec-tramp.c), root with CAP_KILL as
	 * here (the bounding set holds only it), the signals still blocked,
	 * any already pending (SIGCHLD of a command that has ended) still
	 * there. efd and ofd stay open across that exec. If it fails, this
	 * process goes on as the init, as it did before. */
	if (tfd >= 0) {
		if ((efd < 0 || fcntl(efd, F_SETFD, 0) == 0) && (ofd < 0 || fcntl(ofd, F_SETFD, 0) == 0))
			cg_exec_tramp_become_init(tfd, cmd, efd, ofd);
		close(tfd);
		if (wfd >= 0)
			close(wfd);  /* the command goes on */
		if (efd >= 0)
			fcntl(efd, F_SETFD, FD_CLOEXEC);
		if (ofd >= 0)
			fcntl(ofd, F_SETFD, FD_CLOEXEC);
	}
	init_loop(cmd, efd, ofd);
}

/* The namespaces a's init is cloned into: its own network namespace
 * unless it shares ours (--network=host) or joins another container's
 * (it does that itself, first thing: container_main); a user namespace
 * with --userns=auto. With ns_warm, the network, IPC and UTS namespaces
 * are the spawner's, made for this init alone (warm-ns.h). */
static uint64_t clone_ns(const struct cg_spawn_args *a)
{
	uint64_t ns = NS_FLAGS;

	if (a->net_host || a->netns_pid > 0)
		ns &= ~(uint64_t)CLONE_NEWNET;
	if (a->ns_warm)
		ns &= ~(uint64_t)(CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS);
	return ns | (a->idmap ? CLONE_NEWUSER : 0);
}

/* share: CLONE_FILES, see struct fd_slots. cgroup_fd: the cgroup2
 * directory to clone into, or -1. ns: clone_ns's.
 * sibling: CLONE_PARENT (a spawner). */
static pid_t do_clone(int cgroup_fd, bool share, uint64_t ns, bool sibling, int *pidfd, bool *into_cgroup)
{
	uint64_t more = ns | (share ? CLONE_FILES : 0) | (sibling ? CLONE_PARENT : 0);
	struct clone_args ca = {
		.flags = more | CLONE_PIDFD,
		.pidfd = (uint64_t)(uintptr_t)pidfd,
		/* A sibling's is its creator's (the kernel wants 0 here). */
		.exit_signal = sibling ? 0 : SIGCHLD,
	};
	pid_t pid;

	*into_cgroup = false;
	if (cgroup_fd >= 0) {
		ca.flags |= CLONE_INTO_CGROUP;
		ca.cgroup = (uint64_t)cgroup_fd;
	}
	pid = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid >= 0) {
		*into_cgroup = (ca.flags & CLONE_INTO_CGROUP) != 0;
		return pid;
	}
	if (errno != ENOSYS && errno != E2BIG && errno != EINVAL && errno != EOPNOTSUPP)
		return -1;
	/* Older kernels: plain clone3, or clone; cgroups joined by the parent. */
	ca.flags &= ~(uint64_t)CLONE_INTO_CGROUP;
	ca.cgroup = 0;
	pid = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid >= 0 || errno != ENOSYS)
		return pid;
	*pidfd = -1;
	return (pid_t)syscall(SYS_clone, more | SIGCHLD, NULL, NULL, NULL, NULL);
}

static void kill_and_reap(pid_t pid, int *status)
{
	kill(pid, SIGKILL);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
}

/* The same through the init's pidfd: in cgrund the init may have died and
 * been reaped by the loop's waitpid(-1) while systemd made its scope, and
 * its pid may belong to another process by now. A pidfd names only it. */
static void kill_and_reap_spawning(const struct cg_spawning *s)
{
	siginfo_t si;

	if (s->pidfd < 0) {
		int status;

		kill_and_reap(s->pid, &status);
		return;
	}
	syscall(SYS_pidfd_send_signal, s->pidfd, SIGKILL, NULL, 0);
	while (waitid(P_PIDFD, (id_t)s->pidfd, &si, WEXITED) < 0 && errno == EINTR)
		;
}

/* Read the child's messages until EOF (the command exec'd): 'P' with the
 * terminal's master, 'C' with an exec'd pid, or an error: -1 with the
 * child's message, -2 when it said nothing. Non-blocking (nowait): 1 when
 * no more is there yet (call again once sock is readable; *pty_master and
 * *cpid keep what came so far, so set them to -1 before the first call). */
static int receive_messages(int sock, bool tty, bool nowait, int *pty_master, pid_t *cpid, cg_err_t *err)
{
	char buf[sizeof(err->msg) + 8];
	ssize_t n;
	bool reset_seen = false;

	for (;;) {
		char cbuf[CMSG_SPACE(sizeof(int))];
		struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) - 1 };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
				     .msg_controllen = sizeof(cbuf) };
		struct cmsghdr *cm;

		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC | (nowait ? MSG_DONTWAIT : 0));
		if (n < 0 && errno == EINTR)
			continue;
		/* A child that failed and exited with our "g" unread in its
		 * queue resets the connection: the kernel reports that first,
		 * once, with the child's message still queued behind it. */
		if (n < 0 && errno == ECONNRESET && !reset_seen) {
			reset_seen = true;
			continue;
		}
		if (n < 0 && nowait && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 1;
		cm = n > 0 ? CMSG_FIRSTHDR(&mh) : NULL;
		if (n == 1 && buf[0] == 'P' && cm && cm->cmsg_type == SCM_RIGHTS && *pty_master < 0) {
			memcpy(pty_master, CMSG_DATA(cm), sizeof(int));
			continue;
		}
		if (n == 1 + (ssize_t)sizeof(pid_t) && buf[0] == 'C' && cpid) {
			memcpy(cpid, buf + 1, sizeof(pid_t));
			continue;
		}
		break;
	}
	if (n == 0 && (!tty || *pty_master >= 0))
		return 0;
	int r = -1;

	if (n > 2 && cg_exec_tramp_message(buf, (size_t)n, err)) {
		/* the trampoline's: err worded as for our own child's */
	} else if (n > 2) {
		buf[n] = '\0';
		cg_error(err, 0, "%s", buf + 2);
		err->exit_code = (unsigned char)buf[1];
	} else {
		cg_error(err, n < 0 ? errno : EPROTO, "starting the container");
		r = -2;  /* no word from the child */
	}
	if (*pty_master >= 0)
		close(*pty_master);
	*pty_master = -1;
	return r;
}

/* The init's copy of our fd table. cgrund keeps a dozen fds open per
 * container it runs (stats and cgroup files): a plain clone copied every
 * one of them into the init (a reference taken on each), the init's vfork
 * copied them again, and the init and the command's exec closed them all,
 * so a start cost more the more containers ran (1.4 ms more with 300, 4500
 * fds, here). Instead the few fds the child needs (the sync socket, stdio,
 * the exit file) are put in the lowest slots, 3 on, the clone shares our
 * table (CLONE_FILES), and the child's first act,
 * close_range(bound, ~0U, CLOSE_RANGE_UNSHARE), gives it a table of those
 * slots only: the kernel copies no slot the call would close. Until then
 * our table is the child's too, so we wait for its word ('U') before our
 * own fds go back into those slots. */
#define SLOTS_MAX 6

struct fd_slots {
	int bound;                 /* the child's fds are in 3 .. bound-1 */
	int filled;                /* slots overwritten so far */
	int saved[SLOTS_MAX];      /* our fd of slot 3+i, dup'ed at >= bound; -1: it was free */
	int flags[SLOTS_MAX];      /* its FD_CLOEXEC */
};

/* Where our fd is while the slots hold the child's. */
static int slot_source(const struct fd_slots *m, int fd)
{
	if (fd >= 3 && fd < m->bound && m->saved[fd - 3] >= 0)
		return m->saved[fd - 3];
	return fd;
}

/* Our own fds back in their slots. */
static void slots_restore(struct fd_slots *m)
{
	for (int i = 0; i < m->bound - 3; i++) {
		int slot = 3 + i;

		if (m->saved[i] < 0) {
			if (i < m->filled)
				close(slot);
			continue;
		}
		/* Cannot fail: slot is a valid number and already open. */
		if (dup3(m->saved[i], slot, (m->flags[i] & FD_CLOEXEC) ? O_CLOEXEC : 0) < 0)
			abort();
		close(m->saved[i]);
	}
	m->bound = 3;
	m->filled = 0;
}

/* Move the distinct fds >= 3 among *fds[0..n-1] to slots 3 on (saving
 * ours that were there) and rewrite them to those slots. -1 (errno set)
 * with everything as it was. */
static int slots_move(struct fd_slots *m, int *const fds[], size_t n)
{
	int u[SLOTS_MAX], k = 0;

	m->bound = 3;
	m->filled = 0;
	for (size_t j = 0; j < n; j++) {
		int f = *fds[j], i;

		for (i = 0; i < k && u[i] != f; i++)
			;
		if (f >= 3 && i == k) {
			if (k == SLOTS_MAX)
				return errno = EMFILE, -1;
			u[k++] = f;
		}
	}
	for (int i = 0; i < k; i++) {
		m->flags[i] = fcntl(3 + i, F_GETFD);
		m->saved[i] = m->flags[i] < 0 ? -1 : fcntl(3 + i, F_DUPFD_CLOEXEC, 3 + k);
		if (m->flags[i] >= 0 && m->saved[i] < 0) {
			int e = errno;

			m->bound = 3 + i;
			slots_restore(m);
			return errno = e, -1;
		}
		m->bound = 3 + i + 1;
	}
	for (int i = 0; i < k; i++) {
		int src = slot_source(m, u[i]);

		if (src != 3 + i && dup3(src, 3 + i, O_CLOEXEC) < 0) {
			int e = errno;

			slots_restore(m);
			return errno = e, -1;
		}
		m->filled = i + 1;
	}
	for (size_t j = 0; j < n; j++)
		for (int i = 0; i < k; i++)
			if (*fds[j] == u[i]) {
				*fds[j] = 3 + i;
				break;
			}
	return 0;
}

/* Child: a table of its own, of the slots below bound only. Shared (bound
 * given): the parent put our fds there and waits for our 'U'. Not shared
 * (bound -1, a copy of the parent's whole table): we move them there
 * ourselves, in our copy, and close the rest. */
static void __attribute__((noreturn)) spawned_main(const struct cg_spawn_args *a, bool into, int *sock,
						   int bound, int parent_sock, int *const fds[], size_t nfds)
{
	cg_err_t err = { 0 };

	if (bound < 0) {
		struct fd_slots m;

		if (parent_sock >= 0)
			close(parent_sock);
		parent_sock = -1;
		if (slots_move(&m, fds, nfds) < 0)
			child_fail(*sock, MSG_SETUP, 125, (cg_error(&err, errno, "moving fds"), &err));
		if (close_range((unsigned)m.bound, ~0U, 0) < 0)
			child_fail(*sock, MSG_SETUP, 125, (cg_error(&err, errno, "close_range"), &err));
		container_main(a, into, *sock);
	}
	if (close_range((unsigned)bound, ~0U, CLOSE_RANGE_UNSHARE) < 0)
		child_fail(*sock, MSG_SETUP, 125, (cg_error(&err, errno, "close_range"), &err));
	/* Below 3 only if our parent's stdio was closed: not ours to keep. */
	if (parent_sock < 3)
		close(parent_sock);
	if (send(*sock, "U", 1, MSG_NOSIGNAL) != 1)
		_exit(125);
	container_main(a, into, *sock);
}

/* Is the cgroup2 cgroup the init is cloned into frozen (itself or, which
 * the kernel folds in, an ancestor)? A child cloned into it never runs a
 * single instruction until it is thawed, so it must not share our fd
 * table: we would wait for its 'U' with our own fds out of their slots. */
static bool target_frozen(const struct cg_cgroup *cg)
{
	char buf[256];
	ssize_t n;
	int fd;

	if (cg == NULL || cg->unified_fd < 0)
		return false;
	fd = openat(cg->unified_fd, "cgroup.events", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	return cg_events_frozen(buf);
}

bool cg_events_frozen(const char *events)
{
	const char *p = strstr(events, "frozen ");

	/* The key at the start of a line, not inside another. */
	while (p && p != events && p[-1] != '\n')
		p = strstr(p + 1, "frozen ");
	return p && p[7] == '1';
}

/* Until the child has its own table (its 'U'), or has failed (its message
 * stays queued for receive_messages), or is gone. */
static void wait_unshared(int sock, int pidfd)
{
	struct pollfd p[2] = { { .fd = sock, .events = POLLIN }, { .fd = pidfd, .events = POLLIN } };
	char c;

	while (poll(p, pidfd >= 0 ? 2 : 1, -1) < 0 && errno == EINTR)
		;
	if (recv(sock, &c, 1, MSG_PEEK | MSG_DONTWAIT) == 1 && c == 'U' &&
	    recv(sock, &c, 1, MSG_DONTWAIT) != 1) {
		/* Peeked a moment ago: cannot be missing. */
	}
}

pid_t cg_spawn_sibling(const struct cg_spawn_args *a, int sock, int *pidfd, cg_err_t *err)
{
	struct cg_spawn_args ca = *a;
	int csock = sock;
	int *const fds[] = { &csock, &ca.stdio[0], &ca.stdio[1], &ca.stdio[2], &ca.exit_fd, &ca.exec_tramp_fd };
	bool into = false;
	pid_t pid;

	*pidfd = -1;
	note_ignored_signals();
	pid = do_clone(a->cg ? a->cg->unified_fd : -1, false, clone_ns(a), true, pidfd, &into);
	if (pid == 0)
		spawned_main(&ca, into, &csock, -1, -1, fds, ARRAY_SIZE(fds));
	if (pid < 0)
		return cg_error(err, errno, "clone");
	return pid;
}

int cg_spawn_begin(const struct cg_spawn_args *a, struct cg_spawning *s, cg_err_t *err)
{
	int sv[2], pidfd = -1;
	bool into = false;
	pid_t pid;
	struct cg_spawn_args ca = *a;
	int csock;
	struct fd_slots m;
	int *const fds[] = { &csock, &ca.stdio[0], &ca.stdio[1], &ca.stdio[2], &ca.exit_fd, &ca.exec_tramp_fd };

	s->pid = -1;
	s->pidfd = s->sock = s->pty_master = -1;
	s->tty = a->tty;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return cg_error(err, errno, "socketpair");
	csock = sv[1];
	/* Shared unless the child would be born frozen (target_frozen): then
	 * it copies our whole table, the old way, and we wait for nothing. */
	bool share = !target_frozen(a->cg);

	m.bound = 3;
	m.filled = 0;
	if (share && slots_move(&m, fds, ARRAY_SIZE(fds)) < 0) {
		int e = errno;

		close(sv[0]);
		close(sv[1]);
		return cg_error(err, e, "moving the container's fds to low slots");
	}
	note_ignored_signals();
	/* Our cgroup fd may sit in a slot the child's fds took for now. */
	pid = do_clone(a->cg ? slot_source(&m, a->cg->unified_fd) : -1, share, clone_ns(a), false, &pidfd, &into);
	if (pid == 0)
		spawned_main(&ca, into, &csock, share ? m.bound : -1, sv[0], fds, ARRAY_SIZE(fds));
	if (pid > 0 && pidfd < 0)
		pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pid > 0 && share)
		wait_unshared(slot_source(&m, sv[0]), pidfd);
	if (share)
		slots_restore(&m);
	if (pid < 0) {
		int e = errno;

		close(sv[0]);
		close(sv[1]);
		return cg_error(err, e, "clone");
	}
	close(sv[1]);
	s->pid = pid;
	s->pidfd = pidfd;
	s->sock = sv[0];
	if (a->idmap && cg_idmap_prepare(pid, a->idmap, a->layers, a->rootfs, s->sock, err) < 0) {
		/* The child's own word, if it failed first, says more. */
		cg_spawn_abort(s, err);
		return -1;
	}
	return 0;
}

/* Forget the start: its fds closed, nothing running. */
static void spawning_clear(struct cg_spawning *s)
{
	if (s->sock >= 0)
		close(s->sock);
	if (s->pidfd >= 0)
		close(s->pidfd);
	if (s->pty_master >= 0)
		close(s->pty_master);
	s->pid = -1;
	s->pidfd = s->sock = s->pty_master = -1;
}

void cg_spawn_abort(struct cg_spawning *s, cg_err_t *err)
{
	cg_err_t child_err = { 0 };

	if (s->pid <= 0)
		return;
	if (s->pidfd >= 0)
		syscall(SYS_pidfd_send_signal, s->pidfd, SIGKILL, NULL, 0);
	else
		kill(s->pid, SIGKILL);
	/* It may have failed first: its own message says more than ours.
	 * SIGKILL ends it wherever it waits (a cgroup v2 freezer too), so
	 * the EOF comes at once. */
	if (receive_messages(s->sock, false, false, &s->pty_master, NULL, &child_err) == -1 && err)
		*err = child_err;
	kill_and_reap_spawning(s);
	spawning_clear(s);
}

int cg_spawn_go(struct cg_spawning *s, cg_err_t *err)
{
	/* A child that already failed has closed its end: its message is
	 * still queued for receive_messages. */
	if (send(s->sock, "g", 1, MSG_NOSIGNAL) != 1 && errno != EPIPE && errno != ECONNRESET) {
		cg_error(err, errno, "starting the container");
		cg_spawn_abort(s, NULL);
		return -1;
	}
	return 0;
}

int cg_spawn_collect(struct cg_spawning *s, bool wait, struct cg_proc *out, cg_err_t *err)
{
	int r = receive_messages(s->sock, s->tty, !wait, &s->pty_master, NULL, err);

	if (r == 1)
		return 1;
	if (r < 0) {
		kill_and_reap_spawning(s);
		spawning_clear(s);
		return -1;
	}
	out->pid = s->pid;
	out->pidfd = s->pidfd;
	out->pty_master = s->pty_master;
	s->pidfd = s->pty_master = -1;
	spawning_clear(s);
	return 0;
}

int cg_spawn_finish(struct cg_spawning *s, struct cg_proc *out, cg_err_t *err)
{
	if (cg_spawn_go(s, err) < 0)
		return -1;
	return cg_spawn_collect(s, true, out, err);
}

/* exec: the intermediate child joins the container's cgroups and
 * namespaces, then clones with CLONE_PARENT, so the command is a child of
 * the caller (whose waitpid collects its status) inside the container's
 * PID namespace, not an orphan for the container's init to reap. */
static void __attribute__((noreturn)) exec_middle(const struct cg_spawn_args *a, int init_pidfd, int sock)
{
	cg_err_t err = { 0 };
	pid_t gc;

	/* Before the setns: the command's process below is a copy of us, in
	 * the container's PID namespace from its clone on, and runs cgrun's
	 * (or cgrund's) binary until its exec: non-dumpable from its first
	 * instruction, so nothing in the container can open its exe. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (cg_join_self(a->cg, false, &err) < 0)
		child_fail(sock, MSG_SETUP, 125, (cg_error_wrap(&err, "joining the container's cgroups"), &err));
	if (setns(init_pidfd, NS_FLAGS | CLONE_NEWCGROUP | (a->idmap ? CLONE_NEWUSER : 0)) < 0)
		child_fail(sock, MSG_SETUP, 125, (cg_error(&err, errno, "joining the container's namespaces"), &err));
	if (a->idmap && cg_idmap_become_root(&err) < 0)
		child_fail(sock, MSG_SETUP, 125, &err);
	gc = (pid_t)syscall(SYS_clone, CLONE_PARENT | SIGCHLD, NULL, NULL, NULL, NULL);
	if (gc < 0)
		child_fail(sock, MSG_SETUP, 125, (cg_error(&err, errno, "clone"), &err));
	if (gc == 0) {
		int stdio[3] = { a->stdio[0], a->stdio[1], a->stdio[2] };
		struct cmd_plan plan;

		/* Not the caller's session keyring either: a new one (the init's
		 * is anonymous, there is no name to join it by). */
		if (cg_keyring_fresh(&err) < 0)
			child_fail(sock, MSG_SETUP, 125, &err);

		if (a->tty && open_console(sock, stdio, false, &a->winsize, &err) < 0)
			child_fail(sock, MSG_SETUP, 125, (cg_error_wrap(&err, "allocating the terminal"), &err));
		if (plan_command(a, sock, -1, &plan, &err) < 0)
			child_fail(sock, MSG_SETUP, 125, &err);
		command_main(a, &plan, stdio, sock);
	}
	char msg[1 + sizeof(pid_t)];

	msg[0] = 'C';
	memcpy(msg + 1, &gc, sizeof(pid_t));
	if (send(sock, msg, sizeof(msg), MSG_NOSIGNAL) < 0)
		_exit(125);
	_exit(0);
}

int cg_exec_begin(const struct cg_spawn_args *a, int init_pidfd, struct cg_execing *x, cg_err_t *err)
{
	int sv[2];

	x->mid = x->cmd = -1;
	x->sock = x->pty_master = -1;
	x->tty = a->tty;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return cg_error(err, errno, "socketpair");
	note_ignored_signals();
	x->mid = fork();
	if (x->mid < 0) {
		close(sv[0]);
		close(sv[1]);
		return cg_error(err, errno, "fork");
	}
	if (x->mid == 0) {
		close(sv[0]);
		exec_middle(a, init_pidfd, sv[1]);
	}
	close(sv[1]);
	x->sock = sv[0];
	return 0;
}

static int exec_finish(struct cg_execing *x, bool nowait, struct cg_proc *out, cg_err_t *err)
{
	int status, r = receive_messages(x->sock, x->tty, nowait, &x->pty_master, &x->cmd, err);

	if (r == 1)
		return 1;
	close(x->sock);
	x->sock = -1;
	/* EOF or a failure: the middle process has sent all it will and is
	 * gone or going. An event loop reaps it with its waitpid(-1) if it is
	 * not a zombie yet: no blocking wait there, which could also meet a
	 * reused pid if that waitpid took it first. */
	while (waitpid(x->mid, &status, nowait ? WNOHANG : 0) < 0 && errno == EINTR)
		;
	x->mid = -1;
	if (r == 0 && x->cmd <= 0)
		r = cg_error(err, EPROTO, "exec: no process started");
	if (r < 0) {
		if (x->cmd > 0)
			kill_and_reap(x->cmd, &status);
		x->cmd = -1;
		return -1;
	}
	out->pid = x->cmd;
	out->pty_master = x->pty_master;
	out->pidfd = (int)syscall(SYS_pidfd_open, x->cmd, 0);
	x->pty_master = -1;
	return 0;
}

int cg_exec_step(struct cg_execing *x, struct cg_proc *out, cg_err_t *err)
{
	return exec_finish(x, true, out, err);
}

int cg_exec(const struct cg_spawn_args *a, int init_pidfd, struct cg_proc *out, cg_err_t *err)
{
	struct cg_execing x;

	if (cg_exec_begin(a, init_pidfd, &x, err) < 0)
		return -1;
	return exec_finish(&x, false, out, err);
}
