/* limit-opts.c - parsing of the resource-limit options. */
#include "config.h"

#include "limit-opts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

int limit_opt(int opt, const char *arg, struct cg_limits *l, const char **cpus, int *r, cg_err_t *err)
{
	switch (opt) {
	case OPT_CPU_QUOTA:
		*r = parse_int_range("--cpu-quota", arg, 1000, 1000000LL * 1000000LL, &l->cpu_quota, err);
		return 1;
	case OPT_CPU_PERIOD:
		*r = parse_int_range("--cpu-period", arg, 1000, 1000000, &l->cpu_period, err);
		return 1;
	case OPT_CPUS:
		*cpus = arg;
		*r = 0;
		return 1;
	case OPT_CPU_SHARES:
		*r = parse_int_range("--cpu-shares", arg, 2, 262144, &l->cpu_shares, err);
		return 1;
	case OPT_CPUSET_CPUS:
		*r = parse_cpu_list(arg, err);
		free(l->cpuset_cpus);
		l->cpuset_cpus = xstrdup(arg);
		return 1;
	case 'm':
		*r = parse_size(arg, &l->memory, err);
		if (*r < 0)
			snprintf(err->msg, sizeof(err->msg),
				 "invalid --memory '%s': expected a positive size such as 512m or 2g", arg);
		return 1;
	case OPT_MEMORY_SWAP:
		*r = 0;
		if (!strcmp(arg, "-1"))
			l->memory_swap = CG_UNLIMITED;
		else
			*r = parse_size(arg, &l->memory_swap, err);
		return 1;
	case OPT_PIDS_LIMIT:
		*r = 0;
		if (!strcmp(arg, "-1") || !strcmp(arg, "max"))
			l->pids_limit = CG_UNLIMITED;
		else
			*r = parse_int_range("--pids-limit", arg, 1, 4194304, &l->pids_limit, err);
		return 1;
	default:
		return 0;
	}
}

int limit_opts_finish(struct cg_limits *l, const char *cpus, cg_err_t *err)
{
	int64_t period = l->cpu_period == CG_UNSET ? CG_DEFAULT_PERIOD : l->cpu_period;

	if (cpus == NULL)
		return 0;
	if (l->cpu_quota != CG_UNSET)
		return cg_error(err, 0, "--cpus and --cpu-quota both set the quota; use one of them");
	if (parse_cpus(cpus, period, &l->cpu_quota, err) < 0)
		return -1;
	if (l->cpu_quota < 1000)
		return cg_error(err, 0, "--cpus=%s is below the minimum quota of 1000 microseconds per period", cpus);
	return 0;
}
