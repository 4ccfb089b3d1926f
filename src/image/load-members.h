/* load-members.h - the members of an image archive, read in one pass
 * (load.c says why this way): each member that looks like a layer (a tar
 * header, or gzip/zstd/xz magic) extracted as it streams by into a scratch
 * directory of its own, each small one (a manifest, a config) kept in
 * memory, links remembered; every member's sha256 taken. Member names are
 * only ever looked up here, never made into paths. */
#ifndef CGRUN_IMAGE_LOAD_MEMBERS_H
#define CGRUN_IMAGE_LOAD_MEMBERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "sha256.h"
#include "util.h"

#define CG_MEMBER_SMALL_MAX (8u << 20)  /* a member kept in memory (a manifest, a config) */
#define CG_MEMBERS_BUF (64 * 1024)

enum cg_member_kind {
	CG_MEMBER_SMALL,  /* in memory */
	CG_MEMBER_LAYER,  /* extracted as it went by (or failed to: error) */
	CG_MEMBER_OTHER,  /* large and no tar: skipped */
	CG_MEMBER_LINK,   /* a symbolic or hard link to another member */
};

struct cg_member {
	char *name;                           /* clean */
	enum cg_member_kind kind;
	char digest[CG_SHA256_DIGEST_LEN];    /* of its bytes (SMALL, LAYER) */
	int64_t size;
	char *data;                           /* SMALL: NUL-terminated */
	size_t len;
	char *link;                           /* LINK: the member it names */
	char *dir;                            /* LAYER: the scratch holding diff/, until placed */
	char diff_id[CG_SHA256_DIGEST_LEN];
	uint64_t tar_bytes;
	char *error;                          /* LAYER: why it is no layer */
	char placed[65];                      /* the chain ID's hex it was placed as, "" */
};

struct cg_members {
	char *scratch;                        /* <store>/layers/.tmp-load-<pid>: the layers' scratch */
	unsigned nscratch;
	struct cg_member *m;
	size_t n, cap;
	json_object *index;                   /* name -> position in m */
	size_t small_total;
	unsigned char buf[CG_MEMBERS_BUF];
};

/* Make the scratch directory (a new one: what was there goes). */
int cg_members_init(struct cg_members *ms, const char *scratch, cg_err_t *err);
/* Remove the scratch directory (with the layers not placed) and free. */
void cg_members_free(struct cg_members *ms);
/* Read the archive from fd, to its end. A member named with ".." or an
 * absolute path, or twice, is an error. */
int cg_members_read(struct cg_members *ms, int fd, cg_err_t *err);

/* The member NAME (clean), or NULL. */
struct cg_member *cg_members_find(struct cg_members *ms, const char *name);
/* The same with links followed; NULL and err ("WHAT 'NAME' is not in the
 * archive") when missing. */
struct cg_member *cg_members_resolve(struct cg_members *ms, const char *name, const char *what, cg_err_t *err);
/* A member NAME says the digest of ("blobs/sha256/HEX", legacy
 * "HEX.json") must have it. */
int cg_member_check_digest(const struct cg_member *m, const char *name, cg_err_t *err);
/* An in-memory member extracted as a layer (docker's empty layer). */
int cg_members_extract_small(struct cg_members *ms, struct cg_member *m, cg_err_t *err);
/* A new scratch directory *dir with diff/ in it; returns diff/'s O_PATH fd. */
int cg_members_scratch(struct cg_members *ms, char **dir, cg_err_t *err);

#endif
