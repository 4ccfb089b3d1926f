/* test_cgroup_limits.c - v1/v2 translation of resource limits, one test per
 * row of DESIGN.md's table (src/lib/cgroup-limits.c). */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "cgroup-limits.h"
#include "limit-table.h"

#define MB (1024LL * 1024)

struct result {
	int n;
	struct cg_write w[CG_MAX_WRITES];
	cg_err_t err;
};

static void translate(const struct cg_limits *l, bool unified, struct result *r)
{
	memset(r, 0, sizeof(*r));
	r->n = cg_limits_translate(l, unified, r->w, CG_MAX_WRITES, &r->err);
	if (r->n < 0)
		fail_msg("cg_limits_translate failed: %s", r->err.msg);
}

/* Check write i: controller, file and value. */
static void expect(const struct result *r, int i, enum cg_ctrl c, const char *file,
		   const char *value)
{
	if (i >= r->n)
		fail_msg("expected a write #%d to %s, only %d writes", i, file, r->n);
	assert_int_equal(r->w[i].ctrl, c);
	assert_string_equal(r->w[i].file, file);
	assert_string_equal(r->w[i].value, value);
}

static const char *fmt(long long v)
{
	static char buf[4][32];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%lld", v);
	return buf[k];
}

static void test_init(void **state)
{
	struct cg_limits l;
	struct result r;

	(void)state;
	memset(&l, 0x5a, sizeof(l));
	cg_limits_init(&l);
	assert_int_equal(l.cpu_quota, CG_UNSET);
	assert_int_equal(l.cpu_period, CG_UNSET);
	assert_int_equal(l.cpu_shares, CG_UNSET);
	assert_null(l.cpuset_cpus);
	assert_int_equal(l.memory, CG_UNSET);
	assert_int_equal(l.memory_swap, CG_UNSET);
	assert_int_equal(l.pids_limit, CG_UNSET);
	/* No limits, no writes, no controllers. */
	translate(&l, false, &r);
	assert_int_equal(r.n, 0);
	translate(&l, true, &r);
	assert_int_equal(r.n, 0);
	assert_int_equal(cg_limits_ctrls(&l), 0);
}

/* --cpu-quota=2000 (period defaults to 100000). */
static void test_cpu_quota_v1(void **state)
{
	struct cg_limits l;
	struct result r;

	(void)state;
	cg_limits_init(&l);
	l.cpu_quota = 2000;
	translate(&l, false, &r);
	assert_int_equal(r.n, 2);
	/* The period first, then the quota. */
	expect(&r, 0, CG_CPU, "cpu.cfs_period_us", fmt(CG_DEFAULT_PERIOD));
	expect(&r, 1, CG_CPU, "cpu.cfs_quota_us", "2000");
}

static void test_cpu_quota_v2(void **state)
{
	struct cg_limits l;
	struct result r;

	(void)state;
	cg_limits_init(&l);
	l.cpu_quota = 2000;
	translate(&l, true, &r);
	assert_int_equal(r.n, 1);
	expect(&r, 0, CG_CPU, "cpu.max", "2000 100000");
}

/* --cpu-quota=5000 --cpu-period=50000. */
static void test_cpu_quota_period_v1(void **state)
{
	struct cg_limits l;
	struct result r;

	(void)state;
	cg_limits_init(&l);
	l.cpu_quota = 5000;
	l.cpu_period = 50000;
	translate(&l, false, &r);
	assert_int_equal(r.n, 2);
	expect(&r, 0, CG_CPU, "cpu.cfs_period_us", "50000");
	expect(&r, 1, CG_CPU, "cpu.cfs_quota_us", "5000");
}

static void test_cpu_quota_period_v2(void **state)
{
	struct cg_limits l;
	struct result r;

	(void)state;
	cg_limits_init(&l);
	l.cpu_quota = 5000;
	l.cpu_period = 50000;
	translate(&l, true, &r);
	assert_int_equal(r.n, 1);
	expect(&r, 0, CG_CPU, "cpu.max", "5000 50000");
}

