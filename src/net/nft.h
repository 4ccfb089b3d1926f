/* nft.h - cgrun's nftables table `inet cgrun` through libnftables: the
 * scripts of nft-script.c, each run as one transaction. Never touches
 * another table. Works in the network namespace of the calling thread.
 *
 * The calls, in order (tests/net/nft-tool.c makes them the same way):
 *   cgrund start:  cgnet_fw_open; if cgnet_fw_exists (a cgrund before it
 *                  made it), cgnet_fw_setup(every network) and
 *                  cgnet_fw_forward_check, its warning logged; after
 *                  re-adoption cgnet_fw_reconcile(the live ids). A host
 *                  where no container was ever on a bridge gets no table.
 *   a first start on a bridge (or when the networks changed):
 *                  cgnet_fw_setup, cgnet_fw_forward_check (fw-apply.h);
 *                  per bridge, with ports, cgnet_bridge_route_localnet
 *   -p parsing:    cgnet_port_parse per -p (port-spec.h), in the client
 *   a start:       cgnet_hostport_assign (hostport.h); cgnet_fw_ctr_add;
 *                  cgnet_bridge_port_hairpin(its host-side veth) (hairpin.h);
 *                  keep the ports, host ports chosen, in its record
 *   an end:        cgnet_fw_ctr_del with those ports (every path; absent is fine),
 *                  then cgnet_conntrack_forget(its address) (conntrack.h)
 *   no networks:   cgnet_fw_teardown */
#ifndef CGRUN_NET_NFT_H
#define CGRUN_NET_NFT_H

#include "nft-script.h"

struct cgnet_fw;

int cgnet_fw_open(struct cgnet_fw **out, cg_err_t *err);
void cgnet_fw_close(struct cgnet_fw *fw);

/* 1 when the table is there, 0 when it is not, or -1 with err. */
int cgnet_fw_exists(struct cgnet_fw *fw, cg_err_t *err);
/* Creates the table when absent and sets its base chains for exactly these
 * networks; container chains and map elements are kept. Call again with
 * the whole list when a network is added or removed. */
int cgnet_fw_setup(struct cgnet_fw *fw, const struct cgnet_fw_net *nets, size_t n, cg_err_t *err);
/* A container's DNAT rules, in one transaction. A host port that another
 * container publishes is refused, naming that container. An id already in
 * the table has its rules replaced but keeps map elements of ports no
 * longer given: call cgnet_fw_ctr_del first to re-add one. */
int cgnet_fw_ctr_add(struct cgnet_fw *fw, const struct cgnet_fw_ctr *c, cg_err_t *err);
/* Removes a container's chain and map elements in one transaction; an id
 * with none is not an error (every teardown path may call it). With c's
 * ports (those given to cgnet_fw_ctr_add) it does not read the table
 * (0.4 ms here; reading it took 5 ms with 50 containers); without them,
 * or when they are not the ones in the table, it reads it. */
int cgnet_fw_ctr_del(struct cgnet_fw *fw, const struct cgnet_fw_ctr *c, cg_err_t *err);
/* Removes the chains of containers not in live[] (after re-adoption).
 * *removed (may be NULL) is how many went. */
int cgnet_fw_reconcile(struct cgnet_fw *fw, const char *const *live, size_t nlive, size_t *removed,
		       cg_err_t *err);
/* Deletes the table (absent is fine). */
int cgnet_fw_teardown(struct cgnet_fw *fw, cg_err_t *err);
/* *warning: NULL, or what another table's forward drop policy does to these
 * networks and what to add (cgnet_nft_forward_warning). */
int cgnet_fw_forward_check(struct cgnet_fw *fw, const struct cgnet_fw_net *nets, size_t n, char **warning,
			   cg_err_t *err);

#endif
