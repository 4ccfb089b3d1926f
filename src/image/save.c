/* save.c - images of the store as an OCI layout in a tar (save.h).
 *
 * The store keeps extracted layers, not the tarballs they came in, so each
 * layer's tar is made again from its directory (layer-tar.c). The outer
 * tar needs a blob's size before its bytes and its digest in its name, and
 * the manifest needs both: each layer's tar is made twice, once into a
 * hash (its digest and size), once into the archive, hashed again and
 * compared, so nothing is spooled to disk and memory stays a few buffers;
 * a tree that changed between the two is an error, never a wrong digest.
 * The remade tar is rarely byte for byte the one the layer came from (the
 * order of entries, headers): its sha256 is then not the diff_id the
 * image's config records, and the config written is the stored one with
 * rootfs.diff_ids replaced by the digests of the tars written (the image's
 * ID changes with it); the files are the same. */
#include "config.h"

#include "save.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "archive-meta.h"
#include "ctx.h"
#include "image.h"
#include "imgref.h"
#include "json-get.h"
#include "json-util.h"
#include "layer-tar.h"
#include "layers.h"
#include "manifest.h"
#include "parse.h"
#include "platform.h"
#include "sha256.h"

#define CONFIG_MAX (8u << 20)
#define MT_LAYER_TAR "application/vnd.oci.image.layer.v1.tar"

struct layer {
	char *dir;                        /* the tree */
	bool overlay;                     /* an extracted layer (whiteouts), else a rootfs */
	char digest[CG_SHA256_DIGEST_LEN];
	int64_t size;
};

struct saved {
	struct cg_image img;
	char *name;                       /* canonical reference, or NULL (an ID) */
	size_t *layers;                   /* positions in the layer list, base first */
	size_t nlayers;
	char *config, *manifest;          /* their bytes */
	char config_digest[CG_SHA256_DIGEST_LEN], manifest_digest[CG_SHA256_DIGEST_LEN];
};

struct saver {
	const struct cg_ctx *ctx;
	struct layer *layers;
	size_t nlayers;
	struct saved *imgs;
	size_t nimgs;
};

static int digest_of(const char *data, size_t len, char out[CG_SHA256_DIGEST_LEN], cg_err_t *err)
{
	cleanup_sha256 struct cg_sha256 h = { 0 };

	if (cg_sha256_init(&h, err) < 0 || cg_sha256_update(&h, data, len, err) < 0 || cg_sha256_final(&h, out, err) < 0)
		return -1;
	return 0;
}

/* ------------------------------------------------------------------------
 * Layers: hashed, then written. */

struct tar_hash {
	struct cg_sha256 h;
	int64_t size;
	struct archive *out;  /* pass 2: the archive the bytes go to */
};

static int hash_sink(void *arg, const void *buf, size_t n, cg_err_t *err)
{
	struct tar_hash *t = arg;

	if (cg_sha256_update(&t->h, buf, n, err) < 0)
		return -1;
	t->size += (int64_t)n;
	if (t->out && archive_write_data(t->out, buf, n) != (la_ssize_t)n)
		return cg_error(err, 0, "writing the archive: %s", archive_error_string(t->out));
	return 0;
}

static int layer_pass(const struct layer *l, struct archive *out, char digest[CG_SHA256_DIGEST_LEN], int64_t *size,
		      cg_err_t *err)
{
	cleanup_close int fd = open(l->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct tar_hash t = { .out = out };
	int r;

	if (fd < 0)
		return cg_error(err, errno, "open %s", l->dir);
	if (cg_sha256_init(&t.h, err) < 0)
		return -1;
	r = cg_layer_tar(fd, l->overlay, hash_sink, &t, err);
	if (r == 0)
		r = cg_sha256_final(&t.h, digest, err);
	cg_sha256_free(&t.h);
	*size = t.size;
	return r;
}

static size_t add_layer(struct saver *s, const char *dir, bool overlay)
{
	for (size_t i = 0; i < s->nlayers; i++)
		if (!strcmp(s->layers[i].dir, dir))
			return i;
	s->layers = realloc(s->layers, (s->nlayers + 1) * sizeof(*s->layers));
	if (s->layers == NULL)
		abort();
	s->layers[s->nlayers] = (struct layer){ .dir = xstrdup(dir), .overlay = overlay };
	return s->nlayers++;
}

/* ------------------------------------------------------------------------
 * The documents. */

static json_object *diff_ids_json(const struct saver *s, const struct saved *im)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < im->nlayers; i++)
		json_object_array_add(a, json_object_new_string(s->layers[im->layers[i]].digest));
	return a;
}

