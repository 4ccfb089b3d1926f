/* resolv-conf.h - a container's /etc/resolv.conf, and the validation of
 * --dns, --dns-search and --dns-option. Pure: the caller reads the host's
 * files (etc-files.h does) and writes the result. */
#ifndef CGRUN_NET_RESOLV_CONF_H
#define CGRUN_NET_RESOLV_CONF_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/* What docker writes when nothing usable is left (its default too). */
#define CG_DNS_FALLBACK_1 "8.8.8.8"
#define CG_DNS_FALLBACK_2 "8.8.4.4"
/* The domain cgrund's responder answers container names in (NAME and
 * NAME.dns.cgrun): on a user network it heads the search list. */
#define CG_DNS_DOMAIN "dns.cgrun"

struct cg_resolv_in {
	const char *host;        /* the host's /etc/resolv.conf text; NULL: none */
	const char *resolved;    /* /run/systemd/resolve/resolv.conf; NULL: none */
	const char *gateway;     /* a user network's gateway (its responder); NULL: default bridge */
	const char *forwarder;   /* a forwarder to the host's resolvers (slirp4netns's
				  * 10.0.2.3): the one nameserver; NULL: none */
	bool host_net;           /* --network=host: the host's servers as they are (its
				  * loopback stub is reachable there) */
	char *const *dns;        /* --dns, NULL-terminated; NULL or empty: none */
	char *const *search;     /* --dns-search ("." alone: no search list) */
	char *const *options;    /* --dns-option */
};

/* The container's resolv.conf (free it): nameservers from --dns, else the
 * gateway on a user network, else the forwarder, else the host's usable ones (a loopback stub
 * such as systemd-resolved's 127.0.0.53 replaced by the servers of
 * in->resolved), else docker's fallback; the host's search and options
 * unless --dns-search / --dns-option replace them. */
char *cg_resolv_conf(const struct cg_resolv_in *in);

/* The nameservers of a resolv.conf text, in order, NULL-terminated (free
 * with cg_strv_free). */
char **cg_resolv_nameservers(const char *text);

/* The servers cgrund's DNS responder forwards to. It runs in the host's
 * network namespace, where a loopback stub is reachable, and the best
 * choice (systemd-resolved knows the host's per-link DNS): the host's
 * nameservers as they are; with none, resolved's upstream file's; with
 * none either, docker's fallback. NULL-terminated (cg_strv_free). */
char **cg_resolv_upstreams(const char *host, const char *resolved);

/* Usable from a container's own network namespace: an IPv4 address that
 * is not loopback (127.0.0.0/8). IPv6 servers are left out: cgrun's
 * networks are IPv4 only. */
bool cg_resolv_usable_server(const char *ip);

/* Validators of the options, one clear message each. */
int cg_dns_server_check(const char *ip, cg_err_t *err);     /* an IPv4 or IPv6 address */
int cg_dns_search_check(const char *domain, cg_err_t *err); /* a domain, or "." */
int cg_dns_option_check(const char *opt, cg_err_t *err);    /* one word: ndots:2, rotate */

#endif
