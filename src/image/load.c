/* load.c - image archives into the store (load.h).
 *
 * A docker save archive's members come in any order (manifest.json is
 * often last, after the layers it names), and stdin cannot be seeked. We
 * neither spool the blobs nor seek: each member that looks like a layer
 * (a tar header, or gzip/zstd/xz magic) is extracted as it streams by,
 * through the pull's extractor (decompression, diff_id hash, openat2
 * RESOLVE_IN_ROOT, whiteouts) into a scratch directory of its own under
 * <store>/layers/.tmp-load-<pid>/ - the same file system as the layers,
 * so placing one is a rename, and a killed load's scratch is what
 * cg_image_stage_clean removes. The archive is read once, memory holds
 * only the small JSON members (bounded), and disk the extracted layers,
 * which the store needs anyway. Once the archive has ended, its
 * manifest.json or index.json says which members are which: every
 * config is parsed, every layer's diff_id compared with its config and
 * every blob's digest with its name before any layer is placed, so a bad
 * archive leaves nothing in the store. The price: a layer the store
 * already has is extracted anyway, and a member no manifest names is
 * extracted for nothing (then removed). */
#include "config.h"

#include "load.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "archive-meta.h"
#include "ctx.h"
#include "decompress.h"
#include "image-config.h"
#include "image-record.h"
#include "image.h"
#include "imgref.h"
#include "json-get.h"
#include "layer-extract.h"
#include "layers.h"
#include "manifest.h"
#include "sha256.h"
#include "tar-path.h"

#define SMALL_MAX (8u << 20)     /* a member kept in memory (a manifest, a config) */
#define SMALL_TOTAL (64u << 20)  /* all of them together */
#define MEMBERS_MAX 100000
#define LINK_HOPS 16
#define BUF_SIZE (64 * 1024)

enum member_kind {
	M_SMALL,  /* in memory */
	M_LAYER,  /* extracted as it went by (or failed to: error) */
	M_OTHER,  /* large and no tar: skipped */
	M_LINK,   /* a symbolic or hard link to another member */
};

struct member {
	char *name;                           /* clean */
	enum member_kind kind;
	char digest[CG_SHA256_DIGEST_LEN];    /* of its bytes (M_SMALL, M_LAYER) */
	int64_t size;
	char *data;                           /* M_SMALL, NUL-terminated */
	size_t len;
	char *link;                           /* M_LINK: the member it names */
	char *dir;                            /* M_LAYER: the scratch holding diff/, until placed */
	char diff_id[CG_SHA256_DIGEST_LEN];
	uint64_t tar_bytes;
	char *error;                          /* M_LAYER: why it is no layer */
	char placed[65];                      /* the chain ID's hex it was placed as, "" */
};

struct loader {
	const struct cg_ctx *ctx;
	const struct cg_load_opts *o;
	char *scratch;
	unsigned nscratch;
	struct member *m;
	size_t n, cap;
	json_object *index;                   /* name -> position in m */
	size_t small_total;
	unsigned char buf[BUF_SIZE];
};

