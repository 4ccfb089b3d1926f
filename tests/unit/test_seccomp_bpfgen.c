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
#include <seccomp.h>
#include <cmocka.h>

#include "bpf-interp.h"
#include "caps.h"
#include "seccomp-bpfgen.h"
#include "seccomp-json.h"
#include "seccomp-model.h"
#include "seccomp-profile.h"
#include "seccomp.h"
#include "secopt.h"
#include "util.h"

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
	/* test_ops' edges */
	5, 6, 7, 999, 1000, 1001, 0x1000, 0x7000, 0x1fff, 15, 31, 32, 0x80000001,
};
#define NRANDOM 6

static const uint32_t bad_arches[] = { AUDIT_ARCH_AARCH64, 0, 0x3e, AUDIT_ARCH_X86_64 ^ 1 };
static const uint32_t edge_nrs[] = {
	0x3fffffff, X32 - 1, X32 | 0x1ff, X32 | 0x200, X32 | 0x223, X32 | 0x224, 0x7fffffff,
	0x80000000, 0xbfffffff, 0xc0000000, 0xfffffffe, 0xffffffff,
};

/* The x86_64 numbers below this whose int arguments the compact program
 * compares by their low 32 bits (u32), as the kernel reads them. */
#define U32_NRS 1024

struct progs {
	struct cg_seccomp lib, compact;
	unsigned long runs, mismatches;
	uint8_t u32_args[U32_NRS];     /* per x86_64 number, a bit per argument */
};

/* A deterministic stream of 64-bit values for the other arguments. */
static uint64_t next_random(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return *s ^ (*s >> 29);
}

/* libseccomp's program compares every argument in 64 bits on x86_64: for
 * an int argument, its answer for what the kernel reads (the low word)
 * is the one the compact program must give. */
static void kernel_view(const struct progs *p, struct seccomp_data *d)
{
	if (d->arch != AUDIT_ARCH_X86_64 || (uint32_t)d->nr >= U32_NRS)
		return;
	for (int i = 0; i < 6; i++)
		if (p->u32_args[d->nr] & 1 << i)
			d->args[i] = (uint32_t)d->args[i];
}

static void check_one(struct progs *p, const struct seccomp_data *d)
{
	enum bpf_fault f1, f2;
	size_t s1, s2;
	struct seccomp_data k = *d;
	uint32_t a, b = bpf_run(p->compact.insns, p->compact.len, d, &f2, &s2);

	kernel_view(p, &k);
	a = bpf_run(p->lib.insns, p->lib.len, &k, &f1, &s1);

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

	/* Argument 0 takes every edge value; in every other vector the others
	 * take them too, mixed, else random values. */
	for (size_t v = 0; v < ARRAY_SIZE(arg0_values) + NRANDOM; v++) {
		d.args[0] = v < ARRAY_SIZE(arg0_values) ? arg0_values[v] : next_random(seed);
		for (size_t i = 1; i < 6; i++)
			d.args[i] = v % 2 ? arg0_values[(v * (i + 1) + 3 * i) % ARRAY_SIZE(arg0_values)] :
				    next_random(seed);
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
	for (size_t i = 0; i < prof->nrules; i++)
		for (size_t j = 0; j < prof->rules[i].nargs; j++) {
			if (!prof->rules[i].args[j].u32)
				continue;
			for (const char **n = prof->rules[i].names; *n; n++) {
				int nr = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, *n);

				if (nr >= 0 && nr < U32_NRS)
					p->u32_args[nr] |= (uint8_t)(1 << prof->rules[i].args[j].index);
			}
		}
}

/* Both programs decide alike on every input; returns the compact one's
 * length and libseccomp's (*lib_len). */
