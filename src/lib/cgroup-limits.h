/* cgroup-limits.h - resource limits and their translation to the v1 or v2
 * cgroup files (DESIGN.md's table). Pure: no syscalls. */
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
/* Cross-checks (swap >= memory, swap needs memory, ...). */
int cg_limits_validate(const struct cg_limits *l, cg_err_t *err);

struct cg_write {
	enum cg_ctrl ctrl;
	const char *file;
	char value[64];
};

#define CG_MAX_WRITES 16

/* Translate limits into file writes, in the order they must be made.
 * `unified` selects the cgroup2 files. Returns the number of writes. */
int cg_limits_translate(const struct cg_limits *l, bool unified,
			struct cg_write *out, size_t max, cg_err_t *err);
/* runc's and crun's cpu.shares -> cpu.weight conversion. */
uint64_t cg_shares_to_weight(uint64_t shares);
/* Bit per enum cg_ctrl that these limits write to. */
unsigned cg_limits_ctrls(const struct cg_limits *l);

#endif
