/* idmap-mount.c - a --userns=auto container's maps, idmapped layers,
 * overlay and volume mounts, made from the parent's side (see
 * idmap-mount.h). */
#include "config.h"

#include "idmap-mount.h"
#include "image.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/magic.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>

#define MAX_VOLUME_FDS 250 /* below SCM_MAX_FD (253) with the root's fd */

const char *cg_fs_type_name(unsigned long magic)
{
	static const struct {
		unsigned long magic;
		const char *name;
	} names[] = {
		{ EXT4_SUPER_MAGIC, "ext4" }, { XFS_SUPER_MAGIC, "xfs" }, { BTRFS_SUPER_MAGIC, "btrfs" },
		{ TMPFS_MAGIC, "tmpfs" }, { OVERLAYFS_SUPER_MAGIC, "overlay" }, { NFS_SUPER_MAGIC, "nfs" },
		{ V9FS_MAGIC, "9p" }, { 0x65735546UL, "fuse" }, { MSDOS_SUPER_MAGIC, "vfat" },
		{ 0x2fc12fc1UL, "zfs" }, { PROC_SUPER_MAGIC, "proc" }, { SYSFS_MAGIC, "sysfs" },
		{ 0x6a656a63UL, "fakeowner" }, { 0xf2f52010UL, "f2fs" }, { SQUASHFS_MAGIC, "squashfs" },
		{ 0xff534d42UL, "cifs" }, { RAMFS_MAGIC, "ramfs" }, { 0x9fa0UL, "proc" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].magic == magic)
			return names[i].name;
	return NULL;
}

/* "ext4", or "filesystem 0x..." for one we do not know by name. */
static void fs_type_of(const char *path, char *buf, size_t len)
{
	struct statfs sf;
	const char *n;

	if (statfs(path, &sf) < 0) {
		snprintf(buf, len, "unknown");
		return;
	}
	n = cg_fs_type_name((unsigned long)sf.f_type);
	if (n)
		snprintf(buf, len, "%s", n);
	else
		snprintf(buf, len, "0x%lx", (unsigned long)sf.f_type);
}

static int write_map(pid_t child, const char *file, uint32_t first, uint32_t count, cg_err_t *err)
{
	char path[64], line[64];
	cleanup_close int fd = -1;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)child, file);
	cg_idmap_line(first, count, line, sizeof(line));
	n = strlen(line);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, line, n) != (ssize_t)n)
		return cg_error(err, errno, "writing the container's %s (%s)", file, line);
	return 0;
}

/* A detached clone of layer, idmapped with the user namespace usernsfd. */
static int idmapped_layer(const char *layer, int usernsfd, cg_err_t *err)
{
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)usernsfd };
	int fd = (int)syscall(SYS_open_tree, AT_FDCWD, layer, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	char type[32];

	if (fd < 0 && errno == ENOSYS)
		return cg_error(err, errno, "--userns=auto: this kernel has no open_tree (Linux 5.12 or later is needed for idmapped mounts); use --userns=host");
	if (fd < 0)
		return cg_error(err, errno, "--userns=auto: open_tree %s", layer);
	if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH, &attr, sizeof(attr)) == 0)
		return fd;
	int e = errno;

	close(fd);
	if (e == ENOSYS)
		return cg_error(err, e, "--userns=auto: this kernel has no mount_setattr (Linux 5.12 or later is needed for idmapped mounts); use --userns=host");
	fs_type_of(layer, type, sizeof(type));
	if (e == EINVAL || e == EPERM || e == EOPNOTSUPP)
		return cg_error(err, e, "--userns=auto: %s is on a %s filesystem, which this kernel cannot idmap (mount_setattr MOUNT_ATTR_IDMAP), so its files cannot be shown to the container as its own; keep the store (CGRUN_STORE_DIR) on ext4, xfs or btrfs, or use --userns=host",
				layer, type);
	return cg_error(err, e, "--userns=auto: idmapping %s (%s)", layer, type);
}

