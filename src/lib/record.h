/* record.h - container records on disk: listing, lookup by name or id
 * prefix, removal, and clean-up after a cgrun that was killed. */
#ifndef CGRUN_RECORD_H
#define CGRUN_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "container-info.h"
#include "proc.h"
#include "record-codec.h"
#include "util.h"


struct cg_ctx;

int cg_container_list(const struct cg_ctx *ctx, struct cg_container_info **out, size_t *n, cg_err_t *err);
void cg_container_list_free(struct cg_container_info *v, size_t n);
/* Resolve a name or a unique id prefix to a full id. */
int cg_container_resolve(const struct cg_ctx *ctx, const char *key, char id[65], cg_err_t *err);
/* Pure: pick from ids/names the entry `key` names (exact name first, then
 * a unique id prefix); returns its index, -1 none, -2 ambiguous. */
int cg_match_container(const char *key, const char *const *ids, const char *const *names, size_t n);
/* Remove a container that is not running, by name or unique id prefix. */
int cg_container_remove(struct cg_ctx *ctx, const char *key, cg_err_t *err);
/* The init of the running container key names (for
 * --network=container:KEY): 0 with *pid, or -1 with err. Programs set
 * ctx->running_init to it. */
int cg_container_running_init(const struct cg_ctx *ctx, const char *key, pid_t *pid, cg_err_t *err);
/* Name (or id) of a container record that uses image `name`, or NULL. */
char *cg_container_using_image(const struct cg_ctx *ctx, const char *name);
/* Clean up after in-process containers whose cgrun was killed: their
 * cgroups, and their files if they ran with --rm (kept ones are marked
 * exited). cgrund's containers are left to cgrund. */
void cg_container_gc(struct cg_ctx *ctx);

#endif
