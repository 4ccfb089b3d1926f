/* userns.h - --userns=auto in the store: each container's block of
 * subordinate ids, chosen under a lock so that no two containers share an
 * id, kept as <store>/userns/<id> (a symlink whose target is
 * "UID:GID:COUNT") besides the container's record, and given back when the
 * container is removed; and the delegation of its cgroup to its root. */
#ifndef CGRUN_USERNS_H
#define CGRUN_USERNS_H

#include <stdbool.h>

#include "cgroup-mode.h"
#include "subid.h"
#include "util.h"

struct cg_ctx;

/* Pure: "auto" (true) or "host" (false). */
int cg_userns_parse(const char *s, bool *automatic, cg_err_t *err);
/* Pure: why a host in this mode cannot take --userns=auto, or NULL. */
const char *cg_userns_unsupported(enum cg_mode mode);
/* Take the lowest free block of CG_USERNS_SIZE ids from the ranges of
 * ctx->subid_user in ctx->subuid_file and ctx->subgid_file for container
 * id. An error says which file lacks a range and the line to add. */
int cg_userns_alloc(const struct cg_ctx *ctx, const char *id, struct cg_idmap *out, cg_err_t *err);
/* Give container id's block back (nothing if it has none). */
void cg_userns_release(const struct cg_ctx *ctx, const char *id);
/* The ids of every container that holds a block (names of the entries). */
char **cg_userns_holders(const struct cg_ctx *ctx);
/* The container's cgroup2 directory belongs to its root from now on
 * (the directory, cgroup.procs, cgroup.threads, cgroup.subtree_control),
 * as systemd's Delegate= does for a unit's user. */
int cg_userns_delegate(const char *cgdir, const struct cg_idmap *m, cg_err_t *err);

#endif
