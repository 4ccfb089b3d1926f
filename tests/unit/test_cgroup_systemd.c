/* test_cgroup_systemd.c - the cgroup managers' pure logic: picking one
 * (cgroup.c), and the systemd manager's scope names, slices and unit
 * properties (cgroup-systemd.c), one test per limit of DESIGN.md's table. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "cgroup.h"
#include "cgroup-systemd.h"

static const char id[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

static void test_manager_parse_and_auto(void **state)
{
	enum cg_manager_kind k = CG_MANAGER_CGROUPFS;
	cg_err_t err = { 0 };

	(void)state;
	assert_int_equal(cg_manager_parse("auto", &k, &err), 0);
	assert_int_equal(k, CG_MANAGER_AUTO);
	assert_int_equal(cg_manager_parse("systemd", &k, &err), 0);
	assert_int_equal(k, CG_MANAGER_SYSTEMD);
	assert_int_equal(cg_manager_parse("cgroupfs", &k, &err), 0);
	assert_int_equal(k, CG_MANAGER_CGROUPFS);
	assert_int_equal(cg_manager_parse("Systemd", &k, &err), -1);
	assert_non_null(strstr(err.msg, "use auto, systemd or cgroupfs"));
	assert_int_equal(cg_manager_parse(NULL, &k, &err), -1);
	/* auto: systemd wherever systemd runs a cgroup2 hierarchy. */
	assert_int_equal(cg_manager_auto(true, CG_MODE_UNIFIED), CG_MANAGER_SYSTEMD);
	assert_int_equal(cg_manager_auto(true, CG_MODE_HYBRID), CG_MANAGER_SYSTEMD);
	assert_int_equal(cg_manager_auto(true, CG_MODE_LEGACY), CG_MANAGER_CGROUPFS);
	assert_int_equal(cg_manager_auto(false, CG_MODE_UNIFIED), CG_MANAGER_CGROUPFS);
	assert_int_equal(cg_manager_auto(false, CG_MODE_HYBRID), CG_MANAGER_CGROUPFS);
}

static void test_scope_names(void **state)
{
	char unit[96], want[200];

	(void)state;
	cg_systemd_scope_name(id, 0, unit);
	snprintf(want, sizeof(want), "cgrun-%s.scope", id);
	assert_string_equal(unit, want);
	assert_true(cg_systemd_scope_valid(id, unit));
	/* A restart gets a name of its own, never the old one. */
	cg_systemd_scope_name(id, 12, unit);
	snprintf(want, sizeof(want), "cgrun-%s-12.scope", id);
	assert_string_equal(unit, want);
	assert_true(cg_systemd_scope_valid(id, unit));
	/* Names read back from a record are checked before use as a path. */
	snprintf(want, sizeof(want), "cgrun-%s-1/../x.scope", id);
	assert_false(cg_systemd_scope_valid(id, want));
	snprintf(want, sizeof(want), "cgrun-%s-.scope", id);
	assert_false(cg_systemd_scope_valid(id, want));
	snprintf(want, sizeof(want), "cgrun-%s-01.scope", id);
	assert_false(cg_systemd_scope_valid(id, want));
	snprintf(want, sizeof(want), "cgrun-%s.service", id);
	assert_false(cg_systemd_scope_valid(id, want));
	assert_false(cg_systemd_scope_valid(id, "cgrun-0123.scope"));
	assert_false(cg_systemd_scope_valid(id, ""));
}

static void test_slices(void **state)
{
	static const char *const good[] = { "machine.slice", "cgrun-jobs.slice", "a-b-c.slice",
					    "user@1000.slice", "x_y:z.slice" };
	static const char *const bad[] = { "machine", "cgrun", ".slice", "-a.slice", "a-.slice",
					   "a--b.slice", "a/b.slice", "../x.slice", "a b.slice",
					   "machine.scope", "" };
	char path[256];
	cg_err_t err = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		memset(&err, 0, sizeof(err));
		assert_int_equal(cg_systemd_check_slice(good[i], &err), 0);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&err, 0, sizeof(err));
		assert_int_equal(cg_systemd_check_slice(bad[i], &err), -1);
		assert_non_null(strstr(err.msg, "names a slice"));
	}
	/* Each '-' nests: systemd's own rule for a slice's cgroup. */
	cg_systemd_slice_path("machine.slice", path, sizeof(path));
	assert_string_equal(path, "machine.slice");
	cg_systemd_slice_path("a-b-c.slice", path, sizeof(path));
	assert_string_equal(path, "a.slice/a-b.slice/a-b-c.slice");
	cg_systemd_slice_path("cgrun-jobs.slice", path, sizeof(path));
	assert_string_equal(path, "cgrun.slice/cgrun-jobs.slice");
	cg_systemd_slice_path("-.slice", path, sizeof(path));
	assert_string_equal(path, "");
	/* Never past the buffer. */
	cg_systemd_slice_path("a-b-c.slice", path, 8);
	assert_true(strlen(path) < 8);
}

