/* manifest.c - manifests and indexes. What counts as which kind follows
 * containerd (core/images/image.go's validateMediaType): the content type
 * or the document's mediaType names the kind, the fields must agree. */
#include "config.h"

#include "manifest.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "imgref.h"
#include "json-get.h"

#define ATTESTATION_ANNOTATION "vnd.docker.reference.type"

static const char *const schema1_types[] = {
	"application/vnd.docker.distribution.manifest.v1+json",
	"application/vnd.docker.distribution.manifest.v1+prettyjws",
	NULL,
};

static const struct {
	const char *type;
	int kind;
} manifest_types[] = {
	{ CG_MT_DOCKER_MANIFEST, CG_MF_IMAGE },
	{ CG_MT_OCI_MANIFEST, CG_MF_IMAGE },
	{ CG_MT_DOCKER_LIST, CG_MF_INDEX },
	{ CG_MT_OCI_INDEX, CG_MF_INDEX },
};

static const struct {
	const char *type;
	enum cg_layer_compression compression;
	bool foreign;
} layer_types[] = {
	{ "application/vnd.docker.image.rootfs.diff.tar.gzip", CG_COMP_GZIP, false },
	{ "application/vnd.docker.image.rootfs.diff.tar.zstd", CG_COMP_ZSTD, false },
	{ "application/vnd.docker.image.rootfs.diff.tar", CG_COMP_NONE, false },
	{ "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", CG_COMP_GZIP, true },
	{ "application/vnd.docker.image.rootfs.foreign.diff.tar", CG_COMP_NONE, true },
	{ "application/vnd.oci.image.layer.v1.tar+gzip", CG_COMP_GZIP, false },
	{ "application/vnd.oci.image.layer.v1.tar+zstd", CG_COMP_ZSTD, false },
	{ "application/vnd.oci.image.layer.v1.tar", CG_COMP_NONE, false },
	{ "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip", CG_COMP_GZIP, true },
	{ "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd", CG_COMP_ZSTD, true },
	{ "application/vnd.oci.image.layer.nondistributable.v1.tar", CG_COMP_NONE, true },
};

static const char *kind_name(int kind)
{
	return kind == CG_MF_INDEX ? "an index" : "an image manifest";
}

/* 0: not a manifest type; -1: schema1. */
static int type_kind(const char *t)
{
	for (size_t i = 0; schema1_types[i]; i++)
		if (strcmp(t, schema1_types[i]) == 0)
			return -1;
	for (size_t i = 0; i < ARRAY_SIZE(manifest_types); i++)
		if (strcmp(t, manifest_types[i].type) == 0)
			return manifest_types[i].kind;
	return 0;
}

/* "Application/JSON; charset=utf-8" -> "application/json". */
static void content_type_base(const char *ct, char *buf, size_t cap)
{
	size_t n = 0;

	while (ct && (*ct == ' ' || *ct == '\t'))
		ct++;
	for (; ct && *ct && *ct != ';' && *ct != ' ' && *ct != '\t' && n + 1 < cap; ct++)
		buf[n++] = (char)tolower((unsigned char)*ct);
	buf[n] = '\0';
}

static int schema1(cg_err_t *err)
{
	return cg_error(err, 0,
			"image manifest schema1 is not supported (deprecated by docker in 2017): "
			"push the image again with a current docker, podman or skopeo");
}

static void descriptor_free(struct cg_descriptor *d)
{
	free(d->media_type);
	free(d->digest);
	free(d->os);
	free(d->arch);
	free(d->variant);
	cg_strv_free(d->urls);
	memset(d, 0, sizeof(*d));
}

static int parse_descriptor(json_object *o, struct cg_descriptor *d, cg_err_t *err)
{
	int r;

	if (!json_object_is_type(o, json_type_object))
		return cg_error(err, 0, "not an object");
	if ((r = cg_json_string(o, "mediaType", true, &d->media_type, err)) < 0 ||
	    (r = cg_json_string(o, "digest", true, &d->digest, err)) < 0 ||
	    (r = cg_json_size(o, "size", true, &d->size, err)) < 0 ||
	    (r = cg_json_strv(o, "urls", false, &d->urls, NULL, err)) < 0)
		return r;
	if (!cg_digest_valid(d->digest))
		return cg_error(err, 0, "bad digest \"%.80s\" (only sha256: and 64 lower-case hex digits)",
				d->digest);
	return 0;
}

static int parse_layer(json_object *o, struct cg_descriptor *d, cg_err_t *err)
{
	int r = parse_descriptor(o, d, err);

	if (r < 0)
		return r;
	for (size_t i = 0; i < ARRAY_SIZE(layer_types); i++) {
		if (strcmp(d->media_type, layer_types[i].type) == 0) {
			d->compression = layer_types[i].compression;
			d->foreign = layer_types[i].foreign;
			return 0;
		}
	}
	return cg_error(err, 0, "unsupported layer media type \"%.100s\"", d->media_type);
}

