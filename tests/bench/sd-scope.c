/* tests/bench/sd-scope.c - the floor of a transient scope: the least a
 * fresh client process pays systemd for putting a child in a scope.
 *
 * Usage: sd-scope [--no-scope] [--bare] [--times] [--slice=SLICE] CMD [ARG...]
 *
 * Forks a child that waits on a pipe; asks systemd, in one
 * StartTransientUnit over its private socket, for a scope
 * SLICE/cgrun-floor-PID-NS.scope (default machine.slice) holding the child
 * (PIDs=), with the properties cgrun's systemd manager gives a container
 * without limits (Description, Slice, Delegate=yes,
 * CollectMode=inactive-or-failed); waits for that job's JobRemoved; then
 * lets the child exec CMD and waits for it. libsystemd is loaded with
 * dlopen, as cgrun loads it, so the scope run pays for loading sd-bus and
 * the plain one does not. The empty scope is left to systemd to collect,
 * as cgrun leaves it.
 *
 * --bare asks for a scope with PIDs= alone (systemd's defaults: no
 * delegation, system.slice), to tell systemd's cost for any scope from
 * what cgrun's properties add to it.
 * --no-scope does the same fork, pipe, exec and wait with no libsystemd
 * and no scope: the difference of the two is what the scope costs.
 * --times prints to stderr, in ms since main(), when libsystemd was
 * loaded, the connection made, the request sent, its reply read, the
 * JobRemoved read and the child reaped.
 *
 * Exits with the child's status (128+N for signal N), 125 on its own
 * errors. Run by tests/bench/run-vs-runc --systemd; needs root. */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <systemd/sd-bus.h>
#include <time.h>
#include <unistd.h>

#define SD_SYMBOLS(X) \
	X(sd_bus_new) X(sd_bus_set_address) X(sd_bus_start) X(sd_bus_open_system) \
	X(sd_bus_flush_close_unref) X(sd_bus_call_async) X(sd_bus_process) X(sd_bus_wait) \
	X(sd_bus_message_new_method_call) X(sd_bus_message_unref) X(sd_bus_message_get_error) \
	X(sd_bus_message_append) X(sd_bus_message_read) X(sd_bus_match_signal_async)

static struct {
#define X(f) __typeof__(f) *f;
	SD_SYMBOLS(X)
#undef X
} sd;

static struct timespec t_main;
static bool times;

static double since_main_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t_main.tv_sec) * 1e3 + (double)(t.tv_nsec - t_main.tv_nsec) / 1e6;
}

static void mark(const char *what)
{
	if (times)
		fprintf(stderr, "sd-scope: %8.3f ms %s\n", since_main_ms(), what);
}

static void fail(const char *what, int r)
{
	fprintf(stderr, "sd-scope: %s: %s\n", what, strerror(r < 0 ? -r : r));
	exit(125);
}

struct job {
	char *path;      /* the job's object path, from the reply */
	bool done;
	const char *err; /* an error reply or a failed job */
};

static int on_job_removed(sd_bus_message *m, void *ud, sd_bus_error *ret)
{
	struct job *j = ud;
	const char *path = NULL, *unit = NULL, *result = NULL;
	uint32_t id;
	(void)ret;

	if (sd.sd_bus_message_read(m, "uoss", &id, &path, &unit, &result) < 0 || j->path == NULL ||
	    strcmp(path, j->path) != 0)
		return 0;
	j->done = true;
	if (strcmp(result, "done") != 0)
		j->err = "the job did not end 'done'";
	return 0;
}

static int on_reply(sd_bus_message *m, void *ud, sd_bus_error *ret)
{
	struct job *j = ud;
	const sd_bus_error *e = sd.sd_bus_message_get_error(m);
	const char *path = NULL;
	(void)ret;

	mark("reply read");
	if (e) {
		j->err = e->message ? e->message : e->name;
		j->done = true;
	} else if (sd.sd_bus_message_read(m, "o", &path) < 0 || path == NULL) {
		j->err = "no job in the reply";
		j->done = true;
	} else {
		j->path = strdup(path);
	}
	return 0;
}

/* The child is stopped on the pipe until the scope holds it. */
static void make_scope(pid_t child, const char *slice, bool bare)
{
	sd_bus *bus = NULL;
	sd_bus_message *m = NULL;
	struct job j = { 0 };
	char unit[96];
	int r;
	void *h = dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);

	if (h == NULL) {
		fprintf(stderr, "sd-scope: %s\n", dlerror());
		exit(125);
	}
