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

/* Start prog (slirp4netns) in our network namespace for the network
 * namespace of init, with its record, API socket and output in dir, and
 * wait until it has configured tap0 there. Its exit fd is a pidfd of
 * init: it ends by itself when init does, whoever we are by then. It is
 * a session of its own (no terminal's signals). On error nothing is
 * left. */
int cg_slirp_start(const char *prog, const char *dir, pid_t init, cg_err_t *err);
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
