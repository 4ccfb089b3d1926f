/* limit-opts.h - the resource-limit options `run` and `update` share. */
#ifndef CGRUN_LIMIT_OPTS_H
#define CGRUN_LIMIT_OPTS_H

#include <getopt.h>

#include "cgroup-limits.h"
#include "util.h"

enum {
	OPT_CPU_QUOTA = 1000, OPT_CPU_PERIOD, OPT_CPUS, OPT_CPU_SHARES, OPT_CPUSET_CPUS,
	OPT_MEMORY_SWAP, OPT_PIDS_LIMIT, OPT_LIMIT_LAST,
};

#define LIMIT_LONG_OPTIONS \
	{ "cpu-quota", required_argument, NULL, OPT_CPU_QUOTA }, \
	{ "cpu-period", required_argument, NULL, OPT_CPU_PERIOD }, \
	{ "cpus", required_argument, NULL, OPT_CPUS }, \
	{ "cpu-shares", required_argument, NULL, OPT_CPU_SHARES }, \
	{ "cpuset-cpus", required_argument, NULL, OPT_CPUSET_CPUS }, \
	{ "memory", required_argument, NULL, 'm' }, \
	{ "memory-swap", required_argument, NULL, OPT_MEMORY_SWAP }, \
	{ "pids-limit", required_argument, NULL, OPT_PIDS_LIMIT }

/* Handle one getopt result if it is a limit option: returns 1 (handled,
 * *r set to 0 or -1 with err) or 0 (not a limit option). --cpus is kept in
 * *cpus until limit_opts_finish, as it depends on --cpu-period. */
int limit_opt(int opt, const char *arg, struct cg_limits *l, const char **cpus, int *r, cg_err_t *err);
int limit_opts_finish(struct cg_limits *l, const char *cpus, cg_err_t *err);

#endif
