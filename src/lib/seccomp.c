/* seccomp.c - the container's seccomp filter, built with libseccomp.
 *
 * libseccomp turns the profile's table into BPF for x86_64, x86 and x32
 * (or the host's own architecture elsewhere). In front of its program goes
 * a stub of our own, runc's idea: a call whose number is above the highest
 * the profile names, on its architecture, gets ENOSYS instead of the
 * default EPERM. Such a call is newer than the profile; libc takes ENOSYS
 * for "this kernel has no such call" and falls back to an older one, where
 * EPERM would be an error it passes on (glibc's fchmodat2 and clone3
 * fallbacks, for instance).
 *
 * Compiling costs milliseconds (libseccomp builds and optimises a tree
 * for three architectures), loading microseconds: the program is cached
 * in RUN_DIR/seccomp/, one file per key (profile table, bounding set,
 * libseccomp version, kernel release), as crun does, so a host pays for
 * compiling once per set of capabilities. The file starts with the key in
 * full and is used only if it matches, so a hash collision or a stale file
 * only costs a recompile. */
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
#include <sys/utsname.h>
#include <unistd.h>

#include "seccomp-profile.h"

#define X32_BIT 0x40000000U
#define X32_COMPAT_FIRST 512U   /* x32's own numbers (512..547) for compat calls */
#define STUB_MAX 16

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
	if ((uint32_t)nr < (X32_BIT | X32_COMPAT_FIRST) && nr > m->low)
		m->low = nr;
}

/* The highest number the profile names on arch (every list: a call it
 * refuses by name is known to it too); for x32 also the highest below its
 * compat block (*low). */
static uint32_t profile_max(uint32_t arch, uint32_t *low)
{
	struct nr_max m = { -1, -1 };

	for (size_t i = 0; i < cg_sc_ngroups; i++)
		for (const char *const *n = cg_sc_groups[i].names; *n; n++)
			note_nr(arch, *n, &m);
	for (const char *const *n = cg_sc_never; *n; n++)
		note_nr(arch, *n, &m);
	for (size_t i = 0; i < cg_sc_nargrules; i++)
		note_nr(arch, cg_sc_argrules[i].name, &m);
	for (size_t i = 0; i < cg_sc_nenosys; i++)
		note_nr(arch, cg_sc_enosys_calls[i].name, &m);
	if (low)
		*low = (uint32_t)m.low;
	return (uint32_t)m.all;
}

#define LD_NR (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr))
#define LD_ARCH (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch))
#define JMP(op, k, t, f) (struct sock_filter)BPF_JUMP(BPF_JMP | (op) | BPF_K, (k), (t), (f))

/* The ENOSYS stub: falls through to libseccomp's program (which loads
 * what it needs itself) for every call the profile knows. */
static size_t build_stub(struct sock_filter *s)
{
	size_t n = 0;

	if (seccomp_arch_native() == SCMP_ARCH_X86_64) {
		uint32_t x32_low, max64 = profile_max(SCMP_ARCH_X86_64, NULL);
		uint32_t x32_all = profile_max(SCMP_ARCH_X32, &x32_low);
		uint32_t max386 = profile_max(SCMP_ARCH_X86, NULL);
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
		s[n++] = LD_ARCH;
		s[n++] = JMP(BPF_JEQ, seccomp_arch_native(), 0, 3);        /* -> 5 */
		s[n++] = LD_NR;
		s[n++] = JMP(BPF_JGT, profile_max(seccomp_arch_native(), NULL), 0, 1);
	}
	s[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS);
	return n;
}

