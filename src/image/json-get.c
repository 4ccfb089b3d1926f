/* json-get.c - typed field access on json-c objects. */
#include "config.h"

#include "json-get.h"

#include <errno.h>
#include <string.h>

int cg_json_parse(const char *body, size_t len, json_object **out, cg_err_t *err)
{
	json_tokener *tok;
	json_object *o;
	size_t used;

	*out = NULL;
	if (len > INT32_MAX)
		return cg_error(err, 0, "JSON document too large");
	tok = json_tokener_new();
	if (tok == NULL)
		abort();
	/* Closer to Go's encoding/json, which wrote these documents and
	 * reads them elsewhere: no comments, no trailing commas. */
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tok, body, (int)len);
	if (o == NULL) {
		enum json_tokener_error e = json_tokener_get_error(tok);

		json_tokener_free(tok);
		return cg_error(err, 0, "invalid JSON: %s",
				e == json_tokener_continue ? "unexpected end of data"
							   : json_tokener_error_desc(e));
	}
	used = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	for (; used < len; used++) {
		char c = body[used];

		if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
			json_object_put(o);
			return cg_error(err, 0, "invalid JSON: garbage after the document");
		}
	}
	*out = o;
	return 0;
}

json_object *cg_json_member(json_object *o, const char *key)
{
	json_object *v = NULL;

	if (o == NULL || !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

int cg_json_string_value(json_object *v, const char *what, char **out, cg_err_t *err)
{
	const char *s;

	if (!json_object_is_type(v, json_type_string))
		return cg_error(err, 0, "%s is not a string", what);
	s = json_object_get_string(v);
	if ((size_t)json_object_get_string_len(v) != strlen(s))
		return cg_error(err, 0, "%s contains a NUL character", what);
	*out = xstrdup(s);
	return 0;
}

int cg_json_string(json_object *o, const char *key, bool required, char **out, cg_err_t *err)
{
	json_object *v = cg_json_member(o, key);
	char what[128];

	*out = NULL;
	if (v == NULL)
		return required ? cg_error(err, 0, "\"%s\" is missing", key) : 0;
	snprintf(what, sizeof(what), "\"%s\"", key);
	return cg_json_string_value(v, what, out, err);
}

int cg_json_strv(json_object *o, const char *key, bool lone_string, char ***out, size_t *n,
		 cg_err_t *err)
{
	json_object *v = cg_json_member(o, key);
	char **res;
	size_t len;

	*out = NULL;
	if (n)
		*n = 0;
	if (v == NULL)
		return 0;
	if (lone_string && json_object_is_type(v, json_type_string)) {
		int r;

		res = xcalloc(2, sizeof(char *));
		if ((r = cg_json_string(o, key, true, &res[0], err)) < 0) {
			free(res);
			return r;
		}
		*out = res;
		if (n)
			*n = 1;
		return 0;
	}
	if (!json_object_is_type(v, json_type_array))
		return cg_error(err, 0, "\"%s\" is not an array of strings", key);
	len = json_object_array_length(v);
	res = xcalloc(len + 1, sizeof(char *));
	for (size_t i = 0; i < len; i++) {
		char what[160];
		int r;

		snprintf(what, sizeof(what), "\"%s\"[%zu]", key, i);
		r = cg_json_string_value(json_object_array_get_idx(v, i), what, &res[i], err);
		if (r < 0) {
			cg_strv_free(res);
			return r;
		}
	}
	*out = res;
	if (n)
		*n = len;
	return 0;
}

int cg_json_size(json_object *o, const char *key, bool required, int64_t *out, cg_err_t *err)
{
	json_object *v = cg_json_member(o, key);

	*out = 0;
	if (v == NULL)
		return required ? cg_error(err, 0, "\"%s\" is missing", key) : 0;
	/* json-c clamps numbers beyond int64 to INT64_MAX: no size is that. */
	if (!json_object_is_type(v, json_type_int) || (*out = json_object_get_int64(v)) < 0 ||
	    *out == INT64_MAX)
		return cg_error(err, 0, "\"%s\" is not a non-negative integer", key);
	return 0;
}

int cg_json_object(json_object *o, const char *key, json_object **out, cg_err_t *err)
{
	json_object *v = cg_json_member(o, key);

	*out = NULL;
	if (v == NULL)
		return 0;
	if (!json_object_is_type(v, json_type_object))
		return cg_error(err, 0, "\"%s\" is not an object", key);
	*out = v;
	return 0;
}
