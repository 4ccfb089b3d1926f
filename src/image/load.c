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
 * extracted for nothing (then removed). load-members.c reads the
 * members; this file makes images of them. */
#include "config.h"

#include "load.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "archive-meta.h"
#include "ctx.h"
#include "image-config.h"
#include "image-record.h"
#include "image.h"
#include "imgref.h"
#include "json-get.h"
#include "load-members.h"
#include "layers.h"
#include "manifest.h"
#include "sha256.h"

struct loader {
	const struct cg_ctx *ctx;
	const struct cg_load_opts *o;
	struct cg_members ms;
};

struct load_image {
	struct cg_member *config, *manifest;
	struct cg_member **layers;
	size_t nlayers;
	char **names;
	struct cg_image_config cfg;
	char (*chain)[65];
};

/* ------------------------------------------------------------------------
 * The documents, then the images they describe. */

static struct cg_member *document(struct loader *L, const char *name, const char *what, cg_err_t *err)
{
	struct cg_member *m = cg_members_resolve(&L->ms, name, what, err);

	if (m == NULL || cg_member_check_digest(m, name, err) < 0)
		return NULL;
	if (m->kind != CG_MEMBER_SMALL) {
		cg_error(err, 0, "%s '%s' is not a JSON document of at most %u bytes", what, name, CG_MEMBER_SMALL_MAX);
		return NULL;
	}
	return m;
}

static struct cg_member *blob(struct loader *L, const char *digest, int64_t size, const char *what, bool doc,
			   cg_err_t *err)
{
	cleanup_free char *name = cg_layout_blob_member(digest);
	struct cg_member *m;

	if (name == NULL) {
		cg_error(err, 0, "%s: bad digest '%s' (sha256:<64 hex digits> only)", what, digest);
		return NULL;
	}
	m = doc ? document(L, name, what, err) : cg_members_resolve(&L->ms, name, what, err);
	if (m == NULL || cg_member_check_digest(m, name, err) < 0)
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

static int from_docker(struct loader *L, const struct cg_member *mj, struct load_image **out, size_t *n,
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
		v[i].layers = xcalloc(d[i].nlayers + 1, sizeof(struct cg_member *));
		for (size_t k = 0; k < d[i].nlayers; k++) {
			if ((v[i].layers[k] = cg_members_resolve(&L->ms, d[i].layers[k], "layer", err)) == NULL ||
			    cg_member_check_digest(v[i].layers[k], d[i].layers[k], err) < 0)
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
static struct cg_member *image_manifest(struct loader *L, const struct cg_layout_entry *e, struct cg_manifest *man,
				     cg_err_t *err)
{
	struct cg_member *mm = blob(L, e->digest, e->size, "manifest", true, err);
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

static int from_layout(struct loader *L, const struct cg_member *ij, struct load_image **out, size_t *n,
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
		v[i].layers = xcalloc(man.nlayers + 1, sizeof(struct cg_member *));
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
		struct cg_member *m = img->layers[i];

		if (m->kind == CG_MEMBER_SMALL && cg_members_extract_small(&L->ms, m, err) < 0)
			return -1;
		if (m->kind != CG_MEMBER_LAYER)
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

static int place_layer(struct loader *L, struct cg_member *m, const char *hex, cg_err_t *err)
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
		int fd = cg_members_scratch(&L->ms, &copy, err);

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

int cg_image_load(const struct cg_ctx *ctx, int fd, const struct cg_load_opts *o, cg_err_t *err)
{
	struct loader *L = xcalloc(1, sizeof(*L));
	cleanup_free char *scratch = NULL;
	struct load_image *imgs = NULL;
	size_t nimgs = 0;
	struct cg_member *doc;
	cleanup_close int store_lock = -1;
	int r = -1;

	L->ctx = ctx;
	L->o = o;
	cg_image_stage_clean(ctx);
	/* Held until the images are recorded: no collector takes the layers
	 * placed meanwhile, which no image names yet. */
	if ((store_lock = cg_layers_lock(ctx, LOCK_SH, false, err)) < 0)
		goto out;
	scratch = xasprintf("%s/layers/.tmp-load-%d", ctx->store_dir, (int)getpid());
	if (cg_members_init(&L->ms, scratch, err) < 0 || cg_members_read(&L->ms, fd, err) < 0)
		goto out;
	if ((doc = cg_members_find(&L->ms, "manifest.json")) != NULL) {
		if ((doc = document(L, "manifest.json", "manifest.json", err)) == NULL ||
		    from_docker(L, doc, &imgs, &nimgs, err) < 0)
			goto out;
	} else if ((doc = cg_members_find(&L->ms, "index.json")) != NULL) {
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
	cg_members_free(&L->ms);
	free(L);
	return r;
}
