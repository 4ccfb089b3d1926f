/* cgroup-cgroupfs.c - the cgroupfs manager: a container's cgroups made
 * through libcgroup below cgrun's own cgroup, <own>/<parent>/<id> in every
 * hierarchy. libcgroup names cgroups relative to the hierarchy's mount
 * point, so each hierarchy gets its own libcgroup handle (our own cgroup
 * can differ between hierarchies, as it does for memory here). */
#include "config.h"

#include "cgroup-manager.h"
#include "limit-table.h"
#include "parse.h"

#include <errno.h>
#include <fcntl.h>
#include <libcgroup.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* v1 controllers a container always joins: cpuacct for CPU accounting,
 * the rest so usage is visible and limits can be changed later. */
static const enum cg_ctrl v1_ctrls[] = { CG_CPU, CG_CPUACCT, CG_CPUSET, CG_MEMORY, CG_PIDS, CG_FREEZER };
static const enum cg_ctrl v2_ctrls[] = { CG_CPU, CG_CPUSET, CG_MEMORY, CG_PIDS };

static int lcg_error(cg_err_t *err, int ret, const char *fmt, const char *arg)
{
	int e = ret == ECGOTHER ? cgroup_get_last_errno() : 0;
	char ctx[512];

	snprintf(ctx, sizeof(ctx), fmt, arg);
	if (e > 0)
		return cg_error(err, e, "%s", ctx);
	return cg_error(err, EIO, "%s: %s", ctx, cgroup_strerror(ret));
}

static void quiet_logger(void *ud, int level, const char *fmt, va_list ap)
{
	(void)ud; (void)level; (void)fmt; (void)ap;
}

int cg_lib_init(cg_err_t *err)
{
	static bool done;
	int r;

	if (done)
		return 0;
	/* libcgroup prints its own errors to stdout; ours carry the context. */
	cgroup_set_logger(quiet_logger, CGROUP_LOG_ERROR, NULL);
	r = cgroup_init();
	if (r != 0)
		return lcg_error(err, r, "initialising libcgroup%s", "");
	done = true;
	return 0;
}

/* Path below the hierarchy's mount point of our parent: "<own>/<parent>". */
static char *parent_rel(const struct cg_hier *h, const char *parent_name)
{
	const char *self = cg_hier_relself(h);

	return xasprintf("%s/%s", self[0] == '/' ? self + 1 : self, parent_name);
}

static int cgfs_check_parent(const char *parent, cg_err_t *err)
{
	if (!valid_container_name(parent))
		return cg_error(err, 0, "invalid cgroup parent '%s': one path component of letters, digits, '.', '_' or '-'",
				parent);
	return 0;
}

static int cgfs_check_limits(const struct cg_layout *l, const char *parent_name,
			     const struct cg_limits *lim, cg_err_t *err)
{
	struct cg_write w[CG_MAX_WRITES];
	bool unified = l->mode == CG_MODE_UNIFIED;
	int n = cg_limits_translate(lim, unified, w, CG_MAX_WRITES, err);
	(void)parent_name;

	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		const struct cg_hier *h = unified ? &l->unified : &l->v1[w[i].ctrl];
		bool have = unified ? (l->unified_ctrls & (1u << w[i].ctrl)) != 0 : h->present;

		if (!have)
			return cg_error(err, 0, "cannot apply %s: the %s controller is not available on this %s-cgroup host",
					w[i].file, cg_ctrl_name(w[i].ctrl), cg_mode_name(l->mode));
		if (w[i].ctrl == CG_CPUSET) {
			const char *self = unified ? l->unified_base : cg_hier_relself(h);
			cleanup_free char *f = xasprintf("%s%s/%s", h->mountpoint, self,
							 unified ? "cpuset.cpus.effective" : "cpuset.cpus");
			cleanup_free char *avail = NULL;
			cg_err_t ignore = { 0 };

			if (read_file(f, &avail, 65536, &ignore) == 0 && !cpu_list_subset(w[i].value, avail)) {
				avail[strcspn(avail, "\n")] = 0;
				return cg_error(err, 0, "cannot apply --cpuset-cpus=%s: the CPUs available here are %s",
						w[i].value, avail);
			}
		}
		/* memory.memsw.* exists only with swap accounting (swapaccount=1);
		 * every cgroup below the root has it then, the root does not. */
		if (!unified && strstr(w[i].file, "memsw")) {
			const char *self = cg_hier_relself(h);
			cleanup_free char *probe = self[0] ? xasprintf("%s%s/%s", h->mountpoint, self, w[i].file) :
				xasprintf("%s/memory.memsw.usage_in_bytes", h->mountpoint);

			if (!path_exists(probe))
				return cg_error(err, 0, "cannot apply --memory-swap: swap accounting is off on this host (no %s); boot with swapaccount=1 or drop --memory-swap", probe);
		}
	}
	return 0;
}

