/* layers.c - the layer store (layers.h). */
#include "config.h"

#include "layers.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctx.h"

bool cg_layer_hex_valid(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return i == 64;
}

char *cg_layer_link(const char *hex)
{
	return xasprintf("l/%.*s", CG_LAYER_LINK_LEN, hex);
}

char *cg_layer_dir(const struct cg_ctx *ctx, const char *hex)
{
	return xasprintf("%s/layers/%s", ctx->store_dir, hex);
}

bool cg_layer_present(const struct cg_ctx *ctx, const char *hex)
{
	cleanup_free char *diff = xasprintf("%s/layers/%s/diff", ctx->store_dir, hex);
	struct stat st;

	return stat(diff, &st) == 0 && S_ISDIR(st.st_mode);
}

uint64_t cg_layer_size(const struct cg_ctx *ctx, const char *hex)
{
	cleanup_free char *path = xasprintf("%s/layers/%s/size", ctx->store_dir, hex);
	cleanup_free char *text = NULL;
	cg_err_t ignore = { 0 };

	if (read_file(path, &text, 64, &ignore) < 0)
		return 0;
	return strtoull(text, NULL, 10);
}

static int lock_path(const char *path, int how, cg_err_t *err)
{
	for (;;) {
		struct stat a, b;
		int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

		if (fd < 0)
			return cg_error(err, errno, "open %s", path);
		if (flock(fd, how) < 0) {
			int e = errno;

			close(fd);
			if (e == EWOULDBLOCK)
				return -EWOULDBLOCK;
			return cg_error(err, e, "lock %s", path);
		}
		/* The collector unlinks lock files it holds: ours must still
		 * be the one the path names, else lock the new one. */
		if (fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev)
			return fd;
		close(fd);
	}
}

static int layers_root(const struct cg_ctx *ctx, cg_err_t *err)
{
	cleanup_free char *layers = xasprintf("%s/layers", ctx->store_dir);
	cleanup_free char *links = xasprintf("%s/l", ctx->store_dir);

	if (mkdir_p(layers, 0700, err) < 0 || mkdir_p(links, 0700, err) < 0)
		return -1;
	return 0;
}

int cg_layers_lock(const struct cg_ctx *ctx, int how, bool nonblock, cg_err_t *err)
{
	cleanup_free char *path = xasprintf("%s/layers/.lock", ctx->store_dir);

	if (layers_root(ctx, err) < 0)
		return -1;
	return lock_path(path, how | (nonblock ? LOCK_NB : 0), err);
}

int cg_layer_lock(const struct cg_ctx *ctx, const char *hex, cg_err_t *err)
{
	cleanup_free char *path = xasprintf("%s/layers/%s.lock", ctx->store_dir, hex);

	if (layers_root(ctx, err) < 0)
		return -1;
	return lock_path(path, LOCK_EX, err);
}

void cg_layer_unlock(const struct cg_ctx *ctx, const char *hex, int fd)
{
	cleanup_free char *path = xasprintf("%s/layers/%s.lock", ctx->store_dir, hex);

	if (fd < 0)
		return;
	unlink(path);
	close(fd);
}

int cg_layer_begin(const struct cg_ctx *ctx, const char *hex, char **tmp, cg_err_t *err)
{
	cleanup_free char *diff = NULL;

	if (layers_root(ctx, err) < 0)
		return -1;
	*tmp = xasprintf("%s/layers/.tmp-%s-%d", ctx->store_dir, hex, (int)getpid());
	diff = xasprintf("%s/diff", *tmp);
	rm_rf(*tmp, NULL);
	if (mkdir(*tmp, 0700) < 0 || mkdir(diff, 0755) < 0) {
		int e = errno;

		rm_rf(*tmp, NULL);
		free(*tmp);
		*tmp = NULL;
		return cg_error(err, e, "create %s", diff);
	}
	return 0;
}

int cg_layer_commit(const struct cg_ctx *ctx, const char *hex, const char *tmp, uint64_t size, cg_err_t *err)
{
	cleanup_free char *sizef = xasprintf("%s/size", tmp);
	cleanup_free char *text = xasprintf("%" PRIu64 "\n", size);
	cleanup_free char *rel = cg_layer_link(hex);
	cleanup_free char *link = xasprintf("%s/%s", ctx->store_dir, rel);
	cleanup_free char *target = xasprintf("../layers/%s/diff", hex);
	cleanup_free char *final = cg_layer_dir(ctx, hex);

	if (write_file_atomic(sizef, text, 0644, err) < 0)
		return -1;
	/* The link first: dangling until the rename, never missing after. */
	if (symlink(target, link) < 0 && errno != EEXIST)
		return cg_error(err, errno, "symlink %s", link);
	if (rename(tmp, final) < 0)
		return cg_error(err, errno, "rename %s to %s", tmp, final);
	return 0;
}

int cg_layer_remove(const struct cg_ctx *ctx, const char *hex, cg_err_t *err)
{
	cleanup_free char *dir = cg_layer_dir(ctx, hex);
	cleanup_free char *trash = xasprintf("%s/layers/.rm-%s-%d", ctx->store_dir, hex, (int)getpid());
	cleanup_free char *rel = cg_layer_link(hex);
	cleanup_free char *link = xasprintf("%s/%s", ctx->store_dir, rel);

	if (rename(dir, trash) < 0)
		return errno == ENOENT ? 0 : cg_error(err, errno, "remove layer %s", hex);
	if (unlink(link) < 0 && errno != ENOENT)
		return cg_error(err, errno, "unlink %s", link);
	return rm_rf(trash, err);
}
