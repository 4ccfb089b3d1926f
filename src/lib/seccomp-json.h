/* seccomp-json.h - docker's seccomp profile format (moby's
 * profiles/seccomp/default.json and `docker run --security-opt
 * seccomp=FILE`) read with json-c into a struct cg_sc_profile. Pure. */
#ifndef CGRUN_SECCOMP_JSON_H
#define CGRUN_SECCOMP_JSON_H

#include "seccomp-model.h"
#include "util.h"

/* Parse text (the contents of file, which names it in errors) into p. An
 * error says which field is wrong and why ("FILE: syscalls[3].action:
 * unknown action 'X'"); p is left empty then. A system call name nobody
 * knows is not an error here: the filter skips it, as docker does. */
int cg_sc_profile_parse(const char *text, const char *file, struct cg_sc_profile *p, cg_err_t *err);

#endif
