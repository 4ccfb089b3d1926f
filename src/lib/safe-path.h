/* safe-path.h - finding and creating mount targets inside a container's
 * root filesystem without ever leaving it.
 *
 * The image and the volumes' contents are the container's to shape: any
 * component of a target path may be a symlink ("/data" -> "/../../etc"),
 * and a container sharing a volume may swap a directory for one while
 * cgrun resolves it (CVE-2021-30465). Every target is therefore opened
 * with openat2(RESOLVE_IN_ROOT) from an fd of the root, so ".." and
 * absolute links stop at the container's root, and the mount is made on
 * the fd, never on a path string walked again later. */
#ifndef CGRUN_SAFE_PATH_H
#define CGRUN_SAFE_PATH_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "util.h"

/* openat2(rootfd, path, flags|O_CLOEXEC) with RESOLVE_IN_ROOT |
 * RESOLVE_NO_MAGICLINKS | extra. The fd, or -1 with errno set. */
int cg_open_in_root(int rootfd, const char *path, int flags, uint64_t extra);

/* The same with RESOLVE_BENEATH instead of IN_ROOT: for paths inside a
 * mount of our own (its fsmount fd), which may not even point elsewhere. */
int cg_open_beneath(int dirfd, const char *path, int flags, uint64_t extra);

/* mkdir -p of path inside root (the last component an empty file when
 * file is set), each component created in its parent's resolved fd.
 * Returns an O_PATH fd of the result. */
int cg_mkpath_in_root(int rootfd, const char *path, bool file, cg_err_t *err);

/* An O_PATH fd of the directory NAME (one component) in root, made (with
 * mode) when missing: where /proc, /sys or /dev is mounted. A symlink or
 * anything but a directory there is refused with a message naming /NAME:
 * mounting through an image's link would put the filesystem wherever the
 * image points (in our mount namespace, before the pivot, that is the
 * host's tree). */
int cg_open_mountpoint_dir(int rootfd, const char *name, mode_t mode, cg_err_t *err);

/* An O_PATH fd of /dev/console inside root, created as an empty regular
 * file when missing: no symlink anywhere on the way, and only a regular
 * file or a character device accepted (CVE-2025-52565: a console bind
 * through a link lands on whatever it names, /proc/sysrq-trigger say). */
int cg_open_console_target(int rootfd, cg_err_t *err);

/* Pure. PATH relative to the directory TOP ("/proc/kcore", "/proc" ->
 * "kcore"), or NULL when PATH is not strictly below TOP. */
const char *cg_path_under(const char *path, const char *top);

#endif
