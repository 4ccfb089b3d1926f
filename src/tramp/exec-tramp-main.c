/* exec-tramp-main.c - cgrun's exec trampoline: a freestanding static
 * program (no libc, a few KB) that cgrun and cgrund keep in a sealed memfd
 * and that the container's command is exec'd through. Why it exists, and
 * how it is made and started, is told in src/lib/exec-tramp.c; this is the
 * program itself.
 *
 * Its protocol: argv = { CG_TRAMP_MAGIC, "<fd>", "<wait fd>", FILE, ARGS... },
 * envp the command's environment. It makes itself non-dumpable, marks fd
 * (the sync socket to cgrun, which the exec left open for it)
 * close-on-exec, waits for EOF on the wait fd unless it is -1 (the
 * container's init holds its other end until it has become this program's
 * init mode: until then PID 1 runs cgrun's binary, and the command, which
 * the container controls, must not run yet), and runs FILE with argv { FILE, ARGS... } as execvp(3) would (a PATH search
 * for a name without '/', /bin/sh for a file without a known format). If
 * that fails it sends 'T', the exit code, the errno and FILE over fd, for
 * cgrun to word the error as it does for any other exec failure, and exits
 * with the code (126, or 127 for "not found").
 *
 * With argv[0] CG_INIT_MAGIC it is the container's init instead (init_main
 * below): spawn.c's init execs it once the command is started, so that
 * nothing in the container, PID 1 included, runs cgrun's binary.
 *
 * Started any other way (a script whose interpreter line names
 * /proc/self/exe, which now resolves to this memfd and no longer to cgrun's
 * binary), it says so in one line on stderr and exits 126: it never
 * loops. */
#include "exec-tramp-proto.h"

#if !defined(__x86_64__)
#error "the exec trampoline is written for x86_64 only"
#endif

#define NR_read 0
#define NR_write 1
#define NR_close 3
#define NR_fcntl 72
#define NR_sendto 44
#define NR_execve 59
#define NR_pread64 17
#define NR_wait4 61
#define NR_kill 62
#define NR_rt_sigtimedwait 128
#define NR_prctl 157
#define NR_exit_group 231

#define E_NOENT 2
#define E_NOEXEC 8
#define E_ACCES 13
#define E_NOTDIR 20
#define E_NAMETOOLONG 36
#define E_NODEV 19
#define E_TIMEDOUT 110
#define E_STALE 116

#define F_SETFD_ 2
#define FD_CLOEXEC_ 1
#define PR_SET_DUMPABLE_ 4
#define PR_SET_NAME_ 15
#define SIGCHLD_ 17
#define WNOHANG_ 1
#define E_INTR 4
#define MSG_NOSIGNAL_ 0x4000

