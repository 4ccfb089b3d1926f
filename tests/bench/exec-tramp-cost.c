/* exec-tramp-cost.c - what the exec trampoline (src/lib/exec-tramp.c) adds
 * to a command's start: vfork + exec of CMD directly, against vfork +
 * execveat of the trampoline's sealed memfd, which execs CMD, alternated
 * run by run. Built by `make check`; run as
 * tests/bench/exec-tramp-cost [RUNS [CMD]] (default 1000, /bin/true).
 * Prints the wall-clock median and minimum of each in microseconds, and the
 * children's CPU time (user + system) per start. */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ctx.h"
#include "exec-tramp.h"

static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static double children_cpu_us(void)
{
	struct rusage r;

	getrusage(RUSAGE_CHILDREN, &r);
	return (double)(r.ru_utime.tv_sec + r.ru_stime.tv_sec) * 1e6 + (double)(r.ru_utime.tv_usec + r.ru_stime.tv_usec);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* One start: wall-clock microseconds, its CPU added to *cpu; -1 if CMD
 * did not exit 0. */
static double one(int tramp, char **argv, char **targv, int sock, double *cpu)
{
	char *envp[] = { "PATH=/usr/bin:/bin", NULL };
	double c0 = children_cpu_us(), t0 = now_us();
	int status;
	pid_t pid = vfork();

	if (pid == 0) {
		if (tramp >= 0) {
			fcntl(sock, F_SETFD, 0);
			syscall(SYS_execveat, tramp, "", targv, envp, AT_EMPTY_PATH);
		} else {
			execve(argv[0], argv, envp);
		}
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return -1;
	*cpu += children_cpu_us() - c0;
	return now_us() - t0;
}

int main(int argc, char **argv)
{
	int runs = argc > 1 ? atoi(argv[1]) : 1000, sv[2], tramp;
	char *cmd[] = { argc > 2 ? argv[2] : "/bin/true", NULL };
	struct cg_ctx ctx;
	cg_err_t err = { 0 };
	double *t[2], cpu[2] = { 0, 0 };
	const char *name[2] = { "direct", "through the trampoline" };

	if (runs < 1) {
		fprintf(stderr, "usage: exec-tramp-cost [RUNS [CMD]]\n");
		return 2;
	}
	cg_ctx_init(&ctx);
	tramp = cg_ctx_exec_tramp(&ctx, &err);
	if (tramp < 0) {
		fprintf(stderr, "exec-tramp-cost: %s\n", err.code ? err.msg : "no trampoline in this build");
		return 1;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		perror("socketpair");
		return 1;
	}
	char **targv = cg_exec_tramp_argv(cmd, sv[1], -1);

	t[0] = calloc((size_t)runs, sizeof(double));
	t[1] = calloc((size_t)runs, sizeof(double));
	if (t[0] == NULL || t[1] == NULL)
		return 1;
	for (int i = 0; i < runs; i++)
		for (int k = 0; k < 2; k++)
			if ((t[k][i] = one(k ? tramp : -1, cmd, targv, sv[1], &cpu[k])) < 0) {
				fprintf(stderr, "exec-tramp-cost: %s did not exit 0 (%s)\n", cmd[0], name[k]);
				return 1;
			}
	printf("%d starts of %s each, alternated\n", runs, cmd[0]);
	for (int k = 0; k < 2; k++) {
		qsort(t[k], (size_t)runs, sizeof(double), cmp_double);
		printf("%-24s median %7.0f us  min %7.0f us  CPU %7.0f us/start\n", name[k], t[k][runs / 2], t[k][0],
		       cpu[k] / runs);
	}
	free(targv);
	free(t[0]);
	free(t[1]);
	cg_ctx_free(&ctx);
	return 0;
}
