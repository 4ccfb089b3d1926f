/* seccomp-bpfgen.c - a compact seccomp program from per-architecture
 * tables (see seccomp-bpfgen.h).
 *
 * Layout: the architecture check (a JEQ per audit arch, each to a JA, as
 * an arch's code can be more than 255 instructions away), then per audit
 * arch: load nr, a binary search over the bounds of the ranges of equal
 * outcome (every number 0..2^32-1 belongs to exactly one range, so each
 * leaf is an outcome: no compare for equality at the end), where a range
 * may hold up to RUN_EXCEPTIONS single numbers of another outcome, each a
 * JEQ at its leaf; then the argument blocks and the returns that leaves
 * and blocks jump to. Jumps are written against labels and resolved at
 * the end: cBPF jumps only forward, conditional ones at most 255
 * instructions, which the layout keeps (pre-order tree: a node's children
 * follow it) and the resolver checks; where the shared returns are out of
 * reach, blocks get returns of their own and the arch's go before them.
 *
 * What an install costs (kernel 6.18, x86_64): beyond a fixed part, the
 * eBPF program the kernel converts the cBPF into (a conditional jump with
 * both targets elsewhere, a compare with a constant above 2^31 and a
 * return take two eBPF instructions each; the JIT works on those), and its
 * pages: the kernel allocates the eBPF program as the cBPF one's size
 * first and reallocates when it needs more pages, so about 500 eBPF
 * instructions (one page) are a step. The exceptions are what brings the
 * default filter under it. */
#include "config.h"

#include "seccomp-bpfgen.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define NO_LABEL (-1)   /* a jump of 0: to the next instruction */
#define BPF_JMAX 255

struct insn {
	uint16_t code;
	uint32_t k;
	int jt, jf;        /* labels; a JA's target is jt */
};

/* An outcome of a range of numbers: a return of action, or the argument
 * block of call (in sec). */
struct outcome {
	const struct cg_bpf_call *call;
	const struct cg_bpf_section *sec;
	uint32_t action;
};

struct seg {
	uint64_t start;
	struct outcome o;
};

/* Ranges of one outcome but for a few single numbers (a call allowed
 * among refused ones, or the other way round): one JEQ each, at the
 * tree's leaf, in place of two bounds of the search. Few, so that no
 * call's path grows much. */
#define RUN_EXCEPTIONS 3
struct run {
	uint64_t start;
	struct outcome base;
	struct seg exc[RUN_EXCEPTIONS];
	size_t nexc;
};

struct target {
	struct outcome o;
	int label;
};

struct gen {
	struct insn *v;
	size_t n, cap;
	size_t *labels;    /* position of each label, SIZE_MAX until placed */
	size_t nlabels, lcap;
	/* The current audit arch's returns and blocks, emitted after its tree. */
	struct target *targets;
	size_t ntargets, tcap;
	/* Blocks end in the arch's returns (after them), or in returns of
	 * their own (nearer, for when the others are out of a jump's reach). */
	bool shared_rets;
};

static void *grow(void *v, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return v;
	*cap = need < 64 ? 64 : need * 2;
	v = realloc(v, *cap * size);
	if (v == NULL)
		abort();
	return v;
}

static int new_label(struct gen *g)
{
	g->labels = grow(g->labels, &g->lcap, g->nlabels + 1, sizeof(*g->labels));
	g->labels[g->nlabels] = SIZE_MAX;
	return (int)g->nlabels++;
}

static void place(struct gen *g, int label)
{
	g->labels[label] = g->n;
}

static void emit(struct gen *g, uint16_t code, uint32_t k, int jt, int jf)
{
	g->v = grow(g->v, &g->cap, g->n + 1, sizeof(*g->v));
	g->v[g->n++] = (struct insn){ code, k, jt, jf };
}

static void emit_ld(struct gen *g, uint32_t off)
{
	emit(g, BPF_LD | BPF_W | BPF_ABS, off, NO_LABEL, NO_LABEL);
}

