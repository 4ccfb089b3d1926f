/* slirp.h - --network=slirp4netns, the pure half: slirp4netns's command
 * line, the JSON of its API socket (add_hostfwd and its reply), and the
 * record of the process in a container's run directory. No syscalls
 * (tests/unit/test_slirp.c); slirp-proc.h starts and ends the process. */
#ifndef CGRUN_NET_SLIRP_H
#define CGRUN_NET_SLIRP_H

#include <stdbool.h>
#include <sys/types.h>

#include "port-spec.h"
#include "util.h"

/* slirp4netns's defaults with --configure (its 10.0.2.0/24): the
 * container's tap, its address, and the DNS forwarder its resolv.conf
 * names (slirp4netns relays to the host's resolvers). */
#define CG_SLIRP_TAP "tap0"
#define CG_SLIRP_GUEST_IP "10.0.2.100"
#define CG_SLIRP_DNS "10.0.2.3"
#define CG_SLIRP_MTU 65520

/* What the container's run directory holds while slirp4netns runs: the
 * record ("PID START\n"), the API socket and the process's output. */
#define CG_SLIRP_RECORD "slirp4netns"
#define CG_SLIRP_SOCKET "slirp4netns.sock"
#define CG_SLIRP_LOG "slirp4netns.log"

struct cg_slirp_args {
	const char *prog;        /* the slirp4netns binary */
	const char *netns;       /* the container's network namespace (a path) */
	const char *api_socket;  /* where it listens for add_hostfwd */
	int exit_fd;             /* it ends when this fd reports an event */
	int ready_fd;            /* it writes "1" here once tap0 is configured */
	bool sandbox;            /* --enable-sandbox --enable-seccomp */
};

/* The argv (cg_strv_free it):
 *   PROG --configure --mtu=65520 --disable-host-loopback
 *        [--enable-sandbox --enable-seccomp] --api-socket SOCK
 *        --exit-fd=N --ready-fd=N --netns-type=path NETNS tap0 */
char **cg_slirp_argv(const struct cg_slirp_args *a);

/* The add_hostfwd request for p (malloc'd JSON text):
 *   {"execute":"add_hostfwd","arguments":{"proto":"tcp",
 *    "host_addr":"0.0.0.0","host_port":8080,"guest_port":80}} */
char *cg_slirp_hostfwd_request(const struct cgnet_port *p);

/* slirp4netns's reply: 0 for {"return":{...}}; -1 with err for
 * {"error":{"desc":"..."}} (its desc) or a reply that is neither. */
int cg_slirp_reply_parse(const char *text, cg_err_t *err);

/* The record: "PID START\n" (START: the process's start time, as
 * cg_proc_start_time reads it, against pid reuse), and back. */
char *cg_slirp_record_format(pid_t pid, unsigned long long start);
int cg_slirp_record_parse(const char *text, pid_t *pid, unsigned long long *start, cg_err_t *err);

#endif