/* --cpu-period alone: no quota. */
static void test_cpu_period_only_v1(void **state)
{
	struct cg_limits l;
	struct result r;

	(void)state;
	cg_limits_init(&l);
	l.cpu_period = 20000;
	translate(&l, false, &r);
	assert_int_equal(r.n, 1);
	expect(&r, 0, CG_CPU, "cpu.cfs_period_us", "20000");
}

static void test_cpu_period_only_v2(void **state)
{
	struct cg_limits l;
	struct result r;

	(void)state;
	cg_limits_init(&l);
	l.cpu_period = 20000;
	translate(&l, true, &r);
	assert_int_equal(r.n, 1);
	expect(&r, 0, CG_CPU, "cpu.max", "max 20000");
}

/* --cpus=1.5 arrives as quota 150000 for the default period. */
static void test_cpus_row(void **state)
{
	struct cg_limits l;
	struct result r;

	(void)state;
	cg_limits_init(&l);
	l.cpu_quota = 150000;
	translate(&l, false, &r);
	assert_int_equal(r.n, 2);
	expect(&r, 0, CG_CPU, "cpu.cfs_period_us", "100000");
	expect(&r, 1, CG_CPU, "cpu.cfs_quota_us", "150000");
	translate(&l, true, &r);
	assert_int_equal(r.n, 1);
	expect(&r, 0, CG_CPU, "cpu.max", "150000 100000");
}

static void test_shares_to_weight(void **state)
{
	(void)state;
	/* runc: 1 + ((shares - 2) * 9999) / 262142. */
	assert_int_equal(cg_shares_to_weight(2), 1);
	assert_int_equal(cg_shares_to_weight(1024), 39);
	assert_int_equal(cg_shares_to_weight(262144), 10000);
	assert_int_equal(cg_shares_to_weight(512), 1 + (510 * 9999) / 262142);
	assert_int_equal(cg_shares_to_weight(100000), 1 + (99998ULL * 9999) / 262142);
	/* Out of range values are clamped to the range of cpu.weight. */
	assert_int_equal(cg_shares_to_weight(0), 1);
	assert_int_equal(cg_shares_to_weight(1), 1);
	assert_int_equal(cg_shares_to_weight(1000000), 10000);
}

static void test_cpu_shares_v1(void **state)
{
	struct cg_limits l;
	struct result r;

	(void)state;
	cg_limits_init(&l);
	l.cpu_shares = 512;
	translate(&l, false, &r);
	assert_int_equal(r.n, 1);
	expect(&r, 0, CG_CPU, "cpu.shares", "512");
}

static void test_cpu_shares_v2(void **state)
{
	struct cg_limits l;
	struct result r;

	(void)state;
	cg_limits_init(&l);
	l.cpu_shares = 1024;
	translate(&l, true, &r);
	assert_int_equal(r.n, 1);
	expect(&r, 0, CG_CPU, "cpu.weight", "39");
	l.cpu_shares = 512;
	translate(&l, true, &r);
	expect(&r, 0, CG_CPU, "cpu.weight", fmt((long long)cg_shares_to_weight(512)));
}

static void test_cpuset_v1(void **state)
{
	struct cg_limits l;
	struct result r;

	(void)state;
	cg_limits_init(&l);
	l.cpuset_cpus = "0-1,3";
	translate(&l, false, &r);
	assert_int_equal(r.n, 1);
	expect(&r, 0, CG_CPUSET, "cpuset.cpus", "0-1,3");
}

static void test_cpuset_v2(void **state)
{
	struct cg_limits l;
	struct result r;

	(void)state;
	cg_limits_init(&l);
	l.cpuset_cpus = "1";
	translate(&l, true, &r);
	assert_int_equal(r.n, 1);
	expect(&r, 0, CG_CPUSET, "cpuset.cpus", "1");
}

