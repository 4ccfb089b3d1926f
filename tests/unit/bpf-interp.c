/* bpf-interp.c - a classic-BPF interpreter for seccomp programs (tests). */
#include "config.h"

#include "bpf-interp.h"

#include <string.h>

/* The kernel's seccomp loads only 32-bit words of struct seccomp_data at
 * aligned offsets (seccomp_check_filter). */
static int load(const struct seccomp_data *d, uint32_t off, uint32_t *a)
{
	if (off % 4 || off + 4 > sizeof(*d))
		return -1;
	memcpy(a, (const char *)d + off, 4);
	return 0;
}

static int alu(uint16_t op, uint32_t *a, uint32_t k)
{
	switch (op) {
	case BPF_ADD: *a += k; return 0;
	case BPF_SUB: *a -= k; return 0;
	case BPF_AND: *a &= k; return 0;
	case BPF_OR: *a |= k; return 0;
	case BPF_XOR: *a ^= k; return 0;
	case BPF_LSH: *a = k < 32 ? *a << k : 0; return 0;
	case BPF_RSH: *a = k < 32 ? *a >> k : 0; return 0;
	}
	return -1;
}

static int cond(uint16_t op, uint32_t a, uint32_t k, int *taken)
{
	switch (op) {
	case BPF_JEQ: *taken = a == k; return 0;
	case BPF_JGT: *taken = a > k; return 0;
	case BPF_JGE: *taken = a >= k; return 0;
	case BPF_JSET: *taken = (a & k) != 0; return 0;
	}
	return -1;
}

uint32_t bpf_run(const struct sock_filter *prog, size_t len, const struct seccomp_data *d,
		 enum bpf_fault *fault, size_t *steps)
{
	uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = { 0 };
	size_t pc = 0, n = 0;

	*fault = BPF_OK;
	while (pc < len) {
		const struct sock_filter *f = &prog[pc++];
		int taken;

		n++;
		switch (f->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (load(d, f->k, &a) < 0) {
				*fault = BPF_FAULT_LOAD;
				return 0;
			}
			continue;
		case BPF_LD | BPF_IMM: a = f->k; continue;
		case BPF_LDX | BPF_IMM: x = f->k; continue;
		case BPF_LD | BPF_MEM: a = mem[f->k % BPF_MEMWORDS]; continue;
		case BPF_LDX | BPF_MEM: x = mem[f->k % BPF_MEMWORDS]; continue;
		case BPF_ST: mem[f->k % BPF_MEMWORDS] = a; continue;
		case BPF_STX: mem[f->k % BPF_MEMWORDS] = x; continue;
		case BPF_MISC | BPF_TAX: x = a; continue;
		case BPF_MISC | BPF_TXA: a = x; continue;
		case BPF_RET | BPF_K:
			*steps = n;
			return f->k;
		case BPF_RET | BPF_A:
			*steps = n;
			return a;
		case BPF_JMP | BPF_JA:
			if (f->k >= len - pc) {
				*fault = BPF_FAULT_JUMP;
				return 0;
			}
			pc += f->k;
			continue;
		}
		if (BPF_CLASS(f->code) == BPF_ALU && BPF_SRC(f->code) == BPF_K && alu(BPF_OP(f->code), &a, f->k) == 0)
			continue;
		if (BPF_CLASS(f->code) == BPF_JMP &&
		    cond(BPF_OP(f->code), a, BPF_SRC(f->code) == BPF_X ? x : f->k, &taken) == 0) {
			pc += taken ? f->jt : f->jf;
			continue;
		}
		*fault = BPF_FAULT_OPCODE;
		return 0;
	}
	*fault = BPF_FAULT_JUMP;
	return 0;
}
