/* network.h - a container on a bridge network, from start to end: the
 * calls libcgrun makes between the init's clone and its "go" (attach), when
 * it ends (detach), and when cgrund starts (reconcile). Also the place
 * where the NAT rules and the DNS entries of a container belong (the same
 * three moments).
 *
 * State: <run_dir>/networks/<name>/leases/<address> (lease.h); the host
 * end of a container's veth is cg_veth_name(id). Both are made in that
 * order and undone in the other, so a veth never outlives its lease and
 * the leases alone say what a dead container left behind. */
#ifndef CGRUN_NET_NETWORK_H
#define CGRUN_NET_NETWORK_H

#include <stdbool.h>
#include <sys/types.h>

#include "cidr.h"
#include "ipam.h"
#include "netdef.h"

struct cg_net_conf {
	const char *run_dir;
	const char *name;      /* the network's name (CG_NETWORK_BRIDGE) */
	const char *bridge;    /* its link (CG_BRIDGE_LINK) */
	struct cg_cidr subnet;
};

/* The default bridge network; subnet: its CIDR text, NULL for
 * CG_SUBNET_DEFAULT. -1 with err if subnet is not a usable one. */
int cg_net_conf_default(struct cg_net_conf *c, const char *run_dir, const char *subnet, cg_err_t *err);
/* User network d (c points into d). */
void cg_net_conf_user(struct cg_net_conf *c, const char *run_dir, const struct cg_netdef *d);
/* The lease directory of c (malloc'd). */
char *cg_net_lease_dir(const struct cg_net_conf *c);

/* What a container got. */
struct cg_net_attachment {
	uint32_t addr;
	uint32_t gateway;
	unsigned prefix;
	unsigned char mac[6];
	char host_veth[CG_VETH_NAME_MAX];
	char bridge[16];       /* its network's bridge */
};

/* Give the container whose init is pid (start time start: proc.h) an
 * address and a veth into c's bridge (made if missing), its end eth0 up
 * with the address and a default route via the gateway. Nothing is left
 * on failure. */
int cg_net_attach(const struct cg_net_conf *c, const char *id, pid_t pid, unsigned long long start,
		  struct cg_net_attachment *out, cg_err_t *err);
/* Undo attach for container id: its lease, and with delete_link its host
 * veth if still there. Safe to call again, and for a container never
 * attached. Without delete_link the veth is left to the kernel, which
 * deletes the pair when the container's network namespace goes (its last
 * process exits): deleting it here costs some 25 ms (the kernel waits for
 * RCU grace periods), racing a deletion that is coming anyway. */
int cg_net_detach(const struct cg_net_conf *c, const char *id, bool delete_link, cg_err_t *err);
/* Detach every container whose lease holder is no longer running (the
 * init's pid and start time no longer match), deleting its veth if
 * something still holds its namespace. The number detached. */
int cg_net_reconcile(const struct cg_net_conf *c, cg_err_t *err);

#endif