static const char *json_bytes(json_object *o)
{
	return json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
}

/* A pulled or loaded image: its stored config, diff_ids made to match the
 * tars written (kept byte for byte when they do already). */
static int layered_config(const struct saver *s, struct saved *im, cg_err_t *err)
{
	cleanup_free char *path = cg_blob_path(s->ctx, im->img.config_digest);
	cleanup_free char *text = NULL;
	json_object *root = NULL, *rootfs, *ids;
	bool same;

	if (read_file(path, &text, CONFIG_MAX, err) < 0)
		return cg_error_wrap(err, "image '%s': its config", im->img.name);
	if (cg_json_parse(text, strlen(text), &root, err) < 0 || !json_object_is_type(root, json_type_object) ||
	    (rootfs = cg_json_member(root, "rootfs")) == NULL || !json_object_is_type(rootfs, json_type_object)) {
		json_object_put(root);
		return cg_error(err, 0, "image '%s': its config %s is damaged", im->img.name, path);
	}
	ids = cg_json_member(rootfs, "diff_ids");
	same = ids && json_object_is_type(ids, json_type_array) && json_object_array_length(ids) == im->nlayers;
	for (size_t i = 0; same && i < im->nlayers; i++)
		same = !strcmp(json_object_get_string(json_object_array_get_idx(ids, i)), s->layers[im->layers[i]].digest);
	if (same) {
		im->config = steal_pointer(&text);
	} else {
		json_object_object_add(rootfs, "diff_ids", diff_ids_json(s, im));
		im->config = xstrdup(json_bytes(root));
	}
	json_object_put(root);
	return 0;
}

/* An imported image: a config of our own for its one layer. */
static void imported_config(const struct saver *s, struct saved *im)
{
	json_object *root = json_object_new_object(), *conf = json_object_new_object();
	json_object *rootfs = json_object_new_object(), *hist = json_object_new_array(), *h = json_object_new_object();
	cleanup_free char *os = NULL, *arch = NULL, *variant = NULL;
	cleanup_free char *by = xasprintf("cgrun image import %s", im->img.source ? im->img.source : "");

	cg_platform_host(&os, &arch, &variant);
	json_object_object_add(root, "created", cg_json_new_rfc3339(im->img.created));
	json_object_object_add(root, "architecture", json_object_new_string(arch));
	if (variant)
		json_object_object_add(root, "variant", json_object_new_string(variant));
	json_object_object_add(root, "os", json_object_new_string(os));
	if (im->img.cmd)
		json_object_object_add(conf, "Cmd", cg_json_new_strv((const char *const *)im->img.cmd));
	json_object_object_add(root, "config", conf);
	json_object_object_add(rootfs, "type", json_object_new_string("layers"));
	json_object_object_add(rootfs, "diff_ids", diff_ids_json(s, im));
	json_object_object_add(root, "rootfs", rootfs);
	json_object_object_add(h, "created", cg_json_new_rfc3339(im->img.created));
	json_object_object_add(h, "created_by", json_object_new_string(by));
	json_object_array_add(hist, h);
	json_object_object_add(root, "history", hist);
	im->config = xstrdup(json_bytes(root));
	json_object_put(root);
}

static json_object *descriptor(const char *media_type, const char *digest, int64_t size)
{
	json_object *d = json_object_new_object();

	json_object_object_add(d, "mediaType", json_object_new_string(media_type));
	json_object_object_add(d, "digest", json_object_new_string(digest));
	json_object_object_add(d, "size", json_object_new_int64(size));
	return d;
}

static int image_docs(struct saver *s, struct saved *im, cg_err_t *err)
{
	json_object *m, *layers;

	if (im->img.layers) {
		if (layered_config(s, im, err) < 0)
			return -1;
	} else {
		imported_config(s, im);
	}
	if (digest_of(im->config, strlen(im->config), im->config_digest, err) < 0)
		return -1;
	m = json_object_new_object();
	layers = json_object_new_array();
	json_object_object_add(m, "schemaVersion", json_object_new_int(2));
	json_object_object_add(m, "mediaType", json_object_new_string(CG_MT_OCI_MANIFEST));
	json_object_object_add(m, "config", descriptor(CG_MT_OCI_CONFIG, im->config_digest, (int64_t)strlen(im->config)));
	for (size_t i = 0; i < im->nlayers; i++) {
		const struct layer *l = &s->layers[im->layers[i]];

		json_object_array_add(layers, descriptor(MT_LAYER_TAR, l->digest, l->size));
	}
	json_object_object_add(m, "layers", layers);
	im->manifest = xstrdup(json_bytes(m));
	json_object_put(m);
	return digest_of(im->manifest, strlen(im->manifest), im->manifest_digest, err);
}

