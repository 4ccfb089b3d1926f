/* secopt.h - docker's --security-opt values, and the seccomp filter and
 * no_new_privs that a container's spec asks for (the same for its command,
 * every exec, every restart and a re-adopting cgrund: all read the spec in
 * its record, which holds the profile's text, never the file). */
#ifndef CGRUN_SECOPT_H
#define CGRUN_SECOPT_H

#include <stdbool.h>
#include <stdint.h>

#include "seccomp.h"
#include "spec.h"
#include "util.h"

/* The largest profile read: moby's default is 14 KB. */
#define CG_SECCOMP_PROFILE_MAX (256 * 1024)

enum cg_secopt_kind {
	CG_SECOPT_SECCOMP_UNCONFINED,
	CG_SECOPT_SECCOMP_PROFILE,    /* value: the file */
	CG_SECOPT_NO_NEW_PRIVS,       /* value: "true" or "false" */
};
/* Pure: "seccomp=unconfined", "seccomp=FILE", "no-new-privileges",
 * "no-new-privileges=true|false" (docker's ':' for '=' too). Anything
 * else is an error that says what is supported. */
int cg_secopt_parse(const char *opt, enum cg_secopt_kind *kind, const char **value, cg_err_t *err);

/* Apply one --security-opt to s: a profile file is read now, checked, and
 * its text kept in s (the record keeps it from then on). */
int cg_spec_security_opt(struct cg_spec *s, const char *opt, cg_err_t *err);
/* Check s's profile (a spec from the wire or a record) by compiling its
 * filter into run_dir's cache: what libseccomp refuses (an architecture it
 * does not know, rules that contradict each other) fails the create, not
 * the start. */
int cg_spec_seccomp_check(const char *run_dir, const struct cg_spec *s, cg_err_t *err);
/* "default", "unconfined" (asked for, or --privileged without a profile)
 * or "profile". */
const char *cg_spec_seccomp_mode(const struct cg_spec *s);
/* The profile text's FNV-1a 64 hash, "fnv1a64:<16 hex digits>" (malloc'd),
 * NULL without a profile. */
char *cg_spec_seccomp_digest(const struct cg_spec *s);
/* The filter for s's command with bounding set caps, from the cache in
 * run_dir or compiled; *confined false (and out empty) when unconfined. */
int cg_spec_seccomp(const char *run_dir, const struct cg_spec *s, uint64_t caps,
		    struct cg_seccomp *out, bool *confined, cg_err_t *err);

#endif
