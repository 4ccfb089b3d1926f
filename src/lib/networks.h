/* networks.h - the user networks' verbs (cgrun network create, ls,
 * inspect, rm): their definitions (netdef.h) and what uses them. Local:
 * definitions are files in the store, leases files in the run directory;
 * a network's bridge is made by the first container that joins it, in the
 * namespace of whoever starts that container, and deleted by rm in the
 * caller's (cgrun and cgrund share one, but for tests). */
#ifndef CGRUN_NETWORKS_H
#define CGRUN_NETWORKS_H

#include <json-c/json.h>

#include "ctx.h"
#include "netdef.h"

/* subnet NULL: the first free 10.89.N.0/24. */
int cg_network_create(const struct cg_ctx *ctx, const char *name, const char *subnet, struct cg_netdef *out,
		      cg_err_t *err);
/* Every network, the default one ("bridge", cgrun0) first. */
int cg_network_list(const struct cg_ctx *ctx, struct cg_netdef **out, size_t *n, cg_err_t *err);
/* Name, Subnet, Gateway, Bridge and the Containers holding an address. */
struct json_object *cg_network_inspect(const struct cg_ctx *ctx, const char *name, cg_err_t *err);
/* Refused for the default network and while a running container holds
 * one of its addresses; else its bridge, leases and definition go. */
int cg_network_remove(const struct cg_ctx *ctx, const char *name, cg_err_t *err);

#endif
