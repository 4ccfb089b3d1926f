/* seccomp-profile.h - the default seccomp profile as data: docker's (moby's
 * profiles/seccomp) default, for x86_64, x86 and x32. Pure: no libseccomp
 * here, so the table is unit-tested without root (seccomp-model.c turns it
 * into a profile, seccomp.c builds that). */
#ifndef CGRUN_SECCOMP_PROFILE_H
#define CGRUN_SECCOMP_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CG_SC_CAP(c) (UINT64_C(1) << (c))

/* System calls allowed whatever their arguments, to a container whose
 * bounding set has any of caps (0: to every container). */
struct cg_sc_group {
	const char *const *names;  /* NULL-terminated */
	uint64_t caps;
};

/* Argument rules for a container whose bounding set has none of
 * unless_caps (with one of them a group allows the call outright). Each
 * rule allows the call when argument arg compares true. */
enum cg_sc_op {
	CG_SC_EQ,          /* arg == value (all 64 bits) */
	CG_SC_LT32,        /* (u32)arg < value */
	CG_SC_GT32,        /* (u32)arg > value */
	CG_SC_EQ32,        /* (u32)arg == value */
	CG_SC_MASKED_EQ,   /* (arg & mask) == value */
};
struct cg_sc_argrule {
	const char *name;
	uint64_t unless_caps;
	unsigned arg;
	enum cg_sc_op op;
	uint64_t mask, value;
};

extern const struct cg_sc_group cg_sc_groups[];
extern const size_t cg_sc_ngroups;
extern const struct cg_sc_argrule cg_sc_argrules[];
extern const size_t cg_sc_nargrules;
/* Refused with ENOSYS (so that libc falls back to an older call) to a
 * container whose bounding set has none of unless_caps. */
struct cg_sc_enosys {
	const char *name;
	uint64_t unless_caps;
};
extern const struct cg_sc_enosys cg_sc_enosys_calls[];
extern const size_t cg_sc_nenosys;
/* Never allowed, whatever the capabilities: keyrings (not namespaced),
 * io_uring, userfaultfd, kexec. NULL-terminated. */
extern const char *const cg_sc_never[];

/* What the profile does with a call (by name) for the bounding set caps. */
enum cg_sc_verdict {
	CG_SC_DENY,        /* EPERM: known to the profile, not allowed */
	CG_SC_ALLOW,
	CG_SC_ARGS,        /* allowed for some arguments only */
	CG_SC_ENOSYS,
};
enum cg_sc_verdict cg_sc_verdict(const char *name, uint64_t caps);

/* FNV-1a of len bytes, continuing from h (start with CG_FNV_BASIS). */
#define CG_FNV_BASIS UINT64_C(0xcbf29ce484222325)
uint64_t cg_fnv1a(uint64_t h, const void *p, size_t len);

#endif
