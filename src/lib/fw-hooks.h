/* fw-hooks.h - the firewall of a container on a bridge network (NAT,
 * published ports), as the program provides it: libcgrun must not load
 * libnftables, so it calls these hooks of its ctx (ctx.h) and the program
 * implements them, cgrund with libcgfw (src/net/fw-apply.h) in-process,
 * cgrun by running cgrun-fw, which does the same.
 *
 * When: attach after the container's veth and address exist and before
 * its command runs (a failure fails the start, which is rolled back);
 * detach when it ends, on every path (failures are logged); reconcile
 * after cgrund's re-adoption. */
#ifndef CGRUN_FW_HOOKS_H
#define CGRUN_FW_HOOKS_H

#include <stddef.h>
#include <stdint.h>

#include "network.h"
#include "port-spec.h"

struct cg_fw_attach {
	const char *id;
	const struct cg_net_conf *nets;  /* every network (the default, then the
					  * user networks): the base chains are
					  * set for exactly these */
	size_t nnets;
	const char *nets_key;            /* cg_fw_nets_key(nets): set up again
					  * only when it changed */
	const char *stamp;               /* the file that holds the key of the
					  * last set-up (cg_fw_stamp_path) */
	const struct cg_net_conf *net;   /* the container's network */
	uint32_t addr;                   /* its address */
	const char *host_veth;
	struct cgnet_port *ports;        /* host ports 0 are picked, in place */
	size_t nports;
};

struct cg_fw_detach {
	const char *id;
	uint32_t addr;
	const struct cgnet_port *ports;  /* as attach left them */
	size_t nports;
};

struct cg_fw_hooks {
	int (*attach)(void *data, const struct cg_fw_attach *a, cg_err_t *err);
	int (*detach)(void *data, const struct cg_fw_detach *d, cg_err_t *err);
	/* The chains of containers not in live[] removed. May be NULL. */
	int (*reconcile)(void *data, const char *const *live, size_t nlive, cg_err_t *err);
};

/* Every network of ctx as attach gives them: the default one, then the
 * user networks in the store; their key and the stamp file's path. */
struct cg_ctx;
struct cg_fw_netlist {
	struct cg_net_conf *nets;
	size_t n;
	struct cg_netdef *defs;          /* what the user networks point into */
	char *key, *stamp;
};
int cg_fw_netlist_get(const struct cg_ctx *ctx, struct cg_fw_netlist *l, cg_err_t *err);
void cg_fw_netlist_free(struct cg_fw_netlist *l);

/* "BRIDGE=SUBNET ..." of nets, in order (malloc'd). */
char *cg_fw_nets_key(const struct cg_net_conf *nets, size_t n);
/* <run_dir>/fw-networks (malloc'd). */
char *cg_fw_stamp_path(const char *run_dir);
/* Whether the stamp file holds key. */
bool cg_fw_stamp_is(const char *stamp, const char *key);

#endif
