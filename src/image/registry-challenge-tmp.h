/* registry-challenge-tmp.h - TEMPORARY stand-in for src/image/www-auth.h.
 *
 * The img-ref branch owns WWW-Authenticate parsing (src/image/www-auth.{c,h})
 * with exactly this interface. This copy exists only so registry.c builds
 * and is tested on its own branch: at merge, delete registry-challenge-tmp.{c,h},
 * include "www-auth.h" in registry.c instead, and drop the two files from
 * Makefile.am's libcgimage block. */
#ifndef CGRUN_REGISTRY_CHALLENGE_TMP_H
#define CGRUN_REGISTRY_CHALLENGE_TMP_H

#include <stddef.h>

#include "util.h"

struct cg_challenge {
	char *scheme; /* lowercased */
	char *realm, *service, *scope, *error;
};

int cg_www_auth_parse(const char *header, struct cg_challenge **out, size_t *n, cg_err_t *err);
void cg_challenges_free(struct cg_challenge *c, size_t n);

#endif
