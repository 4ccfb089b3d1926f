/* cidr.h - IPv4 addresses and subnets. Pure. Addresses are in host byte
 * order throughout (htonl at the netlink boundary only). */
#ifndef CGRUN_NET_CIDR_H
#define CGRUN_NET_CIDR_H

#include <stdbool.h>
#include <stdint.h>

#include "util.h"

struct cg_cidr {
	uint32_t net;      /* the network address (host bits zero) */
	unsigned prefix;   /* 0..32 */
};

#define CG_IP4_STRLEN 16   /* "255.255.255.255" and its NUL */
#define CG_CIDR_STRLEN 19  /* ... "/32" */

/* "A.B.C.D": 0, or -1 with err. */
int cg_ip4_parse(const char *s, uint32_t *out, cg_err_t *err);
/* buf of CG_IP4_STRLEN bytes; returns buf. */
char *cg_ip4_format(uint32_t a, char *buf);
/* "A.B.C.D/N" with N from 8 to 30 (a bridge needs a gateway and at least
 * one container address) and no host bits set. */
int cg_cidr_parse(const char *s, struct cg_cidr *out, cg_err_t *err);
char *cg_cidr_format(const struct cg_cidr *c, char *buf);
uint32_t cg_cidr_mask(unsigned prefix);
/* The gateway: the first host address. */
uint32_t cg_cidr_gateway(const struct cg_cidr *c);
/* The broadcast address (the last). */
uint32_t cg_cidr_broadcast(const struct cg_cidr *c);
bool cg_cidr_contains(const struct cg_cidr *c, uint32_t a);
bool cg_cidr_overlap(const struct cg_cidr *a, const struct cg_cidr *b);

#endif
