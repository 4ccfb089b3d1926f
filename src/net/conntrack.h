/* conntrack.h - forget a container's connections when it goes.
 *
 * A removed container's DNAT rules stop new connections, but conntrack
 * keeps translating the ones it knows: a UDP "connection" from a peer to a
 * published port lives on while the peer keeps sending (its timeout is
 * renewed), so the peer's packets keep going to the old container's
 * address, and to whatever container gets that address next. podman's
 * netavark removes them too. */
#ifndef CGRUN_NET_CONNTRACK_H
#define CGRUN_NET_CONNTRACK_H

#include <netinet/in.h>

#include "util.h"

/* Deletes the IPv4 conntrack entries whose original source or reply source
 * is ip (connections of the container, and those DNATed to it), in the
 * caller's network namespace, by ctnetlink. *removed (may be NULL): how
 * many. Call it after cgnet_fw_ctr_del; a failure is worth a warning, not
 * a failed removal. */
int cgnet_conntrack_forget(struct in_addr ip, size_t *removed, cg_err_t *err);

#endif
