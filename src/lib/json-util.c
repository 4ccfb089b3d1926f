/* json-util.c - small json-c builders (json-util.h). */
#include "config.h"

#include "json-util.h"

#include <time.h>

struct json_object *cg_json_new_strv(const char *const *v)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; v && v[i]; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	return a;
}

struct json_object *cg_json_new_rfc3339(long long t)
{
	char buf[64];
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL) {
		tt = 0;
		gmtime_r(&tt, &tm);
	}
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_object_new_string(buf);
}
