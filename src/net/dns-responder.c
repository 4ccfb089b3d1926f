/* dns-responder.c - a non-blocking DNS responder and forwarder (see
 * dns-responder.h). */
#include "config.h"

#include "dns-responder.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>

#include "dns-responder-int.h"
#include "hosts-file.h"
#include "resolv-conf.h"

int64_t cg_dns_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int cg_dns_parse_addr(const char *s, unsigned default_port, struct sockaddr_storage *ss,
		      unsigned *len, cg_err_t *err)
{
	const char *hash = strchr(s, '#');
	cleanup_free char *ip = hash ? strndup(s, (size_t)(hash - s)) : xstrdup(s);
	unsigned long port = default_port;
	char *end;

	if (ip == NULL)
		abort();
	if (hash) {
		errno = 0;
		port = strtoul(hash + 1, &end, 10);
		if (errno || end == hash + 1 || *end || port > 65535)
			return cg_error(err, EINVAL, "'%s': bad port (IP#PORT)", s);
	}
	memset(ss, 0, sizeof(*ss));
	struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	if (inet_pton(AF_INET, ip, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)port);
		*len = sizeof(*in4);
	} else if (inet_pton(AF_INET6, ip, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		*len = sizeof(*in6);
	} else {
		return cg_error(err, EINVAL, "'%s' is not an IP address (IP or IP#PORT)", s);
	}
	return 0;
}

static bool same_addr(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;

		return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;

	return x->sin6_port == y->sin6_port && !memcmp(&x->sin6_addr, &y->sin6_addr, 16);
}

static int parse_allow(struct cg_dns_responder *r, const char *cidr, cg_err_t *err)
{
	cleanup_free char *ip = xstrdup(cidr);
	char *slash = strchr(ip, '/'), *end;
	unsigned long prefix;

	if (slash == NULL)
		return cg_error(err, EINVAL, "allowed clients '%s': expected IPv4/PREFIX", cidr);
	*slash = '\0';
	errno = 0;
	prefix = strtoul(slash + 1, &end, 10);
	if (errno || end == slash + 1 || *end || prefix > 32 || inet_pton(AF_INET, ip, &r->allow_net) != 1)
		return cg_error(err, EINVAL, "allowed clients '%s': expected IPv4/PREFIX", cidr);
	r->allow_mask.s_addr = prefix ? htonl(~0u << (32 - prefix)) : 0;
	r->allow_net.s_addr &= r->allow_mask.s_addr;
	return 0;
}

bool dns_allowed(const struct cg_dns_responder *r, const struct sockaddr_storage *from)
{
	const struct sockaddr_in *in4 = (const void *)from;

	if (r->allow_any)
		return true;
	return from->ss_family == AF_INET &&
	       (in4->sin_addr.s_addr & r->allow_mask.s_addr) == r->allow_net.s_addr;
}

