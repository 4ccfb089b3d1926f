/* dns-names.c - a responder's name table (see dns-names.h). */
#include "config.h"

#include "dns-names.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "hosts-file.h"

static struct cg_dns_name *find(const struct cg_dns_names *t, const char *name)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcasecmp(t->v[i].name, name))
			return &t->v[i];
	return NULL;
}

int cg_dns_names_set(struct cg_dns_names *t, const char *name, const char *ip, cg_err_t *err)
{
	struct in_addr a;
	struct cg_dns_name *e;

	if (!cg_hostname_valid(name, 0))
		return cg_error(err, EINVAL, "DNS name '%s': not a host name (labels of at most 63 letters, digits, '-', '_')", name);
	if (inet_pton(AF_INET, ip, &a) != 1)
		return cg_error(err, EINVAL, "DNS name '%s': '%s' is not an IPv4 address", name, ip);
	if ((e = find(t, name)) != NULL) {
		e->addr = a;
		return 0;
	}
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 8;
		struct cg_dns_name *v = realloc(t->v, cap * sizeof(*v));

		if (v == NULL)
			abort();
		t->v = v;
		t->cap = cap;
	}
	e = &t->v[t->n++];
	e->name = xstrdup(name);
	for (char *p = e->name; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	e->addr = a;
	return 0;
}

int cg_dns_names_remove(struct cg_dns_names *t, const char *name)
{
	struct cg_dns_name *e = find(t, name);

	if (e == NULL)
		return -1;
	free(e->name);
	*e = t->v[--t->n];
	return 0;
}

const struct in_addr *cg_dns_names_get(const struct cg_dns_names *t, const char *name)
{
	const struct cg_dns_name *e = find(t, name);

	return e ? &e->addr : NULL;
}

void cg_dns_names_free(struct cg_dns_names *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].name);
	free(t->v);
	memset(t, 0, sizeof(*t));
}
