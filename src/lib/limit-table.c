/* limit-table.c - the one table of resource limits (see limit-table.h) and
 * the code that walks it: parsing, range checks, the JSON codec, the
 * cross-checks and the v1/v2 translation. */
#include "config.h"

#include "limit-table.h"

#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "parse.h"

#define MIB (1024LL * 1024)
#define FIELD(f) offsetof(struct cg_limits, f)

static int64_t period_of(const struct cg_limits *l)
{
	return l->cpu_period == CG_UNSET ? CG_DEFAULT_PERIOD : l->cpu_period;
}

static int put(char *buf, size_t n, const char *fmt, long long v)
{
	snprintf(buf, n, fmt, v);
	return 1;
}

/* --- converters: what a set limit writes ----------------------------------------------------- */

/* v1 takes the period first, so a quota valid for the new period is accepted. */
static int period_v1(const struct cg_limits *l, char *buf, size_t n)
{
	if (l->cpu_period == CG_UNSET && l->cpu_quota == CG_UNSET)
		return 0;
	return put(buf, n, "%lld", (long long)period_of(l));
}

/* v2 has one file for both: the quota's row writes it when there is a quota. */
static int period_v2(const struct cg_limits *l, char *buf, size_t n)
{
	if (l->cpu_period == CG_UNSET || l->cpu_quota != CG_UNSET)
		return 0;
	return put(buf, n, "max %lld", (long long)l->cpu_period);
}

static int quota_v1(const struct cg_limits *l, char *buf, size_t n)
{
	if (l->cpu_quota == CG_UNSET)
		return 0;
	return put(buf, n, "%lld", (long long)l->cpu_quota);
}

static int quota_v2(const struct cg_limits *l, char *buf, size_t n)
{
	if (l->cpu_quota == CG_UNSET)
		return 0;
	snprintf(buf, n, "%lld %lld", (long long)l->cpu_quota, (long long)period_of(l));
	return 1;
}

static int shares_v1(const struct cg_limits *l, char *buf, size_t n)
{
	if (l->cpu_shares == CG_UNSET)
		return 0;
	return put(buf, n, "%lld", (long long)l->cpu_shares);
}

static int shares_v2(const struct cg_limits *l, char *buf, size_t n)
{
	if (l->cpu_shares == CG_UNSET)
		return 0;
	return put(buf, n, "%lld", (long long)cg_shares_to_weight((uint64_t)l->cpu_shares));
}

static int cpuset(const struct cg_limits *l, char *buf, size_t n)
{
	if (l->cpuset_cpus == NULL)
		return 0;
	snprintf(buf, n, "%s", l->cpuset_cpus);
	return 1;
}

static int memory(const struct cg_limits *l, char *buf, size_t n)
{
	if (l->memory == CG_UNSET)
		return 0;
	return put(buf, n, "%lld", (long long)l->memory);
}

/* v1's memsw is memory plus swap, as --memory-swap is; "-1" is no limit. */
static int swap_v1(const struct cg_limits *l, char *buf, size_t n)
{
	if (l->memory_swap == CG_UNSET)
		return 0;
	if (l->memory_swap == CG_UNLIMITED)
		return put(buf, n, "%lld", -1LL);
	return put(buf, n, "%lld", (long long)l->memory_swap);
}

/* v2's swap.max is the swap alone. */
static int swap_v2(const struct cg_limits *l, char *buf, size_t n)
{
	if (l->memory_swap == CG_UNSET)
		return 0;
	if (l->memory_swap == CG_UNLIMITED) {
		snprintf(buf, n, "max");
		return 1;
	}
	return put(buf, n, "%lld", (long long)(l->memory_swap - l->memory));
}

static int pids(const struct cg_limits *l, char *buf, size_t n)
{
	if (l->pids_limit == CG_UNSET)
		return 0;
	if (l->pids_limit == CG_UNLIMITED) {
		snprintf(buf, n, "max");
		return 1;
	}
	return put(buf, n, "%lld", (long long)l->pids_limit);
}

/* --- the table ------------------------------------------------------------------------------- */

