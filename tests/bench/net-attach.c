/* net-attach.c - what a container's bridge network costs its start and
 * its end, apart from everything else: N times, a child in a new network
 * namespace (as a container's waiting init), cg_net_attach for it, the
 * child's exit, cg_net_detach; prints the medians of each step in µs.
 * Run it in a network namespace of its own (it makes cgrun0 there):
 *   unshare -n tests/bench/net-attach [RUNS]   (as root) */
#include "config.h"

#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <time.h>

#include "network.h"

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp);
	return v[n / 2];
}

int main(int argc, char **argv)
{
	int runs = argc > 1 ? atoi(argv[1]) : 50;
	char dir[] = "/tmp/cgrun-net-attach-XXXXXX";
	struct cg_net_conf conf;
	cg_err_t err = { 0 };
	double *att = calloc((size_t)runs, sizeof(double)), *ex = calloc((size_t)runs, sizeof(double));
	double *det = calloc((size_t)runs, sizeof(double));

	if (runs < 1 || !att || !ex || !det || mkdtemp(dir) == NULL ||
	    cg_net_conf_default(&conf, dir, NULL, &err) < 0) {
		fprintf(stderr, "net-attach: %s\n", err.msg[0] ? err.msg : "usage: net-attach [RUNS]");
		return 1;
	}
	for (int i = 0; i < runs; i++) {
		char id[65];
		struct cg_net_attachment a;
		int pfd[2], st;
		pid_t pid;
		double t0, t1;

		snprintf(id, sizeof(id), "%012x%052d", i + 1, 0);
		if (pipe(pfd) < 0)
			return 1;
		pid = fork();
		if (pid == 0) {
			char c;

			if (unshare(CLONE_NEWNET) < 0)
				_exit(1);
			close(pfd[1]);
			(void)!read(pfd[0], &c, 1);
			_exit(0);
		}
		close(pfd[0]);
		/* Its namespace is made by the time it reads: wait until then. */
		for (char p[64], l[64];;) {
			snprintf(p, sizeof(p), "/proc/%d/ns/net", pid);
			ssize_t n = readlink(p, l, sizeof(l));
			char s[64];
			ssize_t m = readlink("/proc/self/ns/net", s, sizeof(s));

			if (n > 0 && m > 0 && (n != m || memcmp(l, s, (size_t)n)))
				break;
		}
		t0 = now_us();
		if (cg_net_attach(&conf, id, pid, 0, &a, &err) < 0) {
			fprintf(stderr, "net-attach: %s\n", err.msg);
			kill(pid, SIGKILL);
			return 1;
		}
		t1 = now_us();
		att[i] = t1 - t0;
		close(pfd[1]);
		waitpid(pid, &st, 0);
		ex[i] = now_us() - t1;
		t0 = now_us();
		if (cg_net_detach(&conf, id, getenv("NET_ATTACH_DELETE") != NULL, &err) < 0) {
			fprintf(stderr, "net-attach: %s\n", err.msg);
			return 1;
		}
		det[i] = now_us() - t0;
	}
	printf("attach %.0f us, exit of the namespace's process %.0f us, detach %.0f us (medians of %d)\n",
	       median(att, runs), median(ex, runs), median(det, runs), runs);
	rmdir(dir);
	return 0;
}
