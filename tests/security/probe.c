/* probe.c - what a process in a container may do, tried as an
 * attacker would. Built static by tests/security/security_helpers.bash and run
 * inside containers through a volume.
 *
 *   probe syscalls          one line per attempt: NAME RESULT, where
 *                           RESULT is "ok" or the errno's name (or
 *                           "crash" if the attempt killed its child)
 *   probe escapes           the same for the escapes that held before the
 *                           filter: release_agent, /proc/sys, sysrq, kcore,
 *                           mknod + open of a disk, mount, open_by_handle_at,
 *                           bpf, perf_event_open, ptrace of PID 1, fd leaks,
 *                           chroot escape
 *   probe session-key DESC CMD...
 *                           join a new session keyring, add a user
 *                           key DESC that only its possessors may
 *                           see, and exec CMD
 *   probe find-key DESC     "found" if DESC is reachable through the
 *                           session keyring, else the errno's name
 *   probe mkdir PATH MODE   mkdir(2) with an octal mode: "ok" or the
 *                           errno's name (security_opt.bats)
 *
 * Every attempt is harmless when it succeeds: it changes nothing outside
 * its own (forked) process. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/io_uring.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef AF_ALG
#define AF_ALG 38
#endif
#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif
#define X32_BIT 0x40000000L
#define NR_BEYOND 1023L        /* above every table: no such system call */
#define NR_MSEAL 462L          /* Linux 6.10, newer than the profile */
#define I386_KEYCTL 288L
#define X32_KEYCTL 250L

static const char *errname(int e)
{
	static char buf[32];

	switch (e) {
	case EPERM: return "EPERM";
	case ENOSYS: return "ENOSYS";
	case EINVAL: return "EINVAL";
	case EBADF: return "EBADF";
	case EFAULT: return "EFAULT";
	case EACCES: return "EACCES";
	case ENOKEY: return "ENOKEY";
	case ENODEV: return "ENODEV";
	case EAFNOSUPPORT: return "EAFNOSUPPORT";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EROFS: return "EROFS";
	case ENOENT: return "ENOENT";
	case ESRCH: return "ESRCH";
	case ENODATA: return "ENODATA";
	case ENXIO: return "ENXIO";
	case ESTALE: return "ESTALE";
	}
	snprintf(buf, sizeof(buf), "errno%d", e);
	return buf;
}

static long do_keyctl(void) { return syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0); }
/* A key type that does not exist: unconfined, ENODEV; nothing is added. */
static long do_add_key(void) { return syscall(SYS_add_key, "cgrun-probe-no-such-type", "d", "x", 1, KEY_SPEC_PROCESS_KEYRING); }
static long do_request_key(void) { return syscall(SYS_request_key, "user", "cgrun-probe-none", NULL, 0); }
static long do_unshare_user(void) { return unshare(CLONE_NEWUSER); }
static long do_clone_newuser(void)
{
	long r = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, NULL, NULL, NULL, NULL);

	if (r == 0)
		_exit(0);
	if (r > 0)
		waitpid((pid_t)r, NULL, 0);
	return r;
}
static long do_io_uring(void)
{
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	return syscall(SYS_io_uring_setup, 1, &p);
}
static long do_userfaultfd(void) { return syscall(SYS_userfaultfd, 1 /* UFFD_USER_MODE_ONLY */); }
/* Too small a size: unconfined, EINVAL; nothing is cloned. */
static long do_clone3(void) { return syscall(SYS_clone3, NULL, 0); }
static long do_af_alg(void) { return socket(AF_ALG, SOCK_SEQPACKET, 0); }
static long do_af_vsock(void) { return socket(AF_VSOCK, SOCK_STREAM, 0); }
static long do_af_unix(void) { return socket(AF_UNIX, SOCK_STREAM, 0); }
/* The family is an int: the kernel reads the register's low 32 bits, so
 * these are AF_ALG and AF_VSOCK to it, whatever a filter makes of them. */
