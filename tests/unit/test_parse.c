/* test_parse.c - command-line value parsers (src/lib/parse.c). */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "parse.h"

/* Parse s as a size; fail the test if it is rejected. */
static int64_t size_ok(const char *s)
{
	cg_err_t err = { 0 };
	int64_t v = -12345;

	if (parse_size(s, &v, &err) != 0)
		fail_msg("parse_size(\"%s\") failed: %s", s, err.msg);
	return v;
}

/* Expect s to be rejected with an error message and *out untouched. */
static void size_bad(const char *s)
{
	cg_err_t err = { 0 };
	int64_t v = -12345;

	if (parse_size(s, &v, &err) >= 0)
		fail_msg("parse_size(\"%s\") accepted it as %lld", s, (long long)v);
	assert_int_equal(v, -12345);
	assert_true(strlen(err.msg) > 0);
	assert_int_equal(err.exit_code, 125);
}

static void test_size_plain(void **state)
{
	(void)state;
	assert_int_equal(size_ok("0"), 0);
	assert_int_equal(size_ok("512"), 512);
	assert_int_equal(size_ok("512b"), 512);
	assert_int_equal(size_ok("512B"), 512);
}

static void test_size_suffixes(void **state)
{
	(void)state;
	assert_int_equal(size_ok("64k"), 64 * 1024);
	assert_int_equal(size_ok("64K"), 64 * 1024);
	assert_int_equal(size_ok("64kb"), 64 * 1024);
	assert_int_equal(size_ok("100m"), 100 * 1024 * 1024);
	assert_int_equal(size_ok("100M"), 100 * 1024 * 1024);
	assert_int_equal(size_ok("100MB"), 100 * 1024 * 1024);
	assert_int_equal(size_ok("2g"), 2LL * 1024 * 1024 * 1024);
	assert_int_equal(size_ok("2gb"), 2LL * 1024 * 1024 * 1024);
	assert_int_equal(size_ok("1G"), 1LL << 30);
}

static void test_size_limits(void **state)
{
	char buf[64];

	(void)state;
	/* The largest value that fits. */
	snprintf(buf, sizeof(buf), "%lld", (long long)INT64_MAX);
	assert_int_equal(size_ok(buf), INT64_MAX);
	/* One more does not. */
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)INT64_MAX + 1);
	size_bad(buf);
	/* The largest number of gigabytes that fits, and one more. */
	snprintf(buf, sizeof(buf), "%lldg", (long long)(INT64_MAX >> 30));
	assert_int_equal(size_ok(buf), (INT64_MAX >> 30) << 30);
	snprintf(buf, sizeof(buf), "%lldg", (long long)(INT64_MAX >> 30) + 1);
	size_bad(buf);
	size_bad("99999999999999999999999999");
	size_bad("18446744073709551616");
}

static void test_size_rejects(void **state)
{
	(void)state;
	size_bad("-1");
	size_bad("abc");
	size_bad("");
	size_bad("10x");
	size_bad("10t");
	size_bad("10kk");
	size_bad("10bb");
	size_bad("k");
	size_bad(" 10");
	size_bad("10 ");
	size_bad("1.5g");
}

static void test_int_range(void **state)
{
	cg_err_t err = { 0 };
	int64_t v = -7;

	(void)state;
	assert_int_equal(parse_int_range("pids", "42", 1, 100, &v, &err), 0);
	assert_int_equal(v, 42);
	assert_int_equal(parse_int_range("pids", "1", 1, 100, &v, &err), 0);
	assert_int_equal(v, 1);
	assert_int_equal(parse_int_range("pids", "100", 1, 100, &v, &err), 0);
	assert_int_equal(v, 100);

	v = -7;
	assert_true(parse_int_range("pids", "0", 1, 100, &v, &err) < 0);
	assert_int_equal(v, -7);
	assert_non_null(strstr(err.msg, "pids"));
	assert_true(parse_int_range("pids", "101", 1, 100, &v, &err) < 0);
	assert_true(parse_int_range("pids", "abc", 1, 100, &v, &err) < 0);
	assert_true(parse_int_range("pids", "", 1, 100, &v, &err) < 0);
	assert_true(parse_int_range("pids", "-", 1, 100, &v, &err) < 0);
	assert_true(parse_int_range("pids", "12a", 1, 100, &v, &err) < 0);
	assert_true(parse_int_range("pids", "-5", 1, 100, &v, &err) < 0);
	assert_true(parse_int_range("pids", "99999999999999999999", 0, INT64_MAX, &v, &err) < 0);
	assert_int_equal(v, -7);

	char buf[64];

	snprintf(buf, sizeof(buf), "%lld", (long long)INT64_MAX);
	assert_int_equal(parse_int_range("n", buf, 0, INT64_MAX, &v, &err), 0);
	assert_int_equal(v, INT64_MAX);
}

