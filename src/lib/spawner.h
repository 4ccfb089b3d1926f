/* spawner.h - cgrund's spawner: a small process, forked from cgrund early
 * (before it holds any container), that clones containers' inits for it.
 *
 * Why: a clone copies the caller's address space (dup_mmap: its mappings
 * and page tables), and cgrund's grows with the containers it runs; an
 * init cloned from cgrund also keeps that copy for life. Cloned from the
 * spawner, whose memory stays small and the same, a start costs the same
 * whatever cgrund runs, and an init holds only the spawner's pages.
 *
 * The spawner clones with CLONE_PARENT: the init is cgrund's child, as if
 * cgrund had cloned it (its SIGCHLD, waitpid, pidfd and PR_SET_PDEATHSIG
 * are cgrund's). Requests go over a socket, one at a time, and are
 * answered at once (a clone): the arguments in a memfd (spawn-args-copy.h
 * says how they keep their pointers), the fds with SCM_RIGHTS; the answer
 * is the init's pid and pidfd, or an errno and a message.
 *
 * A spawner that ends is started again when the caller reaps it
 * (cg_spawner_reaped), or at the next request if its socket is found
 * closed (that request then goes to the new one). One that does not answer
 * a request within CG_SPAWNER_TIMEOUT_MS fails that start (the init may
 * exist: it reads EOF where it waits for "go", and exits) and is killed,
 * reaped and replaced. Each time on_restart is told. A new spawner is
 * forked from the caller as it is then: as big as its parent was. */
#ifndef CGRUN_SPAWNER_H
#define CGRUN_SPAWNER_H

#include <stdbool.h>
#include <sys/types.h>

#include "spawn-args-copy.h"
#include "spawn.h"
#include "util.h"

#define CG_SPAWNER_TIMEOUT_MS 2000

struct cg_spawner {
	pid_t pid;                 /* the spawner (our child), or -1 */
	int pidfd;                 /* its pidfd, or -1 */
	int sock;                  /* our end of its request socket, or -1 */
	int memfd;                 /* the arguments' bytes, shared with it */
	struct cg_arena arena;     /* mapped before the first fork, same address in both */
	unsigned restarts;         /* spawners started after the first */
	/* Called with the new spawner's pid after each start (NULL: none). */
	void (*on_restart)(void *data, pid_t pid, const char *why);
	void *on_restart_data;
};

/* Set sp up (the arena, the memfd) and fork the spawner: early, while the
 * caller is small. */
int cg_spawner_start(struct cg_spawner *sp, cg_err_t *err);
/* Stop it (kill and reap) and free what sp holds. */
void cg_spawner_stop(struct cg_spawner *sp);
/* The caller reaped pid (its waitpid(-1)): if it was the spawner, true,
 * and a new one is started (on_restart says so, or that it failed). */
bool cg_spawner_reaped(struct cg_spawner *sp, pid_t pid, int wstatus);
/* cg_spawn_begin (spawn.h) through the spawner: s as it fills it, and the
 * start goes on with cg_spawn_go, _collect, _abort. 1 (s reset) if a's
 * arguments do not fit the arena: the caller clones it with
 * cg_spawn_begin. */
int cg_spawner_begin(struct cg_spawner *sp, const struct cg_spawn_args *a, struct cg_spawning *s, cg_err_t *err);

#endif