/* index.json: an entry per name, named as containerd (docker 25) and
 * podman look for it. */
static char *index_json(const struct saver *s)
{
	json_object *root = json_object_new_object(), *ms = json_object_new_array();
	char *out;

	json_object_object_add(root, "schemaVersion", json_object_new_int(2));
	json_object_object_add(root, "mediaType", json_object_new_string(CG_MT_OCI_INDEX));
	for (size_t i = 0; i < s->nimgs; i++) {
		const struct saved *im = &s->imgs[i];
		json_object *d = descriptor(CG_MT_OCI_MANIFEST, im->manifest_digest, (int64_t)strlen(im->manifest));

		if (im->name) {
			json_object *a = json_object_new_object();

			json_object_object_add(a, CG_ANNOT_CONTAINERD_NAME, json_object_new_string(im->name));
			json_object_object_add(a, CG_ANNOT_REF_NAME, json_object_new_string(im->name));
			json_object_object_add(d, "annotations", a);
		}
		json_object_array_add(ms, d);
	}
	json_object_object_add(root, "manifests", ms);
	out = xstrdup(json_bytes(root));
	json_object_put(root);
	return out;
}

/* manifest.json, docker save's: for docker before 25 (and skopeo's
 * docker-archive:). */
static char *docker_manifest(const struct saver *s)
{
	json_object *root = json_object_new_array();
	char *out;

	for (size_t i = 0; i < s->nimgs; i++) {
		const struct saved *im = &s->imgs[i];
		json_object *e = json_object_new_object(), *tags = json_object_new_array(), *ls = json_object_new_array();
		cleanup_free char *cfg = cg_layout_blob_member(im->config_digest);

		json_object_object_add(e, "Config", json_object_new_string(cfg));
		/* The whole name: podman's loader takes "test/app:1" for
		 * localhost/test/app:1, docker's normalises it either way. */
		if (im->name)
			json_object_array_add(tags, json_object_new_string(im->name));
		json_object_object_add(e, "RepoTags", tags);
		for (size_t k = 0; k < im->nlayers; k++) {
			cleanup_free char *l = cg_layout_blob_member(s->layers[im->layers[k]].digest);

			json_object_array_add(ls, json_object_new_string(l));
		}
		json_object_object_add(e, "Layers", ls);
		json_object_array_add(root, e);
	}
	out = xstrdup(json_bytes(root));
	json_object_put(root);
	return out;
}

/* ------------------------------------------------------------------------
 * The archive. */

static int out_fail(struct archive *a, const char *what, cg_err_t *err)
{
	return cg_error(err, archive_errno(a) > 0 ? archive_errno(a) : 0, "writing %s: %s", what,
			archive_error_string(a) ? archive_error_string(a) : "failed");
}

/* A member's header: fixed owner, mode and time, so the same images make
 * the same archive. */
static int put_header(struct archive *a, const char *name, bool dir, int64_t size, cg_err_t *err)
{
	struct archive_entry *e = archive_entry_new();
	int r = 0;

	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, dir ? AE_IFDIR : AE_IFREG);
	archive_entry_set_perm(e, dir ? 0755 : 0644);
	archive_entry_set_size(e, dir ? 0 : size);
	archive_entry_set_mtime(e, 0, 0);
	if (archive_write_header(a, e) != ARCHIVE_OK)
		r = out_fail(a, name, err);
	archive_entry_free(e);
	return r;
}

static int put_file(struct archive *a, const char *name, const char *data, cg_err_t *err)
{
	size_t len = strlen(data);

	if (put_header(a, name, false, (int64_t)len, err) < 0)
		return -1;
	if (archive_write_data(a, data, len) != (la_ssize_t)len)
		return out_fail(a, name, err);
	return 0;
}

static int put_blob(struct archive *a, const char *digest, const char *data, cg_err_t *err)
{
	cleanup_free char *name = cg_layout_blob_member(digest);

	return put_file(a, name, data, err);
}

static bool blob_written(const struct saver *s, size_t upto, const char *digest)
{
	for (size_t i = 0; i < upto; i++)
		if (!strcmp(s->layers[i].digest, digest))
			return true;
	return false;
}

