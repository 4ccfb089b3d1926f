/* layers.h - the layer store, shared by every image and container:
 *   <store>/layers/<hex>/diff/   one extracted layer (overlay whiteouts),
 *                                <hex> its chain ID's hex (OCI image spec)
 *   <store>/layers/<hex>/size    its uncompressed size in bytes
 *   <store>/l/<LINK>             -> ../layers/<hex>/diff, LINK the first
 *                                CG_LAYER_LINK_LEN hex digits of <hex>:
 *                                the overlay's lowerdir option names
 *                                layers by "l/LINK" relative to the store,
 *                                so it fits a page with ~140 layers.
 * A layer is made in layers/.tmp-<hex>-<pid>/ under layers/<hex>.lock and
 * renamed into place whole. Pulls hold <store>/layers/.lock shared for
 * their whole run, the collector (image rm, prune) exclusive: a layer a
 * pull placed but whose image it has not recorded yet is never collected. */
#ifndef CGRUN_LAYERS_H
#define CGRUN_LAYERS_H

#include <stdbool.h>
#include <stdint.h>

#include "util.h"

struct cg_ctx;

#define CG_LAYER_LINK_LEN 26

/* Pure: is s 64 lower-case hex digits? */
bool cg_layer_hex_valid(const char *s);
/* Pure: "l/<first 26 hex>" (the caller frees). */
char *cg_layer_link(const char *hex);
/* <store>/layers/<hex> (the caller frees). */
char *cg_layer_dir(const struct cg_ctx *ctx, const char *hex);
bool cg_layer_present(const struct cg_ctx *ctx, const char *hex);
/* Uncompressed size recorded for the layer, 0 if unknown. */
uint64_t cg_layer_size(const struct cg_ctx *ctx, const char *hex);

/* The store-wide lock: LOCK_SH (pulls) or LOCK_EX (the collector);
 * nonblock: -EWOULDBLOCK when held the other way. Returns the fd. */
int cg_layers_lock(const struct cg_ctx *ctx, int how, bool nonblock, cg_err_t *err);
/* layers/<hex>.lock taken exclusively (waits for a concurrent maker). */
int cg_layer_lock(const struct cg_ctx *ctx, const char *hex, cg_err_t *err);
/* Unlink the lock file and close fd (its holder, once the layer is in
 * place or found there): a waiter then sees it unlinked and locks anew. */
void cg_layer_unlock(const struct cg_ctx *ctx, const char *hex, int fd);
/* Make layers/.tmp-<hex>-<pid>/diff; *tmp is the .tmp- directory. */
int cg_layer_begin(const struct cg_ctx *ctx, const char *hex, char **tmp, cg_err_t *err);
/* Record size, make the short link, rename tmp to layers/<hex>. */
int cg_layer_commit(const struct cg_ctx *ctx, const char *hex, const char *tmp, uint64_t size, cg_err_t *err);
/* Rename layers/<hex> to a .rm- name, drop its link, remove the tree. */
int cg_layer_remove(const struct cg_ctx *ctx, const char *hex, cg_err_t *err);

#endif