static int arg_cmp(const struct cg_sc_argrule *r, struct scmp_arg_cmp *c)
{
	switch (r->op) {
	case CG_SC_EQ:
		*c = SCMP_CMP(r->arg, SCMP_CMP_EQ, r->value);
		return 0;
	case CG_SC_LT32:
		*c = SCMP_CMP32(r->arg, SCMP_CMP_LT, r->value);
		return 0;
	case CG_SC_GT32:
		*c = SCMP_CMP32(r->arg, SCMP_CMP_GT, r->value);
		return 0;
	case CG_SC_EQ32:
		*c = SCMP_CMP32(r->arg, SCMP_CMP_EQ, r->value);
		return 0;
	case CG_SC_MASKED_EQ:
		*c = SCMP_CMP(r->arg, SCMP_CMP_MASKED_EQ, r->mask, r->value);
		return 0;
	}
	return -EINVAL;
}

/* A call libseccomp does not know (newer than it) cannot be named in a
 * filter: it is left to the default (or the stub's ENOSYS). */
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

static int add_rules(scmp_filter_ctx sc, uint64_t caps, cg_err_t *err)
{
	for (size_t i = 0; i < cg_sc_ngroups; i++) {
		if (cg_sc_groups[i].caps && !(cg_sc_groups[i].caps & caps))
			continue;
		for (const char *const *n = cg_sc_groups[i].names; *n; n++)
			if (add_rule(sc, SCMP_ACT_ALLOW, *n, 0, NULL, err) < 0)
				return -1;
	}
	for (size_t i = 0; i < cg_sc_nargrules; i++) {
		const struct cg_sc_argrule *r = &cg_sc_argrules[i];
		struct scmp_arg_cmp c;

		if (r->unless_caps & caps)
			continue;
		if (arg_cmp(r, &c) < 0)
			return cg_error(err, EINVAL, "seccomp rule for %s", r->name);
		if (add_rule(sc, SCMP_ACT_ALLOW, r->name, 1, &c, err) < 0)
			return -1;
	}
	for (size_t i = 0; i < cg_sc_nenosys; i++)
		if (!(cg_sc_enosys_calls[i].unless_caps & caps) &&
		    add_rule(sc, SCMP_ACT_ERRNO(ENOSYS), cg_sc_enosys_calls[i].name, 0, NULL, err) < 0)
			return -1;
	return 0;
}

static void release_filter(scmp_filter_ctx *sc)
{
	if (*sc)
		seccomp_release(*sc);
}

