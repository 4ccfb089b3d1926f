/* seccomp.c - the container's seccomp filter: the compact program of
 * seccomp-compact.c where it can express the profile (the default, and
 * docker's own default.json, on an x86_64 host), else libseccomp's.
 *
 * libseccomp turns a profile (seccomp-model.h: the built-in default or a
 * docker JSON profile, for the container's bounding set, architecture and
 * kernel, as docker selects its rules) into BPF for the architectures the
 * profile names (the built-in: x86_64, x86 and x32, or the host's own
 * elsewhere). In front of its program goes
 * a stub of our own, runc's idea: a call whose number is above the highest
 * the profile names, on its architecture, gets ENOSYS instead of the
 * default EPERM. Such a call is newer than the profile; libc takes ENOSYS
 * for "this kernel has no such call" and falls back to an older one, where
 * EPERM would be an error it passes on (glibc's fchmodat2 and clone3
 * fallbacks, for instance). A profile whose default allows (or only
 * logs) gets no stub: what it does not name is allowed anyway.
 *
 * The compact program decides every call as libseccomp's program behind
 * that stub does (test_seccomp_bpfgen runs both; but an int argument by
 * its low word, seccomp-compact.c), in under a quarter of the
 * instructions, which the kernel converts and JITs at every install.
 *
 * Compiling costs milliseconds, loading microseconds: seccomp-cache.c
 * keeps compiled programs. */
#include "config.h"

#include "seccomp.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "seccomp-int.h"
#include "seccomp-model.h"
#include "seccomp-profile.h"

#define X32_BIT CG_SC_X32_BIT
#define X32_COMPAT_FIRST CG_SC_X32_COMPAT_FIRST
#define STUB_MAX 16

#define LD_NR (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr))
#define LD_ARCH (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch))
#define JMP(op, k, t, f) (struct sock_filter)BPF_JUMP(BPF_JMP | (op) | BPF_K, (k), (t), (f))

/* The ENOSYS stub: falls through to libseccomp's program (which loads
 * what it needs itself) for every call the profile knows, and for every
 * call of an architecture that is not in the filter (its max is
 * UINT32_MAX), which libseccomp's program refuses. */
static size_t build_stub(const struct cg_sc_profile *p, const uint32_t *arches, size_t narches,
			 struct sock_filter *s)
{
	size_t n = 0;
	uint32_t native = seccomp_arch_native();

	if (native == SCMP_ARCH_X86_64) {
		uint32_t x32_low = UINT32_MAX, x32_all = UINT32_MAX, max64 = UINT32_MAX, max386 = UINT32_MAX;

		for (size_t i = 0; i < narches; i++) {
			if (arches[i] == SCMP_ARCH_X86_64)
				max64 = cg_sc_profile_max(p, SCMP_ARCH_X86_64, NULL);
			else if (arches[i] == SCMP_ARCH_X32)
				x32_all = cg_sc_profile_max(p, SCMP_ARCH_X32, &x32_low);
			else if (arches[i] == SCMP_ARCH_X86)
				max386 = cg_sc_profile_max(p, SCMP_ARCH_X86, NULL);
		}
		/* Jump offsets count from the next instruction: 11 is ENOSYS, 12
		 * the program. x32 calls come as AUDIT_ARCH_X86_64 with bit 30. */
		s[n++] = LD_ARCH;                                          /* 0 */
		s[n++] = JMP(BPF_JEQ, AUDIT_ARCH_X86_64, 1, 0);            /* 1 */
		s[n++] = JMP(BPF_JEQ, AUDIT_ARCH_I386, 6, 9);              /* 2 -> 9 | 12 */
		s[n++] = LD_NR;                                            /* 3 */
		s[n++] = JMP(BPF_JGE, X32_BIT, 1, 0);                      /* 4 -> 6 */
		s[n++] = JMP(BPF_JGT, max64, 5, 6);                        /* 5 -> 11 | 12 */
		s[n++] = JMP(BPF_JGT, x32_all, 4, 0);                      /* 6 -> 11 */
		s[n++] = JMP(BPF_JGT, x32_low, 0, 4);                      /* 7 -> 8 | 12 */
		s[n++] = JMP(BPF_JGE, X32_BIT | X32_COMPAT_FIRST, 3, 2);   /* 8 -> 12 | 11 */
		s[n++] = LD_NR;                                            /* 9 */
		s[n++] = JMP(BPF_JGT, max386, 0, 1);                       /* 10 -> 11 | 12 */
	} else {
		/* Other hosts: the native architecture only. */
		s[n++] = LD_ARCH;
		s[n++] = JMP(BPF_JEQ, native, 0, 3);        /* -> 5 */
		s[n++] = LD_NR;
		s[n++] = JMP(BPF_JGT, cg_sc_profile_max(p, native, NULL), 0, 1);
	}
	s[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS);
	return n;
}

