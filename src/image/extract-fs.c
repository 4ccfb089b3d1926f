/* extract-fs.c - directories resolved inside a layer's root, removals that
 * never follow links, and the directory times set at the end. */
#include "config.h"

#include "extract-fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>

static int openat2_in(int dfd, const char *path, int flags, uint64_t resolve)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC),
		.resolve = resolve | RESOLVE_NO_MAGICLINKS,
	};

	return (int)syscall(SYS_openat2, dfd, path, &how, sizeof(how));
}

/* Open PATH (non-empty) as a directory; errno set on failure. The first
 * walk forbids symlinks (the common case: none on the way); when one is
 * there, RESOLVE_BENEATH says whether it stays inside: EXDEV when it
 * leads out, which the caller refuses. */
static int open_dir_once(int rootfd, const char *path)
{
	int fd = openat2_in(rootfd, path, O_PATH | O_DIRECTORY, RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS);

	if (fd >= 0 || errno != ELOOP)
		return fd;
	return openat2_in(rootfd, path, O_PATH | O_DIRECTORY, RESOLVE_BENEATH);
}

static int open_dir_error(const char *path, int e, cg_err_t *err)
{
	if (e == ENOSYS)
		return cg_error(err, e, "openat2 is missing (Linux 5.6 or later is needed to extract "
				"layers safely)");
	if (e == EXDEV)
		return cg_error(err, 0, "/%s goes through a symlink that leads out of the root; "
				"writing through it is refused", path);
	if (e == ENOTDIR)
		return cg_error(err, 0, "/%s is not a directory", path);
	return cg_error(err, e, "resolve /%s in the root", path);
}

int cg_x_open_dir(struct cg_extract_ctx *x, const char *path, bool create, cg_err_t *err)
{
	cleanup_free char *p = NULL;
	int fd;

	if (path[0] == '\0') {
		fd = fcntl(x->rootfd, F_DUPFD_CLOEXEC, 3);
		return fd >= 0 ? fd : cg_error(err, errno, "dup the root's fd");
	}
	fd = open_dir_once(x->rootfd, path);
	if (fd >= 0)
		return fd;
	if (errno != ENOENT || !create)
		return open_dir_error(path, errno, err);
	/* Make each missing component in its parent, itself resolved the
	 * same way (a tar need not list a file's directories). */
	p = xstrdup(path);
	for (char *s = p;;) {
		char *slash = strchr(s, '/');

		if (slash)
			*slash = '\0';
		fd = open_dir_once(x->rootfd, p);
		if (fd < 0 && errno == ENOENT) {
			char *base = strrchr(p, '/');
			cleanup_close int pfd = -1;

			if (base) {
				*base = '\0';
				pfd = open_dir_once(x->rootfd, p);
				*base = '/';
				base++;
			} else {
				pfd = fcntl(x->rootfd, F_DUPFD_CLOEXEC, 3);
				base = p;
			}
			if (pfd < 0)
				return open_dir_error(p, errno, err);
			if (mkdirat(pfd, base, 0755) < 0 && errno != EEXIST)
				return cg_error(err, errno, "mkdir /%s", p);
			cg_x_made(x, p);
			fd = open_dir_once(x->rootfd, p);
		}
		if (fd < 0)
			return open_dir_error(p, errno, err);
		if (slash == NULL)
			return fd;
		close(fd);
		*slash = '/';
		s = slash + 1;
	}
}

int cg_x_make_room(int dfd, const char *name, cg_err_t *err)
{
	/* The common cases in one call each: nothing there, or a file. */
	if (unlinkat(dfd, name, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno != EISDIR && errno != EPERM)
		return cg_error(err, errno, "unlink %s", name);
	return rm_rf_at(dfd, name, err);
}

void cg_x_made(struct cg_extract_ctx *x, const char *path)
{
	if (x->made && !json_object_object_get_ex(x->made, path, NULL))
		json_object_object_add(x->made, path, NULL);
}

int cg_x_empty_lower(struct cg_extract_ctx *x, int dfd, const char *path, cg_err_t *err)
{
	cleanup_closedir DIR *d = NULL;
	struct dirent *de;
	int fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return cg_error(err, errno, "open /%s", path);
	d = fdopendir(fd);
	if (d == NULL) {
		close(fd);
		return cg_error(err, errno, "opendir /%s", path);
	}
	while ((errno = 0, de = readdir(d)) != NULL) {
		cleanup_free char *child = NULL;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		child = path[0] ? xasprintf("%s/%s", path, de->d_name) : xstrdup(de->d_name);
		if (!json_object_object_get_ex(x->made, child, NULL)) {
			if (rm_rf_at(dirfd(d), de->d_name, err) < 0)
				return cg_error_wrap(err, "empty the opaque directory /%s", path);
			continue;
		}
		/* Made by this layer: kept, but what the lower layers put
		 * inside it goes too (a directory the layer only lists). */
		cleanup_close int sub = openat(dirfd(d), de->d_name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

		if (sub < 0 && errno != ENOTDIR && errno != ELOOP)
			return cg_error(err, errno, "open /%s", child);
		if (sub >= 0 && cg_x_empty_lower(x, sub, child, err) < 0)
			return -1;
	}
	if (errno != 0)
		return cg_error(err, errno, "read directory /%s", path);
	return 0;
}

void cg_x_defer_dir_times(struct cg_extract_ctx *x, const char *path, const struct timespec ts[2])
{
	if (x->ndirs == x->dirs_cap) {
		size_t cap = x->dirs_cap ? 2 * x->dirs_cap : 64;
		struct cg_dir_time *n = realloc(x->dirs, cap * sizeof(*n));

		if (n == NULL)
			abort();
		x->dirs = n;
		x->dirs_cap = cap;
	}
	x->dirs[x->ndirs].path = xstrdup(path);
	x->dirs[x->ndirs].ts[0] = ts[0];
	x->dirs[x->ndirs].ts[1] = ts[1];
	x->ndirs++;
}

int cg_x_finish_dirs(struct cg_extract_ctx *x, cg_err_t *err)
{
	/* Last listed first: a directory's children come after it in a tar. */
	for (size_t i = x->ndirs; i-- > 0;) {
		struct cg_dir_time *d = &x->dirs[i];
		cleanup_close int fd = -1;

		/* The directory may have been deleted or replaced by a later
		 * entry: then its time no longer applies. */
		if (d->path[0] == '\0')
			fd = openat(x->rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		else
			fd = openat2_in(x->rootfd, d->path, O_RDONLY | O_DIRECTORY,
					RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS);
		if (fd < 0 && (errno == ENOENT || errno == ENOTDIR || errno == ELOOP))
			continue;
		if (fd < 0)
			return cg_error(err, errno, "open /%s", d->path);
		if (futimens(fd, d->ts) < 0)
			return cg_error(err, errno, "set the times of /%s", d->path);
	}
	return 0;
}

void cg_x_ctx_free(struct cg_extract_ctx *x)
{
	for (size_t i = 0; i < x->ndirs; i++)
		free(x->dirs[i].path);
	free(x->dirs);
	x->dirs = NULL;
	x->ndirs = x->dirs_cap = 0;
	json_object_put(x->made);
	x->made = NULL;
	if (x->rootfd >= 0)
		close(x->rootfd);
	x->rootfd = -1;
}
