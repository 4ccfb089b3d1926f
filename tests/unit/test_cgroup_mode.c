/* test_cgroup_mode.c - host cgroup mode detection from mountinfo and
 * /proc/self/cgroup texts (src/lib/cgroup-mode.c). */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cgroup-mode.h"

/* A Debian host booted with systemd.unified_cgroup_hierarchy=0 and no
 * cgroup2 mount: v1 only, cpu and cpuacct co-mounted as usual. */
static const char legacy_mi[] =
	"22 28 0:21 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw\n"
	"25 28 0:5 / /dev rw,nosuid,relatime shared:2 - devtmpfs udev rw,size=4026644k\n"
	"28 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw,errors=remount-ro\n"
	"31 22 0:26 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755\n"
	"32 31 0:27 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:10 - cgroup cgroup rw,xattr,name=systemd\n"
	"35 31 0:30 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:13 - cgroup cgroup rw,cpu,cpuacct\n"
	"36 31 0:31 / /sys/fs/cgroup/cpuset rw,nosuid,nodev,noexec,relatime shared:14 - cgroup cgroup rw,cpuset\n"
	"37 31 0:32 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:15 - cgroup cgroup rw,memory\n"
	"38 31 0:33 / /sys/fs/cgroup/pids rw,nosuid,nodev,noexec,relatime shared:16 - cgroup cgroup rw,pids\n"
	"39 31 0:34 / /sys/fs/cgroup/devices rw,nosuid,nodev,noexec,relatime shared:17 - cgroup cgroup rw,devices\n"
	"40 31 0:35 / /sys/fs/cgroup/freezer rw,nosuid,nodev,noexec,relatime shared:18 - cgroup cgroup rw,freezer\n"
	"41 31 0:36 / /sys/fs/cgroup/blkio rw,nosuid,nodev,noexec,relatime shared:19 - cgroup cgroup rw,blkio\n";

/* The machines here (see /proc/self/mountinfo on them): every v1
 * controller on its own, cgroup2 at /sys/fs/cgroup/unified. */
static const char hybrid_mi[] =
	"21 26 0:20 / /sys rw,nosuid,nodev,noexec,relatime - sysfs sysfs rw\n"
	"26 1 254:1 / / rw,relatime - ext4 /dev/vda1 rw\n"
	"31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
	"32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
	"33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
	"34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset\n"
	"35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
	"36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices\n"
	"37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer\n"
	"38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio\n"
	"39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
	"40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n"
	"41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";

static const char hybrid_self[] =
	"9:name=systemd:/\n"
	"8:pids:/\n"
	"7:blkio:/\n"
	"6:freezer:/\n"
	"5:devices:/\n"
	"4:memory:/process_api/20a7c5cd84d40b993aa91a6872bcb900\n"
	"3:cpuset:/\n"
	"2:cpuacct:/\n"
	"1:cpu:/\n"
	"0::/\n";

/* Debian 12 with systemd: cgroup2 only, with nsdelegate and optional fields. */
static const char unified_mi[] =
	"22 29 0:21 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw\n"
	"26 22 0:25 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n"
	"29 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw,errors=remount-ro\n";

static struct cg_layout *new_layout(void)
{
	struct cg_layout *l = malloc(sizeof(*l));

	assert_non_null(l);
	/* Garbage, so that fields the parser fails to set show up. */
	memset(l, 0xa5, sizeof(*l));
	return l;
}