static unsigned check_equivalent(const struct cg_sc_profile *prof, uint64_t caps, unsigned *lib_len)
{
	unsigned len;
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
	len = p.compact.len;
	if (lib_len)
		*lib_len = p.lib.len;
	cg_seccomp_free(&p.lib);
	cg_seccomp_free(&p.compact);
	return len;
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
	for (size_t i = 0; i < ARRAY_SIZE(sets); i++) {
		unsigned lib, len = check_equivalent(&prof, sets[i], &lib);

		/* The point of it: at most a third of libseccomp's. */
		assert_true(len * 3 <= lib);
	}
	cg_sc_profile_free(&prof);
}

/* docker's own default.json, as `--security-opt seccomp=FILE` gives it. */
static void test_moby_profile(void **state)
{
	const uint64_t sets[] = { 0, docker_default(), docker_default() | CG_SC_CAP(CAP_SYS_ADMIN), ALL_CAPS };
	cleanup_free char *text = NULL;
	struct cg_sc_profile prof;
	cg_err_t err = { 0 };

	(void)state;
	assert_int_equal(read_file(FIXTURES "/moby-default.json", &text, CG_SECCOMP_PROFILE_MAX, &err), 0);
	assert_int_equal(cg_sc_profile_parse(text, "moby-default.json", &prof, &err), 0);
	for (size_t i = 0; i < ARRAY_SIZE(sets); i++)
		check_equivalent(&prof, sets[i], NULL);
	cg_sc_profile_free(&prof);
}

#define ARG(i, o, v, v2) { .index = (i), .op = CG_SC_CMP_##o, .value = (v), .value_two = (v2) }

/* Every comparison, conjunctions, two rules for one call, a rule
 * comparing one argument twice (runc: any of them), and other actions. */
static void test_ops(void **state)
{
	static const char *getprio[] = { "getpriority", NULL }, *setprio[] = { "setpriority", NULL },
			  *ioprio[] = { "ioprio_set", NULL }, *fchown[] = { "fchown", "fchown32", NULL },
			  *fchmod[] = { "fchmod", NULL }, *kill[] = { "kill", NULL }, *tkill[] = { "tkill", NULL },
			  *pipe2[] = { "pipe2", NULL }, *dup3[] = { "dup3", NULL }, *sock[] = { "socket", "bind", NULL },
			  *shm[] = { "shmat", NULL }, *arches[] = { "x86", "x32", NULL };
	struct cg_sc_arg a_ne[] = { ARG(0, NE, 5, 0) };
	struct cg_sc_arg a_conj[] = { ARG(1, LT, 0x80000000, 0), ARG(0, GE, 2, 0) };
	struct cg_sc_arg a_le[] = { ARG(2, LE, 7, 0) };
	struct cg_sc_arg a_gt[] = { ARG(1, GT, 1000, 0) };
	struct cg_sc_arg a_mask[] = { ARG(1, MASKED_EQ, 0x7000, 0x1000) };
	struct cg_sc_arg a_k9[] = { ARG(1, EQ, 9, 0) }, a_k15[] = { ARG(1, EQ, 15, 0) };
	struct cg_sc_arg a_twice[] = { ARG(1, GE, 1000, 0), ARG(1, LE, 7, 0) };
	struct cg_sc_arg a_dup3[] = { ARG(2, EQ, 0, 0) };
	struct cg_sc_arg a_sock[] = { ARG(0, EQ, 1, 0), ARG(1, MASKED_EQ, 0xf, 5) };
	struct cg_sc_rule rules[] = {
		{ getprio, { CG_SC_ACT_ALLOW, 0 }, a_ne, 1, { 0 }, { 0 } },
		{ setprio, { CG_SC_ACT_ALLOW, 0 }, a_conj, 2, { 0 }, { 0 } },
		{ ioprio, { CG_SC_ACT_ALLOW, 0 }, a_le, 1, { 0 }, { 0 } },
		{ fchown, { CG_SC_ACT_ALLOW, 0 }, a_gt, 1, { 0 }, { 0 } },
		{ fchmod, { CG_SC_ACT_ALLOW, 0 }, a_mask, 1, { 0 }, { 0 } },
		{ kill, { CG_SC_ACT_ALLOW, 0 }, a_k9, 1, { 0 }, { 0 } },
		{ kill, { CG_SC_ACT_ALLOW, 0 }, a_k15, 1, { 0 }, { 0 } },
		{ tkill, { CG_SC_ACT_ALLOW, 0 }, a_twice, 2, { 0 }, { 0 } },
		{ pipe2, { CG_SC_ACT_ERRNO, ENOSYS }, NULL, 0, { 0 }, { 0 } },
		{ dup3, { CG_SC_ACT_TRAP, 0 }, a_dup3, 1, { 0 }, { 0 } },
		/* x86's socketcall carries these: argument 0 gives way to the call's number. */
		{ sock, { CG_SC_ACT_ALLOW, 0 }, a_sock, 2, { 0 }, { 0 } },
		{ shm, { CG_SC_ACT_LOG, 0 }, NULL, 0, { 0 }, { 0 } },
	};
	struct cg_sc_archset map = { "x86_64", arches };
	struct cg_sc_profile prof = { .default_action = { CG_SC_ACT_ERRNO, EPERM }, .archmap = &map,
				      .narchmap = 1, .rules = rules, .nrules = ARRAY_SIZE(rules) };

	(void)state;
	check_equivalent(&prof, 0, NULL);
	/* A default that kills, no ENOSYS ranges: a default that allows. */
	prof.default_action = (struct cg_sc_action){ CG_SC_ACT_KILL_PROCESS, 0 };
	check_equivalent(&prof, 0, NULL);
	prof.default_action = (struct cg_sc_action){ CG_SC_ACT_ALLOW, 0 };
	check_equivalent(&prof, 0, NULL);
}

