/* load-members.c - an image archive's members, one pass
 * (load-members.h). */
#include "config.h"

#include "load-members.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archive-meta.h"
#include "decompress.h"
#include "layer-extract.h"
#include "layers.h"
#include "tar-path.h"

#define SMALL_TOTAL (64u << 20)  /* all the in-memory members together */
#define MEMBERS_MAX 100000
#define LINK_HOPS 16

static int archive_fail(struct archive *a, const char *what, cg_err_t *err)
{
	const char *s = archive_error_string(a);

	return cg_error(err, 0, "%s: %s", what, s ? s : "read failed");
}

/* ------------------------------------------------------------------------
 * Members as they stream by. */

struct extract_job {
	int rootfd, in_fd;
	char diff_id[CG_SHA256_DIGEST_LEN];
	struct cg_extract_stats st;
	cg_err_t err;
	int r;
};

static void *extract_thread(void *arg)
{
	struct extract_job *j = arg;
	struct cg_extract_opts o = { .mode = CG_EXTRACT_OVERLAY, .keep_owner = true };

	j->r = cg_layer_extract_fd(j->rootfd, j->in_fd, &o, j->diff_id, &j->st, &j->err);
	close(steal_fd(&j->in_fd));  /* the writer must not block on a full pipe */
	return NULL;
}

/* Write all of buf, unless the reader went away (*broken then). */
static void pipe_write(int fd, const void *buf, size_t n, bool *broken)
{
	const char *p = buf;

	while (n > 0 && !*broken) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			*broken = true;  /* EPIPE: the extractor's error says why */
			return;
		}
		p += w;
		n -= (size_t)w;
	}
}

