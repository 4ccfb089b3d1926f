/* sdbus.c - asynchronous calls to systemd's manager over sd-bus, with
 * libsystemd loaded on first use (sdbus.h says why). */
#include "config.h"

#include "sdbus.h"

#include <dlfcn.h>
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/epoll.h>
#include <systemd/sd-bus.h>
#include <time.h>
#include <unistd.h>

/* The part of libsystemd's API used here, resolved with dlsym. */
#define SD_SYMBOLS(X) \
	X(sd_bus_new) X(sd_bus_set_address) X(sd_bus_start) X(sd_bus_open_system) \
	X(sd_bus_flush_close_unref) X(sd_bus_call_async) X(sd_bus_get_fd) X(sd_bus_get_events) \
	X(sd_bus_get_timeout) X(sd_bus_process) X(sd_bus_wait) X(sd_bus_slot_unref) \
	X(sd_bus_message_new_method_call) X(sd_bus_message_unref) X(sd_bus_message_get_error) \
	X(sd_bus_message_get_errno) X(sd_bus_message_append) X(sd_bus_message_append_array) \
	X(sd_bus_message_open_container) X(sd_bus_message_close_container) X(sd_bus_message_read) \
	X(sd_bus_match_signal_async) X(sd_bus_error_has_name)

static struct {
#define X(f) __typeof__(f) *f;
	SD_SYMBOLS(X)
#undef X
} sd;

static int load_libsystemd(cg_err_t *err)
{
	static void *handle;

	if (handle)
		return 0;
	void *h = dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);

	if (h == NULL)
		return cg_error(err, ENOENT, "loading libsystemd.so.0 (package libsystemd0): %s", dlerror());
