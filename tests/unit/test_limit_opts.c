/* test_limit_opts.c - the limit options as `run` and `update` parse them
 * (src/cgrun/limit-opts.c, linked in): argv through getopt_long with the
 * options limit_options_join makes, limit_opt and cg_limit_parse_finish, then the cpu.max
 * and cfs files the quota becomes. --cpus above all: it is kept until
 * every option is read, as it depends on --cpu-period. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "limit-opts.h"

/* Parse the NULL-terminated options the way cmd_run and cmd_update do;
 * *l holds the result, err the message. Returns 0 or -1. */
static int parse(const char *const *args, struct cg_limits *l, cg_err_t *err)
{
	static const struct option own[] = { { NULL, 0, NULL, 0 } };
	struct option opts[32];
	struct cg_limit_parser p = { .l = l };
	char *argv[16] = { "run" };
	int argc = 1, c, r = 0;

	assert_true(limit_options_join(own, opts, 32));

	for (; *args; args++) {
		assert_true(argc < 15);
		argv[argc++] = (char *)*args;
	}
	argv[argc] = NULL;
	cg_limits_init(l);
	memset(err, 0, sizeof(*err));
	opterr = 0;
	optind = 1;
	while (r == 0 && (c = getopt_long(argc, argv, "+:m:", opts, NULL)) != -1)
		if (!limit_opt(&p, c, optarg, &r, err))
			fail_msg("%s: not a limit option (getopt gave %d)", argv[optind - 1], c);
	if (r == 0)
		r = cg_limit_parse_finish(&p, err);
	return r;
}

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* The quota the options give; fails the test if they are refused. */
static int64_t quota(const char *const *args)
{
	struct cg_limits l;
	cg_err_t err;

	if (parse(args, &l, &err) != 0)
		fail_msg("%s refused: %s", args[0], err.msg);
	free(l.cpuset_cpus);
	return l.cpu_quota;
}

/* The options are refused with a message that has `want` in it, and no
 * quota is set. */
static void refused(const char *const *args, const char *want)
{
	struct cg_limits l;
	cg_err_t err;

	if (parse(args, &l, &err) == 0)
		fail_msg("%s accepted: quota %lld", args[0], (long long)l.cpu_quota);
	if (strstr(err.msg, want) == NULL)
		fail_msg("%s: message '%s' lacks '%s'", args[0], err.msg, want);
	assert_int_equal(err.exit_code, 125);
	free(l.cpuset_cpus);
}

/* The cgroup files the options end in: "cpu.max=Q P" on v2,
 * "cpu.cfs_period_us=P cpu.cfs_quota_us=Q" on v1. */
static const char *cpu_files(const char *const *args, bool unified)
{
	static char out[256];
	struct cg_write w[CG_MAX_WRITES];
	struct cg_limits l;
	cg_err_t err;
	size_t len = 0;
	int n;

	if (parse(args, &l, &err) != 0)
		fail_msg("%s refused: %s", args[0], err.msg);
	n = cg_limits_translate(&l, unified, w, CG_MAX_WRITES, &err);
	if (n < 0)
		fail_msg("%s: translate: %s", args[0], err.msg);
	out[0] = '\0';
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(out + len, sizeof(out) - len, "%s%s=%s", len ? " " : "", w[i].file, w[i].value);
	return out;
}

static void test_cpus_quota(void **state)
{
	(void)state;
	/* Fractions of the default 100 ms period. */
	assert_int_equal(quota(ARGS("--cpus=0.5")), 50000);
	assert_int_equal(quota(ARGS("--cpus=1.5")), 150000);
	assert_int_equal(quota(ARGS("--cpus", "1.5")), 150000);
	assert_int_equal(quota(ARGS("--cpus=2")), 200000);
	assert_int_equal(quota(ARGS("--cpus=.25")), 25000);
	/* The last --cpus counts. */
	assert_int_equal(quota(ARGS("--cpus=1", "--cpus=0.5")), 50000);
	/* Not given: no quota. */
	assert_int_equal(quota(ARGS("--memory=64m")), CG_UNSET);
}

