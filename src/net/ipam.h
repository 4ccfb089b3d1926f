/* ipam.h - which address a container gets, and what a lease says. Pure:
 * lease.c keeps the leases as files; this decides over them. */
#ifndef CGRUN_NET_IPAM_H
#define CGRUN_NET_IPAM_H

#include <stddef.h>
#include <sys/types.h>

#include "cidr.h"

/* The lowest address of net that is neither the network address, the
 * gateway, the broadcast address nor in used[0..n) (any order); 0 when
 * all are taken. */
uint32_t cg_ipam_lowest_free(const struct cg_cidr *net, const uint32_t *used, size_t n);

/* One lease: who holds an address. The holder is the container's init,
 * named by pid and start time (proc.h), so that whoever reads the lease
 * (a restarted cgrund, another cgrun) can tell whether it still holds it
 * without asking anyone. */
struct cg_lease {
	uint32_t addr;
	char id[65];                 /* the container's id, 64 hex digits */
	pid_t pid;
	unsigned long long start;
};

/* "ID PID START\n"; buf of CG_LEASE_TEXT_MAX bytes. */
#define CG_LEASE_TEXT_MAX 128
void cg_lease_format(const struct cg_lease *l, char *buf);
/* A lease file's name (the address) and text: 0, or -1 with err. */
int cg_lease_parse(const char *name, const char *text, struct cg_lease *l, cg_err_t *err);

/* A container's host-side veth: "cg" and the first 12 hex digits of its
 * id (14 characters, within IFNAMSIZ). buf of CG_VETH_NAME_MAX bytes. */
#define CG_VETH_NAME_MAX 16
void cg_veth_name(const char *id, char *buf);
/* A MAC derived from the address, as docker does (02:42 then the four
 * bytes): stable for an address, locally administered, unicast. */
void cg_mac_for(uint32_t addr, unsigned char mac[6]);
/* "02:42:0a:58:00:02"; buf of CG_MAC_STRLEN bytes; returns buf. */
#define CG_MAC_STRLEN 18
char *cg_mac_format(const unsigned char mac[6], char *buf);

#endif
