/* freeze-wait.h - wait until a cgroup2 cgroup is frozen (or thawed).
 *
 * Writing cgroup.freeze only asks: the kernel freezes each task as it next
 * returns to user space, and says "frozen 1" in cgroup.events once all are.
 * `docker pause` (runc) returns once the container is frozen; so does
 * `cgrun pause`, in the client, never in cgrund's loop: cgrund writes
 * cgroup.freeze and names cgroup.events in its answer, and the client
 * waits here (as an in-process pause does). */
#ifndef CGRUN_FREEZE_WAIT_H
#define CGRUN_FREEZE_WAIT_H

#include <stdbool.h>

#include "util.h"

/* How long a pause or unpause waits for the kernel. */
#define CG_FREEZE_WAIT_MS 10000

/* Until the cgroup.events file at events says frozen (or thawed): 0, or
 * < 0 with err once timeout_ms have passed (or the file cannot be read:
 * the container has gone). Reads it every 2 ms at most. */
int cg_wait_frozen(const char *events, bool frozen, int timeout_ms, cg_err_t *err);

#endif
