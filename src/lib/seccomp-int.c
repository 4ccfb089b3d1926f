/* seccomp-int.c - what seccomp.c (libseccomp's program and the ENOSYS
 * stub) and seccomp-compact.c (the compact program) both go by (see
 * seccomp-int.h): the rules' actions, whom a filter is for, its
 * architectures, the stub's bounds. */
#include "config.h"

#include "seccomp-int.h"

#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <sys/utsname.h>

struct nr_max {
	int64_t all, low;   /* low: below x32's compat block */
};

static void note_nr(uint32_t arch, const char *name, struct nr_max *m)
{
	int nr = seccomp_syscall_resolve_name_arch(arch, name);

	if (nr < 0)
		return;  /* not on arch, or unknown to libseccomp */
	if (nr > m->all)
		m->all = nr;
	if ((uint32_t)nr < (CG_SC_X32_BIT | CG_SC_X32_COMPAT_FIRST) && nr > m->low)
		m->low = nr;
}

uint32_t cg_sc_profile_max(const struct cg_sc_profile *p, uint32_t arch, uint32_t *low)
{
	struct nr_max m = { -1, -1 };

	for (size_t i = 0; i < p->nrules; i++)
		for (const char **n = p->rules[i].names; *n; n++)
			note_nr(arch, *n, &m);
	if (low)
		*low = (uint32_t)m.low;
	return (uint32_t)m.all;
}

uint32_t cg_sc_scmp_action(struct cg_sc_action a)
{
	switch (a.kind) {
	case CG_SC_ACT_ALLOW:
		return SCMP_ACT_ALLOW;
	case CG_SC_ACT_ERRNO:
		return SCMP_ACT_ERRNO(a.ret);
	case CG_SC_ACT_KILL_THREAD:
		return SCMP_ACT_KILL_THREAD;
	case CG_SC_ACT_KILL_PROCESS:
		return SCMP_ACT_KILL_PROCESS;
	case CG_SC_ACT_TRAP:
		return SCMP_ACT_TRAP;
	case CG_SC_ACT_TRACE:
		return SCMP_ACT_TRACE(a.ret);
	case CG_SC_ACT_LOG:
		return SCMP_ACT_LOG;
	}
	return SCMP_ACT_KILL_PROCESS;
}

bool cg_sc_index_repeats(const struct cg_sc_rule *r)
{
	for (size_t i = 0; i < r->nargs; i++)
		for (size_t j = i + 1; j < r->nargs; j++)
			if (r->args[i].index == r->args[j].index)
				return true;
	return false;
}

/* docker's names for the host's architecture, which a profile's
 * includes / excludes "arches" are matched against. */
static const char *docker_arch(uint32_t native)
{
	static const struct {
		uint32_t token;
		const char *name;
	} names[] = {
		{ SCMP_ARCH_X86_64, "amd64" }, { SCMP_ARCH_X86, "x86" }, { SCMP_ARCH_AARCH64, "arm64" },
		{ SCMP_ARCH_ARM, "arm" }, { SCMP_ARCH_PPC64LE, "ppc64le" }, { SCMP_ARCH_PPC64, "ppc64" },
		{ SCMP_ARCH_S390X, "s390x" }, { SCMP_ARCH_S390, "s390" }, { SCMP_ARCH_RISCV64, "riscv64" },
		{ SCMP_ARCH_MIPS64, "mips64" }, { SCMP_ARCH_MIPSEL64, "mipsel64" },
		{ SCMP_ARCH_MIPSEL, "mipsel" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].token == native)
			return names[i].name;
	return "unknown";
}

/* The host's kernel as major << 16 | minor (0 if uname fails: no minKernel
 * rule then applies, and every minKernel exclusion does not). */
static uint32_t kernel_now(void)
{
	struct utsname u;
	unsigned major, minor;

	if (uname(&u) < 0 || sscanf(u.release, "%u.%u", &major, &minor) != 2)
		return 0;
	return (major > 255 ? 255 : major) << 16 | (minor > 255 ? 255 : minor);
}

static int add_arch(uint32_t *arches, size_t *n, const char *name, cg_err_t *err)
{
	uint32_t token = seccomp_arch_resolve_name(name);

	if (token == 0) {
		const struct scmp_version *v = seccomp_version();

		return cg_error(err, 0, "architecture %s is unknown to this libseccomp (%u.%u.%u)", name,
				v->major, v->minor, v->micro);
	}
	for (size_t i = 0; i < *n; i++)
		if (arches[i] == token)
			return 0;
	if (*n == CG_SC_MAX_ARCHES)
		return cg_error(err, E2BIG, "seccomp: more than %d architectures", CG_SC_MAX_ARCHES);
	arches[(*n)++] = token;
	return 0;
}

int cg_sc_filter_arches(const struct cg_sc_profile *p, uint32_t *arches, size_t *n, cg_err_t *err)
{
	uint32_t native = seccomp_arch_native();

	*n = 0;
	arches[(*n)++] = native;
	for (size_t i = 0; i < p->narchmap; i++) {
		if (seccomp_arch_resolve_name(p->archmap[i].arch) != native)
			continue;
		for (const char **s = p->archmap[i].subs; *s; s++)
			if (add_arch(arches, n, *s, err) < 0)
				return -1;
		break;
	}
	for (const char **s = p->arches; s && *s; s++)
		if (add_arch(arches, n, *s, err) < 0)
			return -1;
	return 0;
}

void cg_sc_target_now(uint64_t caps, struct cg_sc_target *t)
{
	*t = (struct cg_sc_target){ caps, docker_arch(seccomp_arch_native()), kernel_now() };
}
