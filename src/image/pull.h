/* pull.h - `cgrun pull`: an image from a registry into the image store, in
 * one streaming pass per layer (socket -> sha256 -> decompression ->
 * diff_id sha256 -> tar reader -> extractor), nothing half-written visible. */
#ifndef CGRUN_PULL_H
#define CGRUN_PULL_H

#include <stdbool.h>
#include <stdio.h>

#include "util.h"

struct cg_ctx;

struct cg_pull_opts {
	const char *platform;   /* "OS/ARCH[/VARIANT]"; NULL: the host's */
	bool tls_verify;        /* false: --tls-verify=false */
	const char *ca_file;    /* an extra CA bundle (CGRUN_REGISTRY_CA), or NULL */
	const char *registries_conf; /* insecure registries (registries-conf.h), or NULL */
	bool quiet;             /* no progress, only the image's id at the end */
	/* The auth files to read, NULL-terminated (may be empty: none); NULL:
	 * the caller's own, looked up as podman does (credentials.h). cgrund
	 * pulling for another user gives that user's file, never root's. */
	const char *const *creds_files;
	FILE *out;              /* progress and the final lines (stderr / stdout) */
};

/* Pull ref (docker's short forms allowed) into ctx's store. An image
 * already there with the manifest the registry now names is kept: that
 * costs one manifest request. *name (may be NULL) gets the name the
 * image is stored under (the canonical reference). */
int cg_pull(const struct cg_ctx *ctx, const char *ref, const struct cg_pull_opts *o, char **name,
	    cg_err_t *err);

#endif
