/* limit-table.h - the one table of resource limits. Each row says how a
 * limit is spelled on the command line (flag, argument, help), on the wire
 * and in config.json (key), which values it takes (kind, range), and what
 * it becomes in a v1 or a v2 cgroup (controller, file, converter). CLI
 * parsing, the protocol codec, validation and cgroupfs translation all walk
 * this table; a new limit is one row. Pure: no syscalls, no printing. */
#ifndef CGRUN_LIMIT_TABLE_H
#define CGRUN_LIMIT_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cgroup-limits.h"
#include "cgroup-mode.h"
#include "util.h"

struct json_object;

enum cg_limit_kind {
	CG_LK_INT,     /* a decimal integer in [min, max] */
	CG_LK_SIZE,    /* bytes, written as 512m or 2g, at least min */
	CG_LK_CPUS,    /* a decimal number of CPUs: sets the quota for the period */
	CG_LK_CPULIST, /* a CPU list such as 0-2,4 */
};

struct cg_limit_def {
	const char *flag;    /* long option, without "--" */
	int short_opt;       /* 'm', or 0 */
	const char *arg;     /* the argument's name in --help */
	const char *help;    /* one line for --help */
	const char *key;     /* JSON key (wire, config.json); NULL: not stored */
	enum cg_limit_kind kind;
	int64_t min, max;    /* range of a stored number */
	bool unlimited;      /* "-1" (and "max") stand for no limit */
	size_t off;          /* the int64_t field in struct cg_limits (not CPULIST) */
	enum cg_ctrl ctrl;   /* the controller it needs */
	const char *v1_file, *v2_file;
	/* The value to write for this limit into buf: 1 write it, 0 nothing to
	 * write. NULL: this row writes no file of its own. */
	int (*to_v1)(const struct cg_limits *l, char *buf, size_t n);
	int (*to_v2)(const struct cg_limits *l, char *buf, size_t n);
};

/* In the order the files must be written (v1: the period before the quota,
 * memory before memory+swap). */
extern const struct cg_limit_def cg_limit_defs[];
extern const size_t cg_limit_ndefs;

const struct cg_limit_def *cg_limit_by_flag(const char *flag);
const struct cg_limit_def *cg_limit_by_key(const char *key);
/* The stored number of a row (NULL for CPULIST and CPUS rows). */
int64_t *cg_limit_field(struct cg_limits *l, const struct cg_limit_def *d);
int64_t cg_limit_value(const struct cg_limits *l, const struct cg_limit_def *d);
/* Is this row's limit set in l? */
bool cg_limit_is_set(const struct cg_limits *l, const struct cg_limit_def *d);

/* Command-line parsing. --cpus depends on --cpu-period, whichever comes
 * first, so it is kept until cg_limit_parse_finish. */
struct cg_limit_parser {
	struct cg_limits *l;
	const char *cpus;
};
int cg_limit_parse(struct cg_limit_parser *p, const struct cg_limit_def *d, const char *arg,
		   cg_err_t *err);
int cg_limit_parse_finish(struct cg_limit_parser *p, cg_err_t *err);

/* A stored value against its row's range (wire, config.json, validation). */
int cg_limit_check(const struct cg_limit_def *d, int64_t v, cg_err_t *err);

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
/* Bit per enum cg_ctrl that these limits write to. */
unsigned cg_limits_ctrls(const struct cg_limits *l);

/* The limits as a JSON object of the set ones, and back (range-checked,
 * then cg_limits_validate). */
struct json_object *cg_limits_to_json(const struct cg_limits *l);
int cg_limits_from_json(struct json_object *o, struct cg_limits *l, cg_err_t *err);

#endif
