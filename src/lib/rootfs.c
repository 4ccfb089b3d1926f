/* rootfs.c - building the container's filesystem view.
 *
 * Every writable filesystem the container gets (the overlay root, /dev,
 * /dev/shm, volumes) is mounted nodev, and the device nodes in /dev are bind
 * mounts of the host's null, zero, full, random, urandom and tty. So
 * CAP_MKNOD (in docker's default set) can make nodes but never open one:
 * no host disk is reachable, on v1 and v2 alike, without a device cgroup.
 *
 * Every mount inside the new root is made on an fd: its target resolved
 * inside the root (safe-path.c) or beneath a mount of our own, its source
 * an fd too (safe-mount.c), so nothing the image or a volume holds can
 * send a mount to the host's tree, which is our mount namespace's until
 * the pivot. */
#include "config.h"

#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <linux/magic.h>

#include "rootfs-paths.h"
#include "safe-mount.h"
#include "safe-path.h"

const char *const cg_masked_paths[] = { CG_MASKED_PATHS, NULL };
const char *const cg_readonly_paths[] = { CG_READONLY_PATHS, NULL };

char *cg_overlay_escape(const char *path)
{
	char *out = xcalloc(2 * strlen(path) + 1, 1), *o = out;

	for (const char *p = path; *p; p++) {
		if (*p == '\\' || *p == ':' || *p == ',')
			*o++ = '\\';
		*o++ = *p;
	}
	*o = '\0';
	return out;
}

static int do_mount(const char *src, const char *dst, const char *type, unsigned long flags,
		    const char *data, cg_err_t *err)
{
	if (mount(src, dst, type, flags, data) < 0)
		return cg_error(err, errno, "mount %s on %s", type ? type : src ? src : "(none)", dst);
	return 0;
}

/* The mounts of our own the later steps resolve paths beneath (fds of
 * their roots, from fsmount), and the verified host /dev/null. */
struct own_mounts {
	int proc, sys, dev, null;
};

static void own_mounts_close(struct own_mounts *m)
{
	cg_closep(&m->proc);
	cg_closep(&m->sys);
	cg_closep(&m->dev);
	cg_closep(&m->null);
}

/* A filesystem of ours on the directory /NAME of the image (safe-path.c
 * refuses a symlink there). Returns its mount fd. */
static int mount_top_dir(int rootfd, const char *name, mode_t mode, const char *fstype,
			 const char *opts, unsigned long flags, cg_err_t *err)
{
	cleanup_close int target = cg_open_mountpoint_dir(rootfd, name, mode, err);

	if (target < 0)
		return -1;
	int mfd = cg_mount_fs_at(target, fstype, opts, flags, err);

	if (mfd < 0)
		return cg_error_wrap(err, "mounting /%s", name);
	return mfd;
}

/* tree: for --userns=auto, the volume as a detached mount the parent made
 * (idmap-mount.c, flags set already), to attach by fd; else -1. */