static struct cgroup *new_lcg(const char *name, const enum cg_ctrl *ctrls, size_t n,
			      cg_err_t *err)
{
	struct cgroup *g = cgroup_new_cgroup(name);

	if (g == NULL) {
		cg_error(err, ENOMEM, "libcgroup: new cgroup %s", name);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		if (cgroup_add_controller(g, cg_ctrl_name(ctrls[i])) == NULL) {
			cgroup_free(&g);
			cg_error(err, EINVAL, "libcgroup: add controller %s to %s",
				 cg_ctrl_name(ctrls[i]), name);
			return NULL;
		}
	}
	return g;
}

/* Write one value through libcgroup, so each failure names its file. */
/* A libcgroup handle is large (struct cgroup and each controller in it hold
 * fixed arrays: about 5 KiB per controller), and cgrund keeps a cg_cgroup
 * per running container. So a cg_cgroup keeps only each handle's name and
 * controller set, and builds the handle for the moment it is used. */
static void lcg_note(struct cg_cgroup *cg, const char *rel, unsigned mask)
{
	cg->lrel[cg->nlcg] = xstrdup(rel);
	cg->lmask[cg->nlcg] = mask;
	cg->nlcg++;
}

static struct cgroup *lcg_build(const struct cg_cgroup *cg, int i, cg_err_t *err)
{
	enum cg_ctrl cs[CG_NCTRL];
	size_t n = 0;

	for (int c = 0; c < CG_NCTRL; c++)
		if (cg->lmask[i] & (1u << c))
			cs[n++] = (enum cg_ctrl)c;
	return new_lcg(cg->lrel[i], cs, n, err);
}

static unsigned v2_mask(unsigned ctrls)
{
	unsigned m = 0;

	for (size_t i = 0; i < ARRAY_SIZE(v2_ctrls); i++)
		if (ctrls & (1u << v2_ctrls[i]))
			m |= 1u << v2_ctrls[i];
	return m;
}

static int lcg_set(const char *name, enum cg_ctrl c, const char *file, const char *value,
		   cg_err_t *err)
{
	struct cgroup *g = cgroup_new_cgroup(name);
	struct cgroup_controller *ctl;
	int r;

	if (g == NULL)
		return cg_error(err, ENOMEM, "libcgroup: new cgroup %s", name);
	ctl = cgroup_add_controller(g, cg_ctrl_name(c));
	r = ctl ? cgroup_add_value_string(ctl, file, value) : ECGFAIL;
	if (r == 0)
		r = cgroup_modify_cgroup(g);
	cgroup_free(&g);
	if (r != 0) {
		char ctx[256];

		snprintf(ctx, sizeof(ctx), "setting %s to '%s' in %%s", file, value);
		return lcg_error(err, r, ctx, name);
	}
	return 0;
}

/* v1 cpuset cgroups start with empty cpus and mems and refuse tasks until
 * both are set: copy them from the parent hierarchy level. */
