/* rootfs.c - building the container's filesystem view.
 *
 * Every writable filesystem the container gets (the overlay root, /dev,
 * /dev/shm, volumes) is mounted nodev, and the device nodes in /dev are bind
 * mounts of the host's null, zero, full, random, urandom and tty. So
 * CAP_MKNOD (in docker's default set) can make nodes but never open one:
 * no host disk is reachable, on v1 and v2 alike, without a device cgroup. */
#include "config.h"

#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

#include "rootfs-paths.h"

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

/* Bind mounts ignore MS_RDONLY/MS_NODEV on the first call; the flags only
 * stick on a remount of that one mount point (never the superblock). */
static int remount_bind(const char *dst, unsigned long flags, cg_err_t *err)
{
	return do_mount(NULL, dst, NULL, MS_REMOUNT | MS_BIND | flags, NULL, err);
}

/* Open path inside root, never escaping it through symlinks or "..". */
static int open_in_root(int rootfd, const char *path, int flags)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC),
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};

	return (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
}

/* mkdir -p inside root (or create an empty file as the last component).
 * Returns an O_PATH fd to the result. */
static int mkpath_in_root(int rootfd, const char *path, bool file, cg_err_t *err)
{
	cleanup_free char *p = xstrdup(path);
	char *s = p;

	while (*s == '/')
		s++;
	for (;;) {
		char *slash = strchr(s, '/');
		bool last = slash == NULL || slash[1] == '\0';

		if (slash)
			*slash = '\0';
		cleanup_close int fd = open_in_root(rootfd, p, O_PATH);

		if (fd < 0) {
			if (errno != ENOENT)
				return cg_error(err, errno, "resolve %s in the container", p);
			/* Create the component in its (safely resolved) parent. */
			char *base = strrchr(p, '/');
			cleanup_close int dirfd = -1;

			if (base) {
				*base = '\0';
				dirfd = open_in_root(rootfd, p[0] ? p : "/", O_PATH | O_DIRECTORY);
				*base = '/';
				base++;
			} else {
				dirfd = open_in_root(rootfd, "/", O_PATH | O_DIRECTORY);
				base = p;
			}
			if (dirfd < 0)
				return cg_error(err, errno, "resolve the parent of %s in the container", p);
			if (last && file) {
				int f = openat(dirfd, base, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0644);

				if (f < 0 && errno != EEXIST)
					return cg_error(err, errno, "create %s in the container", p);
				if (f >= 0)
					close(f);
			} else if (mkdirat(dirfd, base, 0755) < 0 && errno != EEXIST) {
				return cg_error(err, errno, "mkdir %s in the container", p);
			}
		}
		if (last)
			break;
		*slash = '/';
		s = slash + 1;
	}
	int fd = open_in_root(rootfd, p, O_PATH);

	if (fd < 0)
		return cg_error(err, errno, "resolve %s in the container", p);
	return fd;
}

