/* json-util.h - small json-c builders shared by the library, the CLI and
 * the image tool. */
#ifndef CGRUN_JSON_UTIL_H
#define CGRUN_JSON_UTIL_H

#include <json-c/json.h>

/* A NULL-terminated string array (NULL: empty) as a new JSON array. */
struct json_object *cg_json_new_strv(const char *const *v);
/* Seconds since the epoch as a new RFC 3339 UTC string
 * (2006-01-02T15:04:05Z); a time gmtime cannot take as the epoch. */
struct json_object *cg_json_new_rfc3339(long long t);

#endif
