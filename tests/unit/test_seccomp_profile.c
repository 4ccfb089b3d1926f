/* test_seccomp_profile.c - the default seccomp profile's table
 * (src/lib/seccomp-profile.c): what each set of capabilities unlocks. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <linux/capability.h>
#include <cmocka.h>

#include "caps.h"
#include "seccomp-model.h"
#include "seccomp-profile.h"

#define BIT(c) CG_SC_CAP(c)

static uint64_t docker_default(void)
{
	struct cg_caps c;

	cg_caps_default(&c);
	return c.set;
}

#define assert_verdict(name, caps, want) \
	do { \
		enum cg_sc_verdict v_ = cg_sc_verdict((name), (caps)); \
		if (v_ != (want)) \
			fail_msg("%s with caps %#llx: verdict %d, expected %d", (name), \
				 (unsigned long long)(caps), v_, (want)); \
	} while (0)

static void test_default_caps(void **state)
{
	uint64_t caps = docker_default();

	(void)state;
	assert_verdict("read", caps, CG_SC_ALLOW);
	assert_verdict("execve", caps, CG_SC_ALLOW);
	assert_verdict("ptrace", caps, CG_SC_ALLOW);
	/* CAP_SYS_CHROOT is in docker's default set. */
	assert_verdict("chroot", caps, CG_SC_ALLOW);
	assert_verdict("mount", caps, CG_SC_DENY);
	assert_verdict("unshare", caps, CG_SC_DENY);
	assert_verdict("setns", caps, CG_SC_DENY);
	assert_verdict("bpf", caps, CG_SC_DENY);
	assert_verdict("perf_event_open", caps, CG_SC_DENY);
	assert_verdict("kcmp", caps, CG_SC_DENY);
	assert_verdict("reboot", caps, CG_SC_DENY);
	assert_verdict("init_module", caps, CG_SC_DENY);
	assert_verdict("clock_settime", caps, CG_SC_DENY);
	assert_verdict("mbind", caps, CG_SC_DENY);
	assert_verdict("syslog", caps, CG_SC_DENY);
	assert_verdict("iopl", caps, CG_SC_DENY);
	assert_verdict("acct", caps, CG_SC_DENY);
	assert_verdict("open_by_handle_at", caps, CG_SC_DENY);
	assert_verdict("clone", caps, CG_SC_ARGS);
	assert_verdict("clone3", caps, CG_SC_ENOSYS);
	assert_verdict("socket", caps, CG_SC_ARGS);
	assert_verdict("personality", caps, CG_SC_ARGS);
	assert_verdict("no_such_call", caps, CG_SC_DENY);
}

static void test_sys_admin(void **state)
{
	uint64_t caps = docker_default() | BIT(CAP_SYS_ADMIN);

	(void)state;
	assert_verdict("mount", caps, CG_SC_ALLOW);
	assert_verdict("unshare", caps, CG_SC_ALLOW);
	assert_verdict("clone", caps, CG_SC_ALLOW);
	assert_verdict("clone3", caps, CG_SC_ALLOW);
	assert_verdict("bpf", caps, CG_SC_ALLOW);
	assert_verdict("syslog", caps, CG_SC_ALLOW);
	/* Not ptrace's group, nor the never-allowed. */
	assert_verdict("kcmp", caps, CG_SC_DENY);
	assert_verdict("keyctl", caps, CG_SC_DENY);
	assert_verdict("io_uring_setup", caps, CG_SC_DENY);
}

static void test_one_cap_each(void **state)
{
	static const struct { int cap; const char *name; } unlocks[] = {
		{ CAP_SYS_PTRACE, "kcmp" }, { CAP_SYS_PTRACE, "pidfd_getfd" },
		{ CAP_SYS_PTRACE, "process_madvise" }, { CAP_SYS_MODULE, "finit_module" },
		{ CAP_SYS_BOOT, "reboot" }, { CAP_SYS_TIME, "settimeofday" },
		{ CAP_SYS_NICE, "set_mempolicy" }, { CAP_SYSLOG, "syslog" },
		{ CAP_SYS_RAWIO, "ioperm" }, { CAP_SYS_PACCT, "acct" },
		{ CAP_BPF, "bpf" }, { CAP_PERFMON, "perf_event_open" },
		{ CAP_DAC_READ_SEARCH, "open_by_handle_at" }, { CAP_SYS_TTY_CONFIG, "vhangup" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(unlocks); i++) {
		assert_verdict(unlocks[i].name, 0, CG_SC_DENY);
		assert_verdict(unlocks[i].name, BIT(unlocks[i].cap), CG_SC_ALLOW);
	}
	/* CAP_BPF alone does not unlock the mount calls of CAP_SYS_ADMIN. */
	assert_verdict("mount", BIT(CAP_BPF), CG_SC_DENY);
	/* Without CAP_SYS_CHROOT, no chroot. */
	assert_verdict("chroot", docker_default() & ~BIT(CAP_SYS_CHROOT), CG_SC_DENY);
}

/* keyctl, add_key, request_key, io_uring_*, userfaultfd and kexec: never,
 * not even with every capability, and in no group at all. */
static void test_never(void **state)
{
	(void)state;
	for (const char *const *n = cg_sc_never; *n; n++) {
		assert_verdict(*n, ~UINT64_C(0), CG_SC_DENY);
		for (size_t g = 0; g < cg_sc_ngroups; g++)
			for (const char *const *m = cg_sc_groups[g].names; *m; m++)
				if (!strcmp(*m, *n))
					fail_msg("%s is in group %zu", *n, g);
		for (size_t r = 0; r < cg_sc_nargrules; r++)
			assert_string_not_equal(cg_sc_argrules[r].name, *n);
	}
	assert_verdict("keyctl", ~UINT64_C(0), CG_SC_DENY);
	assert_verdict("io_uring_enter", ~UINT64_C(0), CG_SC_DENY);
	assert_verdict("userfaultfd", ~UINT64_C(0), CG_SC_DENY);
	assert_verdict("kexec_file_load", ~UINT64_C(0), CG_SC_DENY);
}

static void test_hash(void **state)
{
	(void)state;
	/* FNV-1a's published test vectors. */
	assert_int_equal(cg_fnv1a(CG_FNV_BASIS, "", 0), UINT64_C(0xcbf29ce484222325));
	assert_int_equal(cg_fnv1a(CG_FNV_BASIS, "a", 1), UINT64_C(0xaf63dc4c8601ec8c));
	struct cg_sc_profile a, b;

	cg_sc_profile_builtin(&a);
	cg_sc_profile_builtin(&b);
	assert_int_equal(cg_sc_profile_hash(&a), cg_sc_profile_hash(&b));
	assert_int_not_equal(cg_sc_profile_hash(&a), CG_FNV_BASIS);
	/* Any change of what it says changes it. */
	b.rules[3].includes.caps ^= 1;
	assert_int_not_equal(cg_sc_profile_hash(&a), cg_sc_profile_hash(&b));
	b.rules[3].includes.caps ^= 1;
	b.default_action.ret++;
	assert_int_not_equal(cg_sc_profile_hash(&a), cg_sc_profile_hash(&b));
	cg_sc_profile_free(&a);
	cg_sc_profile_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_caps),
		cmocka_unit_test(test_sys_admin),
		cmocka_unit_test(test_one_cap_each),
		cmocka_unit_test(test_never),
		cmocka_unit_test(test_hash),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
