/* container.h - running a container in the foreground, end to end, and the
 * records of containers kept after they exit (run without --rm). */
#ifndef CGRUN_CONTAINER_H
#define CGRUN_CONTAINER_H

#include <stddef.h>
#include <sys/types.h>

#include "spec.h"
#include "util.h"

/* Runs spec to completion. Returns 0 and sets *status to the command's exit
 * status (128+N for signal N), or -1 with err (err->exit_code 125/126/127).
 * Every cgroup, mount and scratch directory is gone afterwards (with --rm;
 * without it the container's writable layer and record are kept). */
int cg_container_run(struct cg_spec *spec, int *status, cg_err_t *err);

struct cg_container_info {
	char id[65];
	char *name;
	char *image;
	char *command;
	char *state;          /* "running", "exited" */
	int exit_code;
	long long created;
};

int cg_container_list(struct cg_container_info **out, size_t *n, cg_err_t *err);
void cg_container_info_free(struct cg_container_info *c);
/* Remove a kept container by name or unique id prefix. */
int cg_container_remove(const char *name_or_id, cg_err_t *err);
/* Name of a container record that uses image `name`, or NULL. */
char *cg_container_using_image(const char *name);

/* Clean up after containers whose cgrun was killed: their cgroups, and
 * their files if they ran with --rm (kept ones are marked exited). */
void cg_container_gc(void);
/* Start time of a process in clock ticks since boot (0 if gone). */
unsigned long long cg_proc_start_time(pid_t pid);
/* Pure: field 22 of a /proc/PID/stat text. */
unsigned long long cg_parse_stat_start_time(const char *stat);

/* Pure: the directory list "a:b" overlay takes as lowerdir. */
char *cg_overlay_lowerdirs(const char *init_layer, const char *image_rootfs);

#endif
