/* image-config.c - the image config blob (OCI image-spec config.md;
 * docker's image JSON has the same fields, and more we do not need). */
#include "config.h"

#include "image-config.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "imgref.h"
#include "json-get.h"
#include "layers.h"
#include "sha256.h"

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
 * (Howard Hinnant's days_from_civil): no timegm, whose time_t and tm_year
 * limits differ between libcs. */
static long long days_from_civil(long long y, int m, int d)
{
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	long long yoe = y - era * 400;
	long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

static int digits(const char **p, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++, (*p)++) {
		if (!isdigit((unsigned char)**p))
			return -1;
		v = v * 10 + (**p - '0');
	}
	return v;
}

static bool expect(const char **p, const char *set)
{
	if (**p == '\0' || !strchr(set, **p))
		return false;
	(*p)++;
	return true;
}

int cg_rfc3339_parse(const char *s, long long *out, cg_err_t *err)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	const char *p = s;
	int y, mo, d, h, mi, sec, off = 0;

	y = digits(&p, 4);
	if (y < 1 || !expect(&p, "-") || (mo = digits(&p, 2)) < 1 || mo > 12 || !expect(&p, "-") ||
	    (d = digits(&p, 2)) < 1 || d > mdays[mo - 1] || !expect(&p, "Tt") ||
	    (h = digits(&p, 2)) < 0 || h > 23 || !expect(&p, ":") || (mi = digits(&p, 2)) < 0 ||
	    mi > 59 || !expect(&p, ":") || (sec = digits(&p, 2)) < 0 || sec > 60)
		goto bad;
	if (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		goto bad;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			goto bad;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p++ == '-' ? -1 : 1, oh, om;

		if ((oh = digits(&p, 2)) < 0 || oh > 23 || !expect(&p, ":") || (om = digits(&p, 2)) < 0 ||
		    om > 59)
			goto bad;
		off = sign * (oh * 3600 + om * 60);
	} else {
		goto bad;
	}
	if (*p != '\0')
		goto bad;
	/* A leap second counts as the next second's start, as Go's parser. */
	*out = days_from_civil(y, mo, d) * 86400LL + h * 3600LL + mi * 60LL + sec - off;
	return 0;
bad:
	return cg_error(err, 0, "bad time \"%.64s\" (expected RFC 3339, e.g. 2024-01-11T04:41:33Z)", s);
}

/* An object of strings as "k=v" pairs (Labels), or its keys only (ExposedPorts). */
static int object_pairs(json_object *o, const char *key, bool keys_only, char ***out, cg_err_t *err)
{
	json_object *v;
	size_t n = 0;
	int r;

	*out = NULL;
	if ((r = cg_json_object(o, key, &v, err)) < 0 || v == NULL)
		return r;
	*out = xcalloc((size_t)json_object_object_length(v) + 1, sizeof(char *));
	json_object_object_foreach(v, k, val) {
		cleanup_free char *s = NULL;

		if (!keys_only) {
			char what[160];

			snprintf(what, sizeof(what), "\"%s\" of \"%.100s\"", key, k);
			if ((r = cg_json_string_value(val, what, &s, err)) < 0)
				return r;
		}
		(*out)[n++] = keys_only ? xstrdup(k) : xasprintf("%s=%s", k, s);
	}
	return 0;
}

static int parse_run_config(json_object *cfg, struct cg_image_config *c, cg_err_t *err)
{
	int r;

	if ((r = cg_json_strv(cfg, "Env", false, &c->env, NULL, err)) < 0 ||
	    (r = cg_json_strv(cfg, "Entrypoint", true, &c->entrypoint, NULL, err)) < 0 ||
	    (r = cg_json_strv(cfg, "Cmd", true, &c->cmd, NULL, err)) < 0 ||
	    (r = cg_json_string(cfg, "WorkingDir", false, &c->workdir, err)) < 0 ||
	    (r = cg_json_string(cfg, "User", false, &c->user, err)) < 0 ||
	    (r = cg_json_string(cfg, "StopSignal", false, &c->stop_signal, err)) < 0 ||
	    (r = object_pairs(cfg, "Labels", false, &c->labels, err)) < 0 ||
	    (r = object_pairs(cfg, "ExposedPorts", true, &c->exposed_ports, err)) < 0)
		return r;
	return 0;
}

