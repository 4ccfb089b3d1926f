/* registry-util.c - the registry client's pure helpers (registry-util.h). */
#include "config.h"

#include "registry-util.h"
#include "util.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <json-c/json.h>

void cg_registry_describe_body(const char *body, size_t len, char *out, size_t outlen)
{
	json_object *root, *errs, *e0, *code, *msg;
	size_t n;

	out[0] = '\0';
	if (body == NULL || len == 0)
		return;
	root = json_tokener_parse(body);
	if (root && json_object_object_get_ex(root, "errors", &errs) &&
	    json_object_is_type(errs, json_type_array) && json_object_array_length(errs) > 0) {
		char codebuf[128] = "";
		const char *m = NULL;

		e0 = json_object_array_get_idx(errs, 0);
		if (json_object_object_get_ex(e0, "code", &code)) {
			snprintf(codebuf, sizeof(codebuf), "%s", json_object_get_string(code));
			for (char *s = codebuf; *s; s++)
				*s = *s == '_' ? ' ' : tolower((unsigned char)*s);
		}
		if (json_object_object_get_ex(e0, "message", &msg))
			m = json_object_get_string(msg);
		if (m && *m && strcasecmp(m, codebuf) != 0)
			snprintf(out, outlen, "%s%s%s", codebuf, *codebuf ? ": " : "", m);
		else
			snprintf(out, outlen, "%s", codebuf);
		json_object_put(root);
		return;
	}
	json_object_put(root);
	n = strcspn(body, "\r\n");
	snprintf(out, outlen, "%.*s", (int)(n > 200 ? 200 : n), body);
}

char *cg_registry_token_parse(const char *body)
{
	static const char *const keys[] = { "token", "access_token" };
	json_object *root = json_tokener_parse(body ? body : ""), *tok;
	char *out = NULL;

	for (size_t i = 0; root && out == NULL && i < ARRAY_SIZE(keys); i++) {
		if (json_object_object_get_ex(root, keys[i], &tok) && json_object_is_type(tok, json_type_string) &&
		    json_object_get_string_len(tok) > 0)
			out = xstrdup(json_object_get_string(tok));
	}
	json_object_put(root);
	return out;
}

long cg_retry_after_parse(const char *value)
{
	char *end;
	long secs;

	while (isspace((unsigned char)*value))
		value++;
	secs = strtol(value, &end, 10);
	while (isspace((unsigned char)*end))
		end++;
	return (isdigit((unsigned char)*value) && *end == '\0' && secs >= 0) ? secs : 5;
}

char *cg_url_origin(const char *url)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *out = NULL;

	if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK) {
		for (char *s = host; *s; s++)
			*s = tolower((unsigned char)*s);
		out = xasprintf("%s://%s:%s", scheme, host, port);
	}
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return out;
}

char *cg_url_redirect(const char *from, const char *location)
{
	CURLU *u = curl_url();
	char *full = NULL, *scheme = NULL, *out = NULL;

	if (u && curl_url_set(u, CURLUPART_URL, from, 0) == CURLUE_OK &&
	    curl_url_set(u, CURLUPART_URL, location, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    (strcmp(scheme, "https") == 0 ||
	     (strcmp(scheme, "http") == 0 && strncasecmp(from, "https:", 6) != 0)) &&
	    curl_url_get(u, CURLUPART_URL, &full, 0) == CURLUE_OK)
		out = xstrdup(full);
	curl_free(full);
	curl_free(scheme);
	curl_url_cleanup(u);
	return out;
}

bool cg_digest_is_sha256(const char *d)
{
	if (strncmp(d, "sha256:", 7) != 0 || strlen(d) != 7 + 64)
		return false;
	for (const char *s = d + 7; *s; s++)
		if (!isdigit((unsigned char)*s) && !(*s >= 'a' && *s <= 'f'))
			return false;
	return true;
}

char *cg_digest_format_sha256(const unsigned char *md)
{
	char *out = xcalloc(1, 7 + 64 + 1);

	memcpy(out, "sha256:", 7);
	for (int i = 0; i < 32; i++)
		snprintf(out + 7 + 2 * i, 3, "%02x", md[i]);
	return out;
}
