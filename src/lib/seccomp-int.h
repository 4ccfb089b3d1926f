/* seccomp-int.h - what seccomp.c (libseccomp's program and the ENOSYS
 * stub) and seccomp-compact.c (the compact program) both go by, so that
 * the two decide every call alike. Internal to src/lib. */
#ifndef CGRUN_SECCOMP_INT_H
#define CGRUN_SECCOMP_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "seccomp-model.h"
#include "util.h"

#define CG_SC_X32_BIT 0x40000000U        /* __X32_SYSCALL_BIT */
#define CG_SC_X32_COMPAT_FIRST 512U      /* x32's own numbers (512..547) for compat calls */
#define CG_SC_MAX_ARCHES 24

/* Whom a filter is for: docker's rule selection (cg_sc_rule_applies). */
struct cg_sc_target {
	uint64_t caps;
	const char *arch;    /* docker's name of the host's architecture */
	uint32_t kernel;     /* major << 16 | minor */
};
/* For the bounding set caps on this host. */
void cg_sc_target_now(uint64_t caps, struct cg_sc_target *t);
/* The SCMP_ACT_* (= SECCOMP_RET_*) value of a. */
uint32_t cg_sc_scmp_action(struct cg_sc_action a);
/* The highest number the profile names on arch (SCMP_ARCH_*; every rule,
 * whatever it does and whoever it applies to: a call it names is known to
 * it), UINT32_MAX for none; for x32 also the highest below its compat
 * block (*low). The ENOSYS stub's bounds. */
uint32_t cg_sc_profile_max(const struct cg_sc_profile *p, uint32_t arch, uint32_t *low);
/* runc's reading of a rule's args: all must hold (one libseccomp rule),
 * unless two compare the same argument, which libseccomp cannot put in
 * one rule: then each is a rule of its own and any may hold. */
bool cg_sc_index_repeats(const struct cg_sc_rule *r);
/* The filter's architectures (SCMP_ARCH_*), docker's way: with an archMap,
 * the host's and its entry's subarchitectures; with architectures, those
 * (and the host's, which a filter always has); else the host's alone. The
 * host's is first. */
int cg_sc_filter_arches(const struct cg_sc_profile *p, uint32_t *arches, size_t *n, cg_err_t *err);

#endif
