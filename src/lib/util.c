/* util.c - errors, allocation, files. */
#include "config.h"

#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

extern char **environ;

int cg_error(cg_err_t *err, int errnum, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (err == NULL)
		return errnum > 0 ? -errnum : -1;
	va_start(ap, fmt);
	n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	if (errnum > 0 && n >= 0 && (size_t)n < sizeof(err->msg))
		snprintf(err->msg + n, sizeof(err->msg) - n, ": %s", strerror(errnum));
	err->code = errnum > 0 ? errnum : 1;
	if (err->exit_code == 0)
		err->exit_code = 125;
	return -err->code;
}

int cg_error_wrap(cg_err_t *err, const char *fmt, ...)
{
	char prefix[512], old[sizeof(err->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	size_t pl = strnlen(prefix, sizeof(prefix)), ol = strnlen(old, sizeof(old) - 1);
	size_t cap = sizeof(err->msg) - 1, o = 0;

	/* prefix + ": " + old, cut at the buffer's end. */
	memcpy(err->msg, prefix, pl < cap ? pl : cap);
	o = pl < cap ? pl : cap;
	for (const char *sep = ": "; *sep && o < cap; sep++)
		err->msg[o++] = *sep;
	if (o < cap) {
		size_t n = ol < cap - o ? ol : cap - o;

		memcpy(err->msg + o, old, n);
		o += n;
	}
	err->msg[o] = '\0';
	return -err->code;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	return s;
}

char *xstrdup(const char *s)
{
	char *d = strdup(s);

	if (d == NULL)
		abort();
	return d;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		abort();
	return p;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, buf, len);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

int write_file(const char *path, const char *buf, cg_err_t *err)
{
	cleanup_close int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	int r;

	if (fd < 0)
		return cg_error(err, errno, "open %s", path);
	r = write_all(fd, buf, strlen(buf));
	if (r < 0)
		return cg_error(err, -r, "write '%s' to %s", buf, path);
	return 0;
}

int write_file_atomic(const char *path, const char *buf, mode_t mode, cg_err_t *err)
{
	return write_file_atomic_at(AT_FDCWD, path, buf, strlen(buf), mode, err);
}

int write_file_atomic_at(int dirfd, const char *name, const char *buf, size_t len, mode_t mode,
			 cg_err_t *err)
{
	char tmp[PATH_MAX];
	int fd, r;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp.%d", name, (int)getpid()) >= sizeof(tmp))
		return cg_error(err, ENAMETOOLONG, "write %s", name);
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0)
		return cg_error(err, errno, "create %s", tmp);
	/* No fsync: these are runtime records and scratch files, rebuilt or
	 * cleaned up after a crash; rename alone already rules out a torn
	 * file for readers. Three fsyncs cost about 3 ms per container. */
	r = write_all(fd, buf, len);
	if (close(fd) < 0 && r == 0)
		r = -errno;
	/* Trade names with the old file and drop it rather than rename over
	 * it: when a rename replaces a file, ext4 (auto_da_alloc) writes the
	 * new file's data out first, up to 6 ms for a record here. Readers see
	 * the old or the new file either way. No old file (ENOENT) or no
	 * exchange on this file system: a plain rename. */
	if (r == 0 && syscall(SYS_renameat2, dirfd, tmp, dirfd, name, RENAME_EXCHANGE) == 0) {
		/* NAME is already the new file; a failed unlink only leaves the
		 * old content under the temporary name, which the next write of
		 * NAME by this process replaces. */
		unlinkat(dirfd, tmp, 0);
		return 0;
	}
	if (r == 0 && renameat(dirfd, tmp, dirfd, name) < 0)
		r = -errno;
	if (r < 0) {
		unlinkat(dirfd, tmp, 0);
		return cg_error(err, -r, "write %s", name);
	}
	return 0;
}

int write_new_file(const char *path, const char *buf, mode_t mode, cg_err_t *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
	int r;

	if (fd < 0)
		return cg_error(err, errno, "create %s", path);
	r = write_all(fd, buf, strlen(buf));
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r < 0) {
		unlink(path);
		return cg_error(err, -r, "write %s", path);
	}
	return 0;
}

int read_fd(int fd, char **out, size_t max, const char *what, cg_err_t *err)
{
	cleanup_free char *buf = NULL;
	size_t len = 0, cap = 0;

	for (;;) {
		ssize_t n;

		if (len + 1 >= cap) {
			char *nb;

			cap = cap ? cap * 2 : 4096;
			nb = realloc(buf, cap);
			if (nb == NULL)
				abort();
			buf = nb;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return cg_error(err, errno, "read %s", what);
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max)
			return cg_error(err, EFBIG, "read %s", what);
	}
	buf[len] = '\0';
	*out = steal_pointer(&buf);
	return 0;
}