struct load_image {
	struct member *config, *manifest;
	struct member **layers;
	size_t nlayers;
	char **names;
	struct cg_image_config cfg;
	char (*chain)[65];
};

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
static int scratch_layer(struct loader *L, char **dir, cg_err_t *err)
{
	cleanup_free char *diff = NULL;
	int fd;

	*dir = xasprintf("%s/%u", L->scratch, L->nscratch++);
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

static void layer_result(struct member *m, char *dir, const struct extract_job *job)
{
	m->kind = M_LAYER;
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
static int stream_layer(struct loader *L, struct archive *a, struct member *m, const unsigned char *peek,
			size_t npeek, struct cg_sha256 *h, cg_err_t *err)
{
	struct extract_job job = { .in_fd = -1 };
	char *dir = NULL;
	bool broken = false;
	la_ssize_t r;
	int pfd[2], e;
	pthread_t th;

	if ((job.rootfd = scratch_layer(L, &dir, err)) < 0)
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
	while ((r = archive_read_data(a, L->buf, sizeof(L->buf))) > 0) {
		if (cg_sha256_update(h, L->buf, (size_t)r, err) < 0)
			break;
		pipe_write(pfd[1], L->buf, (size_t)r, &broken);
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

static int read_small(struct loader *L, struct archive *a, struct member *m, const unsigned char *peek,
		      size_t npeek, struct cg_sha256 *h, cg_err_t *err)
{
	la_ssize_t r;

	m->kind = M_SMALL;
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
	L->small_total += m->len;
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

static int read_member(struct loader *L, struct archive *a, struct archive_entry *e, struct member *m,
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
		return stream_layer(L, a, m, peek, np, &h, err);
	if (m->size >= 0 && (uint64_t)m->size <= SMALL_MAX && L->small_total + (uint64_t)m->size <= SMALL_TOTAL)
		return read_small(L, a, m, peek, np, &h, err);
	m->kind = M_OTHER;
	return archive_read_data_skip(a) == ARCHIVE_OK ? 0 : archive_fail(a, m->name, err);
}

static struct member *find(struct loader *L, const char *name)
{
	json_object *v;

	if (!json_object_object_get_ex(L->index, name, &v))
		return NULL;
	return &L->m[json_object_get_int(v)];
}

static int add_entry(struct loader *L, struct archive *a, struct archive_entry *e, cg_err_t *err)
{
	const char *raw = archive_entry_pathname(e), *why = NULL;
	cleanup_free char *name = raw ? cg_tar_path_clean(raw, &why) : NULL;
	mode_t type = archive_entry_filetype(e);
	struct member *m;

	if (name == NULL)
		return cg_error(err, 0, "archive member '%s': %s", raw ? raw : "", why ? why : "no name");
	if (type == AE_IFDIR || name[0] == '\0')
		return 0;
	if (find(L, name))
		return cg_error(err, 0, "archive member '%s' is there twice", name);
	if (L->n == MEMBERS_MAX)
		return cg_error(err, 0, "more than %d members in the archive", MEMBERS_MAX);
	if (L->n == L->cap) {
		L->cap = L->cap ? L->cap * 2 : 64;
		L->m = realloc(L->m, L->cap * sizeof(*L->m));
		if (L->m == NULL)
			abort();
	}
	m = &L->m[L->n];
	memset(m, 0, sizeof(*m));
	m->name = steal_pointer(&name);
	json_object_object_add(L->index, m->name, json_object_new_int((int)L->n));
	L->n++;
	if (archive_entry_hardlink(e)) {
		/* A hard link names the member from the archive's root. */
		m->kind = M_LINK;
		if ((m->link = cg_tar_path_clean(archive_entry_hardlink(e), &why)) == NULL || m->link[0] == '\0')
			return cg_error(err, 0, "archive member '%s': its link leads out of the archive", m->name);
		return 0;
	}
	if (type == AE_IFLNK) {
		/* docker save links a layer it has saved already. */
		m->kind = M_LINK;
		if ((m->link = cg_archive_link_target(m->name, archive_entry_symlink(e))) == NULL)
			return cg_error(err, 0, "archive member '%s': its link to '%s' leads out of the archive",
					m->name, archive_entry_symlink(e));
		return 0;
	}
	if (type != AE_IFREG) {
		m->kind = M_OTHER;
		return 0;
	}
	return read_member(L, a, e, m, err);
}

static int read_archive(struct loader *L, int fd, cg_err_t *err)
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
	if (archive_read_open_fd(a, fd, BUF_SIZE) != ARCHIVE_OK) {
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
		if (add_entry(L, a, e, err) < 0)
			goto out;
	}
	ret = 0;
out:
	archive_read_free(a);
	return ret;
}

/* ------------------------------------------------------------------------
 * The documents, then the images they describe. */

/* The member NAME names, links followed. */
static struct member *resolve(struct loader *L, const char *name, const char *what, cg_err_t *err)
{
	struct member *m = find(L, name);

	for (int hop = 0; m && m->kind == M_LINK; hop++) {
		if (hop == LINK_HOPS) {
			cg_error(err, 0, "%s '%s': too many links", what, name);
			return NULL;
		}
		m = find(L, m->link);
	}
	if (m == NULL)
		cg_error(err, 0, "%s '%s' is not in the archive", what, name);
	return m;
}

/* A member whose name says its digest ("blobs/sha256/HEX", legacy
 * "HEX.json") must have that digest. */
static int check_named_digest(const struct member *m, const char *name, cg_err_t *err)
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
	if (m->kind == M_OTHER || strcmp(m->digest + 7, hex) != 0)
		return cg_error(err, 0, "archive member '%s': its content's digest is %s, not the one its name says",
				name, m->kind == M_OTHER ? "unknown" : m->digest);
	return 0;
}

static struct member *document(struct loader *L, const char *name, const char *what, cg_err_t *err)
{
	struct member *m = resolve(L, name, what, err);

	if (m == NULL || check_named_digest(m, name, err) < 0)
		return NULL;
	if (m->kind != M_SMALL) {
		cg_error(err, 0, "%s '%s' is not a JSON document of at most %u bytes", what, name, SMALL_MAX);
		return NULL;
	}
	return m;
}

static struct member *blob(struct loader *L, const char *digest, int64_t size, const char *what, bool doc,
			   cg_err_t *err)
{
	cleanup_free char *name = cg_layout_blob_member(digest);
	struct member *m;

	if (name == NULL) {
		cg_error(err, 0, "%s: bad digest '%s' (sha256:<64 hex digits> only)", what, digest);
		return NULL;
	}
	m = doc ? document(L, name, what, err) : resolve(L, name, what, err);
	if (m == NULL || check_named_digest(m, name, err) < 0)
		return NULL;
	if (size >= 0 && m->size != size) {
		cg_error(err, 0, "%s %s: %lld bytes in the archive, %lld in its descriptor", what, digest,
			 (long long)m->size, (long long)size);
		return NULL;
	}
	return m;
}

static void images_free(struct load_image *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].layers);
		cg_strv_free(v[i].names);
		cg_image_config_free(&v[i].cfg);
		free(v[i].chain);
	}
	free(v);
}