static int bind_volume(int rootfd, const struct volume_spec *v, int tree, cg_err_t *err)
{
	unsigned long flags = MS_NODEV | MS_NOSUID | (v->readonly ? MS_RDONLY : 0);
	struct stat st;

	/* The source is the host's, named by whoever runs cgrun: trusted. */
	if ((tree >= 0 ? fstat(tree, &st) : stat(v->src, &st)) < 0)
		return cg_error(err, errno, "volume source %s", v->src);
	cleanup_close int fd = cg_mkpath_in_root(rootfd, v->dst, !S_ISDIR(st.st_mode), err);

	if (fd < 0)
		return -1;
	if (tree >= 0) {
		if (syscall(SYS_move_mount, tree, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
			return cg_error(err, errno, "bind %s to %s", v->src, v->dst);
		return 0;
	}
	/* Recursive, and the flags on every mount of the copy: a read-only
	 * volume is read-only below too. */
	return cg_bind_at(AT_FDCWD, v->src, fd, true, flags, err);
}

/* The device nodes: bind mounts of the host's, each checked to be the
 * device it is named for. */
static const struct { const char *name; unsigned major, minor; } dev_nodes[] = {
	{ "null", 1, 3 }, { "zero", 1, 5 }, { "full", 1, 7 },
	{ "random", 1, 8 }, { "urandom", 1, 9 }, { "tty", 5, 0 },
};

static int setup_dev_nodes(int hostdev, int dev, int nullfd, cg_err_t *err)
{
	for (size_t i = 0; i < ARRAY_SIZE(dev_nodes); i++) {
		const char *name = dev_nodes[i].name;
		cleanup_close int own = -1, dst = -1;
		int src = nullfd, fd;

		if (strcmp(name, "null") != 0) {
			own = cg_open_host_dev(hostdev, name, dev_nodes[i].major, dev_nodes[i].minor, err);
			if (own < 0)
				return -1;
			src = own;
		}
		/* Our own tmpfs, nobody else's yet: no link can be there. */
		fd = openat(dev, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0666);
		if (fd < 0)
			return cg_error(err, errno, "create /dev/%s", name);
		close(fd);
		dst = openat(dev, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (dst < 0)
			return cg_error(err, errno, "open /dev/%s", name);
		if (cg_bind_at(src, "", dst, false, 0, err) < 0)
			return cg_error_wrap(err, "/dev/%s", name);
	}
	return 0;
}

/* A filesystem on the directory NAME of our /dev tmpfs. */
static int mount_in_dev(int dev, const char *name, mode_t mode, const char *fstype, const char *opts,
			unsigned long flags, cg_err_t *err)
{
	if (mkdirat(dev, name, mode) < 0)
		return cg_error(err, errno, "mkdir /dev/%s", name);
	cleanup_close int dir = openat(dev, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (dir < 0)
		return cg_error(err, errno, "open /dev/%s", name);
	int mfd = cg_mount_fs_at(dir, fstype, opts, flags, err);

	if (mfd < 0)
		return cg_error_wrap(err, "/dev/%s", name);
	close(mfd);
	return 0;
}

static int setup_dev(int rootfd, int hostdev, struct own_mounts *m, cg_err_t *err)
{
	m->dev = mount_top_dir(rootfd, "dev", 0755, "tmpfs", "mode=755,size=65536k",
			       MS_NOSUID | MS_NODEV | MS_STRICTATIME, err);
	if (m->dev < 0)
		return -1;
	if (setup_dev_nodes(hostdev, m->dev, m->null, err) < 0)
		return -1;
	if (mount_in_dev(m->dev, "pts", 0755, "devpts", "newinstance,ptmxmode=0666,mode=0620,gid=5",
			 MS_NOSUID | MS_NOEXEC, err) < 0 ||
	    mount_in_dev(m->dev, "shm", 01777, "tmpfs", "mode=1777,size=65536k",
			 MS_NOSUID | MS_NODEV | MS_NOEXEC, err) < 0)
		return -1;
	static const char *const links[][2] = {
		{ "pts/ptmx", "ptmx" }, { "/proc/self/fd", "fd" }, { "/proc/self/fd/0", "stdin" },
		{ "/proc/self/fd/1", "stdout" }, { "/proc/self/fd/2", "stderr" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(links); i++)
		if (symlinkat(links[i][0], m->dev, links[i][1]) < 0)
			return cg_error(err, errno, "symlink /dev/%s", links[i][1]);
	return 0;
}

/* The container's own cgroups, read-only, where the cgroup namespace makes
 * them look like the root: /sys/fs/cgroup (v2) or /sys/fs/cgroup/<ctrl> (v1).
 * dir: /sys/fs/cgroup, checked to be on our sysfs. */
static int setup_cgroupfs(int dir, const struct cg_cgroup *cg, cg_err_t *err)
{
	const unsigned long ro = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;
	const struct cg_layout *l = cg->layout;

	if (cg->unified_has_ctrls)
		return cg_bind_at(AT_FDCWD, cg->unified_path, dir, false, ro, err);
	cleanup_close int tmp = cg_mount_fs_at(dir, "tmpfs", "mode=755", MS_NOSUID | MS_NODEV | MS_NOEXEC, err);

	if (tmp < 0)
		return -1;
	for (int c = 0; c < CG_NCTRL; c++) {
		if (cg->path[c] == NULL || !l->v1[c].present)
			continue;
		/* A scope systemd made around us has a cgroup only in the v1
		 * hierarchies systemd realizes for it: the parent learns which
		 * after this process was cloned, so look. */
		if (!cg_joined_by_child(cg) && !path_exists(cg->path[c]))
			continue;
		const char *base = strrchr(l->v1[c].mountpoint, '/');
		const char *hname = base ? base + 1 : cg_ctrl_name(c);

		if (mkdirat(tmp, hname, 0755) == 0) {
			cleanup_close int hdir = openat(tmp, hname, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			if (hdir < 0)
				return cg_error(err, errno, "open /sys/fs/cgroup/%s", hname);
			if (cg_bind_at(AT_FDCWD, cg->path[c], hdir, false, ro, err) < 0)
				return cg_error_wrap(err, "/sys/fs/cgroup/%s", hname);
		} else if (errno != EEXIST) {  /* EEXIST: co-mounted, already bound */
			return cg_error(err, errno, "mkdir /sys/fs/cgroup/%s", hname);
		}
		/* cpu,cpuacct co-mounted: also reachable as cpu and as cpuacct,
		 * each controller of the pair getting its own link. */
		if (strcmp(hname, cg_ctrl_name(c)) != 0 &&
		    symlinkat(hname, tmp, cg_ctrl_name(c)) < 0 && errno != EEXIST)
			return cg_error(err, errno, "symlink /sys/fs/cgroup/%s", cg_ctrl_name(c));
	}
	return cg_mount_set_flags(tmp, ro, err);
}

/* A path of rootfs-paths.h opened beneath our own /proc or /sys mount
 * (not through the container's tree): no link, no other mount crossed,
 * so whatever a volume or the image put there, this is the kernel's own
 * file. -2 when this kernel has no such file. */
static int open_masked(const struct own_mounts *m, const char *path, cg_err_t *err)
{
	const char *rel = cg_path_under(path, "/proc");
	int top = m->proc, fd;

	if (rel == NULL) {
		rel = cg_path_under(path, "/sys");
		top = m->sys;
	}
	if (rel == NULL)
		return cg_error(err, EINVAL, "%s is not below /proc or /sys", path);
	fd = cg_open_beneath(top, rel, O_PATH | O_NOFOLLOW,
			     RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV);
	if (fd < 0 && errno == ENOENT)
		return -2;
	if (fd < 0 && errno == EXDEV)
		return cg_error(err, 0, "%s: a volume is mounted over it or a path leading to it; "
				"it cannot be masked", path);
	if (fd < 0)
		return cg_error(err, errno, "resolve %s", path);
	return fd;
}

static int mask_paths(const struct own_mounts *m, cg_err_t *err)
{
	const unsigned long ro = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;

	for (size_t i = 0; cg_masked_paths[i]; i++) {
		cleanup_close int fd = open_masked(m, cg_masked_paths[i], err);
		struct stat st;

		if (fd == -2)
			continue;  /* not on this kernel */
		if (fd < 0)
			return -1;
		if (fstat(fd, &st) < 0)
			return cg_error(err, errno, "stat %s", cg_masked_paths[i]);
		if (S_ISDIR(st.st_mode)) {
			int t = cg_mount_fs_at(fd, "tmpfs", "size=0", ro, err);

			if (t < 0)
				return cg_error_wrap(err, "%s", cg_masked_paths[i]);
			close(t);
		} else if (cg_bind_at(m->null, "", fd, false, 0, err) < 0) {
			/* The verified host /dev/null only (CVE-2025-31133). */
			return cg_error_wrap(err, "%s", cg_masked_paths[i]);
		}
	}
	for (size_t i = 0; cg_readonly_paths[i]; i++) {
		cleanup_close int fd = open_masked(m, cg_readonly_paths[i], err);

		if (fd == -2)
			continue;
		if (fd < 0)
			return -1;
		if (cg_bind_at(fd, "", fd, true, ro, err) < 0)
			return cg_error_wrap(err, "%s", cg_readonly_paths[i]);
	}
	return 0;
}

/* The options do not fit mount(2)'s page: the new mount API, one
 * "lowerdir+" a layer (Linux 6.8+), each path unescaped. */
static int overlay_mount_each(const struct cg_rootfs *r, size_t optlen, cg_err_t *err)
{
	cleanup_close int fsfd = fsopen("overlay", FSOPEN_CLOEXEC), mfd = -1;
	cleanup_free char *one = xcalloc(strlen(r->lowerdirs) + 1, 1);
	size_t k = 0;

	if (fsfd < 0)
		return cg_error(err, errno, "fsopen overlay");
	if (fsconfig(fsfd, FSCONFIG_SET_STRING, "source", "overlay", 0) < 0)
		return cg_error(err, errno, "overlay option source");
	for (const char *p = r->lowerdirs;; p++) {
		if (*p == '\\' && p[1]) {
			one[k++] = *++p;
			continue;
		}
		if (*p != ':' && *p != '\0') {
			one[k++] = *p;
			continue;
		}
		one[k] = '\0';
		if (fsconfig(fsfd, FSCONFIG_SET_STRING, "lowerdir+", one, 0) < 0) {
			if (errno == EINVAL)
				return cg_error(err, E2BIG, "the image has too many layers for one overlay mount on this kernel (the options take %zu bytes, at most %ld; Linux 6.8 and later take more)",
						optlen, sysconf(_SC_PAGESIZE) - 1);
			return cg_error(err, errno, "overlay lowerdir+ %s", one);
		}
		k = 0;
		if (*p == '\0')
			break;
	}
	if (fsconfig(fsfd, FSCONFIG_SET_STRING, "upperdir", r->upperdir, 0) < 0 ||
	    fsconfig(fsfd, FSCONFIG_SET_STRING, "workdir", r->workdir, 0) < 0 ||
	    (r->ephemeral && fsconfig(fsfd, FSCONFIG_SET_FLAG, "volatile", NULL, 0) < 0))
		return cg_error(err, errno, "overlay options");
	if (fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return cg_error(err, errno, "create the overlay");
	mfd = fsmount(fsfd, FSMOUNT_CLOEXEC, MOUNT_ATTR_NODEV);
	if (mfd < 0)
		return cg_error(err, errno, "fsmount overlay");
	if (move_mount(mfd, "", AT_FDCWD, r->target, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return cg_error(err, errno, "attach the overlay on %s", r->target);
	return 0;
}

int cg_overlay_mount(const struct cg_rootfs *r, const char *opts, cg_err_t *err)
{
	cleanup_close int cwd = -1;
	int ret = 0;

	/* The layers' short links are relative to the store, which keeps
	 * the option under a page with a hundred layers and more (mount(2)'s
	 * data is one page; fsconfig's lowerdir+ would need Linux 6.8). */
	if (r->lower_base) {
		cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (cwd < 0)
			return cg_error(err, errno, "open the working directory");
		if (chdir(r->lower_base) < 0)
			return cg_error(err, errno, "chdir %s", r->lower_base);
	}
	if (strlen(opts) >= (size_t)sysconf(_SC_PAGESIZE))
		ret = overlay_mount_each(r, strlen(opts), err);
	else if (mount("overlay", r->target, "overlay", MS_NODEV, opts) < 0)
		ret = cg_error(err, errno, "mount overlay on %s", r->target);
	if (cwd >= 0 && fchdir(cwd) < 0 && ret == 0)
		ret = cg_error(err, errno, "fchdir back");
	return ret;
}

int cg_rootfs_prepare(const struct cg_rootfs *r, cg_err_t *err)
{
	cleanup_free char *opts = NULL;
	cleanup_free char *upper = cg_overlay_escape(r->upperdir), *work = cg_overlay_escape(r->workdir);
	cleanup_close int rootfd = -1, hostdev = -1;
	__attribute__((cleanup(own_mounts_close))) struct own_mounts m = { -1, -1, -1, -1 };

	/* First: nothing we mount may propagate back to the host. */
	if (do_mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL, err) < 0)
		return -1;
	/* The host's /dev/null, opened and checked before anything of the
	 * container is mounted: every masked file and /dev/null get it. */
	hostdev = open("/dev", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (hostdev < 0)
		return cg_error(err, errno, "open the host's /dev");
	m.null = cg_open_host_dev(hostdev, "null", 1, 3, err);
	if (m.null < 0)
		return -1;
	/* volatile: no syncs of the upper layer, above all none at unmount,
	 * which otherwise costs a journal commit per container exit. Only for
	 * layers that die with the container (--rm). */
	opts = xasprintf("lowerdir=%s,upperdir=%s,workdir=%s%s", r->lowerdirs, upper, work,
			 r->ephemeral ? ",volatile" : "");
	if (!r->premounted && cg_overlay_mount(r, opts, err) < 0)
		return cg_error_wrap(err, "mounting the root filesystem");
	rootfd = open(r->target, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return cg_error(err, errno, "open %s", r->target);
	m.proc = mount_top_dir(rootfd, "proc", 0555, "proc", NULL, MS_NOSUID | MS_NODEV | MS_NOEXEC, err);
	if (m.proc < 0)
		return -1;
	/* Read-only from the start unless privileged: the masks and the
	 * cgroup view are mounted on it, which needs no write access. */
	m.sys = mount_top_dir(rootfd, "sys", 0555, "sysfs", NULL,
			      MS_NOSUID | MS_NODEV | MS_NOEXEC | (r->privileged ? 0 : MS_RDONLY), err);
	if (m.sys < 0)
		return -1;
	if (setup_dev(rootfd, hostdev, &m, err) < 0)
		return cg_error_wrap(err, "populating /dev");
	for (size_t i = 0; i < r->nvolumes; i++) {
		const struct volume_spec *v = &r->volumes[i];

		int tree = r->volume_fds ? r->volume_fds[i] : -1;

		if (bind_volume(rootfd, v, tree, err) < 0)
			return cg_error_wrap(err, "volume %s:%s", v->src, v->dst);
	}
	if (!r->privileged && mask_paths(&m, err) < 0)
		return cg_error_wrap(err, "masking paths");
	return 0;
}

int cg_rootfs_enter(const struct cg_rootfs *r, cg_err_t *err)
{
	/* Mounted on the read-only /sys's fs/cgroup: a mount point needs no
	 * write access. */
	if (r->cgroup) {
		cleanup_close int rootfd = open(r->target, O_PATH | O_DIRECTORY | O_CLOEXEC);
		cleanup_close int dir = -1;

		if (rootfd < 0)
			return cg_error(err, errno, "open %s", r->target);
		dir = cg_open_in_root(rootfd, "sys/fs/cgroup", O_PATH | O_DIRECTORY, RESOLVE_NO_SYMLINKS);
		if (dir < 0)
			return cg_error(err, errno, "resolve /sys/fs/cgroup in the container");
		if (cg_check_fs_magic(dir, SYSFS_MAGIC, "the container's /sys/fs/cgroup", err) < 0 ||
		    setup_cgroupfs(dir, r->cgroup, err) < 0)
			return cg_error_wrap(err, "mounting the cgroup view");
	}
	/* pivot_root rather than chroot: the old root leaves the mount table
	 * entirely, so no fd or ".." trick leads back to the host. */
	if (chdir(r->target) < 0)
		return cg_error(err, errno, "chdir %s", r->target);
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return cg_error(err, errno, "pivot_root %s", r->target);
	if (umount2(".", MNT_DETACH) < 0)
		return cg_error(err, errno, "detaching the old root");
	if (chdir("/") < 0)
		return cg_error(err, errno, "chdir /");
	return 0;
}

