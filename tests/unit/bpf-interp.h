/* bpf-interp.h - a classic-BPF interpreter for seccomp programs, for the
 * unit tests only: runs a program on one struct seccomp_data as the
 * kernel would and returns its action. */
#ifndef CGRUN_TEST_BPF_INTERP_H
#define CGRUN_TEST_BPF_INTERP_H

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>

/* What a program did, or why it could not run. */
enum bpf_fault {
	BPF_OK,
	BPF_FAULT_OPCODE,      /* an instruction the interpreter (or seccomp) does not take */
	BPF_FAULT_LOAD,        /* a load outside struct seccomp_data, or unaligned */
	BPF_FAULT_JUMP,        /* a jump or a fall off the end of the program */
};

/* The action of prog (len instructions) on d; *fault says whether it ran
 * to a return (the action is then meaningful). *steps: instructions run. */
uint32_t bpf_run(const struct sock_filter *prog, size_t len, const struct seccomp_data *d,
		 enum bpf_fault *fault, size_t *steps);

#endif