/* A scratch directory with diff/ in it, and diff/'s O_PATH fd. */
int cg_members_scratch(struct cg_members *ms, char **dir, cg_err_t *err)
{
	cleanup_free char *diff = NULL;
	int fd;

	*dir = xasprintf("%s/%u", ms->scratch, ms->nscratch++);
	diff = xasprintf("%s/diff", *dir);
	if (mkdir(*dir, 0700) < 0 || mkdir(diff, 0755) < 0 ||
	    (fd = open(diff, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
		int e = errno;

		rm_rf(*dir, NULL);
		free(steal_pointer(dir));
		return cg_error(err, e, "create %s", diff);
	}
	return fd;
}

static void layer_result(struct cg_member *m, char *dir, const struct extract_job *job)
{
	m->kind = CG_MEMBER_LAYER;
	if (job->r < 0) {
		m->error = xstrdup(job->err.msg);
		rm_rf(dir, NULL);
		free(dir);
		return;
	}
	m->dir = dir;
	memcpy(m->diff_id, job->diff_id, sizeof(m->diff_id));
	m->tar_bytes = job->st.tar_bytes;
}

/* The member's bytes (peek, then the rest from a) into the extractor,
 * which runs in a thread of its own reading a pipe. */
static int stream_layer(struct cg_members *ms, struct archive *a, struct cg_member *m, const unsigned char *peek,
			size_t npeek, struct cg_sha256 *h, cg_err_t *err)
{
	struct extract_job job = { .in_fd = -1 };
	char *dir = NULL;
	bool broken = false;
	la_ssize_t r;
	int pfd[2], e;
	pthread_t th;

	if ((job.rootfd = cg_members_scratch(ms, &dir, err)) < 0)
		return -1;
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		e = errno;
		close(job.rootfd);
		rm_rf(dir, NULL);
		free(dir);
		return cg_error(err, e, "pipe");
	}
	job.in_fd = pfd[0];
	if ((e = pthread_create(&th, NULL, extract_thread, &job)) != 0) {
		close(pfd[0]);
		close(pfd[1]);
		close(job.rootfd);
		rm_rf(dir, NULL);
		free(dir);
		return cg_error(err, e, "starting a layer's extractor");
	}
	pipe_write(pfd[1], peek, npeek, &broken);
	while ((r = archive_read_data(a, ms->buf, sizeof(ms->buf))) > 0) {
		if (cg_sha256_update(h, ms->buf, (size_t)r, err) < 0)
			break;
		pipe_write(pfd[1], ms->buf, (size_t)r, &broken);
	}
	close(pfd[1]);
	pthread_join(th, NULL);
	close(job.rootfd);
	if (r != 0) {
		rm_rf(dir, NULL);
		free(dir);
		return r < 0 ? archive_fail(a, m->name, err) : -1;
	}
	layer_result(m, dir, &job);
	return cg_sha256_final(h, m->digest, err);
}

static int read_small(struct cg_members *ms, struct archive *a, struct cg_member *m, const unsigned char *peek,
		      size_t npeek, struct cg_sha256 *h, cg_err_t *err)
{
	la_ssize_t r;

	m->kind = CG_MEMBER_SMALL;
	m->data = malloc((size_t)m->size + 1);
	if (m->data == NULL)
		abort();
	memcpy(m->data, peek, npeek);
	m->len = npeek;
	while (m->len < (size_t)m->size &&
	       (r = archive_read_data(a, m->data + m->len, (size_t)m->size - m->len)) > 0)
		m->len += (size_t)r;
	if (m->len != (size_t)m->size)
		return archive_fail(a, m->name, err);
	m->data[m->len] = '\0';
	ms->small_total += m->len;
	if (cg_sha256_update(h, m->data + npeek, m->len - npeek, err) < 0)
		return -1;
	return cg_sha256_final(h, m->digest, err);
}

/* A layer blob starts with a tar header ("ustar" at 257) or a
 * compressor's magic; a document or anything else does not. (docker's
 * empty layer, 1024 zero bytes, has neither: it is small, kept in
 * memory, and extracted from there if a manifest names it.) */
static bool layerish(const unsigned char *p, size_t n)
{
	return cg_compression_detect(p, n) != CG_COMPRESSION_NONE || (n >= 262 && !memcmp(p + 257, "ustar", 5));
}

static int read_member(struct cg_members *ms, struct archive *a, struct archive_entry *e, struct cg_member *m,
		       cg_err_t *err)
{
	cleanup_sha256 struct cg_sha256 h = { 0 };
	unsigned char peek[512];
	size_t np = 0;
	la_ssize_t r = 0;

	m->size = archive_entry_size(e);
	if (cg_sha256_init(&h, err) < 0)
		return -1;
	while (np < sizeof(peek) && (r = archive_read_data(a, peek + np, sizeof(peek) - np)) > 0)
		np += (size_t)r;
	if (r < 0)
		return archive_fail(a, m->name, err);
	if (cg_sha256_update(&h, peek, np, err) < 0)
		return -1;
	if (layerish(peek, np))
		return stream_layer(ms, a, m, peek, np, &h, err);
	if (m->size >= 0 && (uint64_t)m->size <= CG_MEMBER_SMALL_MAX && ms->small_total + (uint64_t)m->size <= SMALL_TOTAL)
		return read_small(ms, a, m, peek, np, &h, err);
	m->kind = CG_MEMBER_OTHER;
	return archive_read_data_skip(a) == ARCHIVE_OK ? 0 : archive_fail(a, m->name, err);
}

struct cg_member *cg_members_find(struct cg_members *ms, const char *name)
{
	json_object *v;

	if (!json_object_object_get_ex(ms->index, name, &v))
		return NULL;
	return &ms->m[json_object_get_int(v)];
}

static int add_entry(struct cg_members *ms, struct archive *a, struct archive_entry *e, cg_err_t *err)
{
	const char *raw = archive_entry_pathname(e), *why = NULL;
	cleanup_free char *name = raw ? cg_tar_path_clean(raw, &why) : NULL;
	mode_t type = archive_entry_filetype(e);
	struct cg_member *m;

	if (name == NULL)
		return cg_error(err, 0, "archive member '%s': %s", raw ? raw : "", why ? why : "no name");
	if (type == AE_IFDIR || name[0] == '\0')
		return 0;
	if (cg_members_find(ms, name))
		return cg_error(err, 0, "archive member '%s' is there twice", name);
	if (ms->n == MEMBERS_MAX)
		return cg_error(err, 0, "more than %d members in the archive", MEMBERS_MAX);
	if (ms->n == ms->cap) {
		ms->cap = ms->cap ? ms->cap * 2 : 64;
		ms->m = realloc(ms->m, ms->cap * sizeof(*ms->m));
		if (ms->m == NULL)
			abort();
	}
	m = &ms->m[ms->n];
	memset(m, 0, sizeof(*m));
	m->name = steal_pointer(&name);
	json_object_object_add(ms->index, m->name, json_object_new_int((int)ms->n));
	ms->n++;
	if (archive_entry_hardlink(e)) {
		/* A hard link names the member from the archive's root. */
		m->kind = CG_MEMBER_LINK;
		if ((m->link = cg_tar_path_clean(archive_entry_hardlink(e), &why)) == NULL || m->link[0] == '\0')
			return cg_error(err, 0, "archive member '%s': its link leads out of the archive", m->name);
		return 0;
	}
	if (type == AE_IFLNK) {
		/* docker save links a layer it has saved already. */
		m->kind = CG_MEMBER_LINK;
		if ((m->link = cg_archive_link_target(m->name, archive_entry_symlink(e))) == NULL)
			return cg_error(err, 0, "archive member '%s': its link to '%s' leads out of the archive",
					m->name, archive_entry_symlink(e));
		return 0;
	}
	if (type != AE_IFREG) {
		m->kind = CG_MEMBER_OTHER;
		return 0;
	}
	return read_member(ms, a, e, m, err);
}

int cg_members_read(struct cg_members *ms, int fd, cg_err_t *err)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	int r, ret = -1;
	bool any = false;

	if (a == NULL)
		return cg_error(err, ENOMEM, "archive_read_new");
	/* Compression told by magic: libarchive's filters bid on the first bytes. */
	if (archive_read_support_filter_gzip(a) < ARCHIVE_WARN || archive_read_support_filter_zstd(a) < ARCHIVE_WARN ||
	    archive_read_support_filter_xz(a) < ARCHIVE_WARN || archive_read_support_format_tar(a) != ARCHIVE_OK ||
	    archive_read_support_format_gnutar(a) != ARCHIVE_OK) {
		cg_error(err, 0, "libarchive: %s", archive_error_string(a));
		goto out;
	}
	if (archive_read_open_fd(a, fd, CG_MEMBERS_BUF) != ARCHIVE_OK) {
		archive_fail(a, "not an image archive (a tar, plain or gzip/zstd/xz-compressed)", err);
		goto out;
	}
	while ((r = archive_read_next_header(a, &e)) != ARCHIVE_EOF) {
		if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
			archive_fail(a, any ? "the archive is corrupt" :
				     "not an image archive (a tar, plain or gzip/zstd/xz-compressed)", err);
			goto out;
		}
		any = true;
		if (add_entry(ms, a, e, err) < 0)
			goto out;
	}
	ret = 0;
