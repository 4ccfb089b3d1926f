/* seccomp-compact.c - the compact seccomp program for a profile on an
 * x86_64 host (x86_64, x86 and x32 calls).
 *
 * libseccomp's program costs the kernel one compare per named call to
 * convert and JIT at every seccomp(2); seccomp-bpfgen.c's looks the
 * numbers up as ranges. This file decides what each number does, exactly
 * as libseccomp's program behind seccomp.c's ENOSYS stub decides it
 * (test_seccomp_bpfgen runs both): libseccomp's resolver gives every name
 * its number per architecture; the rules that apply and do something else
 * than the default give each number its action, unconditionally or when
 * one of their argument compares holds; numbers above the highest the
 * profile names get ENOSYS, as in the stub. One difference, on purpose:
 * an int argument (the built-in table's u32 compares: socket's family) is
 * compared by its low 32 bits on x86_64, which libseccomp cannot do: its
 * program lets socket(AF_VSOCK | 1 << 32) through, and the kernel, which
 * reads an int, makes an AF_VSOCK socket. What libseccomp would decide by
 * its own precedence (rules of different actions for one call) is left to
 * it: the caller falls back. */
#include "config.h"

#include "seccomp.h"

#include <errno.h>
#include <linux/audit.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

#include "seccomp-bpfgen.h"
#include "seccomp-int.h"

/* x86's socket and ipc calls: libseccomp resolves their names to pseudo
 * numbers (-100 - SYS_SOCKET and so on) and adds each rule twice
 * (arch-x86.c's x86_rule_add): for the direct call where there is one
 * (Linux 4.3 on), and for socketcall / ipc with argument 0 (which its own
 * compare of argument 0 gives way to) the call's number in the multiplexer. */
#define MUX_PSEUDOS 125         /* -100 ... -224 */
static const struct mux {
	int first, last, base;
	uint32_t call;
} muxes[] = {
	{ -120, -100, 100, 102 },   /* socketcall */
	{ -224, -200, 200, 117 },   /* ipc */
};
#define X86_NRS 1024

/* One number's rule: unconditional (n 0) or one alternative of compares. */
struct entry {
	uint32_t nr;
	uint32_t action;
	const struct cg_sc_arg *cmps;
	size_t n;
};

struct section_build {
	uint32_t token;                /* SCMP_ARCH_* */
	struct cg_bpf_section s;
	struct cg_bpf_range ranges[2];
	struct entry *entries;
	size_t nentries, cap;
	struct cg_bpf_call *calls;
	struct cg_bpf_alt *alts;       /* all calls' alternatives */
	struct cg_sc_arg **owned;      /* the multiplexed calls' compares */
	size_t nowned;
	int demux[MUX_PSEUDOS];        /* x86: a pseudo number's direct call, or -1 */
};

/* The rules' compares with the datum as libseccomp takes it (SCMP_CMP32
 * truncates it to 32 bits); the u32 flag stays, so that the generator
 * compares the argument's low word alone. */
struct rule_args {
	struct cg_sc_arg **args;       /* per rule, malloc'd */
	size_t n;
};

static void free_rule_args(struct rule_args *ra)
{
	for (size_t i = 0; i < ra->n; i++)
		free(ra->args[i]);
	free(ra->args);
}

static void free_sections(struct section_build (*b)[3])
{
	for (size_t i = 0; i < 3; i++) {
		for (size_t j = 0; j < (*b)[i].nowned; j++)
			free((*b)[i].owned[j]);
		free((*b)[i].owned);
		free((*b)[i].entries);
		free((*b)[i].calls);
		free((*b)[i].alts);
	}
}

static void add_entry(struct section_build *b, struct entry e)
{
	if (b->nentries == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 256;
		b->entries = realloc(b->entries, b->cap * sizeof(*b->entries));
		if (b->entries == NULL)
			abort();
	}
	b->entries[b->nentries++] = e;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	return x->nr < y->nr ? -1 : x->nr > y->nr;
}

static const struct mux *mux_of(int nr)
{
	for (size_t i = 0; i < ARRAY_SIZE(muxes); i++)
		if (nr >= muxes[i].first && nr <= muxes[i].last)
			return &muxes[i];
	return NULL;
}

/* The direct call of each of x86's pseudo numbers, from libseccomp's
 * tables: the number whose name resolves to the pseudo one. */
static void demux_table(int *demux)
{
	for (size_t i = 0; i < MUX_PSEUDOS; i++)
		demux[i] = -1;
	for (int n = 0; n < X86_NRS; n++) {
		/* libseccomp's answer is a copy of the name, the caller's to free. */
		cleanup_free char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_X86, n);
		int p = name ? seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86, name) : 0;

		if (p != n && mux_of(p))
			demux[-p - 100] = n;
	}
}

