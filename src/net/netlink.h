/* netlink.h - links, addresses and routes through rtnetlink (libmnl):
 * every request is acknowledged and its error returned; no `ip` command. */
#ifndef CGRUN_NET_NETLINK_H
#define CGRUN_NET_NETLINK_H

#include <stdint.h>
#include <sys/types.h>

#include "cidr.h"

/* Make sure bridge name exists in our network namespace, holds gw/prefix
 * (of net) and is up. An existing link of that name that is not a bridge
 * is an error. *ifindex: the bridge's. */
int cg_nl_bridge_ensure(const char *name, const struct cg_cidr *net, int *ifindex, cg_err_t *err);

/* What a container's end of a veth is given. */
struct cg_veth_conf {
	const char *host_name;   /* our end, enslaved to the bridge */
	int bridge_ifindex;
	pid_t netns_pid;         /* a process in the container's network namespace */
	const char *ct_name;     /* its end's name there (eth0) */
	uint32_t addr;           /* its address ... */
	unsigned prefix;         /* ... and the subnet's prefix length */
	uint32_t gateway;        /* its default route */
	unsigned char mac[6];
};
/* Create the pair with the container's end made straight in its namespace,
 * give that end its address and default route, and bring both ends up. On
 * failure our end is deleted (which takes the other with it). */
int cg_nl_veth_create(const struct cg_veth_conf *c, cg_err_t *err);

/* Delete link name in our namespace; one that does not exist is no error
 * (returns 0; 1 when it was deleted). */
int cg_nl_link_del(const char *name, cg_err_t *err);

#endif
