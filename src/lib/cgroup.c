/* cgroup.c - the cgroup manager interface (cgroup.h): the choice of a
 * manager, and what both managers share once a container's cgroups exist
 * (joining them by path, killing what is left, freezing through cgroup2). */
#include "config.h"

#include "cgroup-manager.h"
#include "ctx.h"
#include "limit-table.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sdbus.h"

int cg_manager_parse(const char *s, enum cg_manager_kind *k, cg_err_t *err)
{
	if (s && !strcmp(s, "auto"))
		*k = CG_MANAGER_AUTO;
	else if (s && !strcmp(s, "systemd"))
		*k = CG_MANAGER_SYSTEMD;
	else if (s && !strcmp(s, "cgroupfs"))
		*k = CG_MANAGER_CGROUPFS;
	else
		return cg_error(err, 0, "invalid cgroup manager '%s': use auto, systemd or cgroupfs", s ? s : "");
	return 0;
}

enum cg_manager_kind cg_manager_auto(bool systemd_booted, enum cg_mode mode)
{
	return systemd_booted && (mode == CG_MODE_UNIFIED || mode == CG_MODE_HYBRID) ?
		CG_MANAGER_SYSTEMD : CG_MANAGER_CGROUPFS;
}

bool cg_systemd_booted(void)
{
	struct stat st;

	/* sd_booted(3): systemd creates this directory early at boot. */
	return lstat("/run/systemd/system/", &st) == 0 && S_ISDIR(st.st_mode);
}

static const struct cg_manager_ops *const manager_ops[] = {
	[CG_MANAGER_CGROUPFS] = &cg_cgroupfs_ops,
	[CG_MANAGER_SYSTEMD] = &cg_systemd_ops,
};

int cg_manager_pick(struct cg_ctx *ctx, enum cg_manager_kind k, struct cg_manager **out, cg_err_t *err)
{
	const struct cg_layout *l = cg_ctx_layout(ctx, err);
	bool booted;

	if (l == NULL)
		return -1;
	booted = cg_systemd_booted();
	if (k == CG_MANAGER_AUTO)
		k = cg_manager_auto(booted, l->mode);
	if (k == CG_MANAGER_SYSTEMD && (!booted || !l->unified.present))
		return cg_error(err, 0, "the systemd cgroup manager needs systemd as PID 1 and a cgroup2 hierarchy (this is a %s host%s); use --cgroup-manager=cgroupfs",
				cg_mode_name(l->mode), booted ? "" : " without systemd");
	/* One of each kind per context: a manager holds its bus connection
	 * and its operations under way. */
	if (ctx->managers[k] == NULL) {
		ctx->managers[k] = xcalloc(1, sizeof(struct cg_manager));
		ctx->managers[k]->ops = manager_ops[k];
	}
	*out = ctx->managers[k];
	return 0;
}

const char *cg_manager_name(const struct cg_manager *m)
{
	return m->ops->name;
}

const char *cg_manager_default_parent(const struct cg_manager *m)
{
	return m->ops->default_parent;
}

int cg_manager_check_parent(const struct cg_manager *m, const char *parent, cg_err_t *err)
{
	return m->ops->check_parent(parent, err);
}

void cg_manager_set_async(struct cg_manager *m, bool async)
{
	m->async = async;
}

int cg_check_limits(const struct cg_manager *m, const struct cg_layout *l, const char *parent_name,
		    const struct cg_limits *lim, cg_err_t *err)
{
	if (m->ops->check_parent(parent_name, err) < 0)
		return -1;
	return m->ops->check_limits(l, parent_name, lim, err);
}

static void init_cg(struct cg_cgroup *cg, struct cg_manager *m, const struct cg_layout *l,
		    const char *parent_name, const char *id)
{
	memset(cg, 0, sizeof(*cg));
	cg->unified_fd = -1;
	cg->mgr = m;
	cg->layout = l;
	cg->parent_name = xstrdup(parent_name ? parent_name : m->ops->default_parent);
	cg->id = xstrdup(id);
	cg_limits_init(&cg->limits);
}