static int udp_socket(struct cg_dns_responder *r, int family, cg_err_t *err)
{
	int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	struct epoll_event ev = { .events = EPOLLIN };

	if (fd < 0)
		return cg_error(err, errno, "DNS socket");
	ev.data.fd = fd;
	if (epoll_ctl(r->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		cg_error(err, errno, "epoll_ctl");
		close(fd);
		return -1;
	}
	return fd;
}

static int open_sockets(struct cg_dns_responder *r, const struct cg_dns_config *cfg, cg_err_t *err)
{
	struct sockaddr_storage ss;
	unsigned len;
	bool v4 = false, v6 = false;

	if ((r->epfd = epoll_create1(EPOLL_CLOEXEC)) < 0)
		return cg_error(err, errno, "epoll_create1");
	if (cg_dns_parse_addr(cfg->listen, 53, &ss, &len, err) < 0)
		return cg_error_wrap(err, "DNS listen address");
	if ((r->sock = udp_socket(r, ss.ss_family, err)) < 0)
		return -1;
	if (bind(r->sock, (struct sockaddr *)&ss, len) < 0)
		return cg_error(err, errno, "DNS responder: bind %s", cfg->listen);
	/* TCP on the same port as UDP got (for IP#0: the kernel's choice). */
	if (getsockname(r->sock, (struct sockaddr *)&ss, &(socklen_t){ len }) < 0)
		return cg_error(err, errno, "DNS responder: getsockname");
	if (dns_tcp_open(r, &ss, len, err) < 0)
		return cg_error_wrap(err, "DNS responder: %s (TCP)", cfg->listen);
	for (size_t i = 0; cfg->upstreams && cfg->upstreams[i]; i++) {
		if (r->nup == MAX_UPSTREAMS)
			return cg_error(err, E2BIG, "DNS responder: more than %d upstream servers", MAX_UPSTREAMS);
		if (cg_dns_parse_addr(cfg->upstreams[i], 53, &r->up[r->nup].addr, &len, err) < 0)
			return cg_error_wrap(err, "DNS upstream");
		/* Port 0 is for the listening side only (the kernel picks). */
		if (((struct sockaddr_in *)&r->up[r->nup].addr)->sin_port == 0)
			return cg_error(err, EINVAL, "DNS upstream '%s': port 0", cfg->upstreams[i]);
		r->up[r->nup].len = len;
		v4 |= r->up[r->nup].addr.ss_family == AF_INET;
		v6 |= r->up[r->nup].addr.ss_family == AF_INET6;
		r->nup++;
	}
	/* Unbound, unconnected: the kernel picks a random source port once,
	 * and any upstream may answer on it (checked per reply). */
	if (v4 && (r->up4 = udp_socket(r, AF_INET, err)) < 0)
		return -1;
	if (v6 && (r->up6 = udp_socket(r, AF_INET6, err)) < 0)
		return -1;
	return 0;
}

struct cg_dns_responder *cg_dns_responder_open(const struct cg_dns_config *cfg, cg_err_t *err)
{
	struct cg_dns_responder *r = xcalloc(1, sizeof(*r));

	r->epfd = r->sock = r->up4 = r->up6 = r->tcp = -1;
	for (size_t i = 0; i < MAX_TCP; i++)
		r->conns[i].fd = -1;
	r->domain = xstrdup(cfg->domain ? cfg->domain : CG_DNS_DOMAIN);
	r->timeout_ms = cfg->timeout_ms ? cfg->timeout_ms : 4000;
	r->max_pending = cfg->max_pending ? cfg->max_pending : 256;
	r->allow_any = cfg->allow == NULL;
	if ((cfg->allow && parse_allow(r, cfg->allow, err) < 0) || open_sockets(r, cfg, err) < 0) {
		cg_dns_responder_close(r);
		return NULL;
	}
	return r;
}

void cg_dns_responder_close(struct cg_dns_responder *r)
{
	if (r == NULL)
		return;
	dns_tcp_close_all(r);
	cg_closep(&r->tcp);
	cg_closep(&r->sock);
	cg_closep(&r->up4);
	cg_closep(&r->up6);
	cg_closep(&r->epfd);
	cg_dns_names_free(&r->names);
	free(r->pend);
	free(r->domain);
	free(r);
}

int cg_dns_responder_fd(const struct cg_dns_responder *r)
{
	return r->epfd;
}

int cg_dns_responder_set(struct cg_dns_responder *r, const char *name, const char *ipv4, cg_err_t *err)
{
	return cg_dns_names_set(&r->names, name, ipv4, err);
}

void cg_dns_responder_remove(struct cg_dns_responder *r, const char *name)
{
	cg_dns_names_remove(&r->names, name);
}

int cg_dns_responder_add_container(struct cg_dns_responder *r, const char *id, const char *name,
				   const char *ip, cg_err_t *err)
{
	char short_id[13];

	snprintf(short_id, sizeof(short_id), "%s", id);
	if (cg_dns_names_set(&r->names, short_id, ip, err) < 0)
		return -1;
	/* A container name may hold what DNS refuses ("a..b"): then the
	 * short id alone finds it. */
	if (name && cg_hostname_valid(name, 0) && cg_dns_names_set(&r->names, name, ip, err) < 0) {
		cg_dns_names_remove(&r->names, short_id);
		return -1;
	}
	return 0;
}

void cg_dns_responder_remove_container(struct cg_dns_responder *r, const char *id, const char *name)
{
	char short_id[13];

	snprintf(short_id, sizeof(short_id), "%s", id);
	cg_dns_names_remove(&r->names, short_id);
	if (name)
		cg_dns_names_remove(&r->names, name);
}

struct cg_dns_stats cg_dns_responder_stats(const struct cg_dns_responder *r)
{
	return r->stats;
}

unsigned cg_dns_responder_port(const struct cg_dns_responder *r)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(r->sock, (struct sockaddr *)&ss, &len) < 0)
		return 0;
	return ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
					     : ((struct sockaddr_in6 *)&ss)->sin6_port);
}

/* A reply that cannot go now (socket buffer full) is dropped: the
 * client's resolver asks again. */
