/* cgroup-limits.c - resource limits: their cross-checks and their v1/v2 translation, both
 * walking the table of limit-table.c. */
#include "config.h"

#include "cgroup-limits.h"

#include "limit-table.h"

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

uint64_t cg_shares_to_weight(uint64_t shares)
{
	if (shares < 2)
		shares = 2;
	if (shares > 262144)
		shares = 262144;
	return 1 + ((shares - 2) * 9999) / 262142;
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
