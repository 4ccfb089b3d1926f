/* test_seccomp_bpfgen.c - the compact seccomp program (seccomp-bpfgen.c,
 * seccomp-compact.c) against libseccomp's (seccomp.c): both run in a
 * cBPF interpreter (bpf-interp.c) on every architecture the filter takes
 * (and some it does not), every number 0..1100 (x32's with its bit), the
 * edges of the number space, and argument vectors on each edge of the
 * default profile's argument rules, for the profile's groups of
 * capabilities; every action must be the same. Then the generator's own
 * cases: ranges merged, bad tables refused. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <sched.h>
#include <cmocka.h>

#include "bpf-interp.h"
#include "caps.h"
#include "seccomp-bpfgen.h"
#include "seccomp-model.h"
#include "seccomp-profile.h"
#include "seccomp.h"

#define X32 0x40000000U
#define ALL_CAPS (UINT64_MAX >> (63 - CAP_LAST_CAP))

static uint64_t docker_default(void)
{
	struct cg_caps c;

	cg_caps_default(&c);
	return c.set;
}

/* Values of argument 0 on the edges of the default profile's rules (clone's
 * CLONE_NEW* mask, personality's values, socket's families), with high
 * words that libseccomp compares on x86_64 and ignores on x86 and x32. */
static const uint64_t arg0_values[] = {
	0, 1, 17 /* SIGCHLD */, 0x3d0f00 /* a thread's clone flags */, 0x3d0f00 | CLONE_NEWNS,
	CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID,
	CLONE_NEWNET, 0x80 /* CLONE_NEWTIME: not in docker's mask */, CLONE_NEWNET | 1ULL << 32,
	17ULL | 1ULL << 32, 0x7e020000, 0x8, 0x9, 0x20000, 0x20008, 0x20008ULL | 1ULL << 32,
	0x400000 /* READ_IMPLIES_EXEC */, 0xffffffff, 0x1ffffffffULL, 2, 10, 16, 37, 38, 39, 40, 41,
	44, 38ULL | 1ULL << 32, 40ULL | 1ULL << 32, 39ULL | 1ULL << 32, 1ULL << 32,
	0xffffffff00000000ULL, UINT64_MAX, 0x7fffffff, 0x80000000,
};
#define NRANDOM 6

static const uint32_t bad_arches[] = { AUDIT_ARCH_AARCH64, 0, 0x3e, AUDIT_ARCH_X86_64 ^ 1 };
static const uint32_t edge_nrs[] = {
	0x3fffffff, X32 - 1, X32 | 0x1ff, X32 | 0x200, X32 | 0x223, X32 | 0x224, 0x7fffffff,
	0x80000000, 0xbfffffff, 0xc0000000, 0xfffffffe, 0xffffffff,
};

struct progs {
	struct cg_seccomp lib, compact;
	unsigned long runs, mismatches;
};

/* A deterministic stream of 64-bit values for the other arguments. */
static uint64_t next_random(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return *s ^ (*s >> 29);
}

static void check_one(struct progs *p, const struct seccomp_data *d)
{
	enum bpf_fault f1, f2;
	size_t s1, s2;
	uint32_t a = bpf_run(p->lib.insns, p->lib.len, d, &f1, &s1);
	uint32_t b = bpf_run(p->compact.insns, p->compact.len, d, &f2, &s2);

	p->runs++;
	if (f1 != BPF_OK)
		fail_msg("libseccomp's program faulted (%d) on arch %#x nr %#x", f1, d->arch, d->nr);
	if (f2 != BPF_OK)
		fail_msg("the compact program faulted (%d) on arch %#x nr %#x", f2, d->arch, d->nr);
	if (a != b && p->mismatches++ < 10)
		print_error("arch %#x nr %#x (%u) a0 %#llx: libseccomp %#x, compact %#x\n", d->arch,
			    d->nr, d->nr & ~X32, (unsigned long long)d->args[0], a, b);
}

static void check_nr(struct progs *p, uint32_t arch, uint32_t nr, uint64_t *seed)
{
	struct seccomp_data d = { .nr = (int)nr, .arch = arch, .instruction_pointer = 0x401000 };

	for (size_t v = 0; v < ARRAY_SIZE(arg0_values) + NRANDOM; v++) {
		d.args[0] = v < ARRAY_SIZE(arg0_values) ? arg0_values[v] : next_random(seed);
		for (int i = 1; i < 6; i++)
			d.args[i] = next_random(seed);
		check_one(p, &d);
	}
}

static void compile_both(const struct cg_sc_profile *prof, uint64_t caps, struct progs *p)
{
	cg_err_t err = { 0 };

	memset(p, 0, sizeof(*p));
	if (cg_seccomp_compile_libseccomp(prof, caps, &p->lib, &err) < 0)
		fail_msg("libseccomp: %s", err.msg);
	if (cg_seccomp_compile_compact(prof, caps, &p->compact, &err) != 0)
		fail_msg("the compact generator did not take the profile (caps %#llx): %s",
			 (unsigned long long)caps, err.msg);
}

static void check_equivalent(const struct cg_sc_profile *prof, uint64_t caps)
{
	struct progs p;
	uint64_t seed = caps ^ 0x5eed;

	compile_both(prof, caps, &p);
	for (uint32_t nr = 0; nr <= 1100; nr++) {
		check_nr(&p, AUDIT_ARCH_X86_64, nr, &seed);
		check_nr(&p, AUDIT_ARCH_X86_64, X32 | nr, &seed);
		check_nr(&p, AUDIT_ARCH_I386, nr, &seed);
	}
	for (size_t i = 0; i < ARRAY_SIZE(edge_nrs); i++) {
		check_nr(&p, AUDIT_ARCH_X86_64, edge_nrs[i], &seed);
		check_nr(&p, AUDIT_ARCH_I386, edge_nrs[i], &seed);
	}
	for (size_t a = 0; a < ARRAY_SIZE(bad_arches); a++)
		for (uint32_t nr = 0; nr <= 500; nr += 7)
			check_nr(&p, bad_arches[a], nr, &seed);
	print_message("caps %#llx: libseccomp %u instructions, compact %u; %lu inputs, %lu differ\n",
		      (unsigned long long)caps, p.lib.len, p.compact.len, p.runs, p.mismatches);
	assert_int_equal(p.mismatches, 0);
	assert_true(p.compact.len * 2 < p.lib.len);
	cg_seccomp_free(&p.lib);
	cg_seccomp_free(&p.compact);
}

static void test_default_profile(void **state)
{
	const uint64_t sets[] = {
		0, docker_default(), docker_default() | CG_SC_CAP(CAP_SYS_ADMIN),
		docker_default() | CG_SC_CAP(CAP_SYS_PTRACE), CG_SC_CAP(CAP_SYS_ADMIN),
		CG_SC_CAP(CAP_SYS_PTRACE) | CG_SC_CAP(CAP_SYSLOG) | CG_SC_CAP(CAP_BPF), ALL_CAPS,
	};
	struct cg_sc_profile prof;

	(void)state;
	cg_sc_profile_builtin(&prof);
	for (size_t i = 0; i < ARRAY_SIZE(sets); i++)
		check_equivalent(&prof, sets[i]);
	cg_sc_profile_free(&prof);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_profile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