out:
	archive_read_free(a);
	return ret;
}

/* The member NAME names, links followed. */
struct cg_member *cg_members_resolve(struct cg_members *ms, const char *name, const char *what, cg_err_t *err)
{
	struct cg_member *m = cg_members_find(ms, name);

	for (int hop = 0; m && m->kind == CG_MEMBER_LINK; hop++) {
		if (hop == LINK_HOPS) {
			cg_error(err, 0, "%s '%s': too many links", what, name);
			return NULL;
		}
		m = cg_members_find(ms, m->link);
	}
	if (m == NULL)
		cg_error(err, 0, "%s '%s' is not in the archive", what, name);
	return m;
}
/* A member whose name says its digest ("blobs/sha256/HEX", legacy
 * "HEX.json") must have that digest. */
int cg_member_check_digest(const struct cg_member *m, const char *name, cg_err_t *err)
{
	const char *base = strrchr(name, '/');
	char hex[65];

	base = base ? base + 1 : name;
	if (strlen(base) < 64)
		return 0;
	memcpy(hex, base, 64);
	hex[64] = '\0';
	if (!cg_layer_hex_valid(hex) || (base[64] != '\0' && strcmp(base + 64, ".json") != 0))
		return 0;
	if (m->kind == CG_MEMBER_OTHER || strcmp(m->digest + 7, hex) != 0)
		return cg_error(err, 0, "archive member '%s': its content's digest is %s, not the one its name says",
				name, m->kind == CG_MEMBER_OTHER ? "unknown" : m->digest);
	return 0;
}
/* An in-memory member a manifest names as a layer: extracted now. */
int cg_members_extract_small(struct cg_members *ms, struct cg_member *m, cg_err_t *err)
{
	struct extract_job job = { .in_fd = -1 };
	cleanup_close int mfd = memfd_create("cgrun-layer", MFD_CLOEXEC);
	char *dir = NULL;
	size_t off = 0;

	if (mfd < 0)
		return cg_error(err, errno, "memfd_create");
	while (off < m->len) {
		ssize_t w = write(mfd, m->data + off, m->len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return cg_error(err, errno, "write a layer to memory");
		off += (size_t)w;
	}
	if (lseek(mfd, 0, SEEK_SET) < 0)
		return cg_error(err, errno, "lseek");
	if ((job.rootfd = cg_members_scratch(ms, &dir, err)) < 0)
		return -1;
	job.in_fd = mfd;
	{
		struct cg_extract_opts o = { .mode = CG_EXTRACT_OVERLAY, .keep_owner = true };

		job.r = cg_layer_extract_fd(job.rootfd, mfd, &o, job.diff_id, &job.st, &job.err);
	}
	close(job.rootfd);
	free(steal_pointer(&m->data));
	layer_result(m, dir, &job);
	return 0;
}

int cg_members_init(struct cg_members *ms, const char *scratch, cg_err_t *err)
{
	ms->index = json_object_new_object();
	ms->scratch = xstrdup(scratch);
	rm_rf(ms->scratch, NULL);
	if (mkdir(ms->scratch, 0700) < 0) {
		int e = errno;

		free(steal_pointer(&ms->scratch));
		return cg_error(err, e, "create %s", scratch);
	}
	return 0;
}

void cg_members_free(struct cg_members *ms)
{
	for (size_t i = 0; i < ms->n; i++) {
		free(ms->m[i].name);
		free(ms->m[i].data);
		free(ms->m[i].link);
		free(ms->m[i].dir);
		free(ms->m[i].error);
	}
	free(ms->m);
	json_object_put(ms->index);
	if (ms->scratch)
		rm_rf(ms->scratch, NULL);
	free(ms->scratch);
}
