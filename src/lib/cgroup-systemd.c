/* cgroup-systemd.c - the systemd cgroup manager (cgroup-systemd.h): names,
 * slices and properties (pure), then the manager's operations. */
#include "config.h"

#include "cgroup-systemd.h"
#include "limit-table.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "cgroup-manager.h"
#include "parse.h"

void cg_systemd_scope_name(const char *id, int gen, char unit[96])
{
	if (gen > 0)
		snprintf(unit, 96, "cgrun-%.64s-%d.scope", id, gen);
	else
		snprintf(unit, 96, "cgrun-%.64s.scope", id);
}

bool cg_systemd_scope_valid(const char *id, const char *unit)
{
	size_t n = strlen(id), u = strlen(unit);
	const char *p;

	if (strncmp(unit, "cgrun-", 6) != 0 || strncmp(unit + 6, id, n) != 0 ||
	    u < 6 + n + 6 || strcmp(unit + u - 6, ".scope") != 0)
		return false;
	p = unit + 6 + n;
	if (p == unit + u - 6)
		return true;
	if (*p++ != '-' || p == unit + u - 6 || *p == '0')
		return false;
	for (; p < unit + u - 6; p++)
		if (*p < '0' || *p > '9')
			return false;
	return u - 6 - 6 - n <= 11;
}

int cg_systemd_check_slice(const char *slice, cg_err_t *err)
{
	size_t n = strlen(slice), dashes = 0;
	const char *why = NULL;

	for (size_t i = 0; i < n; i++)
		dashes += slice[i] == '-';
	if (n <= 6 || strcmp(slice + n - 6, ".slice") != 0)
		why = "it must end in '.slice'";
	/* Each '-' nests one more slice: the cgroup path grows with both. */
	else if (n > 128 || dashes > 8)
		why = "at most 128 characters and 8 levels of '-'";
	for (size_t i = 0; !why && i < n - 6; i++) {
		char c = slice[i];

		if (!isalnum((unsigned char)c) && c != '-' && c != '_' && c != '.' && c != ':' && c != '@')
			why = "use letters, digits, ':', '_', '.', '@' and '-'";
		else if (c == '-' && (i == 0 || i == n - 7 || slice[i + 1] == '-'))
			why = "a '-' nests one slice in another: none at either end, never two in a row";
	}
	if (why)
		return cg_error(err, 0, "invalid cgroup parent '%s' for the systemd cgroup manager: it names a slice, such as machine.slice or cgrun-jobs.slice; %s",
				slice, why);
	return 0;
}

void cg_systemd_slice_path(const char *slice, char *out, size_t n)
{
	size_t len = strlen(slice), pos = 0;

	out[0] = '\0';
	if (!strcmp(slice, "-.slice") || len <= 6)
		return;
	/* "a-b-c.slice": a.slice/a-b.slice/a-b-c.slice */
	for (size_t i = 0; i < len - 6; i++) {
		if (slice[i] != '-')
			continue;
		pos += (size_t)snprintf(out + pos, pos < n ? n - pos : 0, "%.*s.slice/", (int)i, slice);
	}
	snprintf(out + (pos < n ? pos : n - 1), pos < n ? n - pos : 1, "%s", slice);
}

int cg_systemd_cpu_mask(const char *list, uint8_t *bytes, size_t max, size_t *n, cg_err_t *err)
{
	const char *p = list;

	if (parse_cpu_list(list, err) < 0)
		return -1;
	memset(bytes, 0, max);
	*n = 0;
	while (*p) {
		char *end;
		long a = strtol(p, &end, 10), b = a;

		if (*end == '-')
			b = strtol(end + 1, &end, 10);
		for (long c = a; c <= b; c++) {
			if ((size_t)c / 8 >= max)
				return cg_error(err, 0, "CPU %ld is beyond what cgrun can pass to systemd", c);
			bytes[c / 8] |= (uint8_t)(1u << (c % 8));
			if ((size_t)c / 8 + 1 > *n)
				*n = (size_t)c / 8 + 1;
		}
		p = *end == ',' ? end + 1 : end;
	}
	return 0;
}

static struct cg_unit_prop *prop(struct cg_unit_prop *out, size_t max, size_t *n, const char *name,
				 enum cg_prop_type type)
{
	if (*n >= max)
		return NULL;
	memset(&out[*n], 0, sizeof(out[*n]));
	out[*n].name = name;
	out[*n].type = type;
	return &out[(*n)++];
}

#define U64_PROP(name, v) do { \
	struct cg_unit_prop *p_ = prop(out, max, &n, name, CG_PROP_U64); \
	if (p_ == NULL) \
		return cg_error(err, 0, "too many unit properties"); \
	p_->u64 = (v); \
} while (0)

