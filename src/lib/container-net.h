/* container-net.h - a container's network over its life (--network,
 * netmode.h): checked at create, its namespace chosen at start_begin,
 * its veth and address made between the init's clone and its "go", and
 * given back when it ends or goes. container.c's part of src/net. */
#ifndef CGRUN_CONTAINER_NET_H
#define CGRUN_CONTAINER_NET_H

#include "container.h"

#include "network.h"

/* --network is well-formed, names a network that exists, and goes with
 * the rest of the spec. */
int cg_container_net_validate(const struct cg_ctx *ctx, const struct cg_spec *spec, cg_err_t *err);
/* The network of containers created without --network: ctx's
 * default_network, else `network` of cgrund.conf at ctx's dconf_file
 * (read once, kept in ctx), else CG_NETWORK_DEFAULT. NULL with err when
 * that file cannot be read or parsed. */
const char *cg_ctx_default_network(struct cg_ctx *ctx, cg_err_t *err);
/* Where user networks are defined: <store>/networks (malloc'd). */
char *cg_networks_dir(const struct cg_ctx *ctx);
/* The network a container's --network names (NULL or "bridge": the
 * default one; else a user network, whose definition goes in def). */
int cg_net_conf_for(const struct cg_ctx *ctx, const char *network, struct cg_net_conf *conf, struct cg_netdef *def,
		    cg_err_t *err);
/* The init's network namespace in a: its own, ours (host), or that of
 * the running container named by container:NAME|ID. */
int cg_container_net_spawn_args(struct cg_container *c, struct cg_spawn_args *a, cg_err_t *err);
/* Whether c is on --network=slirp4netns. */
bool cg_container_net_on_slirp(const struct cg_container *c);
/* With --network=bridge: a veth into the bridge and an address for the
 * waiting init (c->spawning.pid), kept in c->net; with slirp4netns: its
 * process (container-slirp.h). */
int cg_container_net_attach(struct cg_container *c, cg_err_t *err);
/* Its address given back; its veth goes with its network namespace, once
 * its init, dead or being killed, is gone. Nothing to do for other modes
 * or when never attached. */
void cg_container_net_release(struct cg_container *c);
/* Every lease, on every network, whose container's init is gone
 * released, its veth deleted (cgrund's start, after a kill -9 of the
 * last cgrund), and the firewall rules and slirp4netns of containers not
 * in live[] (ctx's fw hooks). The number released, or -1 with err. */
int cg_net_reconcile_all(const struct cg_ctx *ctx, const char *const *live, size_t nlive, cg_err_t *err);

/* The address of the DNS responder a container's resolv.conf names, in
 * buf: its user network's gateway when cgrund owns it (cgrund runs the
 * responder, netdns.c); NULL otherwise (the host's resolvers). */
const char *cg_container_net_dns_server(const struct cg_container *c, char *buf, size_t len);
/* The DNS forwarder of its network that its resolv.conf names instead of
 * the host's resolvers (slirp4netns's 10.0.2.3), or NULL. */
const char *cg_container_net_dns_forwarder(const struct cg_container *c);

#endif
