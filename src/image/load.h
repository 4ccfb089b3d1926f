/* load.h - `cgrun image load`: a docker save archive (manifest.json, legacy
 * or with blobs/) or an OCI image layout in a tar (index.json), plain or
 * gzip/zstd/xz-compressed, into the layered store. */
#ifndef CGRUN_IMAGE_LOAD_H
#define CGRUN_IMAGE_LOAD_H

#include <stdbool.h>
#include <stdio.h>

#include "util.h"

struct cg_ctx;

struct cg_load_opts {
	const char *source;  /* what image.json records as the source ("-" for stdin) */
	bool quiet;          /* no line per layer on out */
	FILE *out;           /* progress lines */
	/* Called once per image name stored ("docker.io/library/x:1"), or
	 * with id "sha256:..." and name NULL for an image the archive names
	 * not (stored under its ID's hex). */
	void (*loaded)(void *arg, const char *name, const char *id);
	void *arg;
};

/* Read the archive from fd (never seeked) and store its images. Every
 * layer is verified against its config, and every blob against its
 * digest, before any is placed in the store: a bad archive leaves nothing
 * in it. A failure while storing (a full disk, a name whose image a
 * container uses) may leave placed layers, which image prune collects. */
int cg_image_load(const struct cg_ctx *ctx, int fd, const struct cg_load_opts *o, cg_err_t *err);

#endif
