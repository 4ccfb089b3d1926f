/* fw-sysctl.h - the per-bridge settings the published ports need. */
#ifndef CGRUN_NET_FW_SYSCTL_H
#define CGRUN_NET_FW_SYSCTL_H

#include "util.h"

/* net.ipv4.conf.<bridge>.route_localnet=1: the host's own connections to
 * 127.0.0.1:HOSTPORT, DNATed to a container, leave through the bridge with
 * source 127.0.0.1, which the kernel otherwise drops as a martian (the
 * table masquerades them; nft-script.c). Only the bridge's own setting:
 * other devices still drop 127/8 from outside. /proc/sys/net is that of
 * the caller's network namespace. */
int cgnet_bridge_route_localnet(const char *bridge, cg_err_t *err);

#endif