int cg_systemd_limit_props(const struct cg_limits *lim, bool unified, struct cg_unit_prop *out,
			   size_t max, cg_err_t *err)
{
	int64_t period = lim->cpu_period == CG_UNSET ? CG_DEFAULT_PERIOD : lim->cpu_period;
	size_t n = 0;

	if (cg_limits_validate(lim, err) < 0)
		return -1;
	if (!unified && lim->cpuset_cpus)
		return cg_error(err, 0, "cannot apply --cpuset-cpus with the systemd cgroup manager on a hybrid host (systemd sets no v1 cpuset); use --cgroup-manager=cgroupfs");
	if (!unified && lim->memory_swap >= 0)
		return cg_error(err, 0, "cannot apply --memory-swap with the systemd cgroup manager on a hybrid host (systemd sets no v1 memory.memsw); use --cgroup-manager=cgroupfs");
	if (lim->cpu_quota != CG_UNSET) {
		/* Quota per second, rounded up: systemd writes cpu.max as
		 * floor(per_sec * period / 1 s), which gives the quota back
		 * exactly for any period up to 1 s. */
		uint64_t per_sec = ((uint64_t)lim->cpu_quota * 1000000 + (uint64_t)period - 1) / (uint64_t)period;

		U64_PROP("CPUQuotaPerSecUSec", per_sec);
	}
	if (lim->cpu_quota != CG_UNSET || lim->cpu_period != CG_UNSET)
		U64_PROP("CPUQuotaPeriodUSec", (uint64_t)period);
	if (lim->cpu_shares != CG_UNSET) {
		if (unified)
			U64_PROP("CPUWeight", cg_shares_to_weight((uint64_t)lim->cpu_shares));
		else
			U64_PROP("CPUShares", (uint64_t)lim->cpu_shares);
	}
	if (lim->cpuset_cpus) {
		struct cg_unit_prop *p = prop(out, max, &n, "AllowedCPUs", CG_PROP_BYTES);

		if (p == NULL)
			return cg_error(err, 0, "too many unit properties");
		if (cg_systemd_cpu_mask(lim->cpuset_cpus, p->bytes, sizeof(p->bytes), &p->nbytes, err) < 0)
			return -1;
	}
	if (lim->memory != CG_UNSET)
		U64_PROP("MemoryMax", (uint64_t)lim->memory);
	if (lim->memory_swap == CG_UNLIMITED && unified)
		U64_PROP("MemorySwapMax", UINT64_MAX);
	else if (lim->memory_swap >= 0)
		U64_PROP("MemorySwapMax", (uint64_t)(lim->memory_swap - lim->memory));
	if (lim->pids_limit == CG_UNLIMITED)
		U64_PROP("TasksMax", UINT64_MAX);
	else if (lim->pids_limit != CG_UNSET)
		U64_PROP("TasksMax", (uint64_t)lim->pids_limit);
	return (int)n;
}

/* --- the manager ------------------------------------------------------ */

/* v1 controllers systemd makes a delegated unit's cgroup in (hybrid;
 * devices only with a DevicePolicy, which cgrun's scopes have none of:
 * the container's devices are nodev mounts). */
static const enum cg_ctrl v1_ctrls[] = { CG_CPU, CG_CPUACCT, CG_MEMORY, CG_PIDS };

static int sd_check_parent(const char *parent, cg_err_t *err)
{
	return cg_systemd_check_slice(parent, err);
}

static int sd_check_limits(const struct cg_layout *l, const char *parent, const struct cg_limits *lim,
			   cg_err_t *err)
{
	struct cg_unit_prop props[16];
	bool unified = l->mode == CG_MODE_UNIFIED;
	unsigned need = cg_limits_ctrls(lim);
	(void)parent;

	if (cg_systemd_limit_props(lim, unified, props, ARRAY_SIZE(props), err) < 0)
		return -1;
	for (int c = 0; c < CG_NCTRL; c++) {
		if (!(need & (1u << c)))
			continue;
		/* systemd enables in the slices what the kernel has: cgroup2's
		 * root lists every controller it has (v2), or the v1 mounts. */
		if (unified ? !(l->root_ctrls & (1u << c)) : !l->v1[c].present)
			return cg_error(err, 0, "cannot apply the %s limits: this %s-cgroup host has no %s controller",
					cg_ctrl_name(c), cg_mode_name(l->mode), cg_ctrl_name(c));
	}
	if (unified && lim->cpuset_cpus) {
		cleanup_free char *f = xasprintf("%s/cpuset.cpus.effective", l->unified.mountpoint);
		cleanup_free char *avail = NULL;
		cg_err_t ignore = { 0 };

		if (read_file(f, &avail, 65536, &ignore) == 0 && !cpu_list_subset(lim->cpuset_cpus, avail)) {
			avail[strcspn(avail, "\n")] = 0;
			return cg_error(err, 0, "cannot apply --cpuset-cpus=%s: the CPUs available here are %s",
					lim->cpuset_cpus, avail);
		}
	}
	return 0;
}