/* Up to 6 arguments, the kernel's x86_64 convention: -errno on failure. */
static long sys6(long n, long a, long b, long c, long d, long e, long f)
{
	long ret;
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

#define sys3(n, a, b, c) sys6((n), (long)(a), (long)(b), (long)(c), 0, 0, 0)

/* The kernel enters here: argc, argv, NULL, envp, NULL on the stack. */
__asm__(".text\n"
	".global _start\n"
	"_start:\n"
	"	xor %ebp, %ebp\n"
	"	mov %rsp, %rdi\n"
	"	and $-16, %rsp\n"
	"	call tramp_main\n"
	"	hlt\n");

static void __attribute__((noreturn)) die(int code)
{
	for (;;)
		sys3(NR_exit_group, code, 0, 0);
}

static unsigned long slen(const char *s)
{
	unsigned long n = 0;

	while (s[n])
		n++;
	return n;
}

static int same(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* What GCC may call for a struct or array copy even when freestanding. */
void *memcpy(void *d, const void *s, unsigned long n);
void *memset(void *d, int c, unsigned long n);

void *memcpy(void *d, const void *s, unsigned long n)
{
	char *dp = d;
	const char *sp = s;

	while (n--)
		*dp++ = *sp++;
	return d;
}

void *memset(void *d, int c, unsigned long n)
{
	char *dp = d;

	while (n--)
		*dp++ = (char)c;
	return d;
}

static void __attribute__((noreturn)) refuse(void)
{
	static const char msg[] = "cgrun-exec-trampoline: not started by cgrun (is /proc/self/exe a script's "
				  "interpreter?): refusing to run\n";

	sys3(NR_write, 2, msg, sizeof(msg) - 1);
	die(126);
}

/* execve, and on ENOEXEC /bin/sh FILE ARGS... as execvp does. */
static long try_exec(const char *path, char **argv, char **envp)
{
	long r = sys3(NR_execve, path, argv, envp);

	if (r == -E_NOEXEC) {
		unsigned long n = 0;

		while (argv[n])
			n++;
		if (n < 1024) {
			char *sh[n + 2];

			sh[0] = "/bin/sh";
			sh[1] = (char *)path;
			for (unsigned long i = 1; i <= n; i++)
				sh[i + 1] = argv[i];
			sys3(NR_execve, "/bin/sh", sh, envp);
		}
	}
	return r;
}

/* execvp's search: each entry of PATH (empty: the current directory) until
 * one runs; EACCES on any entry wins over "not found" at the end; an error
 * other than "not there" stops the search. Returns -errno. */
static long search_exec(const char *file, char **argv, char **envp)
{
	const char *path = "/bin:/usr/bin";
	unsigned long flen = slen(file);
	int eacces = 0;
	char buf[4096];

	for (const char *s = file; *s; s++)
		if (*s == '/')
			return try_exec(file, argv, envp);
	if (flen == 0)
		return -E_NOENT;
	for (char **e = envp; *e; e++)
		if ((*e)[0] == 'P' && (*e)[1] == 'A' && (*e)[2] == 'T' && (*e)[3] == 'H' && (*e)[4] == '=') {
			path = *e + 5;
			break;
		}
	for (const char *p = path;; p++) {
		const char *end = p;
		unsigned long dlen;
		long r;

		while (*end && *end != ':')
			end++;
		dlen = (unsigned long)(end - p);
		if (dlen + 1 + flen + 1 > sizeof(buf)) {
			r = -E_NAMETOOLONG;
		} else {
			memcpy(buf, p, dlen);
			if (dlen)
				buf[dlen++] = '/';
			memcpy(buf + dlen, file, flen + 1);
			r = try_exec(buf, argv, envp);
		}
		if (r == -E_ACCES)
			eacces = 1;
		else if (r != -E_NOENT && r != -E_NOTDIR && r != -E_NODEV && r != -E_TIMEDOUT &&
			 r != -E_STALE && r != -E_NAMETOOLONG)
			return r;
		if (*end == '\0')
			break;
		p = end;
	}
	return eacces ? -E_ACCES : -E_NOENT;
}

/* A decimal fd or pid from argv, or -1 for "-1"; -2 if malformed. */
static long number(const char *d)
{
	long v = 0;

	if (d[0] == '-' && d[1] == '1' && d[2] == '\0')
		return -1;
	if (*d == '\0')
		return -2;
	for (; *d; d++) {
		if (*d < '0' || *d > '9' || v > 100000000)
			return -2;
		v = v * 10 + (*d - '0');
	}
	return v;
}

/* "oom_kill N" with N > 0 in the memory cgroup's memory.events (v2) or
 * memory.oom_control (v1), read through fd. */
static int oom_counted(long fd)
{
	char buf[1024];
	long n = fd >= 0 ? sys6(NR_pread64, fd, (long)buf, sizeof(buf) - 1, 0, 0, 0) : -1;
	static const char key[] = "oom_kill ";

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	for (long i = 0; i + (long)sizeof(key) - 1 < n; i++) {
		int j = 0;

		while (key[j] && buf[i + j] == key[j])
			j++;
		if (key[j] == '\0')
			return buf[i + j] != '0';
	}
	return 0;
}

/* The exit status line for cgrun/cgrund, "CODE[ oom]\n", into buf. */
static unsigned long status_line(char *buf, int code, int oom)
{
	char digits[4];
	unsigned long n = 0, k = 0;

	do
		digits[k++] = (char)('0' + code % 10), code /= 10;
	while (code && k < sizeof(digits));
	while (k)
		buf[n++] = digits[--k];
	if (oom) {
		memcpy(buf + n, " oom", 4);
		n += 4;
	}
	buf[n++] = '\n';
	return n;
}

/* The container's init, as spawn.c's init_loop is: every signal but
 * SIGCHLD forwarded to the command; children reaped; when the command
 * ends, its status (with the OOM mark) written to the exit fd, and the
 * init exits with it. */
static void __attribute__((noreturn)) init_main(long argc, char **argv)
{
	long cmd, efd, ofd;
	unsigned long all = ~0UL;  /* the kernel leaves out SIGKILL and SIGSTOP */
	char si[128];               /* siginfo_t: not read */

	if (argc != 4 || (cmd = number(argv[1])) <= 0 || (efd = number(argv[2])) < -1 ||
	    (ofd = number(argv[3])) < -1)
		refuse();
	sys3(NR_prctl, PR_SET_NAME_, "cgrun-init", 0);
	for (;;) {
		long sig = sys6(NR_rt_sigtimedwait, (long)&all, (long)si, 0, sizeof(all), 0, 0);

		if (sig < 0)
			continue;
		if (sig != SIGCHLD_) {
			sys3(NR_kill, cmd, sig, 0);
			continue;
		}
		for (;;) {
			int status = 0;
			long p = sys6(NR_wait4, -1, (long)&status, WNOHANG_, 0, 0, 0);

			if (p == -E_INTR)
				continue;
			if (p <= 0)
				break;
			if (p == cmd) {
				/* As cg_exit_code: exited, its code; killed by
				 * signal N, 128+N; else 125. */
				int sig = status & 0x7f;
				int code = sig == 0 ? (status >> 8) & 0xff : sig != 0x7f ? 128 + sig : 125;
				char line[16];
				unsigned long n = status_line(line, code, efd >= 0 && oom_counted(ofd));

				if (efd >= 0)
					sys3(NR_write, efd, line, n);
				die(code);
			}
		}
	}
}

void __attribute__((noreturn, used)) tramp_main(long *sp);

void tramp_main(long *sp)
{
	long argc = sp[0];
	char **argv = (char **)(sp + 1), **envp = argv + argc + 1;
	long fd = 0, e;
	char msg[CG_TRAMP_MSG_MAX];
	unsigned long n, nlen;
	int code;

	/* Until the command's exec, which sets it anew from the command's
	 * file: nothing in the container may ptrace us or open our fds. */
	sys3(NR_prctl, PR_SET_DUMPABLE_, 0, 0);
	if (argc >= 1 && same(argv[0], CG_INIT_MAGIC))
		init_main(argc, argv);
	long wait_fd;

	if (argc < 4 || !same(argv[0], CG_TRAMP_MAGIC) || (fd = number(argv[1])) < 0 ||
	    (wait_fd = number(argv[2])) < -1)
		refuse();
	/* The socket must not reach the command: cgrun reads its EOF as
	 * "the command was exec'd". */
	if (sys3(NR_fcntl, fd, F_SETFD_, FD_CLOEXEC_) < 0)
		refuse();
	if (wait_fd >= 0) {
		char b;
		long r;

		while ((r = sys3(NR_read, wait_fd, &b, 1)) == -E_INTR || r > 0)
			;
		sys3(NR_close, wait_fd, 0, 0);
	}
	argv++;
	e = -search_exec(argv[2], argv + 2, envp);
	code = e == E_NOENT || e == E_NOTDIR ? 127 : 126;
	msg[0] = CG_TRAMP_MSG_KIND;
	msg[1] = (char)code;
	for (int i = 0; i < 4; i++)
		msg[2 + i] = (char)((unsigned long)e >> (8 * i));
	nlen = slen(argv[2]);
	if (nlen > sizeof(msg) - 6)
		nlen = sizeof(msg) - 6;
	memcpy(msg + 6, argv[2], nlen);
	n = 6 + nlen;
	sys6(NR_sendto, fd, (long)msg, (long)n, MSG_NOSIGNAL_, 0, 0);
	die(code);
}
