/* seccomp-bpfgen.h - a compact classic-BPF seccomp program, generated
 * directly from per-architecture tables of system call numbers.
 *
 * libseccomp emits one compare per system call (1258 instructions for the
 * default profile on x86_64 + x86 + x32); the kernel converts and JITs
 * every one of them at each seccomp(2), so the install costs in proportion.
 * Here the numbers with the same outcome are merged into ranges and
 * looked up with a balanced binary search of JGE jumps over the ranges'
 * bounds; a call whose outcome depends on its arguments gets a small
 * block of compares. Pure: no system calls, no libseccomp (seccomp.c
 * resolves names and decides what each number does). */
#ifndef CGRUN_SECCOMP_BPFGEN_H
#define CGRUN_SECCOMP_BPFGEN_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "seccomp-model.h"

/* All of cmps hold. Compared as libseccomp compares them: a wide section's
 * arguments in 64 bits (high word, then low word), a narrow one's in
 * their low 32 bits only; but a u32 compare looks at the low 32 bits in a
 * wide section too, as the kernel reads an int argument (libseccomp cannot:
 * its SCMP_CMP32 only truncates the datum, and socket(AF_ALG | 1 << 32)
 * passes its "family < 38 or > 40" on x86_64). */
struct cg_bpf_alt {
	const struct cg_sc_arg *cmps;
	size_t n;
};

/* One number's action (SECCOMP_RET_* with its data): whatever the
 * arguments (nalts 0), or when any of alts holds, else the section's
 * default. */
struct cg_bpf_call {
	uint32_t nr;
	uint32_t action;
	const struct cg_bpf_alt *alts;
	size_t nalts;
};

/* Numbers first..last answered with action whatever the calls say (the
 * ENOSYS of calls newer than the profile); the first range that holds a
 * number decides it. */
struct cg_bpf_range {
	uint32_t first, last;
	uint32_t action;
};

/* The numbers first..last of one AUDIT_ARCH_* value: x86_64 and x32 are
 * two sections of AUDIT_ARCH_X86_64, split at __X32_SYSCALL_BIT. A number
 * of an audit arch that no section takes, and any other audit arch, gets
 * the bad-arch action. calls: sorted by nr, each nr once. */
struct cg_bpf_section {
	uint32_t audit_arch;
	uint32_t first, last;
	bool wide;
	uint32_t default_action;
	const struct cg_bpf_range *ranges;
	size_t nranges;
	const struct cg_bpf_call *calls;
	size_t ncalls;
};

/* The program (malloc'd, *len instructions): 0, or -EINVAL for a bad
 * table (unsorted calls, a section outside its bounds, an argument index
 * above 5), -E2BIG when it would exceed BPF_MAXINSNS or a conditional
 * jump 255 instructions. */
int cg_bpf_gen(const struct cg_bpf_section *sections, size_t nsections, uint32_t bad_arch_action,
	       struct sock_filter **out, size_t *len);

#endif