static void send_to(int fd, const void *buf, size_t len, const struct sockaddr_storage *to, socklen_t tolen)
{
	(void)!sendto(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL, (const struct sockaddr *)to, tolen);
}

static struct pending *find_pending(struct cg_dns_responder *r, uint16_t up_id)
{
	for (size_t i = 0; i < r->npend_cap; i++)
		if (r->pend[i].used && r->pend[i].up_id == up_id)
			return &r->pend[i];
	return NULL;
}

static struct pending *new_pending(struct cg_dns_responder *r)
{
	for (size_t i = 0; i < r->npend_cap; i++)
		if (!r->pend[i].used)
			return &r->pend[i];
	if (r->npend_cap >= r->max_pending)
		return NULL;
	size_t cap = r->npend_cap ? 2 * r->npend_cap : 16;

	if (cap > r->max_pending)
		cap = r->max_pending;
	struct pending *p = realloc(r->pend, cap * sizeof(*p));

	if (p == NULL)
		abort();
	memset(p + r->npend_cap, 0, (cap - r->npend_cap) * sizeof(*p));
	r->pend = p;
	p += r->npend_cap;
	r->npend_cap = cap;
	return p;
}

/* A fresh id no pending forward uses, from the kernel's random pool (an
 * off-path spoofer must guess it and the source port). */
static int fresh_id(struct cg_dns_responder *r, uint16_t *id)
{
	for (int i = 0; i < 16; i++) {
		if (getrandom(id, sizeof(*id), GRND_NONBLOCK) != sizeof(*id))
			return -1;
		if (find_pending(r, *id) == NULL)
			return 0;
	}
	return -1;
}

static void send_try(struct cg_dns_responder *r, struct pending *p, int64_t now)
{
	const struct upstream *u = &r->up[p->next_up % r->nup];
	uint8_t q[CG_DNS_QUERY_MAX];

	memcpy(q, p->query, p->len);
	q[0] = (uint8_t)(p->up_id >> 8);
	q[1] = (uint8_t)p->up_id;
	send_to(u->addr.ss_family == AF_INET ? r->up4 : r->up6, q, p->len, &u->addr, u->len);
	p->next_up++;
	p->tries++;
	/* Each upstream gets its share of the time before the next is tried. */
	p->next_try = now + r->timeout_ms / r->nup;
}

static void reply(struct cg_dns_responder *r, const struct dns_client *c, const uint8_t *msg, size_t len)
{
	if (c->conn >= 0)
		dns_tcp_send(r, c, msg, len);
	else
		send_to(r->sock, msg, len, &c->addr, c->len);
}

static void servfail(struct cg_dns_responder *r, const uint8_t *query, const struct cg_dns_question *q,
		     const struct dns_client *c)
{
	size_t n = cg_dns_build_reply(query, q, ns_r_servfail, NULL, r->out, sizeof(r->out));

	if (n)
		reply(r, c, r->out, n);
}

/* A query from a TCP client without EDNS gets an OPT record offering 4096
 * bytes before it goes upstream over UDP: the client came over TCP because
 * a UDP answer was too long for 512. */
static size_t add_edns(uint8_t *q, size_t len)
{
	static const uint8_t opt[] = { 0, 0, 41, 0x10, 0, 0, 0, 0, 0, 0, 0 };

	if (q[10] || q[11] || len + sizeof(opt) > CG_DNS_QUERY_MAX)
		return len;
	q[11] = 1;
	memcpy(q + len, opt, sizeof(opt));
	return len + sizeof(opt);
}

/* A pending forward's client query, parsed (it was when it came). */
static void pending_question(const struct pending *p, struct cg_dns_question *q)
{
	if (cg_dns_parse(p->query, p->len, false, q) < 0)
		abort();
}

static void forward(struct cg_dns_responder *r, size_t len, const struct cg_dns_question *q,
		    const struct dns_client *c, int64_t now)
{
	struct pending *p = r->nup ? new_pending(r) : NULL;
	uint16_t id;

	if (p == NULL || fresh_id(r, &id) < 0) {
		/* No upstream, or too many in flight: say so at once rather
		 * than leave the client waiting for its timeout. */
		servfail(r, r->buf, q, c);
		return;
	}
	*p = (struct pending){ .used = true, .up_id = id, .deadline = now + r->timeout_ms,
			       .client = *c, .len = len };
	memcpy(p->query, r->buf, len);
	if (c->conn >= 0)
		p->len = add_edns(p->query, len);
	r->stats.forwarded++;
	send_try(r, p, now);
}

