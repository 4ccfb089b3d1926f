/* test_warm_ns.c - the spawner's made-ahead namespaces (warm-ns.c): which
 * starts may take them, and that a spawner which cannot go back to
 * cgrund's namespaces says so (it must then clone nothing more). The
 * setns and unshare themselves are tried by tests/integration/
 * daemon_spawner.bats. No root needed: no path here makes a namespace. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "warm-ns.h"

/* A spawner whose fds of home are not usable (setns fails on them). */
static struct cg_warm_ns broken(enum cg_warm_state state)
{
	struct cg_warm_ns w = { .home = { -1, -1, -1 }, .state = state };

	return w;
}

static void test_fits(void **state)
{
	struct cg_idmap idmap = { 0 };
	struct cg_spawn_args a = { 0 };

	(void)state;
	assert_true(cg_warm_ns_fits(&a));
	a.net_host = true;
	assert_false(cg_warm_ns_fits(&a));
	a.net_host = false;
	a.netns_pid = 42;
	assert_false(cg_warm_ns_fits(&a));
	a.netns_pid = 0;
	a.idmap = &idmap;
	assert_false(cg_warm_ns_fits(&a));
}

static void test_taken_once(void **state)
{
	struct cg_warm_ns w = broken(CG_NS_WARM);
	struct cg_spawn_args a = { 0 };

	(void)state;
	/* Warm and a default start: it takes them, no setns needed. */
	assert_int_equal(cg_warm_ns_before(&w, &a), 0);
	assert_true(a.ns_warm);
	/* Taken: it must leave them at once, and says it cannot. */
	assert_int_equal(cg_warm_ns_taken(&w), -1);
	assert_int_equal(w.state, CG_NS_USED);
	/* The next start never gets them: the spawner must go home first,
	 * and here it cannot. */
	a.ns_warm = false;
	assert_int_equal(cg_warm_ns_before(&w, &a), -1);
	assert_false(a.ns_warm);
	assert_int_equal(cg_warm_ns_refill(&w), -1);
}

static void test_not_fitting_goes_home(void **state)
{
	struct cg_warm_ns w = broken(CG_NS_WARM);
	struct cg_spawn_args a = { .net_host = true };

	(void)state;
	/* --network=host must be cloned from cgrund's namespace: from warm
	 * ones the spawner goes home first, and says when it cannot. */
	assert_int_equal(cg_warm_ns_before(&w, &a), -1);
	assert_false(a.ns_warm);
	w = broken(CG_NS_HOME);
	assert_int_equal(cg_warm_ns_before(&w, &a), 0);
	assert_false(a.ns_warm);
}

static void test_home_without_fds_stays_home(void **state)
{
	struct cg_warm_ns w = broken(CG_NS_HOME);
	struct cg_spawn_args a = { 0 };

	(void)state;
	/* No fds of home (cg_warm_ns_open failed): it never leaves home. */
	assert_int_equal(cg_warm_ns_refill(&w), 0);
	assert_int_equal(w.state, CG_NS_HOME);
	assert_int_equal(cg_warm_ns_before(&w, &a), 0);
	assert_false(a.ns_warm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fits),
		cmocka_unit_test(test_taken_once),
		cmocka_unit_test(test_not_fitting_goes_home),
		cmocka_unit_test(test_home_without_fds_stays_home),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