const struct cg_limit_def cg_limit_defs[] = {
	{ .flag = "cpu-period", .arg = "US", .help = "CFS period in microseconds (1000-1000000, default 100000)",
	  .key = "cpu_period", .kind = CG_LK_INT, .min = 1000, .max = 1000000, .off = FIELD(cpu_period),
	  .ctrl = CG_CPU, .v1_file = "cpu.cfs_period_us", .v2_file = "cpu.max",
	  .to_v1 = period_v1, .to_v2 = period_v2 },
	{ .flag = "cpu-quota", .arg = "US", .help = "CPU time per period in microseconds (>= 1000)",
	  .key = "cpu_quota", .kind = CG_LK_INT, .min = 1000, .max = 1000000LL * 1000000LL,
	  .off = FIELD(cpu_quota), .ctrl = CG_CPU, .v1_file = "cpu.cfs_quota_us", .v2_file = "cpu.max",
	  .to_v1 = quota_v1, .to_v2 = quota_v2 },
	{ .flag = "cpus", .arg = "N", .help = "number of CPUs (1.5 = one and a half), sets the quota",
	  .kind = CG_LK_CPUS, .off = FIELD(cpu_quota), .ctrl = CG_CPU },
	{ .flag = "cpu-shares", .arg = "N", .help = "relative CPU weight (2-262144; cpu.weight on v2)",
	  .key = "cpu_shares", .kind = CG_LK_INT, .min = 2, .max = 262144, .off = FIELD(cpu_shares),
	  .ctrl = CG_CPU, .v1_file = "cpu.shares", .v2_file = "cpu.weight",
	  .to_v1 = shares_v1, .to_v2 = shares_v2 },
	{ .flag = "cpuset-cpus", .arg = "LIST", .help = "CPUs the container may run on (0-2,4)",
	  .key = "cpuset_cpus", .kind = CG_LK_CPULIST, .ctrl = CG_CPUSET,
	  .v1_file = "cpuset.cpus", .v2_file = "cpuset.cpus", .to_v1 = cpuset, .to_v2 = cpuset },
	{ .flag = "memory", .short_opt = 'm', .arg = "SIZE", .help = "memory limit (512m, 2g; at least 6m)",
	  .key = "memory", .kind = CG_LK_SIZE, .min = 6 * MIB, .max = INT64_MAX, .off = FIELD(memory),
	  .ctrl = CG_MEMORY, .v1_file = "memory.limit_in_bytes", .v2_file = "memory.max",
	  .to_v1 = memory, .to_v2 = memory },
	{ .flag = "memory-swap", .arg = "SIZE", .help = "memory plus swap (-1: unlimited swap)",
	  .key = "memory_swap", .kind = CG_LK_SIZE, .min = 6 * MIB, .max = INT64_MAX, .unlimited = true,
	  .off = FIELD(memory_swap), .ctrl = CG_MEMORY, .v1_file = "memory.memsw.limit_in_bytes",
	  .v2_file = "memory.swap.max", .to_v1 = swap_v1, .to_v2 = swap_v2 },
	{ .flag = "pids-limit", .arg = "N", .help = "maximum number of processes (-1 or max: none)",
	  .key = "pids_limit", .kind = CG_LK_INT, .min = 1, .max = 4194304, .unlimited = true,
	  .off = FIELD(pids_limit), .ctrl = CG_PIDS, .v1_file = "pids.max", .v2_file = "pids.max",
	  .to_v1 = pids, .to_v2 = pids },
};
const size_t cg_limit_ndefs = ARRAY_SIZE(cg_limit_defs);

/* --- lookups --------------------------------------------------------------------------------- */

const struct cg_limit_def *cg_limit_by_flag(const char *flag)
{
	for (size_t i = 0; i < cg_limit_ndefs; i++)
		if (!strcmp(cg_limit_defs[i].flag, flag))
			return &cg_limit_defs[i];
	return NULL;
}