/* A detached bind of a volume's source, nodev and nosuid (read-only if
 * asked) as every volume is. Not idmapped unless asked (-v ...:idmap):
 * then the container's ids are the host's on it, its root writing as the
 * host's root, which only a trusted container should get. Without it what
 * the container writes there is its block's on the host, and the host's
 * own files keep their owners. */
static int volume_tree(const struct volume_spec *v, int usernsfd, cg_err_t *err)
{
	struct mount_attr attr = {
		.attr_set = MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID | (v->readonly ? MOUNT_ATTR_RDONLY : 0),
	};
	struct mount_attr idmap = { .attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)usernsfd };
	int fd = (int)syscall(SYS_open_tree, AT_FDCWD, v->src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	char type[32];

	if (fd < 0)
		return cg_error(err, errno, "volume source %s", v->src);
	/* Every mount of the tree idmapped; the flags on its top, as a bind's. */
	if (v->idmap && syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &idmap, sizeof(idmap)) < 0) {
		int e = errno;

		close(fd);
		fs_type_of(v->src, type, sizeof(type));
		return cg_error(err, e, "volume %s:%s: %s is on a %s filesystem (or holds a mount of one) that this kernel cannot idmap; drop ':idmap'",
				v->src, v->dst, v->src, type);
	}
	if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0) {
		int e = errno;

		close(fd);
		return cg_error(err, e, "volume %s:%s", v->src, v->dst);
	}
	return fd;
}

static char *overlay_options(const struct cg_rootfs *r)
{
	cleanup_free char *upper = cg_overlay_escape(r->upperdir), *work = cg_overlay_escape(r->workdir);

	return xasprintf("lowerdir=%s,upperdir=%s,workdir=%s%s", r->lowerdirs, upper, work,
			 r->ephemeral ? ",volatile" : "");
}

/* In the child's mount namespace: each idmapped layer over its own path,
 * the overlay from them; its root's fd. */
static int mount_there(const char *const *layers, const int *lfds, const struct cg_rootfs *r, cg_err_t *err)
{
	cleanup_free char *opts = overlay_options(r);
	int fd;

	for (size_t i = 0; layers[i]; i++)
		if (syscall(SYS_move_mount, lfds[i], "", AT_FDCWD, layers[i], MOVE_MOUNT_F_EMPTY_PATH) < 0)
			return cg_error(err, errno, "--userns=auto: mounting the idmapped %s", layers[i]);
	if (cg_overlay_mount(r, opts, err) < 0)
		return cg_error_wrap(err, "over idmapped layers");
	fd = open(r->target, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return cg_error(err, errno, "open %s", r->target);
	return fd;
}

/* mount_there in child's mount namespace, and back into ours, with our
 * root and working directory as they were. We are single-threaded (setns
 * of a mount namespace refuses a process sharing its fs with another). */
static int mount_in_child_ns(pid_t child, const char *const *layers, const int *lfds, const struct cg_rootfs *r,
			     cg_err_t *err)
{
	char path[64];
	cleanup_close int ours = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	cleanup_close int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	cleanup_close int cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	cleanup_close int theirs = -1;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)child);
	theirs = open(path, O_RDONLY | O_CLOEXEC);
	if (ours < 0 || root < 0 || cwd < 0 || theirs < 0)
		return cg_error(err, errno, "opening the mount namespaces");
	if (setns(theirs, CLONE_NEWNS) < 0)
		return cg_error(err, errno, "entering the container's mount namespace");
	fd = mount_there(layers, lfds, r, err);
	/* Cannot fail for a namespace we were in a moment ago; if it did we
	 * would go on in the container's: stop instead. */
	if (setns(ours, CLONE_NEWNS) < 0 || fchdir(root) < 0 || chroot(".") < 0 || fchdir(cwd) < 0)
		abort();
	return fd;
}