static int cpuset_inherit(const struct cg_hier *h, const char *rel, cg_err_t *err)
{
	static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
	cleanup_free char *up = xstrdup(rel);
	char *slash = strrchr(up, '/');

	if (slash)
		*slash = '\0';
	else
		up[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		cleanup_free char *mine = xasprintf("%s/%s/%s", h->mountpoint, rel, files[i]);
		cleanup_free char *theirs = xasprintf("%s/%s/%s", h->mountpoint, up, files[i]);
		cleanup_free char *cur = NULL, *val = NULL;

		if (read_file(mine, &cur, 65536, err) < 0)
			return -1;
		if (cur[0] != '\n' && cur[0] != '\0')
			continue;
		if (read_file(theirs, &val, 65536, err) < 0)
			return -1;
		val[strcspn(val, "\n")] = '\0';
		if (lcg_set(rel, CG_CPUSET, files[i], val, err) < 0)
			return -1;
	}
	return 0;
}

/* Ensure <own>/<parent> exists in one hierarchy (shared by all containers;
 * never removed here, another cgrun may be creating a container in it). */
static int ensure_parent(const struct cg_layout *l, const struct cg_hier *h, const char *rel,
			 const enum cg_ctrl *ctrls, size_t n, bool v2, cg_err_t *err)
{
	cleanup_free char *full = xasprintf("%s/%s", h->mountpoint, rel);
	struct cgroup *g;
	int r;
	(void)l;

	if (!path_exists(full)) {
		g = new_lcg(rel, ctrls, n, err);
		if (g == NULL)
			return -1;
		r = cgroup_create_cgroup(g, 1);
		cgroup_free(&g);
		if (r != 0 && !path_exists(full))
			return lcg_error(err, r, "creating cgroup %s", full);
	}
	if (!v2) {
		for (size_t i = 0; i < n; i++)
			if (ctrls[i] == CG_CPUSET && cpuset_inherit(h, rel, err) < 0)
				return cg_error_wrap(err, "preparing cpuset cgroup %s", full);
	}
	return 0;
}

static int write_subtree_control(const char *dir, const char *buf, cg_err_t *err)
{
	cleanup_free char *file = xasprintf("%s/cgroup.subtree_control", dir);

	return write_file(file, buf, err);
}

/* cgroup v2 lets a cgroup hand controllers down only while it holds no
 * process of its own ("no internal processes"). Where cgrun runs in such a
 * cgroup that is not the root (a CI job's cgroup, a container's private
 * cgroup namespace), its processes move to a leaf below it first, as
 * podman does: then the cgroup can pass controllers to cgrun's parent. A
 * few rounds, for processes forked meanwhile. */
static int evacuate(const char *dir, cg_err_t *err)
{
	cleanup_free char *leaf = xasprintf("%s/leaf", dir);
	cleanup_free char *procs = xasprintf("%s/cgroup.procs", dir);
	cleanup_free char *leaf_procs = xasprintf("%s/cgroup.procs", leaf);

	if (mkdir(leaf, 0755) < 0 && errno != EEXIST)
		return cg_error(err, errno, "creating cgroup %s", leaf);
	for (int round = 0; round < 5; round++) {
		cleanup_free char *text = NULL;
		int moved = 0;

		if (read_file(procs, &text, 1 << 20, err) < 0)
			return -1;
		for (char *p = text, *end; *p; p = end) {
			long pid = strtol(p, &end, 10);
			cg_err_t ignore = { 0 };
			char buf[32];

			if (end == p)
				break;
			while (*end == '\n')
				end++;
			snprintf(buf, sizeof(buf), "%ld", pid);
			/* One that exited meanwhile is not an error. */
			if (write_file(leaf_procs, buf, &ignore) == 0)
				moved++;
		}
		if (moved == 0)
			return 0;
	}
	return 0;
}

