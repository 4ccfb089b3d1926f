/* decompress.h - a layer's byte stream, decompressed as it is read.
 *
 * A layer blob arrives on a pipe or a file that is never seeked: its
 * compression is told by its first bytes, and the bytes are inflated with
 * zlib's or libzstd's streaming interfaces into the caller's buffer, so the
 * caller sees (and hashes) exactly the uncompressed tar. Memory is the fixed
 * input buffer plus the codec's window, whatever the layer's size. */
#ifndef CGRUN_IMAGE_DECOMPRESS_H
#define CGRUN_IMAGE_DECOMPRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <zlib.h>

#include "util.h"

enum cg_compression {
	CG_COMPRESSION_NONE,
	CG_COMPRESSION_GZIP,
	CG_COMPRESSION_ZSTD,
	CG_COMPRESSION_XZ,    /* recognised only to be refused clearly */
	CG_COMPRESSION_BZIP2, /* likewise */
};

/* Pure. The compression whose magic buf (n bytes, the stream's first)
 * starts with; NONE when none does (a tar, or garbage the tar reader
 * refuses). */
enum cg_compression cg_compression_detect(const unsigned char *buf, size_t n);
const char *cg_compression_name(enum cg_compression c);

#define CG_DECOMP_IN_SIZE (64 * 1024)

struct cg_decomp {
	int fd;
	enum cg_compression kind;
	unsigned char in[CG_DECOMP_IN_SIZE];
	size_t in_pos, in_len;
	bool in_eof;
	bool member_done;       /* gzip: a member ended; another may follow */
	bool z_ready;
	z_stream z;
	void *zstd;             /* ZSTD_DStream */
	size_t zstd_last;       /* libzstd's last hint: 0 once a frame is complete */
	uint64_t compressed_bytes;
};

/* Reads the first bytes of fd to tell the compression; xz and bzip2 are
 * refused with a message saying so. d must be freed with cg_decomp_free
 * whatever the result. */
int cg_decomp_open(struct cg_decomp *d, int fd, cg_err_t *err);
/* Up to len uncompressed bytes into out: their count, 0 at the clean end
 * of the stream, or -1 with err set (a truncated or corrupt stream, a read
 * error). */
ssize_t cg_decomp_read(struct cg_decomp *d, void *out, size_t len, cg_err_t *err);
void cg_decomp_free(struct cg_decomp *d);

#endif