int cg_create(struct cg_cgroup *cg, struct cg_manager *m, const struct cg_layout *l,
	      const char *parent_name, const char *id, int gen, const struct cg_limits *lim,
	      cg_err_t *err)
{
	cg_err_t ignored = { 0 };
	int r;

	init_cg(cg, m, l, parent_name, id);
	r = m->ops->check_parent(cg->parent_name, err);
	if (r == 0)
		r = m->ops->create(cg, gen, lim, err);
	if (r == 0 && cg->unified_path && !cg->pending) {
		cg->unified_fd = open(cg->unified_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (cg->unified_fd < 0)
			r = cg_error(err, errno, "open %s", cg->unified_path);
	}
	if (r < 0) {
		cg_destroy(cg, &ignored);
		return -1;
	}
	return 0;
}

int cg_open(struct cg_cgroup *cg, struct cg_manager *m, const struct cg_layout *l,
	    const char *parent_name, const char *id, const char *unit, cg_err_t *err)
{
	init_cg(cg, m, l, parent_name, id);
	cg->created = true;
	return m->ops->open(cg, unit, err);
}

void cg_use_leaf(struct cg_cgroup *cg, const char *leaf)
{
	char *u = cg->unified_path ? xasprintf("%s/%s", cg->unified_path, leaf) : NULL;

	for (int c = 0; c < CG_NCTRL; c++) {
		if (cg->path[c] == NULL)
			continue;
		char *p = xasprintf("%s/%s", cg->path[c], leaf);

		free(cg->path[c]);
		cg->path[c] = p;
	}
	free(cg->unified_path);
	cg->unified_path = u;
}

bool cg_joined_by_child(const struct cg_cgroup *cg)
{
	return cg->mgr->ops->child_joins;
}

int cg_attach_start(struct cg_cgroup *cg, pid_t pid, cg_done_fn *done, void *ud, cg_err_t *err)
{
	if (cg->mgr->ops->attach == NULL)
		return 0;
	return cg->mgr->ops->attach(cg, pid, done, ud, err);
}

/* Whether cg->path[c] is a controller's cgroup already counted under an
 * earlier controller (co-mounted v1 hierarchies share one directory). */
static bool same_dir_as_earlier(const struct cg_cgroup *cg, int c)
{
	for (int k = 0; k < c; k++)
		if (cg->path[k] && (cg->ctrls & (1u << k)) && !strcmp(cg->path[k], cg->path[c]))
			return true;
	return false;
}

/* Write value to the cgroup2 cgroup's cgroup.procs (unless unified_done)
 * and to v1_file of each distinct v1 cgroup: how a process joins them. */
static int join_each(const struct cg_cgroup *cg, bool unified_done, const char *v1_file, const char *value,
		     cg_err_t *err)
{
	if (cg->unified_path && !unified_done) {
		cleanup_free char *procs = xasprintf("%s/cgroup.procs", cg->unified_path);

		if (write_file(procs, value, err) < 0)
			return cg_error_wrap(err, "joining cgroup");
	}
	if (cg->unified_has_ctrls)
		return 0;
	for (int c = 0; c < CG_NCTRL; c++) {
		if (cg->path[c] == NULL || !(cg->ctrls & (1u << c)) || same_dir_as_earlier(cg, c))
			continue;
		cleanup_free char *f = xasprintf("%s/%s", cg->path[c], v1_file);

		if (write_file(f, value, err) < 0)
			return cg_error_wrap(err, "moving the container into cgroup %s", cg->path[c]);
	}
	return 0;
}

int cg_attach(struct cg_cgroup *cg, pid_t pid, bool unified_done, cg_err_t *err)
{
	char buf[32];

	if (!cg->mgr->ops->child_joins) {
		struct cg_sync_wait w = { 0 };
		int r = cg_attach_start(cg, pid, cg_sync_done, &w, err);

		if (r > 0 && cg_finish_sync((struct cg_manager *)cg->mgr, r, &w, err) < 0) {
			cg_forget(cg, &w);
			return -1;
		}
		return r < 0 ? -1 : 0;
	}
	snprintf(buf, sizeof(buf), "%d", (int)pid);
	return join_each(cg, unified_done, "cgroup.procs", buf, err);
}

int cg_join_self(const struct cg_cgroup *cg, bool unified_done, cg_err_t *err)
{
	return join_each(cg, unified_done, "tasks", "0", err);
}

/* SIGKILL every process listed in dir/cgroup.procs; how many there were. */
static int kill_procs_in(const char *dir)
{
	cleanup_free char *procs = xasprintf("%s/cgroup.procs", dir);
	cleanup_free char *text = NULL;
	cg_err_t ignore = { 0 };
	int n = 0;

	if (read_file(procs, &text, 1 << 20, &ignore) < 0)
		return 0;
	for (char *p = text, *end; *p; p = end) {
		long pid = strtol(p, &end, 10);

		if (end == p)
			break;
		if (pid > 1 && kill((pid_t)pid, SIGKILL) == 0)
			n++;
		while (*end == '\n')
			end++;
	}
	return n;
}

/* A container's cgroups are its alone: whatever still runs in them when they
 * are removed (say an init left by a cgrund that was killed half-way through
 * starting it, whose record never said "running") is killed first. Otherwise
 * the cgroups could not go and the processes would outlive their record.
 * Rounds until the cgroups are empty, for processes forked meanwhile and
 * because a killed process stays listed until it has exited: the end of a
 * PID namespace's init can take hundreds of milliseconds on a loaded or
 * emulated machine (the removal's own retries cover 500 ms). Up to 2 s;
 * an empty cgroup returns at once. */
static void kill_leftovers(const struct cg_cgroup *cg)
{
	for (int round = 0; round < 100; round++) {
		int n = cg->unified_path ? kill_procs_in(cg->unified_path) : 0;

		for (int c = 0; c < CG_NCTRL && !cg->unified_has_ctrls; c++)
			if (cg->path[c] && (cg->ctrls & (1u << c)) && !same_dir_as_earlier(cg, c))
				n += kill_procs_in(cg->path[c]);
		if (n == 0)
			return;
		nanosleep(&(struct timespec){ .tv_nsec = 20 * 1000 * 1000 }, NULL);
	}
}

int cg_destroy(struct cg_cgroup *cg, cg_err_t *err)
{
	int ret = 0;

	if (cg->mgr && cg->created && !cg->pending)
		kill_leftovers(cg);
	if (cg->mgr && cg->created)
		ret = cg->mgr->ops->remove(cg, err);
	cg_free(cg);
	return ret;
}

int cg_freeze(struct cg_cgroup *cg, bool freeze, cg_err_t *err)
{
	/* cgroup.freeze is core cgroup2, no controller needed: on a hybrid
	 * host the tracking cgroup freezes the whole container too. */
	if (cg->unified_path) {
		cleanup_free char *f = xasprintf("%s/cgroup.freeze", cg->unified_path);

		if (write_file(f, freeze ? "1" : "0", err) < 0)
			return cg_error_wrap(err, freeze ? "pausing" : "resuming");
		return 0;
	}
	return cg->mgr->ops->freeze_v1(cg, freeze, err);
}

int cg_update(struct cg_cgroup *cg, const struct cg_limits *cur, const struct cg_limits *upd,
	      struct cg_limits *merged, cg_done_fn *done, void *ud, cg_err_t *err)
{
	struct cg_limits only;
	int r;

	*merged = *cur;
	merged->cpuset_cpus = NULL;
	cg_limits_init(&only);
	/* Fields the update sets replace the current ones; cpu.max needs the
	 * quota and the period together, so both are written when either is. */
	if (upd->cpu_quota != CG_UNSET || upd->cpu_period != CG_UNSET) {
		if (upd->cpu_quota != CG_UNSET)
			merged->cpu_quota = upd->cpu_quota;
		if (upd->cpu_period != CG_UNSET)
			merged->cpu_period = upd->cpu_period;
		only.cpu_quota = merged->cpu_quota;
		only.cpu_period = merged->cpu_period;
	}
	if (upd->cpu_shares != CG_UNSET)
		only.cpu_shares = merged->cpu_shares = upd->cpu_shares;
	if (upd->memory != CG_UNSET)
		only.memory = merged->memory = upd->memory;
	if (upd->memory_swap != CG_UNSET) {
		only.memory_swap = merged->memory_swap = upd->memory_swap;
		only.memory = merged->memory;
	}
	if (upd->pids_limit != CG_UNSET)
		only.pids_limit = merged->pids_limit = upd->pids_limit;
	if (upd->cpuset_cpus)
		only.cpuset_cpus = upd->cpuset_cpus;
	if (cg_limits_validate(merged, err) < 0)
		return -1;
	if (cg->mgr->ops->check_limits(cg->layout, cg->parent_name, &only, err) < 0)
		return -1;
	if (done == NULL) {
		struct cg_sync_wait w = { 0 };

		r = cg_finish_sync((struct cg_manager *)cg->mgr, cg->mgr->ops->update(cg, &only, cg_sync_done, &w, err),
				   &w, err);
	} else {
		r = cg->mgr->ops->update(cg, &only, done, ud, err);
	}
	if (r < 0)
		return -1;
	merged->cpuset_cpus = upd->cpuset_cpus ? xstrdup(upd->cpuset_cpus) :
			      cur->cpuset_cpus ? xstrdup(cur->cpuset_cpus) : NULL;
	return r;
}

void cg_forget(struct cg_cgroup *cg, void *ud)
{
	if (cg->mgr && cg->mgr->ops->forget)
		cg->mgr->ops->forget(cg);
	if (cg->mgr && cg->mgr->bus)
		cg_sdbus_forget(cg->mgr->bus, ud);
}

void cg_free(struct cg_cgroup *cg)
{
	if (cg->mgr && cg->mgr->ops->forget)
		cg->mgr->ops->forget(cg);
	for (int i = 0; i < cg->nlcg; i++) {
		free(cg->lrel[i]);
		cg->lrel[i] = NULL;
	}
	cg->nlcg = 0;
	for (int c = 0; c < CG_NCTRL; c++) {
		free(cg->path[c]);
		cg->path[c] = NULL;
	}
	if (cg->unified_fd >= 0)
		close(cg->unified_fd);
	cg->unified_fd = -1;
	free(cg->unified_path);
	free(cg->parent_name);
	free(cg->id);
	free(cg->unit);
	free(cg->limits.cpuset_cpus);
	cg->limits.cpuset_cpus = NULL;
	cg->unified_path = cg->parent_name = cg->id = cg->unit = NULL;
	cg->pending = false;
	cg->created = false;
}
