/* sdbus.h - systemd's manager over D-Bus, asynchronously: start a transient
 * scope, stop a unit, set a unit's properties, and learn from the
 * JobRemoved signal when a job is over (no polling).
 *
 * One connection per process, kept until the process ends: cgrund watches
 * its fd in its epoll loop and dispatches; an in-process cgrun waits for
 * the one job it needs with cg_sdbus_run_until.
 *
 * libsystemd is loaded with dlopen on first use: only processes that talk
 * to systemd pay for it and its dependencies (libgcrypt, lz4, zstd, lzma),
 * about 1.4 ms a start measured on this project's machines. As root the
 * connection goes to systemd's private socket (/run/systemd/private), as
 * systemctl's does: no dbus-daemon in between, and it works on hosts
 * without one; the system bus is the fallback. */
#ifndef CGRUN_SDBUS_H
#define CGRUN_SDBUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util.h"

struct cg_sdbus;

/* A job or call is over: err is NULL on success. */
typedef void cg_sdbus_done_fn(void *ud, const cg_err_t *err);

/* A property of a transient unit, as StartTransientUnit and
 * SetUnitProperties take them (a(sv)). */
enum cg_prop_type {
	CG_PROP_STRING = 's',
	CG_PROP_BOOL = 'b',
	CG_PROP_U64 = 't',
	CG_PROP_PIDS = 'u',     /* "au" with one pid */
	CG_PROP_BYTES = 'y',    /* "ay" */
};

#define CG_PROP_BYTES_MAX 512  /* CPU lists name CPUs below 4096 */

struct cg_unit_prop {
	const char *name;
	enum cg_prop_type type;
	const char *str;
	bool b;
	uint64_t u64;
	uint8_t bytes[CG_PROP_BYTES_MAX];
	size_t nbytes;
};

/* How long systemd may take over a job before it counts as failed. */
#define CG_SDBUS_JOB_TIMEOUT_MS 30000

/* Load libsystemd and connect. */
int cg_sdbus_open(struct cg_sdbus **out, cg_err_t *err);

/* StartTransientUnit(unit, "fail", props): done once systemd's job for it
 * is over (JobRemoved), when a scope's processes are in its cgroup. */
int cg_sdbus_start_unit(struct cg_sdbus *b, const char *unit, const struct cg_unit_prop *props,
			size_t nprops, cg_sdbus_done_fn *done, void *ud, cg_err_t *err);
/* StopUnit(unit, "fail"): done once the unit is stopped (wait_job) or
 * once systemd has queued the stop, or at once if systemd no longer knows
 * the unit. */
int cg_sdbus_stop_unit(struct cg_sdbus *b, const char *unit, bool wait_job, cg_sdbus_done_fn *done,
		       void *ud, cg_err_t *err);
/* SetUnitProperties(unit, runtime, props): done with systemd's answer. */
int cg_sdbus_set_properties(struct cg_sdbus *b, const char *unit, const struct cg_unit_prop *props,
			    size_t nprops, cg_sdbus_done_fn *done, void *ud, cg_err_t *err);
/* Whoever ud is has gone: its callbacks will not be called. */
void cg_sdbus_forget(struct cg_sdbus *b, void *ud);

/* For an event loop: the fd to watch (it can change after a reconnect:
 * look again after every dispatch), the epoll events it wants, and the
 * milliseconds until the next deadline (-1: none). */
int cg_sdbus_fd(struct cg_sdbus *b);
uint32_t cg_sdbus_events(struct cg_sdbus *b);
int cg_sdbus_timeout_ms(struct cg_sdbus *b);
/* Called with the connection's fd just before it is closed (a broken
 * connection, or close): an event loop unregisters it by that fd while
 * it is still open, so no later fd with the same number is touched. */
void cg_sdbus_on_close(struct cg_sdbus *b, void (*fn)(void *ud, int fd), void *ud);
/* Process whatever arrived, and fail jobs past their deadline. */
void cg_sdbus_dispatch(struct cg_sdbus *b);
/* Wait, dispatching, until *flag is true or timeout_ms pass. */
int cg_sdbus_run_until(struct cg_sdbus *b, const bool *flag, int timeout_ms, cg_err_t *err);

#endif