static long do_af_alg_hi(void) { return syscall(SYS_socket, 1L << 32 | AF_ALG, SOCK_SEQPACKET, 0); }
static long do_af_vsock_hi(void) { return syscall(SYS_socket, 1L << 32 | AF_VSOCK, SOCK_STREAM, 0); }
static long do_personality_weird(void) { return personality(ADDR_NO_RANDOMIZE); }
static long do_personality_query(void) { return personality(0xffffffff); }
static long do_beyond(void) { return syscall(NR_BEYOND); }
/* A flag that does not exist: unconfined on 6.10+, EINVAL; nothing sealed. */
static long do_mseal(void) { return syscall(NR_MSEAL, 0, 0, 1); }
static long do_x32_keyctl(void) { return syscall(X32_BIT | X32_KEYCTL, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0); }
static long do_x32_beyond(void) { return syscall(X32_BIT | NR_BEYOND); }

/* The i386 entry from a 64-bit process: seccomp sees AUDIT_ARCH_I386. */
static long int80(long nr, long a, long b, long c)
{
	long r = nr;

	__asm__ volatile("int $0x80" : "+a"(r) : "b"(a), "c"(b), "d"(c) : "memory");
	if (r < 0 && r > -4096) {
		errno = (int)-r;
		return -1;
	}
	return r;
}
static long do_i386_keyctl(void) { return int80(I386_KEYCTL, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0); }
static long do_i386_beyond(void) { return int80(NR_BEYOND, 0, 0, 0); }

static const struct attempt {
	const char *name;
	long (*fn)(void);
} attempts[] = {
	{ "keyctl", do_keyctl }, { "add_key", do_add_key }, { "request_key", do_request_key },
	{ "unshare-user", do_unshare_user }, { "clone-newuser", do_clone_newuser },
	{ "io_uring_setup", do_io_uring }, { "userfaultfd", do_userfaultfd }, { "clone3", do_clone3 },
	{ "socket-alg", do_af_alg }, { "socket-vsock", do_af_vsock }, { "socket-unix", do_af_unix },
	{ "socket-alg-hi", do_af_alg_hi }, { "socket-vsock-hi", do_af_vsock_hi },
	{ "personality-weird", do_personality_weird }, { "personality-query", do_personality_query },
	{ "beyond", do_beyond }, { "mseal", do_mseal },
	{ "x32-keyctl", do_x32_keyctl }, { "x32-beyond", do_x32_beyond },
	{ "i386-keyctl", do_i386_keyctl }, { "i386-beyond", do_i386_beyond },
};

/* Each attempt in a child of its own: one that succeeds changes nothing
 * the next one sees, one that crashes (no i386 entry) is reported. */
static void attempt(const struct attempt *t)
{
	int pfd[2], status;
	char res[32] = "";
	pid_t pid;
	ssize_t n;

	if (pipe(pfd) < 0 || (pid = fork()) < 0) {
		perror("probe");
		exit(2);
	}
	if (pid == 0) {
		long r = t->fn();
		const char *s = r < 0 ? errname(errno) : "ok";

		if (write(pfd[1], s, strlen(s)) < 0)
			_exit(3);
		_exit(0);
	}
	close(pfd[1]);
	n = read(pfd[0], res, sizeof(res) - 1);
	close(pfd[0]);
	waitpid(pid, &status, 0);
	printf("%s %s\n", t->name, n > 0 ? res : "crash");
}

/* ---- escapes: the classes that held before the seccomp filter (issue
 * 16's "what holds" list), tried one by one. Each prints NAME RESULT as
 * `syscalls` does; RESULT "ok" means the attempt got through. Harmless
 * when it succeeds: nothing is written outside the probe's own /tmp
 * files, a device node is only opened read-only, a mount is made in the
 * probe's own directory and PID 1 is only seized (never stopped). */

/* Writing a release_agent: every one under /sys/fs/cgroup (v1), else the
 * file's absence says so. Opened for writing, nothing written. */
