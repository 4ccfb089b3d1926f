/* netns-joined.h - which containers' network namespaces another container
 * joined (--network=container:X). Such a namespace outlives X's init
 * while the joiner runs, and X's eth0 and address with it: X's end must
 * then delete its host veth (which takes eth0 with it), or the address it
 * gives back would stay on a live interface and be leased again to
 * another container. Deleting a veth costs some 25 ms (network.h), so
 * only the ends of joined namespaces pay for it. One mark per joined
 * init: RUN/networks/joined/PID-START (proc.h's start time). */
#ifndef CGRUN_NET_NETNS_JOINED_H
#define CGRUN_NET_NETNS_JOINED_H

#include <stdbool.h>
#include <sys/types.h>

#include "util.h"

/* The namespace of the running init pid is being joined. */
int cg_netns_mark_joined(const char *run_dir, pid_t pid, cg_err_t *err);
/* Whether the namespace of the init pid (start time start) was joined;
 * its mark is removed. */
bool cg_netns_take_joined(const char *run_dir, pid_t pid, unsigned long long start);
/* The marks of inits that are gone removed (cgrund's start, after a
 * kill -9 of the last one). */
void cg_netns_joined_gc(const char *run_dir);

#endif