static int64_t cpus_ok(const char *s, int64_t period)
{
	cg_err_t err = { 0 };
	int64_t q = -12345;

	if (parse_cpus(s, period, &q, &err) != 0)
		fail_msg("parse_cpus(\"%s\") failed: %s", s, err.msg);
	return q;
}

static void cpus_bad(const char *s)
{
	cg_err_t err = { 0 };
	int64_t q = -12345;

	if (parse_cpus(s, 100000, &q, &err) >= 0)
		fail_msg("parse_cpus(\"%s\") accepted it as %lld", s, (long long)q);
	assert_int_equal(q, -12345);
	assert_true(strlen(err.msg) > 0);
}

static void test_cpus(void **state)
{
	(void)state;
	assert_int_equal(cpus_ok("1.5", 100000), 150000);
	assert_int_equal(cpus_ok("1", 100000), 100000);
	assert_int_equal(cpus_ok("2", 100000), 2 * 100000);
	assert_int_equal(cpus_ok("0.5", 100000), 100000 / 2);
	assert_int_equal(cpus_ok(".5", 100000), 100000 / 2);
	assert_int_equal(cpus_ok("0.02", 100000), 2000);
	assert_int_equal(cpus_ok("1.5", 50000), 75000);
	assert_int_equal(cpus_ok("0.25", 1000000), 250000);
	/* Exact, no floating point: 0.1 * 100000 is 10000, not 9999. */
	assert_int_equal(cpus_ok("0.1", 100000), 10000);
	assert_int_equal(cpus_ok("0.3", 100000), 30000);
}

static void test_cpus_rejects(void **state)
{
	(void)state;
	cpus_bad("0");
	cpus_bad("0.0");
	cpus_bad("0.0000001");
	cpus_bad("abc");
	cpus_bad("");
	cpus_bad("-1");
	cpus_bad("1.");
	cpus_bad("1.5x");
	cpus_bad("1,5");
	cpus_bad("99999999999999999999");
}

static void test_cpu_list(void **state)
{
	cg_err_t err = { 0 };

	(void)state;
	assert_int_equal(parse_cpu_list("0", &err), 0);
	assert_int_equal(parse_cpu_list("0-2,4", &err), 0);
	assert_int_equal(parse_cpu_list("1,3,5", &err), 0);
	assert_int_equal(parse_cpu_list("0-0", &err), 0);
	assert_int_equal(parse_cpu_list("4095", &err), 0);

	const char *bad[] = { "", "a", "2-1", "0-", "-1", "0,", ",0", "0-2,", "4096",
			      "0-4096", "1 2", "0;1", "1--2", "0-1-2" };

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		memset(&err, 0, sizeof(err));
		if (parse_cpu_list(bad[i], &err) >= 0)
			fail_msg("parse_cpu_list(\"%s\") accepted it", bad[i]);
		assert_true(strlen(err.msg) > 0);
	}
}

