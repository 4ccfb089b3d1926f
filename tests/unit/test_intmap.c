/* test_intmap.c - cgrund's int-keyed index (src/cgrund/intmap.c): puts,
 * replaces, deletes (only of the holder named), growth, and deletions in
 * the middle of colliding runs checked against a plain array. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "intmap.h"

static int vals[4096];

static void test_put_get_del(void **state)
{
	struct intmap m;

	(void)state;
	intmap_init(&m);
	assert_null(intmap_get(&m, 5));
	intmap_put(&m, 5, &vals[5]);
	intmap_put(&m, 0, &vals[0]);
	intmap_put(&m, -3, &vals[3]);  /* ignored */
	assert_ptr_equal(intmap_get(&m, 5), &vals[5]);
	assert_ptr_equal(intmap_get(&m, 0), &vals[0]);
	assert_null(intmap_get(&m, -3));
	assert_int_equal(m.n, 2);
	/* A reused key: the new holder replaces the old one. */
	intmap_put(&m, 5, &vals[6]);
	assert_ptr_equal(intmap_get(&m, 5), &vals[6]);
	assert_int_equal(m.n, 2);
	/* The old holder's delete leaves the new holder's entry. */
	intmap_del(&m, 5, &vals[5]);
	assert_ptr_equal(intmap_get(&m, 5), &vals[6]);
	intmap_del(&m, 5, &vals[6]);
	assert_null(intmap_get(&m, 5));
	intmap_del(&m, 77, &vals[0]);  /* absent: nothing */
	assert_int_equal(m.n, 1);
	intmap_free(&m);
	assert_null(intmap_get(&m, 0));
}

/* Many keys, many deletions in a mixed order: every lookup agrees with a
 * plain array, through growth and backward shifts in colliding runs. */
static void test_against_array(void **state)
{
	struct intmap m;
	void *ref[4096] = { 0 };
	unsigned seed = 1;

	(void)state;
	intmap_init(&m);
	for (int round = 0; round < 20000; round++) {
		int k;

		seed = seed * 1103515245u + 12345u;
		/* Keys in a narrow band and multiples of 64 (same low bits). */
		k = (int)((seed >> 8) % 2048);
		if (round % 3 == 0)
			k = (int)(((seed >> 8) % 64) * 64);
		if ((seed >> 4) % 3 == 0) {
			intmap_del(&m, k, ref[k]);
			ref[k] = NULL;
		} else {
			intmap_put(&m, k, &vals[k]);
			ref[k] = &vals[k];
		}
		if (round % 997 == 0)
			for (int i = 0; i < 4096; i++)
				assert_ptr_equal(intmap_get(&m, i), ref[i]);
	}
	size_t n = 0;

	for (int i = 0; i < 4096; i++) {
		assert_ptr_equal(intmap_get(&m, i), ref[i]);
		n += ref[i] != NULL;
	}
	assert_int_equal(m.n, n);
	assert_true(m.n * 2 <= m.cap);
	intmap_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put_get_del),
		cmocka_unit_test(test_against_array),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
