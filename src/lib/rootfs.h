/* rootfs.h - the container's mount namespace: overlay root, /proc, /sys,
 * /dev, cgroup view, volumes, masked paths, pivot_root. Runs in the child. */
#ifndef CGRUN_ROOTFS_H
#define CGRUN_ROOTFS_H

#include <stdbool.h>

#include "cgroup.h"
#include "parse.h"
#include "util.h"

struct cg_rootfs {
	const char *lowerdirs;     /* "init:layer:...", top first, each escaped (cg_overlay_escape) */
	const char *lower_base;    /* relative lowerdirs (the image's "l/LINK" short links)
				    * are relative to it: the overlay is mounted from there */
	const char *upperdir;
	const char *workdir;
	const char *target;        /* where the overlay is mounted (in our mount ns only) */
	const struct volume_spec *volumes;
	size_t nvolumes;
	const struct cg_cgroup *cgroup;
	bool privileged;           /* no masked paths, /sys writable */
	bool ephemeral;            /* the upper layer is deleted at exit (--rm) */
	/* --userns=auto (idmap-mount.h): the overlay is mounted on target
	 * already, and each volume is a detached mount to attach by fd. */
	bool premounted;
	const int *volume_fds;
};

/* Must run in a fresh mount namespace (and the container's PID, net and
 * cgroup namespaces), in two steps: prepare mounts everything in the new
 * root but the view of the container's cgroup; enter mounts that view (the
 * cgroup must exist by then) and pivots into the new root. Between them a
 * child whose scope systemd is still making waits for it: the mounts are
 * made meanwhile instead of after. */
int cg_rootfs_prepare(const struct cg_rootfs *r, cg_err_t *err);
int cg_rootfs_enter(const struct cg_rootfs *r, cg_err_t *err);

/* mount(2) the overlay on r->target with opts, from r->lower_base when
 * set (relative lowerdirs); a too long option is a clear E2BIG. */
int cg_overlay_mount(const struct cg_rootfs *r, const char *opts, cg_err_t *err);

/* A path as overlayfs options take it: a backslash before every '\\', ':'
 * (lowerdir's separator) and ',' (the options'). Pure; the caller frees. */
char *cg_overlay_escape(const char *path);

/* Paths docker masks (hidden) and makes read-only in /proc and /sys
 * (rootfs-paths.h), NULL-terminated. */
extern const char *const cg_masked_paths[];
extern const char *const cg_readonly_paths[];

#endif
