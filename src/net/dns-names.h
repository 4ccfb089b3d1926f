/* dns-names.h - the names a DNS responder answers: name -> IPv4 address,
 * set and removed as containers come and go. Pure. A linear table: a
 * network holds tens of containers (three names each: name, short id,
 * host name), and a lookup is one pass of strcasecmp. */
#ifndef CGRUN_NET_DNS_NAMES_H
#define CGRUN_NET_DNS_NAMES_H

#include <netinet/in.h>
#include <stddef.h>

#include "util.h"

struct cg_dns_names {
	struct cg_dns_name {
		char *name;              /* lower case, no trailing dot */
		struct in_addr addr;
	} *v;
	size_t n, cap;
};

/* name: a host name (hosts-file.h's rule; so not a 64-digit full id,
 * whose one label is longer than DNS allows); ip: dotted IPv4. Replaces
 * what name had. */
int cg_dns_names_set(struct cg_dns_names *t, const char *name, const char *ip, cg_err_t *err);
/* 0 if it was there, -1 if not. */
int cg_dns_names_remove(struct cg_dns_names *t, const char *name);
/* name's address, case-insensitively; NULL: unknown. */
const struct in_addr *cg_dns_names_get(const struct cg_dns_names *t, const char *name);
void cg_dns_names_free(struct cg_dns_names *t);

#endif
