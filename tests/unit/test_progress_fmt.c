/* test_progress_fmt.c - the text of a pull's progress lines. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "progress-fmt.h"

static void test_bytes(void **state)
{
	char b[32];

	(void)state;
	cg_fmt_bytes(b, sizeof(b), 0, false);
	assert_string_equal(b, "0B");
	cg_fmt_bytes(b, sizeof(b), 999, false);
	assert_string_equal(b, "999B");
	cg_fmt_bytes(b, sizeof(b), 1000, false);
	assert_string_equal(b, "1.0kB");
	cg_fmt_bytes(b, sizeof(b), 12345678, false);
	assert_string_equal(b, "12.3MB");
	cg_fmt_bytes(b, sizeof(b), 45.6e9, true);
	assert_string_equal(b, "45.6 GB");
	cg_fmt_bytes(b, sizeof(b), 3e18, false);  /* past the last unit: stays in TB */
	assert_string_equal(b, "3000000.0TB");
	cg_fmt_bytes(b, sizeof(b), -5, false);
	assert_string_equal(b, "0B");
	cg_fmt_bytes(b, 4, 12345678, false);      /* cut, still terminated */
	assert_string_equal(b, "12.");
}

static void test_rate(void **state)
{
	char b[32];

	(void)state;
	cg_fmt_rate(b, sizeof(b), 10200000, 2.0);
	assert_string_equal(b, "5.1MB/s");
	cg_fmt_rate(b, sizeof(b), 1000, 0);
	assert_string_equal(b, "0B/s");
	cg_fmt_rate(b, sizeof(b), 1000, -1);
	assert_string_equal(b, "0B/s");
	cg_fmt_rate(b, 5, 10200000, 2.0);
	assert_string_equal(b, "5.1M");
}

static void test_tty_line(void **state)
{
	char b[512];
	size_t n;

	(void)state;
	n = cg_fmt_tty_line(b, sizeof(b), 120, "0123456789ab", NULL, 12345678, 45600000, 2.42);
	assert_string_equal(b, "0123456789ab: Downloading  12.3MB/45.6MB  5.1MB/s");
	assert_int_equal(n, strlen(b));
	n = cg_fmt_tty_line(b, sizeof(b), 120, "0123456789ab", "Pull complete", 1, 2, 3);
	assert_string_equal(b, "0123456789ab: Pull complete");
	/* Width-safe: at most width - 1 columns. */
	n = cg_fmt_tty_line(b, sizeof(b), 20, "0123456789ab", NULL, 12345678, 45600000, 2.42);
	assert_int_equal(n, 19);
	assert_string_equal(b, "0123456789ab: Downl");
	/* No usable width: 80 columns. */
	memset(b, 0, sizeof(b));
	n = cg_fmt_tty_line(b, sizeof(b), 0, "0123456789ab", "a state much longer than the id, cut at thirty-two", 0, 0, 0);
	assert_true(n <= 79);
	assert_string_equal(b, "0123456789ab: a state much longer than the id,");
	/* Control characters (a registry's bytes) never reach the terminal. */
	n = cg_fmt_tty_line(b, sizeof(b), 80, "ab\033[2Jcd", "x\ny", 0, 0, 0);
	assert_string_equal(b, "ab?[2Jcd: x?y");
	/* A small buffer: cut, terminated. */
	n = cg_fmt_tty_line(b, 8, 80, "0123456789ab", NULL, 1, 2, 1);
	assert_string_equal(b, "0123456");
	assert_int_equal(cg_fmt_tty_line(b, 0, 80, "x", NULL, 0, 0, 0), 0);
}

static void test_plain_line(void **state)
{
	char b[512];
	size_t n;

	(void)state;
	n = cg_fmt_plain_line(b, sizeof(b), "0123456789ab", 12345678, 12345678, 2.0);
	assert_int_equal(n, strlen(b));
	assert_string_equal(b, "0123456789ab: done 12.3 MB/12.3 MB (6.2 MB/s)");
	cg_fmt_plain_line(b, sizeof(b), "x", 10, 10, 0);
	assert_string_equal(b, "x: done 10 B/10 B (0 B/s)");
	assert_int_equal(cg_fmt_plain_line(b, 10, "0123456789ab", 1, 1, 1), 9);
	assert_string_equal(b, "012345678");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bytes),
		cmocka_unit_test(test_rate),
		cmocka_unit_test(test_tty_line),
		cmocka_unit_test(test_plain_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