static int parse_rootfs(json_object *root, struct cg_image_config *c, cg_err_t *err)
{
	cleanup_free char *type = NULL;
	json_object *rootfs;
	int r;

	if ((r = cg_json_object(root, "rootfs", &rootfs, err)) < 0)
		return r;
	if (rootfs == NULL)
		return cg_error(err, 0, "\"rootfs\" is missing");
	if ((r = cg_json_string(rootfs, "type", true, &type, err)) < 0)
		return cg_error_wrap(err, "rootfs");
	if (strcmp(type, "layers") != 0)
		return cg_error(err, 0, "rootfs type \"%.40s\" is not \"layers\"", type);
	if ((r = cg_json_strv(rootfs, "diff_ids", false, &c->diff_ids, &c->ndiff_ids, err)) < 0)
		return cg_error_wrap(err, "rootfs");
	if (c->diff_ids == NULL)
		return cg_error(err, 0, "rootfs: \"diff_ids\" is missing");
	for (size_t i = 0; i < c->ndiff_ids; i++)
		if (!cg_digest_valid(c->diff_ids[i]))
			return cg_error(err, 0, "rootfs: bad diff_id \"%.80s\"", c->diff_ids[i]);
	return 0;
}

static int parse_root(json_object *root, struct cg_image_config *c, cg_err_t *err)
{
	cleanup_free char *created = NULL;
	json_object *cfg;
	int r;

	if (!json_object_is_type(root, json_type_object))
		return cg_error(err, 0, "not a JSON object");
	if ((r = cg_json_string(root, "os", false, &c->os, err)) < 0 ||
	    (r = cg_json_string(root, "architecture", false, &c->arch, err)) < 0 ||
	    (r = cg_json_string(root, "variant", false, &c->variant, err)) < 0 ||
	    (r = cg_json_string(root, "created", false, &created, err)) < 0)
		return r;
	if (created != NULL && (r = cg_rfc3339_parse(created, &c->created, err)) < 0)
		return cg_error_wrap(err, "created");
	if ((r = cg_json_object(root, "config", &cfg, err)) < 0)
		return r;
	if (cfg != NULL && (r = parse_run_config(cfg, c, err)) < 0)
		return cg_error_wrap(err, "config");
	return parse_rootfs(root, c, err);
}

int cg_image_config_parse(const char *body, size_t len, struct cg_image_config *c, cg_err_t *err)
{
	json_object *root;
	int r;

	memset(c, 0, sizeof(*c));
	if ((r = cg_json_parse(body, len, &root, err)) < 0)
		return cg_error_wrap(err, "image config");
	r = parse_root(root, c, err);
	json_object_put(root);
	if (r < 0) {
		cg_image_config_free(c);
		return cg_error_wrap(err, "image config");
	}
	return 0;
}

void cg_image_config_free(struct cg_image_config *c)
{
	if (c == NULL)
		return;
	cg_strv_free(c->env);
	cg_strv_free(c->entrypoint);
	cg_strv_free(c->cmd);
	free(c->workdir);
	free(c->user);
	free(c->stop_signal);
	cg_strv_free(c->labels);
	cg_strv_free(c->exposed_ports);
	cg_strv_free(c->diff_ids);
	free(c->os);
	free(c->arch);
	free(c->variant);
	memset(c, 0, sizeof(*c));
}

/* The OCI image spec's ChainIDs: ChainID(L0) = DiffID(L0),
 * ChainID(Ln) = sha256(ChainID(Ln-1) + " " + DiffID(Ln)). */
int cg_chain_ids(const struct cg_image_config *cfg, char (*chain)[65], cg_err_t *err)
{
	char prev[CG_SHA256_DIGEST_LEN];

	for (size_t i = 0; i < cfg->ndiff_ids; i++) {
		const char *d = cfg->diff_ids[i];

		if (strncmp(d, "sha256:", 7) != 0)
			return cg_error(err, 0, "diff_id %s: only sha256 is supported", d);
		if (i == 0) {
			snprintf(prev, sizeof(prev), "%s", d);
		} else {
			cleanup_sha256 struct cg_sha256 h = { 0 };

			if (cg_sha256_init(&h, err) < 0 || cg_sha256_update(&h, prev, strlen(prev), err) < 0 ||
			    cg_sha256_update(&h, " ", 1, err) < 0 || cg_sha256_update(&h, d, strlen(d), err) < 0 ||
			    cg_sha256_final(&h, prev, err) < 0)
				return -1;
		}
		snprintf(chain[i], 65, "%s", prev + 7);
		if (!cg_layer_hex_valid(chain[i]))
			return cg_error(err, 0, "diff_id %s is not a sha256 digest", d);
	}
	return 0;
}
