/* nft-script.h - the nft scripts for cgrun's own table `inet cgrun`, and
 * the reading of its JSON listings. Pure: text in, text out
 * (tests/unit/test_nft_script.c); nft.c hands the scripts to libnftables.
 *
 * The table:
 *   map publish       { inet_proto . inet_service : verdict }  tcp . 8080 : jump ctr-<id>
 *   chain prerouting  nat, dstnat (-100): host-local daddr -> vmap @publish
 *   chain output      nat, -100: the same for the host's own connections
 *   chain postrouting nat, srcnat (100): masquerade per network
 *   chain forward     filter, filter (0): per network, into the bridge only
 *                     replies and DNATed connections, out of it anything
 *   chain ctr-<id>    one per container: its DNAT rules
 * A container's ports are elements of one verdict map, so adding or
 * removing a container is one transaction that touches only its own chain
 * and elements: no rule handles to look up, nothing of others' rewritten.
 * The map's key is protocol and host port only: one host port is one
 * container's, even when two would publish it on different host addresses
 * (refused; docker allows that).
 * The priorities are the standard ones (those of iptables' nat and filter
 * tables), so other tables' chains at the same hooks work as before. */
#ifndef CGRUN_NET_NFT_SCRIPT_H
#define CGRUN_NET_NFT_SCRIPT_H

#include <netinet/in.h>
#include <stdint.h>

#include "port-spec.h"
#include "util.h"

#define CGNET_NFT_TABLE "cgrun"
#define CGNET_NFT_CTR_PREFIX "ctr-"

/* A network: its bridge and IPv4 subnet. */
struct cgnet_fw_net {
	const char *bridge;
	struct in_addr subnet;
	unsigned prefix;         /* 1..32 */
};

/* A container's published ports, host ports all chosen (non-zero). */
struct cgnet_fw_ctr {
	const char *id;          /* [A-Za-z0-9_-]{1,64}: the chain is ctr-<id> */
	struct in_addr ip;
	const struct cgnet_port *ports;
	size_t nports;
};

/* One element of the publish map. */
struct cgnet_nft_elem {
	uint8_t proto;
	uint16_t port;
	char target[80];         /* the chain it jumps to */
};

/* What a listing of the table holds that matters here. */
struct cgnet_nft_state {
	bool present;            /* the table exists */
	char (*chains)[80];      /* the ctr-<id> chains */
	size_t nchains;
	struct cgnet_nft_elem *elems;
	size_t nelems;
};

/* The table, map and base chains, created when absent; the base chains'
 * rules rebuilt for exactly these networks. One transaction. */
char *cgnet_nft_setup_script(const struct cgnet_fw_net *nets, size_t n, cg_err_t *err);
/* A container's chain, rules and map elements. */
char *cgnet_nft_ctr_add_script(const struct cgnet_fw_ctr *c, cg_err_t *err);
/* Removes a container's chain and the map elements of its ports without
 * knowing whether they are there: each is added (a no-op when present)
 * then deleted, in one transaction. It fails only when one of the ports'
 * elements jumps elsewhere or the chain is jumped to by an element of a
 * port not in c (the caller then reads the table: cgnet_nft_ctr_del_script). */
char *cgnet_nft_ctr_del_known_script(const struct cgnet_fw_ctr *c, cg_err_t *err);
/* Removes the chains of the ids in del[] and the map elements that jump to
 * them (found in st); ids without a chain are skipped. Returns "" when
 * there is nothing to remove. */
char *cgnet_nft_ctr_del_script(const struct cgnet_nft_state *st, const char *const *del, size_t n);
/* The table gone, whether or not it exists. */
char *cgnet_nft_teardown_script(void);

/* Reads `nft -j list table inet cgrun`'s output ("" or NULL: no table). */
int cgnet_nft_parse_state(const char *json, struct cgnet_nft_state *st, cg_err_t *err);
void cgnet_nft_state_free(struct cgnet_nft_state *st);
/* The ids of st's container chains not in live[] (pointers into st). */
size_t cgnet_nft_stale(const struct cgnet_nft_state *st, const char *const *live, size_t nlive,
		       const char **out);

/* From `nft -j list chains`: a forward base chain of another ip or inet
 * table whose policy is drop drops the networks' forwarded traffic whatever
 * cgrun's table accepts (docker sets `ip filter FORWARD` so). Returns a
 * malloc'd explanation of what to add, or NULL when nothing blocks. */
char *cgnet_nft_forward_warning(const char *chains_json, const struct cgnet_fw_net *nets, size_t n);

bool cgnet_ctr_id_valid(const char *id);

#endif