static void test_cpus_with_period(void **state)
{
	(void)state;
	/* --cpus is a share of whatever period is given, before or after it. */
	assert_int_equal(quota(ARGS("--cpus=0.5", "--cpu-period=50000")), 25000);
	assert_int_equal(quota(ARGS("--cpu-period=50000", "--cpus=0.5")), 25000);
	assert_int_equal(quota(ARGS("--cpus=1.5", "--cpu-period=1000000")), 1500000);
	assert_int_equal(quota(ARGS("--cpus=0.001", "--cpu-period=1000000")), 1000);
	/* ... and reaches the files with that period. */
	assert_string_equal(cpu_files(ARGS("--cpus=0.5"), true), "cpu.max=50000 100000");
	assert_string_equal(cpu_files(ARGS("--cpus=0.5"), false),
			    "cpu.cfs_period_us=100000 cpu.cfs_quota_us=50000");
	assert_string_equal(cpu_files(ARGS("--cpus=1.5", "--cpu-period=200000"), true), "cpu.max=300000 200000");
	assert_string_equal(cpu_files(ARGS("--cpu-period=200000", "--cpus=1.5"), false),
			    "cpu.cfs_period_us=200000 cpu.cfs_quota_us=300000");
}

static void test_cpus_edges(void **state)
{
	(void)state;
	/* Six decimals count; more are cut off, never rounded up. */
	assert_int_equal(quota(ARGS("--cpus=0.123456", "--cpu-period=1000000")), 123456);
	assert_int_equal(quota(ARGS("--cpus=0.1234567", "--cpu-period=1000000")), 123456);
	assert_int_equal(quota(ARGS("--cpus=0.1234569")), 12345);
	assert_int_equal(quota(ARGS("--cpus=1.00000000000000000000009")), 100000);
	assert_int_equal(quota(ARGS("--cpus=0000002.5")), 250000);
	/* The smallest quota the kernel takes, 1000 µs. */
	assert_int_equal(quota(ARGS("--cpus=0.01")), 1000);
	refused(ARGS("--cpus=0.009"), "below the minimum quota of 1000");
	refused(ARGS("--cpus=0.001"), "below the minimum quota of 1000");
	refused(ARGS("--cpus=0.00001", "--cpu-period=1000000"), "below the minimum quota of 1000");
	/* Zero, however written. */
	refused(ARGS("--cpus=0"), "must be greater than 0");
	refused(ARGS("--cpus=0.0"), "must be greater than 0");
	refused(ARGS("--cpus=000"), "must be greater than 0");
	refused(ARGS("--cpus=0.0000009"), "must be greater than 0");
	/* Very large: 4096 CPUs at most, at any period. */
	assert_int_equal(quota(ARGS("--cpus=4096")), 409600000);
	assert_int_equal(quota(ARGS("--cpus=4096.999999", "--cpu-period=1000000")), 4096999999LL);
	assert_string_equal(cpu_files(ARGS("--cpus=4096", "--cpu-period=1000000"), true), "cpu.max=4096000000 1000000");
	refused(ARGS("--cpus=4097"), "too many CPUs");
	refused(ARGS("--cpus=99999999999999999999"), "too many CPUs");
	refused(ARGS("--cpus=18446744073709551617"), "too many CPUs");
}

static void test_cpus_garbage(void **state)
{
	static const char *const bad[] = {
		"", "-1", "-0.5", "+1", " 1", "1 ", "abc", "1.5x", "1,5", "1.", ".", "..5", "1..5",
		"1.5.1", "0x10", "1e3", "1E-1", "nan", "inf", "0.5%", "½",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char opt[64];

		snprintf(opt, sizeof(opt), "--cpus=%s", bad[i]);
		refused(ARGS(opt), "invalid --cpus");
		refused(ARGS("--cpus", bad[i]), "invalid --cpus");
	}
	/* A bad period is refused before --cpus is looked at. */
	refused(ARGS("--cpus=1", "--cpu-period=999"), "--cpu-period");
	refused(ARGS("--cpus=1", "--cpu-period=1000001"), "--cpu-period");
}

static void test_cpus_and_quota(void **state)
{
	(void)state;
	refused(ARGS("--cpus=1", "--cpu-quota=50000"), "both set the quota");
	refused(ARGS("--cpu-quota=50000", "--cpus=1"), "both set the quota");
	assert_int_equal(quota(ARGS("--cpu-quota=50000", "--cpu-period=200000")), 50000);
	assert_string_equal(cpu_files(ARGS("--cpu-period=200000"), true), "cpu.max=max 200000");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpus_quota),
		cmocka_unit_test(test_cpus_with_period),
		cmocka_unit_test(test_cpus_edges),
		cmocka_unit_test(test_cpus_garbage),
		cmocka_unit_test(test_cpus_and_quota),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