/* libseccomp's program for caps, as BPF (it writes to an fd only). */
static int export_program(uint64_t caps, struct sock_filter **out, size_t *n, cg_err_t *err)
{
	__attribute__((cleanup(release_filter))) scmp_filter_ctx sc = seccomp_init(SCMP_ACT_ERRNO(EPERM));
	cleanup_close int fd = -1;
	struct stat st;
	int r;

	if (sc == NULL)
		return cg_error(err, ENOMEM, "seccomp_init");
	if (seccomp_arch_native() == SCMP_ARCH_X86_64 &&
	    ((r = seccomp_arch_add(sc, SCMP_ARCH_X86)) < 0 || (r = seccomp_arch_add(sc, SCMP_ARCH_X32)) < 0))
		return cg_error(err, -r, "seccomp: adding the x86 and x32 architectures");
	/* A binary tree of the calls: fewer comparisons per call than a list. */
	if ((r = seccomp_attr_set(sc, SCMP_FLTATR_CTL_OPTIMIZE, 2)) < 0)
		return cg_error(err, -r, "seccomp: optimisation level");
	if (add_rules(sc, caps, err) < 0)
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

int cg_seccomp_compile(uint64_t caps, struct cg_seccomp *out, cg_err_t *err)
{
	struct sock_filter stub[STUB_MAX];
	size_t ns = build_stub(stub), np = 0;
	cleanup_free struct sock_filter *prog = NULL;

	out->insns = NULL;
	out->len = 0;
	if (export_program(caps, &prog, &np, err) < 0)
		return -1;
	if (ns + np > BPF_MAXINSNS)
		return cg_error(err, E2BIG, "seccomp: a filter of %zu instructions", ns + np);
	out->insns = xcalloc(ns + np, sizeof(struct sock_filter));
	memcpy(out->insns, stub, ns * sizeof(struct sock_filter));
	memcpy(out->insns + ns, prog, np * sizeof(struct sock_filter));
	out->len = (unsigned short)(ns + np);
	return 0;
}

void cg_seccomp_free(struct cg_seccomp *f)
{
	free(f->insns);
	f->insns = NULL;
	f->len = 0;
}

/* The cache's key in full: what the compiled program depends on. */
static char *cache_key(uint64_t caps)
{
	const struct scmp_version *v = seccomp_version();
	struct utsname u;

	if (uname(&u) < 0)
		snprintf(u.release, sizeof(u.release), "?");
	return xasprintf("cgrun seccomp 1\nprofile %016llx\ncaps %016llx\nlibseccomp %u.%u.%u\n"
			 "arch %u\nkernel %s\n", (unsigned long long)cg_sc_profile_hash(),
			 (unsigned long long)caps, v->major, v->minor, v->micro,
			 seccomp_arch_native(), u.release);
}

/* 1 with out filled from the cache, 0 when there is no usable entry. */
static int cache_read(int dirfd, const char *name, const char *key, struct cg_seccomp *out)
{
	cleanup_close int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	size_t klen = strlen(key) + 1;
	cleanup_free char *buf = NULL;
	struct stat st;
	size_t plen;

	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < (off_t)klen ||
	    st.st_size > (off_t)(klen + BPF_MAXINSNS * sizeof(struct sock_filter)))
		return 0;
	plen = (size_t)st.st_size - klen;
	if (plen == 0 || plen % sizeof(struct sock_filter))
		return 0;
	buf = xcalloc(1, (size_t)st.st_size);
	if (pread(fd, buf, (size_t)st.st_size, 0) != st.st_size || memcmp(buf, key, klen))
		return 0;
	out->insns = xcalloc(1, plen);
	memcpy(out->insns, buf + klen, plen);
	out->len = (unsigned short)(plen / sizeof(struct sock_filter));
	return 1;
}

static int cache_write(int dirfd, const char *name, const char *key, const struct cg_seccomp *f,
		       cg_err_t *err)
{
	size_t klen = strlen(key) + 1, plen = f->len * sizeof(struct sock_filter);
	cleanup_free char *buf = xcalloc(1, klen + plen);

	memcpy(buf, key, klen);
	memcpy(buf + klen, f->insns, plen);
	return write_file_atomic_at(dirfd, name, buf, klen + plen, 0600, err);
}

int cg_seccomp_default(const char *run_dir, uint64_t caps, struct cg_seccomp *out, bool *cached,
		       cg_err_t *err)
{
	cleanup_free char *dir = xasprintf("%s/seccomp", run_dir);
	cleanup_free char *key = cache_key(caps), *name = NULL;
	cleanup_close int dirfd = -1;

	if (cached)
		*cached = false;
	/* Root's only: a filter written here is what containers run under. */
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return cg_error(err, errno, "mkdir %s", dir);
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (dirfd < 0)
		return cg_error(err, errno, "open %s", dir);
	name = xasprintf("%016llx.bpf", (unsigned long long)cg_fnv1a(CG_FNV_BASIS, key, strlen(key)));
	if (cache_read(dirfd, name, key, out)) {
		if (cached)
			*cached = true;
		return 0;
	}
	if (cg_seccomp_compile(caps, out, err) < 0)
		return -1;
	if (cache_write(dirfd, name, key, out, err) < 0) {
		cg_seccomp_free(out);
		return cg_error_wrap(err, "caching the seccomp filter in %s", dir);
	}
	return 0;
}

int cg_seccomp_load(const struct cg_seccomp *f, cg_err_t *err)
{
	struct sock_fprog prog = { .len = f->len, .filter = f->insns };

	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
		return cg_error(err, errno, "loading the seccomp filter");
	return 0;
}
