/* resolv-conf.c - a container's /etc/resolv.conf (see resolv-conf.h). */
#include "config.h"

#include "resolv-conf.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "hosts-file.h"

/* What one resolv.conf says. resolv.conf(5): "domain" and "search" are
 * alternatives, the last one wins; "options" lines add up. */
struct resolv_parsed {
	char **servers, **search, **options;
};

static void parsed_free(struct resolv_parsed *p)
{
	cg_strv_free(p->servers);
	cg_strv_free(p->search);
	cg_strv_free(p->options);
	memset(p, 0, sizeof(*p));
}

static void parse_resolv(const char *text, struct resolv_parsed *p)
{
	cleanup_free char *copy = xstrdup(text ? text : "");
	char *save = NULL;

	memset(p, 0, sizeof(*p));
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *ws = NULL, *key = strtok_r(line, " \t\r", &ws), *w;

		if (key == NULL || key[0] == '#' || key[0] == ';')
			continue;
		if (!strcmp(key, "nameserver")) {
			if ((w = strtok_r(NULL, " \t\r", &ws)) != NULL)
				cg_strv_push(&p->servers, w);
		} else if (!strcmp(key, "search") || !strcmp(key, "domain")) {
			cg_strv_free(p->search);
			p->search = NULL;
			while ((w = strtok_r(NULL, " \t\r", &ws)) != NULL && w[0] != '#' && w[0] != ';')
				cg_strv_push(&p->search, w);
		} else if (!strcmp(key, "options")) {
			while ((w = strtok_r(NULL, " \t\r", &ws)) != NULL && w[0] != '#' && w[0] != ';')
				cg_strv_push(&p->options, w);
		}
	}
}

char **cg_resolv_nameservers(const char *text)
{
	struct resolv_parsed p;
	char **v;

	parse_resolv(text, &p);
	v = steal_pointer(&p.servers);
	parsed_free(&p);
	return v;
}

char **cg_resolv_upstreams(const char *host, const char *resolved)
{
	char **v = cg_resolv_nameservers(host);

	if (v == NULL)
		v = cg_resolv_nameservers(resolved);
	if (v == NULL) {
		cg_strv_push(&v, CG_DNS_FALLBACK_1);
		cg_strv_push(&v, CG_DNS_FALLBACK_2);
	}
	return v;
}

bool cg_resolv_usable_server(const char *ip)
{
	struct in_addr a;

	return inet_pton(AF_INET, ip, &a) == 1 && (ntohl(a.s_addr) >> 24) != 127;
}

static bool any_loopback(char *const *servers)
{
	for (size_t i = 0; servers && servers[i]; i++) {
		struct in_addr a;

		if (inet_pton(AF_INET, servers[i], &a) == 1 && (ntohl(a.s_addr) >> 24) == 127)
			return true;
	}
	return false;
}

static void push_usable(char ***out, char *const *servers)
{
	for (size_t i = 0; servers && servers[i]; i++)
		if (cg_resolv_usable_server(servers[i]))
			cg_strv_push(out, servers[i]);
}

/* The host's servers a container can reach. A loopback one (a local stub:
 * systemd-resolved's 127.0.0.53 or 127.0.0.54, dnsmasq's 127.0.0.1) is
 * unreachable from another network namespace; behind systemd-resolved the
 * servers it forwards to are in its other file, which podman uses too. */
static char **host_servers(const struct resolv_parsed *host, const char *resolved_text)
{
	char **out = NULL;

	push_usable(&out, host->servers);
	if (any_loopback(host->servers) && resolved_text) {
		char **up = cg_resolv_nameservers(resolved_text);

		push_usable(&out, up);
		cg_strv_free(up);
	}
	if (out == NULL) {
		/* Nothing usable: docker's answer, public resolvers. A container
		 * with no route to them fails to resolve, as it would in docker. */
		cg_strv_push(&out, CG_DNS_FALLBACK_1);
		cg_strv_push(&out, CG_DNS_FALLBACK_2);
	}
	return out;
}

static void put_line(FILE *f, const char *key, char *const *words)
{
	size_t n = cg_strv_len(words);

	if (n == 0)
		return;
	fputs(key, f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, " %s", words[i]);
	fputc('\n', f);
}

char *cg_resolv_conf(const struct cg_resolv_in *in)
{
	struct resolv_parsed host, resolved;
	char **servers = NULL, **search = NULL, *buf = NULL;
	size_t len = 0;
	FILE *f;

	parse_resolv(in->host, &host);
	parse_resolv(in->resolved, &resolved);
	if (cg_strv_len(in->dns))
		for (size_t i = 0; in->dns[i]; i++)
			cg_strv_push(&servers, in->dns[i]);
	else if (in->gateway)
		cg_strv_push(&servers, in->gateway);
	else if (in->forwarder)
		cg_strv_push(&servers, in->forwarder);
	else if (in->host_net && host.servers)
		for (size_t i = 0; host.servers[i]; i++)
			cg_strv_push(&servers, host.servers[i]);
	else
		servers = host_servers(&host, in->resolved);

	if (cg_strv_len(in->search)) {
		/* "." is no domain: --dns-search=. alone leaves none (docker). */
		for (size_t i = 0; in->search[i]; i++)
			if (strcmp(in->search[i], "."))
				cg_strv_push(&search, in->search[i]);
	} else {
		/* On a user network the responder's domain first: NAME finds
		 * NAME.dns.cgrun at once, with no round trip upstream. */
		if (in->gateway && !cg_strv_len(in->dns))
			cg_strv_push(&search, CG_DNS_DOMAIN);
		/* Behind a stub the host's search list may be resolved's. */
		char *const *hs = host.search || in->host_net || !any_loopback(host.servers) ? host.search
											      : resolved.search;

		for (size_t i = 0; hs && hs[i]; i++)
			cg_strv_push(&search, hs[i]);
	}
	if ((f = open_memstream(&buf, &len)) == NULL)
		abort();
	put_line(f, "search", search);
	for (size_t i = 0; servers[i]; i++) {
		char *one[] = { servers[i], NULL };

		put_line(f, "nameserver", one);
	}
	put_line(f, "options", cg_strv_len(in->options) ? in->options : host.options);
	if (fclose(f) != 0)
		abort();
	cg_strv_free(servers);
	cg_strv_free(search);
	parsed_free(&host);
	parsed_free(&resolved);
	return buf;
}

int cg_dns_server_check(const char *ip, cg_err_t *err)
{
	unsigned char a[16];

	if (inet_pton(AF_INET, ip, a) != 1 && inet_pton(AF_INET6, ip, a) != 1)
		return cg_error(err, 0, "invalid --dns '%s': expected an IPv4 or IPv6 address", cg_shown(ip));
	return 0;
}

int cg_dns_search_check(const char *domain, cg_err_t *err)
{
	if (!strcmp(domain, "."))
		return 0;
	if (!cg_hostname_valid(domain, 0))
		return cg_error(err, 0, "invalid --dns-search '%s': expected a domain name (or '.' for none)", cg_shown(domain));
	return 0;
}

int cg_dns_option_check(const char *opt, cg_err_t *err)
{
	size_t n = strlen(opt);

	for (size_t i = 0; i < n; i++)
		if (!isgraph((unsigned char)opt[i]) || opt[i] == '#' || opt[i] == ';')
			n = 0;
	if (n == 0 || n > 64)
		return cg_error(err, 0, "invalid --dns-option '%s': expected one word such as ndots:2", cg_shown(opt));
	return 0;
}