#define X(f) \
	if ((sd.f = (__typeof__(f) *)dlsym(h, #f)) == NULL) { \
		dlclose(h); \
		return cg_error(err, ENOSYS, "libsystemd.so.0 has no %s: too old a libsystemd", #f); \
	}
	SD_SYMBOLS(X)
#undef X
	handle = h;
	return 0;
}

#define SD_DEST "org.freedesktop.systemd1"
#define SD_PATH "/org/freedesktop/systemd1"
#define SD_MANAGER "org.freedesktop.systemd1.Manager"

struct op {
	struct cg_sdbus *b;
	sd_bus_slot *slot;        /* the method call, until its reply */
	char *what;               /* "starting cgrun-….scope", for messages */
	char *job;                /* the job's object path, once replied */
	bool wants_job;           /* done at JobRemoved, not at the reply */
	bool ok_if_missing;       /* NoSuchUnit counts as done (stop) */
	int64_t deadline;         /* monotonic ms */
	cg_sdbus_done_fn *done;
	void *ud;
	struct op *next;
};

struct cg_sdbus {
	sd_bus *bus;
	sd_bus_slot *match;
	struct op *ops;
	void (*on_close)(void *ud, int fd);
	void *on_close_ud;
};

void cg_sdbus_on_close(struct cg_sdbus *b, void (*fn)(void *ud, int fd), void *ud)
{
	b->on_close = fn;
	b->on_close_ud = ud;
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void op_unlink(struct cg_sdbus *b, struct op *o)
{
	for (struct op **pp = &b->ops; *pp; pp = &(*pp)->next)
		if (*pp == o) {
			*pp = o->next;
			break;
		}
}

/* Unlinked before the callback: it may start or forget other ops. */
static void op_finish(struct op *o, const cg_err_t *err)
{
	cg_sdbus_done_fn *done = o->done;
	void *ud = o->ud;

	op_unlink(o->b, o);
	if (o->slot)
		sd.sd_bus_slot_unref(o->slot);
	free(o->what);
	free(o->job);
	free(o);
	if (done)
		done(ud, err);
}

static void op_fail(struct op *o, int code, const char *why)
{
	cg_err_t e = { 0 };

	cg_error(&e, code, "%s: %s", o->what, why);
	op_finish(o, &e);
}

static int on_job_removed(sd_bus_message *m, void *ud, sd_bus_error *ret_error)
{
	struct cg_sdbus *b = ud;
	const char *job = NULL, *unit = NULL, *result = NULL;
	uint32_t id;
	(void)ret_error;

	if (sd.sd_bus_message_read(m, "uoss", &id, &job, &unit, &result) < 0)
		return 0;
	for (struct op *o = b->ops; o; o = o->next) {
		if (!o->job || strcmp(o->job, job) != 0)
			continue;
		if (!strcmp(result, "done")) {
			op_finish(o, NULL);
		} else {
			cleanup_free char *why = xasprintf("systemd's job ended with '%s' (journalctl -u %s says why)",
							   result, unit);

			op_fail(o, EIO, why);
		}
		break;
	}
	return 0;
}

static int on_reply(sd_bus_message *m, void *ud, sd_bus_error *ret_error)
{
	struct op *o = ud;
	const sd_bus_error *e = sd.sd_bus_message_get_error(m);
	const char *job = NULL;
	(void)ret_error;

	o->slot = sd.sd_bus_slot_unref(o->slot);
	if (e) {
		if (o->ok_if_missing && sd.sd_bus_error_has_name(e, "org.freedesktop.systemd1.NoSuchUnit")) {
			op_finish(o, NULL);
			return 0;
		}
		int code = sd.sd_bus_message_get_errno(m);

		op_fail(o, code > 0 ? code : EIO, e->message ? e->message : e->name);
		return 0;
	}
	if (!o->wants_job) {
		op_finish(o, NULL);
		return 0;
	}
	/* systemd answers a job request before it runs the job, so JobRemoved
	 * for this path comes after this reply on the same connection. */
	if (sd.sd_bus_message_read(m, "o", &job) < 0 || job == NULL) {
		op_fail(o, EPROTO, "no job in systemd's answer");
		return 0;
	}
	o->job = xstrdup(job);
	return 0;
}

static int connect_bus(struct cg_sdbus *b, cg_err_t *err)
{
	int r = -ENOENT;

	/* Root talks to systemd directly, as systemctl does. */
	if (geteuid() == 0 && access("/run/systemd/private", F_OK) == 0) {
		r = sd.sd_bus_new(&b->bus);
		if (r >= 0)
			r = sd.sd_bus_set_address(b->bus, "unix:path=/run/systemd/private");
		if (r >= 0)
			r = sd.sd_bus_start(b->bus);
		if (r < 0)
			b->bus = sd.sd_bus_flush_close_unref(b->bus);
	}
	if (r < 0 && (r = sd.sd_bus_open_system(&b->bus)) < 0)
		return cg_error(err, -r, "connecting to systemd over D-Bus (is systemd running as PID 1?)");
	/* Installed before any job is asked for: JobRemoved may come fast. */
	r = sd.sd_bus_match_signal_async(b->bus, &b->match, SD_DEST, SD_PATH, SD_MANAGER, "JobRemoved",
					 on_job_removed, NULL, b);
	if (r < 0) {
		b->bus = sd.sd_bus_flush_close_unref(b->bus);
		return cg_error(err, -r, "subscribing to systemd's JobRemoved signal");
	}
	return 0;
}

int cg_sdbus_open(struct cg_sdbus **out, cg_err_t *err)
{
	struct cg_sdbus *b;

	*out = NULL;
	if (load_libsystemd(err) < 0)
		return -1;
	b = xcalloc(1, sizeof(*b));
	if (connect_bus(b, err) < 0) {
		free(b);
		return -1;
	}
	*out = b;
	return 0;
}

/* The connection broke (systemd re-executed, say): every pending call
 * fails, and the next request connects again. */
static void disconnect(struct cg_sdbus *b, int code)
{
	if (b->match)
		b->match = sd.sd_bus_slot_unref(b->match);
	while (b->ops) {
		struct op *o = b->ops;

		/* The slots belong to the bus: drop them before it goes. */
		o->slot = o->slot ? sd.sd_bus_slot_unref(o->slot) : NULL;
		op_fail(o, code, "the connection to systemd was lost");
	}
	if (b->bus) {
		if (b->on_close)
			b->on_close(b->on_close_ud, sd.sd_bus_get_fd(b->bus));
		b->bus = sd.sd_bus_flush_close_unref(b->bus);
	}
}

void cg_sdbus_forget(struct cg_sdbus *b, void *ud)
{
	if (b == NULL)
		return;
	for (struct op *o = b->ops; o; o = o->next)
		if (o->ud == ud)
			o->done = NULL;
}

static int append_props(sd_bus_message *m, const struct cg_unit_prop *p, size_t n)
{
	int r = sd.sd_bus_message_open_container(m, 'a', "(sv)");

	for (size_t i = 0; r >= 0 && i < n; i++) {
		switch (p[i].type) {
		case CG_PROP_STRING:
			r = sd.sd_bus_message_append(m, "(sv)", p[i].name, "s", p[i].str);
			break;
		case CG_PROP_BOOL:
			r = sd.sd_bus_message_append(m, "(sv)", p[i].name, "b", (int)p[i].b);
			break;
		case CG_PROP_U64:
			r = sd.sd_bus_message_append(m, "(sv)", p[i].name, "t", p[i].u64);
			break;
		case CG_PROP_PIDS:
			r = sd.sd_bus_message_append(m, "(sv)", p[i].name, "au", 1, (uint32_t)p[i].u64);
			break;
		case CG_PROP_BYTES:
			r = sd.sd_bus_message_open_container(m, 'r', "sv");
			if (r >= 0)
				r = sd.sd_bus_message_append(m, "s", p[i].name);
			if (r >= 0)
				r = sd.sd_bus_message_open_container(m, 'v', "ay");
			if (r >= 0)
				r = sd.sd_bus_message_append_array(m, 'y', p[i].bytes, p[i].nbytes);
			if (r >= 0)
				r = sd.sd_bus_message_close_container(m);
			if (r >= 0)
				r = sd.sd_bus_message_close_container(m);
			break;
		}
	}
	if (r >= 0)
		r = sd.sd_bus_message_close_container(m);
	return r;
}

/* Build and send one Manager call; the op is pending until done. */
static int call(struct cg_sdbus *b, const char *method, const char *unit, const struct cg_unit_prop *props,
		size_t nprops, bool wants_job, bool ok_if_missing, cg_sdbus_done_fn *done, void *ud,
		const char *what, cg_err_t *err)
{
	sd_bus_message *m = NULL;
	struct op *o;
	int r;

	if (b->bus == NULL && connect_bus(b, err) < 0)
		return -1;
	r = sd.sd_bus_message_new_method_call(b->bus, &m, SD_DEST, SD_PATH, SD_MANAGER, method);
	if (r >= 0 && !strcmp(method, "StartTransientUnit")) {
		r = sd.sd_bus_message_append(m, "ss", unit, "fail");
		if (r >= 0)
			r = append_props(m, props, nprops);
		if (r >= 0)
			r = sd.sd_bus_message_append(m, "a(sa(sv))", 0);
	} else if (r >= 0 && !strcmp(method, "SetUnitProperties")) {
		r = sd.sd_bus_message_append(m, "sb", unit, 1);
		if (r >= 0)
			r = append_props(m, props, nprops);
	} else if (r >= 0) {
		/* "replace": a start job still queued for the unit (a scope whose
		 * container is gone before systemd made it) is cancelled, where
		 * "fail" would refuse the stop. */
		r = sd.sd_bus_message_append(m, "ss", unit, "replace");
	}
	o = xcalloc(1, sizeof(*o));
	o->b = b;
	o->what = xasprintf("%s %s", what, unit);
	o->wants_job = wants_job;
	o->ok_if_missing = ok_if_missing;
	o->deadline = mono_ms() + CG_SDBUS_JOB_TIMEOUT_MS;
	o->done = done;
	o->ud = ud;
	if (r >= 0)
		r = sd.sd_bus_call_async(b->bus, &o->slot, m, on_reply, o,
					 (uint64_t)CG_SDBUS_JOB_TIMEOUT_MS * 1000);
	sd.sd_bus_message_unref(m);
	if (r < 0) {
		cg_error(err, -r, "%s: asking systemd", o->what);
		free(o->what);
		free(o);
		/* A broken connection is dropped by the next dispatch, not here,
		 * in the middle of a caller that may be iterating callbacks. */
		return -1;
	}
	o->next = b->ops;
	b->ops = o;
	return 0;
}

int cg_sdbus_start_unit(struct cg_sdbus *b, const char *unit, const struct cg_unit_prop *props,
			size_t nprops, cg_sdbus_done_fn *done, void *ud, cg_err_t *err)
{
	return call(b, "StartTransientUnit", unit, props, nprops, true, false, done, ud, "starting", err);
}

int cg_sdbus_stop_unit(struct cg_sdbus *b, const char *unit, bool wait_job, cg_sdbus_done_fn *done,
		       void *ud, cg_err_t *err)
{
	return call(b, "StopUnit", unit, NULL, 0, wait_job, true, done, ud, "stopping", err);
}

int cg_sdbus_set_properties(struct cg_sdbus *b, const char *unit, const struct cg_unit_prop *props,
			    size_t nprops, cg_sdbus_done_fn *done, void *ud, cg_err_t *err)
{
	return call(b, "SetUnitProperties", unit, props, nprops, false, false, done, ud,
		    "setting the properties of", err);
}

int cg_sdbus_fd(struct cg_sdbus *b)
{
	return b && b->bus ? sd.sd_bus_get_fd(b->bus) : -1;
}

uint32_t cg_sdbus_events(struct cg_sdbus *b)
{
	int ev = b && b->bus ? sd.sd_bus_get_events(b->bus) : 0;
	uint32_t out = 0;

	if (ev > 0 && (ev & POLLIN))
		out |= EPOLLIN;
	if (ev > 0 && (ev & POLLOUT))
		out |= EPOLLOUT;
	return out;
}

int cg_sdbus_timeout_ms(struct cg_sdbus *b)
{
	int64_t now = mono_ms(), first = -1;
	uint64_t usec;

	if (b == NULL)
		return -1;
	for (struct op *o = b->ops; o; o = o->next)
		if (first < 0 || o->deadline < first)
			first = o->deadline;
	/* sd-bus's own deadline (a reply's timeout, or "now" when it has
	 * queued work of its own), on CLOCK_MONOTONIC. */
	if (b->bus && sd.sd_bus_get_timeout(b->bus, &usec) > 0 && usec != UINT64_MAX) {
		int64_t t = (int64_t)(usec / 1000);

		if (first < 0 || t < first)
			first = t;
	}
	if (first < 0)
		return -1;
	return first <= now ? 0 : (int)(first - now);
}

void cg_sdbus_dispatch(struct cg_sdbus *b)
{
	int64_t now = mono_ms();
	int r = 0;

	while (b->bus && (r = sd.sd_bus_process(b->bus, NULL)) > 0)
		;
	if (r < 0)
		disconnect(b, -r);
	/* A job systemd never finishes must not hold its owner forever. */
	for (struct op *o = b->ops, *next; o; o = next) {
		next = o->next;
		if (o->deadline <= now)
			op_fail(o, ETIMEDOUT, "systemd did not finish within 30 s");
	}
}

int cg_sdbus_run_until(struct cg_sdbus *b, const bool *flag, int timeout_ms, cg_err_t *err)
{
	int64_t end = mono_ms() + timeout_ms;

	for (;;) {
		cg_sdbus_dispatch(b);
		if (*flag)
			return 0;
		int64_t left = end - mono_ms();

		if (left <= 0)
			return cg_error(err, ETIMEDOUT, "no answer from systemd within %d ms", timeout_ms);
		if (b->bus == NULL)
			return cg_error(err, ENOTCONN, "the connection to systemd was lost");
		int t = cg_sdbus_timeout_ms(b);

		if (t < 0 || t > left)
			t = (int)left;
		int r = sd.sd_bus_wait(b->bus, (uint64_t)t * 1000);

		if (r < 0 && r != -EINTR)
			disconnect(b, -r);
	}
}