static int enable_v2_ctrls(const char *mountpoint, const char *dir, unsigned ctrls, cg_err_t *err)
{
	char buf[128] = "";

	for (size_t i = 0; i < ARRAY_SIZE(v2_ctrls); i++) {
		if (!(ctrls & (1u << v2_ctrls[i])))
			continue;
		strcat(buf, buf[0] ? " +" : "+");
		strcat(buf, cg_ctrl_name(v2_ctrls[i]));
	}
	if (buf[0] == '\0')
		return 0;
	if (write_subtree_control(dir, buf, err) == 0)
		return 0;
	/* The root may hold processes and still hand controllers down. */
	if (err->code == EBUSY && strcmp(dir, mountpoint) != 0) {
		cg_err_t first = *err;

		memset(err, 0, sizeof(*err));
		if (evacuate(dir, err) == 0 && write_subtree_control(dir, buf, err) == 0)
			return 0;
		if (err->code == 0)
			*err = first;
	}
	return cg_error_wrap(err, "enabling controllers (%s) in %s%s", buf, dir,
			     err->code == EBUSY ? ": the cgroup still has processes of its own; start cgrun from a leaf cgroup" : "");
}

static int create_v2(struct cg_cgroup *cg, const struct cg_layout *l, const char *parent_name,
		     const char *id, const struct cg_limits *lim, cg_err_t *err)
{
	const char *base = l->unified_base;
	cleanup_free char *prel = xasprintf("%s/%s", base[0] == '/' ? base + 1 : base, parent_name);
	cleanup_free char *own = xasprintf("%s%s", l->unified.mountpoint, base);
	cleanup_free char *pfull = xasprintf("%s/%s", l->unified.mountpoint, cg_rel_trim(prel));
	char *rel = xasprintf("%s/%s", prel, id);
	unsigned ctrls = 0;
	struct cg_write w[CG_MAX_WRITES];
	int n;

	for (size_t i = 0; i < ARRAY_SIZE(v2_ctrls); i++)
		if (l->unified_ctrls & (1u << v2_ctrls[i]))
			ctrls |= 1u << v2_ctrls[i];
	cg->unified_path = xasprintf("%s/%s", l->unified.mountpoint, rel);
	/* Controllers are handed down level by level: our own cgroup must
	 * offer them to <parent>, and <parent> to the container. */
	if (enable_v2_ctrls(l->unified.mountpoint, own, ctrls, err) < 0) {
		free(rel);
		return -1;
	}
	if (mkdir(pfull, 0755) < 0 && errno != EEXIST) {
		free(rel);
		return cg_error(err, errno, "creating cgroup %s", pfull);
	}
	if (enable_v2_ctrls(l->unified.mountpoint, pfull, ctrls, err) < 0) {
		free(rel);
		return -1;
	}
	lcg_note(cg, rel, v2_mask(ctrls));
	struct cgroup *g = lcg_build(cg, 0, err);

	if (g == NULL) {
		free(rel);
		return -1;
	}
	n = cgroup_create_cgroup(g, 1);
	cgroup_free(&g);
	if (n != 0) {
		lcg_error(err, n, "creating cgroup %s", cg->unified_path);
		free(rel);
		return -1;
	}
	cg->created = true;
	cg->ctrls = ctrls | (1u << CG_CPUACCT);
	for (int c = 0; c < CG_NCTRL; c++)
		cg->path[c] = xstrdup(cg->unified_path);
	n = cg_limits_translate(lim, true, w, CG_MAX_WRITES, err);
	for (int i = 0; n > 0 && i < n; i++)
		if (lcg_set(rel, w[i].ctrl, w[i].file, w[i].value, err) < 0) {
			free(rel);
			return -1;
		}
	free(rel);
	return n < 0 ? -1 : 0;
}

/* One v1 hierarchy a container joins: co-mounted controllers (cpu,cpuacct)
 * share it, and one libcgroup handle. */
