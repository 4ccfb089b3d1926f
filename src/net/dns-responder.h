/* dns-responder.h - the DNS responder cgrund runs on a user network's
 * gateway: it answers the names of the network's containers (NAME and
 * NAME.dns.cgrun) and forwards every other query to the upstream
 * resolvers over UDP, never waiting: one fd for cgrund's epoll loop, a
 * table of pending forwards (each under a fresh random id, bounded, timed
 * out with SERVFAIL) and the clients' ids restored on the answers relayed
 * back. Clients may ask over UDP or TCP (dns-tcp.c: what a resolver does
 * after a truncated answer); upstream is always asked over UDP, with EDNS
 * offering 4096 bytes for a TCP client's query. Binding port 53 needs
 * root (CAP_NET_BIND_SERVICE).
 *
 *   r = cg_dns_responder_open(&(struct cg_dns_config){ .listen = "10.89.0.1",
 *                                .upstreams = servers, .allow = "10.89.0.0/24" }, &err);
 *   epoll_ctl(loop, EPOLL_CTL_ADD, cg_dns_responder_fd(r), ...);
 *   readable:     cg_dns_responder_handle_readable(r, now_ms);
 *   every loop:   cg_dns_responder_tick(r, now_ms)  (next_deadline says when)
 *   containers:   cg_dns_responder_set(r, "web", "10.89.0.2", &err) / _remove(r, "web")
 *
 * Times are CLOCK_MONOTONIC milliseconds (cg_dns_now_ms). */
#ifndef CGRUN_NET_DNS_RESPONDER_H
#define CGRUN_NET_DNS_RESPONDER_H

#include <stdint.h>

#include "util.h"

struct cg_dns_config {
	const char *listen;       /* "IP" or "IP#PORT" (default port 53), UDP and TCP */
	char *const *upstreams;   /* "IP" or "IP#PORT" (IPv4 or IPv6), NULL-terminated;
				   * none: unknown names get SERVFAIL */
	const char *domain;       /* NULL: CG_DNS_DOMAIN ("dns.cgrun") */
	const char *allow;        /* "IPv4/PREFIX": the only clients answered; NULL: any */
	unsigned timeout_ms;      /* a forward's life before SERVFAIL; 0: 4000 */
	unsigned max_pending;     /* forwards in flight; 0: 256 (more: SERVFAIL at once) */
};

struct cg_dns_stats {
	uint64_t queries, answered, forwarded, relayed, timeouts, dropped;
	uint64_t tcp;             /* TCP connections taken */
};

struct cg_dns_responder;

struct cg_dns_responder *cg_dns_responder_open(const struct cg_dns_config *cfg, cg_err_t *err);
/* Readable when a client's query or an upstream answer waits (an epoll fd
 * of its sockets: add it to a loop level-triggered). */
int cg_dns_responder_fd(const struct cg_dns_responder *r);
/* Serve what waits, a bounded batch (the fd stays readable if more do). */
void cg_dns_responder_handle_readable(struct cg_dns_responder *r, int64_t now_ms);
/* Retry on the next upstream, or SERVFAIL, the forwards whose time came. */
void cg_dns_responder_tick(struct cg_dns_responder *r, int64_t now_ms);
/* When tick next has work; -1: no forward pending. */
int64_t cg_dns_responder_next_deadline(const struct cg_dns_responder *r);
int cg_dns_responder_set(struct cg_dns_responder *r, const char *name, const char *ipv4, cg_err_t *err);
void cg_dns_responder_remove(struct cg_dns_responder *r, const char *name);
/* A container's names, as docker's embedded DNS has them: its --name
 * (when it is a DNS name) and the first 12 digits of its id, both to ip
 * (not its host name: two containers may share one). remove_container
 * takes them away again. */
int cg_dns_responder_add_container(struct cg_dns_responder *r, const char *id, const char *name,
				   const char *ip, cg_err_t *err);
void cg_dns_responder_remove_container(struct cg_dns_responder *r, const char *id, const char *name);
struct cg_dns_stats cg_dns_responder_stats(const struct cg_dns_responder *r);
/* The port it listens on (for IP#0: the one the kernel chose). */
unsigned cg_dns_responder_port(const struct cg_dns_responder *r);
void cg_dns_responder_close(struct cg_dns_responder *r);

int64_t cg_dns_now_ms(void);
/* Pure: "IP" or "IP#PORT" (v4 or v6) as a socket address. */
struct sockaddr_storage;
int cg_dns_parse_addr(const char *s, unsigned default_port, struct sockaddr_storage *ss,
		      unsigned *len, cg_err_t *err);

#endif
