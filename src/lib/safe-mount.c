/* safe-mount.c - mounts onto fds with the new mount API (safe-mount.h
 * says why). */
#include "config.h"

#include "safe-mount.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include "mount-opts.h"

#define MAX_OPTS 8

static int attrs_of(unsigned long ms_flags, unsigned *attrs, cg_err_t *err)
{
	*attrs = cg_mount_attrs(ms_flags);
	if (*attrs == (unsigned)-1)
		return cg_error(err, EINVAL, "mount flags %#lx", ms_flags);
	return 0;
}

/* Attach the detached mount mfd on targetfd. */
static int attach(int mfd, int targetfd, const char *what, cg_err_t *err)
{
	if (move_mount(mfd, "", targetfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return cg_error(err, errno, "attach the %s mount", what);
	return 0;
}

static int configure(int fsfd, const char *fstype, const char *opts, cg_err_t *err)
{
	cleanup_free char *buf = opts ? xstrdup(opts) : NULL;
	struct cg_mount_opt o[MAX_OPTS];
	int n = cg_mount_opts_split(buf, o, MAX_OPTS);

	if (n < 0)
		return cg_error(err, EINVAL, "%s options %s", fstype, opts);
	/* Named after its type in mountinfo, as mount(8) would. */
	if (fsconfig(fsfd, FSCONFIG_SET_STRING, "source", fstype, 0) < 0)
		return cg_error(err, errno, "%s option source", fstype);
	for (int i = 0; i < n; i++) {
		int r = o[i].value ? fsconfig(fsfd, FSCONFIG_SET_STRING, o[i].key, o[i].value, 0)
				   : fsconfig(fsfd, FSCONFIG_SET_FLAG, o[i].key, NULL, 0);

		if (r < 0)
			return cg_error(err, errno, "%s option %s", fstype, o[i].key);
	}
	if (fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return cg_error(err, errno, "create a %s filesystem", fstype);
	return 0;
}

int cg_mount_fs_at(int targetfd, const char *fstype, const char *opts, unsigned long ms_flags,
		   cg_err_t *err)
{
	cleanup_close int fsfd = -1;
	unsigned attrs;
	int mfd;

	if (attrs_of(ms_flags, &attrs, err) < 0)
		return -1;
	fsfd = fsopen(fstype, FSOPEN_CLOEXEC);
	if (fsfd < 0)
		return cg_error(err, errno, "fsopen %s", fstype);
	if (configure(fsfd, fstype, opts, err) < 0)
		return -1;
	mfd = fsmount(fsfd, FSMOUNT_CLOEXEC, attrs);
	if (mfd < 0)
		return cg_error(err, errno, "fsmount %s", fstype);
	if (attach(mfd, targetfd, fstype, err) < 0) {
		close(mfd);
		return -1;
	}
	return mfd;
}

static int set_attrs(int mfd, unsigned attrs, bool recursive, cg_err_t *err)
{
	struct mount_attr a = { .attr_set = attrs };

	/* The atime modes are one field: clear it to set one. */
	if (attrs & MOUNT_ATTR__ATIME)
		a.attr_clr = MOUNT_ATTR__ATIME;
	if (mount_setattr(mfd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &a, sizeof(a)) < 0)
		return cg_error(err, errno, "set mount attributes");
	return 0;
}

int cg_bind_at(int srcfd, const char *srcpath, int targetfd, bool recursive,
	       unsigned long ms_flags, cg_err_t *err)
{
	cleanup_close int tree = -1;
	unsigned attrs;

	if (attrs_of(ms_flags, &attrs, err) < 0)
		return -1;
	tree = open_tree(srcfd, srcpath, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
			 (srcpath[0] ? 0 : AT_EMPTY_PATH) | (recursive ? AT_RECURSIVE : 0));
	if (tree < 0)
		return cg_error(err, errno, "clone the bind source");
	/* On the copy while it is detached: never attached without them. */
	if (attrs && set_attrs(tree, attrs, recursive, err) < 0)
		return -1;
	return attach(tree, targetfd, "bind", err);
}

int cg_mount_set_flags(int mountfd, unsigned long ms_flags, cg_err_t *err)
{
	unsigned attrs;

	if (attrs_of(ms_flags, &attrs, err) < 0)
		return -1;
	return set_attrs(mountfd, attrs, false, err);
}

int cg_open_host_dev(int devfd, const char *name, unsigned maj, unsigned min, cg_err_t *err)
{
	struct stat st;
	int fd = openat(devfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return cg_error(err, errno, "open the host's /dev/%s", name);
	if (fstat(fd, &st) < 0) {
		int e = errno;

		close(fd);
		return cg_error(err, e, "stat the host's /dev/%s", name);
	}
	if (!cg_stat_is_chardev(&st, maj, min)) {
		close(fd);
		return cg_error(err, 0, "the host's /dev/%s is not the character device %u:%u; "
				"refusing to bind it into the container (check the host's /dev)", name, maj, min);
	}
	return fd;
}

int cg_check_fs_magic(int fd, unsigned long magic, const char *what, cg_err_t *err)
{
	struct statfs sfs;

	if (fstatfs(fd, &sfs) < 0)
		return cg_error(err, errno, "statfs %s", what);
	if ((unsigned long)sfs.f_type != magic)
		return cg_error(err, 0, "%s is not on the filesystem cgrun mounted there (a volume over it?)",
				what);
	return 0;
}
