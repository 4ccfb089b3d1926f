/* cgroup-limits.h - resource limits: the struct every layer passes around.
 * What each limit means (ranges, files, translation) is the table's,
 * limit-table.h. Pure: no syscalls. */
#ifndef CGRUN_CGROUP_LIMITS_H
#define CGRUN_CGROUP_LIMITS_H

#include <stdbool.h>
#include <stdint.h>

#include "cgroup-mode.h"
#include "util.h"

#define CG_UNSET (-1)
#define CG_UNLIMITED (-2)
#define CG_DEFAULT_PERIOD 100000

struct cg_limits {
	int64_t cpu_quota;    /* µs per period, CG_UNSET */
	int64_t cpu_period;   /* µs, CG_UNSET means 100000 */
	int64_t cpu_shares;   /* 2..262144, CG_UNSET */
	char *cpuset_cpus;    /* NULL unset */
	int64_t memory;       /* bytes, CG_UNSET */
	int64_t memory_swap;  /* bytes of memory+swap, CG_UNSET or CG_UNLIMITED */
	int64_t pids_limit;   /* CG_UNSET or CG_UNLIMITED or > 0 */
};

void cg_limits_init(struct cg_limits *l);
/* runc's and crun's cpu.shares -> cpu.weight conversion. */
uint64_t cg_shares_to_weight(uint64_t shares);
#endif
