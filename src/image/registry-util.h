/* registry-util.h - the registry client's pure helpers (no network): what
 * a registry's error body says, Retry-After, URL origins and redirects,
 * digest strings. Unit-tested in tests/unit/test_registry_util.c. */
#ifndef CGRUN_REGISTRY_UTIL_H
#define CGRUN_REGISTRY_UTIL_H

#include <stdbool.h>
#include <stddef.h>

/* out: "manifest unknown: <message>" from a distribution-spec errors body
 * ({"errors":[{"code":"MANIFEST_UNKNOWN","message":...}]}: the code
 * lowercased, '_' as ' ', then the message unless it says the same), else
 * the body's first line (200 characters at most), else "". */
void cg_registry_describe_body(const char *body, size_t len, char *out, size_t outlen);

/* The bearer token in a token server's JSON reply: "token", else
 * "access_token" (OAuth2 style); NULL if neither is a non-empty string.
 * The caller frees it. */
char *cg_registry_token_parse(const char *body);

/* A Retry-After value in seconds; an HTTP-date (rare from registries) or
 * garbage counts as 5 s. */
long cg_retry_after_parse(const char *value);

/* "scheme://host:port" of url, host lowercased, port explicit; NULL if
 * url is not an absolute URL. */
char *cg_url_origin(const char *url);

/* A Location header resolved against the URL it came from; NULL if it is
 * malformed, not http(s), or downgrades https to http. */
char *cg_url_redirect(const char *from, const char *location);

/* "sha256:" and 64 lowercase hex digits. */
bool cg_digest_is_sha256(const char *d);
/* "sha256:hex" of 32 bytes; the caller frees it. */
char *cg_digest_format_sha256(const unsigned char *md);

#endif
