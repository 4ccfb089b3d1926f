/* imgref.c - image references, parsed with the grammar of docker's
 * distribution/reference (regexp.go) and normalised as its normalize.go:
 *   name      := [domain '/'] component ('/' component)*
 *   domain    := host [':' port]; host := dns-name | '[' ipv6 ']'
 *   component := [a-z0-9]+ (('.' | '_' | '__' | '-'+) [a-z0-9]+)*
 *   reference := name [':' tag] ['@' digest]; tag := [\w][\w.-]{0,127}
 * The name (with its domain) is at most 255 characters. */
#include "config.h"

#include "imgref.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>

#define DOCKER_DOMAIN "docker.io"
#define DOCKER_LEGACY_DOMAIN "index.docker.io"
#define DOCKER_API_HOST "registry-1.docker.io"
#define NAME_MAX_LEN 255
#define TAG_MAX_LEN 128

static bool is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool is_word(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

static bool is_lower_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

bool cg_digest_valid(const char *d)
{
	if (d == NULL || strncmp(d, "sha256:", 7) != 0)
		return false;
	d += 7;
	for (int i = 0; i < 64; i++)
		if (!is_lower_hex(d[i]))
			return false;
	return d[64] == '\0';
}

/* One path component, [s, s+n). */
static bool component_valid(const char *s, size_t n)
{
	size_t i = 0;

	for (;;) {
		size_t start = i;

		while (i < n && is_lower_alnum(s[i]))
			i++;
		if (i == start)
			return false;
		if (i == n)
			return true;
		if (s[i] == '.')
			i++;
		else if (s[i] == '_')
			i += (i + 1 < n && s[i + 1] == '_') ? 2 : 1;
		else if (s[i] == '-')
			while (i < n && s[i] == '-')
				i++;
		else
			return false;
	}
}

static bool path_valid(const char *path)
{
	for (const char *p = path;;) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);

		if (!component_valid(p, n))
			return false;
		if (slash == NULL)
			return true;
		p = slash + 1;
	}
}