static int parse_image(json_object *root, struct cg_manifest *m, cg_err_t *err)
{
	json_object *config, *layers;
	int r;

	if ((r = cg_json_object(root, "config", &config, err)) < 0)
		return r;
	if (config == NULL)
		return cg_error(err, 0, "\"config\" is missing");
	if ((r = parse_descriptor(config, &m->config, err)) < 0)
		return cg_error_wrap(err, "config");
	if (strcmp(m->config.media_type, CG_MT_DOCKER_CONFIG) != 0 &&
	    strcmp(m->config.media_type, CG_MT_OCI_CONFIG) != 0)
		return cg_error(err, 0,
				"not a container image: its config is \"%.100s\" (an OCI artifact?)",
				m->config.media_type);
	layers = cg_json_member(root, "layers");
	if (layers == NULL)
		return cg_error(err, 0, "\"layers\" is missing");
	if (!json_object_is_type(layers, json_type_array))
		return cg_error(err, 0, "\"layers\" is not an array");
	m->nlayers = json_object_array_length(layers);
	m->layers = xcalloc(m->nlayers, sizeof(*m->layers));
	for (size_t i = 0; i < m->nlayers; i++)
		if ((r = parse_layer(json_object_array_get_idx(layers, i), &m->layers[i], err)) < 0)
			return cg_error_wrap(err, "layer %zu", i);
	return 0;
}

static int parse_entry(json_object *o, struct cg_descriptor *d, cg_err_t *err)
{
	json_object *platform, *annotations;
	cleanup_free char *ref_type = NULL;
	int r;

	if ((r = parse_descriptor(o, d, err)) < 0 ||
	    (r = cg_json_object(o, "platform", &platform, err)) < 0 ||
	    (r = cg_json_object(o, "annotations", &annotations, err)) < 0)
		return r;
	if (platform != NULL &&
	    ((r = cg_json_string(platform, "os", false, &d->os, err)) < 0 ||
	     (r = cg_json_string(platform, "architecture", false, &d->arch, err)) < 0 ||
	     (r = cg_json_string(platform, "variant", false, &d->variant, err)) < 0))
		return cg_error_wrap(err, "platform");
	if (annotations != NULL &&
	    (r = cg_json_string(annotations, ATTESTATION_ANNOTATION, false, &ref_type, err)) < 0)
		return cg_error_wrap(err, "annotations");
	/* buildkit's provenance and SBOM manifests: annotated, and given the
	 * platform unknown/unknown so that old clients never pick them. */
	d->attestation = (ref_type && strcmp(ref_type, "attestation-manifest") == 0) ||
			 (d->os && d->arch && strcmp(d->os, "unknown") == 0 &&
			  strcmp(d->arch, "unknown") == 0);
	return 0;
}

static int parse_index(json_object *root, struct cg_manifest *m, cg_err_t *err)
{
	json_object *list = cg_json_member(root, "manifests");
	int r;

	if (list == NULL)
		return cg_error(err, 0, "\"manifests\" is missing");
	if (!json_object_is_type(list, json_type_array))
		return cg_error(err, 0, "\"manifests\" is not an array");
	m->nentries = json_object_array_length(list);
	m->entries = xcalloc(m->nentries, sizeof(*m->entries));
	for (size_t i = 0; i < m->nentries; i++)
		if ((r = parse_entry(json_object_array_get_idx(list, i), &m->entries[i], err)) < 0)
			return cg_error_wrap(err, "manifests[%zu]", i);
	return 0;
}

/* The kind the fields say: manifests for an index, config or layers for
 * an image manifest; 0 for neither. */
static int field_kind(json_object *root, cg_err_t *err)
{
	bool index = cg_json_member(root, "manifests") != NULL;
	bool image = cg_json_member(root, "config") != NULL || cg_json_member(root, "layers") != NULL;

	if (index && image)
		return cg_error(err, 0, "both \"manifests\" and \"config\"/\"layers\"");
	return index ? CG_MF_INDEX : image ? CG_MF_IMAGE : 0;
}

