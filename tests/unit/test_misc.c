/* test_misc.c - exit codes (spawn.c), overlay lowerdirs (container.c),
 * their escaping and the masked paths (rootfs.c), and the error helpers
 * (util.c), and the merge of an image's environment with a run's (spec.c). */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "container.h"
#include "layers.h"
#include "record.h"
#include "rootfs.h"
#include "spawn.h"
#include "spec.h"
#include "util.h"

/* Wait statuses as the kernel encodes them (glibc's W_EXITCODE/W_STOPCODE). */
#define EXITED(code) (((code) & 0xff) << 8)
#define SIGNALED(sig) ((sig) & 0x7f)
#define STOPPED(sig) ((((sig) & 0xff) << 8) | 0x7f)

static void test_exit_code(void **state)
{
	(void)state;
	/* Sanity: our encodings are what <sys/wait.h> decodes. */
	assert_true(WIFEXITED(EXITED(3)));
	assert_int_equal(WEXITSTATUS(EXITED(3)), 3);
	assert_true(WIFSIGNALED(SIGNALED(SIGKILL)));
	assert_int_equal(WTERMSIG(SIGNALED(SIGKILL)), SIGKILL);

	assert_int_equal(cg_exit_code(EXITED(0)), 0);
	assert_int_equal(cg_exit_code(EXITED(3)), 3);
	assert_int_equal(cg_exit_code(EXITED(255)), 255);
	assert_int_equal(cg_exit_code(W_EXITCODE(42, 0)), 42);
	assert_int_equal(cg_exit_code(SIGNALED(SIGKILL)), 137);
	assert_int_equal(cg_exit_code(SIGNALED(SIGTERM)), 143);
	assert_int_equal(cg_exit_code(W_EXITCODE(0, SIGINT)), 128 + SIGINT);
	/* A core dump flag does not change the code. */
	assert_int_equal(cg_exit_code(SIGNALED(SIGSEGV) | WCOREFLAG), 128 + SIGSEGV);
	/* Neither exited nor killed: cgrun's own error. */
	assert_int_equal(cg_exit_code(STOPPED(SIGSTOP)), 125);
}

static void test_exit_code_real_child(void **state)
{
	int st;
	pid_t p;

	(void)state;
	p = fork();
	assert_true(p >= 0);
	if (p == 0)
		_exit(3);
	assert_int_equal(waitpid(p, &st, 0), p);
	assert_int_equal(cg_exit_code(st), 3);

	p = fork();
	assert_true(p >= 0);
	if (p == 0) {
		raise(SIGTERM);
		_exit(0);
	}
	assert_int_equal(waitpid(p, &st, 0), p);
	assert_int_equal(cg_exit_code(st), 143);
}

static void test_exec_errno_code(void **state)
{
	(void)state;
	assert_int_equal(cg_exec_errno_code(ENOENT), 127);
	assert_int_equal(cg_exec_errno_code(ENOTDIR), 127);
	assert_int_equal(cg_exec_errno_code(EACCES), 126);
	assert_int_equal(cg_exec_errno_code(ENOEXEC), 126);
	assert_int_equal(cg_exec_errno_code(EPERM), 126);
	assert_int_equal(cg_exec_errno_code(E2BIG), 126);
}

static void test_overlay_lowerdirs(void **state)
{
	char *s;

	(void)state;
	s = cg_overlay_lowerdirs("/var/lib/cgrun/containers/abc/init",
				 "/var/lib/cgrun/images/busybox/rootfs");
	assert_string_equal(s, "/var/lib/cgrun/containers/abc/init:/var/lib/cgrun/images/busybox/rootfs");
	free(s);
	/* The init layer sits above the image: it comes first. */
	s = cg_overlay_lowerdirs("/i", "/r");
	assert_string_equal(s, "/i:/r");
	free(s);
	/* A store path may hold overlay's separators: ':' between lower
	 * directories, ',' between options. Each is escaped with a backslash
	 * (and a backslash itself), as overlayfs documents; the ':' between the
	 * two layers is not. */
	s = cg_overlay_lowerdirs("/s/a:b,c/containers/abc/init", "/s/a\\:b\\,c/images/x\\\\y/rootfs");
	assert_string_equal(s, "/s/a\\:b\\,c/containers/abc/init:/s/a\\:b\\,c/images/x\\\\y/rootfs");
	free(s);
	/* A layered image's short links come as they are, top first. */
	s = cg_overlay_lowerdirs("/i", "l/0123:l/4567");
	assert_string_equal(s, "/i:l/0123:l/4567");
	free(s);
}

