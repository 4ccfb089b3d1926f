/* decompress.c - gzip (zlib) and zstd (libzstd) streams decompressed
 * incrementally from an fd that is only ever read (decompress.h). */
#include "config.h"

#include "decompress.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

enum cg_compression cg_compression_detect(const unsigned char *buf, size_t n)
{
	static const unsigned char xz[] = { 0xfd, '7', 'z', 'X', 'Z', 0x00 };

	if (n >= 2 && buf[0] == 0x1f && buf[1] == 0x8b)
		return CG_COMPRESSION_GZIP;
	if (n >= 4 && buf[0] == 0x28 && buf[1] == 0xb5 && buf[2] == 0x2f && buf[3] == 0xfd)
		return CG_COMPRESSION_ZSTD;
	if (n >= sizeof(xz) && memcmp(buf, xz, sizeof(xz)) == 0)
		return CG_COMPRESSION_XZ;
	if (n >= 3 && buf[0] == 'B' && buf[1] == 'Z' && buf[2] == 'h')
		return CG_COMPRESSION_BZIP2;
	return CG_COMPRESSION_NONE;
}

const char *cg_compression_name(enum cg_compression c)
{
	switch (c) {
	case CG_COMPRESSION_NONE: return "none";
	case CG_COMPRESSION_GZIP: return "gzip";
	case CG_COMPRESSION_ZSTD: return "zstd";
	case CG_COMPRESSION_XZ: return "xz";
	case CG_COMPRESSION_BZIP2: return "bzip2";
	}
	return "unknown";
}

/* Refill the input buffer once it is used up; sets in_eof at the end. */
static int fill(struct cg_decomp *d, cg_err_t *err)
{
	ssize_t n;

	if (d->in_pos < d->in_len || d->in_eof)
		return 0;
	do
		n = read(d->fd, d->in, sizeof(d->in));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return cg_error(err, errno, "read the layer");
	d->in_pos = 0;
	d->in_len = (size_t)n;
	d->compressed_bytes += (uint64_t)n;
	if (n == 0)
		d->in_eof = true;
	return 0;
}

