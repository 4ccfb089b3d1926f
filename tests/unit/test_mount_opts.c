/* test_mount_opts.c - the pure side of the mount hardening: option strings
 * for fsconfig, mount(2) flags as MOUNT_ATTR_* (mount-opts.c), the device
 * check of the host's /dev nodes, and paths below /proc and /sys
 * (safe-path.c's cg_path_under). */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <cmocka.h>

#include "mount-opts.h"
#include "rootfs.h"
#include "safe-path.h"

static void test_opts_split(void **state)
{
	struct cg_mount_opt o[4];
	char buf[] = "mode=755,size=65536k,newinstance";
	char one[] = "gid=5";
	char empty[] = "";

	(void)state;
	assert_int_equal(cg_mount_opts_split(buf, o, 4), 3);
	assert_string_equal(o[0].key, "mode");
	assert_string_equal(o[0].value, "755");
	assert_string_equal(o[1].key, "size");
	assert_string_equal(o[1].value, "65536k");
	assert_string_equal(o[2].key, "newinstance");
	assert_null(o[2].value);
	assert_int_equal(cg_mount_opts_split(one, o, 4), 1);
	assert_string_equal(o[0].key, "gid");
	assert_int_equal(cg_mount_opts_split(empty, o, 4), 0);
	assert_int_equal(cg_mount_opts_split(NULL, o, 4), 0);
	/* A value may itself hold '=': only the first one splits. */
	char eq[] = "k=a=b";

	assert_int_equal(cg_mount_opts_split(eq, o, 4), 1);
	assert_string_equal(o[0].value, "a=b");
}

static void test_opts_split_bad(void **state)
{
	struct cg_mount_opt o[2];
	char two_commas[] = "a,,b", lead[] = ",a", trail[] = "a,", noname[] = "=x", many[] = "a,b,c";

	(void)state;
	assert_int_equal(cg_mount_opts_split(two_commas, o, 2), -1);
	assert_int_equal(cg_mount_opts_split(lead, o, 2), -1);
	assert_int_equal(cg_mount_opts_split(trail, o, 2), -1);
	assert_int_equal(cg_mount_opts_split(noname, o, 2), -1);
	/* More than fit: refused, never truncated. */
	assert_int_equal(cg_mount_opts_split(many, o, 2), -1);
}

static void test_mount_attrs(void **state)
{
	(void)state;
	assert_int_equal(cg_mount_attrs(0), 0);
	assert_int_equal(cg_mount_attrs(MS_RDONLY), MOUNT_ATTR_RDONLY);
	assert_int_equal(cg_mount_attrs(MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC),
			 MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	assert_int_equal(cg_mount_attrs(MS_NOSUID | MS_NODEV | MS_STRICTATIME),
			 MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_STRICTATIME);
	/* Flags with no attribute (a bind, a propagation change) are a
	 * mistake of the caller's, not something to drop quietly. */
	assert_int_equal(cg_mount_attrs(MS_BIND), (unsigned)-1);
	assert_int_equal(cg_mount_attrs(MS_RDONLY | MS_REC), (unsigned)-1);
	assert_int_equal(cg_mount_attrs(MS_PRIVATE), (unsigned)-1);
}

static void test_chardev(void **state)
{
	struct stat st = { 0 };

	(void)state;
	st.st_mode = S_IFCHR | 0666;
	st.st_rdev = makedev(1, 3);
	assert_true(cg_stat_is_chardev(&st, 1, 3));
	assert_false(cg_stat_is_chardev(&st, 1, 5));
	assert_false(cg_stat_is_chardev(&st, 3, 1));
	/* The right numbers on anything but a character device: no. */
	st.st_mode = S_IFBLK | 0666;
	assert_false(cg_stat_is_chardev(&st, 1, 3));
	st.st_mode = S_IFREG | 0644;
	assert_false(cg_stat_is_chardev(&st, 1, 3));
	st.st_mode = S_IFLNK | 0777;
	assert_false(cg_stat_is_chardev(&st, 1, 3));
}

static void test_path_under(void **state)
{
	(void)state;
	assert_string_equal(cg_path_under("/proc/kcore", "/proc"), "kcore");
	assert_string_equal(cg_path_under("/proc/sys", "/proc/"), "sys");
	assert_string_equal(cg_path_under("/sys/devices/virtual/powercap", "/sys"),
			    "devices/virtual/powercap");
	assert_string_equal(cg_path_under("/proc//keys", "/proc"), "keys");
	/* Not strictly below: the top itself, a sibling with the same
	 * prefix, another tree. */
	assert_null(cg_path_under("/proc", "/proc"));
	assert_null(cg_path_under("/proc/", "/proc"));
	assert_null(cg_path_under("/procfoo/x", "/proc"));
	assert_null(cg_path_under("/sys/x", "/proc"));
	assert_null(cg_path_under("proc/x", "/proc"));
}

/* Every path rootfs.c masks or makes read-only is below /proc or /sys,
 * the two mounts it resolves them beneath. */
static void test_masked_paths_are_below_proc_or_sys(void **state)
{
	(void)state;
	for (size_t i = 0; cg_masked_paths[i]; i++)
		assert_true(cg_path_under(cg_masked_paths[i], "/proc") || cg_path_under(cg_masked_paths[i], "/sys"));
	for (size_t i = 0; cg_readonly_paths[i]; i++)
		assert_true(cg_path_under(cg_readonly_paths[i], "/proc") || cg_path_under(cg_readonly_paths[i], "/sys"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_opts_split),
		cmocka_unit_test(test_opts_split_bad),
		cmocka_unit_test(test_mount_attrs),
		cmocka_unit_test(test_chardev),
		cmocka_unit_test(test_path_under),
		cmocka_unit_test(test_masked_paths_are_below_proc_or_sys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
