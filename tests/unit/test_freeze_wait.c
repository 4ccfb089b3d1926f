/* test_freeze_wait.c - the wait for cgroup.events' frozen state
 * (freeze-wait.c), on a file of the same format that a child process
 * rewrites (no cgroup, no root needed). */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "freeze-wait.h"

static char path[] = "/tmp/test_freeze_wait.XXXXXX";

static void put(const char *text)
{
	char tmp[sizeof(path) + 8];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.new", path);
	f = fopen(tmp, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(rename(tmp, path), 0);
}

static int setup(void **state)
{
	int fd = mkstemp(path);

	(void)state;
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	return 0;
}

static void test_already(void **state)
{
	cg_err_t err = { 0 };

	(void)state;
	put("populated 1\nfrozen 1\n");
	assert_int_equal(cg_wait_frozen(path, true, 1000, &err), 0);
	put("populated 1\nfrozen 0\n");
	assert_int_equal(cg_wait_frozen(path, false, 1000, &err), 0);
}

static void test_becomes(void **state)
{
	cg_err_t err = { 0 };
	pid_t pid;
	int st;

	(void)state;
	put("populated 1\nfrozen 0\n");
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		nanosleep(&(struct timespec){ .tv_nsec = 100 * 1000 * 1000 }, NULL);
		put("populated 1\nfrozen 1\n");
		_exit(0);
	}
	/* Not yet frozen when asked: it waits for the child's rewrite. */
	assert_int_equal(cg_wait_frozen(path, true, 10000, &err), 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void test_times_out(void **state)
{
	cg_err_t err = { 0 };

	(void)state;
	/* "frozen 1" inside another key does not count. */
	put("populated 1\nnotfrozen 1\nfrozen 0\n");
	assert_true(cg_wait_frozen(path, true, 50, &err) < 0);
	assert_int_equal(err.code, ETIMEDOUT);
	assert_non_null(strstr(err.msg, "not frozen"));
	assert_non_null(strstr(err.msg, path));
}

static void test_gone(void **state)
{
	cg_err_t err = { 0 };

	(void)state;
	assert_true(cg_wait_frozen("/nonexistent/cgroup.events", true, 1000, &err) < 0);
	assert_int_equal(err.code, ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_already),
		cmocka_unit_test(test_becomes),
		cmocka_unit_test(test_times_out),
		cmocka_unit_test(test_gone),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
