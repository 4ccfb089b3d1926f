/* www-auth.c - WWW-Authenticate (RFC 7235 section 4.1):
 *   header     = 1#challenge
 *   challenge  = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
 *   auth-param = token BWS "=" BWS ( token / quoted-string )
 *   token68    = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
 * Commas separate both challenges and parameters: after a comma, a token
 * followed by "=" is another parameter, anything else a new challenge. */
#include "config.h"

#include "www-auth.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

struct parser {
	const char *s;
	size_t i;
	cg_err_t *err;
};

static bool is_tchar(char c)
{
	return isalnum((unsigned char)c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

static bool is_t68char(char c)
{
	return isalnum((unsigned char)c) || (c && strchr("-._~+/", c));
}

static void skip_ows(struct parser *p)
{
	while (p->s[p->i] == ' ' || p->s[p->i] == '\t')
		p->i++;
}

static int fail(struct parser *p, const char *what)
{
	return cg_error(p->err, 0, "malformed WWW-Authenticate header at offset %zu: %s", p->i, what);
}

static size_t token_len(const struct parser *p, size_t at)
{
	size_t n = 0;

	while (is_tchar(p->s[at + n]))
		n++;
	return n;
}

static char *take(struct parser *p, size_t n)
{
	char *t = strndup(p->s + p->i, n);

	if (t == NULL)
		abort();
	p->i += n;
	return t;
}

static int quoted_string(struct parser *p, char **out)
{
	size_t cap = strlen(p->s + p->i) + 1, n = 0;
	cleanup_free char *buf = xcalloc(cap, 1);

	p->i++; /* the opening quote */
	for (;;) {
		unsigned char c = (unsigned char)p->s[p->i];

		if (c == '\0')
			return fail(p, "unterminated quoted string");
		if (c == '"')
			break;
		if (c == '\\') {
			c = (unsigned char)p->s[++p->i];
			if (c == '\0')
				return fail(p, "unterminated quoted string");
		}
		/* qdtext and quoted-pair: HTAB, SP, VCHAR, obs-text. */
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return fail(p, "control character in quoted string");
		buf[n++] = (char)c;
		p->i++;
	}
	p->i++;
	buf[n] = '\0';
	*out = steal_pointer(&buf);
	return 0;
}

/* A token, or anything up to a comma or a space: some servers leave URLs
 * (not tokens: ':' and '/') unquoted. */
static int bare_value(struct parser *p, char **out)
{
	size_t n = 0;

	for (;;) {
		unsigned char c = (unsigned char)p->s[p->i + n];

		if (c == '\0' || c == ',' || c == ' ' || c == '\t')
			break;
		if (c < 0x20 || c == 0x7f || c == '"' || c == '\\')
			return fail(p, "bad character in a parameter value");
		n++;
	}
	if (n == 0)
		return fail(p, "expected a token or a quoted string");
	*out = take(p, n);
	return 0;
}

static char **param_slot(struct cg_challenge *c, const char *name)
{
	if (strcasecmp(name, "realm") == 0)
		return &c->realm;
	if (strcasecmp(name, "service") == 0)
		return &c->service;
	if (strcasecmp(name, "scope") == 0)
		return &c->scope;
	if (strcasecmp(name, "error") == 0)
		return &c->error;
	return NULL;
}

static int param(struct parser *p, struct cg_challenge *c)
{
	size_t at = p->i, n = token_len(p, p->i);
	cleanup_free char *name = NULL, *value = NULL;
	char **slot;
	int r;

	if (n == 0)
		return fail(p, "expected a parameter name");
	name = take(p, n);
	skip_ows(p);
	if (p->s[p->i] != '=')
		return fail(p, "expected '=' after a parameter name");
	p->i++;
	skip_ows(p);
	r = p->s[p->i] == '"' ? quoted_string(p, &value) : bare_value(p, &value);
	if (r < 0)
		return r;
	slot = param_slot(c, name);
	if (slot != NULL) {
		if (*slot != NULL) {
			p->i = at;
			return fail(p, "parameter given twice in one challenge");
		}
		*slot = steal_pointer(&value);
	}
	return 0;
}

/* After a comma: is the next element a parameter (token BWS "=")? */
static bool next_is_param(const struct parser *p)
{
	size_t at = p->i, n = token_len(p, at);

	if (n == 0)
		return false;
	at += n;
	while (p->s[at] == ' ' || p->s[at] == '\t')
		at++;
	return p->s[at] == '=';
}

/* Skips the commas and whitespace of empty list elements. */
static void skip_separators(struct parser *p)
{
	while (p->s[p->i] == ',' || p->s[p->i] == ' ' || p->s[p->i] == '\t')
		p->i++;
}

/* A token68 if what follows the scheme is one and ends the challenge. */
static bool token68(struct parser *p, struct cg_challenge *c)
{
	size_t n = 0, end;

	while (is_t68char(p->s[p->i + n]))
		n++;
	if (n == 0)
		return false;
	while (p->s[p->i + n] == '=')
		n++;
	end = p->i + n;
	while (p->s[end] == ' ' || p->s[end] == '\t')
		end++;
	if (p->s[end] != '\0' && p->s[end] != ',')
		return false;
	c->token68 = take(p, n);
	p->i = end;
	return true;
}

static int challenge(struct parser *p, struct cg_challenge *c)
{
	size_t n = token_len(p, p->i);
	int r;

	if (n == 0)
		return fail(p, "expected an authentication scheme");
	c->scheme = take(p, n);
	for (char *s = c->scheme; *s; s++)
		*s = (char)tolower((unsigned char)*s);
	if (p->s[p->i] == '\0' || p->s[p->i] == ',')
		return 0;
	if (p->s[p->i] != ' ' && p->s[p->i] != '\t')
		return fail(p, "expected a space after the scheme");
	skip_ows(p);
	if (p->s[p->i] == '\0' || p->s[p->i] == ',' || token68(p, c))
		return 0;
	for (;;) {
		if ((r = param(p, c)) < 0)
			return r;
		skip_ows(p);
		if (p->s[p->i] == '\0')
			return 0;
		if (p->s[p->i] != ',')
			return fail(p, "expected ',' between parameters");
		skip_separators(p);
		if (!next_is_param(p))
			return 0;
	}
}

int cg_www_auth_parse(const char *header, struct cg_challenge **out, size_t *n, cg_err_t *err)
{
	struct parser p = { .s = header ? header : "", .i = 0, .err = err };
	struct cg_challenge *list = NULL;
	size_t count = 0;
	int r;

	*out = NULL;
	*n = 0;
	for (;;) {
		struct cg_challenge *grown;

		skip_separators(&p);
		if (p.s[p.i] == '\0')
			break;
		grown = realloc(list, (count + 1) * sizeof(*list));
		if (grown == NULL)
			abort();
		list = grown;
		memset(&list[count], 0, sizeof(*list));
		r = challenge(&p, &list[count++]);
		if (r < 0) {
			cg_challenges_free(list, count);
			return r;
		}
	}
	if (count == 0)
		return cg_error(err, 0, "empty WWW-Authenticate header");
	*out = list;
	*n = count;
	return 0;
}

void cg_challenges_free(struct cg_challenge *c, size_t n)
{
	for (size_t i = 0; c && i < n; i++) {
		free(c[i].scheme);
		free(c[i].realm);
		free(c[i].service);
		free(c[i].scope);
		free(c[i].error);
		free(c[i].token68);
	}
	free(c);
}

char *cg_url_escape(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char *out = xcalloc(strlen(s) * 3 + 1, 1), *o = out;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) || strchr("-._~", c)) {
			*o++ = (char)c;
		} else {
			*o++ = '%';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
		}
	}
	return out;
}

static void append(char **url, const char *name, const char *value, char *sep)
{
	cleanup_free char *v = cg_url_escape(value);
	char *u = xasprintf("%s%c%s=%s", *url, *sep, name, v);

	free(*url);
	*url = u;
	*sep = '&';
}

char *cg_token_url(const struct cg_challenge *c, const char *scope_default)
{
	const char *scope = c->scope ? c->scope : scope_default;
	char *url, sep;

	if (c->realm == NULL ||
	    (strncasecmp(c->realm, "https://", 8) != 0 && strncasecmp(c->realm, "http://", 7) != 0) ||
	    strpbrk(c->realm, " \t\r\n#") != NULL)
		return NULL;
	url = xstrdup(c->realm);
	sep = strchr(url, '?') ? '&' : '?';
	if (c->service != NULL)
		append(&url, "service", c->service, &sep);
	while (scope != NULL && *scope) {
		size_t n = strcspn(scope, " ");

		if (n > 0) {
			cleanup_free char *one = strndup(scope, n);

			if (one == NULL)
				abort();
			append(&url, "scope", one, &sep);
		}
		scope += n;
		scope += strspn(scope, " ");
	}
	return url;
}