static int send_fds(int sock, const int *fds, size_t n, cg_err_t *err)
{
	size_t sz = CMSG_SPACE(sizeof(int) * n);
	cleanup_free char *cbuf = xcalloc(1, sz);
	struct iovec iov = { .iov_base = "M", .iov_len = 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sz };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int) * n);
	memcpy(CMSG_DATA(cm), fds, sizeof(int) * n);
	if (sendmsg(sock, &mh, MSG_NOSIGNAL) < 0)
		return cg_error(err, errno, "sending the container its root filesystem");
	return 0;
}

int cg_idmap_prepare(pid_t child, const struct cg_idmap *m, const char *const *layers,
		     const struct cg_rootfs *r, int sock, cg_err_t *err)
{
	size_t nl = 0, nv = r->nvolumes;
	char path[64];
	cleanup_close int userns = -1;
	int ret = -1, lfds[CG_MAX_LAYERS + 1], fds[MAX_VOLUME_FDS + 1];
	size_t nfds = 0;

	while (layers[nl])
		nl++;
	if (nl > ARRAY_SIZE(lfds))
		return cg_error(err, E2BIG, "--userns=auto: too many layers (%zu)", nl);
	if (nv > MAX_VOLUME_FDS)
		return cg_error(err, E2BIG, "--userns=auto: at most %d volumes", MAX_VOLUME_FDS);
	/* Written by us, privileged in the parent namespace: setgroups stays
	 * allowed inside, for the command's user switch. */
	if (write_map(child, "uid_map", m->uid, m->count, err) < 0 ||
	    write_map(child, "gid_map", m->gid, m->count, err) < 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)child);
	userns = open(path, O_RDONLY | O_CLOEXEC);
	if (userns < 0)
		return cg_error(err, errno, "open %s", path);
	size_t made = 0;

	for (; made < nl; made++) {
		lfds[made] = idmapped_layer(layers[made], userns, err);
		if (lfds[made] < 0)
			goto out;
	}
	for (; nfds < nv; nfds++) {
		fds[1 + nfds] = volume_tree(&r->volumes[nfds], userns, err);
		if (fds[1 + nfds] < 0)
			goto out;
	}
	fds[0] = mount_in_child_ns(child, layers, lfds, r, err);
	if (fds[0] < 0)
		goto out;
	ret = send_fds(sock, fds, nv + 1, err);
	close(fds[0]);
out:
	for (size_t i = 0; i < made; i++)
		close(lfds[i]);
	for (size_t i = 0; i < nfds; i++)
		close(fds[1 + i]);
	return ret;
}

int cg_idmap_receive(int sock, size_t nvolumes, int *rootfd, int *volfds, cg_err_t *err)
{
	size_t n = nvolumes + 1, sz = CMSG_SPACE(sizeof(int) * n);
	char cbuf[CMSG_SPACE(sizeof(int) * (MAX_VOLUME_FDS + 1))], c;
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sz };
	struct cmsghdr *cm;
	ssize_t k;

	if (n > MAX_VOLUME_FDS + 1)
		return cg_error(err, E2BIG, "too many volumes");
	while ((k = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
		;
	cm = k == 1 && c == 'M' ? CMSG_FIRSTHDR(&mh) : NULL;
	if (cm == NULL || cm->cmsg_type != SCM_RIGHTS || cm->cmsg_len != CMSG_LEN(sizeof(int) * n))
		return cg_error(err, k < 0 ? errno : EPROTO, "receiving the root filesystem from cgrun");
	memcpy(rootfd, CMSG_DATA(cm), sizeof(int));
	if (nvolumes)
		memcpy(volfds, CMSG_DATA(cm) + sizeof(int), sizeof(int) * nvolumes);
	return 0;
}

int cg_idmap_become_root(cg_err_t *err)
{
	if (setgroups(0, NULL) < 0)
		return cg_error(err, errno, "setgroups in the user namespace");
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		return cg_error(err, errno, "becoming root in the user namespace");
	return 0;
}