/* The multiplexer's rule for one alternative of a call's rule: argument 0
 * the call's number, the other compares as they are. */
static void add_muxed(struct section_build *b, const struct mux *m, int pseudo, uint32_t act,
		      const struct cg_sc_arg *cmps, size_t n)
{
	struct cg_sc_arg *c = xcalloc(n + 1, sizeof(*c));
	size_t k = 0;

	c[k++] = (struct cg_sc_arg){ .index = 0, .op = CG_SC_CMP_EQ, .value = (uint32_t)(-pseudo % m->base) };
	for (size_t i = 0; i < n; i++)
		if (cmps[i].index != 0)
			c[k++] = cmps[i];
	b->owned = realloc(b->owned, (b->nowned + 1) * sizeof(*b->owned));
	if (b->owned == NULL)
		abort();
	b->owned[b->nowned++] = c;
	add_entry(b, (struct entry){ m->call, act, c, k });
}

/* Rule alternative (cmps, n) for the call named nr on b's arch. */
static void add_call(struct section_build *b, int nr, uint32_t act, const struct cg_sc_arg *cmps, size_t n)
{
	const struct mux *m = b->token == SCMP_ARCH_X86 ? mux_of(nr) : NULL;

	if (m == NULL) {
		add_entry(b, (struct entry){ (uint32_t)nr, act, cmps, n });
		return;
	}
	add_muxed(b, m, nr, act, cmps, n);
	if (b->demux[-nr - 100] >= 0)
		add_entry(b, (struct entry){ (uint32_t)b->demux[-nr - 100], act, cmps, n });
}

/* A narrow section compares the low 32 bits only: a datum above them is
 * libseccomp's to make sense of. */
static bool fits(const struct cg_sc_arg *a, size_t n, bool wide)
{
	for (size_t i = 0; i < n && !wide; i++)
		if (a[i].value > UINT32_MAX || a[i].value_two > UINT32_MAX)
			return false;
	return true;
}

/* Section b's entries: 0, or 1 when the profile is beyond the generator. */
static int collect(struct section_build *b, const struct cg_sc_profile *p, const struct rule_args *ra,
		   const struct cg_sc_target *t)
{
	uint32_t def = cg_sc_scmp_action(p->default_action);

	for (size_t i = 0; i < p->nrules; i++) {
		const struct cg_sc_rule *r = &p->rules[i];
		uint32_t act = cg_sc_scmp_action(r->action);
		bool each = cg_sc_index_repeats(r);

		/* seccomp.c adds no rule that does what the default does. */
		if (act == def || !cg_sc_rule_applies(r, t->caps, t->arch, t->kernel))
			continue;
		if (!fits(ra->args[i], r->nargs, b->s.wide))
			return 1;
		for (const char **n = r->names; *n; n++) {
			int nr = seccomp_syscall_resolve_name_arch(b->token, *n);

			if (nr < 0 && (b->token != SCMP_ARCH_X86 || !mux_of(nr)))
				continue;  /* not on this arch, or unknown to libseccomp */
			if (nr >= 0 && ((uint32_t)nr < b->s.first || (uint32_t)nr > b->s.last))
				return 1;
			if (r->nargs == 0 || !each) {
				add_call(b, nr, act, ra->args[i], r->nargs);
				continue;
			}
			for (size_t j = 0; j < r->nargs; j++)
				add_call(b, nr, act, &ra->args[i][j], 1);
		}
	}
	return 0;
}

/* Entries of one number into a call: all of one action (libseccomp's
 * precedence between actions is its own); an unconditional rule makes the
 * others moot. 1 when they differ. */
static int make_calls(struct section_build *b)
{
	size_t nc = 0, na = 0;

	qsort(b->entries, b->nentries, sizeof(*b->entries), cmp_entry);
	b->calls = xcalloc(b->nentries + 1, sizeof(*b->calls));
	b->alts = xcalloc(b->nentries + 1, sizeof(*b->alts));
	for (size_t i = 0, j; i < b->nentries; i = j) {
		struct cg_bpf_call *c = &b->calls[nc++];
		bool always = false;

		*c = (struct cg_bpf_call){ .nr = b->entries[i].nr, .action = b->entries[i].action,
					   .alts = &b->alts[na] };
		for (j = i; j < b->nentries && b->entries[j].nr == c->nr; j++) {
			if (b->entries[j].action != c->action)
				return 1;
			always |= b->entries[j].n == 0;
			b->alts[na + c->nalts++] = (struct cg_bpf_alt){ b->entries[j].cmps, b->entries[j].n };
		}
		if (always)
			c->nalts = 0;
		na += c->nalts;
	}
	b->s.calls = b->calls;
	b->s.ncalls = nc;
	return 0;
}