static void test_memory_v1(void **state)
{
	struct cg_limits l;
	struct result r;

	(void)state;
	cg_limits_init(&l);
	l.memory = 64 * MB;
	translate(&l, false, &r);
	assert_int_equal(r.n, 1);
	expect(&r, 0, CG_MEMORY, "memory.limit_in_bytes", fmt(64 * MB));
}

static void test_memory_v2(void **state)
{
	struct cg_limits l;
	struct result r;

	(void)state;
	cg_limits_init(&l);
	l.memory = 64 * MB;
	translate(&l, true, &r);
	assert_int_equal(r.n, 1);
	expect(&r, 0, CG_MEMORY, "memory.max", fmt(64 * MB));
}

/* --memory=64m --memory-swap=100m: v1 takes memory+swap, v2 swap alone. */
static void test_memory_swap_v1(void **state)
{
	struct cg_limits l;
	struct result r;

	(void)state;
	cg_limits_init(&l);
	l.memory = 64 * MB;
	l.memory_swap = 100 * MB;
	translate(&l, false, &r);
	assert_int_equal(r.n, 2);
	/* memsw must never be below limit_in_bytes: memory first. */
	expect(&r, 0, CG_MEMORY, "memory.limit_in_bytes", fmt(64 * MB));
	expect(&r, 1, CG_MEMORY, "memory.memsw.limit_in_bytes", fmt(100 * MB));
}

static void test_memory_swap_v2(void **state)
{
	struct cg_limits l;
	struct result r;

	(void)state;
	cg_limits_init(&l);
	l.memory = 64 * MB;
	l.memory_swap = 100 * MB;
	translate(&l, true, &r);
	assert_int_equal(r.n, 2);
	expect(&r, 0, CG_MEMORY, "memory.max", fmt(64 * MB));
	expect(&r, 1, CG_MEMORY, "memory.swap.max", fmt(36 * MB));

	/* Swap equal to memory: no swap at all. */
	l.memory_swap = 64 * MB;
	translate(&l, true, &r);
	expect(&r, 1, CG_MEMORY, "memory.swap.max", "0");
}

static void test_memory_swap_unlimited(void **state)
{
	struct cg_limits l;
	struct result r;

	(void)state;
	cg_limits_init(&l);
	l.memory = 64 * MB;
	l.memory_swap = CG_UNLIMITED;
	translate(&l, false, &r);
	assert_int_equal(r.n, 2);
	expect(&r, 0, CG_MEMORY, "memory.limit_in_bytes", fmt(64 * MB));
	expect(&r, 1, CG_MEMORY, "memory.memsw.limit_in_bytes", "-1");
	translate(&l, true, &r);
	assert_int_equal(r.n, 2);
	expect(&r, 0, CG_MEMORY, "memory.max", fmt(64 * MB));
	expect(&r, 1, CG_MEMORY, "memory.swap.max", "max");
}

static void test_pids_v1(void **state)
{
	struct cg_limits l;
	struct result r;

	(void)state;
	cg_limits_init(&l);
	l.pids_limit = 64;
	translate(&l, false, &r);
	assert_int_equal(r.n, 1);
	expect(&r, 0, CG_PIDS, "pids.max", "64");
	l.pids_limit = CG_UNLIMITED;
	translate(&l, false, &r);
	assert_int_equal(r.n, 1);
	expect(&r, 0, CG_PIDS, "pids.max", "max");
}

static void test_pids_v2(void **state)
{
	struct cg_limits l;
	struct result r;

	(void)state;
	cg_limits_init(&l);
	l.pids_limit = 10;
	translate(&l, true, &r);
	assert_int_equal(r.n, 1);
	expect(&r, 0, CG_PIDS, "pids.max", "10");
	l.pids_limit = CG_UNLIMITED;
	translate(&l, true, &r);
	assert_int_equal(r.n, 1);
	expect(&r, 0, CG_PIDS, "pids.max", "max");
}

