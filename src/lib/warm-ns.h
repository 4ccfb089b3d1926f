/* warm-ns.h - network, IPC and UTS namespaces the spawner makes ahead of
 * the next start, so that the init's clone does not wait for them.
 *
 * A new network namespace is most of a clone's cost (about 0.4 ms of a
 * 0.6 ms clone with the five namespaces here), and its loopback must be
 * brought up after it. The spawner makes the next init's ahead, once it has
 * answered the request before: it unshares a fresh network, IPC and UTS
 * namespace for itself, brings its loopback up, and the next default start
 * (its own network namespace, no user namespace) is cloned sharing those
 * three instead of making new ones. Each set goes to one init only:
 *
 *   HOME  the spawner is in cgrund's own namespaces (as at its start);
 *   WARM  in fresh ones, which no process but the spawner has been in;
 *   USED  in the ones it has just cloned an init into.
 *
 * Right after each clone that took them (USED), before it answers, and
 * before any clone that does not take them, the spawner goes HOME with
 * setns to fds of cgrund's namespaces opened at its start; a spawner that
 * cannot exits without answering, and cgrund starts another. So no second
 * init ever shares an init's namespaces, and an init shares them with the
 * spawner only until the spawner answers, before cgrund can tell the init
 * to go on. Every other start
 * (--network=host or container:X, which share a namespace on purpose,
 * and --userns=auto, whose namespaces belong to its user namespace) is
 * cloned from HOME with the flags it always had. */
#ifndef CGRUN_WARM_NS_H
#define CGRUN_WARM_NS_H

#include <stdbool.h>

#include "spawn.h"

enum cg_warm_state { CG_NS_HOME, CG_NS_WARM, CG_NS_USED };

struct cg_warm_ns {
	int home[3];               /* cgrund's net, IPC and UTS namespaces, or -1 */
	enum cg_warm_state state;
};

/* Can a's init be given warm namespaces (pure)? Its own network namespace
 * and no user namespace. */
bool cg_warm_ns_fits(const struct cg_spawn_args *a);

/* Open the fds of our own namespaces (w HOME). -1 if one cannot be opened:
 * then w never warms up. */
int cg_warm_ns_open(struct cg_warm_ns *w);
void cg_warm_ns_close(struct cg_warm_ns *w);
/* Before cloning a's init: whether it takes the warm namespaces (sets
 * a->ns_warm); if it does not, back HOME first. -1: could not go home (the
 * spawner must not clone any more). */
int cg_warm_ns_before(struct cg_warm_ns *w, struct cg_spawn_args *a);
/* The clone of an init that took them succeeded: back HOME at once,
 * before the answer. -1: could not (the spawner must not answer, nor clone
 * any more). */
int cg_warm_ns_taken(struct cg_warm_ns *w);
/* After the answer: WARM if fresh namespaces can be made (else HOME: the
 * next init is cloned into new ones). -1: could not go home. */
int cg_warm_ns_refill(struct cg_warm_ns *w);

#endif
