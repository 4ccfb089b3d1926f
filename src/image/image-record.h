/* image-record.h - a layered image recorded in the store (image.h) from
 * its config, once its layers are in place: what pull and load share. */
#ifndef CGRUN_IMAGE_RECORD_H
#define CGRUN_IMAGE_RECORD_H

#include <stddef.h>

#include "image-config.h"
#include "util.h"

struct cg_ctx;

struct cg_image_record {
	const char *key;            /* the store's key (cg_image_dirname) */
	const char *name;           /* as image ls shows it */
	const char *source;         /* a path, or REF@DIGEST */
	const char *digest;         /* the manifest's digest, or NULL */
	const char *config_digest;  /* the config blob's (the image ID) */
	const struct cg_image_config *cfg;
	char (*chain)[65];          /* cfg->ndiff_ids chain IDs' hex, base first */
};

/* Stage and commit images/KEY naming the layers; replaces an image of
 * that key unless a container uses it. */
int cg_image_record(const struct cg_ctx *ctx, const struct cg_image_record *r, cg_err_t *err);

#endif
