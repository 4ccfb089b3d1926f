/* safe-mount.h - mounts made onto fds with the new mount API (fsopen,
 * fsmount, open_tree, mount_setattr, move_mount; Linux 5.12+).
 *
 * Why this API and not mount(2) on "/proc/self/fd/N": the magic link is
 * resolved through whatever /proc is mounted where we stand, and the
 * 2025 runc advisories (CVE-2025-52881) showed that a mount a container
 * can influence may stand in for it. Here no path is resolved at all: the
 * target is the fd, the source is an fd, and the attributes (read-only,
 * nosuid...) are set on the detached mount before it is attached, so
 * there is no moment when a read-only bind is writable. */
#ifndef CGRUN_SAFE_MOUNT_H
#define CGRUN_SAFE_MOUNT_H

#include <stdbool.h>

#include "util.h"

/* A new FSTYPE filesystem (opts as mount(2)'s data string, or NULL) with
 * the mount flags ms_flags (MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC,
 * MS_STRICTATIME), attached on targetfd. Returns the fd of the new
 * mount's root (to resolve paths beneath it), or -1. */
int cg_mount_fs_at(int targetfd, const char *fstype, const char *opts, unsigned long ms_flags,
		   cg_err_t *err);

/* A bind of srcfd/srcpath (srcpath "" for srcfd itself; recursive: with
 * the mounts below it) with ms_flags set on the copy (recursively too),
 * attached on targetfd. */
int cg_bind_at(int srcfd, const char *srcpath, int targetfd, bool recursive,
	       unsigned long ms_flags, cg_err_t *err);

/* Set ms_flags (as above) on the mount whose root is mountfd. */
int cg_mount_set_flags(int mountfd, unsigned long ms_flags, cg_err_t *err);

/* An O_PATH fd of NAME in the host's /dev (devfd), checked to be the
 * character device MAJOR:MINOR: the source of the container's /dev nodes
 * and of every masked file (CVE-2025-31133: a /dev/null that is a link or
 * a plain file must never be bound over /proc files). */
int cg_open_host_dev(int devfd, const char *name, unsigned major, unsigned minor, cg_err_t *err);

/* fd (any kind, O_PATH too) is on a filesystem whose statfs f_type is
 * magic; 0, or -1 with a message naming what. */
int cg_check_fs_magic(int fd, unsigned long magic, const char *what, cg_err_t *err);

#endif