static void test_legacy(void **state)
{
	struct cg_layout *l = new_layout();
	cg_err_t err = { 0 };

	(void)state;
	assert_int_equal(cg_layout_parse_mountinfo(l, legacy_mi, &err), 0);
	assert_int_equal(l->mode, CG_MODE_LEGACY);
	assert_string_equal(cg_mode_name(l->mode), "legacy");
	assert_false(l->unified.present);
	for (int c = 0; c < CG_NCTRL; c++)
		assert_true(l->v1[c].present);
	/* cpu and cpuacct are co-mounted: both point at the same mount. */
	assert_string_equal(l->v1[CG_CPU].mountpoint, "/sys/fs/cgroup/cpu,cpuacct");
	assert_string_equal(l->v1[CG_CPUACCT].mountpoint, "/sys/fs/cgroup/cpu,cpuacct");
	assert_string_equal(l->v1[CG_MEMORY].mountpoint, "/sys/fs/cgroup/memory");
	assert_string_equal(l->v1[CG_PIDS].mountpoint, "/sys/fs/cgroup/pids");
	assert_string_equal(l->v1[CG_CPUSET].mountpoint, "/sys/fs/cgroup/cpuset");
	assert_string_equal(l->v1[CG_MEMORY].root, "/");
	assert_int_equal(l->unified_ctrls, 0);
	/* Nothing is managed through cgroup2 here. */
	for (int c = 0; c < CG_NCTRL; c++)
		assert_false(cg_layout_ctrl_unified(l, (enum cg_ctrl)c));
	free(l);
}

static void test_hybrid(void **state)
{
	struct cg_layout *l = new_layout();
	cg_err_t err = { 0 };

	(void)state;
	assert_int_equal(cg_layout_parse_mountinfo(l, hybrid_mi, &err), 0);
	assert_int_equal(l->mode, CG_MODE_HYBRID);
	assert_string_equal(cg_mode_name(l->mode), "hybrid");
	assert_true(l->unified.present);
	assert_string_equal(l->unified.mountpoint, "/sys/fs/cgroup/unified");
	assert_string_equal(l->unified.root, "/");
	assert_string_equal(l->v1[CG_CPU].mountpoint, "/sys/fs/cgroup/cpu");
	assert_string_equal(l->v1[CG_CPUACCT].mountpoint, "/sys/fs/cgroup/cpuacct");
	assert_string_equal(l->v1[CG_FREEZER].mountpoint, "/sys/fs/cgroup/freezer");
	assert_string_equal(l->v1[CG_DEVICES].mountpoint, "/sys/fs/cgroup/devices");

	assert_int_equal(cg_layout_parse_self(l, hybrid_self, &err), 0);
	assert_string_equal(l->v1[CG_MEMORY].self, "/process_api/20a7c5cd84d40b993aa91a6872bcb900");
	assert_string_equal(l->v1[CG_CPU].self, "/");
	assert_string_equal(l->v1[CG_PIDS].self, "/");
	assert_string_equal(l->unified.self, "/");
	assert_string_equal(cg_hier_relself(&l->v1[CG_MEMORY]),
			    "/process_api/20a7c5cd84d40b993aa91a6872bcb900");
	assert_string_equal(cg_hier_relself(&l->v1[CG_CPU]), "");
	assert_string_equal(cg_hier_relself(&l->unified), "");

	/* The cgroup2 mount here only offers hugetlb: everything stays v1. */
	cg_layout_parse_controllers(l, "hugetlb\n");
	for (int c = 0; c < CG_NCTRL; c++)
		assert_false(cg_layout_ctrl_unified(l, (enum cg_ctrl)c));
	free(l);
}

