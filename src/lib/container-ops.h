/* container-ops.h - stop, kill, pause, unpause, update and wait for an
 * existing container named by its name or a unique id prefix, done by this
 * process with no cgrund: the local back-end of those verbs. cgrund answers
 * the same requests for the containers it supervises; cg_container_pause
 * is shared with it.
 *
 * The container may belong to a foreground cgrun (which reaps its init and
 * records how it ended), to a cgrund that is not running (whose next start
 * re-adopts it and records its end), or to nobody (cg_container_gc). These
 * calls act on the container's init through a pidfd checked against the
 * record's start time, so a recycled pid is never signalled. */
#ifndef CGRUN_CONTAINER_OPS_H
#define CGRUN_CONTAINER_OPS_H

#include <stdbool.h>

#include "cgroup-limits.h"
#include "container.h"
#include "util.h"

/* Freeze or thaw a running (paused) container and record its new state. */
int cg_container_pause(struct cg_container *c, bool freeze, cg_err_t *err);

/* SIGTERM, or the image's StopSignal (forwarded by the init to the
 * command), SIGKILL after timeout seconds (0: at once); returns once the
 * init is gone. A container that is not running is already stopped. */
int cg_local_stop(struct cg_ctx *ctx, const char *key, int timeout, cg_err_t *err);
int cg_local_kill(struct cg_ctx *ctx, const char *key, int sig, cg_err_t *err);
int cg_local_pause(struct cg_ctx *ctx, const char *key, bool freeze, cg_err_t *err);
/* Apply the limits upd sets; the others stay. */
int cg_local_update(struct cg_ctx *ctx, const char *key, const struct cg_limits *upd, cg_err_t *err);
/* Until the container has ended; *exit_code as `cgrun wait` prints it. */
int cg_local_wait(struct cg_ctx *ctx, const char *key, int *exit_code, cg_err_t *err);

/* A detached container's log, <dir>/container.log, opened for reading
 * (ENOENT: it has none, it ran attached). */
int cg_container_open_log(const struct cg_container *c, cg_err_t *err);
/* The log of the container key names, and in *endfd a pidfd of its init
 * that turns readable when it ends (-1: it is not running). */
int cg_local_open_log(struct cg_ctx *ctx, const char *key, int *logfd, int *endfd, cg_err_t *err);

#endif
