/* dns-tcp.c - the responder's TCP side (RFC 7766): a resolver whose UDP
 * answer came truncated asks again over TCP. Each connection takes one
 * query at a time (two-byte length, message), answered locally or
 * forwarded as UDP queries are (dns-responder.c), the answer written back
 * without blocking; at most MAX_TCP connections, each closed after
 * TCP_IDLE_MS without a query. */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "dns-responder-int.h"

int dns_tcp_open(struct cg_dns_responder *r, const struct sockaddr_storage *ss, socklen_t len, cg_err_t *err)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int one = 1;

	if ((r->tcp = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0)
		return cg_error(err, errno, "socket");
	/* A restarted cgrund binds again while old connections linger. */
	if (setsockopt(r->tcp, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
		return cg_error(err, errno, "SO_REUSEADDR");
	if (bind(r->tcp, (const struct sockaddr *)ss, len) < 0)
		return cg_error(err, errno, "bind");
	if (listen(r->tcp, MAX_TCP) < 0)
		return cg_error(err, errno, "listen");
	ev.data.fd = r->tcp;
	if (epoll_ctl(r->epfd, EPOLL_CTL_ADD, r->tcp, &ev) < 0)
		return cg_error(err, errno, "epoll_ctl");
	return 0;
}

static void conn_close(struct cg_dns_responder *r, struct tcp_conn *c)
{
	if (c->fd < 0)
		return;
	epoll_ctl(r->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	free(c->out);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

void dns_tcp_close_all(struct cg_dns_responder *r)
{
	for (size_t i = 0; i < MAX_TCP; i++)
		conn_close(r, &r->conns[i]);
}

static void conn_want(struct cg_dns_responder *r, struct tcp_conn *c, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.fd = c->fd };

	epoll_ctl(r->epfd, EPOLL_CTL_MOD, c->fd, &ev);
}

void dns_tcp_accept(struct cg_dns_responder *r, int64_t now)
{
	for (int i = 0; i < MAX_TCP; i++) {
		struct sockaddr_storage from;
		socklen_t len = sizeof(from);
		int fd = accept4(r->tcp, (struct sockaddr *)&from, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct tcp_conn *c = NULL;

		if (fd < 0)
			return;
		for (size_t k = 0; k < MAX_TCP && c == NULL; k++)
			if (r->conns[k].fd < 0)
				c = &r->conns[k];
		struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };

		/* Full, or not a client of ours: closed at once. */
		if (c == NULL || !dns_allowed(r, &from) || epoll_ctl(r->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
			r->stats.dropped++;
			close(fd);
			continue;
		}
		c->fd = fd;
		c->gen = ++r->conn_gen;
		r->stats.tcp++;
		c->idle_deadline = now + TCP_IDLE_MS;
	}
}

/* Write what is queued; then back to reading the next query. */
static void conn_flush(struct cg_dns_responder *r, struct tcp_conn *c, int64_t now)
{
	while (c->out_off < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			conn_want(r, c, EPOLLOUT);
			return;
		}
		if (n <= 0) {
			conn_close(r, c);
			return;
		}
		c->out_off += (size_t)n;
	}
	free(c->out);
	c->out = NULL;
	c->out_len = c->out_off = c->have = 0;
	c->waiting = false;
	c->idle_deadline = now + TCP_IDLE_MS;
	conn_want(r, c, EPOLLIN);
}

void dns_tcp_send(struct cg_dns_responder *r, const struct dns_client *who, const uint8_t *msg, size_t len)
{
	struct tcp_conn *c = &r->conns[who->conn];

	if (c->fd < 0 || c->gen != who->gen || c->out || len > 65535)
		return;
	c->out = malloc(len + 2);
	if (c->out == NULL)
		abort();
	c->out[0] = (uint8_t)(len >> 8);
	c->out[1] = (uint8_t)len;
	memcpy(c->out + 2, msg, len);
	c->out_len = len + 2;
	c->out_off = 0;
	conn_flush(r, c, r->now);
}

/* Read towards one whole query; serve it when it is there. */
static void conn_read(struct cg_dns_responder *r, struct tcp_conn *c, int64_t now)
{
	size_t want = c->have < 2 ? 2 : 2 + ((size_t)c->in[0] << 8 | c->in[1]);
	ssize_t n = recv(c->fd, c->in + c->have, want - c->have, MSG_DONTWAIT);

	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (n <= 0) {
		conn_close(r, c);
		return;
	}
	c->have += (size_t)n;
	if (c->have == 2) {
		want = 2 + ((size_t)c->in[0] << 8 | c->in[1]);
		if (want == 2 || want > sizeof(c->in)) {
			r->stats.dropped++;    /* empty or oversized: not a query of ours */
			conn_close(r, c);
		}
		return;
	}
	if (c->have < want)
		return;
	/* One query at a time: no more reading until it is answered. */
	struct dns_client who = { .conn = (int)(c - r->conns), .gen = c->gen };
	uint64_t dropped = r->stats.dropped;

	c->waiting = true;
	conn_want(r, c, 0);
	memcpy(r->buf, c->in + 2, c->have - 2);
	dns_serve_query(r, c->have - 2, &who, now);
	if (r->stats.dropped != dropped)
		conn_close(r, c);   /* malformed: no answer will come */
}

bool dns_tcp_event(struct cg_dns_responder *r, int fd, uint32_t events, int64_t now)
{
	for (size_t i = 0; i < MAX_TCP; i++) {
		struct tcp_conn *c = &r->conns[i];

		if (c->fd != fd)
			continue;
		if (events & EPOLLOUT)
			conn_flush(r, c, now);
		else if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
			conn_read(r, c, now);
		return true;
	}
	return false;
}

void dns_tcp_tick(struct cg_dns_responder *r, int64_t now)
{
	/* Waiting on upstream: the forward's own timeout answers it. */
	for (size_t i = 0; i < MAX_TCP; i++)
		if (r->conns[i].fd >= 0 && !r->conns[i].waiting && now >= r->conns[i].idle_deadline)
			conn_close(r, &r->conns[i]);
}
