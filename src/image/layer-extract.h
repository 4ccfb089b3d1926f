/* layer-extract.h - one image layer, streamed from an fd into a directory.
 *
 * The layer blob (gzip, zstd or plain tar) is read once, never seeked;
 * it is decompressed here (zlib, libzstd) so the uncompressed bytes can be
 * hashed into the layer's diff_id while libarchive's tar reader parses
 * them, and every entry is created by our own code relative to the root's
 * fd: parents resolved with openat2(RESOLVE_IN_ROOT), the last component
 * made with *at calls that never follow a symlink. A layer that tries to
 * leave the root (absolute names, "..", writes through a link leading
 * out, hardlinks to outside files, device nodes) fails as a whole with a
 * message naming the entry. Memory is fixed buffers whatever the layer's
 * size (FLATTEN mode also keeps the names the layer made, see below). */
#ifndef CGRUN_IMAGE_LAYER_EXTRACT_H
#define CGRUN_IMAGE_LAYER_EXTRACT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "util.h"

enum cg_extract_mode {
	/* The layer goes into a directory of its own (one overlay lowerdir):
	 * .wh.NAME becomes a character device 0:0 named NAME, .wh..wh..opq
	 * the xattr trusted.overlay.opaque=y on its directory. */
	CG_EXTRACT_OVERLAY,
	/* The layer is applied onto the lower layers already extracted in
	 * the same directory: .wh.NAME deletes NAME (the whole tree, never
	 * leaving the root), .wh..wh..opq empties its directory of what
	 * earlier layers put there (what this layer put there is kept,
	 * whichever comes first in the tar). */
	CG_EXTRACT_FLATTEN,
};

struct cg_extract_opts {
	int mode;        /* enum cg_extract_mode */
	bool keep_owner; /* chown entries to the tar's owners (needs root) */
	uid_t uid_shift; /* added to every owner when keep_owner (0: none) */
	gid_t gid_shift;
};

struct cg_extract_stats {
	uint64_t compressed_bytes; /* read from in_fd */
	uint64_t tar_bytes;        /* after decompression, trailing bytes included */
	unsigned entries;          /* tar entries seen */
};

/* Extract the layer read from in_fd into the directory rootfd. diff_id
 * receives "sha256:<hex>" of the whole uncompressed stream (any bytes
 * after the tar's end included); st (may be NULL) the counts. On failure
 * the root may hold part of the layer (the caller extracts into a
 * scratch directory and removes it), never anything outside it. */
int cg_layer_extract_fd(int rootfd, int in_fd, const struct cg_extract_opts *o, char diff_id[72],
			struct cg_extract_stats *st, cg_err_t *err);

#endif
