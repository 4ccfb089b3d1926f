/* hostport.h - host ports for -p: is one free, pick one. By bind tests in
 * the network namespace of the caller (cgrund's), where the published
 * ports are DNATed. */
#ifndef CGRUN_NET_HOSTPORT_H
#define CGRUN_NET_HOSTPORT_H

#include "port-spec.h"

/* 0 when a socket of p's protocol can bind p's host ip:port; else
 * an error ("host port 0.0.0.0:8080/tcp is already in use", "host address
 * X of port ... is not an address of this host", or the bind's error). */
int cgnet_hostport_check(const struct cgnet_port *p, cg_err_t *err);

/* Gives every port whose host_port is 0 a free port of the ephemeral range
 * (net.ipv4.ip_local_port_range, as the kernel picks for bind to port 0),
 * then checks every port with cgnet_hostport_check. On error nothing is
 * changed. */
int cgnet_hostport_assign(struct cgnet_port *v, size_t n, cg_err_t *err);

#endif
