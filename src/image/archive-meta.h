/* archive-meta.h - the documents of an image archive, pure: docker save's
 * manifest.json, an OCI layout's index.json (with the names its
 * annotations give), and the member names they point at. No system calls:
 * unit-tested in tests/unit/test_archive_meta.c. */
#ifndef CGRUN_IMAGE_ARCHIVE_META_H
#define CGRUN_IMAGE_ARCHIVE_META_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define CG_ANNOT_REF_NAME "org.opencontainers.image.ref.name"
#define CG_ANNOT_CONTAINERD_NAME "io.containerd.image.name"

/* One entry of docker save's manifest.json. */
struct cg_docker_entry {
	char *config;   /* the config's member name, clean (cg_tar_path_clean) */
	char **layers;  /* the layers' member names, clean, base first, NULL-terminated */
	size_t nlayers;
	char **names;   /* RepoTags, canonical references (imgref.h), NULL-terminated; NULL when none */
};

/* manifest.json: an array of entries; every member name must stay inside
 * the archive and every RepoTags entry be a reference. */
int cg_docker_manifest_parse(const char *body, size_t len, struct cg_docker_entry **out, size_t *n,
			     cg_err_t *err);
void cg_docker_entries_free(struct cg_docker_entry *v, size_t n);

/* One entry of an OCI layout's index.json. */
struct cg_layout_entry {
	char *media_type; /* NULL when absent */
	char *digest;     /* valid per cg_digest_valid */
	int64_t size;
	char *name;       /* the canonical reference its annotations give (cg_layout_name), or NULL */
};

int cg_layout_index_parse(const char *body, size_t len, struct cg_layout_entry **out, size_t *n,
			  cg_err_t *err);
void cg_layout_entries_free(struct cg_layout_entry *v, size_t n);

/* The image name an index entry's annotations give, canonical
 * ("docker.io/library/busybox:latest"), or NULL for none:
 * io.containerd.image.name (docker's and containerd's full name) first,
 * then org.opencontainers.image.ref.name when it is a whole reference (it
 * has a '/', ':' or '@'); a bare ref.name ("latest", "v1") is only a tag
 * within the layout, with no repository to name the image by. Either may
 * be NULL. An annotation that is no valid reference is an error. */
int cg_layout_name(const char *containerd_name, const char *ref_name, char **out, cg_err_t *err);

/* "blobs/sha256/<hex>" of a valid digest, NULL for an invalid one. */
char *cg_layout_blob_member(const char *digest);

/* The member a symbolic link in the archive points at: target resolved
 * against the directory of the link's own member name (both clean), ".."
 * taken lexically; NULL when it is absolute or climbs out of the archive. */
char *cg_archive_link_target(const char *member, const char *target);

#endif