static int from_docker(struct loader *L, const struct member *mj, struct load_image **out, size_t *n,
		       cg_err_t *err)
{
	struct cg_docker_entry *d = NULL;
	size_t nd = 0;
	struct load_image *v;

	if (cg_docker_manifest_parse(mj->data, mj->len, &d, &nd, err) < 0)
		return -1;
	v = xcalloc(nd, sizeof(*v));
	*out = v;
	*n = nd;
	for (size_t i = 0; i < nd; i++) {
		v[i].names = steal_pointer(&d[i].names);
		if ((v[i].config = document(L, d[i].config, "config", err)) == NULL)
			goto fail;
		v[i].nlayers = d[i].nlayers;
		v[i].layers = xcalloc(d[i].nlayers + 1, sizeof(struct member *));
		for (size_t k = 0; k < d[i].nlayers; k++) {
			if ((v[i].layers[k] = resolve(L, d[i].layers[k], "layer", err)) == NULL ||
			    check_named_digest(v[i].layers[k], d[i].layers[k], err) < 0)
				goto fail;
		}
	}
	cg_docker_entries_free(d, nd);
	return 0;
fail:
	cg_docker_entries_free(d, nd);
	return -1;
}

/* The image manifest an index.json entry names: itself, or its index's
 * entry for this host's platform. */
static struct member *image_manifest(struct loader *L, const struct cg_layout_entry *e, struct cg_manifest *man,
				     cg_err_t *err)
{
	struct member *mm = blob(L, e->digest, e->size, "manifest", true, err);
	const struct cg_descriptor *d;
	cleanup_free char *os = NULL, *arch = NULL, *variant = NULL;

	if (mm == NULL || cg_manifest_parse(mm->data, mm->len, e->media_type, man, err) < 0)
		return NULL;
	if (man->kind == CG_MF_IMAGE)
		return mm;
	cg_platform_host(&os, &arch, &variant);
	if ((d = cg_index_pick(man, os, arch, variant, err)) == NULL)
		return NULL;
	mm = blob(L, d->digest, d->size, "manifest", true, err);
	cleanup_free char *mt = d->media_type ? xstrdup(d->media_type) : NULL;

	cg_manifest_free(man);
	if (mm == NULL || cg_manifest_parse(mm->data, mm->len, mt, man, err) < 0)
		return NULL;
	if (man->kind != CG_MF_IMAGE) {
		cg_error(err, 0, "manifest %s: the index's entry for %s/%s is itself an index", mm->digest, os, arch);
		return NULL;
	}
	return mm;
}