static void test_cpu_mask(void **state)
{
	uint8_t b[8];
	size_t n = 0;
	cg_err_t err = { 0 };

	(void)state;
	assert_int_equal(cg_systemd_cpu_mask("0-2,5", b, sizeof(b), &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(b[0], 0x27);
	assert_int_equal(cg_systemd_cpu_mask("9", b, sizeof(b), &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(b[0], 0);
	assert_int_equal(b[1], 0x02);
	assert_int_equal(cg_systemd_cpu_mask("1-3,x", b, sizeof(b), &n, &err), -1);
	assert_int_equal(cg_systemd_cpu_mask("100", b, sizeof(b), &n, &err), -1);
	assert_non_null(strstr(err.msg, "CPU 100"));
}

static const struct cg_unit_prop *find(const struct cg_unit_prop *p, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(p[i].name, name))
			return &p[i];
	return NULL;
}

static int props_of(struct cg_limits *l, bool unified, struct cg_unit_prop *p, cg_err_t *err)
{
	return cg_systemd_limit_props(l, unified, p, 16, err);
}

/* --cpu-quota / --cpu-period: systemd writes cpu.max as
 * floor(per_sec * period / 1 s); the quota must come back exactly. */
static void test_props_cpu_quota(void **state)
{
	static const int64_t cases[][2] = { { 2000, 100000 }, { 1500, 70000 }, { 1000, 1000 },
					    { 123457, 999999 }, { 150000, 100000 }, { 1001, 333333 } };
	struct cg_unit_prop p[16];
	struct cg_limits l;
	cg_err_t err = { 0 };
	int n;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cg_limits_init(&l);
		l.cpu_quota = cases[i][0];
		l.cpu_period = cases[i][1];
		n = props_of(&l, true, p, &err);
		assert_int_equal(n, 2);
		const struct cg_unit_prop *q = find(p, n, "CPUQuotaPerSecUSec");
		const struct cg_unit_prop *per = find(p, n, "CPUQuotaPeriodUSec");

		assert_non_null(q);
		assert_non_null(per);
		assert_int_equal(per->u64, cases[i][1]);
		assert_int_equal(q->u64 * per->u64 / 1000000, cases[i][0]);
	}
	/* The quick start's limit: 2% of a CPU. */
	cg_limits_init(&l);
	l.cpu_quota = 2000;
	n = props_of(&l, true, p, &err);
	assert_int_equal(find(p, n, "CPUQuotaPerSecUSec")->u64, 20000);
	assert_int_equal(find(p, n, "CPUQuotaPeriodUSec")->u64, 100000);
	/* A period alone: "max PERIOD". */
	cg_limits_init(&l);
	l.cpu_period = 50000;
	n = props_of(&l, true, p, &err);
	assert_int_equal(n, 1);
	assert_int_equal(find(p, n, "CPUQuotaPeriodUSec")->u64, 50000);
}

static void test_props_cpu_shares(void **state)
{
	struct cg_unit_prop p[16];
	struct cg_limits l;
	cg_err_t err = { 0 };
	int n;

	(void)state;
	cg_limits_init(&l);
	l.cpu_shares = 1024;
	n = props_of(&l, true, p, &err);
	assert_int_equal(n, 1);
	assert_int_equal(find(p, n, "CPUWeight")->u64, cg_shares_to_weight(1024));
	/* v1 controllers (hybrid): the shares themselves. */
	n = props_of(&l, false, p, &err);
	assert_int_equal(find(p, n, "CPUShares")->u64, 1024);
}

static void test_props_cpuset(void **state)
{
	struct cg_unit_prop p[16];
	struct cg_limits l;
	cg_err_t err = { 0 };
	int n;

	(void)state;
	cg_limits_init(&l);
	l.cpuset_cpus = "0-1";
	n = props_of(&l, true, p, &err);
	assert_int_equal(n, 1);
	assert_int_equal(p[0].type, CG_PROP_BYTES);
	assert_string_equal(p[0].name, "AllowedCPUs");
	assert_int_equal(p[0].nbytes, 1);
	assert_int_equal(p[0].bytes[0], 0x03);
	/* systemd sets no v1 cpuset: refused, never skipped. */
	assert_int_equal(props_of(&l, false, p, &err), -1);
	assert_non_null(strstr(err.msg, "--cgroup-manager=cgroupfs"));
}

static void test_props_memory(void **state)
{
	struct cg_unit_prop p[16];
	struct cg_limits l;
	cg_err_t err = { 0 };
	int n;

	(void)state;
	cg_limits_init(&l);
	l.memory = 64 << 20;
	n = props_of(&l, true, p, &err);
	assert_int_equal(n, 1);
	assert_int_equal(find(p, n, "MemoryMax")->u64, 64 << 20);
	n = props_of(&l, false, p, &err);
	assert_int_equal(find(p, n, "MemoryMax")->u64, 64 << 20);
	/* --memory-swap is memory plus swap; MemorySwapMax is the swap. */
	l.memory_swap = 100 << 20;
	n = props_of(&l, true, p, &err);
	assert_int_equal(n, 2);
	assert_int_equal(find(p, n, "MemorySwapMax")->u64, 36 << 20);
	assert_int_equal(props_of(&l, false, p, &err), -1);
	l.memory_swap = CG_UNLIMITED;
	n = props_of(&l, true, p, &err);
	assert_int_equal(find(p, n, "MemorySwapMax")->u64, UINT64_MAX);
	/* Unlimited swap is v1's default: nothing to set there. */
	n = props_of(&l, false, p, &err);
	assert_int_equal(n, 1);
	/* The library's own checks come first. */
	l.memory = 1 << 20;
	l.memory_swap = CG_UNSET;
	assert_int_equal(props_of(&l, true, p, &err), -1);
	assert_non_null(strstr(err.msg, "too small"));
}

static void test_props_pids(void **state)
{
	struct cg_unit_prop p[16];
	struct cg_limits l;
	cg_err_t err = { 0 };
	int n;

	(void)state;
	cg_limits_init(&l);
	l.pids_limit = 100;
	n = props_of(&l, true, p, &err);
	assert_int_equal(find(p, n, "TasksMax")->u64, 100);
	l.pids_limit = CG_UNLIMITED;
	n = props_of(&l, false, p, &err);
	assert_int_equal(find(p, n, "TasksMax")->u64, UINT64_MAX);
	cg_limits_init(&l);
	assert_int_equal(props_of(&l, true, p, &err), 0);
}

static void test_controllers_mask(void **state)
{
	unsigned m = cg_controllers_mask("cpuset cpu io memory hugetlb pids rdma misc\n");

	(void)state;
	assert_true(m & (1u << CG_CPU));
	assert_true(m & (1u << CG_CPUACCT));
	assert_true(m & (1u << CG_CPUSET));
	assert_true(m & (1u << CG_MEMORY));
	assert_true(m & (1u << CG_PIDS));
	m = cg_controllers_mask("memory pids\n");
	assert_false(m & (1u << CG_CPU));
	assert_false(m & (1u << CG_CPUACCT));
	assert_int_equal(cg_controllers_mask("") & ((1u << CG_CPU) | (1u << CG_MEMORY)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_manager_parse_and_auto),
		cmocka_unit_test(test_scope_names),
		cmocka_unit_test(test_slices),
		cmocka_unit_test(test_cpu_mask),
		cmocka_unit_test(test_props_cpu_quota),
		cmocka_unit_test(test_props_cpu_shares),
		cmocka_unit_test(test_props_cpuset),
		cmocka_unit_test(test_props_memory),
		cmocka_unit_test(test_props_pids),
		cmocka_unit_test(test_controllers_mask),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
