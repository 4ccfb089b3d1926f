/* port-spec.h - `-p/--publish` specs and `cgrun port` output: pure, no
 * syscalls (tests/unit/test_port_spec.c). */
#ifndef CGRUN_NET_PORT_SPEC_H
#define CGRUN_NET_PORT_SPEC_H

#include <netinet/in.h>
#include <stdint.h>

#include "util.h"

/* One published port. A range spec ("8000-8002:80-82") becomes one entry
 * per port, so everything downstream deals with single ports. */
struct cgnet_port {
	struct in_addr host_ip;  /* INADDR_ANY: every address of the host */
	uint16_t host_port;      /* 0: cgrund picks a free one (-p CONTAINERPORT) */
	uint16_t ctr_port;
	uint8_t proto;           /* IPPROTO_TCP or IPPROTO_UDP */
};

struct cgnet_ports {
	struct cgnet_port *v;
	size_t n;
};

/* At most this many ports from one spec: a typo such as 1-65535 should not
 * become 65535 DNAT rules. */
#define CGNET_PORT_RANGE_MAX 1024

/* Parses one -p spec and appends its ports to *ports:
 *   [IP:][HOSTPORT[-END]:]CONTAINERPORT[-END][/tcp|/udp]
 *   IP::CONTAINERPORT   (a free host port on IP)
 * IP is IPv4 (the networks are IPv4). On error *ports is unchanged and
 * err says what is wrong with which part of the spec. */
int cgnet_port_parse(const char *spec, struct cgnet_ports *ports, cg_err_t *err);
void cgnet_ports_free(struct cgnet_ports *ports);

/* p as a spec cgnet_port_parse reads back: "IP:HOSTPORT:CTRPORT/PROTO",
 * or "IP::CTRPORT/PROTO" for a host port 0 (malloc'd). */
char *cgnet_port_spec(const struct cgnet_port *p);

/* "tcp" or "udp". */
const char *cgnet_proto_name(uint8_t proto);

/* `cgrun port NAME [CONTAINERPORT[/PROTO]]`'s output, docker's format:
 *   80/tcp -> 0.0.0.0:8080
 * one line per port (each ending in \n), in the order given, only those
 * matching filter when it is not NULL. Returns a malloc'd string ("" when
 * nothing matches), NULL with err set when filter is not a port. */
char *cgnet_port_format(const struct cgnet_port *v, size_t n, const char *filter, cg_err_t *err);

#endif