/* Everything at once: the order of the writes is part of the contract. */
static void test_all_v1_order(void **state)
{
	struct cg_limits l;
	struct result r;

	(void)state;
	cg_limits_init(&l);
	l.cpu_quota = 30000;
	l.cpu_period = 60000;
	l.cpu_shares = 256;
	l.cpuset_cpus = "0";
	l.memory = 32 * MB;
	l.memory_swap = 48 * MB;
	l.pids_limit = 100;
	translate(&l, false, &r);
	assert_int_equal(r.n, 7);
	expect(&r, 0, CG_CPU, "cpu.cfs_period_us", "60000");
	expect(&r, 1, CG_CPU, "cpu.cfs_quota_us", "30000");
	expect(&r, 2, CG_CPU, "cpu.shares", "256");
	expect(&r, 3, CG_CPUSET, "cpuset.cpus", "0");
	expect(&r, 4, CG_MEMORY, "memory.limit_in_bytes", fmt(32 * MB));
	expect(&r, 5, CG_MEMORY, "memory.memsw.limit_in_bytes", fmt(48 * MB));
	expect(&r, 6, CG_PIDS, "pids.max", "100");
}

static void test_all_v2(void **state)
{
	struct cg_limits l;
	struct result r;

	(void)state;
	cg_limits_init(&l);
	l.cpu_quota = 30000;
	l.cpu_period = 60000;
	l.cpu_shares = 2;
	l.cpuset_cpus = "0";
	l.memory = 32 * MB;
	l.memory_swap = 48 * MB;
	l.pids_limit = 100;
	translate(&l, true, &r);
	assert_int_equal(r.n, 6);
	expect(&r, 0, CG_CPU, "cpu.max", "30000 60000");
	expect(&r, 1, CG_CPU, "cpu.weight", "1");
	expect(&r, 2, CG_CPUSET, "cpuset.cpus", "0");
	expect(&r, 3, CG_MEMORY, "memory.max", fmt(32 * MB));
	expect(&r, 4, CG_MEMORY, "memory.swap.max", fmt(16 * MB));
	expect(&r, 5, CG_PIDS, "pids.max", "100");
}

/* A buffer too small for the writes is an error, never an overflow. */
static void test_translate_small_buffer(void **state)
{
	struct cg_limits l;
	struct cg_write w[3];
	cg_err_t err = { 0 };

	(void)state;
	cg_limits_init(&l);
	l.cpu_quota = 30000;
	l.memory = 32 * MB;
	l.memory_swap = 48 * MB;
	l.pids_limit = 100;
	memset(w, 0, sizeof(w));
	assert_true(cg_limits_translate(&l, false, w, 2, &err) < 0);
	assert_true(strlen(err.msg) > 0);
	/* Nothing was written past the second slot. */
	assert_null(w[2].file);
	assert_int_equal(w[2].value[0], '\0');
}

static void validate_bad(const struct cg_limits *l, const char *needle)
{
	cg_err_t err = { 0 };
	struct cg_write w[CG_MAX_WRITES];

	assert_true(cg_limits_validate(l, &err) < 0);
	assert_int_equal(err.exit_code, 125);
	if (strstr(err.msg, needle) == NULL)
		fail_msg("error \"%s\" does not mention \"%s\"", err.msg, needle);
	/* translate refuses the same limits. */
	memset(&err, 0, sizeof(err));
	assert_true(cg_limits_translate(l, false, w, CG_MAX_WRITES, &err) < 0);
	memset(&err, 0, sizeof(err));
	assert_true(cg_limits_translate(l, true, w, CG_MAX_WRITES, &err) < 0);
}

