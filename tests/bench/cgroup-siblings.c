/* cgroup-siblings.c - the kernel's part of a start that grows with the
 * containers running (issue 15 part 6's floor): a trivial "container"
 * (mkdir a cgroup in each hierarchy, fork a child that joins them all and
 * exits, wait, rmdir them) timed beside N sibling cgroups that each hold a
 * sleeping process, against the same beside none. No namespaces, no
 * rootfs, no cgrund: what is left is the cgroup work.
 *
 * Usage: cgroup-siblings N RUNS [--ns] DIR_A... -- DIR_B...
 * --ns: every process (the siblings' and the starts') is cloned into new
 * mount, PID, UTS, IPC and network namespaces, as a container's init is:
 * the kernel's per-container work, namespaces included.
 * DIR_A and DIR_B are parent cgroups to create (one per hierarchy, the
 * same hierarchies in both lists; tests/bench/cgroup-floor finds them),
 * removed at the end with everything made below them. Prints the medians
 * of wall and CPU time (ours and the children's) per start and the ratios
 * N/0. Needs root. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAXD 16

static char *dirs[2][MAXD];
static int ndirs[2];
static pid_t *sleepers;
static int nsleepers, nsib;
static unsigned long ns_flags;  /* --ns */

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static double cpu_us(void)
{
	struct rusage s, c;

	getrusage(RUSAGE_SELF, &s);
	getrusage(RUSAGE_CHILDREN, &c);
	return (s.ru_utime.tv_sec + s.ru_stime.tv_sec + c.ru_utime.tv_sec + c.ru_stime.tv_sec) * 1e6 +
	       s.ru_utime.tv_usec + s.ru_stime.tv_usec + c.ru_utime.tv_usec + c.ru_stime.tv_usec;
}

static int put(const char *dir, const char *name, const char *val)
{
	char p[4096];
	int fd, r;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	r = write(fd, val, strlen(val)) < 0 ? -1 : 0;
	close(fd);
	return r;
}

/* cpuset's cpus and mems must be set before a v1 cpuset cgroup takes a process. */
static void cpuset_init(const char *dir)
{
	char p[4096], buf[256];
	ssize_t n;
	int fd;

	for (int i = 0; i < 2; i++) {
		const char *f = i ? "cpuset.mems" : "cpuset.cpus";

		snprintf(p, sizeof(p), "%s/../%s", dir, f);
		fd = open(p, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			return;
		buf[n] = '\0';
		put(dir, f, buf);
	}
}

static int make(const char *dir)
{
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -1;
	cpuset_init(dir);
	return 0;
}

static void remove_dir(const char *dir)
{
	for (int i = 0; i < 200 && rmdir(dir) < 0 && errno == EBUSY; i++)
		usleep(10000);
}

static void cleanup(void)
{
	char p[4096];

	for (int i = 0; i < nsleepers; i++)
		kill(sleepers[i], SIGKILL);
	for (int i = 0; i < nsleepers; i++)
		waitpid(sleepers[i], NULL, 0);
	nsleepers = 0;
	for (int s = 0; s < 2; s++)
		for (int d = 0; d < ndirs[s]; d++) {
			for (int i = 0; i < nsib; i++) {
				snprintf(p, sizeof(p), "%s/s%d", dirs[s][d], i);
				remove_dir(p);
			}
			snprintf(p, sizeof(p), "%s/run", dirs[s][d]);
			remove_dir(p);
			remove_dir(dirs[s][d]);
		}
}

static void on_signal(int sig)
{
	(void)sig;
	exit(2);
}

/* A child that joins cgroup NAME below every dir of set s, then exits, or (stay) waits to be killed. */
static pid_t child_in(int s, const char *name, bool stay)
{
	char p[4096];
	pid_t pid = (pid_t)syscall(SYS_clone, ns_flags | SIGCHLD, NULL, NULL, NULL, NULL);

	if (pid != 0)
		return pid;
	for (int d = 0; d < ndirs[s]; d++) {
		snprintf(p, sizeof(p), "%s/%s", dirs[s][d], name);
		if (put(p, "cgroup.procs", "0") < 0)
			_exit(3);
	}
	if (stay)
		pause();
	_exit(0);
}

/* One trivial start in set s: wall and CPU in microseconds. */
static int one(int s, double *wall, double *cpu)
{
	char p[4096];
	double w0 = now_us(), c0 = cpu_us();
	int st;

	for (int d = 0; d < ndirs[s]; d++) {
		snprintf(p, sizeof(p), "%s/run", dirs[s][d]);
		if (make(p) < 0)
			return -1;
	}
	pid_t pid = child_in(s, "run", false);

	if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return -1;
	for (int d = 0; d < ndirs[s]; d++) {
		snprintf(p, sizeof(p), "%s/run", dirs[s][d]);
		remove_dir(p);
	}
	*wall = now_us() - w0;
	*cpu = cpu_us() - c0;
	return 0;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
	int runs, s = 0;
	char p[4096];

	if (argc < 6) {
		fprintf(stderr, "usage: cgroup-siblings N RUNS [--ns] DIR_A... -- DIR_B...\n");
		return 2;
	}
	nsib = atoi(argv[1]);
	runs = atoi(argv[2]);
	if (nsib < 0 || runs < 1)
		return 2;
	int first = 3;

	if (!strcmp(argv[3], "--ns")) {
		ns_flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET;
		first = 4;
	}
	for (int i = first; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			s = 1;
			continue;
		}
		if (ndirs[s] == MAXD)
			return 2;
		dirs[s][ndirs[s]++] = argv[i];
	}
	if (ndirs[0] == 0 || ndirs[0] != ndirs[1])
		return 2;
	atexit(cleanup);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	for (s = 0; s < 2; s++)
		for (int d = 0; d < ndirs[s]; d++)
			if (make(dirs[s][d]) < 0) {
				perror(dirs[s][d]);
				return 1;
			}
	sleepers = calloc((size_t)nsib + 1, sizeof(*sleepers));
	for (int i = 0; i < nsib; i++) {
		for (int d = 0; d < ndirs[0]; d++) {
			snprintf(p, sizeof(p), "%s/s%d", dirs[0][d], i);
			if (make(p) < 0) {
				perror(p);
				return 1;
			}
		}
		snprintf(p, sizeof(p), "s%d", i);
		sleepers[nsleepers] = child_in(0, p, true);
		if (sleepers[nsleepers] < 0)
			return 1;
		nsleepers++;
	}
	double *w[2], *c[2];

	for (s = 0; s < 2; s++) {
		w[s] = calloc((size_t)runs, sizeof(double));
		c[s] = calloc((size_t)runs, sizeof(double));
	}
	for (int k = -3; k < runs; k++)
		for (int j = 0; j < 2; j++) {
			int which = (k & 1) ? 1 - j : j;  /* alternate who goes first */
			double ww, cc;

			if (one(which, &ww, &cc) < 0) {
				fprintf(stderr, "cgroup-siblings: a start failed\n");
				return 1;
			}
			if (k >= 0) {
				w[which][k] = ww;
				c[which][k] = cc;
			}
		}
	double wn = median(w[0], runs), w0 = median(w[1], runs);
	double cn = median(c[0], runs), c0 = median(c[1], runs);

	printf("cgroup-siblings%s: %d hierarchies, %d runs each: wall %.0f us with %d siblings, %.0f us with none: ratio %.3f; "
	       "CPU %.0f us, %.0f us: ratio %.3f\n", ns_flags ? " --ns" : "", ndirs[0], runs, wn, nsib, w0, wn / w0, cn, c0, cn / c0);
	return 0;
}