static int parse_root(json_object *root, const char *content_type, struct cg_manifest *m,
		      cg_err_t *err)
{
	cleanup_free char *body_type = NULL;
	json_object *version;
	char ct[128];
	int ct_kind, body_kind = 0, fkind, r;

	if (!json_object_is_type(root, json_type_object))
		return cg_error(err, 0, "not a JSON object");
	content_type_base(content_type, ct, sizeof(ct));
	ct_kind = type_kind(ct);
	version = cg_json_member(root, "schemaVersion");
	if (ct_kind < 0 || cg_json_member(root, "fsLayers") != NULL ||
	    (version && json_object_is_type(version, json_type_int) && json_object_get_int64(version) == 1))
		return schema1(err);
	if (version == NULL)
		return cg_error(err, 0, "\"schemaVersion\" is missing");
	if (!json_object_is_type(version, json_type_int) || json_object_get_int64(version) != 2)
		return cg_error(err, 0, "unsupported schemaVersion %.20s (only 2 is)",
				json_object_to_json_string(version));
	if ((r = cg_json_string(root, "mediaType", false, &body_type, err)) < 0)
		return r;
	if (body_type != NULL && (body_kind = type_kind(body_type)) <= 0)
		return body_kind < 0 ? schema1(err)
				     : cg_error(err, 0, "unsupported manifest media type \"%.100s\"",
						body_type);
	if ((fkind = field_kind(root, err)) < 0)
		return fkind;
	m->kind = ct_kind ? ct_kind : body_kind ? body_kind : fkind;
	if (m->kind == 0)
		return cg_error(err, 0, "neither an image manifest nor an index (no mediaType, "
					      "config, layers or manifests)");
	if ((body_kind && body_kind != m->kind) || (fkind && fkind != m->kind))
		return cg_error(err, 0, "served as %s (%s) but it is %s", kind_name(m->kind),
				ct_kind ? ct : body_type, kind_name(m->kind == CG_MF_INDEX ? CG_MF_IMAGE : CG_MF_INDEX));
	/* OCI documents may leave out mediaType: the content type, else OCI's. */
	if (body_type != NULL)
		m->media_type = steal_pointer(&body_type);
	else if (ct_kind)
		m->media_type = xstrdup(ct);
	else
		m->media_type = xstrdup(m->kind == CG_MF_INDEX ? CG_MT_OCI_INDEX : CG_MT_OCI_MANIFEST);
	return m->kind == CG_MF_INDEX ? parse_index(root, m, err) : parse_image(root, m, err);
}

int cg_manifest_parse(const char *body, size_t len, const char *content_type, struct cg_manifest *m,
		      cg_err_t *err)
{
	json_object *root;
	int r;

	memset(m, 0, sizeof(*m));
	if ((r = cg_json_parse(body, len, &root, err)) < 0)
		return cg_error_wrap(err, "manifest");
	r = parse_root(root, content_type, m, err);
	json_object_put(root);
	if (r < 0) {
		cg_manifest_free(m);
		return cg_error_wrap(err, "manifest");
	}
	return 0;
}

void cg_manifest_free(struct cg_manifest *m)
{
	if (m == NULL)
		return;
	free(m->media_type);
	descriptor_free(&m->config);
	for (size_t i = 0; i < m->nlayers; i++)
		descriptor_free(&m->layers[i]);
	free(m->layers);
	for (size_t i = 0; i < m->nentries; i++)
		descriptor_free(&m->entries[i]);
	free(m->entries);
	memset(m, 0, sizeof(*m));
}

static bool is_image_manifest(const struct cg_descriptor *d)
{
	return type_kind(d->media_type) == CG_MF_IMAGE;
}

const struct cg_descriptor *cg_index_pick(const struct cg_manifest *idx, const char *os,
					  const char *arch, const char *variant, cg_err_t *err)
{
	const struct cg_descriptor *best = NULL;
	int best_rank = -1;
	char *list = NULL;
	size_t len = 0;
	FILE *f;

	if (idx->kind != CG_MF_INDEX) {
		cg_error(err, 0, "not an index");
		return NULL;
	}
	for (size_t i = 0; i < idx->nentries; i++) {
		const struct cg_descriptor *d = &idx->entries[i];
		int rank;

		if (d->attestation || !is_image_manifest(d))
			continue;
		rank = cg_platform_rank(os, arch, variant, d->os, d->arch, d->variant);
		/* The first of equals, as containerd's sort is stable. */
		if (rank >= 0 && (best == NULL || rank < best_rank)) {
			best = d;
			best_rank = rank;
		}
	}
	if (best != NULL)
		return best;
	f = open_memstream(&list, &len);
	if (f == NULL)
		abort();
	for (size_t i = 0, n = 0; i < idx->nentries; i++) {
		const struct cg_descriptor *d = &idx->entries[i];
		cleanup_free char *p = NULL;

		if (d->attestation || !is_image_manifest(d) || d->os == NULL || d->arch == NULL)
			continue;
		p = cg_platform_string(d->os, d->arch, d->variant);
		fprintf(f, "%s%s", n++ ? ", " : "", p);
	}
	if (fclose(f) != 0)
		abort();
	{
		cleanup_free char *want = cg_platform_string(os, arch, variant);

		cg_error(err, 0, "no image for %s in the index; it has %s", want,
			 len ? list : "no platform-specific images");
	}
	free(list);
	return NULL;
}