static uint32_t run(const struct sock_filter *prog, size_t len, uint32_t arch, uint32_t nr, uint64_t a0)
{
	struct seccomp_data d = { .nr = (int)nr, .arch = arch, .args = { a0 } };
	enum bpf_fault f;
	size_t steps;
	uint32_t act = bpf_run(prog, len, &d, &f, &steps);

	assert_int_equal(f, BPF_OK);
	return act;
}

#define ALLOW SECCOMP_RET_ALLOW
#define EPERM_ (SECCOMP_RET_ERRNO | EPERM)
#define ENOSYS_ (SECCOMP_RET_ERRNO | ENOSYS)
#define KILL SECCOMP_RET_KILL_PROCESS

/* Numbers of one outcome merge into one range: 0..99 allowed, 100..199
 * not, 200 on ENOSYS is one compare each, whatever the number of calls. */
static void test_ranges_merged(void **state)
{
	struct cg_bpf_call calls[100];
	struct cg_bpf_range enosys = { 200, UINT32_MAX, ENOSYS_ };
	struct cg_bpf_section s = { AUDIT_ARCH_X86_64, 0, UINT32_MAX, true, EPERM_, &enosys, 1, calls, 100 };
	cleanup_free struct sock_filter *prog = NULL;
	size_t len;

	(void)state;
	for (uint32_t i = 0; i < 100; i++)
		calls[i] = (struct cg_bpf_call){ .nr = i, .action = ALLOW };
	assert_int_equal(cg_bpf_gen(&s, 1, KILL, &prog, &len), 0);
	/* ld arch, jeq, ja, ret kill; ld nr, 2 compares, 3 returns */
	assert_int_equal(len, 10);
	assert_int_equal(run(prog, len, AUDIT_ARCH_X86_64, 0, 0), ALLOW);
	assert_int_equal(run(prog, len, AUDIT_ARCH_X86_64, 99, 0), ALLOW);
	assert_int_equal(run(prog, len, AUDIT_ARCH_X86_64, 100, 0), EPERM_);
	assert_int_equal(run(prog, len, AUDIT_ARCH_X86_64, 199, 0), EPERM_);
	assert_int_equal(run(prog, len, AUDIT_ARCH_X86_64, 200, 0), ENOSYS_);
	assert_int_equal(run(prog, len, AUDIT_ARCH_X86_64, UINT32_MAX, 0), ENOSYS_);
	assert_int_equal(run(prog, len, AUDIT_ARCH_I386, 0, 0), KILL);
}