static void emit_ret(struct gen *g, uint32_t action)
{
	emit(g, BPF_RET | BPF_K, action, NO_LABEL, NO_LABEL);
}

static void emit_jmp(struct gen *g, uint16_t op, uint32_t k, int jt, int jf)
{
	emit(g, BPF_JMP | op | BPF_K, k, jt, jf);
}

static bool same_outcome(const struct outcome *a, const struct outcome *b)
{
	return a->call == b->call && (a->call != NULL || a->action == b->action);
}

/* The label of outcome o in the current audit arch, made on first use. */
static int target_label(struct gen *g, const struct outcome *o)
{
	for (size_t i = 0; i < g->ntargets; i++)
		if (same_outcome(&g->targets[i].o, o))
			return g->targets[i].label;
	g->targets = grow(g->targets, &g->tcap, g->ntargets + 1, sizeof(*g->targets));
	g->targets[g->ntargets] = (struct target){ *o, new_label(g) };
	return g->targets[g->ntargets++].label;
}

/* The words of argument i in struct seccomp_data. */
static uint32_t arg_lo(unsigned i)
{
	return (uint32_t)(offsetof(struct seccomp_data, args) + 8 * i +
			  (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? 0 : 4));
}

static uint32_t arg_hi(unsigned i)
{
	return arg_lo(i) ^ 4;
}

/* Jump to pass when a holds, else to fail, as libseccomp compares: in a
 * wide section the high words decide unless equal, then the low ones;
 * an int argument (u32) by its low word alone, as the kernel reads it. */
static void emit_cmp(struct gen *g, const struct cg_sc_arg *a, bool wide, int pass, int fail)
{
	enum cg_sc_cmp op = a->op;
	uint64_t v = op == CG_SC_CMP_MASKED_EQ ? a->value_two : a->value;
	uint64_t mask = op == CG_SC_CMP_MASKED_EQ ? a->value : UINT64_MAX;
	uint32_t vhi = (uint32_t)(v >> 32), vlo = (uint32_t)v;
	uint32_t mhi = (uint32_t)(mask >> 32), mlo = (uint32_t)mask;
	int t = pass, f = fail;

	/* NE, LT and LE are EQ, GE and GT with the outcomes swapped. */
	if (op == CG_SC_CMP_NE || op == CG_SC_CMP_LT || op == CG_SC_CMP_LE) {
		t = fail;
		f = pass;
		op = op == CG_SC_CMP_NE ? CG_SC_CMP_EQ : op == CG_SC_CMP_LT ? CG_SC_CMP_GE : CG_SC_CMP_GT;
	}
	if (wide && !a->u32) {
		emit_ld(g, arg_hi(a->index));
		if (op == CG_SC_CMP_GE || op == CG_SC_CMP_GT)
			emit_jmp(g, BPF_JGT, vhi, t, NO_LABEL);
		if (op == CG_SC_CMP_MASKED_EQ && mhi != UINT32_MAX)
			emit(g, BPF_ALU | BPF_AND | BPF_K, mhi, NO_LABEL, NO_LABEL);
		emit_jmp(g, BPF_JEQ, vhi, NO_LABEL, f);
	}
	emit_ld(g, arg_lo(a->index));
	if (op == CG_SC_CMP_MASKED_EQ && mlo != UINT32_MAX)
		emit(g, BPF_ALU | BPF_AND | BPF_K, mlo, NO_LABEL, NO_LABEL);
	emit_jmp(g, op == CG_SC_CMP_GE ? BPF_JGE : op == CG_SC_CMP_GT ? BPF_JGT : BPF_JEQ, vlo, t, f);
}

/* A call's alternatives in turn: the first whose compares all hold
 * returns its action; none, the section's default. */
