/* seccomp.h - the container's seccomp filter: a profile (seccomp-model.h,
 * the built-in default or a docker JSON one) compiled with libseccomp for
 * the container's bounding set, cached under the run directory, loaded
 * with seccomp(2). */
#ifndef CGRUN_SECCOMP_H
#define CGRUN_SECCOMP_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stdint.h>

#include "seccomp-model.h"
#include "util.h"

struct cg_seccomp {
	struct sock_filter *insns;   /* malloc'd */
	unsigned short len;
};

/* Profile p's filter for a container whose bounding set is caps: read from
 * RUN_DIR/seccomp/ when a run compiled it before for the same profile
 * (by the hash of its content), caps, libseccomp and kernel, else compiled
 * and written there (atomically). *cached says which (may be NULL). */
int cg_seccomp_get(const char *run_dir, const struct cg_sc_profile *p, uint64_t caps,
		   struct cg_seccomp *out, bool *cached, cg_err_t *err);
/* The same for a profile in docker's JSON format, by its text (file names
 * it in errors): keyed by the text's hash, parsed only to compile. */
int cg_seccomp_get_json(const char *run_dir, const char *text, const char *file, uint64_t caps,
			struct cg_seccomp *out, bool *cached, cg_err_t *err);
/* The same for the built-in default profile. */
int cg_seccomp_default(const char *run_dir, uint64_t caps, struct cg_seccomp *out, bool *cached,
		       cg_err_t *err);
/* Compiled, no cache: the compact program where it can express the
 * profile, else libseccomp's. */
int cg_seccomp_compile(const struct cg_sc_profile *p, uint64_t caps, struct cg_seccomp *out, cg_err_t *err);
/* libseccomp's program, behind the ENOSYS stub. */
int cg_seccomp_compile_libseccomp(const struct cg_sc_profile *p, uint64_t caps, struct cg_seccomp *out,
				  cg_err_t *err);
/* The compact program (seccomp-bpfgen.h), deciding every call as
 * libseccomp's does: 0, or 1 (out untouched) when the profile is beyond
 * it: another host architecture than x86_64 or other subarchitectures
 * than x86 and x32, rules of different actions for one call, an
 * argument value of more than 32 bits on x86 or x32. */
int cg_seccomp_compile_compact(const struct cg_sc_profile *p, uint64_t caps, struct cg_seccomp *out,
			       cg_err_t *err);
void cg_seccomp_free(struct cg_seccomp *f);
/* Install f on the calling thread: system calls only (safe in a vfork
 * child). Needs CAP_SYS_ADMIN or no_new_privs (spawn.c says where). */
int cg_seccomp_load(const struct cg_seccomp *f, cg_err_t *err);

#endif
