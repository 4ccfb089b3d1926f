/* inspect.h - a container as `cgrun inspect` shows it. */
#ifndef CGRUN_INSPECT_H
#define CGRUN_INSPECT_H

#include "container.h"

struct json_object;

/* Its record (read again, so what is on disk), "cgroup_paths" (controller:
 * directory, while it has cgroups) and "log_path". NULL with err if the
 * record cannot be read. */
struct json_object *cg_container_inspect(const struct cg_container *c, cg_err_t *err);

#endif
