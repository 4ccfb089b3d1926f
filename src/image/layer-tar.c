/* layer-tar.c - a directory of the store as a layer tar (layer-tar.h). */
#include "config.h"

#include "layer-tar.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include <json-c/json.h>

#include "tar-path.h"

#define COPY_BUF (64 * 1024)
#define MAX_DEPTH 1024
#define OPAQUE_XATTR "trusted.overlay.opaque"

struct walker {
	struct archive *a;
	cg_tar_sink sink;
	void *arg;
	cg_err_t *err;
	bool sink_failed;
	bool overlay;
	json_object *links;  /* "dev:ino" of a file with more links -> its first name */
	char buf[COPY_BUF];
};

static la_ssize_t write_cb(struct archive *a, void *client, const void *buf, size_t n)
{
	struct walker *w = client;

	if (w->sink(w->arg, buf, n, w->err) < 0) {
		w->sink_failed = true;
		archive_set_error(a, EIO, "%s", w->err->msg);
		return -1;
	}
	return (la_ssize_t)n;
}

static int archive_err(struct walker *w, const char *path)
{
	if (w->sink_failed)
		return -1;
	return cg_error(w->err, 0, "writing %s to the tar: %s", path, archive_error_string(w->a));
}

static int by_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in the directory dfd, sorted; NULL-terminated. */
static char **dir_names(int dfd, const char *path, cg_err_t *err)
{
	int fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d;
	struct dirent *de;
	char **v = NULL;
	size_t n = 0;

	if (fd < 0 || (d = fdopendir(fd)) == NULL) {
		cg_error(err, errno, "open directory '%s'", path);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	while ((de = readdir(d)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		v = realloc(v, (n + 2) * sizeof(char *));
		if (v == NULL)
			abort();
		v[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (v == NULL)
		v = xcalloc(1, sizeof(char *));
	v[n] = NULL;
	qsort(v, n, sizeof(char *), by_str);
	return v;
}

static void names_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/* NAME's extended attributes a layer may carry, in name order. */
static int add_xattrs(int dfd, const char *name, const char *path, struct archive_entry *e, cg_err_t *err)
{
	cleanup_free char *p = xasprintf("/proc/self/fd/%d/%s", dfd, name);
	cleanup_free char *list = NULL;
	char **names = NULL;
	size_t n = 0;
	ssize_t len = llistxattr(p, NULL, 0);
	int r = 0;

	if (len < 0 && (errno == ENOTSUP || errno == ENODATA))
		return 0;
	if (len < 0)
		return cg_error(err, errno, "list the extended attributes of '%s'", path);
	if (len == 0)
		return 0;
	list = xcalloc((size_t)len + 1, 1);
	if ((len = llistxattr(p, list, (size_t)len)) < 0)
		return cg_error(err, errno, "list the extended attributes of '%s'", path);
	for (char *k = list; k < list + len; k += strlen(k) + 1) {
		if (!cg_xattr_allowed(k))
			continue;
		names = realloc(names, (n + 1) * sizeof(char *));
		if (names == NULL)
			abort();
		names[n++] = k;
	}
	qsort(names, n, sizeof(char *), by_str);
	for (size_t i = 0; i < n && r == 0; i++) {
		ssize_t vl = lgetxattr(p, names[i], NULL, 0);
		cleanup_free char *val = NULL;

		if (vl >= 0) {
			val = xcalloc((size_t)vl + 1, 1);
			vl = lgetxattr(p, names[i], val, (size_t)vl);
		}
		if (vl < 0)
			r = cg_error(err, errno, "read the extended attribute %s of '%s'", names[i], path);
		else
			archive_entry_xattr_add_entry(e, names[i], val, (size_t)vl);
	}
	free(names);
	return r;
}

static bool opaque(int dfd, const char *name)
{
	cleanup_free char *p = xasprintf("/proc/self/fd/%d/%s", dfd, name);
	char v[2];

	return lgetxattr(p, OPAQUE_XATTR, v, sizeof(v)) == 1 && v[0] == 'y';
}

static int write_empty(struct walker *w, const char *path, const struct stat *st)
{
	struct archive_entry *e = archive_entry_new();
	int r = 0;

	archive_entry_set_pathname(e, path);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_uid(e, st->st_uid);
	archive_entry_set_gid(e, st->st_gid);
	archive_entry_set_mtime(e, st->st_mtim.tv_sec, st->st_mtim.tv_nsec);
	archive_entry_set_size(e, 0);
	if (archive_write_header(w->a, e) != ARCHIVE_OK)
		r = archive_err(w, path);
	archive_entry_free(e);
	return r;
}

static int copy_data(struct walker *w, int dfd, const char *name, const char *path)
{
	cleanup_close int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	ssize_t n;

	if (fd < 0)
		return cg_error(w->err, errno, "open '%s'", path);
	while ((n = read(fd, w->buf, sizeof(w->buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return cg_error(w->err, errno, "read '%s'", path);
		if (archive_write_data(w->a, w->buf, (size_t)n) != n)
			return archive_err(w, path);
	}
	return 0;
}

static int walk(struct walker *w, int dfd, const char *prefix, int depth);

static int one(struct walker *w, int dfd, const char *prefix, const char *name, int depth)
{
	cleanup_free char *path = xasprintf("%s%s", prefix, name);
	struct archive_entry *e;
	struct stat st;
	int r = 0;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return cg_error(w->err, errno, "stat '%s'", path);
	if (S_ISSOCK(st.st_mode))
		return 0;  /* a tar has no sockets */
	if (w->overlay && S_ISCHR(st.st_mode) && st.st_rdev == 0) {
		cleanup_free char *wh = xasprintf("%s.wh.%s", prefix, name);

		return write_empty(w, wh, &st);
	}
	e = archive_entry_new();
	archive_entry_copy_stat(e, &st);
	/* Only what the tree says: no atime, ctime, inode or device numbers
	 * (they differ between two copies of one tree). */
	archive_entry_unset_atime(e);
	archive_entry_unset_ctime(e);
	archive_entry_unset_birthtime(e);
	archive_entry_set_ino64(e, 0);
	archive_entry_set_dev(e, 0);
	archive_entry_set_nlink(e, 1);
	if (S_ISDIR(st.st_mode)) {
		cleanup_free char *d = xasprintf("%s/", path);

		archive_entry_set_pathname(e, d);
		archive_entry_set_size(e, 0);
	} else {
		archive_entry_set_pathname(e, path);
	}
	if (S_ISLNK(st.st_mode)) {
		ssize_t n = readlinkat(dfd, name, w->buf, sizeof(w->buf) - 1);

		if (n < 0) {
			archive_entry_free(e);
			return cg_error(w->err, errno, "readlink '%s'", path);
		}
		w->buf[n] = '\0';
		archive_entry_set_symlink(e, w->buf);
		archive_entry_set_size(e, 0);
	} else if (!S_ISREG(st.st_mode)) {
		archive_entry_set_size(e, 0);
	}
	if (S_ISREG(st.st_mode) && st.st_nlink > 1) {
		char key[64];
		json_object *first;

		snprintf(key, sizeof(key), "%ju:%ju", (uintmax_t)st.st_dev, (uintmax_t)st.st_ino);
		if (json_object_object_get_ex(w->links, key, &first)) {
			archive_entry_set_hardlink(e, json_object_get_string(first));
			archive_entry_set_size(e, 0);
		} else {
			json_object_object_add(w->links, key, json_object_new_string(path));
		}
	}
	if ((r = add_xattrs(dfd, name, path, e, w->err)) == 0 && archive_write_header(w->a, e) != ARCHIVE_OK)
		r = archive_err(w, path);
	if (r == 0 && S_ISREG(st.st_mode) && archive_entry_hardlink(e) == NULL)
		r = copy_data(w, dfd, name, path);
	archive_entry_free(e);
	if (r < 0 || !S_ISDIR(st.st_mode))
		return r;
	cleanup_free char *sub = xasprintf("%s/", path);

	if (w->overlay && opaque(dfd, name)) {
		cleanup_free char *opq = xasprintf("%s.wh..wh..opq", sub);

		if (write_empty(w, opq, &st) < 0)
			return -1;
	}
	cleanup_close int fd = openat(dfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return cg_error(w->err, errno, "open directory '%s'", path);
	return walk(w, fd, sub, depth + 1);
}

static int walk(struct walker *w, int dfd, const char *prefix, int depth)
{
	char **names;
	int r = 0;

	if (depth > MAX_DEPTH)
		return cg_error(w->err, 0, "'%s': directories nested more than %d deep", prefix, MAX_DEPTH);
	if ((names = dir_names(dfd, prefix, w->err)) == NULL)
		return -1;
	for (size_t i = 0; names[i] && r == 0; i++)
		r = one(w, dfd, prefix, names[i], depth);
	names_free(names);
	return r;
}

int cg_layer_tar(int dirfd, bool overlay, cg_tar_sink sink, void *arg, cg_err_t *err)
{
	struct walker *w = xcalloc(1, sizeof(*w));
	int r = -1;

	w->sink = sink;
	w->arg = arg;
	w->err = err;
	w->overlay = overlay;
	w->links = json_object_new_object();
	if ((w->a = archive_write_new()) == NULL) {
		cg_error(err, ENOMEM, "archive_write_new");
		goto out;
	}
	/* pax: long names, large ids and xattrs (as SCHILY.xattr, which Go's
	 * archive/tar reads too) where a ustar header has no room. The last
	 * block is not padded: the tar ends after its two zero blocks. */
	if (archive_write_set_format_pax_restricted(w->a) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(w->a, 1) != ARCHIVE_OK ||
	    archive_write_open(w->a, w, NULL, write_cb, NULL) != ARCHIVE_OK) {
		archive_err(w, "the layer");
		goto out;
	}
	if (walk(w, dirfd, "", 0) < 0)
		goto out;
	if (archive_write_close(w->a) != ARCHIVE_OK) {
		archive_err(w, "the layer's end");
		goto out;
	}
	r = 0;
out:
	if (w->a)
		archive_write_free(w->a);
	json_object_put(w->links);
	free(w);
	return r;
}