static long do_release_agent(void)
{
	const char *base = "/sys/fs/cgroup";
	DIR *d = opendir(base);
	struct dirent *e;
	char path[512];
	int found = 0, fd;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/release_agent", base, e->d_name);
		if (access(path, F_OK) < 0)
			continue;
		found = 1;
		fd = open(path, O_WRONLY);
		if (fd >= 0) {
			close(fd);
			closedir(d);
			return 0;
		}
	}
	closedir(d);
	if (!found)
		errno = ENOENT;
	return -1;
}
static long open_wronly(const char *path)
{
	int fd = open(path, O_WRONLY);

	if (fd >= 0)
		close(fd);
	return fd;
}
static long do_proc_sys(void) { return open_wronly("/proc/sys/kernel/core_pattern"); }
static long do_sysrq(void) { return open_wronly("/proc/sysrq-trigger"); }
/* A masked /proc/kcore reads as empty (/dev/null): "ok" only if it gave data. */
static long do_kcore(void)
{
	char b[16];
	int fd = open("/proc/kcore", O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, b, sizeof(b));
	close(fd);
	if (n > 0)
		return 0;
	errno = n == 0 ? ENODATA : errno;
	return -1;
}
/* mknod of the first SCSI disk and of a loop device, then a read-only open:
 * the node may be made (CAP_MKNOD), never opened (nodev / device cgroup). */
static long mknod_open(const char *name, dev_t dev)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/%s.%d", name, (int)getpid());
	if (mknod(path, S_IFBLK | 0600, dev) < 0)
		return -1;
	fd = open(path, O_RDONLY);
	int e = errno;
	unlink(path);
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	errno = e;
	return -1;
}
static long do_mknod_sda(void) { return mknod_open("sda", makedev(8, 0)); }
static long do_mknod_vda(void) { return mknod_open("vda", makedev(253, 0)); }
static long do_mount_tmpfs(void)
{
	char dir[64];
	long r;

	snprintf(dir, sizeof(dir), "/tmp/mnt.%d", (int)getpid());
	if (mkdir(dir, 0700) < 0)
		return -1;
	r = mount("none", dir, "tmpfs", 0, NULL);
	int e = errno;
	if (r == 0)
		umount2(dir, MNT_DETACH);
	rmdir(dir);
	errno = e;
	return r;
}
static long do_open_by_handle_at(void)
{
	struct { struct file_handle h; unsigned char b[128]; } fh;

	memset(&fh, 0, sizeof(fh));
	fh.h.handle_bytes = 8;
	fh.h.handle_type = 1;  /* FILEID_INO32_GEN */
	return syscall(SYS_open_by_handle_at, AT_FDCWD, &fh.h, O_RDONLY);
}
static long do_bpf(void)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_ARRAY;
	a.key_size = 4;
	a.value_size = 4;
	a.max_entries = 1;
	long fd = syscall(SYS_bpf, BPF_MAP_CREATE, &a, sizeof(a));
	if (fd >= 0)
		close((int)fd);
	return fd;
}
static long do_perf_event_open(void)
{
	struct perf_event_attr a;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = PERF_TYPE_SOFTWARE;
	a.config = PERF_COUNT_SW_CPU_CLOCK;
	a.exclude_kernel = 1;
	long fd = syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
	if (fd >= 0)
		close((int)fd);
	return fd;
}
/* PTRACE_SEIZE, not ATTACH: it stops nothing, and the probe's exit
 * detaches; an ATTACH's SIGSTOP would leave the init stopped. */
static long do_ptrace_init(void)
{
	return ptrace(PTRACE_SEIZE, 1, NULL, NULL);
}
static long do_init_mem(void)
{
	int fd = open("/proc/1/mem", O_RDONLY);

	if (fd >= 0)
		close(fd);
	return fd;
}
/* Any descriptor beyond stdio that the probe was started with (runc's
 * CVE-2024-21626 leaked a host directory): "ok" means one leaked in.
 * Counted by main before the probe opens anything of its own. */