/* tree: a detached mount of src (flags set already) to attach, or -1. */
static int bind_in_root(int rootfd, const char *src, int tree, const char *dst, unsigned long extra,
			bool recursive, cg_err_t *err)
{
	struct stat st;
	char fdpath[64];

	if ((tree >= 0 ? fstat(tree, &st) : stat(src, &st)) < 0)
		return cg_error(err, errno, "volume source %s", src);
	cleanup_close int fd = mkpath_in_root(rootfd, dst, !S_ISDIR(st.st_mode), err);

	if (fd < 0)
		return -1;
	/* Mount on the resolved fd, not a path a symlink could redirect. */
	if (tree >= 0) {
		if (syscall(SYS_move_mount, tree, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
			return cg_error(err, errno, "bind %s to %s", src, dst);
		return 0;
	}
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
	if (do_mount(src, fdpath, NULL, MS_BIND | (recursive ? MS_REC : 0), NULL, err) < 0)
		return cg_error_wrap(err, "bind %s to %s", src, dst);
	if (extra) {
		/* Reopen: the fd still names the covered directory. */
		cleanup_close int fd2 = open_in_root(rootfd, dst, O_PATH);

		if (fd2 < 0)
			return cg_error(err, errno, "resolve %s in the container", dst);
		snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd2);
		if (remount_bind(fdpath, extra, err) < 0)
			return cg_error_wrap(err, "making %s %s", dst,
					     (extra & MS_RDONLY) ? "read-only" : "nodev");
	}
	return 0;
}

static int setup_dev(const char *root, cg_err_t *err)
{
	static const char *const nodes[] = { "null", "zero", "full", "random", "urandom", "tty" };
	cleanup_free char *dev = xasprintf("%s/dev", root);
	cleanup_free char *pts = xasprintf("%s/dev/pts", root);
	cleanup_free char *shm = xasprintf("%s/dev/shm", root);

	if (mkdir(dev, 0755) < 0 && errno != EEXIST)
		return cg_error(err, errno, "mkdir %s", dev);
	if (do_mount("tmpfs", dev, "tmpfs", MS_NOSUID | MS_NODEV | MS_STRICTATIME,
		     "mode=755,size=65536k", err) < 0)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(nodes); i++) {
		cleanup_free char *src = xasprintf("/dev/%s", nodes[i]);
		cleanup_free char *dst = xasprintf("%s/dev/%s", root, nodes[i]);
		int fd = open(dst, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0666);

		if (fd < 0)
			return cg_error(err, errno, "create %s", dst);
		close(fd);
		if (do_mount(src, dst, NULL, MS_BIND, NULL, err) < 0)
			return -1;
	}
	if (mkdir(pts, 0755) < 0 || mkdir(shm, 01777) < 0)
		return cg_error(err, errno, "mkdir in %s", dev);
	if (do_mount("devpts", pts, "devpts", MS_NOSUID | MS_NOEXEC,
		     "newinstance,ptmxmode=0666,mode=0620,gid=5", err) < 0)
		return -1;
	if (do_mount("shm", shm, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		     "mode=1777,size=65536k", err) < 0)
		return -1;
	static const char *const links[][2] = {
		{ "pts/ptmx", "ptmx" }, { "/proc/self/fd", "fd" }, { "/proc/self/fd/0", "stdin" },
		{ "/proc/self/fd/1", "stdout" }, { "/proc/self/fd/2", "stderr" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(links); i++) {
		cleanup_free char *l = xasprintf("%s/dev/%s", root, links[i][1]);

		if (symlink(links[i][0], l) < 0)
			return cg_error(err, errno, "symlink %s", l);
	}
	return 0;
}

/* The container's own cgroups, read-only, where the cgroup namespace makes
 * them look like the root: /sys/fs/cgroup (v2) or /sys/fs/cgroup/<ctrl> (v1). */
static int setup_cgroupfs(const char *root, const struct cg_cgroup *cg, cg_err_t *err)
{
	cleanup_free char *dir = xasprintf("%s/sys/fs/cgroup", root);
	const struct cg_layout *l = cg->layout;

	if (cg->unified_has_ctrls) {
		if (do_mount(cg->unified_path, dir, NULL, MS_BIND, NULL, err) < 0)
			return -1;
		return remount_bind(dir, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, err);
	}
	if (do_mount("tmpfs", dir, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755", err) < 0)
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
		cleanup_free char *hdir = xasprintf("%s/%s", dir, base ? base + 1 : cg_ctrl_name(c));

		if (mkdir(hdir, 0755) == 0) {
			if (do_mount(cg->path[c], hdir, NULL, MS_BIND, NULL, err) < 0 ||
			    remount_bind(hdir, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, err) < 0)
				return -1;
		} else if (errno != EEXIST) {  /* EEXIST: co-mounted, already bound */
			return cg_error(err, errno, "mkdir %s", hdir);
		}
		/* cpu,cpuacct co-mounted: also reachable as cpu and as cpuacct,
		 * each controller of the pair getting its own link. */
		if (strcmp(base ? base + 1 : cg_ctrl_name(c), cg_ctrl_name(c)) != 0) {
			cleanup_free char *alias = xasprintf("%s/%s", dir, cg_ctrl_name(c));

			if (symlink(base + 1, alias) < 0 && errno != EEXIST)
				return cg_error(err, errno, "symlink %s", alias);
		}
	}
	return remount_bind(dir, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, err);
}

static int mask_paths(const char *root, cg_err_t *err)
{
	for (size_t i = 0; cg_masked_paths[i]; i++) {
		cleanup_free char *p = xasprintf("%s%s", root, cg_masked_paths[i]);
		struct stat st;

		if (lstat(p, &st) < 0)
			continue;  /* not on this kernel */
		if (S_ISDIR(st.st_mode)) {
			if (do_mount("tmpfs", p, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
				     "size=0", err) < 0)
				return -1;
		} else if (do_mount("/dev/null", p, NULL, MS_BIND, NULL, err) < 0) {
			return -1;
		}
	}
	for (size_t i = 0; cg_readonly_paths[i]; i++) {
		cleanup_free char *p = xasprintf("%s%s", root, cg_readonly_paths[i]);

		if (!path_exists(p))
			continue;
		if (do_mount(p, p, NULL, MS_BIND | MS_REC, NULL, err) < 0 ||
		    remount_bind(p, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, err) < 0)
			return -1;
	}
	return 0;
}

int cg_rootfs_prepare(const struct cg_rootfs *r, cg_err_t *err)
{
	cleanup_free char *opts = NULL, *proc = NULL, *sys = NULL;
	cleanup_free char *upper = cg_overlay_escape(r->upperdir), *work = cg_overlay_escape(r->workdir);
	cleanup_close int rootfd = -1;

	/* First: nothing we mount may propagate back to the host. */
	if (do_mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL, err) < 0)
		return -1;
	/* volatile: no syncs of the upper layer, above all none at unmount,
	 * which otherwise costs a journal commit per container exit. Only for
	 * layers that die with the container (--rm). */
	opts = xasprintf("lowerdir=%s,upperdir=%s,workdir=%s%s", r->lowerdirs, upper, work,
			 r->ephemeral ? ",volatile" : "");
	if (!r->premounted && do_mount("overlay", r->target, "overlay", MS_NODEV, opts, err) < 0)
		return cg_error_wrap(err, "mounting the root filesystem");
	rootfd = open(r->target, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return cg_error(err, errno, "open %s", r->target);

	proc = xasprintf("%s/proc", r->target);
	sys = xasprintf("%s/sys", r->target);
	if ((mkdir(proc, 0555) < 0 && errno != EEXIST) || (mkdir(sys, 0555) < 0 && errno != EEXIST))
		return cg_error(err, errno, "mkdir /proc or /sys in the container");
	if (do_mount("proc", proc, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, err) < 0)
		return -1;
	if (do_mount("sysfs", sys, "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, err) < 0)
		return -1;
	if (setup_dev(r->target, err) < 0)
		return cg_error_wrap(err, "populating /dev");
	for (size_t i = 0; i < r->nvolumes; i++) {
		const struct volume_spec *v = &r->volumes[i];

		int tree = r->volume_fds ? r->volume_fds[i] : -1;

		if (bind_in_root(rootfd, v->src, tree, v->dst, MS_NODEV | MS_NOSUID | (v->readonly ? MS_RDONLY : 0),
				 true, err) < 0)
			return cg_error_wrap(err, "volume %s:%s", v->src, v->dst);
	}
	if (!r->privileged) {
		if (mask_paths(r->target, err) < 0)
			return cg_error_wrap(err, "masking paths");
		if (remount_bind(sys, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, err) < 0)
			return cg_error_wrap(err, "making /sys read-only");
	}
	return 0;
}

int cg_rootfs_enter(const struct cg_rootfs *r, cg_err_t *err)
{
	/* Mounted on the read-only /sys's fs/cgroup: a mount point needs no
	 * write access. */
	if (r->cgroup && setup_cgroupfs(r->target, r->cgroup, err) < 0)
		return cg_error_wrap(err, "mounting the cgroup view");
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