#define X(f) \
	if ((sd.f = (__typeof__(f) *)dlsym(h, #f)) == NULL) \
		fail("dlsym " #f, ENOSYS);
	SD_SYMBOLS(X)
#undef X
	mark("libsystemd loaded");
	/* As cgrun: systemd's private socket as root, no dbus-daemon between. */
	r = sd.sd_bus_new(&bus);
	if (r >= 0)
		r = sd.sd_bus_set_address(bus, "unix:path=/run/systemd/private");
	if (r >= 0)
		r = sd.sd_bus_start(bus);
	if (r < 0) {
		bus = sd.sd_bus_flush_close_unref(bus);
		r = sd.sd_bus_open_system(&bus);
	}
	if (r < 0)
		fail("connecting to systemd", r);
	r = sd.sd_bus_match_signal_async(bus, NULL, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
					 "org.freedesktop.systemd1.Manager", "JobRemoved", on_job_removed, NULL, &j);
	if (r < 0)
		fail("subscribing to JobRemoved", r);
	mark("connected");

	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	snprintf(unit, sizeof(unit), "cgrun-floor-%d-%" PRId64 ".scope", (int)getpid(),
		 (int64_t)now.tv_sec * 1000000000 + now.tv_nsec);
	r = sd.sd_bus_message_new_method_call(bus, &m, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
					      "org.freedesktop.systemd1.Manager", "StartTransientUnit");
	if (r >= 0 && bare)
		r = sd.sd_bus_message_append(m, "ssa(sv)a(sa(sv))", unit, "fail", 1,
					     "PIDs", "au", 1, (uint32_t)child, 0);
	else if (r >= 0)
		r = sd.sd_bus_message_append(m, "ssa(sv)a(sa(sv))", unit, "fail", 5,
					     "Description", "s", "cgrun bench: scope floor",
					     "Slice", "s", slice,
					     "Delegate", "b", 1,
					     "CollectMode", "s", "inactive-or-failed",
					     "PIDs", "au", 1, (uint32_t)child,
					     0);
	if (r >= 0)
		r = sd.sd_bus_call_async(bus, NULL, m, on_reply, &j, 30 * 1000000ULL);
	sd.sd_bus_message_unref(m);
	if (r < 0)
		fail("StartTransientUnit", r);
	mark("request queued");
	while (!j.done) {
		r = sd.sd_bus_process(bus, NULL);
		if (r < 0)
			fail("reading from systemd", r);
		if (r == 0 && (r = sd.sd_bus_wait(bus, 30 * 1000000ULL)) < 0 && r != -EINTR)
			fail("waiting for systemd", r);
	}
	if (j.err) {
		fprintf(stderr, "sd-scope: %s: %s\n", unit, j.err);
		exit(125);
	}
	mark("JobRemoved read");
	free(j.path);
	sd.sd_bus_flush_close_unref(bus);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "no-scope", no_argument, NULL, 'n' },
		{ "bare", no_argument, NULL, 'b' },
		{ "times", no_argument, NULL, 't' },
		{ "slice", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	const char *slice = "machine.slice";
	bool scope = true, bare = false;
	int c, p[2], status;
	pid_t child;

	clock_gettime(CLOCK_MONOTONIC, &t_main);
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'n': scope = false; break;
		case 'b': bare = true; break;
		case 't': times = true; break;
		case 's': slice = optarg; break;
		default:
			fprintf(stderr, "usage: sd-scope [--no-scope] [--bare] [--times] [--slice=SLICE] CMD [ARG...]\n");
			return 125;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: sd-scope [--no-scope] [--bare] [--times] [--slice=SLICE] CMD [ARG...]\n");
		return 125;
	}
	if (pipe2(p, O_CLOEXEC) < 0)
		fail("pipe", errno);
	child = fork();
	if (child < 0)
		fail("fork", errno);
	if (child == 0) {
		char go;

		close(p[1]);
		if (read(p[0], &go, 1) != 1)
			_exit(125); /* the parent gave up */
		execvp(argv[optind], argv + optind);
		_exit(127);
	}
	close(p[0]);
	if (scope)
		make_scope(child, slice, bare);
	if (write(p[1], "", 1) != 1)
		fail("releasing the child", errno);
	close(p[1]);
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			fail("waitpid", errno);
	mark("child reaped");
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
