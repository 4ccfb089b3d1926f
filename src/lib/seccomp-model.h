/* seccomp-model.h - a seccomp profile as data, in docker's terms: the one
 * representation that the built-in default (seccomp-profile.c) and a
 * docker JSON profile (seccomp-json.c) are both turned into, and that
 * seccomp.c compiles and caches. Pure: no libseccomp here. */
#ifndef CGRUN_SECCOMP_MODEL_H
#define CGRUN_SECCOMP_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct json_object;

enum cg_sc_act {
	CG_SC_ACT_ALLOW,
	CG_SC_ACT_ERRNO,          /* ret: the errno */
	CG_SC_ACT_KILL_THREAD,    /* docker's SCMP_ACT_KILL too */
	CG_SC_ACT_KILL_PROCESS,
	CG_SC_ACT_TRAP,
	CG_SC_ACT_TRACE,          /* ret: the tracer's message */
	CG_SC_ACT_LOG,
};
struct cg_sc_action {
	enum cg_sc_act kind;
	uint32_t ret;
};

/* libseccomp's comparisons (SCMP_CMP_*); u32: compare the low 32 bits only
 * (the built-in table's, for int arguments; docker's format has no such). */
enum cg_sc_cmp {
	CG_SC_CMP_NE, CG_SC_CMP_LT, CG_SC_CMP_LE, CG_SC_CMP_EQ, CG_SC_CMP_GE, CG_SC_CMP_GT,
	CG_SC_CMP_MASKED_EQ,      /* (arg & value) == value_two */
};
struct cg_sc_arg {
	unsigned index;           /* 0..5 */
	enum cg_sc_cmp op;
	bool u32;
	uint64_t value, value_two;
};

/* When a rule applies (docker's includes / excludes): caps, every one of
 * them in the bounding set (includes) or any of them (excludes); arches,
 * docker's names of the host's architecture ("amd64", "arm64", ...);
 * kernel, (major << 16 | minor), 0 for none. */
struct cg_sc_cond {
	uint64_t caps;
	const char **arches;      /* NULL-terminated, or NULL */
	uint32_t kernel;
};

struct cg_sc_rule {
	const char **names;       /* NULL-terminated, at least one */
	struct cg_sc_action action;
	struct cg_sc_arg *args;
	size_t nargs;
	struct cg_sc_cond includes, excludes;
};

/* An architecture and the ones its processes may also use (archMap). */
struct cg_sc_archset {
	const char *arch;         /* libseccomp's name: "x86_64", "x86", "x32" ... */
	const char **subs;        /* NULL-terminated */
};

struct cg_sc_profile {
	struct cg_sc_action default_action;
	const char **arches;      /* "architectures", NULL-terminated, or NULL */
	struct cg_sc_archset *archmap;  /* the one for the host's architecture applies */
	size_t narchmap;
	struct cg_sc_rule *rules;
	size_t nrules;
	struct json_object *json; /* holds the strings of a parsed profile */
};

void cg_sc_profile_free(struct cg_sc_profile *p);
/* The built-in default (seccomp-profile.c's tables) as a profile. */
void cg_sc_profile_builtin(struct cg_sc_profile *p);
/* A hash of everything the profile says (FNV-1a, 64 bits): the cache key's
 * profile part, the same function for both kinds of profile. */
uint64_t cg_sc_profile_hash(const struct cg_sc_profile *p);
/* Whether rule r goes into the filter of a container whose bounding set
 * is caps, on architecture arch (docker's name), kernel (major << 16 |
 * minor), as docker decides it. */
bool cg_sc_rule_applies(const struct cg_sc_rule *r, uint64_t caps, const char *arch, uint32_t kernel);
/* docker's "<kernel>.<major>", each 0..255, not "0.0": "4.8" -> 4 << 16 | 8;
 * -1 if s is not one. */
int64_t cg_sc_kernel_parse(const char *s);

#endif
