/* container-slirp.h - a container's --network=slirp4netns over its life:
 * slirp4netns started for its waiting init (before its "go"), its -p
 * ports published through slirp4netns's API socket, and slirp4netns
 * ended with it. container-net.c's part for that mode (src/net/slirp*.h). */
#ifndef CGRUN_CONTAINER_SLIRP_H
#define CGRUN_CONTAINER_SLIRP_H

#include <stdbool.h>

#include "container.h"
#include "slirp-proc.h"

/* slirp4netns for the init c->spawning.pid, then its ports (c->ports on
 * success, host ports chosen). On error nothing is left. */
int cg_container_slirp_attach(struct cg_container *c, cg_err_t *err);
/* The same in two steps for an event loop (cg_container_start_go_begin
 * and _on): launch (p: its ready fd to watch), then ready once p->ready
 * is readable or timed out (slirp-proc.h's cg_slirp_launch, _complete).
 * On error of either nothing is left. */
int cg_container_slirp_launch(struct cg_container *c, struct cg_slirp_proc *p, cg_err_t *err);
int cg_container_slirp_ready(struct cg_container *c, struct cg_slirp_proc *p, bool timed_out, cg_err_t *err);
/* slirp4netns ended and its files gone; nothing to do when never
 * attached. */
void cg_container_slirp_release(struct cg_container *c);
/* The slirp4netns of every container not in live[] ended (cgrund's start,
 * after a kill -9 of the last cgrund: it ended by itself with its init,
 * this is for its files and in case it did not); those of live ones kept.
 * The number ended. */
int cg_slirp_reconcile(const struct cg_ctx *ctx, const char *const *live, size_t nlive);

#endif
