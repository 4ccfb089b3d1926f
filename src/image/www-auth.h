/* www-auth.h - WWW-Authenticate headers (RFC 7235 section 4.1, RFC 6750
 * for Bearer) and the token request a Bearer challenge asks for. */
#ifndef CGRUN_WWW_AUTH_H
#define CGRUN_WWW_AUTH_H

#include <stddef.h>

#include "util.h"

struct cg_challenge {
	char *scheme;   /* lower case: "bearer", "basic", ... */
	char *realm, *service, *scope, *error; /* NULL when absent; unescaped */
	char *token68;  /* a challenge's token68 form ("Negotiate abc=="), else NULL */
};

/* One header's value: one or more challenges, each a scheme then a
 * token68 or comma-separated auth-params (names case-insensitive, values
 * tokens or quoted strings). A parameter given twice in a challenge and
 * any syntax error are refused (err names the offset). */
int cg_www_auth_parse(const char *header, struct cg_challenge **out, size_t *n, cg_err_t *err);
void cg_challenges_free(struct cg_challenge *c, size_t n);

/* The token URL of a Bearer challenge: realm?service=...&scope=... (each
 * of scope's space-separated scopes a parameter of its own, as docker
 * sends them), percent-encoded. scope_default is used when the challenge
 * has none (may be NULL). NULL when the realm is missing or not an
 * http(s) URL; whether http is acceptable is the caller's decision. */
char *cg_token_url(const struct cg_challenge *c, const char *scope_default);

/* RFC 3986 percent-encoding of all but the unreserved characters. */
char *cg_url_escape(const char *s);

#endif