static void emit_block(struct gen *g, const struct cg_bpf_call *c, const struct cg_bpf_section *s)
{
	struct outcome yes = { NULL, s, c->action }, dflt = { NULL, s, s->default_action };
	int ok = g->shared_rets ? target_label(g, &yes) : new_label(g);
	int no = g->shared_rets ? target_label(g, &dflt) : new_label(g);

	for (size_t i = 0; i < c->nalts; i++) {
		int fail = i + 1 == c->nalts ? no : new_label(g);

		for (size_t j = 0; j < c->alts[i].n; j++) {
			int pass = j + 1 == c->alts[i].n ? ok : new_label(g);

			emit_cmp(g, &c->alts[i].cmps[j], s->wide, pass, fail);
			if (pass != ok)
				place(g, pass);
		}
		if (fail != no)
			place(g, fail);
	}
	if (g->shared_rets)
		return;
	place(g, ok);
	emit_ret(g, c->action);
	place(g, no);
	emit_ret(g, s->default_action);
}

/* Segments into runs: a single number between two segments of one
 * outcome becomes an exception of a run of that outcome. */
static struct run *make_runs(const struct seg *segs, size_t nseg, size_t *nruns)
{
	struct run *runs = xcalloc(nseg, sizeof(*runs));
	size_t n = 0;

	for (size_t i = 0; i < nseg; i++) {
		struct run *r = n ? &runs[n - 1] : NULL;

		if (r && r->nexc < RUN_EXCEPTIONS && i + 1 < nseg && segs[i + 1].start == segs[i].start + 1 &&
		    same_outcome(&segs[i + 1].o, &r->base)) {
			r->exc[r->nexc++] = segs[i++];
			continue;
		}
		runs[n++] = (struct run){ .start = segs[i].start, .base = segs[i].o };
	}
	*nruns = n;
	return runs;
}

/* The code of runs[lo..hi], unless it is one run without exceptions:
 * then its outcome's label. */
static int child_label(struct gen *g, const struct run *runs, size_t lo, size_t hi, bool *code)
{
	*code = lo != hi || runs[lo].nexc > 0;
	return *code ? new_label(g) : target_label(g, &runs[lo].base);
}

/* runs[lo..hi]: a node splitting them in halves, each a subtree that
 * follows it or a leaf's label; a single run's exceptions. */