/* The stub's ENOSYS (seccomp.c's build_stub): above the highest number the
 * profile names, and on x32 between its own calls and its compat block. */
static void enosys_ranges(struct section_build *b, const struct cg_sc_profile *p)
{
	uint32_t low = UINT32_MAX, max = cg_sc_profile_max(p, b->token, b->token == SCMP_ARCH_X32 ? &low : NULL);
	uint32_t act = SCMP_ACT_ERRNO(ENOSYS);

	if (max != UINT32_MAX && max < b->s.last)
		b->ranges[b->s.nranges++] = (struct cg_bpf_range){ max + 1, b->s.last, act };
	if (low != UINT32_MAX && low + 1 < (CG_SC_X32_BIT | CG_SC_X32_COMPAT_FIRST))
		b->ranges[b->s.nranges++] = (struct cg_bpf_range){
			low + 1 < b->s.first ? b->s.first : low + 1,
			(CG_SC_X32_BIT | CG_SC_X32_COMPAT_FIRST) - 1, act };
	b->s.ranges = b->ranges;
}

static bool only_x86_family(const uint32_t *arches, size_t n)
{
	bool has32 = false, hasx32 = false;

	for (size_t i = 0; i < n; i++) {
		has32 |= arches[i] == SCMP_ARCH_X86;
		hasx32 |= arches[i] == SCMP_ARCH_X32;
	}
	return n == 3 && arches[0] == SCMP_ARCH_X86_64 && has32 && hasx32;
}

static void rule_args_make(const struct cg_sc_profile *p, struct rule_args *ra)
{
	ra->n = p->nrules;
	ra->args = xcalloc(p->nrules + 1, sizeof(*ra->args));
	for (size_t i = 0; i < p->nrules; i++) {
		ra->args[i] = xcalloc(p->rules[i].nargs + 1, sizeof(struct cg_sc_arg));
		for (size_t j = 0; j < p->rules[i].nargs; j++) {
			struct cg_sc_arg *a = &ra->args[i][j];

			*a = p->rules[i].args[j];
			if (a->u32) {
				a->value = (uint32_t)a->value;
				a->value_two = (uint32_t)a->value_two;
			}
		}
	}
}

int cg_seccomp_compile_compact(const struct cg_sc_profile *p, uint64_t caps, struct cg_seccomp *out,
			       cg_err_t *err)
{
	uint32_t def = cg_sc_scmp_action(p->default_action), arches[CG_SC_MAX_ARCHES];
	bool stub = p->default_action.kind != CG_SC_ACT_ALLOW && p->default_action.kind != CG_SC_ACT_LOG;
	__attribute__((cleanup(free_sections))) struct section_build b[3] = {
		{ .token = SCMP_ARCH_X86_64, .s = { AUDIT_ARCH_X86_64, 0, CG_SC_X32_BIT - 1, true, def } },
		{ .token = SCMP_ARCH_X32, .s = { AUDIT_ARCH_X86_64, CG_SC_X32_BIT, UINT32_MAX, false, def } },
		{ .token = SCMP_ARCH_X86, .s = { AUDIT_ARCH_I386, 0, UINT32_MAX, false, def } },
	};
	__attribute__((cleanup(free_rule_args))) struct rule_args ra = { 0 };
	struct cg_bpf_section s[3];
	struct cg_sc_target t;
	struct sock_filter *prog;
	size_t narches, len;
	int r;

	if (cg_sc_filter_arches(p, arches, &narches, err) < 0)
		return -1;
	if (!only_x86_family(arches, narches))
		return 1;
	cg_sc_target_now(caps, &t);
	rule_args_make(p, &ra);
	demux_table(b[2].demux);
	for (size_t i = 0; i < 3; i++) {
		if (collect(&b[i], p, &ra, &t) || make_calls(&b[i]))
			return 1;
		if (stub)
			enosys_ranges(&b[i], p);
		s[i] = b[i].s;
	}
	/* libseccomp's answer to an architecture not in the filter. */
	r = cg_bpf_gen(s, 3, SCMP_ACT_KILL, &prog, &len);
	if (r == -E2BIG)
		return 1;
	if (r < 0)
		return cg_error(err, -r, "seccomp: generating the filter");
	out->insns = prog;
	out->len = (unsigned short)len;
	return 0;
}
