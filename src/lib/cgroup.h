/* cgroup.h - a container's cgroups: create, limit, attach, remove (libcgroup). */
#ifndef CGRUN_CGROUP_H
#define CGRUN_CGROUP_H

#include <sys/types.h>

#include "cgroup-limits.h"
#include "cgroup-mode.h"
#include "util.h"

#define CG_DEFAULT_PARENT "cgrun"

struct cgroup;

struct cg_cgroup {
	const struct cg_layout *layout;
	char *parent_name;              /* below our own cgroup, e.g. "cgrun" */
	char *id;
	unsigned ctrls;                 /* controllers joined, bit per enum cg_ctrl */
	/* Full filesystem path of the container's cgroup per controller (v1)
	 * or the cgroup2 directory (v2 controllers, or the tracking cgroup). */
	char *path[CG_NCTRL];
	char *unified_path;             /* NULL on a legacy host */
	int unified_fd;                 /* O_PATH dir of unified_path, for CLONE_INTO_CGROUP */
	bool unified_has_ctrls;         /* controllers live in cgroup2 (unified mode) */
	/* What the libcgroup handles are built from (one per distinct v1
	 * hierarchy, or one for v2): the cgroup's path below the mount point
	 * and its controllers, a bit per enum cg_ctrl. See lcg_note in cgroup.c. */
	char *lrel[CG_NCTRL + 1];
	unsigned lmask[CG_NCTRL + 1];
	int nlcg;
	bool created;
	/* cgrund under systemd on v2: a transient scope per container
	 * (cgroup-systemd.h). The scope is made when the init is attached;
	 * the container's cgroup is its leaf "container". */
	char *scope_unit;               /* "cgrun-<id>[-<gen>].scope", or NULL */
	char *scope_dir;                /* the scope's cgroup directory */
	bool scope_pending;             /* not made yet: limits wait */
	struct cg_limits scope_limits;
};

/* Initialise libcgroup once per process. */
int cg_lib_init(cg_err_t *err);

/* Check that the host can apply every limit before anything is created:
 * controllers present, files such as memory.memsw.* available. */
int cg_check_limits(const struct cg_layout *l, const char *parent_name,
		    const struct cg_limits *lim, cg_err_t *err);

/* Create <own>/<parent>/<id> in every hierarchy the container uses and
 * write the limits. On failure nothing is left behind. */
int cg_create(struct cg_cgroup *cg, const struct cg_layout *l, const char *parent_name,
	      const char *id, const struct cg_limits *lim, cg_err_t *err);
/* Describe an existing container's cgroups (paths, libcgroup handles)
 * without creating anything: for re-adoption, exec and removal. */
int cg_open(struct cg_cgroup *cg, const struct cg_layout *l, const char *parent_name,
	    const char *id, cg_err_t *err);
/* The same in a systemd scope (v2 only): nothing exists until cg_attach. */
int cg_create_scoped(struct cg_cgroup *cg, const struct cg_layout *l, const char *id, int gen,
		     const struct cg_limits *lim, cg_err_t *err);
/* unit: the scope's name as saved in the container's record. */
int cg_open_scoped(struct cg_cgroup *cg, const struct cg_layout *l, const char *id, const char *unit,
		   cg_err_t *err);
/* Move pid into every v1 cgroup (and cgroup2 if it was not cloned into it). */
int cg_attach(struct cg_cgroup *cg, pid_t pid, bool unified_done, cg_err_t *err);
/* The calling process moves itself into every v1 cgroup (and the cgroup2
 * one unless unified_done) by writing "0". Why not cg_attach from the
 * parent: on v1, "0" written to "tasks" moves only the calling thread, so
 * the kernel skips the global threadgroup lock that moving a process by
 * pid takes, and with it an RCU grace period (about 6 ms here, per start).
 * Only for a single-threaded caller (the container init, cgrun exec's
 * middle process). */
int cg_join_self(const struct cg_cgroup *cg, bool unified_done, cg_err_t *err);
/* Remove the container's cgroups (they must be empty); frees everything. */
int cg_destroy(struct cg_cgroup *cg, cg_err_t *err);
/* Freeze or thaw every process of the container (pause/unpause). */
int cg_freeze(struct cg_cgroup *cg, bool freeze, cg_err_t *err);
/* Apply the fields upd sets to a running container; cur is updated. */
int cg_update(struct cg_cgroup *cg, struct cg_limits *cur, const struct cg_limits *upd, cg_err_t *err);
/* Free without removing. */
void cg_free(struct cg_cgroup *cg);

#endif