struct v1_hier {
	enum cg_ctrl lead;
	char *prel;       /* <own>/<parent>, below the mount point */
	char *rel;        /* <own>/<parent>/<id> */
};

/* Paths and libcgroup handles of a container's v1 cgroups, creating
 * nothing: shared by cg_create and cg_open. plan has CG_NCTRL slots. */
static int v1_plan(struct cg_cgroup *cg, const struct cg_layout *l, const char *parent_name,
		   const char *id, const struct cg_limits *lim, struct v1_hier *plan, size_t *nplan,
		   cg_err_t *err)
{
	*nplan = 0;
	for (size_t i = 0; i < ARRAY_SIZE(v1_ctrls); i++) {
		enum cg_ctrl c = v1_ctrls[i], cs[CG_NCTRL];
		const struct cg_hier *h = &l->v1[c];
		bool seen = false;
		size_t ncs = 0;

		if (!h->present) {
			if (lim && (cg_limits_ctrls(lim) & (1u << c)))
				return cg_error(err, 0, "the %s controller is not mounted", cg_ctrl_name(c));
			continue;
		}
		cg->ctrls |= 1u << c;
		for (size_t j = 0; j < i; j++)
			if (cg->path[v1_ctrls[j]] && !strcmp(l->v1[v1_ctrls[j]].mountpoint, h->mountpoint)) {
				cg->path[c] = xstrdup(cg->path[v1_ctrls[j]]);
				seen = true;
			}
		if (seen)
			continue;
		for (size_t j = i; j < ARRAY_SIZE(v1_ctrls); j++)
			if (l->v1[v1_ctrls[j]].present && !strcmp(l->v1[v1_ctrls[j]].mountpoint, h->mountpoint))
				cs[ncs++] = v1_ctrls[j];
		struct v1_hier *p = &plan[(*nplan)++];

		p->lead = c;
		p->prel = cg_rel_trim(parent_rel(h, parent_name));
		p->rel = xasprintf("%s/%s", p->prel, id);
		cg->path[c] = xasprintf("%s/%s", h->mountpoint, p->rel);
		unsigned mask = 0;

		for (size_t j = 0; j < ncs; j++)
			mask |= 1u << cs[j];
		lcg_note(cg, p->rel, mask);
	}
	return 0;
}

static void v1_plan_free(struct v1_hier *plan, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(plan[i].prel);
		free(plan[i].rel);
	}
}