static void test_volume(void **state)
{
	struct volume_spec v;
	char *buf = NULL;
	cg_err_t err = { 0 };

	(void)state;
	assert_int_equal(parse_volume("/host/data:/data", &v, &buf, &err), 0);
	assert_string_equal(v.src, "/host/data");
	assert_string_equal(v.dst, "/data");
	assert_false(v.readonly);
	free(buf);

	v.readonly = false;
	assert_int_equal(parse_volume("/a:/b:ro", &v, &buf, &err), 0);
	assert_string_equal(v.src, "/a");
	assert_string_equal(v.dst, "/b");
	assert_true(v.readonly);
	free(buf);

	v.readonly = true;
	assert_int_equal(parse_volume("/a:/b:rw", &v, &buf, &err), 0);
	assert_false(v.readonly);
	free(buf);

	/* Options, comma-separated: idmap alone or with ro. */
	assert_int_equal(parse_volume("/a:/b:idmap", &v, &buf, &err), 0);
	assert_true(v.idmap);
	assert_false(v.readonly);
	free(buf);
	assert_int_equal(parse_volume("/a:/b:ro,idmap", &v, &buf, &err), 0);
	assert_true(v.idmap);
	assert_true(v.readonly);
	free(buf);
	assert_int_equal(parse_volume("/a:/b:ro", &v, &buf, &err), 0);
	assert_false(v.idmap);
	free(buf);

	/* ".." inside a name is not a ".." component. */
	assert_int_equal(parse_volume("/a..b:/c..d", &v, &buf, &err), 0);
	assert_string_equal(v.src, "/a..b");
	assert_string_equal(v.dst, "/c..d");
	free(buf);

	/* The source may be the root. */
	assert_int_equal(parse_volume("/:/host", &v, &buf, &err), 0);
	assert_string_equal(v.src, "/");
	free(buf);
}

static void test_volume_rejects(void **state)
{
	const char *bad[] = {
		"/a", "a:/b", "/a:b", "/a:/b:rx", "/a:/b:", "/a:/b:ro:x", "/a:/",
		"/a/../b:/c", "/a:/c/..", "/..:/c", "/a:/../etc", "/a:/x/../y", ":/b",
		"/a:", "", "/a:/b:RO", "/a:/b:ro,", "/a:/b:,", "/a:/b:idmap,x", "/a:/b:idmapped",
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct volume_spec v = { 0 };
		char *buf = NULL;
		cg_err_t err = { 0 };

		if (parse_volume(bad[i], &v, &buf, &err) >= 0)
			fail_msg("parse_volume(\"%s\") accepted it", bad[i]);
		assert_null(buf);
		assert_true(strlen(err.msg) > 0);
	}
}

static void test_names(void **state)
{
	char longname[200];

	(void)state;
	assert_true(valid_image_name("busybox"));
	assert_true(valid_image_name("ubuntu-22.04"));
	assert_true(valid_image_name("0abc_d"));
	assert_true(valid_image_name("a"));
	assert_false(valid_image_name(""));
	assert_false(valid_image_name("Busybox"));
	assert_false(valid_image_name("-x"));
	assert_false(valid_image_name(".x"));
	assert_false(valid_image_name("_x"));
	assert_false(valid_image_name("a/b"));
	assert_false(valid_image_name("a..b"));
	assert_false(valid_image_name(".."));
	assert_false(valid_image_name("a b"));
	assert_false(valid_image_name("a:b"));

	memset(longname, 'a', sizeof(longname));
	longname[128] = '\0';
	assert_true(valid_image_name(longname));
	assert_true(valid_container_name(longname));
	longname[128] = 'a';
	longname[129] = '\0';
	assert_false(valid_image_name(longname));
	assert_false(valid_container_name(longname));

	assert_true(valid_container_name("web"));
	assert_true(valid_container_name("Web_1.a-b"));
	assert_true(valid_container_name("1web"));
	assert_false(valid_container_name(""));
	assert_false(valid_container_name("."));
	assert_false(valid_container_name(".."));
	assert_false(valid_container_name("-web"));
	assert_false(valid_container_name("a/b"));
	assert_false(valid_container_name("../x"));
	assert_false(valid_container_name("a b"));
}