static void test_validate(void **state)
{
	struct cg_limits l;
	cg_err_t err = { 0 };

	(void)state;
	cg_limits_init(&l);
	assert_int_equal(cg_limits_validate(&l, &err), 0);

	/* Quota below the kernel's 1 ms minimum. */
	l.cpu_quota = 999;
	validate_bad(&l, "1000");
	l.cpu_quota = 1000;
	assert_int_equal(cg_limits_validate(&l, &err), 0);

	/* Swap without memory. */
	cg_limits_init(&l);
	l.memory_swap = 100 * MB;
	validate_bad(&l, "--memory");

	/* Swap below memory. */
	l.memory = 100 * MB;
	l.memory_swap = 100 * MB - 1;
	validate_bad(&l, "--memory-swap");
	l.memory_swap = 100 * MB;
	assert_int_equal(cg_limits_validate(&l, &err), 0);

	/* Memory below 6m. */
	cg_limits_init(&l);
	l.memory = 6 * MB - 1;
	validate_bad(&l, "6m");
	l.memory = 6 * MB;
	assert_int_equal(cg_limits_validate(&l, &err), 0);

	/* Unlimited swap needs no memory limit to compare with. */
	cg_limits_init(&l);
	l.memory_swap = CG_UNLIMITED;
	assert_int_equal(cg_limits_validate(&l, &err), 0);
}

static void test_ctrls(void **state)
{
	struct cg_limits l;

	(void)state;
	cg_limits_init(&l);
	l.cpu_quota = 2000;
	assert_int_equal(cg_limits_ctrls(&l), 1u << CG_CPU);
	cg_limits_init(&l);
	l.cpu_period = 2000;
	assert_int_equal(cg_limits_ctrls(&l), 1u << CG_CPU);
	cg_limits_init(&l);
	l.cpu_shares = 100;
	assert_int_equal(cg_limits_ctrls(&l), 1u << CG_CPU);
	cg_limits_init(&l);
	l.cpuset_cpus = "0";
	assert_int_equal(cg_limits_ctrls(&l), 1u << CG_CPUSET);
	cg_limits_init(&l);
	l.memory = 64 * MB;
	assert_int_equal(cg_limits_ctrls(&l), 1u << CG_MEMORY);
	cg_limits_init(&l);
	l.memory_swap = CG_UNLIMITED;
	assert_int_equal(cg_limits_ctrls(&l), 1u << CG_MEMORY);
	cg_limits_init(&l);
	l.pids_limit = CG_UNLIMITED;
	assert_int_equal(cg_limits_ctrls(&l), 1u << CG_PIDS);

	cg_limits_init(&l);
	l.cpu_quota = 2000;
	l.memory = 64 * MB;
	l.pids_limit = 5;
	assert_int_equal(cg_limits_ctrls(&l), (1u << CG_CPU) | (1u << CG_MEMORY) | (1u << CG_PIDS));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_cpu_quota_v1),
		cmocka_unit_test(test_cpu_quota_v2),
		cmocka_unit_test(test_cpu_quota_period_v1),
		cmocka_unit_test(test_cpu_quota_period_v2),
		cmocka_unit_test(test_cpu_period_only_v1),
		cmocka_unit_test(test_cpu_period_only_v2),
		cmocka_unit_test(test_cpus_row),
		cmocka_unit_test(test_shares_to_weight),
		cmocka_unit_test(test_cpu_shares_v1),
		cmocka_unit_test(test_cpu_shares_v2),
		cmocka_unit_test(test_cpuset_v1),
		cmocka_unit_test(test_cpuset_v2),
		cmocka_unit_test(test_memory_v1),
		cmocka_unit_test(test_memory_v2),
		cmocka_unit_test(test_memory_swap_v1),
		cmocka_unit_test(test_memory_swap_v2),
		cmocka_unit_test(test_memory_swap_unlimited),
		cmocka_unit_test(test_pids_v1),
		cmocka_unit_test(test_pids_v2),
		cmocka_unit_test(test_all_v1_order),
		cmocka_unit_test(test_all_v2),
		cmocka_unit_test(test_translate_small_buffer),
		cmocka_unit_test(test_validate),
		cmocka_unit_test(test_ctrls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
