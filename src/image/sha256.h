/* sha256.h - streaming SHA-256 (OpenSSL EVP) with the "sha256:<hex>" form
 * OCI digests and diff_ids are written in: one helper for every part of the
 * image code (downloads, layer extraction), none of its own hashing. */
#ifndef CGRUN_IMAGE_SHA256_H
#define CGRUN_IMAGE_SHA256_H

#include <stddef.h>

#include "util.h"

/* "sha256:" + 64 hex digits + NUL. */
#define CG_SHA256_DIGEST_LEN 72

struct cg_sha256 {
	void *md_ctx; /* EVP_MD_CTX; NULL when not initialised or freed */
};

int cg_sha256_init(struct cg_sha256 *h, cg_err_t *err);
int cg_sha256_update(struct cg_sha256 *h, const void *buf, size_t len, cg_err_t *err);
/* Writes "sha256:<hex>" to out and frees the context. */
int cg_sha256_final(struct cg_sha256 *h, char out[CG_SHA256_DIGEST_LEN], cg_err_t *err);
/* Frees the context (after a failure; a no-op after final). */
void cg_sha256_free(struct cg_sha256 *h);

#define cleanup_sha256 __attribute__((cleanup(cg_sha256_free)))

#endif
