/* cgroup.h - a container's cgroups, made by one of two cgroup managers
 * behind one interface (crun's libcrun_cgroup_manager, podman's
 * cgroup_manager):
 *
 *   cgroupfs  <own cgroup>/<parent>/<id> in every hierarchy, through
 *             libcgroup (cgroup-cgroupfs.c): v1, hybrid and v2 hosts.
 *   systemd   a transient scope <slice>/cgrun-<id>.scope with Delegate=yes
 *             and the limits as unit properties, asked of systemd over
 *             D-Bus (cgroup-systemd.c): where systemd runs the cgroups.
 *
 * The manager is picked once per process for new containers
 * (cg_manager_pick); a container's record names its own, so a later
 * process manages it the same way. Callers never test the host's mode or
 * the manager: they ask the cgroup. */
#ifndef CGRUN_CGROUP_H
#define CGRUN_CGROUP_H

#include <stdbool.h>
#include <sys/types.h>

#include "cgroup-limits.h"
#include "cgroup-mode.h"
#include "util.h"

#define CG_DEFAULT_PARENT "cgrun"
#define CG_DEFAULT_SLICE "machine.slice"

enum cg_manager_kind {
	CG_MANAGER_CGROUPFS = 0,
	CG_MANAGER_SYSTEMD,
	CG_MANAGER_AUTO,
};

struct cg_manager;
struct cg_sdbus;

/* Pure: "auto", "systemd" or "cgroupfs". */
int cg_manager_parse(const char *s, enum cg_manager_kind *k, cg_err_t *err);
/* Pure: what auto means on a host: systemd where systemd is PID 1 and
 * runs a cgroup2 hierarchy (unified, or hybrid for the tracking cgroup),
 * cgroupfs elsewhere. */
enum cg_manager_kind cg_manager_auto(bool systemd_booted, enum cg_mode mode);
/* Whether systemd is PID 1 (sd_booted(3)'s test). */
bool cg_systemd_booted(void);
/* ctx's manager of that kind (auto resolved for the host's layout, which
 * is detected into ctx if it is not yet); the systemd one fails where
 * systemd does not run. */
struct cg_ctx;
int cg_manager_pick(struct cg_ctx *ctx, enum cg_manager_kind k, struct cg_manager **out, cg_err_t *err);
const char *cg_manager_name(const struct cg_manager *m);
/* The parent a container gets when none is asked for: "cgrun" below our
 * own cgroup, or machine.slice. */
const char *cg_manager_default_parent(const struct cg_manager *m);
/* Is parent valid for this manager (one path component; a slice name)? */
int cg_manager_check_parent(const struct cg_manager *m, const char *parent, cg_err_t *err);
/* cgrund: the manager's jobs end in its event loop (cg_manager_bus gives
 * the connection to watch) instead of being waited for in each call. */
void cg_manager_set_async(struct cg_manager *m, bool async);
/* The systemd manager's connection (opened on first use); NULL for
 * cgroupfs, or with err set. */
struct cg_sdbus *cg_manager_bus(struct cg_manager *m, cg_err_t *err);
/* The open connection, or NULL: never connects. */
struct cg_sdbus *cg_manager_bus_if_open(struct cg_manager *m);

/* An operation that may end later, in the systemd manager's event loop:
 * err is NULL on success. */
typedef void cg_done_fn(void *ud, const cg_err_t *err);

struct cg_cgroup {
	const struct cg_manager *mgr;
	const struct cg_layout *layout;
	char *parent_name;              /* cgroupfs: below our own cgroup; systemd: the slice */
	char *id;
	char *unit;                     /* systemd: "cgrun-<id>[-<gen>].scope" */
	unsigned ctrls;                 /* controllers joined, bit per enum cg_ctrl */
	/* Full filesystem path of the container's cgroup per controller (v1)
	 * or the cgroup2 directory (v2 controllers, or the tracking cgroup). */
	char *path[CG_NCTRL];
	char *unified_path;             /* NULL on a legacy host */
	int unified_fd;                 /* O_PATH dir of unified_path, for CLONE_INTO_CGROUP */
	bool unified_has_ctrls;         /* controllers live in cgroup2 (unified mode) */
	/* cgroupfs: what the libcgroup handles are built from (one per distinct
	 * v1 hierarchy, or one for v2): the cgroup's path below the mount point
	 * and its controllers, a bit per enum cg_ctrl (cgroup-cgroupfs.c). */
	char *lrel[CG_NCTRL + 1];
	unsigned lmask[CG_NCTRL + 1];
	int nlcg;
	bool created;
	/* systemd: the scope is made when the init is attached; until then
	 * the limits wait here to become its properties. */
	bool pending;
	bool asked;                     /* systemd was asked for the scope */
	void *attach_op;                /* the attach under way, if any */
	struct cg_limits limits;
};