static int write_archive(struct saver *s, int fd, cg_err_t *err)
{
	struct archive *a = archive_write_new();
	cleanup_free char *index = index_json(s), *dm = docker_manifest(s);
	int r = -1;

	if (a == NULL)
		return cg_error(err, ENOMEM, "archive_write_new");
	if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK || archive_write_open_fd(a, fd) != ARCHIVE_OK) {
		out_fail(a, "the archive", err);
		goto out;
	}
	if (put_file(a, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}", err) < 0 ||
	    put_file(a, "index.json", index, err) < 0 || put_file(a, "manifest.json", dm, err) < 0 ||
	    put_header(a, "blobs/", true, 0, err) < 0 || put_header(a, "blobs/sha256/", true, 0, err) < 0)
		goto out;
	for (size_t i = 0; i < s->nimgs; i++) {
		bool dup = false;

		for (size_t k = 0; k < i; k++)
			dup = dup || !strcmp(s->imgs[k].manifest_digest, s->imgs[i].manifest_digest);
		if (dup)
			continue;
		if (put_blob(a, s->imgs[i].manifest_digest, s->imgs[i].manifest, err) < 0 ||
		    put_blob(a, s->imgs[i].config_digest, s->imgs[i].config, err) < 0)
			goto out;
	}
	for (size_t i = 0; i < s->nlayers; i++) {
		const struct layer *l = &s->layers[i];
		cleanup_free char *name = cg_layout_blob_member(l->digest);
		char again[CG_SHA256_DIGEST_LEN];
		int64_t size;

		if (blob_written(s, i, l->digest))
			continue;
		if (put_header(a, name, false, l->size, err) < 0 || layer_pass(l, a, again, &size, err) < 0)
			goto out;
		if (size != l->size || strcmp(again, l->digest) != 0) {
			cg_error(err, 0, "layer %s changed while it was being saved", l->dir);
			goto out;
		}
	}
	if (archive_write_close(a) != ARCHIVE_OK) {
		out_fail(a, "the archive's end", err);
		goto out;
	}
	r = 0;
out:
	archive_write_free(a);
	return r;
}

static void saver_free(struct saver *s)
{
	for (size_t i = 0; i < s->nlayers; i++)
		free(s->layers[i].dir);
	free(s->layers);
	for (size_t i = 0; i < s->nimgs; i++) {
		cg_image_free(&s->imgs[i].img);
		free(s->imgs[i].name);
		free(s->imgs[i].layers);
		free(s->imgs[i].config);
		free(s->imgs[i].manifest);
	}
	free(s->imgs);
}

/* What index.json calls the image: its reference, canonical; none for an
 * image stored by its ID. */
static char *saved_name(const struct cg_image *img)
{
	struct cg_imgref ref;
	cg_err_t ignore = { 0 };
	char *canon;

	if (img->config_digest && !strcmp(img->config_digest + strlen("sha256:"), img->name))
		return NULL;
	if (cg_imgref_parse(img->name, &ref, &ignore) < 0)
		return NULL;
	canon = cg_imgref_string(&ref);
	cg_imgref_free(&ref);
	return canon;
}

int cg_image_save(const struct cg_ctx *ctx, const char *const *names, size_t n, int fd, cg_err_t *err)
{
	struct saver s = { .ctx = ctx };
	int r = -1;

	s.imgs = xcalloc(n, sizeof(*s.imgs));
	for (; s.nimgs < n; s.nimgs++) {
		struct saved *im = &s.imgs[s.nimgs];

		if (cg_image_lookup(ctx, names[s.nimgs], &im->img, err) < 0)
			goto out;
		im->name = saved_name(&im->img);
		if (im->img.layers) {
			while (im->img.layers[im->nlayers])
				im->nlayers++;
			im->layers = xcalloc(im->nlayers, sizeof(size_t));
			for (size_t i = 0; i < im->nlayers; i++) {
				cleanup_free char *dir = xasprintf("%s/layers/%s/diff", ctx->store_dir, im->img.layers[i]);

				im->layers[i] = add_layer(&s, dir, true);
			}
		} else {
			im->nlayers = 1;
			im->layers = xcalloc(1, sizeof(size_t));
			im->layers[0] = add_layer(&s, im->img.rootfs, false);
		}
	}
	for (size_t i = 0; i < s.nlayers; i++)
		if (layer_pass(&s.layers[i], NULL, s.layers[i].digest, &s.layers[i].size, err) < 0)
			goto out;
	for (size_t i = 0; i < s.nimgs; i++)
		if (image_docs(&s, &s.imgs[i], err) < 0)
			goto out;
	r = write_archive(&s, fd, err);
out:
	saver_free(&s);
	return r;
}