static int fds_at_start = -1;

static int count_extra_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && atoi(e->d_name) > 2 && atoi(e->d_name) != dirfd(d))
			n++;
	closedir(d);
	return n;
}
static long do_fd_leak(void)
{
	if (fds_at_start > 0)
		return 0;
	errno = fds_at_start < 0 ? ENOENT : EBADF;
	return -1;
}
/* The classic double chroot: chroot into a subdirectory, climb out with
 * "..", chroot("."). "ok" means the new root is not the container's. */
static long do_chroot_escape(void)
{
	char dir[64];
	struct stat before, after;

	if (stat("/", &before) < 0)
		return -1;
	snprintf(dir, sizeof(dir), "/tmp/chroot.%d", (int)getpid());
	if (mkdir(dir, 0700) < 0)
		return -1;
	long r = chroot(dir);
	int e = errno;
	rmdir(dir);  /* the escape below needs no directory to stay */
	if (r < 0) {
		errno = e;
		return -1;
	}
	for (int i = 0; i < 64; i++)
		if (chdir("..") < 0)
			return -1;
	if (chroot(".") < 0 || stat("/", &after) < 0)
		return -1;
	if (after.st_dev != before.st_dev || after.st_ino != before.st_ino)
		return 0;
	errno = EPERM;  /* contained: the top is the container's own root */
	return -1;
}

static const struct attempt escapes[] = {
	{ "release_agent", do_release_agent }, { "proc-sys", do_proc_sys }, { "sysrq", do_sysrq },
	{ "kcore", do_kcore }, { "mknod-sda", do_mknod_sda }, { "mknod-vda", do_mknod_vda },
	{ "mount", do_mount_tmpfs }, { "open_by_handle_at", do_open_by_handle_at }, { "bpf", do_bpf },
	{ "perf_event_open", do_perf_event_open }, { "ptrace-init", do_ptrace_init },
	{ "init-mem", do_init_mem }, { "fd-leak", do_fd_leak }, { "chroot-escape", do_chroot_escape },
};
/* ---- end of escapes */

static void seccomp_mode(void)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "Seccomp:", 8))
			printf("seccomp %d\n", atoi(line + 8));
	if (f)
		fclose(f);
}

/* ---- exec_path.bats (CVE-2019-5736 class): the host binary's reach ----
 *
 *   probe hold-fifo FIFO DIR   (on the host) fill FIFO's pipe so that its
 *                              next writer blocks; DIR/full once it is
 *                              full; on DIR/drain, drain it (what came
 *                              after our filler is copied to DIR/drained)
 *                              until DIR/stop
 *   probe reopen-exe PID SECS  (in a container, as an attacker) open
 *                              /proc/PID/exe with O_PATH ("exe TARGET", or
 *                              "open-exe ERRNO" and done), wait for PID to
 *                              exit, then reopen it through /proc/self/fd
 *                              for writing, retrying while ETXTBSY for up
 *                              to SECS: "reopen ERRNO", or "reopen ok" and
 *                              "write ok" / "write ERRNO" for 4 bytes
 */
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>

static int ep_exists(const char *dir, const char *name)
{
	char p[4096];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return access(p, F_OK) == 0;
}

static int ep_hold_fifo(const char *fifo, const char *dir)
{
	char buf[65536], p[4096];
	long filled = 0, skip;
	int fd = open(fifo, O_RDWR | O_NONBLOCK | O_CLOEXEC), out;
	ssize_t n;

	if (fd < 0)
		return perror(fifo), 2;
	memset(buf, '.', sizeof(buf));
	while ((n = write(fd, buf, 1)) == 1)
		filled++;
	snprintf(p, sizeof(p), "%s/drained", dir);
	out = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	snprintf(p, sizeof(p), "%s/full", dir);
	if (out < 0 || close(open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0644)) < 0)
		return perror(dir), 2;
	while (!ep_exists(dir, "drain"))
		usleep(10000);
	for (skip = filled; !ep_exists(dir, "stop");) {
		while ((n = read(fd, buf, sizeof(buf))) > 0) {
			long drop = skip < n ? skip : n;

			skip -= drop;
			if (n > drop && write(out, buf + drop, (size_t)(n - drop)) < 0)
				return perror("drained"), 2;
		}
		usleep(10000);
	}
	return 0;
}