static void test_layer_names(void **state)
{
	const char *hex = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	char *s;

	(void)state;
	assert_true(cg_layer_hex_valid(hex));
	assert_false(cg_layer_hex_valid("0123456789abcdef"));                  /* short */
	assert_false(cg_layer_hex_valid("0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef"));
	assert_false(cg_layer_hex_valid("../3456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"));
	assert_false(cg_layer_hex_valid(""));
	s = cg_layer_link(hex);
	/* "l/" and 26 digits: 28 bytes and a ':' a layer in the option. */
	assert_string_equal(s, "l/0123456789abcdef0123456789");
	assert_int_equal(strlen(s), 2 + CG_LAYER_LINK_LEN);
	free(s);
}

static void test_overlay_escape(void **state)
{
	char *s;

	(void)state;
	s = cg_overlay_escape("/var/lib/cgrun/containers/abc/upper");
	assert_string_equal(s, "/var/lib/cgrun/containers/abc/upper");
	free(s);
	s = cg_overlay_escape(":,\\");
	assert_string_equal(s, "\\:\\,\\\\");
	free(s);
	s = cg_overlay_escape("/a::b,,c=d e");
	assert_string_equal(s, "/a\\:\\:b\\,\\,c=d e");
	free(s);
	s = cg_overlay_escape("");
	assert_string_equal(s, "");
	free(s);
}

/* Is a the path b or one below it? */
static bool path_within(const char *a, const char *b)
{
	size_t n = strlen(b);

	return !strncmp(a, b, n) && (a[n] == '\0' || a[n] == '/');
}

/* The masked and read-only lists (rootfs-paths.h; rootfs.bats checks each
 * inside a container): absolute paths in /proc or /sys, no '..' nor
 * trailing '/', and none within another, in either list: rootfs.c mounts
 * each on its own and their order would then matter. */
static void test_rootfs_paths(void **state)
{
	const char *const *lists[] = { cg_masked_paths, cg_readonly_paths };
	const char *all[64];
	size_t n = 0;

	(void)state;
	for (size_t l = 0; l < ARRAY_SIZE(lists); l++) {
		assert_non_null(lists[l][0]);
		for (size_t i = 0; lists[l][i]; i++) {
			const char *p = lists[l][i];

			if ((strncmp(p, "/proc/", 6) && strncmp(p, "/sys/", 5)) || strstr(p, "/..") ||
			    strstr(p, "//") || p[strlen(p) - 1] == '/')
				fail_msg("%s: not a plain path in /proc or /sys", p);
			assert_true(n < ARRAY_SIZE(all));
			all[n++] = p;
		}
	}
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++)
			if (i != j && path_within(all[i], all[j]))
				fail_msg("%s is within %s", all[i], all[j]);
}

static void test_error(void **state)
{
	cg_err_t err = { 0 };
	char want[256];

	(void)state;
	assert_int_equal(cg_error(&err, ENOENT, "mkdir %s", "/sys/fs/cgroup/pids/cgrun"), -ENOENT);
	snprintf(want, sizeof(want), "mkdir /sys/fs/cgroup/pids/cgrun: %s", strerror(ENOENT));
	assert_string_equal(err.msg, want);
	assert_int_equal(err.code, ENOENT);
	assert_int_equal(err.exit_code, 125);

	/* errnum 0: no strerror suffix, code 1, returns -1. */
	memset(&err, 0, sizeof(err));
	assert_int_equal(cg_error(&err, 0, "bad value %d", 7), -1);
	assert_string_equal(err.msg, "bad value 7");
	assert_int_equal(err.code, 1);
	assert_int_equal(err.exit_code, 125);

	/* An exit code chosen before is kept. */
	memset(&err, 0, sizeof(err));
	err.exit_code = 127;
	assert_int_equal(cg_error(&err, ENOENT, "exec %s", "/nope"), -ENOENT);
	assert_int_equal(err.exit_code, 127);

	/* A NULL err still reports the failure. */
	assert_int_equal(cg_error(NULL, EACCES, "x"), -EACCES);
	assert_int_equal(cg_error(NULL, 0, "x"), -1);
}

