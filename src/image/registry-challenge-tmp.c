/* registry-challenge-tmp.c - TEMPORARY WWW-Authenticate parser (see
 * registry-challenge-tmp.h): replaced by the img-ref branch's www-auth.c at
 * merge. RFC 7235: challenges are "scheme param=value, param="quoted", ..."
 * and several may share one header, separated by commas. */
#include "config.h"

#include "registry-challenge-tmp.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>

static bool is_tchar(char c)
{
	return isalnum((unsigned char)c) || strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* A quoted-string's content, backslash escapes undone. */
static const char *parse_quoted(const char *p, char **out)
{
	size_t cap = strlen(p) + 1, n = 0;
	char *buf = xcalloc(1, cap);

	for (p++; *p && *p != '"'; p++) {
		if (*p == '\\' && p[1])
			p++;
		buf[n++] = *p;
	}
	if (*p != '"') {
		free(buf);
		return NULL;
	}
	*out = buf;
	return p + 1;
}

static void set_param(struct cg_challenge *c, const char *key, size_t klen, char *val)
{
	static const struct { const char *name; size_t off; } fields[] = {
		{ "realm", offsetof(struct cg_challenge, realm) },
		{ "service", offsetof(struct cg_challenge, service) },
		{ "scope", offsetof(struct cg_challenge, scope) },
		{ "error", offsetof(struct cg_challenge, error) },
	};

	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		if (strlen(fields[i].name) == klen && strncasecmp(fields[i].name, key, klen) == 0) {
			char **slot = (char **)(void *)((char *)c + fields[i].off);
			free(*slot);
			*slot = val;
			return;
		}
	}
	free(val);
}

int cg_www_auth_parse(const char *header, struct cg_challenge **out, size_t *n, cg_err_t *err)
{
	struct cg_challenge *v = NULL;
	size_t count = 0;
	const char *p = header;

	for (;;) {
		const char *tok;
		size_t tlen;

		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		tok = p;
		while (is_tchar(*p))
			p++;
		tlen = p - tok;
		if (tlen == 0)
			goto bad;
		p = skip_ws(p);
		if (*p == '=' && count > 0) {
			char *val = NULL;

			p = skip_ws(p + 1);
			if (*p == '"') {
				p = parse_quoted(p, &val);
				if (p == NULL)
					goto bad;
			} else {
				const char *vs = p;
				while (is_tchar(*p) || *p == '/' || *p == ':')
					p++;
				val = strndup(vs, p - vs);
			}
			set_param(&v[count - 1], tok, tlen, val);
			continue;
		}
		if (*p == '=')
			goto bad;
		v = realloc(v, (count + 1) * sizeof(*v));
		if (v == NULL)
			abort();
		memset(&v[count], 0, sizeof(*v));
		v[count].scheme = strndup(tok, tlen);
		for (char *s = v[count].scheme; *s; s++)
			*s = tolower((unsigned char)*s);
		count++;
	}
	if (count == 0)
		goto bad;
	*out = v;
	*n = count;
	return 0;
bad:
	cg_challenges_free(v, count);
	return cg_error(err, EINVAL, "malformed WWW-Authenticate header '%s'", header) ;
}

void cg_challenges_free(struct cg_challenge *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(c[i].scheme);
		free(c[i].realm);
		free(c[i].service);
		free(c[i].scope);
		free(c[i].error);
	}
	free(c);
}
