/* scopes.h - systemd scopes for cgrund's containers (see cgroup-systemd.h). */
#ifndef CGRUND_SCOPES_H
#define CGRUND_SCOPES_H

#include <stdbool.h>
#include <sys/types.h>

#include "util.h"

/* Whether this process should use scopes (cgroup_manager = auto): cgroup
 * v2, systemd is the init, and systemd started us as a service (we are a
 * service unit's process and our parent is PID 1). A cgrund started by
 * hand or by a test inside some unit nests in its own cgroup instead. */
bool cg_systemd_scopes_wanted(void);
/* Whether scopes can be had at all: systemd is the init and cgroup v2. */
bool cg_systemd_scopes_possible(void);
/* Start unit ("cgrun-<id>.scope") in machine.slice holding pid, over
 * sd-bus, and wait until the kernel shows pid in it. */
int cgrund_start_scope(const char *unit, const char *description, pid_t pid, cg_err_t *err);

#endif