int cg_decomp_open(struct cg_decomp *d, int fd, cg_err_t *err)
{
	memset(d, 0, sizeof(*d));
	d->fd = fd;
	/* Up to 6 bytes (xz's magic is the longest), however the pipe splits them. */
	while (d->in_len < 6 && !d->in_eof) {
		ssize_t n = read(fd, d->in + d->in_len, sizeof(d->in) - d->in_len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return cg_error(err, errno, "read the layer");
		if (n == 0)
			d->in_eof = true;
		d->in_len += (size_t)n;
		d->compressed_bytes += (uint64_t)n;
	}
	if (d->in_len == 0)
		return cg_error(err, 0, "the layer is empty (not even a tar's end-of-archive blocks)");
	d->kind = cg_compression_detect(d->in, d->in_len);
	switch (d->kind) {
	case CG_COMPRESSION_XZ:
	case CG_COMPRESSION_BZIP2:
		return cg_error(err, 0, "the layer is %s-compressed: only gzip, zstd and uncompressed "
				"layers are supported", cg_compression_name(d->kind));
	case CG_COMPRESSION_GZIP:
		/* 16 + 15: a gzip wrapper, the largest window. */
		if (inflateInit2(&d->z, 16 + MAX_WBITS) != Z_OK)
			return cg_error(err, 0, "zlib: inflateInit2 failed");
		d->z_ready = true;
		break;
	case CG_COMPRESSION_ZSTD:
		d->zstd = ZSTD_createDStream();
		if (d->zstd == NULL)
			return cg_error(err, ENOMEM, "zstd: ZSTD_createDStream");
		if (ZSTD_isError(ZSTD_initDStream(d->zstd)))
			return cg_error(err, 0, "zstd: ZSTD_initDStream failed");
		/* The window a frame may ask for is what bounds zstd's memory:
		 * 2^27 (128 MiB, libzstd's own default limit, what "zstd --long"
		 * makes); a frame asking more is refused, not obeyed. */
		if (ZSTD_isError(ZSTD_DCtx_setParameter(d->zstd, ZSTD_d_windowLogMax, 27)))
			return cg_error(err, 0, "zstd: setting the window limit failed");
		d->zstd_last = 1;
		break;
	case CG_COMPRESSION_NONE:
		break;
	}
	return 0;
}

static ssize_t read_plain(struct cg_decomp *d, unsigned char *out, size_t len, cg_err_t *err)
{
	size_t n;

	if (fill(d, err) < 0)
		return -1;
	n = d->in_len - d->in_pos;
	if (n > len)
		n = len;
	memcpy(out, d->in + d->in_pos, n);
	d->in_pos += n;
	return (ssize_t)n;
}

static ssize_t read_gzip(struct cg_decomp *d, unsigned char *out, size_t len, cg_err_t *err)
{
	d->z.next_out = out;
	d->z.avail_out = (uInt)(len > UINT32_MAX ? UINT32_MAX : len);
	while (d->z.avail_out > 0) {
		int r;

		if (fill(d, err) < 0)
			return -1;
		if (d->member_done) {
			/* gzip allows members one after the other ("gzip -c a >
			 * x; gzip -c b >> x"); anything else after one is not gzip. */
			if (d->in_eof)
				break;
			if (d->in[d->in_pos] != 0x1f)
				return cg_error(err, 0, "corrupt gzip layer: trailing data after the compressed stream");
			if (inflateReset(&d->z) != Z_OK)
				return cg_error(err, 0, "zlib: inflateReset failed");
			d->member_done = false;
		}
		/* At the end of the input inflate is still called: it may hold
		 * output it had no room for; no progress then means truncation. */
		d->z.next_in = d->in + d->in_pos;
		d->z.avail_in = (uInt)(d->in_len - d->in_pos);
		r = inflate(&d->z, Z_NO_FLUSH);
		d->in_pos = d->in_len - d->z.avail_in;
		if (r == Z_STREAM_END) {
			d->member_done = true;
			continue;
		}
		if (r == Z_BUF_ERROR && d->in_eof)
			return cg_error(err, 0, "truncated gzip layer: the stream ends before its end marker");
		if (r == Z_BUF_ERROR)
			continue;
		if (r != Z_OK)
			return cg_error(err, 0, "corrupt gzip layer: %s", d->z.msg ? d->z.msg : "inflate failed");
		/* Some output made: hand it over rather than wait for more input. */
		if (d->z.avail_out < len)
			break;
	}
	return (ssize_t)(len - d->z.avail_out);
}

static ssize_t read_zstd(struct cg_decomp *d, unsigned char *out, size_t len, cg_err_t *err)
{
	ZSTD_outBuffer ob = { out, len, 0 };

	while (ob.pos == 0) {
		ZSTD_inBuffer ib;
		size_t r;

		if (fill(d, err) < 0)
			return -1;
		if (d->in_eof) {
			/* Frames complete and flushed: the clean end. */
			if (d->zstd_last == 0)
				break;
			/* A frame not finished may still hold output to flush. */
			ib = (ZSTD_inBuffer){ d->in, 0, 0 };
			r = ZSTD_decompressStream(d->zstd, &ob, &ib);
			if (ZSTD_isError(r))
				return cg_error(err, 0, "corrupt zstd layer: %s", ZSTD_getErrorName(r));
			d->zstd_last = r;
			if (ob.pos == 0)
				return cg_error(err, 0, "truncated zstd layer: the stream ends inside a frame");
			break;
		}
		ib = (ZSTD_inBuffer){ d->in + d->in_pos, d->in_len - d->in_pos, 0 };
		r = ZSTD_decompressStream(d->zstd, &ob, &ib);
		d->in_pos += ib.pos;
		if (ZSTD_isError(r))
			return cg_error(err, 0, "corrupt zstd layer: %s", ZSTD_getErrorName(r));
		d->zstd_last = r;
	}
	return (ssize_t)ob.pos;
}

ssize_t cg_decomp_read(struct cg_decomp *d, void *out, size_t len, cg_err_t *err)
{
	switch (d->kind) {
	case CG_COMPRESSION_GZIP:
		return read_gzip(d, out, len, err);
	case CG_COMPRESSION_ZSTD:
		return read_zstd(d, out, len, err);
	case CG_COMPRESSION_NONE:
		return read_plain(d, out, len, err);
	default:
		return cg_error(err, EINVAL, "the layer's compression (%s) is not supported",
				cg_compression_name(d->kind));
	}
}

void cg_decomp_free(struct cg_decomp *d)
{
	if (d->z_ready)
		inflateEnd(&d->z);
	d->z_ready = false;
	ZSTD_freeDStream(d->zstd);
	d->zstd = NULL;
}