static void emit_tree(struct gen *g, const struct run *runs, size_t lo, size_t hi)
{
	size_t mid = lo + (hi - lo + 1) / 2;
	bool lcode, rcode;
	int left, right;

	if (lo == hi) {
		const struct run *r = &runs[lo];

		for (size_t j = 0; j < r->nexc; j++)
			emit_jmp(g, BPF_JEQ, (uint32_t)r->exc[j].start, target_label(g, &r->exc[j].o),
				 j + 1 < r->nexc ? NO_LABEL : target_label(g, &r->base));
		return;
	}
	left = child_label(g, runs, lo, mid - 1, &lcode);
	right = child_label(g, runs, mid, hi, &rcode);
	emit_jmp(g, BPF_JGE, (uint32_t)runs[mid].start, right, left);
	if (lcode) {
		place(g, left);
		emit_tree(g, runs, lo, mid - 1);
	}
	if (rcode) {
		place(g, right);
		emit_tree(g, runs, mid, hi);
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static const struct cg_bpf_call *find_call(const struct cg_bpf_section *s, uint64_t nr)
{
	size_t lo = 0, hi = s->ncalls;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->calls[mid].nr == nr)
			return &s->calls[mid];
		if (s->calls[mid].nr < nr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static struct outcome outcome_at(const struct cg_bpf_section *secs, const size_t *ix, size_t nix,
				 uint64_t nr, uint32_t bad_arch)
{
	for (size_t i = 0; i < nix; i++) {
		const struct cg_bpf_section *s = &secs[ix[i]];
		const struct cg_bpf_call *c;
		struct outcome o = { NULL, s, s->default_action };

		if (nr < s->first || nr > s->last)
			continue;
		for (size_t r = 0; r < s->nranges; r++)
			if (nr >= s->ranges[r].first && nr <= s->ranges[r].last)
				return (struct outcome){ NULL, s, s->ranges[r].action };
		if ((c = find_call(s, nr)) != NULL) {
			o.call = c->nalts ? c : NULL;
			o.action = c->action;
		}
		return o;
	}
	return (struct outcome){ NULL, NULL, bad_arch };
}

static void add_bound(uint64_t **b, size_t *n, size_t *cap, uint64_t v)
{
	*b = grow(*b, cap, *n + 1, sizeof(**b));
	(*b)[(*n)++] = v;
}

/* The ranges of equal outcome over all 2^32 numbers of the sections ix. */
static struct seg *segments(const struct cg_bpf_section *secs, const size_t *ix, size_t nix,
			    uint32_t bad_arch, size_t *nseg)
{
	cleanup_free uint64_t *b = NULL;
	size_t nb = 0, cap = 0, n = 0;
	struct seg *segs;

	add_bound(&b, &nb, &cap, 0);
	for (size_t i = 0; i < nix; i++) {
		const struct cg_bpf_section *s = &secs[ix[i]];

		add_bound(&b, &nb, &cap, s->first);
		add_bound(&b, &nb, &cap, (uint64_t)s->last + 1);
		for (size_t r = 0; r < s->nranges; r++) {
			add_bound(&b, &nb, &cap, s->ranges[r].first);
			add_bound(&b, &nb, &cap, (uint64_t)s->ranges[r].last + 1);
		}
		for (size_t c = 0; c < s->ncalls; c++) {
			add_bound(&b, &nb, &cap, s->calls[c].nr);
			add_bound(&b, &nb, &cap, (uint64_t)s->calls[c].nr + 1);
		}
	}
	qsort(b, nb, sizeof(*b), cmp_u64);
	segs = xcalloc(nb, sizeof(*segs));
	for (size_t i = 0; i < nb; i++) {
		struct outcome o;

		if (b[i] > UINT32_MAX || (i > 0 && b[i] == b[i - 1]))
			continue;
		o = outcome_at(secs, ix, nix, b[i], bad_arch);
		if (n > 0 && same_outcome(&segs[n - 1].o, &o))
			continue;
		segs[n++] = (struct seg){ b[i], o };
	}
	*nseg = n;
	return segs;
}

static bool section_ok(const struct cg_bpf_section *s)
{
	if (s->first > s->last)
		return false;
	for (size_t r = 0; r < s->nranges; r++)
		if (s->ranges[r].first > s->ranges[r].last)
			return false;
	for (size_t c = 0; c < s->ncalls; c++) {
		if (s->calls[c].nr < s->first || s->calls[c].nr > s->last ||
		    (c > 0 && s->calls[c].nr <= s->calls[c - 1].nr))
			return false;
		for (size_t a = 0; a < s->calls[c].nalts; a++)
			for (size_t i = 0; i < s->calls[c].alts[a].n; i++)
				if (s->calls[c].alts[a].cmps[i].index > 5 ||
				    s->calls[c].alts[a].cmps[i].op > CG_SC_CMP_MASKED_EQ)
					return false;
	}
	return true;
}

/* One audit arch's code: its tree, then its returns and blocks. */
static void emit_arch(struct gen *g, const struct cg_bpf_section *secs, const size_t *ix, size_t nix,
		      uint32_t bad_arch)
{
	size_t nseg, nruns;
	cleanup_free struct seg *segs = segments(secs, ix, nix, bad_arch, &nseg);
	cleanup_free struct run *runs = make_runs(segs, nseg, &nruns);

	g->ntargets = 0;
	if (nruns == 1 && runs[0].nexc == 0) {
		emit(g, BPF_JMP | BPF_JA, 0, target_label(g, &runs[0].base), NO_LABEL);
	} else {
		emit_ld(g, offsetof(struct seccomp_data, nr));
		emit_tree(g, runs, 0, nruns - 1);
	}
	/* Shared: the blocks, then the returns (which blocks may add to).
	 * Else the returns nearer the tree, the blocks after them. */
	for (int pass = 0; pass < 2; pass++) {
		bool blocks = (pass == 0) == g->shared_rets;

		for (size_t i = 0; i < g->ntargets; i++) {
			struct outcome o = g->targets[i].o;

			if ((o.call != NULL) != blocks)
				continue;
			place(g, g->targets[i].label);
			if (o.call)
				emit_block(g, o.call, o.sec);
			else
				emit_ret(g, o.action);
		}
	}
}

static int resolve(struct gen *g, struct sock_filter *out)
{
	for (size_t i = 0; i < g->n; i++) {
		const struct insn *in = &g->v[i];
		size_t jt = in->jt == NO_LABEL ? i + 1 : g->labels[in->jt];
		size_t jf = in->jf == NO_LABEL ? i + 1 : g->labels[in->jf];

		out[i] = (struct sock_filter){ in->code, 0, 0, in->k };
		if (BPF_CLASS(in->code) != BPF_JMP)
			continue;
		if (jt <= i || jt > g->n || jf <= i || jf > g->n)
			abort();  /* a label never placed or behind: the generator's bug */
		if (BPF_OP(in->code) == BPF_JA) {
			out[i].k = (uint32_t)(jt - i - 1);
			continue;
		}
		if (jt - i - 1 > BPF_JMAX || jf - i - 1 > BPF_JMAX)
			return -E2BIG;
		out[i].jt = (uint8_t)(jt - i - 1);
		out[i].jf = (uint8_t)(jf - i - 1);
	}
	return 0;
}

static void gen_free(struct gen *g)
{
	free(g->v);
	free(g->labels);
	free(g->targets);
}

static int gen_once(const struct cg_bpf_section *sections, size_t nsections, uint32_t bad_arch_action,
		    bool shared_rets, struct sock_filter **out, size_t *len)
{
	__attribute__((cleanup(gen_free))) struct gen g = { .shared_rets = shared_rets };
	cleanup_free size_t *ix = xcalloc(nsections + 1, sizeof(*ix));
	cleanup_free uint32_t *arches = xcalloc(nsections + 1, sizeof(*arches));
	cleanup_free int *arch_label = xcalloc(nsections + 1, sizeof(*arch_label));
	size_t narches = 0;
	int r;

	for (size_t i = 0; i < nsections; i++) {
		size_t a = 0;

		if (!section_ok(&sections[i]))
			return -EINVAL;
		while (a < narches && arches[a] != sections[i].audit_arch)
			a++;
		if (a == narches)
			arches[narches++] = sections[i].audit_arch;
	}
	/* Sections of one audit arch must not overlap. */
	for (size_t i = 0; i < nsections; i++)
		for (size_t j = i + 1; j < nsections; j++)
			if (sections[i].audit_arch == sections[j].audit_arch &&
			    sections[i].first <= sections[j].last && sections[j].first <= sections[i].last)
				return -EINVAL;
	emit_ld(&g, offsetof(struct seccomp_data, arch));
	for (size_t a = 0; a < narches; a++) {
		arch_label[a] = new_label(&g);
		emit_jmp(&g, BPF_JEQ, arches[a], NO_LABEL, new_label(&g));
		emit(&g, BPF_JMP | BPF_JA, 0, arch_label[a], NO_LABEL);
		place(&g, g.v[g.n - 2].jf);
	}
	emit_ret(&g, bad_arch_action);
	for (size_t a = 0; a < narches; a++) {
		size_t nix = 0;

		for (size_t i = 0; i < nsections; i++)
			if (sections[i].audit_arch == arches[a])
				ix[nix++] = i;
		place(&g, arch_label[a]);
		emit_arch(&g, sections, ix, nix, bad_arch_action);
	}
	if (g.n > BPF_MAXINSNS)
		return -E2BIG;
	*out = xcalloc(g.n, sizeof(**out));
	if ((r = resolve(&g, *out)) < 0) {
		free(*out);
		*out = NULL;
		return r;
	}
	*len = g.n;
	return 0;
}

int cg_bpf_gen(const struct cg_bpf_section *sections, size_t nsections, uint32_t bad_arch_action,
	       struct sock_filter **out, size_t *len)
{
	int r = gen_once(sections, nsections, bad_arch_action, true, out, len);

	return r == -E2BIG ? gen_once(sections, nsections, bad_arch_action, false, out, len) : r;
}
