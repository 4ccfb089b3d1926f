/* dns-responder-int.h - the responder's insides, shared by its UDP side
 * (dns-responder.c) and its TCP side (dns-tcp.c). Not an API. */
#ifndef CGRUN_NET_DNS_RESPONDER_INT_H
#define CGRUN_NET_DNS_RESPONDER_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "dns-msg.h"
#include "dns-names.h"
#include "dns-responder.h"

#define MAX_UPSTREAMS 8
/* Datagrams served per socket per call: the loop goes on between batches. */
#define BATCH 64
#define REPLY_MAX 65535
/* TCP clients at once (a resolver retries over TCP only for a truncated
 * answer), and how long one may sit idle. */
#define MAX_TCP 16
#define TCP_IDLE_MS 10000

/* Who asked: a UDP client's address, or a TCP connection (conn >= 0) as it
 * was when it asked (gen: a connection closed and reused is another). */
struct dns_client {
	struct sockaddr_storage addr;
	socklen_t len;
	int conn;
	uint32_t gen;
};

/* A query forwarded upstream and not yet answered. */
struct pending {
	bool used;
	uint16_t up_id;                    /* the id upstream sees: fresh, random */
	unsigned next_up;                  /* the upstream the next try goes to */
	unsigned tries;
	int64_t deadline, next_try;
	struct dns_client client;
	size_t len;
	uint8_t query[CG_DNS_QUERY_MAX];   /* as the client sent it (its id); its
					    * question is parsed again when needed
					    * rather than kept (1 KiB of name) */
};

struct upstream {
	struct sockaddr_storage addr;
	socklen_t len;
};

/* A TCP client: one query at a time, read, answered, written. */
struct tcp_conn {
	int fd;                            /* -1: free */
	uint32_t gen;
	int64_t idle_deadline;
	bool waiting;                      /* its query is with upstream */
	size_t have;
	uint8_t in[2 + CG_DNS_QUERY_MAX];  /* length prefix, query */
	uint8_t *out;                      /* length prefix, answer; NULL: none */
	size_t out_len, out_off;
};

struct cg_dns_responder {
	int epfd, sock, up4, up6, tcp;     /* epoll; clients; to upstreams (v4, v6); TCP listener */
	char *domain;
	struct in_addr allow_net, allow_mask;
	bool allow_any;
	unsigned timeout_ms, max_pending;
	struct upstream up[MAX_UPSTREAMS];
	unsigned nup;
	struct cg_dns_names names;
	struct pending *pend;
	size_t npend_cap;                  /* entries of pend allocated (grows to max_pending) */
	struct tcp_conn conns[MAX_TCP];
	uint32_t conn_gen;
	int64_t now;                       /* of the call being served */
	struct cg_dns_stats stats;
	uint8_t buf[REPLY_MAX + 1];
	uint8_t out[CG_DNS_QUERY_MAX + 16];
};

/* dns-responder.c: a client's query of len bytes in r->buf, answered or
 * forwarded; is the source allowed. */
void dns_serve_query(struct cg_dns_responder *r, size_t len, const struct dns_client *c, int64_t now);
bool dns_allowed(const struct cg_dns_responder *r, const struct sockaddr_storage *from);

/* dns-tcp.c */
int dns_tcp_open(struct cg_dns_responder *r, const struct sockaddr_storage *ss, socklen_t len, cg_err_t *err);
void dns_tcp_accept(struct cg_dns_responder *r, int64_t now);
/* fd is one of r->conns' */
bool dns_tcp_event(struct cg_dns_responder *r, int fd, uint32_t events, int64_t now);
/* Queue an answer for a TCP client (dropped if its connection went). */
void dns_tcp_send(struct cg_dns_responder *r, const struct dns_client *c, const uint8_t *msg, size_t len);
void dns_tcp_tick(struct cg_dns_responder *r, int64_t now);
void dns_tcp_close_all(struct cg_dns_responder *r);

#endif
