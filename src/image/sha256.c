/* sha256.c - streaming SHA-256 on top of OpenSSL's EVP interface. */
#include "config.h"

#include "sha256.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

int cg_sha256_init(struct cg_sha256 *h, cg_err_t *err)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	h->md_ctx = NULL;
	if (ctx == NULL)
		return cg_error(err, ENOMEM, "sha256: EVP_MD_CTX_new");
	if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(ctx);
		return cg_error(err, 0, "sha256: EVP_DigestInit_ex failed");
	}
	h->md_ctx = ctx;
	return 0;
}

int cg_sha256_update(struct cg_sha256 *h, const void *buf, size_t len, cg_err_t *err)
{
	if (h->md_ctx == NULL)
		return cg_error(err, EINVAL, "sha256: update without init");
	if (len > 0 && EVP_DigestUpdate(h->md_ctx, buf, len) != 1)
		return cg_error(err, 0, "sha256: EVP_DigestUpdate failed");
	return 0;
}

int cg_sha256_final(struct cg_sha256 *h, char out[CG_SHA256_DIGEST_LEN], cg_err_t *err)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (h->md_ctx == NULL)
		return cg_error(err, EINVAL, "sha256: final without init");
	if (EVP_DigestFinal_ex(h->md_ctx, md, &n) != 1 || n != 32) {
		cg_sha256_free(h);
		return cg_error(err, 0, "sha256: EVP_DigestFinal_ex failed");
	}
	cg_sha256_free(h);
	memcpy(out, "sha256:", 7);
	for (unsigned int i = 0; i < n; i++)
		snprintf(out + 7 + 2 * i, 3, "%02x", md[i]);
	return 0;
}

void cg_sha256_free(struct cg_sha256 *h)
{
	EVP_MD_CTX_free(h->md_ctx);
	h->md_ctx = NULL;
}