/* Initialise libcgroup once per process. */
int cg_lib_init(cg_err_t *err);

/* Check that the host can apply every limit before anything is created:
 * controllers present, files such as memory.memsw.* available. */
int cg_check_limits(const struct cg_manager *m, const struct cg_layout *l, const char *parent_name,
		    const struct cg_limits *lim, cg_err_t *err);

/* Make the container's cgroup with its limits (cgroupfs), or prepare its
 * scope (systemd: made by cg_attach). gen > 0 after a restart: systemd's
 * scope gets a new name (cg_systemd_scope_name says why). On failure
 * nothing is left behind. */
int cg_create(struct cg_cgroup *cg, struct cg_manager *m, const struct cg_layout *l,
	      const char *parent_name, const char *id, int gen, const struct cg_limits *lim,
	      cg_err_t *err);
/* Describe an existing container's cgroups without creating anything:
 * for re-adoption, exec and removal. unit: systemd's scope, else NULL. */
int cg_open(struct cg_cgroup *cg, struct cg_manager *m, const struct cg_layout *l,
	    const char *parent_name, const char *id, const char *unit, cg_err_t *err);
/* The container lives in leaf below the cgroup cg_open described (the
 * layout of scopes made before the systemd manager: <scope>/container). */
void cg_use_leaf(struct cg_cgroup *cg, const char *leaf);
/* Whether the container's init joins its cgroups itself (cg_join_self),
 * or its parent has them put around it (cg_attach) before it goes on. */
bool cg_joined_by_child(const struct cg_cgroup *cg);
/* Put pid (a new init, waiting) into the container's cgroups: systemd
 * makes the scope around it. Returns 0 when done, 1 when done(ud, err)
 * will be called from the event loop (an async manager), -1 with err. */
int cg_attach_start(struct cg_cgroup *cg, pid_t pid, cg_done_fn *done, void *ud, cg_err_t *err);
/* The same, waiting for the end. unified_done: the cgroup2 part was done
 * by CLONE_INTO_CGROUP. */
int cg_attach(struct cg_cgroup *cg, pid_t pid, bool unified_done, cg_err_t *err);
/* The calling process moves itself into every v1 cgroup (and the cgroup2
 * one unless unified_done) by writing "0". Why not cg_attach from the
 * parent: on v1, "0" written to "tasks" moves only the calling thread, so
 * the kernel skips the global threadgroup lock that moving a process by
 * pid takes, and with it an RCU grace period (about 6 ms here, per start).
 * Only for a single-threaded caller (the container init, cgrun exec's
 * middle process). */
int cg_join_self(const struct cg_cgroup *cg, bool unified_done, cg_err_t *err);
/* Kill what is left, remove the container's cgroups (systemd: stop the
 * scope), free everything. */
int cg_destroy(struct cg_cgroup *cg, cg_err_t *err);
/* Freeze or thaw every process of the container (pause/unpause). */
int cg_freeze(struct cg_cgroup *cg, bool freeze, cg_err_t *err);
/* Apply the fields upd sets to a running container whose limits are cur.
 * *merged gets cur with upd's fields (its cpuset_cpus is the caller's to
 * free): the caller keeps it once the update is done. Returns 0 (done),
 * 1 (done(ud, err) later: async systemd), -1 with err. */
int cg_update(struct cg_cgroup *cg, const struct cg_limits *cur, const struct cg_limits *upd,
	      struct cg_limits *merged, cg_done_fn *done, void *ud, cg_err_t *err);
/* ud is going away: the callbacks of operations under way for it (an
 * attach, an update) are dropped. */
void cg_forget(struct cg_cgroup *cg, void *ud);
/* Free without removing. */
void cg_free(struct cg_cgroup *cg);

#endif
