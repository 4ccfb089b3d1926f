/* extract-entry.c - a tar entry made inside the layer's root: the last
 * component created with *at calls that never follow a link, in a parent
 * resolved inside the root (extract-fs.c); then owner, mode (after the
 * owner: chown clears setuid), xattrs and times. */
#include "config.h"

#include "extract-entry.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include "tar-path.h"

/* One entry being made: its clean path split into parent and base. */
struct ent {
	struct archive_entry *e;
	const char *path;   /* clean, "" for the root */
	const char *parent; /* clean */
	const char *base;
	int pfd;            /* O_PATH of the parent */
};

static int owner_of(struct cg_extract_ctx *x, struct archive_entry *e, uid_t *uid, gid_t *gid,
		    cg_err_t *err)
{
	la_int64_t u = archive_entry_uid(e), g = archive_entry_gid(e);

	if (u < 0 || g < 0 || (uint64_t)u + x->o->uid_shift >= UINT32_MAX ||
	    (uint64_t)g + x->o->gid_shift >= UINT32_MAX)
		return cg_error(err, 0, "owner %lld:%lld is out of range", (long long)u, (long long)g);
	*uid = (uid_t)u + x->o->uid_shift;
	*gid = (gid_t)g + x->o->gid_shift;
	return 0;
}

static void times_of(struct archive_entry *e, struct timespec ts[2])
{
	ts[1].tv_sec = archive_entry_mtime(e);
	ts[1].tv_nsec = archive_entry_mtime_nsec(e);
	if (archive_entry_atime_is_set(e)) {
		ts[0].tv_sec = archive_entry_atime(e);
		ts[0].tv_nsec = archive_entry_atime_nsec(e);
	} else {
		ts[0] = ts[1];
	}
}

static int apply_xattrs(int fd, struct archive_entry *e, cg_err_t *err)
{
	const char *name;
	const void *value;
	size_t size;

	archive_entry_xattr_reset(e);
	while (archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK) {
		if (!cg_xattr_allowed(name))
			continue;
		if (fsetxattr(fd, name, value, size, 0) < 0)
			return cg_error(err, errno, "set xattr %s", name);
	}
	return 0;
}

/* Owner, mode, xattrs, and (unless deferred: directories) times, on an fd
 * of the thing itself. */
static int apply_meta_fd(struct cg_extract_ctx *x, struct ent *n, int fd, bool xattrs, bool times,
			 cg_err_t *err)
{
	struct timespec ts[2];

	if (x->o->keep_owner) {
		uid_t uid;
		gid_t gid;

		if (owner_of(x, n->e, &uid, &gid, err) < 0)
			return -1;
		if (fchown(fd, uid, gid) < 0)
			return cg_error(err, errno, "chown %u:%u", uid, gid);
	}
	if (fchmod(fd, archive_entry_perm(n->e) & 07777) < 0)
		return cg_error(err, errno, "chmod %04o", archive_entry_perm(n->e) & 07777);
	if (xattrs && apply_xattrs(fd, n->e, err) < 0)
		return -1;
	times_of(n->e, ts);
	if (!times)
		cg_x_defer_dir_times(x, n->path, ts);
	else if (futimens(fd, ts) < 0)
		return cg_error(err, errno, "set times");
	return 0;
}

static bool all_zero(const unsigned char *p, size_t n)
{
	return n == 0 || (p[0] == 0 && memcmp(p, p + 1, n - 1) == 0);
}

static int write_data(struct archive *a, int fd, la_int64_t size, cg_err_t *err)
{
	const void *buf;
	size_t len;
	la_int64_t off;
	int r;

	/* Blocks of zeros become holes (and sparse entries' gaps too, as
	 * libarchive gives their offsets): a file of zeros costs no disk. */
	while ((r = archive_read_data_block(a, &buf, &len, &off)) == ARCHIVE_OK) {
		const unsigned char *p = buf;

		if (all_zero(p, len))
			continue;
		while (len > 0) {
			ssize_t w = pwrite(fd, p, len, off);

			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				return cg_error(err, errno, "write");
			p += w;
			len -= (size_t)w;
			off += w;
		}
	}
	if (r != ARCHIVE_EOF)
		return cg_error(err, 0, "read its data: %s", archive_error_string(a));
	if (ftruncate(fd, size) < 0)
		return cg_error(err, errno, "set its size");
	return 0;
}