const struct cg_limit_def *cg_limit_by_key(const char *key)
{
	for (size_t i = 0; i < cg_limit_ndefs; i++)
		if (cg_limit_defs[i].key && !strcmp(cg_limit_defs[i].key, key))
			return &cg_limit_defs[i];
	return NULL;
}

int64_t *cg_limit_field(struct cg_limits *l, const struct cg_limit_def *d)
{
	if (d->kind == CG_LK_CPULIST || d->kind == CG_LK_CPUS)
		return NULL;
	return (int64_t *)((char *)l + d->off);
}

int64_t cg_limit_value(const struct cg_limits *l, const struct cg_limit_def *d)
{
	return *cg_limit_field((struct cg_limits *)l, d);
}

bool cg_limit_is_set(const struct cg_limits *l, const struct cg_limit_def *d)
{
	if (d->kind == CG_LK_CPULIST)
		return l->cpuset_cpus != NULL;
	if (d->kind == CG_LK_CPUS)
		return false;
	return cg_limit_value(l, d) != CG_UNSET;
}

/* --- checks and parsing ---------------------------------------------------------------------- */

int cg_limit_check(const struct cg_limit_def *d, int64_t v, cg_err_t *err)
{
	if (v == CG_UNLIMITED && d->unlimited)
		return 0;
	if (v >= d->min && v <= d->max)
		return 0;
	if (d->kind == CG_LK_SIZE)
		return cg_error(err, 0, "--%s of %lld bytes is too small: the minimum is %lldm",
				d->flag, (long long)v, (long long)(d->min / MIB));
	return cg_error(err, 0, "--%s of %lld is out of range: it must be between %lld and %lld",
			d->flag, (long long)v, (long long)d->min, (long long)d->max);
}

static bool means_unlimited(const char *arg)
{
	return !strcmp(arg, "-1") || !strcmp(arg, "max");
}

int cg_limit_parse(struct cg_limit_parser *p, const struct cg_limit_def *d, const char *arg,
		   cg_err_t *err)
{
	int64_t *f = cg_limit_field(p->l, d);
	char what[64];

	snprintf(what, sizeof(what), "--%s", d->flag);
	switch (d->kind) {
	case CG_LK_CPUS:
		p->cpus = arg;
		return 0;
	case CG_LK_CPULIST:
		if (parse_cpu_list(arg, err) < 0)
			return -1;
		free(p->l->cpuset_cpus);
		p->l->cpuset_cpus = xstrdup(arg);
		return 0;
	case CG_LK_INT:
		if (d->unlimited && means_unlimited(arg)) {
			*f = CG_UNLIMITED;
			return 0;
		}
		return parse_int_range(what, arg, d->min, d->max, f, err);
	case CG_LK_SIZE:
		if (d->unlimited && means_unlimited(arg)) {
			*f = CG_UNLIMITED;
			return 0;
		}
		if (parse_size(arg, f, err) < 0)
			return cg_error(err, 0, "invalid %s '%s': expected a size such as 512m or 2g%s",
					what, arg, d->unlimited ? " (or -1 for no limit)" : "");
		return cg_limit_check(d, *f, err);
	}
	return cg_error(err, EINVAL, "unknown kind of limit for %s", what);
}

int cg_limit_parse_finish(struct cg_limit_parser *p, cg_err_t *err)
{
	struct cg_limits *l = p->l;

	if (p->cpus == NULL)
		return 0;
	if (l->cpu_quota != CG_UNSET)
		return cg_error(err, 0, "--cpus and --cpu-quota both set the quota; use one of them");
	if (parse_cpus(p->cpus, period_of(l), &l->cpu_quota, err) < 0)
		return -1;
	if (l->cpu_quota < 1000)
		return cg_error(err, 0, "--cpus=%s is below the minimum quota of 1000 microseconds per period",
				p->cpus);
	return 0;
}

/* --- JSON ------------------------------------------------------------------------------------ */

struct json_object *cg_limits_to_json(const struct cg_limits *l)
{
	struct json_object *o = json_object_new_object();