static int from_layout(struct loader *L, const struct member *ij, struct load_image **out, size_t *n,
		       cg_err_t *err)
{
	struct cg_layout_entry *e = NULL;
	size_t ne = 0;
	struct load_image *v;

	if (cg_layout_index_parse(ij->data, ij->len, &e, &ne, err) < 0)
		return -1;
	v = xcalloc(ne, sizeof(*v));
	*out = v;
	*n = ne;
	for (size_t i = 0; i < ne; i++) {
		struct cg_manifest man = { 0 };
		int r = -1;

		if (e[i].name) {
			v[i].names = xcalloc(2, sizeof(char *));
			v[i].names[0] = steal_pointer(&e[i].name);
		}
		if ((v[i].manifest = image_manifest(L, &e[i], &man, err)) == NULL ||
		    (v[i].config = blob(L, man.config.digest, man.config.size, "config", true, err)) == NULL)
			goto next;
		v[i].nlayers = man.nlayers;
		v[i].layers = xcalloc(man.nlayers + 1, sizeof(struct member *));
		for (size_t k = 0; k < man.nlayers; k++)
			if ((v[i].layers[k] = blob(L, man.layers[k].digest, man.layers[k].size, "layer", false,
						   err)) == NULL)
				goto next;
		r = 0;
next:
		cg_manifest_free(&man);
		if (r < 0) {
			cg_layout_entries_free(e, ne);
			return -1;
		}
	}
	cg_layout_entries_free(e, ne);
	return 0;
}

/* An in-memory member a manifest names as a layer: extracted now. */
static int extract_small(struct loader *L, struct member *m, cg_err_t *err)
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
	if ((job.rootfd = scratch_layer(L, &dir, err)) < 0)
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

/* Every layer of img extracted and as its config says. */
static int verify_image(struct loader *L, struct load_image *img, cg_err_t *err)
{
	struct cg_image_config *cfg = &img->cfg;

	if (cg_image_config_parse(img->config->data, img->config->len, cfg, err) < 0)
		return cg_error_wrap(err, "image config %s", img->config->name);
	if (cfg->ndiff_ids != img->nlayers)
		return cg_error(err, 0, "config %s: %zu diff_ids for %zu layers", img->config->name, cfg->ndiff_ids,
				img->nlayers);
	if (img->nlayers == 0 || img->nlayers > CG_MAX_LAYERS)
		return cg_error(err, 0, "config %s: %zu layers (an image has 1 to %d)", img->config->name,
				img->nlayers, CG_MAX_LAYERS);
	img->chain = xcalloc(img->nlayers, sizeof(*img->chain));
	if (cg_chain_ids(cfg, img->chain, err) < 0)
		return -1;
	for (size_t i = 0; i < img->nlayers; i++) {
		struct member *m = img->layers[i];

		if (m->kind == M_SMALL && extract_small(L, m, err) < 0)
			return -1;
		if (m->kind != M_LAYER)
			return cg_error(err, 0, "layer '%s' is neither a tar nor a compressed tar", m->name);
		if (m->error)
			return cg_error(err, 0, "layer '%s': %s", m->name, m->error);
		if (strcmp(m->diff_id, cfg->diff_ids[i]) != 0)
			return cg_error(err, 0, "layer '%s': its content is %s, but the image's config says %s", m->name,
					m->diff_id, cfg->diff_ids[i]);
	}
	return 0;
}

/* ------------------------------------------------------------------------
 * Into the store. */

static int place_layer(struct loader *L, struct member *m, const char *hex, cg_err_t *err)
{
	cleanup_close int lock = cg_layer_lock(L->ctx, hex, err);
	cleanup_free char *copy = NULL;
	char id[16];
	int r;

	if (lock < 0)
		return -1;
	snprintf(id, sizeof(id), "%.12s", m->diff_id + 7);
	if (cg_layer_present(L->ctx, hex)) {
		if (!L->o->quiet)
			fprintf(L->o->out, "%s: already exists\n", id);
		cg_layer_unlock(L->ctx, hex, steal_fd(&lock));
		return 0;
	}
	if (m->dir == NULL) {
		/* Placed already at another position of the stack (another
		 * chain): a copy of it. */
		cleanup_free char *src = xasprintf("%s/layers/%s/diff/.", L->ctx->store_dir, m->placed);
		cleanup_free char *diff = NULL;
		int fd = scratch_layer(L, &copy, err);

		if (fd < 0)
			return -1;
		close(fd);
		diff = xasprintf("%s/diff", copy);
		char *argv[] = { "cp", "-a", "--", src, diff, NULL };

		if (run_command(argv, err) < 0)
			return cg_error_wrap(err, "copying layer %s", id);
	}
	r = cg_layer_commit(L->ctx, hex, copy ? copy : m->dir, m->tar_bytes, err);
	if (r < 0)
		return -1;
	if (copy == NULL) {
		free(steal_pointer(&m->dir));
		snprintf(m->placed, sizeof(m->placed), "%s", hex);
	}
	cg_layer_unlock(L->ctx, hex, steal_fd(&lock));
	if (!L->o->quiet)
		fprintf(L->o->out, "%s: loaded\n", id);
	return 0;
}