static int ep_reopen_exe(const char *pid, int secs)
{
	char p[64], target[4096];
	int fd, w = -1;
	ssize_t n;

	snprintf(p, sizeof(p), "/proc/%s/exe", pid);
	fd = open(p, O_PATH | O_CLOEXEC);
	if (fd < 0) {
		printf("open-exe %s\n", errname(errno));
		return 0;
	}
	snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	n = readlink(p, target, sizeof(target) - 1);
	target[n > 0 ? n : 0] = '\0';
	printf("exe %s\n", target);
	fflush(stdout);
	snprintf(target, sizeof(target), "/proc/%s", pid);
	int e = ESRCH;  /* still running when SECS were up */

	for (int i = 0; i < secs * 100; i++, usleep(10000)) {
		if (access(target, F_OK) == 0)
			continue;
		w = open(p, O_WRONLY | O_CLOEXEC);
		e = errno;
		if (w >= 0 || e != ETXTBSY)
			break;
	}
	if (w < 0) {
		printf("reopen %s\n", e == ETXTBSY ? "ETXTBSY" : e == ESRCH ? "timeout" : errname(e));
		return 0;
	}
	printf("reopen ok\n");
	/* What an attacker would do; it only ever reaches the test's copy. */
	printf("write %s\n", pwrite(w, "EVIL", 4, 0) == 4 ? "ok" : errname(errno));
	return 0;
}
/* ---- end of exec_path.bats's block ---- */

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "hold-fifo"))
		return ep_hold_fifo(argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "reopen-exe"))
		return ep_reopen_exe(argv[2], atoi(argv[3]));
	if (argc == 2 && !strcmp(argv[1], "syscalls")) {
		seccomp_mode();
		for (size_t i = 0; i < sizeof(attempts) / sizeof(attempts[0]); i++)
			attempt(&attempts[i]);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "escapes")) {
		fds_at_start = count_extra_fds();
		for (size_t i = 0; i < sizeof(escapes) / sizeof(escapes[0]); i++)
			attempt(&escapes[i]);
		return 0;
	}
	if (argc >= 4 && !strcmp(argv[1], "session-key")) {
		long key;

		if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0 ||
		    (key = syscall(SYS_add_key, "user", argv[2], "x", 1, KEY_SPEC_SESSION_KEYRING)) < 0 ||
		    syscall(SYS_keyctl, KEYCTL_SETPERM, key, 0x3f000000 /* possessor: all */) < 0) {
			perror("session key");
			return 2;
		}
		execvp(argv[3], argv + 3);
		perror(argv[3]);
		return 127;
	}
	if (argc == 3 && !strcmp(argv[1], "find-key")) {
		long r = syscall(SYS_keyctl, KEYCTL_SEARCH, KEY_SPEC_SESSION_KEYRING, "user", argv[2], 0);

		puts(r >= 0 ? "found" : errname(errno));
		return 0;
	}
	/* --- security_opt.bats: a profile's argument rules (mkdir's mode). --- */
	if (argc == 4 && !strcmp(argv[1], "mkdir")) {
		long r = syscall(SYS_mkdir, argv[2], strtol(argv[3], NULL, 8));

		puts(r == 0 ? "ok" : errname(errno));
		return 0;
	}
	/* --- end security_opt.bats --- */
	fprintf(stderr, "usage: probe syscalls | escapes | session-key DESC CMD... | find-key DESC | mkdir PATH OCTAL-MODE | hold-fifo FIFO DIR | reopen-exe PID SECS\n");
	return 2;
}