static void test_unified(void **state)
{
	struct cg_layout *l = new_layout();
	cg_err_t err = { 0 };

	(void)state;
	assert_int_equal(cg_layout_parse_mountinfo(l, unified_mi, &err), 0);
	assert_int_equal(l->mode, CG_MODE_UNIFIED);
	assert_string_equal(cg_mode_name(l->mode), "unified");
	assert_true(l->unified.present);
	assert_string_equal(l->unified.mountpoint, "/sys/fs/cgroup");
	for (int c = 0; c < CG_NCTRL; c++)
		assert_false(l->v1[c].present);

	assert_int_equal(cg_layout_parse_self(l, "0::/system.slice/cgrund.service\n", &err), 0);
	assert_string_equal(l->unified.self, "/system.slice/cgrund.service");
	assert_string_equal(cg_hier_relself(&l->unified), "/system.slice/cgrund.service");

	cg_layout_parse_controllers(l, "cpuset cpu io memory hugetlb pids rdma misc\n");
	assert_true(cg_layout_ctrl_unified(l, CG_CPU));
	/* cpuacct's figures come from the cpu controller in cgroup2. */
	assert_true(cg_layout_ctrl_unified(l, CG_CPUACCT));
	assert_true(cg_layout_ctrl_unified(l, CG_CPUSET));
	assert_true(cg_layout_ctrl_unified(l, CG_MEMORY));
	assert_true(cg_layout_ctrl_unified(l, CG_PIDS));
	/* Core features of cgroup2, not listed controllers. */
	assert_true(cg_layout_ctrl_unified(l, CG_FREEZER));
	assert_true(cg_layout_ctrl_unified(l, CG_DEVICES));
	free(l);
}

static void test_unified_partial_controllers(void **state)
{
	struct cg_layout *l = new_layout();
	cg_err_t err = { 0 };

	(void)state;
	assert_int_equal(cg_layout_parse_mountinfo(l, unified_mi, &err), 0);
	/* A delegated subtree with only memory and pids enabled. */
	cg_layout_parse_controllers(l, "memory pids");
	assert_true(cg_layout_ctrl_unified(l, CG_MEMORY));
	assert_true(cg_layout_ctrl_unified(l, CG_PIDS));
	assert_false(cg_layout_ctrl_unified(l, CG_CPU));
	assert_false(cg_layout_ctrl_unified(l, CG_CPUACCT));
	assert_false(cg_layout_ctrl_unified(l, CG_CPUSET));
	assert_int_equal(l->unified_ctrls & (1u << CG_CPU), 0);

	/* Parsing again replaces the set rather than adding to it. */
	cg_layout_parse_controllers(l, "cpu\n");
	assert_true(cg_layout_ctrl_unified(l, CG_CPU));
	assert_false(cg_layout_ctrl_unified(l, CG_MEMORY));

	/* Unknown names and a prefix of a known one are ignored. */
	cg_layout_parse_controllers(l, "cpux mem io  rdma\n");
	assert_false(cg_layout_ctrl_unified(l, CG_CPU));
	assert_false(cg_layout_ctrl_unified(l, CG_MEMORY));

	cg_layout_parse_controllers(l, "");
	assert_false(cg_layout_ctrl_unified(l, CG_PIDS));
	free(l);
}

/* A hybrid host where a v1 controller is also listed in cgroup2's
 * controllers (it cannot be in both; v1 wins since it is mounted there). */
static void test_ctrl_unified_prefers_v1_mount(void **state)
{
	struct cg_layout *l = new_layout();
	cg_err_t err = { 0 };

	(void)state;
	assert_int_equal(cg_layout_parse_mountinfo(l, hybrid_mi, &err), 0);
	cg_layout_parse_controllers(l, "memory pids hugetlb");
	assert_false(cg_layout_ctrl_unified(l, CG_MEMORY));
	assert_false(cg_layout_ctrl_unified(l, CG_PIDS));
	free(l);
}

static void test_escaped_mountpoint(void **state)
{
	static const char mi[] =
		"30 1 0:25 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n"
		"32 30 0:29 / /sys/fs/cgroup/my\\040cpu rw,relatime - cgroup cgroup rw,cpu,cpuacct\n"
		"33 30 0:30 / /sys/fs/cgroup/mem\\134ory\\011x rw,relatime - cgroup cgroup rw,memory\n"
		"34 30 0:31 /a\\040b /mnt/cg2 rw,relatime - cgroup2 cgroup2 rw\n";
	struct cg_layout *l = new_layout();
	cg_err_t err = { 0 };

	(void)state;
	assert_int_equal(cg_layout_parse_mountinfo(l, mi, &err), 0);
	assert_int_equal(l->mode, CG_MODE_HYBRID);
	assert_string_equal(l->v1[CG_CPU].mountpoint, "/sys/fs/cgroup/my cpu");
	assert_string_equal(l->v1[CG_CPUACCT].mountpoint, "/sys/fs/cgroup/my cpu");
	assert_string_equal(l->v1[CG_MEMORY].mountpoint, "/sys/fs/cgroup/mem\\ory\tx");
	assert_string_equal(l->unified.mountpoint, "/mnt/cg2");
	assert_string_equal(l->unified.root, "/a b");
	free(l);
}

