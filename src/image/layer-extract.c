/* layer-extract.c - a layer stream decompressed by us, hashed into its
 * diff_id, parsed by libarchive's tar reader (no filters, no writer) and
 * made entry by entry by extract-entry.c (layer-extract.h). */
#include "config.h"

#include "layer-extract.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "decompress.h"
#include "extract-entry.h"
#include "sha256.h"

#define TAR_BUF_SIZE (64 * 1024)

/* The reader's source: the decompressor, every byte handed to libarchive
 * hashed once. */
struct source {
	struct cg_decomp dec;
	struct cg_sha256 hash;
	unsigned char buf[TAR_BUF_SIZE];
	uint64_t tar_bytes;
	cg_err_t err;  /* why the stream failed (libarchive only says "read failed") */
	bool failed;
};

static ssize_t pull(struct source *s)
{
	ssize_t n = cg_decomp_read(&s->dec, s->buf, sizeof(s->buf), &s->err);

	if (n > 0 && cg_sha256_update(&s->hash, s->buf, (size_t)n, &s->err) < 0)
		n = -1;
	if (n < 0)
		s->failed = true;
	else
		s->tar_bytes += (uint64_t)n;
	return n;
}

static la_ssize_t read_cb(struct archive *a, void *client, const void **buf)
{
	struct source *s = client;
	ssize_t n = pull(s);

	*buf = s->buf;
	if (n < 0) {
		archive_set_error(a, EIO, "%s", s->err.msg);
		return -1;
	}
	return n;
}

static void archive_freep(struct archive **a)
{
	if (*a)
		archive_read_free(*a);
}

static int stream_error(struct source *s, struct archive *a, const char *what, cg_err_t *err)
{
	/* A failure of the stream itself (truncated gzip, read error) is the
	 * cause; libarchive's message is only its echo. */
	if (s->failed) {
		*err = s->err;
		return -err->code;
	}
	return cg_error(err, 0, "%s: %s", what, archive_error_string(a) ? archive_error_string(a) : "failed");
}

static int read_entries(struct cg_extract_ctx *x, struct source *s, struct cg_extract_stats *st,
			cg_err_t *err)
{
	__attribute__((cleanup(archive_freep))) struct archive *a = archive_read_new();
	struct archive_entry *e;
	int r;

	if (a == NULL)
		return cg_error(err, ENOMEM, "archive_read_new");
	/* The tar reader alone (ustar, pax, GNU): decompression is ours. */
	if (archive_read_support_format_tar(a) != ARCHIVE_OK ||
	    archive_read_support_format_gnutar(a) != ARCHIVE_OK)
		return cg_error(err, 0, "libarchive: %s", archive_error_string(a));
	if (archive_read_open(a, s, NULL, read_cb, NULL) != ARCHIVE_OK)
		return stream_error(s, a, "the layer is not a tar archive", err);
	while ((r = archive_read_next_header(a, &e)) != ARCHIVE_EOF) {
		/* WARN: a name not convertible to the locale, kept as bytes. */
		if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
			return stream_error(s, a, st->entries ? "the layer's tar is corrupt after its entry"
						    " number %u" : "the layer is not a tar archive", err);
		st->entries++;
		if (cg_x_entry(x, a, e, err) < 0)
			return -1;
	}
	return 0;
}

int cg_layer_extract_fd(int rootfd, int in_fd, const struct cg_extract_opts *o, char diff_id[72],
			struct cg_extract_stats *st, cg_err_t *err)
{
	struct cg_extract_stats local = { 0 };
	cg_err_t err_local = { 0 };
	struct cg_extract_ctx x = { .rootfd = -1, .o = o };
	cleanup_free struct source *s = xcalloc(1, sizeof(*s));
	ssize_t n;
	int r = -1;

	if (st == NULL)
		st = &local;
	if (err == NULL)
		err = &err_local;
	memset(st, 0, sizeof(*st));
	if (o->mode != CG_EXTRACT_OVERLAY && o->mode != CG_EXTRACT_FLATTEN)
		return cg_error(err, EINVAL, "unknown extraction mode %d", o->mode);
	x.rootfd = openat(rootfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (x.rootfd < 0)
		return cg_error(err, errno, "open the layer's root");
	if (o->mode == CG_EXTRACT_FLATTEN)
		x.made = json_object_new_object();
	if (cg_sha256_init(&s->hash, err) < 0)
		goto out;
	if (cg_decomp_open(&s->dec, in_fd, err) < 0)
		goto out;
	if (read_entries(&x, s, st, err) < 0)
		goto out;
	/* Past the tar's end blocks: whatever follows is part of the stream
	 * the diff_id names. */
	while ((n = pull(s)) > 0)
		;
	if (n < 0) {
		*err = s->err;
		goto out;
	}
	if (cg_x_finish_dirs(&x, err) < 0)
		goto out;
	if (cg_sha256_final(&s->hash, diff_id, err) < 0)
		goto out;
	r = 0;
out:
	st->compressed_bytes = s->dec.compressed_bytes;
	st->tar_bytes = s->tar_bytes;
	cg_sha256_free(&s->hash);
	cg_decomp_free(&s->dec);
	cg_x_ctx_free(&x);
	return r;
}
