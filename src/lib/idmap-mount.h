/* idmap-mount.h - a --userns=auto container's user namespace and root
 * filesystem, made from the parent's side (P in spawn.c), which alone has
 * the privileges for them:
 *
 *   P writes the init's uid_map and gid_map (0..COUNT-1 inside are the
 *     container's block outside); the init waits meanwhile.
 *   P clones each image layer (and the init layer) as a detached mount
 *     idmapped with the container's user namespace (open_tree +
 *     mount_setattr(MOUNT_ATTR_IDMAP)): files owned by root on disk show
 *     as the block's first id, which is root inside. Never chown -R.
 *   P enters the init's mount namespace for a moment, puts each idmapped
 *     layer over the layer's own path there, and mounts the overlay from
 *     them (overlayfs takes its layers from attached mounts of the
 *     mounting process's namespace until Linux 6.15). The overlay is
 *     mounted with P's credentials, as without a user namespace: the
 *     upper directory belongs to the block's first id, so the container's
 *     root writes there as itself.
 *   P sends the init, over the sync socket, an fd of the overlay's root
 *     and a detached bind mount of each volume's source, which the init,
 *     whose ids no longer open the store's private directories, mounts by
 *     fd. */
#ifndef CGRUN_IDMAP_MOUNT_H
#define CGRUN_IDMAP_MOUNT_H

#include <sys/types.h>

#include "rootfs.h"
#include "subid.h"
#include "util.h"

/* Parent: all of the above for child (cloned with CLONE_NEWUSER and
 * waiting for the message on sock). layers: the raw lower directories,
 * r->lowerdirs' order, NULL-terminated. */
int cg_idmap_prepare(pid_t child, const struct cg_idmap *m, const char *const *layers,
		     const struct cg_rootfs *r, int sock, cg_err_t *err);
/* Child: take the message: *rootfd and nvolumes fds in volfds. */
int cg_idmap_receive(int sock, size_t nvolumes, int *rootfd, int *volfds, cg_err_t *err);
/* Child (the init, or exec's middle process after setns): become the
 * namespace's root, that is the block's first id on the host, with no
 * supplementary groups. Until then it is still the host's root for file
 * permissions, though its capabilities hold only in its namespace. */
int cg_idmap_become_root(cg_err_t *err);

/* Pure: the name of a filesystem from statfs(2)'s f_type, for messages
 * ("ext4", "tmpfs", ...); NULL when unknown. */
const char *cg_fs_type_name(unsigned long magic);

#endif