static const enum scmp_compare cmp_ops[] = {
	[CG_SC_CMP_NE] = SCMP_CMP_NE, [CG_SC_CMP_LT] = SCMP_CMP_LT, [CG_SC_CMP_LE] = SCMP_CMP_LE,
	[CG_SC_CMP_EQ] = SCMP_CMP_EQ, [CG_SC_CMP_GE] = SCMP_CMP_GE, [CG_SC_CMP_GT] = SCMP_CMP_GT,
	[CG_SC_CMP_MASKED_EQ] = SCMP_CMP_MASKED_EQ,
};

static struct scmp_arg_cmp arg_cmp(const struct cg_sc_arg *a)
{
	if (a->u32)
		return (struct scmp_arg_cmp)SCMP_CMP32(a->index, cmp_ops[a->op], a->value, a->value_two);
	return (struct scmp_arg_cmp){ a->index, cmp_ops[a->op], a->value, a->value_two };
}

/* A call libseccomp does not know (newer than it, or a typo: docker skips
 * those too) cannot be named in a filter: it is left to the default (or
 * the stub's ENOSYS). */
static int add_rule(scmp_filter_ctx sc, uint32_t action, const char *name, unsigned n,
		    const struct scmp_arg_cmp *cmp, cg_err_t *err)
{
	int nr = seccomp_syscall_resolve_name(name), r;

	if (nr == __NR_SCMP_ERROR)
		return 0;
	r = seccomp_rule_add_array(sc, action, nr, n, cmp);
	if (r < 0)
		return cg_error(err, -r, "seccomp rule for %s", name);
	return 0;
}

static int add_rules(scmp_filter_ctx sc, const struct cg_sc_profile *p, const struct cg_sc_target *t,
		     cg_err_t *err)
{
	uint32_t def = cg_sc_scmp_action(p->default_action);

	for (size_t i = 0; i < p->nrules; i++) {
		const struct cg_sc_rule *r = &p->rules[i];
		uint32_t act = cg_sc_scmp_action(r->action);
		struct scmp_arg_cmp c[6];
		bool each = cg_sc_index_repeats(r);

		/* libseccomp refuses a rule that does what the default does. */
		if (act == def || !cg_sc_rule_applies(r, t->caps, t->arch, t->kernel))
			continue;
		for (size_t j = 0; j < r->nargs && j < 6; j++)
			c[j] = arg_cmp(&r->args[j]);
		for (const char **n = r->names; *n; n++) {
			if (!each) {
				if (add_rule(sc, act, *n, (unsigned)r->nargs, c, err) < 0)
					return -1;
				continue;
			}
			for (size_t j = 0; j < r->nargs; j++)
				if (add_rule(sc, act, *n, 1, &c[j], err) < 0)
					return -1;
		}
	}
	return 0;
}

static void release_filter(scmp_filter_ctx *sc)
{
	if (*sc)
		seccomp_release(*sc);
}

#define MAX_ARCHES CG_SC_MAX_ARCHES

