/* cgroup-limits.c - resource limits: unset values, the cpu.shares ->
 * cpu.weight conversion. */
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

uint64_t cg_shares_to_weight(uint64_t shares)
{
	if (shares < 2)
		shares = 2;
	if (shares > 262144)
		shares = 262144;
	return 1 + ((shares - 2) * 9999) / 262142;
}
