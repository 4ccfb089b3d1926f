/* registry.h - an OCI distribution API client (pull side) on libcurl.
 *
 * One struct cg_registry per (registry, repository): it owns one CURL handle
 * (connections are reused across requests), the credentials and the current
 * Authorization value (a Bearer token fetched from the realm a 401's
 * WWW-Authenticate names, or Basic). Every request:
 *  - retries 429 and 5xx with back-off, honouring Retry-After (seconds),
 *    at most CG_REGISTRY_MAX_ATTEMPTS times;
 *  - on 401 answers the challenge (fetches a token, or uses Basic) and
 *    retries once; a token that expires mid-pull is refreshed the same way;
 *  - follows redirects itself: the Authorization header goes to the
 *    registry's own host:port only, never to a blob CDN.
 * Nothing is printed; errors come back in cg_err_t, prefixed
 * "registry HOST: ". */
#ifndef CGRUN_REGISTRY_H
#define CGRUN_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define CG_REGISTRY_MAX_ATTEMPTS 5
/* A Retry-After longer than this fails the request instead of waiting. */
#define CG_REGISTRY_MAX_RETRY_AFTER 60
/* Manifests are read into memory: refuse larger ones. */
#define CG_REGISTRY_MAX_MANIFEST (4 * 1024 * 1024)

struct cg_registry_opts {
	bool tls_verify;     /* false: no certificate or host name check */
	const char *ca_file; /* extra CA bundle (PEM), NULL: the system's */
	const char *user;    /* credentials or NULL */
	const char *pass;
	bool plain_http;     /* insecure registries: http:// */
};

struct cg_registry;

/* api_host: "127.0.0.1:5000" or "registry-1.docker.io"; repo_path:
 * "library/busybox", or NULL for a client that only checks a login. The
 * strings are copied. NULL and err set on failure. */
struct cg_registry *cg_registry_new(const char *api_host, const char *repo_path,
				    const struct cg_registry_opts *o, cg_err_t *err);
void cg_registry_free(struct cg_registry *r);

/* GET /v2/REPO/manifests/REF. accept: NULL-terminated media types sent
 * as Accept (NULL: none). On success *body (NUL-terminated, *len bytes),
 * *content_type and *digest ("sha256:hex" of the exact bytes) are the
 * caller's to free. When ref is a digest, the bytes' digest must equal it.
 * Returns 0 or -errno (-ENOENT when the registry says unknown). */
int cg_registry_get_manifest(struct cg_registry *r, const char *ref, const char *const *accept,
			     char **body, size_t *len, char **content_type, char **digest,
			     cg_err_t *err);

/* A blob's bytes, in order, as they arrive. Return 0 to go on, <0 (and
 * nothing else) to stop: cg_registry_get_blob then returns that value. */
typedef int (*cg_blob_sink)(void *arg, const void *buf, size_t n);
/* Called when the transfer has to start again from byte 0 (a registry or
 * CDN that answers a resuming Range request with the whole blob): forget
 * every byte sunk so far. Return 0, or <0 to give up (returned as is). */
typedef int (*cg_blob_reset)(void *arg);

/* GET /v2/REPO/blobs/DIGEST, streamed to sink (bounded memory, no temp
 * file). size: the descriptor's size, or -1 if unknown. A connection lost
 * mid-blob is resumed with "Range: bytes=N-"; if the answer to that is the
 * whole blob (200), reset is called and the bytes are sunk again from the
 * start; with reset NULL that case fails with -ESPIPE. At the end the size
 * and the sha256 are checked: on a mismatch it returns -EBADMSG and the
 * caller must discard whatever it made of the bytes. Only sha256 digests. */
int cg_registry_get_blob(struct cg_registry *r, const char *digest, int64_t size,
			 cg_blob_sink sink, cg_blob_reset reset, void *arg, cg_err_t *err);

/* GET /v2/ with the credentials, answering the registry's challenge as a
 * pull does (Basic, or a token from its realm: with no scope when the
 * client has no repository, as docker login asks). 0 when the registry
 * accepts them (or asks for none); -EACCES when it refuses them; another
 * -errno when it cannot be asked. */
int cg_registry_check_login(struct cg_registry *r, cg_err_t *err);

#endif
