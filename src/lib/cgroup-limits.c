/* cgroup-limits.c - v1/v2 translation of resource limits. */
#include "config.h"

#include "cgroup-limits.h"

#include <stdio.h>
#include <string.h>

void cg_limits_init(struct cg_limits *l)
{
	memset(l, 0, sizeof(*l));
	l->cpu_quota = l->cpu_period = l->cpu_shares = CG_UNSET;
	l->memory = l->memory_swap = l->pids_limit = CG_UNSET;
}

int cg_limits_validate(const struct cg_limits *l, cg_err_t *err)
{
	if (l->cpu_quota != CG_UNSET && l->cpu_quota < 1000)
		return cg_error(err, 0, "CPU quota of %lld µs is below the kernel's minimum of 1000 µs",
				(long long)l->cpu_quota);
	if (l->cpu_quota != CG_UNSET && l->cpu_quota > 1000000LL * 1000000LL)
		return cg_error(err, 0, "CPU quota of %lld µs is too large", (long long)l->cpu_quota);
	if (l->memory_swap >= 0 && l->memory == CG_UNSET)
		return cg_error(err, 0, "--memory-swap needs --memory as well");
	if (l->memory_swap >= 0 && l->memory_swap < l->memory)
		return cg_error(err, 0, "--memory-swap (%lld) must be at least --memory (%lld): it is memory plus swap",
				(long long)l->memory_swap, (long long)l->memory);
	if (l->memory != CG_UNSET && l->memory < 6 * 1024 * 1024)
		return cg_error(err, 0, "--memory of %lld bytes is too small: the minimum is 6m",
				(long long)l->memory);
	return 0;
}

uint64_t cg_shares_to_weight(uint64_t shares)
{
	if (shares < 2)
		shares = 2;
	if (shares > 262144)
		shares = 262144;
	return 1 + ((shares - 2) * 9999) / 262142;
}

static int add(struct cg_write *out, size_t max, size_t *n, enum cg_ctrl c, const char *file,
	       cg_err_t *err, const char *fmt, ...) __attribute__((format(printf, 7, 8)));

static int add(struct cg_write *out, size_t max, size_t *n, enum cg_ctrl c, const char *file,
	       cg_err_t *err, const char *fmt, ...)
{
	va_list ap;

	if (*n >= max)
		return cg_error(err, 0, "too many cgroup settings");
	out[*n].ctrl = c;
	out[*n].file = file;
	va_start(ap, fmt);
	vsnprintf(out[*n].value, sizeof(out[*n].value), fmt, ap);
	va_end(ap);
	(*n)++;
	return 0;
}

#define ADD(c, file, ...) do { \
	if (add(out, max, &n, c, file, err, __VA_ARGS__) < 0) \
		return -1; \
} while (0)

int cg_limits_translate(const struct cg_limits *l, bool unified,
			struct cg_write *out, size_t max, cg_err_t *err)
{
	size_t n = 0;
	int64_t period = l->cpu_period == CG_UNSET ? CG_DEFAULT_PERIOD : l->cpu_period;

	if (cg_limits_validate(l, err) < 0)
		return -1;
	if (unified) {
		if (l->cpu_quota != CG_UNSET)
			ADD(CG_CPU, "cpu.max", "%lld %lld", (long long)l->cpu_quota, (long long)period);
		else if (l->cpu_period != CG_UNSET)
			ADD(CG_CPU, "cpu.max", "max %lld", (long long)period);
		if (l->cpu_shares != CG_UNSET)
			ADD(CG_CPU, "cpu.weight", "%llu",
			    (unsigned long long)cg_shares_to_weight((uint64_t)l->cpu_shares));
		if (l->cpuset_cpus)
			ADD(CG_CPUSET, "cpuset.cpus", "%s", l->cpuset_cpus);
		if (l->memory != CG_UNSET)
			ADD(CG_MEMORY, "memory.max", "%lld", (long long)l->memory);
		if (l->memory_swap == CG_UNLIMITED)
			ADD(CG_MEMORY, "memory.swap.max", "max");
		else if (l->memory_swap != CG_UNSET)
			ADD(CG_MEMORY, "memory.swap.max", "%lld",
			    (long long)(l->memory_swap - l->memory));
		if (l->pids_limit == CG_UNLIMITED)
			ADD(CG_PIDS, "pids.max", "max");
		else if (l->pids_limit != CG_UNSET)
			ADD(CG_PIDS, "pids.max", "%lld", (long long)l->pids_limit);
		return (int)n;
	}
	/* v1: the period first, so a quota valid for the new period is accepted. */
	if (l->cpu_period != CG_UNSET || l->cpu_quota != CG_UNSET)
		ADD(CG_CPU, "cpu.cfs_period_us", "%lld", (long long)period);
	if (l->cpu_quota != CG_UNSET)
		ADD(CG_CPU, "cpu.cfs_quota_us", "%lld", (long long)l->cpu_quota);
	if (l->cpu_shares != CG_UNSET)
		ADD(CG_CPU, "cpu.shares", "%lld", (long long)l->cpu_shares);
	if (l->cpuset_cpus)
		ADD(CG_CPUSET, "cpuset.cpus", "%s", l->cpuset_cpus);
	/* memsw must stay >= limit_in_bytes at every step: memory first. */
	if (l->memory != CG_UNSET)
		ADD(CG_MEMORY, "memory.limit_in_bytes", "%lld", (long long)l->memory);
	if (l->memory_swap == CG_UNLIMITED)
		ADD(CG_MEMORY, "memory.memsw.limit_in_bytes", "-1");
	else if (l->memory_swap != CG_UNSET)
		ADD(CG_MEMORY, "memory.memsw.limit_in_bytes", "%lld", (long long)l->memory_swap);
	if (l->pids_limit == CG_UNLIMITED)
		ADD(CG_PIDS, "pids.max", "max");
	else if (l->pids_limit != CG_UNSET)
		ADD(CG_PIDS, "pids.max", "%lld", (long long)l->pids_limit);
	return (int)n;
}

unsigned cg_limits_ctrls(const struct cg_limits *l)
{
	unsigned m = 0;

	if (l->cpu_quota != CG_UNSET || l->cpu_period != CG_UNSET || l->cpu_shares != CG_UNSET)
		m |= 1u << CG_CPU;
	if (l->cpuset_cpus)
		m |= 1u << CG_CPUSET;
	if (l->memory != CG_UNSET || l->memory_swap != CG_UNSET)
		m |= 1u << CG_MEMORY;
	if (l->pids_limit != CG_UNSET)
		m |= 1u << CG_PIDS;
	return m;
}