/* The scope's cgroup in every hierarchy, from its slice and name. */
static void sd_paths(struct cg_cgroup *cg)
{
	const struct cg_layout *l = cg->layout;
	char slice[2048];  /* 9 levels of at most 128 characters (cg_systemd_check_slice) */

	cg_systemd_slice_path(cg->parent_name, slice, sizeof(slice));
	cg->unified_path = xasprintf("%s%s%s/%s", l->unified.mountpoint, slice[0] ? "/" : "", slice, cg->unit);
	cg->unified_has_ctrls = l->mode == CG_MODE_UNIFIED;
	if (cg->unified_has_ctrls) {
		for (int c = 0; c < CG_NCTRL; c++)
			cg->path[c] = xstrdup(cg->unified_path);
		cg->ctrls = l->root_ctrls | (1u << CG_CPUACCT);
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(v1_ctrls); i++) {
		const struct cg_hier *h = &l->v1[v1_ctrls[i]];

		if (!h->present)
			continue;
		cg->path[v1_ctrls[i]] = xasprintf("%s%s%s/%s", h->mountpoint, slice[0] ? "/" : "", slice, cg->unit);
		cg->ctrls |= 1u << v1_ctrls[i];
	}
}

/* On a hybrid host, systemd makes a delegated unit's cgroup only in the
 * v1 hierarchies it realizes for it (not devices without a DevicePolicy,
 * say): forget the others once the scope exists. */
static void prune_v1(struct cg_cgroup *cg)
{
	if (cg->unified_has_ctrls)
		return;
	for (int c = 0; c < CG_NCTRL; c++)
		if (cg->path[c] && !path_exists(cg->path[c])) {
			free(cg->path[c]);
			cg->path[c] = NULL;
			cg->ctrls &= ~(1u << c);
		}
}

static int sd_create(struct cg_cgroup *cg, int gen, const struct cg_limits *lim, cg_err_t *err)
{
	char unit[96];

	cg_systemd_scope_name(cg->id, gen, unit);
	cg->unit = xstrdup(unit);
	cg->limits = *lim;
	cg->limits.cpuset_cpus = lim->cpuset_cpus ? xstrdup(lim->cpuset_cpus) : NULL;
	sd_paths(cg);
	/* Nothing exists until the init is attached: systemd makes the scope
	 * around a process. */
	cg->pending = true;
	cg->created = true;
	(void)err;
	return 0;
}

static int sd_open(struct cg_cgroup *cg, const char *unit, cg_err_t *err)
{
	if (unit == NULL || !cg_systemd_scope_valid(cg->id, unit))
		return cg_error(err, EINVAL, "container %.12s: '%s' is not one of its scopes", cg->id,
				unit ? unit : "");
	cg->unit = xstrdup(unit);
	sd_paths(cg);
	prune_v1(cg);
	return 0;
}

struct attach_op {
	struct cg_cgroup *cg;
	cg_done_fn *done;
	void *ud;
};

static void attached(void *ud, const cg_err_t *err)
{
	struct attach_op *a = ud;
	cg_done_fn *done = a->done;
	void *caller = a->ud;

	/* The init is in the scope now. A failed job may still have made the
	 * scope: cg_destroy stops it either way. */
	if (a->cg) {
		a->cg->attach_op = NULL;
		a->cg->pending = false;
		if (err == NULL)
			prune_v1(a->cg);
	}
	free(a);
	if (done)
		done(caller, err);
}

/* The cgroup or its owner is going while systemd makes the scope: the
 * answer, when it comes, goes nowhere. */
static void sd_forget(struct cg_cgroup *cg)
{
	struct attach_op *a = cg->attach_op;

	if (a) {
		a->cg = NULL;
		a->done = NULL;
	}
	cg->attach_op = NULL;
}

