/* cgroup-mode.h - which cgroup hierarchies the host has, and where we sit in
 * them. Detected once from /proc/self/mountinfo and /proc/self/cgroup and
 * passed down; nothing else asks "is this v2?". */
#ifndef CGRUN_CGROUP_MODE_H
#define CGRUN_CGROUP_MODE_H

#include <stdbool.h>

#include "util.h"

enum cg_mode {
	CG_MODE_UNKNOWN = 0,
	CG_MODE_LEGACY,   /* v1 hierarchies only */
	CG_MODE_HYBRID,   /* v1 controllers plus a cgroup2 mount */
	CG_MODE_UNIFIED,  /* cgroup2 only */
};

/* The controllers cgrun manages. */
enum cg_ctrl {
	CG_CPU = 0,
	CG_CPUACCT,
	CG_CPUSET,
	CG_MEMORY,
	CG_PIDS,
	CG_DEVICES,
	CG_FREEZER,
	CG_NCTRL
};

const char *cg_ctrl_name(enum cg_ctrl c);

#define CG_PATH_MAX 4096

struct cg_hier {
	bool present;
	char mountpoint[CG_PATH_MAX]; /* where the hierarchy is mounted */
	char root[CG_PATH_MAX];       /* the mount's root inside the hierarchy */
	char self[CG_PATH_MAX];       /* our own cgroup, relative to the hierarchy root */
};

struct cg_layout {
	enum cg_mode mode;
	struct cg_hier v1[CG_NCTRL];  /* per controller, when mounted as v1 */
	struct cg_hier unified;       /* the cgroup2 mount, if any */
	unsigned unified_ctrls;       /* bit per enum cg_ctrl available in cgroup2 at unified_base */
	unsigned root_ctrls;          /* ... at cgroup2's root: all the kernel has there */
	/* The cgroup2 cgroup our containers' parent goes below, relative to
	 * the mount point ("" for the root): our own, or under systemd the top
	 * of the delegated subtree we run in a leaf of. */
	char unified_base[CG_PATH_MAX];
};

const char *cg_mode_name(enum cg_mode m);

/* Pure: fill mounts and mode from mountinfo text. */
int cg_layout_parse_mountinfo(struct cg_layout *l, const char *mountinfo, cg_err_t *err);
/* Pure: fill each hierarchy's `self` from /proc/self/cgroup text. */
int cg_layout_parse_self(struct cg_layout *l, const char *proc_cgroup, cg_err_t *err);
/* Pure: a cgroup.controllers line as a bit per enum cg_ctrl (cpuacct,
 * freezer and devices are cgroup2's own: always there). */
unsigned cg_controllers_mask(const char *controllers);
/* Pure: parse a cgroup.controllers line into unified_ctrls. */
void cg_layout_parse_controllers(struct cg_layout *l, const char *controllers);

/* Reads /proc/self/mountinfo, /proc/self/cgroup and cgroup.controllers. */
int cg_layout_detect(struct cg_layout *l, cg_err_t *err);

/* True when the controller is managed through cgroup2 on this host. */
bool cg_layout_ctrl_unified(const struct cg_layout *l, enum cg_ctrl c);
/* Path of our own cgroup in a hierarchy, relative to its mount point
 * ("" for the mount's root). */
const char *cg_hier_relself(const struct cg_hier *h);

#endif
