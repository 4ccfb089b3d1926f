/* json-get.h - typed field access on json-c objects for the image
 * documents (manifests, configs, auth files): a field of the wrong type is
 * an error naming the field, never a silent default. */
#ifndef CGRUN_JSON_GET_H
#define CGRUN_JSON_GET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "util.h"

/* Parse a whole buffer as one JSON document (trailing garbage is an error). */
int cg_json_parse(const char *body, size_t len, json_object **out, cg_err_t *err);

/* The member KEY of object O; absent and null both give NULL. */
json_object *cg_json_member(json_object *o, const char *key);

/* A string member: *out is a copy, or NULL when absent (an error if
 * required). Strings with an embedded NUL are refused. */
int cg_json_string(json_object *o, const char *key, bool required, char **out, cg_err_t *err);
/* The same for a value that is not a member. */
int cg_json_string_value(json_object *v, const char *what, char **out, cg_err_t *err);
/* An array of strings (docker's StrSlice: a lone string is one element):
 * *out is NULL-terminated, NULL when absent; *n (may be NULL) its length. */
int cg_json_strv(json_object *o, const char *key, bool lone_string, char ***out, size_t *n,
		 cg_err_t *err);
/* A non-negative integer member. */
int cg_json_size(json_object *o, const char *key, bool required, int64_t *out, cg_err_t *err);
/* An object member, NULL when absent; an error when it is another type. */
int cg_json_object(json_object *o, const char *key, json_object **out, cg_err_t *err);

/* cg_strv_free: util.h. */

#endif