static void test_error_wrap(void **state)
{
	cg_err_t err = { 0 };
	char want[512];

	(void)state;
	cg_error(&err, EACCES, "mkdir %s", "/sys/fs/cgroup/pids/cgrun/3f2a");
	assert_int_equal(cg_error_wrap(&err, "creating cgroup %s", "cgrun/3f2a"), -EACCES);
	snprintf(want, sizeof(want), "creating cgroup cgrun/3f2a: mkdir /sys/fs/cgroup/pids/cgrun/3f2a: %s",
		 strerror(EACCES));
	assert_string_equal(err.msg, want);
	assert_int_equal(err.code, EACCES);
	assert_int_equal(err.exit_code, 125);

	/* Wrapping twice reads like a path. */
	cg_error_wrap(&err, "running %s", "busybox");
	snprintf(want, sizeof(want), "running busybox: creating cgroup cgrun/3f2a: mkdir /sys/fs/cgroup/pids/cgrun/3f2a: %s",
		 strerror(EACCES));
	assert_string_equal(err.msg, want);

	/* Without an errno. */
	memset(&err, 0, sizeof(err));
	cg_error(&err, 0, "no such image");
	assert_int_equal(cg_error_wrap(&err, "ctx"), -1);
	assert_string_equal(err.msg, "ctx: no such image");
}

static void test_error_truncation(void **state)
{
	cg_err_t err;
	char *huge = malloc(8192);

	(void)state;
	assert_non_null(huge);
	memset(huge, 'c', 8191);
	huge[8191] = '\0';

	/* A message longer than the buffer is cut, NUL-terminated, and the
	 * bytes after msg are untouched. */
	memset(&err, 0, sizeof(err));
	assert_int_equal(cg_error(&err, ENOENT, "%s", huge), -ENOENT);
	assert_int_equal(strnlen(err.msg, sizeof(err.msg)), sizeof(err.msg) - 1);
	assert_int_equal(err.code, ENOENT);
	assert_int_equal(err.exit_code, 125);

	/* A very long context on a short message. */
	memset(&err, 0, sizeof(err));
	cg_error(&err, ENOENT, "open");
	assert_int_equal(cg_error_wrap(&err, "%s", huge), -ENOENT);
	assert_true(strnlen(err.msg, sizeof(err.msg)) < sizeof(err.msg));
	assert_int_equal(err.msg[0], 'c');
	assert_int_equal(err.code, ENOENT);
	assert_int_equal(err.exit_code, 125);

	/* A long context on a long message: still cut inside the buffer. */
	memset(&err, 0, sizeof(err));
	cg_error(&err, 0, "%.1000s", huge);
	cg_error_wrap(&err, "%.600s", huge);
	assert_int_equal(strnlen(err.msg, sizeof(err.msg)), sizeof(err.msg) - 1);

	/* Wrapping many times never overflows and keeps the newest context first. */
	memset(&err, 0, sizeof(err));
	cg_error(&err, EIO, "base");
	for (int i = 0; i < 100; i++)
		cg_error_wrap(&err, "level %d", i);
	assert_true(strnlen(err.msg, sizeof(err.msg)) < sizeof(err.msg));
	assert_int_equal(strncmp(err.msg, "level 99: level 98: ", 20), 0);
	assert_int_equal(err.code, EIO);
	free(huge);
}

static void test_stat_start_time(void **state)
{
	(void)state;
	/* A command name with spaces and ')' must not shift the fields. */
	const char *stat = "4242 (a b) c) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 "
			   "987654 1000 200 18446744073709551615";

	assert_int_equal(cg_parse_stat_start_time(stat), 987654);
	assert_int_equal(cg_parse_stat_start_time("1 (init) S 0 1 1 0 -1 4194560 5 6 7 8 9 10 11 12 "
						  "20 0 1 0 17 3000"), 17);
	/* A zombie has ended, whatever its start time. */
	assert_int_equal(cg_parse_stat_start_time("4242 (a b) c) Z 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 "
						  "20 0 1 0 987654 0 0 18446744073709551615"), 0);
	assert_int_equal(cg_parse_stat_start_time("4242 (sh) X 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 "
						  "20 0 1 0 987654 0 0 18446744073709551615"), 0);
	assert_int_equal(cg_parse_stat_start_time("garbage"), 0);
	assert_int_equal(cg_parse_stat_start_time("1 (x) S 0 1"), 0);
}