/* [a-zA-Z0-9] | [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9] */
static bool dns_label_valid(const char *s, size_t n)
{
	if (n == 0 || !isalnum((unsigned char)s[0]) || !isalnum((unsigned char)s[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-')
			return false;
	return true;
}

static bool domain_valid(const char *d)
{
	const char *port;

	if (d[0] == '[') {
		const char *end = strchr(d, ']');

		if (end == NULL || end == d + 1)
			return false;
		for (const char *p = d + 1; p < end; p++)
			if (!isxdigit((unsigned char)*p) && *p != ':')
				return false;
		port = end + 1;
		if (*port != '\0' && *port != ':')
			return false;
	} else {
		const char *p = d;

		port = d + strcspn(d, ":");
		for (;;) {
			const char *dot = memchr(p, '.', (size_t)(port - p));
			const char *end = dot ? dot : port;

			if (!dns_label_valid(p, (size_t)(end - p)))
				return false;
			if (dot == NULL)
				break;
			p = dot + 1;
		}
	}
	if (*port == ':') {
		if (port[1] == '\0')
			return false;
		for (const char *p = port + 1; *p; p++)
			if (!isdigit((unsigned char)*p))
				return false;
	}
	return true;
}

static bool tag_valid(const char *t)
{
	size_t n = strlen(t);

	if (n == 0 || n > TAG_MAX_LEN || !is_word(t[0]))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!is_word(t[i]) && t[i] != '.' && t[i] != '-')
			return false;
	return true;
}

static bool is_image_id(const char *s)
{
	size_t n = strlen(s);

	if (n != 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_lower_hex(s[i]))
			return false;
	return true;
}

/* normalize.go's splitDockerDomain: the first component names a registry
 * only when it looks like a host name; "user/app" is on docker.io. */
static void split_domain(const char *name, char **domain, char **rest)
{
	const char *slash = strchr(name, '/');

	if (slash != NULL) {
		size_t n = (size_t)(slash - name);

		if (memchr(name, '.', n) || memchr(name, ':', n) ||
		    (n == strlen("localhost") && strncmp(name, "localhost", n) == 0)) {
			*domain = strndup(name, n);
			if (*domain == NULL)
				abort();
			*rest = xstrdup(slash + 1);
			return;
		}
	}
	*domain = xstrdup(DOCKER_DOMAIN);
	*rest = xstrdup(name);
}

static int bad(cg_err_t *err, const char *s, const char *why)
{
	return cg_error(err, 0, "invalid reference \"%s\": %s", s, why);
}

int cg_imgref_parse(const char *s, struct cg_imgref *r, cg_err_t *err)
{
	cleanup_free char *name = NULL, *domain = NULL, *rest = NULL, *path = NULL;
	cleanup_free char *tag = NULL, *digest = NULL;
	const char *at, *colon;

	memset(r, 0, sizeof(*r));
	if (s == NULL || *s == '\0')
		return cg_error(err, 0, "invalid reference: empty image name");
	if (is_image_id(s))
		return bad(err, s, "a 64-character hex string is an image ID, not a name");
	at = strchr(s, '@');
	if (at != NULL) {
		if (!cg_digest_valid(at + 1))
			return bad(err, s, "the digest must be sha256: and 64 lower-case hex digits");
		digest = xstrdup(at + 1);
		name = strndup(s, (size_t)(at - s));
		if (name == NULL)
			abort();
	} else {
		name = xstrdup(s);
	}
	split_domain(name, &domain, &rest);
	colon = strchr(rest, ':');
	if (colon != NULL) {
		tag = xstrdup(colon + 1);
		rest[colon - rest] = '\0';
		if (!tag_valid(tag))
			return bad(err, s, "a tag is 1 to 128 of [A-Za-z0-9_.-], not starting with '.' or '-'");
	} else if (digest == NULL) {
		tag = xstrdup("latest");
	}
	if (!domain_valid(domain))
		return bad(err, s, "invalid registry host");
	if (strcmp(domain, DOCKER_LEGACY_DOMAIN) == 0) {
		free(domain);
		domain = xstrdup(DOCKER_DOMAIN);
	}
	if (*rest == '\0')
		return bad(err, s, "no repository name");
	for (const char *p = rest; *p; p++)
		if (isupper((unsigned char)*p))
			return bad(err, s, "repository name must be lowercase");
	if (strcmp(domain, DOCKER_DOMAIN) == 0 && strchr(rest, '/') == NULL)
		path = xasprintf("library/%s", rest);
	else
		path = steal_pointer(&rest);
	if (!path_valid(path))
		return bad(err, s, "repository path components are [a-z0-9] separated by '.', '_', '__' or '-'");
	if (strlen(domain) + 1 + strlen(path) > NAME_MAX_LEN)
		return bad(err, s, "repository name longer than 255 characters");
	r->api_host = xstrdup(strcmp(domain, DOCKER_DOMAIN) == 0 ? DOCKER_API_HOST : domain);
	r->domain = steal_pointer(&domain);
	r->path = steal_pointer(&path);
	r->tag = steal_pointer(&tag);
	r->digest = steal_pointer(&digest);
	return 0;
}

static char *with_suffixes(const char *name, const struct cg_imgref *r)
{
	return xasprintf("%s%s%s%s%s", name, r->tag ? ":" : "", r->tag ? r->tag : "",
			 r->digest ? "@" : "", r->digest ? r->digest : "");
}

char *cg_imgref_string(const struct cg_imgref *r)
{
	cleanup_free char *name = xasprintf("%s/%s", r->domain, r->path);

	return with_suffixes(name, r);
}

char *cg_imgref_familiar(const struct cg_imgref *r)
{
	cleanup_free char *name = NULL;

	/* normalize.go's familiarizeName: "library/" goes only when one
	 * component follows it ("library/a/b" keeps it). */
	if (strcmp(r->domain, DOCKER_DOMAIN) == 0) {
		const char *p = r->path;

		if (strncmp(p, "library/", 8) == 0 && strchr(p + 8, '/') == NULL)
			p += 8;
		name = xstrdup(p);
	} else {
		name = xasprintf("%s/%s", r->domain, r->path);
	}
	return with_suffixes(name, r);
}

void cg_imgref_free(struct cg_imgref *r)
{
	if (r == NULL)
		return;
	free(r->domain);
	free(r->api_host);
	free(r->path);
	free(r->tag);
	free(r->digest);
	memset(r, 0, sizeof(*r));
}