/* A range decides over a call in it (seccomp.c's ENOSYS stub comes
 * first); a number no section takes is the bad arch's. */
static void test_range_over_call(void **state)
{
	struct cg_sc_arg eq7 = { .index = 0, .op = CG_SC_CMP_EQ, .value = 7 };
	struct cg_bpf_alt alt = { &eq7, 1 };
	struct cg_bpf_call calls[] = { { 5, ALLOW, &alt, 1 }, { 50, ALLOW, NULL, 0 } };
	struct cg_bpf_range enosys = { 40, 60, ENOSYS_ };
	struct cg_bpf_section s = { AUDIT_ARCH_I386, 0, 99, false, EPERM_, &enosys, 1, calls, 2 };
	cleanup_free struct sock_filter *prog = NULL;
	size_t len;

	(void)state;
	assert_int_equal(cg_bpf_gen(&s, 1, KILL, &prog, &len), 0);
	assert_int_equal(run(prog, len, AUDIT_ARCH_I386, 5, 7), ALLOW);
	/* narrow: the high word is not looked at */
	assert_int_equal(run(prog, len, AUDIT_ARCH_I386, 5, 7 | 1ULL << 32), ALLOW);
	assert_int_equal(run(prog, len, AUDIT_ARCH_I386, 5, 8), EPERM_);
	assert_int_equal(run(prog, len, AUDIT_ARCH_I386, 50, 0), ENOSYS_);
	assert_int_equal(run(prog, len, AUDIT_ARCH_I386, 100, 0), KILL);
}

static void test_bad_tables(void **state)
{
	struct cg_sc_arg a6 = { .index = 6, .op = CG_SC_CMP_EQ };
	struct cg_bpf_alt alt = { &a6, 1 };
	struct cg_bpf_call unsorted[] = { { 9, ALLOW, NULL, 0 }, { 3, ALLOW, NULL, 0 } };
	struct cg_bpf_call outside[] = { { 200, ALLOW, NULL, 0 } };
	struct cg_bpf_call badarg[] = { { 1, ALLOW, &alt, 1 } };
	struct cg_bpf_section s[2] = { { AUDIT_ARCH_I386, 0, 99, false, EPERM_, NULL, 0, unsorted, 2 },
				       { AUDIT_ARCH_I386, 50, 150, false, EPERM_, NULL, 0, NULL, 0 } };
	struct sock_filter *prog = NULL;
	size_t len;

	(void)state;
	assert_int_equal(cg_bpf_gen(s, 1, KILL, &prog, &len), -EINVAL);
	s[0].calls = outside;
	s[0].ncalls = 1;
	assert_int_equal(cg_bpf_gen(s, 1, KILL, &prog, &len), -EINVAL);
	s[0].calls = badarg;
	assert_int_equal(cg_bpf_gen(s, 1, KILL, &prog, &len), -EINVAL);
	/* overlapping sections of one audit arch */
	s[0].ncalls = 0;
	assert_int_equal(cg_bpf_gen(s, 2, KILL, &prog, &len), -EINVAL);
	assert_null(prog);
}

/* Numbers so scattered that a leaf's return is more than 255 instructions
 * from its compare: refused (the caller takes libseccomp's program). */