int read_file_at(int dirfd, const char *path, char **out, size_t max, cg_err_t *err)
{
	/* O_NONBLOCK: a FIFO put where a file should be (a damaged store, an
	 * image's metadata) must not hold up the caller, cgrund's whole loop
	 * in its case, until someone writes to it; it is refused below. */
	cleanup_close int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	struct stat st;

	/* But O_NONBLOCK also turns a write lease held on a regular file (a
	 * stats file cgrund is about to rewrite, exchfile.h) into EWOULDBLOCK
	 * instead of the short wait the lease promises its readers: wait then. */
	if (fd < 0 && (errno == EWOULDBLOCK || errno == EAGAIN))
		fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return cg_error(err, errno, "open %s", path);
	if (fstat(fd, &st) < 0)
		return cg_error(err, errno, "stat %s", path);
	if (!S_ISREG(st.st_mode))
		return cg_error(err, 0, "%s is not a regular file", path);
	return read_fd(fd, out, max, path, err);
}

int read_file(const char *path, char **out, size_t max, cg_err_t *err)
{
	return read_file_at(AT_FDCWD, path, out, max, err);
}

int mkdir_p(const char *path, mode_t mode, cg_err_t *err)
{
	cleanup_free char *p = xstrdup(path);

	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;

		*s = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST)
			return cg_error(err, errno, "mkdir %s", p);
		if (c == '\0')
			break;
		*s = c;
	}
	return 0;
}

/* Removes NAME below PARENT and, if it is a directory, all below it, without
 * following a symlink or crossing into another filesystem (a mount point
 * below is refused: a container's leftover mount must not take the host's
 * files with it). */
static int rm_tree_below(int parent, const char *name, dev_t dev, cg_err_t *err)
{
	struct stat st;
	cleanup_closedir DIR *d = NULL;
	struct dirent *de;
	int fd;

	if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : cg_error(err, errno, "stat %s", name);
	if (!S_ISDIR(st.st_mode)) {
		if (unlinkat(parent, name, 0) < 0 && errno != ENOENT)
			return cg_error(err, errno, "unlink %s", name);
		return 0;
	}
	if (st.st_dev != dev)
		return cg_error(err, EXDEV, "refusing to remove %s: it is a mount point", name);
	/* overlayfs leaves its work/work dir with mode 000. */
	fchmodat(parent, name, 0700, 0);
	fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return cg_error(err, errno, "open %s", name);
	d = fdopendir(fd);
	if (d == NULL) {
		close(fd);
		return cg_error(err, errno, "opendir %s", name);
	}
	while ((errno = 0, de = readdir(d)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (rm_tree_below(dirfd(d), de->d_name, dev, err) < 0)
			return cg_error_wrap(err, "%s", name);
	}
	if (errno != 0)
		return cg_error(err, errno, "read directory %s", name);
	if (unlinkat(parent, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return cg_error(err, errno, "rmdir %s", name);
	return 0;
}

int rm_rf_at(int parent, const char *name, cg_err_t *err)
{
	struct stat st;

	if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : cg_error(err, errno, "stat %s", name);
	return rm_tree_below(parent, name, st.st_dev, err);
}

int rm_rf(const char *path, cg_err_t *err)
{
	return rm_rf_at(AT_FDCWD, path, err);
}

bool path_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

int run_command(char *const argv[], cg_err_t *err)
{
	posix_spawn_file_actions_t fa;
	cleanup_free char *out = NULL;
	int p[2], status, r;
	pid_t pid;

	/* The tool's own complaints are kept, and the first of them (the
	 * cause; tar's last line is only "exiting now") becomes the one line
	 * cgrun prints. */
	if (pipe2(p, O_CLOEXEC) < 0)
		return cg_error(err, errno, "pipe");
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], STDERR_FILENO);
	r = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (r != 0) {
		close(p[0]);
		return cg_error(err, r, "run %s", argv[0]);
	}
	if (read_fd(p[0], &out, 1 << 20, argv[0], NULL) < 0)
		out = NULL;
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return cg_error(err, errno, "wait for %s", argv[0]);
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (out) {
		char *line = out + strspn(out, "\n ");

		line[strcspn(line, "\n")] = '\0';
		if (line[0])
			return cg_error(err, 0, "%s", line);
	}
	if (WIFEXITED(status))
		return cg_error(err, 0, "%s exited with status %d", argv[0], WEXITSTATUS(status));
	return cg_error(err, 0, "%s killed by signal %d", argv[0], WTERMSIG(status));
}

static char *title_start;
static size_t title_len;

void cg_proc_title_init(int argc, char **argv)
{
	if (argc <= 0)
		return;
	title_start = argv[0];
	title_len = (size_t)(argv[argc - 1] + strlen(argv[argc - 1]) - argv[0]);
}

void cg_proc_title_set(const char *title)
{
	/* The container's init is a fork of cgrun: without this its
	 * /proc/1/cmdline would show cgrun's host command line (volume paths
	 * and all) to the container. */
	prctl(PR_SET_NAME, title, 0, 0, 0);
	if (title_start == NULL || title_len == 0)
		return;
	memset(title_start, 0, title_len);
	snprintf(title_start, title_len, "%s", title);
}

void cg_strv_push(char ***v, const char *s)
{
	size_t n = cg_strv_len(*v);
	char **nv = realloc(*v, (n + 2) * sizeof(char *));

	if (nv == NULL)
		abort();
	nv[n] = xstrdup(s);
	nv[n + 1] = NULL;
	*v = nv;
}

size_t cg_strv_len(char *const *v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

void cg_strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}
