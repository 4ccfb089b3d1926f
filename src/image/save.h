/* save.h - `cgrun image save`: images of the store as an OCI image layout
 * in a tar (oci-layout, index.json, blobs/sha256/), with docker save's
 * manifest.json beside it, as docker 25 writes: podman load, skopeo
 * (oci-archive: and docker-archive:), docker load and cgrun image load
 * read it. */
#ifndef CGRUN_IMAGE_SAVE_H
#define CGRUN_IMAGE_SAVE_H

#include <stddef.h>

#include "util.h"

struct cg_ctx;

/* Write the images named (as run names them) as one tar to fd. Layers are
 * written uncompressed, made from the store's extracted layers (an
 * imported image is one layer, its rootfs). */
int cg_image_save(const struct cg_ctx *ctx, const char *const *names, size_t n, int fd, cg_err_t *err);

#endif