static void test_too_far(void **state)
{
	static struct cg_bpf_call calls[1500];
	struct cg_bpf_section s = { AUDIT_ARCH_X86_64, 0, UINT32_MAX, true, EPERM_, NULL, 0, calls, 1500 };
	struct sock_filter *prog = NULL;
	size_t len;

	(void)state;
	for (uint32_t i = 0; i < 1500; i++)
		calls[i] = (struct cg_bpf_call){ .nr = 2 * i, .action = ALLOW };
	assert_int_equal(cg_bpf_gen(&s, 1, KILL, &prog, &len), -E2BIG);
	assert_null(prog);
}

/* A tree whose returns are out of reach behind the blocks: the blocks
 * get returns of their own, after the tree's. */
static void test_far_rets_inline(void **state)
{
	static struct cg_bpf_call calls[121];
	struct cg_sc_arg eq[12];
	struct cg_bpf_alt alts[12];
	struct cg_bpf_section s = { AUDIT_ARCH_X86_64, 0, UINT32_MAX, true, EPERM_, NULL, 0, calls, 121 };
	cleanup_free struct sock_filter *prog = NULL;
	size_t len;

	(void)state;
	for (uint32_t i = 0; i < 12; i++) {
		eq[i] = (struct cg_sc_arg){ .index = 1, .op = CG_SC_CMP_EQ, .value = 100 + i };
		alts[i] = (struct cg_bpf_alt){ &eq[i], 1 };
	}
	for (uint32_t i = 0; i < 120; i++)
		calls[i] = (struct cg_bpf_call){ .nr = 2 * i, .action = ALLOW };
	calls[120] = (struct cg_bpf_call){ .nr = 241, .action = ALLOW, .alts = alts, .nalts = 12 };
	assert_int_equal(cg_bpf_gen(&s, 1, KILL, &prog, &len), 0);
	for (uint32_t nr = 0; nr < 300; nr++) {
		struct seccomp_data d = { .nr = (int)nr, .arch = AUDIT_ARCH_X86_64, .args = { 0, 105 } };
		uint32_t want = nr < 240 && nr % 2 == 0 ? ALLOW : nr == 241 ? ALLOW : EPERM_;
		enum bpf_fault f;
		size_t steps;

		assert_int_equal(bpf_run(prog, len, &d, &f, &steps), want);
		assert_int_equal(f, BPF_OK);
	}
	assert_int_equal(run(prog, len, AUDIT_ARCH_X86_64, 241, 0), EPERM_);
}

/* socket's family is an int: AF_ALG and AF_VSOCK with a high word are
 * still refused on x86_64 (libseccomp's program lets them through). */
static void test_int_argument(void **state)
{
	const uint64_t families[] = { 38, 40, 38 | 1ULL << 32, 40 | 1ULL << 32, 0xffffffff00000026ULL };
	int nr = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, "socket");
	struct cg_sc_profile prof;
	struct progs p;

	(void)state;
	cg_sc_profile_builtin(&prof);
	compile_both(&prof, docker_default(), &p);
	for (size_t i = 0; i < ARRAY_SIZE(families); i++)
		assert_int_equal(run(p.compact.insns, p.compact.len, AUDIT_ARCH_X86_64, (uint32_t)nr, families[i]),
				 EPERM_);
	assert_int_equal(run(p.lib.insns, p.lib.len, AUDIT_ARCH_X86_64, (uint32_t)nr, 38 | 1ULL << 32), ALLOW);
	assert_int_equal(run(p.compact.insns, p.compact.len, AUDIT_ARCH_X86_64, (uint32_t)nr, 2 | 1ULL << 32),
			 ALLOW);
	cg_seccomp_free(&p.lib);
	cg_seccomp_free(&p.compact);
	cg_sc_profile_free(&prof);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_profile),
		cmocka_unit_test(test_moby_profile),
		cmocka_unit_test(test_ops),
		cmocka_unit_test(test_ranges_merged),
		cmocka_unit_test(test_range_over_call),
		cmocka_unit_test(test_bad_tables),
		cmocka_unit_test(test_too_far),
		cmocka_unit_test(test_far_rets_inline),
		cmocka_unit_test(test_int_argument),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
