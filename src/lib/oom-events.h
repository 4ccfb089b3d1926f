/* oom-events.h - how to be told that a container's memory cgroup met the
 * OOM killer, so that its counter is read when it moves rather than on
 * every stats tick (issue 4 part 1).
 *
 * v2: memory.events is a kernfs file the kernel notifies on every memory
 * event (oom, oom_kill, max, high): watch it with inotify IN_MODIFY.
 * v1: memory.oom_control has no such notification; an eventfd registered
 * through cgroup.event_control is signalled when the cgroup is under OOM
 * (before the kill is counted), and once more when the cgroup is removed. */
#ifndef CGRUN_OOM_EVENTS_H
#define CGRUN_OOM_EVENTS_H

#include "cgroup.h"
#include "util.h"

/* v2: the memory.events path to watch (free it), or NULL with errno set:
 * ENOENT when the cgroup has no memory controller in cgroup2. */
char *cg_oom_events_path(const struct cg_cgroup *cg);
/* v1: a new non-blocking eventfd registered for the cgroup's OOM events;
 * -1 with err set, or -1 and errno ENOENT when there is no v1 memory
 * cgroup. */
int cg_oom_eventfd(const struct cg_cgroup *cg, cg_err_t *err);

#endif