void dns_serve_query(struct cg_dns_responder *r, size_t len, const struct dns_client *c, int64_t now)
{
	struct cg_dns_question q;
	size_t outlen;

	r->stats.queries++;
	switch (cg_dns_handle_query(&r->names, r->domain, r->buf, len, &q, r->out, sizeof(r->out), &outlen)) {
	case CG_DNS_REPLY:
		r->stats.answered++;
		reply(r, c, r->out, outlen);
		break;
	case CG_DNS_FORWARD:
		forward(r, len, &q, c, now);
		break;
	default:
		r->stats.dropped++;
		break;
	}
}

static bool from_upstream(const struct cg_dns_responder *r, const struct sockaddr_storage *from)
{
	for (unsigned i = 0; i < r->nup; i++)
		if (same_addr(&r->up[i].addr, from))
			return true;
	return false;
}

/* An upstream's answer: relayed to its client under the client's id if it
 * answers a pending forward's question and comes from an upstream. */
static void serve_upstream(struct cg_dns_responder *r, size_t len, const struct sockaddr_storage *from)
{
	struct cg_dns_question q, asked;
	struct pending *p;

	if (!from_upstream(r, from) || cg_dns_parse(r->buf, len, true, &q) < 0 ||
	    (p = find_pending(r, q.id)) == NULL) {
		r->stats.dropped++;
		return;
	}
	pending_question(p, &asked);
	if (!cg_dns_same_question(&asked, &q)) {
		r->stats.dropped++;
		return;
	}
	r->buf[0] = p->query[0];
	r->buf[1] = p->query[1];
	reply(r, &p->client, r->buf, len);
	r->stats.relayed++;
	p->used = false;
}

static void drain(struct cg_dns_responder *r, int fd, int64_t now)
{
	for (int i = 0; i < BATCH; i++) {
		struct sockaddr_storage from;
		struct iovec iov = { r->buf, sizeof(r->buf) };
		struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			/* EAGAIN: done; an ICMP error queued on the socket is
			 * consumed by this call and nothing else is to do. */
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			continue;
		}
		if (mh.msg_flags & MSG_TRUNC) {
			r->stats.dropped++;
			continue;
		}
		if (fd == r->sock) {
			struct dns_client c = { .len = mh.msg_namelen, .conn = -1 };

			memcpy(&c.addr, &from, sizeof(from));
			if (dns_allowed(r, &from))
				dns_serve_query(r, (size_t)n, &c, now);
			else
				r->stats.dropped++;
		} else {
			serve_upstream(r, (size_t)n, &from);
		}
	}
}

void cg_dns_responder_handle_readable(struct cg_dns_responder *r, int64_t now_ms)
{
	struct epoll_event ev[4 + MAX_TCP];
	int n = epoll_wait(r->epfd, ev, ARRAY_SIZE(ev), 0);

	r->now = now_ms;
	for (int i = 0; i < n; i++) {
		int fd = ev[i].data.fd;

		if (fd == r->tcp)
			dns_tcp_accept(r, now_ms);
		else if (!dns_tcp_event(r, fd, ev[i].events, now_ms))
			drain(r, fd, now_ms);
	}
}

void cg_dns_responder_tick(struct cg_dns_responder *r, int64_t now_ms)
{
	r->now = now_ms;
	dns_tcp_tick(r, now_ms);
	for (size_t i = 0; i < r->npend_cap; i++) {
		struct pending *p = &r->pend[i];

		if (!p->used)
			continue;
		if (now_ms >= p->deadline) {
			struct cg_dns_question q;

			pending_question(p, &q);
			servfail(r, p->query, &q, &p->client);
			r->stats.timeouts++;
			p->used = false;
		} else if (now_ms >= p->next_try && p->tries < r->nup) {
			send_try(r, p, now_ms);
		}
	}
}

int64_t cg_dns_responder_next_deadline(const struct cg_dns_responder *r)
{
	int64_t next = -1;

	for (size_t i = 0; i < r->npend_cap; i++) {
		const struct pending *p = &r->pend[i];
		int64_t t;

		if (!p->used)
			continue;
		t = p->tries < r->nup && p->next_try < p->deadline ? p->next_try : p->deadline;
		if (next < 0 || t < next)
			next = t;
	}
	for (size_t i = 0; i < MAX_TCP; i++)
		if (r->conns[i].fd >= 0 && (next < 0 || r->conns[i].idle_deadline < next))
			next = r->conns[i].idle_deadline;
	return next;
}
