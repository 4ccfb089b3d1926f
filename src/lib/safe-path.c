/* safe-path.c - mount targets resolved inside the container's root
 * (safe-path.h says why). */
#include "config.h"

#include "safe-path.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>

static int openat2_how(int dirfd, const char *path, int flags, uint64_t resolve)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC),
		.resolve = resolve,
	};

	return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
}

int cg_open_in_root(int rootfd, const char *path, int flags, uint64_t extra)
{
	return openat2_how(rootfd, path, flags, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | extra);
}

int cg_open_beneath(int dirfd, const char *path, int flags, uint64_t extra)
{
	return openat2_how(dirfd, path, flags, RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | extra);
}

const char *cg_path_under(const char *path, const char *top)
{
	size_t n = strlen(top);

	while (n > 0 && top[n - 1] == '/')
		n--;
	if (strncmp(path, top, n) != 0 || path[n] != '/')
		return NULL;
	path += n;
	while (*path == '/')
		path++;
	return *path ? path : NULL;
}

/* Create the last component of p (its parent resolved inside root, so a
 * link in the way cannot send the creation out). EEXIST is success: a
 * racing creator made the same thing, or a dangling link is there, which
 * the caller's open then reports. */
static int create_component(int rootfd, char *p, bool file, cg_err_t *err)
{
	char *base = strrchr(p, '/');
	cleanup_close int dirfd = -1;

	if (base) {
		*base = '\0';
		dirfd = cg_open_in_root(rootfd, p[0] ? p : "/", O_PATH | O_DIRECTORY, 0);
		*base = '/';
		base++;
	} else {
		dirfd = cg_open_in_root(rootfd, "/", O_PATH | O_DIRECTORY, 0);
		base = p;
	}
	if (dirfd < 0)
		return cg_error(err, errno, "resolve the parent of /%s in the container", p);
	if (file) {
		int f = openat(dirfd, base, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0644);

		if (f < 0 && errno != EEXIST)
			return cg_error(err, errno, "create /%s in the container", p);
		if (f >= 0)
			close(f);
	} else if (mkdirat(dirfd, base, 0755) < 0 && errno != EEXIST) {
		return cg_error(err, errno, "mkdir /%s in the container", p);
	}
	return 0;
}

int cg_mkpath_in_root(int rootfd, const char *path, bool file, cg_err_t *err)
{
	cleanup_free char *p = NULL;
	const char *start = path;
	char *s;

	while (*start == '/')
		start++;
	p = xstrdup(start);
	s = p;
	for (;;) {
		char *slash = strchr(s, '/');
		bool last = slash == NULL || slash[1] == '\0';

		if (slash)
			*slash = '\0';
		cleanup_close int fd = cg_open_in_root(rootfd, p, O_PATH, 0);

		if (fd < 0) {
			if (errno != ENOENT)
				return cg_error(err, errno, "resolve /%s in the container", p);
			if (create_component(rootfd, p, last && file, err) < 0)
				return -1;
		}
		if (last)
			break;
		*slash = '/';
		s = slash + 1;
	}
	int fd = cg_open_in_root(rootfd, p, O_PATH, 0);

	if (fd < 0)
		return cg_error(err, errno, "resolve /%s in the container", p);
	return fd;
}

int cg_open_mountpoint_dir(int rootfd, const char *name, mode_t mode, cg_err_t *err)
{
	/* One component, no symlink, no mount crossed: the image's own
	 * directory or nothing. */
	const uint64_t strict = RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV;
	int fd = cg_open_in_root(rootfd, name, O_PATH | O_DIRECTORY, strict);

	if (fd < 0 && errno == ENOENT) {
		if (mkdirat(rootfd, name, mode) < 0 && errno != EEXIST)
			return cg_error(err, errno, "mkdir /%s in the container", name);
		fd = cg_open_in_root(rootfd, name, O_PATH | O_DIRECTORY, strict);
	}
	if (fd >= 0)
		return fd;
	if (errno == ELOOP)
		return cg_error(err, 0, "the image's /%s is a symlink; cgrun mounts /proc, /sys and /dev "
				"only on directories (make it a directory in the image)", name);
	if (errno == ENOTDIR)
		return cg_error(err, 0, "the image's /%s is not a directory; cgrun mounts /proc, /sys and "
				"/dev only on directories (make it a directory in the image)", name);
	return cg_error(err, errno, "resolve /%s in the container", name);
}

int cg_open_console_target(int rootfd, cg_err_t *err)
{
	const uint64_t strict = RESOLVE_NO_SYMLINKS;
	cleanup_close int dev = cg_open_in_root(rootfd, "dev", O_PATH | O_DIRECTORY, strict);
	struct stat st;
	int fd;

	if (dev < 0 && errno == ELOOP)
		return cg_error(err, 0, "/dev in the container is or holds a symlink: the terminal is not mounted there");
	if (dev < 0)
		return cg_error(err, errno, "resolve /dev in the container");
	fd = openat(dev, "console", O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 && errno != EEXIST)
		return cg_error(err, errno, "create /dev/console");
	if (fd >= 0)
		close(fd);
	fd = cg_open_beneath(dev, "console", O_PATH | O_NOFOLLOW, strict);
	if (fd < 0)
		return cg_error(err, errno, "open /dev/console");
	if (fstat(fd, &st) < 0) {
		int e = errno;

		close(fd);
		return cg_error(err, e, "stat /dev/console");
	}
	if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode)) {
		close(fd);
		return cg_error(err, 0, "/dev/console in the container is %s, not a file or a character "
				"device: the terminal is not mounted on it",
				S_ISLNK(st.st_mode) ? "a symlink" : "something else");
	}
	return fd;
}