static void test_user(void **state)
{
	struct user_spec u;
	char *buf = NULL;
	cg_err_t err = { 0 };

	(void)state;
	assert_int_equal(parse_user("nobody", &u, &buf, &err), 0);
	assert_string_equal(u.user, "nobody");
	assert_null(u.group);
	free(buf);

	assert_int_equal(parse_user("1000:100", &u, &buf, &err), 0);
	assert_string_equal(u.user, "1000");
	assert_string_equal(u.group, "100");
	free(buf);

	assert_int_equal(parse_user("www:staff", &u, &buf, &err), 0);
	assert_string_equal(u.user, "www");
	assert_string_equal(u.group, "staff");
	free(buf);

	const char *bad[] = { "", ":", ":100", "1000:", "a:b:c" };

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		buf = NULL;
		memset(&err, 0, sizeof(err));
		if (parse_user(bad[i], &u, &buf, &err) >= 0)
			fail_msg("parse_user(\"%s\") accepted it", bad[i]);
		assert_null(buf);
		assert_true(strlen(err.msg) > 0);
	}
}

static void test_id(void **state)
{
	uint32_t id = 77;
	char buf[32];

	(void)state;
	assert_true(parse_id("0", &id));
	assert_int_equal(id, 0);
	assert_true(parse_id("1000", &id));
	assert_int_equal(id, 1000);
	snprintf(buf, sizeof(buf), "%u", UINT32_MAX - 1);
	assert_true(parse_id(buf, &id));
	assert_int_equal(id, UINT32_MAX - 1);

	id = 77;
	snprintf(buf, sizeof(buf), "%u", UINT32_MAX);
	assert_false(parse_id(buf, &id));
	assert_false(parse_id("99999999999999999999999", &id));
	assert_false(parse_id("", &id));
	assert_false(parse_id("-1", &id));
	assert_false(parse_id("12a", &id));
	assert_false(parse_id("root", &id));
	assert_false(parse_id(" 1", &id));
	assert_int_equal(id, 77);
}

static void test_cpu_list_subset(void **state)
{
	(void)state;
	assert_true(cpu_list_subset("0", "0-1\n"));
	assert_true(cpu_list_subset("0-1", "0-1"));
	assert_true(cpu_list_subset("1,3", "0-3,8"));
	assert_true(cpu_list_subset("100", "64-127"));
	assert_false(cpu_list_subset("5", "0-1\n"));
	assert_false(cpu_list_subset("0-2", "0-1"));
	assert_false(cpu_list_subset("3", "0-2,4"));
	assert_false(cpu_list_subset("x", "0-1"));
	assert_false(cpu_list_subset("0", "garbage"));
}

static void test_sigign(void **state)
{
	uint64_t m = 1;
	(void)state;

	assert_true(parse_sigign("Name:\tcat\nSigBlk:\t0000000000000000\nSigIgn:\t0000000000001006\nSigCgt:\t0\n", &m));
	assert_true(m == ((1u << (SIGINT - 1)) | (1u << (SIGQUIT - 1)) | (1u << (SIGPIPE - 1))));
	assert_true(parse_sigign("Name:\tx\nSigIgn:\t0000000000000000\n", &m));
	assert_true(m == 0);
	assert_false(parse_sigign("Name:\tx\nSigCgt:\t0000000000000000\n", &m));
	assert_false(parse_sigign("Name:\tx\nSigIgn:\tzz\n", &m));
	assert_false(parse_sigign(NULL, &m));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_size_plain),
		cmocka_unit_test(test_size_suffixes),
		cmocka_unit_test(test_size_limits),
		cmocka_unit_test(test_size_rejects),
		cmocka_unit_test(test_int_range),
		cmocka_unit_test(test_cpus),
		cmocka_unit_test(test_cpus_rejects),
		cmocka_unit_test(test_cpu_list),
		cmocka_unit_test(test_volume),
		cmocka_unit_test(test_volume_rejects),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_user),
		cmocka_unit_test(test_id),
		cmocka_unit_test(test_cpu_list_subset),
		cmocka_unit_test(test_sigign),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