	for (size_t i = 0; i < cg_limit_ndefs; i++) {
		const struct cg_limit_def *d = &cg_limit_defs[i];

		if (d->key == NULL || !cg_limit_is_set(l, d))
			continue;
		if (d->kind == CG_LK_CPULIST)
			json_object_object_add(o, d->key, json_object_new_string(l->cpuset_cpus));
		else
			json_object_object_add(o, d->key, json_object_new_int64(cg_limit_value(l, d)));
	}
	return o;
}

int cg_limits_from_json(struct json_object *o, struct cg_limits *l, cg_err_t *err)
{
	if (!json_object_is_type(o, json_type_object)) {
		cg_error(err, EINVAL, "field 'limits' must be an object");
		return -1;
	}
	for (size_t i = 0; i < cg_limit_ndefs; i++) {
		const struct cg_limit_def *d = &cg_limit_defs[i];
		struct json_object *v;

		if (d->key == NULL || !json_object_object_get_ex(o, d->key, &v) ||
		    json_object_is_type(v, json_type_null))
			continue;
		if (d->kind == CG_LK_CPULIST) {
			if (!json_object_is_type(v, json_type_string)) {
				cg_error(err, EINVAL, "limit '%s' must be a string", d->key);
				return -1;
			}
			if (parse_cpu_list(json_object_get_string(v), err) < 0)
				return -1;
			free(l->cpuset_cpus);
			l->cpuset_cpus = xstrdup(json_object_get_string(v));
			continue;
		}
		if (!json_object_is_type(v, json_type_int)) {
			cg_error(err, EINVAL, "limit '%s' must be an integer", d->key);
			return -1;
		}
		errno = 0;
		int64_t n = json_object_get_int64(v);

		if (errno != 0) {
			cg_error(err, ERANGE, "limit '%s' out of range", d->key);
			return -1;
		}
		if (cg_limit_check(d, n, err) < 0)
			return -1;
		*cg_limit_field(l, d) = n;
	}
	return cg_limits_validate(l, err);
}

/* --- validation and translation --------------------------------------------------------------- */

int cg_limits_validate(const struct cg_limits *l, cg_err_t *err)
{
	for (size_t i = 0; i < cg_limit_ndefs; i++) {
		const struct cg_limit_def *d = &cg_limit_defs[i];

		if (cg_limit_field((struct cg_limits *)l, d) && cg_limit_is_set(l, d) &&
		    cg_limit_check(d, cg_limit_value(l, d), err) < 0)
			return -1;
	}
	if (l->memory_swap >= 0 && l->memory == CG_UNSET)
		return cg_error(err, 0, "--memory-swap needs --memory as well");
	if (l->memory_swap >= 0 && l->memory_swap < l->memory)
		return cg_error(err, 0, "--memory-swap (%lld) must be at least --memory (%lld): it is memory plus swap",
				(long long)l->memory_swap, (long long)l->memory);
	return 0;
}

int cg_limits_translate(const struct cg_limits *l, bool unified,
			struct cg_write *out, size_t max, cg_err_t *err)
{
	size_t n = 0;

	if (cg_limits_validate(l, err) < 0)
		return -1;
	for (size_t i = 0; i < cg_limit_ndefs; i++) {
		const struct cg_limit_def *d = &cg_limit_defs[i];
		int (*conv)(const struct cg_limits *, char *, size_t) = unified ? d->to_v2 : d->to_v1;

		char value[sizeof(out->value)];

		if (conv == NULL || conv(l, value, sizeof(value)) == 0)
			continue;
		if (n >= max)
			return cg_error(err, 0, "too many cgroup settings");
		memcpy(out[n].value, value, sizeof(value));
		out[n].ctrl = d->ctrl;
		out[n].file = unified ? d->v2_file : d->v1_file;
		n++;
	}
	return (int)n;
}

unsigned cg_limits_ctrls(const struct cg_limits *l)
{
	unsigned m = 0;

	for (size_t i = 0; i < cg_limit_ndefs; i++)
		if (cg_limit_is_set(l, &cg_limit_defs[i]))
			m |= 1u << cg_limit_defs[i].ctrl;
	return m;
}
