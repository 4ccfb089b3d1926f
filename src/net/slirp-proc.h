/* slirp-proc.h - --network=slirp4netns, the process: started for a
 * container whose init waits in its own network namespace, its ports
 * published through its API socket, ended with the container. What it
 * leaves in the container's run directory (slirp.h's CG_SLIRP_*) is what
 * any later process (a cgrund restarted after a kill -9) finds it by. */
#ifndef CGRUN_NET_SLIRP_PROC_H
#define CGRUN_NET_SLIRP_PROC_H

#include <stdbool.h>
#include <sys/types.h>

#include "port-spec.h"
#include "util.h"

/* How long slirp4netns may take to configure tap0 (about 12 ms here). */
#define CG_SLIRP_READY_TIMEOUT_MS 10000

/* A slirp4netns launched, not known to be ready yet. */
struct cg_slirp_proc {
	int ready;                    /* its ready pipe's read end: readable once it
				       * configured tap0, or at its end (EOF); -1 */
};

/* Start prog (slirp4netns) in our network namespace for the network
 * namespace of init, with its record, API socket and output in dir, and
 * wait (CG_SLIRP_READY_TIMEOUT_MS at most) until it has configured tap0
 * there: cg_slirp_launch, a poll, cg_slirp_complete. Its exit fd is a
 * pidfd of init: it ends by itself when init does, whoever we are by
 * then. It is a session of its own (no terminal's signals). On error
 * nothing is left. */
int cg_slirp_start(const char *prog, const char *dir, pid_t init, cg_err_t *err);
/* The same in two steps, for a loop that must not wait: launch starts it
 * and writes its record (its pid: the record says; p: its ready fd);
 * complete, once p->ready is readable (or with timed_out once
 * CG_SLIRP_READY_TIMEOUT_MS have passed), says whether it is up. On error of either, nothing is left
 * (p->ready closed, slirp4netns killed and reaped, its files gone). */
int cg_slirp_launch(const char *prog, const char *dir, pid_t init, struct cg_slirp_proc *p, cg_err_t *err);
int cg_slirp_complete(const char *dir, struct cg_slirp_proc *p, bool timed_out, cg_err_t *err);
/* A launched one given up: p->ready closed, slirp4netns killed (by its
 * record, cg_slirp_stop), reaped if still our child, and its files gone. */
void cg_slirp_abort(const char *dir, struct cg_slirp_proc *p);
/* Publish v through the API socket of dir's slirp4netns: host ports 0
 * given free ones and every host port checked first (hostport.h), so a
 * port in use is refused with its address. */
int cg_slirp_publish(const char *dir, struct cgnet_port *v, size_t n, cg_err_t *err);
/* The pid dir's record names while it is still that process (its start
 * time); 0 when there is none (no record, or the process is gone). */
pid_t cg_slirp_pid(const char *dir);
/* Kill dir's slirp4netns if it is still the recorded process, reap it if
 * it is our child, and remove its record, socket and log. false: there
 * was no record. */
bool cg_slirp_stop(const char *dir);

#endif