/* libseccomp's program for t, as BPF (it writes to an fd only). */
static int export_program(const struct cg_sc_profile *p, const uint32_t *arches, size_t narches,
			  const struct cg_sc_target *t, struct sock_filter **out, size_t *n, cg_err_t *err)
{
	__attribute__((cleanup(release_filter))) scmp_filter_ctx sc = seccomp_init(cg_sc_scmp_action(p->default_action));
	cleanup_close int fd = -1;
	struct stat st;
	int r;

	if (sc == NULL)
		return cg_error(err, ENOMEM, "seccomp_init");
	for (size_t i = 1; i < narches; i++)
		if ((r = seccomp_arch_add(sc, arches[i])) < 0 && r != -EEXIST)
			return cg_error(err, -r, "seccomp: adding architecture %u", arches[i]);
	/* A binary tree of the calls: fewer comparisons per call than a list. */
	if ((r = seccomp_attr_set(sc, SCMP_FLTATR_CTL_OPTIMIZE, 2)) < 0)
		return cg_error(err, -r, "seccomp: optimisation level");
	if (add_rules(sc, p, t, err) < 0)
		return -1;
	fd = memfd_create("cgrun-seccomp", MFD_CLOEXEC);
	if (fd < 0)
		return cg_error(err, errno, "memfd_create");
	if ((r = seccomp_export_bpf(sc, fd)) < 0)
		return cg_error(err, -r, "seccomp: exporting the filter");
	if (fstat(fd, &st) < 0)
		return cg_error(err, errno, "seccomp: exporting the filter");
	if (st.st_size <= 0 || st.st_size % sizeof(struct sock_filter) || st.st_size > BPF_MAXINSNS * 8)
		return cg_error(err, E2BIG, "seccomp: a filter of %lld bytes", (long long)st.st_size);
	*n = (size_t)st.st_size / sizeof(struct sock_filter);
	*out = xcalloc(*n, sizeof(struct sock_filter));
	if (pread(fd, *out, (size_t)st.st_size, 0) != st.st_size) {
		int e = errno ? errno : EIO;

		free(*out);
		*out = NULL;
		return cg_error(err, e, "seccomp: reading the exported filter");
	}
	return 0;
}

int cg_seccomp_compile_libseccomp(const struct cg_sc_profile *p, uint64_t caps, struct cg_seccomp *out,
				  cg_err_t *err)
{
	struct sock_filter stub[STUB_MAX];
	uint32_t arches[MAX_ARCHES];
	size_t narches, ns = 0, np = 0;
	cleanup_free struct sock_filter *prog = NULL;
	struct cg_sc_target t;

	cg_sc_target_now(caps, &t);
	out->insns = NULL;
	out->len = 0;
	if (cg_sc_filter_arches(p, arches, &narches, err) < 0 ||
	    export_program(p, arches, narches, &t, &prog, &np, err) < 0)
		return -1;
	if (p->default_action.kind != CG_SC_ACT_ALLOW && p->default_action.kind != CG_SC_ACT_LOG)
		ns = build_stub(p, arches, narches, stub);
	if (ns + np > BPF_MAXINSNS)
		return cg_error(err, E2BIG, "seccomp: a filter of %zu instructions", ns + np);
	out->insns = xcalloc(ns + np, sizeof(struct sock_filter));
	memcpy(out->insns, stub, ns * sizeof(struct sock_filter));
	memcpy(out->insns + ns, prog, np * sizeof(struct sock_filter));
	out->len = (unsigned short)(ns + np);
	return 0;
}

int cg_seccomp_compile(const struct cg_sc_profile *p, uint64_t caps, struct cg_seccomp *out, cg_err_t *err)
{
	int r = cg_seccomp_compile_compact(p, caps, out, err);

	return r == 1 ? cg_seccomp_compile_libseccomp(p, caps, out, err) : r;
}

void cg_seccomp_free(struct cg_seccomp *f)
{
	free(f->insns);
	f->insns = NULL;
	f->len = 0;
}

int cg_seccomp_load(const struct cg_seccomp *f, cg_err_t *err)
{
	struct sock_fprog prog = { .len = f->len, .filter = f->insns };

	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
		return cg_error(err, errno, "loading the seccomp filter");
	return 0;
}
