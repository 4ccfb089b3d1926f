/* archive-meta.c - manifest.json and index.json of image archives
 * (archive-meta.h). */
#include "config.h"

#include "archive-meta.h"

#include <string.h>

#include "imgref.h"
#include "json-get.h"
#include "tar-path.h"

/* A member name from a document: clean, inside the archive, not empty. */
static int member_name(const char *s, const char *what, char **out, cg_err_t *err)
{
	const char *why = NULL;
	char *c = cg_tar_path_clean(s, &why);

	if (c == NULL || c[0] == '\0') {
		free(c);
		return cg_error(err, 0, "%s '%s': %s", what, s, why ? why : "names no file");
	}
	*out = c;
	return 0;
}

static int canonical(const char *s, const char *what, char **out, cg_err_t *err)
{
	struct cg_imgref ref;

	if (cg_imgref_parse(s, &ref, err) < 0)
		return cg_error_wrap(err, "%s", what);
	*out = cg_imgref_string(&ref);
	cg_imgref_free(&ref);
	return 0;
}

void cg_docker_entries_free(struct cg_docker_entry *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].config);
		cg_strv_free(v[i].layers);
		cg_strv_free(v[i].names);
	}
	free(v);
}

static int docker_entry(json_object *o, struct cg_docker_entry *e, cg_err_t *err)
{
	cleanup_free char *config = NULL;
	char **layers = NULL, **tags = NULL;
	size_t nl = 0, nt = 0;
	int r = -1;

	if (!json_object_is_type(o, json_type_object))
		return cg_error(err, 0, "an entry is not an object");
	if (cg_json_string(o, "Config", true, &config, err) < 0 ||
	    cg_json_strv(o, "Layers", false, &layers, &nl, err) < 0 ||
	    cg_json_strv(o, "RepoTags", false, &tags, &nt, err) < 0)
		goto out;
	if (member_name(config, "Config", &e->config, err) < 0)
		goto out;
	e->layers = xcalloc(nl + 1, sizeof(char *));
	for (e->nlayers = 0; e->nlayers < nl; e->nlayers++)
		if (member_name(layers[e->nlayers], "layer", &e->layers[e->nlayers], err) < 0)
			goto out;
	if (nt) {
		e->names = xcalloc(nt + 1, sizeof(char *));
		for (size_t i = 0; i < nt; i++)
			if (canonical(tags[i], "RepoTags", &e->names[i], err) < 0)
				goto out;
	}
	r = 0;
out:
	cg_strv_free(layers);
	cg_strv_free(tags);
	return r;
}

int cg_docker_manifest_parse(const char *body, size_t len, struct cg_docker_entry **out, size_t *n,
			     cg_err_t *err)
{
	json_object *root = NULL;
	struct cg_docker_entry *v = NULL;
	size_t cnt = 0;

	*out = NULL;
	*n = 0;
	if (cg_json_parse(body, len, &root, err) < 0)
		return cg_error_wrap(err, "manifest.json");
	if (!json_object_is_type(root, json_type_array) || json_object_array_length(root) == 0) {
		json_object_put(root);
		return cg_error(err, 0, "manifest.json: not an array of images");
	}
	cnt = json_object_array_length(root);
	v = xcalloc(cnt, sizeof(*v));
	for (size_t i = 0; i < cnt; i++)
		if (docker_entry(json_object_array_get_idx(root, i), &v[i], err) < 0) {
			json_object_put(root);
			cg_docker_entries_free(v, cnt);
			return cg_error_wrap(err, "manifest.json, image %zu", i + 1);
		}
	json_object_put(root);
	*out = v;
	*n = cnt;
	return 0;
}

int cg_layout_name(const char *containerd_name, const char *ref_name, char **out, cg_err_t *err)
{
	*out = NULL;
	if (containerd_name && containerd_name[0])
		return canonical(containerd_name, CG_ANNOT_CONTAINERD_NAME, out, err);
	if (ref_name && strpbrk(ref_name, "/:@"))
		return canonical(ref_name, CG_ANNOT_REF_NAME, out, err);
	return 0;
}

void cg_layout_entries_free(struct cg_layout_entry *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].media_type);
		free(v[i].digest);
		free(v[i].name);
	}
	free(v);
}

static int layout_entry(json_object *o, struct cg_layout_entry *e, cg_err_t *err)
{
	cleanup_free char *cname = NULL, *rname = NULL;
	json_object *annot = NULL;

	if (!json_object_is_type(o, json_type_object))
		return cg_error(err, 0, "an entry is not an object");
	if (cg_json_string(o, "mediaType", false, &e->media_type, err) < 0 ||
	    cg_json_string(o, "digest", true, &e->digest, err) < 0 ||
	    cg_json_size(o, "size", true, &e->size, err) < 0 ||
	    cg_json_object(o, "annotations", &annot, err) < 0)
		return -1;
	if (!cg_digest_valid(e->digest))
		return cg_error(err, 0, "bad digest '%s' (sha256:<64 hex digits> only)", e->digest);
	if (annot && (cg_json_string(annot, CG_ANNOT_CONTAINERD_NAME, false, &cname, err) < 0 ||
		      cg_json_string(annot, CG_ANNOT_REF_NAME, false, &rname, err) < 0))
		return -1;
	return cg_layout_name(cname, rname, &e->name, err);
}

int cg_layout_index_parse(const char *body, size_t len, struct cg_layout_entry **out, size_t *n, cg_err_t *err)
{
	json_object *root = NULL, *m;
	struct cg_layout_entry *v;
	size_t cnt;

	*out = NULL;
	*n = 0;
	if (cg_json_parse(body, len, &root, err) < 0)
		return cg_error_wrap(err, "index.json");
	if (!json_object_is_type(root, json_type_object) || (m = cg_json_member(root, "manifests")) == NULL ||
	    !json_object_is_type(m, json_type_array) || json_object_array_length(m) == 0) {
		json_object_put(root);
		return cg_error(err, 0, "index.json: no manifests array");
	}
	cnt = json_object_array_length(m);
	v = xcalloc(cnt, sizeof(*v));
	for (size_t i = 0; i < cnt; i++)
		if (layout_entry(json_object_array_get_idx(m, i), &v[i], err) < 0) {
			json_object_put(root);
			cg_layout_entries_free(v, cnt);
			return cg_error_wrap(err, "index.json, manifest %zu", i + 1);
		}
	json_object_put(root);
	*out = v;
	*n = cnt;
	return 0;
}

char *cg_layout_blob_member(const char *digest)
{
	if (!cg_digest_valid(digest))
		return NULL;
	return xasprintf("blobs/sha256/%s", digest + strlen("sha256:"));
}

char *cg_archive_link_target(const char *member, const char *target)
{
	const char *slash = strrchr(member, '/');
	cleanup_free char *joined = NULL;
	char *out, *save = NULL, *tok;
	size_t len = 0;

	if (target[0] == '/' || target[0] == '\0')
		return NULL;
	joined = slash ? xasprintf("%.*s/%s", (int)(slash - member), member, target) : xstrdup(target);
	out = xcalloc(strlen(joined) + 1, 1);
	for (tok = strtok_r(joined, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		if (!strcmp(tok, "."))
			continue;
		if (!strcmp(tok, "..")) {
			char *up;

			if (len == 0) {
				free(out);
				return NULL;
			}
			up = strrchr(out, '/');
			len = up ? (size_t)(up - out) : 0;
			out[len] = '\0';
			continue;
		}
		len += (size_t)sprintf(out + len, "%s%s", len ? "/" : "", tok);
	}
	if (len == 0) {
		free(out);
		return NULL;
	}
	return out;
}
