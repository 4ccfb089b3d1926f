/* netmode.h - what --network asks for. Pure. */
#ifndef CGRUN_NET_NETMODE_H
#define CGRUN_NET_NETMODE_H

#include "util.h"

/* The network of a container started without --network, unless
 * cgrund.conf's `network` says otherwise (as docker's and podman's). */
#define CG_NETWORK_DEFAULT "bridge"
/* What a record without a network stands for: made before cgrun had
 * networks, when every container had loopback only. */
#define CG_NETWORK_UNRECORDED "none"
/* The default bridge network's name, its link, and its subnet unless
 * cgrund.conf's network_subnet says otherwise (podman's). */
#define CG_NETWORK_BRIDGE "bridge"
#define CG_BRIDGE_LINK "cgrun0"
#define CG_SUBNET_DEFAULT "10.88.0.0/16"
/* User-mode networking by slirp4netns (slirp.h); no options after it. */
#define CG_NETWORK_SLIRP "slirp4netns"

enum cg_netmode_kind {
	CG_NET_NONE,       /* its own namespace, loopback only */
	CG_NET_HOST,       /* the caller's namespace */
	CG_NET_BRIDGE,     /* its own namespace, a veth into the bridge */
	CG_NET_CONTAINER,  /* another container's namespace */
	CG_NET_USER,       /* its own namespace, a veth into a user network's bridge */
	CG_NET_SLIRP,      /* its own namespace, a tap served by slirp4netns */
};

struct cg_netmode {
	enum cg_netmode_kind kind;
	const char *target;  /* CG_NET_CONTAINER: the name or id; CG_NET_USER: the
			      * network's name (both point into the text) */
};

/* "none", "host", "bridge", "slirp4netns", "container:NAME|ID", or a user network's name
 * (netdef.h; whether it exists is not checked here); NULL:
 * CG_NETWORK_UNRECORDED. */
int cg_netmode_parse(const char *s, struct cg_netmode *m, cg_err_t *err);

#endif