static int make_regular(struct cg_extract_ctx *x, struct archive *a, struct ent *n, cg_err_t *err)
{
	cleanup_close int fd = -1;

	if (cg_x_make_room(n->pfd, n->base, err) < 0)
		return -1;
	fd = openat(n->pfd, n->base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return cg_error(err, errno, "create");
	if (write_data(a, fd, archive_entry_size(n->e), err) < 0)
		return -1;
	return apply_meta_fd(x, n, fd, true, true, err);
}

static int make_dir(struct cg_extract_ctx *x, struct ent *n, cg_err_t *err)
{
	cleanup_close int fd = -1;

	if (n->path[0] == '\0') {
		fd = openat(x->rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	} else {
		struct stat st;

		/* An existing directory is kept (the layer updates its
		 * metadata); anything else there makes room for one. */
		if (fstatat(n->pfd, n->base, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR(st.st_mode) &&
		    cg_x_make_room(n->pfd, n->base, err) < 0)
			return -1;
		if (mkdirat(n->pfd, n->base, 0700) < 0 && errno != EEXIST)
			return cg_error(err, errno, "mkdir");
		fd = openat(n->pfd, n->base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd < 0)
		return cg_error(err, errno, "open the directory");
	return apply_meta_fd(x, n, fd, true, false, err);
}

static int make_fifo(struct cg_extract_ctx *x, struct ent *n, cg_err_t *err)
{
	cleanup_close int fd = -1;

	if (cg_x_make_room(n->pfd, n->base, err) < 0)
		return -1;
	if (mknodat(n->pfd, n->base, S_IFIFO | 0600, 0) < 0)
		return cg_error(err, errno, "mkfifo");
	/* Opening a FIFO for reading without O_NONBLOCK would wait for a writer. */
	fd = openat(n->pfd, n->base, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return cg_error(err, errno, "open the fifo");
	return apply_meta_fd(x, n, fd, false, true, err);
}

static int make_symlink(struct cg_extract_ctx *x, struct ent *n, cg_err_t *err)
{
	const char *target = archive_entry_symlink(n->e);
	struct timespec ts[2];

	/* The target is kept as given, wherever it points: it is resolved
	 * inside the container; no later entry of ours writes through a
	 * link that leads out (extract-fs.c). */
	if (target == NULL || target[0] == '\0')
		return cg_error(err, 0, "a symlink with an empty target");
	if (cg_x_make_room(n->pfd, n->base, err) < 0)
		return -1;
	if (symlinkat(target, n->pfd, n->base) < 0)
		return cg_error(err, errno, "symlink");
	if (x->o->keep_owner) {
		uid_t uid;
		gid_t gid;

		if (owner_of(x, n->e, &uid, &gid, err) < 0)
			return -1;
		if (fchownat(n->pfd, n->base, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
			return cg_error(err, errno, "chown %u:%u", uid, gid);
	}
	times_of(n->e, ts);
	if (utimensat(n->pfd, n->base, ts, AT_SYMLINK_NOFOLLOW) < 0)
		return cg_error(err, errno, "set times");
	return 0;
}

static int make_hardlink(struct cg_extract_ctx *x, struct ent *n, const char *name, cg_err_t *err)
{
	const char *why = NULL;
	cleanup_free char *target = cg_tar_path_clean(name, &why);
	const char *tparent, *tbase;
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	cleanup_close int tfd = -1;
	struct stat tst, st;

	if (target == NULL)
		return cg_error(err, 0, "hardlink to '%s': %s", name, why);
	if (target[0] == '\0')
		return cg_error(err, 0, "hardlink to the root");
	cg_tar_path_split(target, &tparent, &tbase);
	/* The target must be reached without any link: a link on the way
	 * could name a file anywhere. */
	tfd = tparent[0] ? (int)syscall(SYS_openat2, x->rootfd, tparent, &how, sizeof(how))
			 : fcntl(x->rootfd, F_DUPFD_CLOEXEC, 3);
	if (tfd < 0 && errno == ELOOP)
		return cg_error(err, 0, "hardlink to '%s': the target's path goes through a symlink", name);
	if (tfd < 0 || fstatat(tfd, tbase, &tst, AT_SYMLINK_NOFOLLOW) < 0)
		return cg_error(err, 0, "hardlink to '%s': no such file was extracted before it", name);
	if (!S_ISREG(tst.st_mode))
		return cg_error(err, 0, "hardlink to '%s': the target is not a regular file", name);
	if (fstatat(n->pfd, n->base, &st, AT_SYMLINK_NOFOLLOW) == 0 && st.st_dev == tst.st_dev &&
	    st.st_ino == tst.st_ino)
		return 0; /* already that file */
	if (cg_x_make_room(n->pfd, n->base, err) < 0)
		return -1;
	if (linkat(tfd, tbase, n->pfd, n->base, 0) < 0)
		return cg_error(err, errno, "hardlink to '%s'", name);
	return 0;
}

static int make_whiteout_dev(struct ent *n, const char *name, cg_err_t *err)
{
	if (rm_rf_at(n->pfd, name, err) < 0)
		return -1;
	if (mknodat(n->pfd, name, S_IFCHR | 0600, makedev(0, 0)) < 0)
		return cg_error(err, errno, "make the overlay whiteout %s", name);
	return 0;
}

static int whiteout(struct cg_extract_ctx *x, struct ent *n, enum cg_whiteout kind,
		    const char *target, cg_err_t *err)
{
	if (x->o->mode == CG_EXTRACT_OVERLAY) {
		cleanup_close int dfd = -1;

		if (kind == CG_WHITEOUT_FILE)
			return make_whiteout_dev(n, target, err);
		dfd = openat(n->pfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0)
			return cg_error(err, errno, "open /%s", n->parent);
		if (fsetxattr(dfd, "trusted.overlay.opaque", "y", 1, 0) < 0)
			return cg_error(err, errno, "set trusted.overlay.opaque on /%s", n->parent);
		return 0;
	}
	if (kind == CG_WHITEOUT_FILE)
		return rm_rf_at(n->pfd, target, err);
	return cg_x_empty_lower(x, n->pfd, n->parent, err);
}

static int make_entry(struct cg_extract_ctx *x, struct archive *a, struct ent *n, cg_err_t *err)
{
	const char *hardlink = archive_entry_hardlink(n->e);
	mode_t type = archive_entry_filetype(n->e);

	if (hardlink)
		return make_hardlink(x, n, hardlink, err);
	switch (type) {
	case AE_IFREG:
		return make_regular(x, a, n, err);
	case AE_IFDIR:
		return make_dir(x, n, err);
	case AE_IFLNK:
		return make_symlink(x, n, err);
	case AE_IFIFO:
		return make_fifo(x, n, err);
	case AE_IFCHR:
		/* A 0:0 character device is an overlay whiteout already. */
		if (archive_entry_rdevmajor(n->e) == 0 && archive_entry_rdevminor(n->e) == 0) {
			if (x->o->mode == CG_EXTRACT_OVERLAY)
				return make_whiteout_dev(n, n->base, err);
			return rm_rf_at(n->pfd, n->base, err);
		}
		/* fallthrough */
	case AE_IFBLK:
		return cg_error(err, 0, "device nodes are refused (%s device %u:%u)",
				type == AE_IFCHR ? "character" : "block",
				(unsigned)archive_entry_rdevmajor(n->e), (unsigned)archive_entry_rdevminor(n->e));
	default:
		return cg_error(err, 0, "unsupported entry type 0%o", (unsigned)type);
	}
}

int cg_x_entry(struct cg_extract_ctx *x, struct archive *a, struct archive_entry *e, cg_err_t *err)
{
	const char *name = archive_entry_pathname(e);
	const char *why = NULL, *target = NULL;
	cleanup_free char *path = cg_tar_path_clean(name, &why);
	cleanup_free char *split = NULL;
	cleanup_close int pfd = -1;
	struct ent n = { .e = e };
	enum cg_whiteout kind;
	bool is_dir = archive_entry_filetype(e) == AE_IFDIR && !archive_entry_hardlink(e);

	if (path == NULL)
		return cg_error(err, 0, "layer entry '%s': %s", name ? name : "", why);
	split = xstrdup(path);
	cg_tar_path_split(split, &n.parent, &n.base);
	n.path = path;
	if (path[0] == '\0' && !is_dir)
		return cg_error(err, 0, "layer entry '%s': only a directory may name the root", name);
	kind = cg_whiteout_kind(n.base, &target);
	if (kind == CG_WHITEOUT_META)
		return 0;
	if (kind == CG_WHITEOUT_BAD)
		return cg_error(err, 0, "layer entry '%s': a whiteout without a name", name);
	/* Whiteouts of FLATTEN mode delete: a missing directory has nothing
	 * to delete, and is not made for them. */
	bool create = !(kind != CG_WHITEOUT_NONE && x->o->mode == CG_EXTRACT_FLATTEN);

	pfd = cg_x_open_dir(x, n.parent, create, err);
	if (pfd < 0 && !create && err->code == ENOENT)
		return 0;
	if (pfd < 0)
		return cg_error_wrap(err, "layer entry '%s'", name);
	n.pfd = pfd;
	if (kind != CG_WHITEOUT_NONE) {
		if (whiteout(x, &n, kind, target, err) < 0)
			return cg_error_wrap(err, "layer entry '%s'", name);
		return 0;
	}
	if (make_entry(x, a, &n, err) < 0)
		return cg_error_wrap(err, "layer entry '%s'", name);
	cg_x_made(x, path);
	return 0;
}
