/* extract-fs.h - the file system side of a layer's extraction: directories
 * resolved inside the root, things removed without following links, and the
 * per-layer state the entries share (extract-entry.c uses it). */
#ifndef CGRUN_IMAGE_EXTRACT_FS_H
#define CGRUN_IMAGE_EXTRACT_FS_H

#include <json-c/json.h>
#include <stdbool.h>
#include <time.h>

#include "layer-extract.h"
#include "util.h"

struct cg_dir_time {
	char *path; /* clean, relative to the root ("" is the root) */
	struct timespec ts[2];
};

struct cg_extract_ctx {
	int rootfd;  /* O_PATH of the root */
	const struct cg_extract_opts *o;
	/* FLATTEN: the clean paths this layer made, so an opaque directory
	 * keeps them (docker's unpackedPaths); NULL in OVERLAY mode, where
	 * the root holds only this layer. */
	json_object *made;
	/* Directory times, set once every entry is in (as tar does: making
	 * an entry inside a directory changes its mtime). */
	struct cg_dir_time *dirs;
	size_t ndirs, dirs_cap;
};

/* An O_PATH fd of the directory PATH (clean, "" the root) inside the root.
 * A symlink on the way is followed only if it stays inside without being
 * clamped: one that leads out (absolute, or up through "..") is refused,
 * though RESOLVE_IN_ROOT would keep the walk in. With create, missing
 * directories are made (0755, recorded as made by the layer). -1 with err
 * set; with !create a missing directory fails with err->code ENOENT. */
int cg_x_open_dir(struct cg_extract_ctx *x, const char *path, bool create, cg_err_t *err);

/* Make room for a new non-directory NAME: whatever is there goes (a
 * directory with its tree). */
int cg_x_make_room(int dfd, const char *name, cg_err_t *err);

/* FLATTEN: remember that the layer made PATH. */
void cg_x_made(struct cg_extract_ctx *x, const char *path);

/* FLATTEN opaque directory: remove from the directory PATH (dfd) every
 * entry the layer did not make, descending into the ones it did. */
int cg_x_empty_lower(struct cg_extract_ctx *x, int dfd, const char *path, cg_err_t *err);

/* Record a directory's times for cg_x_finish_dirs. */
void cg_x_defer_dir_times(struct cg_extract_ctx *x, const char *path, const struct timespec ts[2]);
/* Apply the recorded directory times (the deepest first). */
int cg_x_finish_dirs(struct cg_extract_ctx *x, cg_err_t *err);
void cg_x_ctx_free(struct cg_extract_ctx *x);

#endif
