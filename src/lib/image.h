/* image.h - the local image store: import, list, remove, look up. */
#ifndef CGRUN_IMAGE_H
#define CGRUN_IMAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/* overlayfs takes at most 500 lower directories; the init layer is one. */
#define CG_MAX_LAYERS 256

struct cg_image {
	char *name;
	char *dir;        /* <store>/images/<name> */
	char *rootfs;     /* imported (and old flattened) images: <dir>/rootfs; layered: NULL */
	char **layers;    /* layered (pulled): chain IDs' hex, bottom first, NULL-terminated */
	char **lowers;    /* the lower directories, top first, NULL-terminated: the
			   * layers' diff dirs, or { rootfs } */
	char *lowerdirs;  /* the overlay's lowerdir value for them, top first, escaped:
			   * "l/LINK:..." relative to the store directory, or rootfs */
	char *config_digest; /* pulled: the config blob's digest (the image ID) */
	long long image_created; /* pulled: the config's created time, 0 unknown */
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
	const char *const *layers;  /* pulled: chain IDs' hex, bottom first */
	const char *config_digest;  /* pulled: the config blob's digest */
	long long image_created;    /* pulled: the config's created time */
};

/* The store's key (directory name) of a pulled image: its canonical
 * reference with '/' made '+' and ':' made '=' (neither can be in a
 * reference or an imported image's name, so keys never collide). */
char *cg_image_dirname(const char *canonical);
/* The key of the image name means (an imported name first, then name as
 * a reference), or NULL when there is none. */
char *cg_image_resolve(const struct cg_ctx *ctx, const char *name);
/* A staging directory <images>/.tmp-KEY-PID (with rootfs/ in it when
 * with_rootfs), for an image to be built in and then committed under KEY
 * in one rename (an image of that key is replaced, unless a container uses
 * it). A layered image's record (m->layers) is all it holds. */
int cg_image_stage(const struct cg_ctx *ctx, const char *key, bool with_rootfs, char **tmp, cg_err_t *err);
int cg_image_commit(const struct cg_ctx *ctx, const char *key, const char *tmp, const struct cg_image_meta *m,
		    cg_err_t *err);
/* Remove what killed imports and pulls left behind. */
void cg_image_stage_clean(const struct cg_ctx *ctx);

/* <store>/blobs/sha256/<hex> (manifests and configs, their exact bytes). */
char *cg_blob_path(const struct cg_ctx *ctx, const char *digest);
int cg_blob_put(const struct cg_ctx *ctx, const char *digest, const char *data, size_t len, cg_err_t *err);

struct cg_gc_stats {
	unsigned layers, blobs, leftovers;
	unsigned long long bytes; /* the removed layers' recorded sizes */
};
/* Remove the layers and blobs no image records, dangling short links, lock
 * files of absent layers and the .tmp-/.rm- entries of dead processes.
 * wait: wait for running pulls to end; else, while one runs, collect
 * nothing (returns 0, st->... zero). st may be NULL. */
int cg_image_gc(const struct cg_ctx *ctx, bool wait, struct cg_gc_stats *st, cg_err_t *err);

#endif