static int create_v1(struct cg_cgroup *cg, const struct cg_layout *l, const char *parent_name,
		     const char *id, const struct cg_limits *lim, cg_err_t *err)
{
	struct cg_write w[CG_MAX_WRITES];
	struct v1_hier plan[CG_NCTRL];
	size_t nplan = 0;
	int n, r = 0;

	if (v1_plan(cg, l, parent_name, id, lim, plan, &nplan, err) < 0) {
		v1_plan_free(plan, nplan);
		return -1;
	}
	/* Created one hierarchy after another; the undo on failure removes
	 * whichever exist (cg_destroy). */
	for (size_t k = 0; k < nplan && r == 0; k++) {
		const struct cg_hier *h = &l->v1[plan[k].lead];
		enum cg_ctrl cs[CG_NCTRL];
		size_t ncs = 0;

		for (size_t j = 0; j < ARRAY_SIZE(v1_ctrls); j++)
			if (l->v1[v1_ctrls[j]].present && !strcmp(l->v1[v1_ctrls[j]].mountpoint, h->mountpoint))
				cs[ncs++] = v1_ctrls[j];
		if (ensure_parent(l, h, plan[k].prel, cs, ncs, false, err) < 0) {
			r = -1;
			break;
		}
		struct cgroup *g = lcg_build(cg, (int)k, err);

		if (g == NULL) {
			r = -1;
			break;
		}
		n = cgroup_create_cgroup(g, 1);
		cgroup_free(&g);
		if (n != 0) {
			r = lcg_error(err, n, "creating cgroup %s", cg->path[plan[k].lead]);
			break;
		}
		cg->created = true;
		for (size_t j = 0; j < ncs; j++)
			if (cs[j] == CG_CPUSET && cpuset_inherit(h, plan[k].rel, err) < 0)
				r = cg_error_wrap(err, "preparing cpuset cgroup %s", cg->path[CG_CPUSET]);
	}
	v1_plan_free(plan, nplan);
	if (r < 0)
		return -1;
	n = cg_limits_translate(lim, false, w, CG_MAX_WRITES, err);
	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		const struct cg_hier *h = &l->v1[w[i].ctrl];
		cleanup_free char *rel = xasprintf("%s/%s/%s", cg_hier_relself(h), parent_name, id);

		if (lcg_set(cg_rel_trim(rel), w[i].ctrl, w[i].file, w[i].value, err) < 0)
			return -1;
	}
	/* On a hybrid host the container also gets a tracking cgroup in the
	 * cgroup2 mount: its cgroup.events tells when the container empties,
	 * without release_agent (as systemd does). */
	if (l->unified.present) {
		cleanup_free char *prel = cg_rel_trim(parent_rel(&l->unified, parent_name));
		cleanup_free char *pfull = xasprintf("%s/%s", l->unified.mountpoint, prel);

		if (mkdir(pfull, 0755) < 0 && errno != EEXIST)
			return cg_error(err, errno, "creating cgroup %s", pfull);
		cg->unified_path = xasprintf("%s/%s", pfull, id);
		if (mkdir(cg->unified_path, 0755) < 0) {
			int e = errno;

			free(cg->unified_path);
			cg->unified_path = NULL;
			return cg_error(err, e, "creating tracking cgroup %s/%s", pfull, id);
		}
	}
	return 0;
}

static int cgfs_create(struct cg_cgroup *cg, int gen, const struct cg_limits *lim, cg_err_t *err)
{
	(void)gen;
	if (cg_lib_init(err) < 0)
		return -1;
	cg->unified_has_ctrls = cg->layout->mode == CG_MODE_UNIFIED;
	if (cg->unified_has_ctrls)
		return create_v2(cg, cg->layout, cg->parent_name, cg->id, lim, err);
	return create_v1(cg, cg->layout, cg->parent_name, cg->id, lim, err);
}

static int cgfs_open(struct cg_cgroup *cg, const char *unit, cg_err_t *err)
{
	const struct cg_layout *l = cg->layout;
	(void)unit;

	if (cg_lib_init(err) < 0)
		return -1;
	cg->unified_has_ctrls = l->mode == CG_MODE_UNIFIED;
	if (cg->unified_has_ctrls) {
		const char *base = l->unified_base[0] == '/' ? l->unified_base + 1 : l->unified_base;
		cleanup_free char *rel = xasprintf("%s%s%s/%s", base, base[0] ? "/" : "", cg->parent_name, cg->id);

		cg->unified_path = xasprintf("%s/%s", l->unified.mountpoint, rel);
		cg->ctrls |= v2_mask(l->unified_ctrls);
		lcg_note(cg, rel, v2_mask(l->unified_ctrls));
		for (int c = 0; c < CG_NCTRL; c++)
			cg->path[c] = xstrdup(cg->unified_path);
		return 0;
	}
	struct v1_hier plan[CG_NCTRL];
	size_t nplan = 0;
	int r = v1_plan(cg, l, cg->parent_name, cg->id, NULL, plan, &nplan, err);

	v1_plan_free(plan, nplan);
	if (r < 0)
		return -1;
	if (l->unified.present) {
		cleanup_free char *prel = cg_rel_trim(parent_rel(&l->unified, cg->parent_name));

		cg->unified_path = xasprintf("%s/%s/%s", l->unified.mountpoint, prel, cg->id);
	}
	return 0;
}

