/* hairpin.h - hairpin mode on a bridge port, by netlink.
 *
 * A container reaching its own published port through a host address
 * (curl 10.88.0.1:8080 inside the container that publishes 8080) is DNATed
 * back to itself. When br_netfilter is loaded (bridge-nf-call-iptables=1,
 * docker loads it and it is per namespace) the DNAT happens while the
 * frame is still being bridged, and the bridge must send it back out of the
 * port it came in by: a bridge does that only on a port in hairpin mode.
 * Without br_netfilter the packet is routed and leaves from the bridge
 * device itself, so the mode is not needed but does no harm. Set it on
 * cgrun's own veths only (the bridge's other ports are not ours). */
#ifndef CGRUN_NET_HAIRPIN_H
#define CGRUN_NET_HAIRPIN_H

#include <stdbool.h>

#include "util.h"

/* `bridge link set dev PORT hairpin on|off`, in the caller's network
 * namespace: RTM_SETLINK, AF_BRIDGE, IFLA_PROTINFO/IFLA_BRPORT_MODE. */
int cgnet_bridge_port_hairpin(const char *port, bool on, cg_err_t *err);

#endif