static void test_no_cgroup(void **state)
{
	static const char mi[] =
		"22 29 0:21 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw\n"
		"31 22 0:26 / /sys/fs/cgroup ro shared:9 - tmpfs tmpfs ro,mode=755\n"
		/* Only a named hierarchy: no controller cgrun manages. */
		"32 31 0:27 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,xattr,name=systemd\n"
		/* A file system whose name merely starts with "cgroup". */
		"33 31 0:28 / /mnt/x rw - cgroupfs cgroupfs rw,cpu\n";
	struct cg_layout *l = new_layout();
	cg_err_t err = { 0 };

	(void)state;
	assert_true(cg_layout_parse_mountinfo(l, mi, &err) < 0);
	assert_true(strlen(err.msg) > 0);
	assert_int_equal(err.exit_code, 125);

	memset(&err, 0, sizeof(err));
	assert_true(cg_layout_parse_mountinfo(l, "", &err) < 0);
	assert_true(strlen(err.msg) > 0);
	free(l);
}

/* The cgroup2 mount at /sys/fs/cgroup is preferred over others. */
static void test_two_cgroup2_mounts(void **state)
{
	static const char mi[] =
		"40 1 0:38 / /run/other rw - cgroup2 cgroup2 rw\n"
		"41 1 0:38 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n"
		"42 1 0:38 / /mnt/third rw - cgroup2 cgroup2 rw\n";
	struct cg_layout *l = new_layout();
	cg_err_t err = { 0 };

	(void)state;
	assert_int_equal(cg_layout_parse_mountinfo(l, mi, &err), 0);
	assert_int_equal(l->mode, CG_MODE_UNIFIED);
	assert_string_equal(l->unified.mountpoint, "/sys/fs/cgroup");
	free(l);
}

/* The last line need not end in a newline; a v1 controller mounted twice
 * keeps its first mount. */
static void test_mountinfo_details(void **state)
{
	static const char mi[] =
		"32 31 0:29 / /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids\n"
		"50 1 0:29 / /mnt/pids-again rw - cgroup cgroup rw,pids\n"
		"35 31 0:32 /sub /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory";
	struct cg_layout *l = new_layout();
	cg_err_t err = { 0 };

	(void)state;
	assert_int_equal(cg_layout_parse_mountinfo(l, mi, &err), 0);
	assert_int_equal(l->mode, CG_MODE_LEGACY);
	assert_string_equal(l->v1[CG_PIDS].mountpoint, "/sys/fs/cgroup/pids");
	assert_true(l->v1[CG_MEMORY].present);
	assert_string_equal(l->v1[CG_MEMORY].root, "/sub");
	assert_false(l->v1[CG_CPU].present);
	assert_false(l->v1[CG_CPUSET].present);
	free(l);
}