static int store_image(struct loader *L, struct load_image *img, cg_err_t *err)
{
	const char *cdig = img->config->digest;

	for (size_t i = 0; i < img->nlayers; i++)
		if (place_layer(L, img->layers[i], img->chain[i], err) < 0)
			return -1;
	if (cg_blob_put(L->ctx, cdig, img->config->data, img->config->len, err) < 0 ||
	    (img->manifest && cg_blob_put(L->ctx, img->manifest->digest, img->manifest->data, img->manifest->len,
					  err) < 0))
		return -1;
	struct cg_image_record rec = { .name = NULL, .source = L->o->source,
				       .digest = img->manifest ? img->manifest->digest : NULL,
				       .config_digest = cdig, .cfg = &img->cfg, .chain = img->chain };

	if (img->names == NULL) {
		/* No name: stored under its ID's hex, which is a name too. */
		rec.key = rec.name = cdig + 7;
		if (cg_image_record(L->ctx, &rec, err) < 0)
			return -1;
		L->o->loaded(L->o->arg, NULL, cdig);
		return 0;
	}
	for (size_t k = 0; img->names[k]; k++) {
		cleanup_free char *key = cg_image_dirname(img->names[k]);

		rec.key = key;
		rec.name = img->names[k];
		if (cg_image_record(L->ctx, &rec, err) < 0)
			return -1;
		L->o->loaded(L->o->arg, img->names[k], cdig);
	}
	return 0;
}

static void loader_free(struct loader *L)
{
	for (size_t i = 0; i < L->n; i++) {
		free(L->m[i].name);
		free(L->m[i].data);
		free(L->m[i].link);
		free(L->m[i].dir);
		free(L->m[i].error);
	}
	free(L->m);
	json_object_put(L->index);
	if (L->scratch)
		rm_rf(L->scratch, NULL);
	free(L->scratch);
	free(L);
}

int cg_image_load(const struct cg_ctx *ctx, int fd, const struct cg_load_opts *o, cg_err_t *err)
{
	struct loader *L = xcalloc(1, sizeof(*L));
	struct load_image *imgs = NULL;
	size_t nimgs = 0;
	struct member *doc;
	cleanup_close int store_lock = -1;
	int r = -1;

	L->ctx = ctx;
	L->o = o;
	L->index = json_object_new_object();
	cg_image_stage_clean(ctx);
	/* Held until the images are recorded: no collector takes the layers
	 * placed meanwhile, which no image names yet. */
	if ((store_lock = cg_layers_lock(ctx, LOCK_SH, false, err)) < 0)
		goto out;
	L->scratch = xasprintf("%s/layers/.tmp-load-%d", ctx->store_dir, (int)getpid());
	rm_rf(L->scratch, NULL);
	if (mkdir(L->scratch, 0700) < 0) {
		cg_error(err, errno, "create %s", L->scratch);
		goto out;
	}
	if (read_archive(L, fd, err) < 0)
		goto out;
	if ((doc = find(L, "manifest.json")) != NULL) {
		if ((doc = document(L, "manifest.json", "manifest.json", err)) == NULL ||
		    from_docker(L, doc, &imgs, &nimgs, err) < 0)
			goto out;
	} else if ((doc = find(L, "index.json")) != NULL) {
		if ((doc = document(L, "index.json", "index.json", err)) == NULL ||
		    from_layout(L, doc, &imgs, &nimgs, err) < 0)
			goto out;
	} else {
		cg_error(err, 0, "not an image archive: neither manifest.json (docker save) nor index.json (an OCI layout) is in it");
		goto out;
	}
	for (size_t i = 0; i < nimgs; i++)
		if (verify_image(L, &imgs[i], err) < 0)
			goto out;
	for (size_t i = 0; i < nimgs; i++)
		if (store_image(L, &imgs[i], err) < 0)
			goto out;
	r = 0;
out:
	if (r < 0 && err->code == ENOSPC) {
		cg_error(err, 0, "no space left on device in %s while loading images; free space or run 'cgrun image prune'",
			 ctx->store_dir);
		err->code = ENOSPC;
	}
	images_free(imgs, nimgs);
	loader_free(L);
	return r;
}
