/* image.h - the local image store: import, list, remove, look up. */
#ifndef CGRUN_IMAGE_H
#define CGRUN_IMAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

struct cg_image {
	char *name;
	char *dir;        /* <store>/images/<name> */
	char *rootfs;     /* <dir>/rootfs */
	char **cmd;       /* default command, NULL-terminated, may be NULL */
	char *source;
	long long created;
	unsigned long long size;  /* filled by cg_image_list only */
};

struct cg_ctx;

int cg_image_lookup(const struct cg_ctx *ctx, const char *name, struct cg_image *img, cg_err_t *err);
/* SOURCE: a directory, or a tar archive (.tar, .tar.gz, .tar.xz, .tar.zst).
 * replace: an image of that name is replaced in one step, unless a
 * container uses it (ctx->image_user, asked just before the swap); else it
 * is an error. */
int cg_image_import(const struct cg_ctx *ctx, const char *name, const char *source, bool replace, cg_err_t *err);
/* A minimal image from a static busybox binary. */
int cg_image_import_busybox(const struct cg_ctx *ctx, const char *name, const char *busybox, bool replace, cg_err_t *err);
int cg_image_list(const struct cg_ctx *ctx, struct cg_image **out, size_t *n, cg_err_t *err);
/* Refused while a container uses it (ctx->image_user). */
int cg_image_remove(const struct cg_ctx *ctx, const char *name, cg_err_t *err);
void cg_image_free(struct cg_image *img);

#endif