static int cgfs_freeze_v1(struct cg_cgroup *cg, bool freeze, cg_err_t *err)
{
	if (cg->path[CG_FREEZER] == NULL)
		return cg_error(err, EOPNOTSUPP, "cannot pause: no freezer cgroup on this host");
	cleanup_free char *rel = xasprintf("%s/%s/%s", cg_hier_relself(&cg->layout->v1[CG_FREEZER]),
					   cg->parent_name, cg->id);

	return lcg_set(cg_rel_trim(rel), CG_FREEZER, "freezer.state", freeze ? "FROZEN" : "THAWED", err);
}

static int cgfs_update(struct cg_cgroup *cg, const struct cg_limits *only, cg_done_fn *done, void *ud,
		       cg_err_t *err)
{
	struct cg_write w[CG_MAX_WRITES];
	int n = cg_limits_translate(only, cg->unified_has_ctrls, w, CG_MAX_WRITES, err);
	(void)done; (void)ud;

	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		const struct cg_hier *h = cg->unified_has_ctrls ? &cg->layout->unified : &cg->layout->v1[w[i].ctrl];
		const char *base = cg->unified_has_ctrls ? cg->layout->unified_base : cg_hier_relself(h);
		cleanup_free char *rel = xasprintf("%s/%s/%s", base, cg->parent_name, cg->id);

		if (lcg_set(cg_rel_trim(rel), w[i].ctrl, w[i].file, w[i].value, err) < 0)
			return -1;
	}
	return 0;
}

static int cgfs_remove(struct cg_cgroup *cg, cg_err_t *err)
{
	int ret = 0;

	for (int i = 0; i < cg->nlcg; i++) {
		struct cgroup *g = lcg_build(cg, i, err);

		if (g == NULL) {
			ret = -1;
			continue;
		}
		/* Without IGNORE_MIGRATION libcgroup would move leftover tasks to
		 * the parent; a container's cgroup is empty by now, and cgrun
		 * never moves processes it did not start. rmdir can fail with
		 * EBUSY for a moment while the kernel finishes taking the last
		 * task out: retry for up to 500 ms. */
		for (int tries = 0; tries < 100; tries++) {
			int r = cgroup_delete_cgroup_ext(g, CGFLAG_DELETE_IGNORE_MIGRATION |
							 CGFLAG_DELETE_EMPTY_ONLY);

			if (r == 0 || r == ECGROUPNOTEXIST ||
			    (r == ECGOTHER && cgroup_get_last_errno() == ENOENT))
				break;
			if (r != ECGOTHER || cgroup_get_last_errno() != EBUSY || tries == 99) {
				if (ret == 0)
					ret = lcg_error(err, r, "removing cgroup %s", cg->id);
				break;
			}
			nanosleep(&(struct timespec){ .tv_nsec = 5 * 1000 * 1000 }, NULL);
		}
		cgroup_free(&g);
	}
	for (int c = 0; c < CG_NCTRL && ret == 0; c++)
		if (cg->path[c] && path_exists(cg->path[c]))
			ret = cg_error(err, EBUSY, "removing cgroup %s", cg->path[c]);
	/* The tracking cgroup has no controllers, so libcgroup cannot name it. */
	if (cg->unified_path && !cg->unified_has_ctrls) {
		int r = cg_rmdir_retry(cg->unified_path);

		if (r < 0 && ret == 0)
			ret = cg_error(err, -r, "removing cgroup %s", cg->unified_path);
	}
	return ret;
}

const struct cg_manager_ops cg_cgroupfs_ops = {
	.name = "cgroupfs",
	.default_parent = CG_DEFAULT_PARENT,
	.child_joins = true,
	.check_parent = cgfs_check_parent,
	.check_limits = cgfs_check_limits,
	.create = cgfs_create,
	.open = cgfs_open,
	.update = cgfs_update,
	.freeze_v1 = cgfs_freeze_v1,
	.remove = cgfs_remove,
};
