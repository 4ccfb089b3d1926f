/* test_caps.c - capability sets by name (src/lib/caps.c). */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <sys/capability.h>
#include <cmocka.h>

#include "caps.h"

#define BIT(c) (1ULL << (c))

/* docker's default set (moby's oci/caps/defaults.go). */
static const cap_value_t docker_default[] = {
	CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FSETID, CAP_FOWNER, CAP_MKNOD, CAP_NET_RAW,
	CAP_SETGID, CAP_SETUID, CAP_SETFCAP, CAP_SETPCAP, CAP_NET_BIND_SERVICE,
	CAP_SYS_CHROOT, CAP_KILL, CAP_AUDIT_WRITE,
};

static void test_default(void **state)
{
	struct cg_caps c = { .set = ~0ULL };
	uint64_t want = 0;

	(void)state;
	cg_caps_default(&c);
	for (size_t i = 0; i < ARRAY_SIZE(docker_default); i++) {
		if (!(c.set & BIT(docker_default[i])))
			fail_msg("default set lacks capability %d", docker_default[i]);
		want |= BIT(docker_default[i]);
	}
	assert_int_equal(__builtin_popcountll(c.set), 14);
	assert_int_equal(c.set, want);
	assert_false(c.set & BIT(CAP_SYS_ADMIN));
	assert_false(c.set & BIT(CAP_NET_ADMIN));
	assert_false(c.set & BIT(CAP_SYS_PTRACE));
	assert_false(c.set & BIT(CAP_SYS_MODULE));
	assert_false(c.set & BIT(CAP_DAC_READ_SEARCH));
	assert_false(c.set & BIT(CAP_SYS_TIME));
}

static void test_add(void **state)
{
	struct cg_caps c;
	uint64_t before;
	cg_err_t err = { 0 };

	(void)state;
	cg_caps_default(&c);
	before = c.set;
	assert_int_equal(cg_caps_add(&c, "NET_ADMIN", &err), 0);
	assert_int_equal(c.set, before | BIT(CAP_NET_ADMIN));

	cg_caps_default(&c);
	assert_int_equal(cg_caps_add(&c, "cap_net_admin", &err), 0);
	assert_int_equal(c.set, before | BIT(CAP_NET_ADMIN));

	cg_caps_default(&c);
	assert_int_equal(cg_caps_add(&c, "CAP_SYS_ADMIN", &err), 0);
	assert_int_equal(c.set, before | BIT(CAP_SYS_ADMIN));

	cg_caps_default(&c);
	assert_int_equal(cg_caps_add(&c, "sys_ptrace", &err), 0);
	assert_int_equal(c.set, before | BIT(CAP_SYS_PTRACE));

	/* Adding one already there changes nothing. */
	cg_caps_default(&c);
	assert_int_equal(cg_caps_add(&c, "CHOWN", &err), 0);
	assert_int_equal(c.set, before);
}

static void test_add_all(void **state)
{
	struct cg_caps c = { 0 };
	cg_err_t err = { 0 };
	int bits = (int)cap_max_bits();   /* the kernel's number of capabilities */

	(void)state;
	assert_true(bits > CAP_SYS_ADMIN && bits <= 64);
	assert_int_equal(cg_caps_add(&c, "ALL", &err), 0);
	/* ALL is what this process may hand on: exactly its bounding set
	 * (a host may have dropped some, as this one drops SYS_RESOURCE). */
	for (int i = 0; i < bits; i++)
		if (!!(c.set & BIT(i)) != (cap_get_bound((cap_value_t)i) == 1))
			fail_msg("ALL disagrees with the bounding set on capability %d", i);
	if (bits < 64)
		assert_int_equal(c.set >> bits, 0);

	c.set = 0;
	assert_int_equal(cg_caps_add(&c, "all", &err), 0);
	assert_int_equal(!!(c.set & BIT(CAP_SYS_ADMIN)), cap_get_bound(CAP_SYS_ADMIN) == 1);
}

static void test_drop(void **state)
{
	struct cg_caps c;
	uint64_t before;
	cg_err_t err = { 0 };

	(void)state;
	cg_caps_default(&c);
	before = c.set;
	assert_int_equal(cg_caps_drop(&c, "NET_RAW", &err), 0);
	assert_int_equal(c.set, before & ~BIT(CAP_NET_RAW));
	assert_int_equal(cg_caps_drop(&c, "cap_mknod", &err), 0);
	assert_int_equal(c.set, before & ~BIT(CAP_NET_RAW) & ~BIT(CAP_MKNOD));
	/* Dropping one not there changes nothing. */
	assert_int_equal(cg_caps_drop(&c, "NET_ADMIN", &err), 0);
	assert_int_equal(c.set, before & ~BIT(CAP_NET_RAW) & ~BIT(CAP_MKNOD));

	assert_int_equal(cg_caps_drop(&c, "ALL", &err), 0);
	assert_int_equal(c.set, 0);

	/* --cap-drop=ALL --cap-add=NET_BIND_SERVICE */
	assert_int_equal(cg_caps_add(&c, "NET_BIND_SERVICE", &err), 0);
	assert_int_equal(c.set, BIT(CAP_NET_BIND_SERVICE));
}

static void expect_unknown(const char *const *bad, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct cg_caps c;
		uint64_t before;
		cg_err_t err = { 0 };

		cg_caps_default(&c);
		before = c.set;
		if (cg_caps_add(&c, bad[i], &err) >= 0)
			fail_msg("cg_caps_add(\"%s\") accepted it", bad[i]);
		assert_int_equal(c.set, before);
		assert_int_equal(err.exit_code, 125);
		if (bad[i][0] && strstr(err.msg, bad[i]) == NULL)
			fail_msg("error \"%s\" does not name \"%s\"", err.msg, bad[i]);
		memset(&err, 0, sizeof(err));
		if (cg_caps_drop(&c, bad[i], &err) >= 0)
			fail_msg("cg_caps_drop(\"%s\") accepted it", bad[i]);
		assert_int_equal(c.set, before);
	}
}

static void test_unknown(void **state)
{
	static const char *const bad[] = { "NET_ADMINX", "FOO", "", "CAP_", "cap", "12",
					   "CAP_ALL", "NET-ADMIN" };

	(void)state;
	expect_unknown(bad, ARRAY_SIZE(bad));
}

/* libcap's cap_from_name() only reads up to the first delimiter (, + = - .
 * space...), so a name must be checked whole: "NET_ADMIN,SYS_ADMIN" is not
 * a capability name and must not quietly add NET_ADMIN alone. */
static void test_trailing_garbage(void **state)
{
	static const char *const bad[] = { "NET_ADMIN,SYS_ADMIN", "NET_ADMIN xyz", "CHOWN.x",
					   "cap_net_admin+ep", "NET_ADMIN=" };

	(void)state;
	expect_unknown(bad, ARRAY_SIZE(bad));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default),
		cmocka_unit_test(test_add),
		cmocka_unit_test(test_add_all),
		cmocka_unit_test(test_drop),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_trailing_garbage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
