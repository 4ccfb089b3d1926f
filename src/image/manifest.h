/* manifest.h - image manifests and indexes (docker schema2, docker
 * manifest lists, OCI image manifests and indexes) and the choice of a
 * platform's manifest from an index. Schema1 is refused. */
#ifndef CGRUN_MANIFEST_H
#define CGRUN_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "platform.h"
#include "util.h"

#define CG_MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define CG_MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define CG_MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define CG_MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define CG_MT_DOCKER_CONFIG "application/vnd.docker.container.image.v1+json"
#define CG_MT_OCI_CONFIG "application/vnd.oci.image.config.v1+json"
/* The Accept header of a manifest request: every kind parsed here. */
#define CG_MANIFEST_ACCEPT \
	CG_MT_OCI_INDEX ", " CG_MT_DOCKER_LIST ", " CG_MT_OCI_MANIFEST ", " CG_MT_DOCKER_MANIFEST

enum { CG_MF_IMAGE = 1, CG_MF_INDEX = 2 };

/* A layer's compression, from its media type. */
enum cg_layer_compression { CG_COMP_NONE = 0, CG_COMP_GZIP, CG_COMP_ZSTD };

struct cg_descriptor {
	char *media_type;
	char *digest;                 /* valid per cg_digest_valid */
	int64_t size;                 /* >= 0 */
	char *os, *arch, *variant;    /* platform, index entries only (NULL when absent) */
	bool attestation;             /* index entry: vnd.docker.reference.type=attestation-manifest,
					 or platform unknown/unknown (buildkit's) */
	/* Layers only: */
	enum cg_layer_compression compression;
	bool foreign;                 /* docker foreign / OCI non-distributable layer */
	char **urls;                  /* where a foreign layer may be fetched; NULL-terminated or NULL */
};

struct cg_manifest {
	int kind;                     /* CG_MF_IMAGE or CG_MF_INDEX */
	char *media_type;             /* the document's own, else the content type's, else OCI's */
	struct cg_descriptor config;  /* CG_MF_IMAGE */
	struct cg_descriptor *layers; /* CG_MF_IMAGE, base layer first */
	size_t nlayers;
	struct cg_descriptor *entries; /* CG_MF_INDEX */
	size_t nentries;
};

/* content_type: the response's Content-Type (parameters allowed), or NULL.
 * The kind is told by the content type, then the document's mediaType,
 * then its fields; a manifest served as an index (or the reverse) is
 * refused, as containerd does. */
int cg_manifest_parse(const char *body, size_t len, const char *content_type, struct cg_manifest *m,
		      cg_err_t *err);
void cg_manifest_free(struct cg_manifest *m);

/* The image manifest of an index for a platform (variant may be NULL),
 * matched as containerd's platforms.Only (platform.h). Attestations and
 * entries that are not image manifests are skipped. NULL and an error
 * listing the platforms there are when none matches. */
const struct cg_descriptor *cg_index_pick(const struct cg_manifest *idx, const char *os,
					  const char *arch, const char *variant, cg_err_t *err);

#endif