static int sd_attach(struct cg_cgroup *cg, pid_t pid, cg_done_fn *done, void *ud, cg_err_t *err)
{
	struct cg_manager *m = (struct cg_manager *)cg->mgr;
	struct cg_sdbus *bus = cg_manager_bus(m, err);
	struct cg_unit_prop props[24];
	cleanup_free char *desc = xasprintf("cgrun container %.12s", cg->id);
	size_t n = 0;
	int r;

	if (bus == NULL)
		return -1;
	props[n++] = (struct cg_unit_prop){ .name = "Description", .type = CG_PROP_STRING, .str = desc };
	props[n++] = (struct cg_unit_prop){ .name = "Slice", .type = CG_PROP_STRING, .str = cg->parent_name };
	/* The container's own cgroup namespace may make cgroups below it
	 * (a privileged container, systemd in a container). */
	props[n++] = (struct cg_unit_prop){ .name = "Delegate", .type = CG_PROP_BOOL, .b = true };
	/* Gone once empty, even when the job failed: nothing lingers. */
	props[n++] = (struct cg_unit_prop){ .name = "CollectMode", .type = CG_PROP_STRING, .str = "inactive-or-failed" };
	props[n++] = (struct cg_unit_prop){ .name = "PIDs", .type = CG_PROP_PIDS, .u64 = (uint64_t)pid };
	r = cg_systemd_limit_props(&cg->limits, cg->unified_has_ctrls, props + n, ARRAY_SIZE(props) - n, err);
	if (r < 0)
		return -1;
	n += (size_t)r;
	struct attach_op *a = xcalloc(1, sizeof(*a));

	a->cg = cg;
	a->done = done;
	a->ud = ud;
	if (cg_sdbus_start_unit(bus, cg->unit, props, n, attached, a, err) < 0) {
		free(a);
		return -1;
	}
	cg->attach_op = a;
	cg->asked = true;
	return 1;
}

static int sd_update(struct cg_cgroup *cg, const struct cg_limits *only, cg_done_fn *done, void *ud,
		     cg_err_t *err)
{
	struct cg_sdbus *bus = cg_manager_bus((struct cg_manager *)cg->mgr, err);
	struct cg_unit_prop props[16];
	int n;

	if (bus == NULL)
		return -1;
	n = cg_systemd_limit_props(only, cg->unified_has_ctrls, props, ARRAY_SIZE(props), err);
	if (n < 0)
		return -1;
	if (n == 0)
		return 0;
	if (cg_sdbus_set_properties(bus, cg->unit, props, (size_t)n, done, ud, err) < 0)
		return -1;
	return 1;
}

static int sd_freeze_v1(struct cg_cgroup *cg, bool freeze, cg_err_t *err)
{
	(void)cg; (void)freeze;
	return cg_error(err, EOPNOTSUPP, "cannot pause: no cgroup2 hierarchy to freeze the scope in");
}

/* Whether the scope's cgroup still holds a process (false once gone). */
static bool populated(const struct cg_cgroup *cg)
{
	cleanup_free char *f = xasprintf("%s/cgroup.events", cg->unified_path);
	cleanup_free char *text = NULL;
	cg_err_t ignore = { 0 };

	return read_file(f, &text, 4096, &ignore) == 0 && strstr(text, "populated 1") != NULL;
}

static int sd_remove(struct cg_cgroup *cg, cg_err_t *err)
{
	struct cg_manager *m = (struct cg_manager *)cg->mgr;
	struct cg_sync_wait w = { 0 };
	bool attaching = cg->attach_op != NULL;
	struct cg_sdbus *bus;

	/* Never asked for: nothing to stop. */
	if ((cg->pending && !cg->asked) || cg->unit == NULL)
		return 0;
	sd_forget(cg);
	/* An empty scope is stopped and removed by systemd itself as soon as
	 * it sees the cgroup empty: asking, and waiting for the stop job, cost
	 * an in-process run about as much as making the scope (measured in the
	 * systemd test VM). Only a scope still being made, or one with
	 * processes cg_destroy could not kill, is stopped explicitly. */
	if (!attaching && !cg->pending && !populated(cg))
		return 0;
	bus = cg_manager_bus(m, err);
	if (bus == NULL)
		return -1;
	if (cg_sdbus_stop_unit(bus, cg->unit, false, m->async ? NULL : cg_sync_done, &w, err) < 0)
		return -1;
	/* In-process: systemd's answer only (the stop itself goes on), so
	 * that the request is out before cgrun exits. */
	return m->async ? 0 : cg_finish_sync(m, 1, &w, err);
}

const struct cg_manager_ops cg_systemd_ops = {
	.name = "systemd",
	.default_parent = CG_DEFAULT_SLICE,
	.child_joins = false,
	.uses_bus = true,
	.check_parent = sd_check_parent,
	.check_limits = sd_check_limits,
	.create = sd_create,
	.open = sd_open,
	.attach = sd_attach,
	.update = sd_update,
	.freeze_v1 = sd_freeze_v1,
	.remove = sd_remove,
	.forget = sd_forget,
};
