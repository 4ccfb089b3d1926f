/* layer-tar.h - a layer's tar made from a directory of the store: an
 * extracted layer's diff/ (overlay whiteouts back to .wh. entries) or an
 * imported image's rootfs. libarchive's writer makes the tar (pax);
 * the walk and the entries are ours. */
#ifndef CGRUN_IMAGE_LAYER_TAR_H
#define CGRUN_IMAGE_LAYER_TAR_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/* Where the tar's bytes go: 0, or -1 with err set to stop. */
typedef int (*cg_tar_sink)(void *arg, const void *buf, size_t n, cg_err_t *err);

/* Write the tree under dirfd as a tar through sink. Deterministic: names
 * in byte order, a directory before what it holds, no user or group
 * names, no atimes, the same bytes for the same tree. Owners, modes,
 * mtimes, hard links and the extended attributes a layer may carry
 * (tar-path.h: security.capability, user.*) are kept. overlay: a
 * character device 0:0 is the whiteout .wh.NAME and a directory with
 * trusted.overlay.opaque=y gets .wh..wh..opq. */
int cg_layer_tar(int dirfd, bool overlay, cg_tar_sink sink, void *arg, cg_err_t *err);

#endif
