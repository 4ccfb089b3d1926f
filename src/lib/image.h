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
	char **entrypoint; /* pulled: the config's Entrypoint, put before the command; or NULL */
	char *source;
	char *digest;     /* pulled images: the manifest's digest, else NULL */
	char **env;       /* pulled: the config's Env (NULL-terminated), or NULL */
	char *workdir;    /* pulled: the config's WorkingDir, or NULL */
	char *user;       /* pulled: the config's User, or NULL */
	char *stop_signal; /* pulled: the config's StopSignal ("SIGUSR1", "10"), or NULL */
	char **labels;    /* pulled: the config's Labels as "k=v", or NULL */
	char **exposed_ports; /* pulled: the config's ExposedPorts ("8080/tcp"), or NULL */
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

/* What image.json records of an image. */
struct cg_image_meta {
	const char *name;           /* as image ls shows it */
	const char *source;         /* where it came from: a path, or REF@DIGEST */
	const char *const *cmd;     /* the default command (pulled: the config's Cmd) */
	const char *const *entrypoint; /* pulled: the config's Entrypoint */
	const char *digest;         /* pulled: the manifest's digest */
	const char *const *env;     /* pulled: the config's Env */
	const char *workdir, *user; /* pulled: the config's WorkingDir, User */
	const char *stop_signal;    /* pulled: the config's StopSignal */
	const char *const *labels;  /* pulled: the config's Labels, "k=v" */
	const char *const *exposed_ports; /* pulled: the config's ExposedPorts */
};

/* The store's key (directory name) of a pulled image: its canonical
 * reference with '/' made '+' and ':' made '=' (neither can be in a
 * reference or an imported image's name, so keys never collide). */
char *cg_image_dirname(const char *canonical);
/* The key of the image name means (an imported name first, then name as
 * a reference), or NULL when there is none. */
char *cg_image_resolve(const struct cg_ctx *ctx, const char *name);
/* A staging directory <images>/.tmp-KEY-PID with rootfs/ in it, for an
 * image to be built in and then committed under KEY in one rename (an
 * image of that key is replaced, unless a container uses it). */
int cg_image_stage(const struct cg_ctx *ctx, const char *key, char **tmp, cg_err_t *err);
int cg_image_commit(const struct cg_ctx *ctx, const char *key, const char *tmp, const struct cg_image_meta *m,
		    cg_err_t *err);
/* Remove what killed imports and pulls left behind. */
void cg_image_stage_clean(const struct cg_ctx *ctx);

#endif
