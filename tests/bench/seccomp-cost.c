/* seccomp-cost.c - what a seccomp filter costs a container's start:
 * getting it uncached (compiled and written to the cache), getting it
 * cached (read back), and installing it (seccomp(2), in a child), against
 * libseccomp's program for the same profile (compiling and installing it:
 * the compact program of seccomp-bpfgen.c is what a start uses) and
 * installing a 1-instruction filter (the kernel's floor). The default
 * filter, or with PROFILE the one of a docker JSON profile (by its text,
 * as a start gets the one in its record). The installs come after all
 * the compiling, the three filters taking turns (each first as often), so
 * that neither cold caches nor a load from elsewhere fall on one more
 * than on the others.
 * Built by `make check`; run as tests/bench/seccomp-cost [RUNS [PROFILE]].
 * Prints the median and minimum of each in microseconds. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <time.h>
#include <unistd.h>

#include "caps.h"
#include "seccomp-json.h"
#include "seccomp.h"
#include "secopt.h"
#include "util.h"

static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The filter as a start gets it: the default, or profile_text's. */
static int get_filter(const char *dir, const char *profile_text, uint64_t caps, struct cg_seccomp *f,
		      bool *cached, cg_err_t *err)
{
	if (profile_text == NULL)
		return cg_seccomp_default(dir, caps, f, cached, err);
	return cg_seccomp_get_json(dir, profile_text, "profile", caps, f, cached, err);
}

/* How long seccomp(2) takes to install f, in a child that is forked for
 * it (a filter cannot be taken off again). */
static int install_us(const struct cg_seccomp *f, double *out)
{
	int pfd[2], status;
	pid_t pid;
	ssize_t n;

	if (pipe(pfd) < 0)
		return -1;
	if ((pid = fork()) < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (pid == 0) {
		cg_err_t err = { 0 };
		double t = now_us(), d;

		if (cg_seccomp_load(f, &err) < 0)
			_exit(1);
		d = now_us() - t;
		_exit(write(pfd[1], &d, sizeof(d)) == sizeof(d) ? 0 : 1);
	}
	close(pfd[1]);
	n = read(pfd[0], out, sizeof(*out));
	close(pfd[0]);
	if (waitpid(pid, &status, 0) < 0 || n != sizeof(*out) || status != 0)
		return -1;
	return 0;
}

/* libseccomp's program for the same profile, and how long compiling it took. */
static int get_libseccomp(const char *profile_text, uint64_t caps, struct cg_seccomp *f, double *us,
			  cg_err_t *err)
{
	struct cg_sc_profile p;
	double t0 = now_us();
	int r;

	if (profile_text == NULL)
		cg_sc_profile_builtin(&p);
	else if (cg_sc_profile_parse(profile_text, "profile", &p, err) < 0)
		return -1;
	r = cg_seccomp_compile_libseccomp(&p, caps, f, err);
	*us = now_us() - t0;
	cg_sc_profile_free(&p);
	return r;
}

static void report(const char *what, double *v, int n)
{
	qsort(v, (size_t)n, sizeof(double), cmp_double);
	printf("%-34s median %9.1f us  min %9.1f us  (%d runs)\n", what, v[n / 2], v[0], n);
}

/* The installs, after all the compiling (which leaves the caches cold
 * for whatever runs next), each filter first as often as the others. */
static int installs(const struct cg_seccomp *const f[3], double *const v[3], int runs)
{
	for (int i = 0; i < runs; i++)
		for (int j = 0; j < 3; j++) {
			int k = (i + j) % 3;

			if (install_us(f[k], &v[k][i]) < 0)
				return -1;
		}
	return 0;
}

int main(int argc, char **argv)
{
	int runs = argc > 1 ? atoi(argv[1]) : 20;
	char dir[] = "/tmp/cgrun-seccomp-cost.XXXXXX";
	double *unc, *cac, *load, *flo, *libc, *libl;
	/* The smallest filter there is (allow everything): what seccomp(2)
	 * costs on this kernel whatever the filter, to set the rest against. */
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct cg_seccomp floor_f = { .insns = &allow, .len = 1 }, f = { 0 }, lib = { 0 };
	struct cg_caps caps;
	cg_err_t err = { 0 };
	cleanup_free char *text = NULL;

	if (runs < 1 || mkdtemp(dir) == NULL) {
		fprintf(stderr, "usage: seccomp-cost [RUNS [PROFILE.json]]\n");
		return 2;
	}
	if (argc > 2 && read_file(argv[2], &text, CG_SECCOMP_PROFILE_MAX, &err) < 0) {
		fprintf(stderr, "seccomp-cost: %s\n", err.msg);
		return 1;
	}
	unc = xcalloc((size_t)runs, sizeof(double));
	cac = xcalloc((size_t)runs, sizeof(double));
	load = xcalloc((size_t)runs, sizeof(double));
	flo = xcalloc((size_t)runs, sizeof(double));
	libc = xcalloc((size_t)runs, sizeof(double));
	libl = xcalloc((size_t)runs, sizeof(double));
	cg_caps_default(&caps);
	for (int i = 0; i < runs; i++) {
		bool cached;
		cleanup_free char *cache = xasprintf("%s/seccomp", dir);
		double t0 = now_us();

		cg_seccomp_free(&f);
		cg_seccomp_free(&lib);
		if (rm_rf(cache, &err) < 0 ||
		    get_filter(dir, text, caps.set, &f, &cached, &err) < 0 || cached) {
			fprintf(stderr, "seccomp-cost: %s\n", err.msg[0] ? err.msg : "cached when it should not be");
			return 1;
		}
		unc[i] = now_us() - t0;
		cg_seccomp_free(&f);
		t0 = now_us();
		if (get_filter(dir, text, caps.set, &f, &cached, &err) < 0 || !cached) {
			fprintf(stderr, "seccomp-cost: %s\n", err.msg[0] ? err.msg : "not cached");
			return 1;
		}
		cac[i] = now_us() - t0;
		if (get_libseccomp(text, caps.set, &lib, &libc[i], &err) < 0) {
			fprintf(stderr, "seccomp-cost: %s\n", err.msg);
			return 1;
		}
	}
	printf("filter: %u instructions (libseccomp's program: %u)\n", f.len, lib.len);
	if (installs((const struct cg_seccomp *const[3]){ &f, &lib, &floor_f },
		     (double *const[3]){ load, libl, flo }, runs) < 0) {
		fprintf(stderr, "seccomp-cost: loading the filter failed\n");
		return 1;
	}
	report("uncached (compile + write cache)", unc, runs);
	report("cached (read cache)", cac, runs);
	report("compile, libseccomp's program", libc, runs);
	report("seccomp(2) install", load, runs);
	report("seccomp(2) install, libseccomp's", libl, runs);
	report("seccomp(2) install, 1 instruction", flo, runs);
	cg_seccomp_free(&f);
	cg_seccomp_free(&lib);
	rm_rf(dir, &err);
	return 0;
}
