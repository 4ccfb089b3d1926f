/* cgroup-manager.h - what a cgroup manager implements (private to
 * cgroup.c, cgroup-cgroupfs.c and cgroup-systemd.c). The caller says what,
 * the manager knows how; cgroup.c holds what both share (joining by path,
 * killing leftovers, freezing through cgroup2). */
#ifndef CGRUN_CGROUP_MANAGER_H
#define CGRUN_CGROUP_MANAGER_H

#include "cgroup.h"

struct cg_manager_ops {
	const char *name;
	const char *default_parent;
	bool child_joins;   /* the init joins its cgroups itself (cg_join_self) */
	bool uses_bus;      /* works over systemd's bus (cg_manager_bus) */
	int (*check_parent)(const char *parent, cg_err_t *err);
	int (*check_limits)(const struct cg_layout *l, const char *parent, const struct cg_limits *lim,
			    cg_err_t *err);
	/* cg is zeroed with mgr, layout, id, parent_name set. */
	int (*create)(struct cg_cgroup *cg, int gen, const struct cg_limits *lim, cg_err_t *err);
	int (*open)(struct cg_cgroup *cg, const char *unit, cg_err_t *err);
	/* NULL: nothing to do beyond the init's own join. */
	int (*attach)(struct cg_cgroup *cg, pid_t pid, cg_done_fn *done, void *ud, cg_err_t *err);
	/* only: the fields to write, already merged and validated. */
	int (*update)(struct cg_cgroup *cg, const struct cg_limits *only, cg_done_fn *done, void *ud,
		      cg_err_t *err);
	/* The v1 freezer, where there is no cgroup2 cgroup to freeze. */
	int (*freeze_v1)(struct cg_cgroup *cg, bool freeze, cg_err_t *err);
	/* The cgroups are empty (leftovers killed): remove them. */
	int (*remove)(struct cg_cgroup *cg, cg_err_t *err);
	/* Drop the callback of an attach still under way (NULL: none). */
	void (*forget)(struct cg_cgroup *cg);
};

struct cg_manager {
	const struct cg_manager_ops *ops;
	bool async;               /* cgrund: jobs end in its loop */
	struct cg_sdbus *bus;     /* systemd: opened on first use */
};

extern const struct cg_manager_ops cg_cgroupfs_ops;
extern const struct cg_manager_ops cg_systemd_ops;

/* Shared helpers (cgroup.c). */
char *cg_rel_trim(char *s);
int cg_rmdir_retry(const char *path);
/* An operation that may end in the manager's loop, run to its end
 * in-process: pass cg_sync_done with &w as its callback, then
 * cg_finish_sync with what the operation returned (0 done, 1 pending, -1). */
struct cg_sync_wait {
	bool done;
	cg_err_t err;
};
void cg_sync_done(void *ud, const cg_err_t *err);
int cg_finish_sync(struct cg_manager *m, int r, struct cg_sync_wait *w, cg_err_t *err);

#endif