/* write_file_atomic replaces a file whole (a reader holding the old one
 * keeps the old content), leaves no temp file, and creates a new one;
 * write_new_file refuses to overwrite. */
static void test_file_writers(void **state)
{
	char dir[] = "/tmp/cgrun-test-misc.XXXXXX", path[64], *got = NULL, old[16] = { 0 };
	cg_err_t err = { 0 };
	DIR *d;
	struct dirent *de;
	int fd, n = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/rec", dir);
	assert_int_equal(write_file_atomic(path, "first\n", 0600, &err), 0);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(write_file_atomic(path, "second\n", 0600, &err), 0);
	assert_int_equal(read_file(path, &got, 4096, &err), 0);
	assert_string_equal(got, "second\n");
	free(got);
	assert_int_equal(pread(fd, old, sizeof(old) - 1, 0), 6);
	assert_string_equal(old, "first\n");
	close(fd);
	assert_non_null(d = opendir(dir));
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	assert_int_equal(n, 1);
	assert_int_equal(write_new_file(path, "third\n", 0644, &err), -EEXIST);
	assert_int_equal(err.code, EEXIST);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(write_new_file(path, "third\n", 0644, &err), 0);
	assert_int_equal(read_file(path, &got, 4096, &err), 0);
	assert_string_equal(got, "third\n");
	free(got);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

/* A frozen cgroup.events, parsed by key at the start of a line. */
static void test_events_frozen(void **state)
{
	(void)state;
	assert_true(cg_events_frozen("populated 0\nfrozen 1\n"));
	assert_false(cg_events_frozen("populated 1\nfrozen 0\n"));
	assert_true(cg_events_frozen("frozen 1\npopulated 0\n"));
	assert_false(cg_events_frozen("populated 0\n"));
	assert_false(cg_events_frozen("unfrozen 1\nfrozen 0\n"));
	assert_false(cg_events_frozen(""));
}

/* docker's order: the image's variables, then the run's; a key the run
 * sets replaces the image's (wherever it stood), whatever its value. */
static void test_env_merge(void **state)
{
	char *img[] = { "PATH=/img/bin", "LANG=C.UTF-8", "HOME=/root", "PATHX=1", NULL };
	char *run[] = { "PATH=/run/bin", "FOO=bar", "HOME=", NULL };
	char **v;

	(void)state;
	v = cg_env_merge(img, run);
	assert_string_equal(v[0], "LANG=C.UTF-8");
	assert_string_equal(v[1], "PATHX=1");  /* not PATH's: keys match whole */
	assert_string_equal(v[2], "PATH=/run/bin");
	assert_string_equal(v[3], "FOO=bar");
	assert_string_equal(v[4], "HOME=");
	assert_null(v[5]);
	free(v);
	v = cg_env_merge(NULL, run);
	assert_string_equal(v[0], "PATH=/run/bin");
	assert_null(v[3]);
	free(v);
	v = cg_env_merge(img, NULL);
	assert_string_equal(v[3], "PATHX=1");
	assert_null(v[4]);
	free(v);
	v = cg_env_merge(NULL, NULL);
	assert_null(v[0]);
	free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exit_code),
		cmocka_unit_test(test_exit_code_real_child),
		cmocka_unit_test(test_exec_errno_code),
		cmocka_unit_test(test_overlay_lowerdirs),
		cmocka_unit_test(test_layer_names),
		cmocka_unit_test(test_overlay_escape),
		cmocka_unit_test(test_rootfs_paths),
		cmocka_unit_test(test_error),
		cmocka_unit_test(test_error_wrap),
		cmocka_unit_test(test_error_truncation),
		cmocka_unit_test(test_stat_start_time),
		cmocka_unit_test(test_file_writers),
		cmocka_unit_test(test_events_frozen),
		cmocka_unit_test(test_env_merge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