static void test_parse_self_comounted(void **state)
{
	static const char pc[] =
		"12:cpu,cpuacct:/user.slice/a\n"
		"11:memory:/user.slice\n"
		"10:name=systemd:/user.slice/session-1.scope\n"
		"9:pids:/user.slice/user-0.slice/session-1.scope\n"
		"0::/user.slice/b";
	struct cg_layout *l = new_layout();
	cg_err_t err = { 0 };

	(void)state;
	assert_int_equal(cg_layout_parse_mountinfo(l, legacy_mi, &err), 0);
	assert_int_equal(cg_layout_parse_self(l, pc, &err), 0);
	assert_string_equal(l->v1[CG_CPU].self, "/user.slice/a");
	assert_string_equal(l->v1[CG_CPUACCT].self, "/user.slice/a");
	assert_string_equal(l->v1[CG_MEMORY].self, "/user.slice");
	assert_string_equal(l->v1[CG_PIDS].self, "/user.slice/user-0.slice/session-1.scope");
	/* Not listed: stays empty from the mountinfo parse. */
	assert_string_equal(l->v1[CG_CPUSET].self, "");
	assert_string_equal(l->unified.self, "/user.slice/b");
	free(l);
}

static void test_parse_self_bad(void **state)
{
	struct cg_layout *l = new_layout();
	cg_err_t err = { 0 };

	(void)state;
	assert_int_equal(cg_layout_parse_mountinfo(l, hybrid_mi, &err), 0);
	assert_true(cg_layout_parse_self(l, "4:memory:/\ngarbage\n", &err) < 0);
	assert_non_null(strstr(err.msg, "garbage"));
	memset(&err, 0, sizeof(err));
	assert_true(cg_layout_parse_self(l, "4-memory/x\n", &err) < 0);
	assert_true(strlen(err.msg) > 0);
	free(l);
}

static void test_relself(void **state)
{
	struct cg_hier h = { 0 };

	(void)state;
	strcpy(h.root, "/");
	strcpy(h.self, "/");
	assert_string_equal(cg_hier_relself(&h), "");

	strcpy(h.self, "/a/b/c");
	assert_string_equal(cg_hier_relself(&h), "/a/b/c");

	/* A bind mount of /docker/abc (or a cgroup namespace): the mount's
	 * root is stripped from our path. */
	strcpy(h.root, "/docker/abc");
	strcpy(h.self, "/docker/abc/inner");
	assert_string_equal(cg_hier_relself(&h), "/inner");
	strcpy(h.self, "/docker/abc");
	assert_string_equal(cg_hier_relself(&h), "");

	/* Only a whole component is a prefix: /docker/abcdef is not below
	 * /docker/abc. */
	strcpy(h.self, "/docker/abcdef");
	assert_string_equal(cg_hier_relself(&h), "/docker/abcdef");

	/* Inside a cgroup namespace the kernel shows "/" for our own cgroup. */
	strcpy(h.root, "/docker/abc");
	strcpy(h.self, "/");
	assert_string_equal(cg_hier_relself(&h), "");
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(cg_ctrl_name(CG_CPU), "cpu");
	assert_string_equal(cg_ctrl_name(CG_CPUACCT), "cpuacct");
	assert_string_equal(cg_ctrl_name(CG_CPUSET), "cpuset");
	assert_string_equal(cg_ctrl_name(CG_MEMORY), "memory");
	assert_string_equal(cg_ctrl_name(CG_PIDS), "pids");
	assert_string_equal(cg_ctrl_name(CG_DEVICES), "devices");
	assert_string_equal(cg_ctrl_name(CG_FREEZER), "freezer");
	assert_string_equal(cg_ctrl_name(CG_NCTRL), "?");
	assert_string_equal(cg_mode_name(CG_MODE_UNKNOWN), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_legacy),
		cmocka_unit_test(test_hybrid),
		cmocka_unit_test(test_unified),
		cmocka_unit_test(test_unified_partial_controllers),
		cmocka_unit_test(test_ctrl_unified_prefers_v1_mount),
		cmocka_unit_test(test_escaped_mountpoint),
		cmocka_unit_test(test_no_cgroup),
		cmocka_unit_test(test_two_cgroup2_mounts),
		cmocka_unit_test(test_mountinfo_details),
		cmocka_unit_test(test_parse_self_comounted),
		cmocka_unit_test(test_parse_self_bad),
		cmocka_unit_test(test_relself),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
