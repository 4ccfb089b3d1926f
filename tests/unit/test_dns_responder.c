/* test_dns_responder.c - the responder's sockets and forwarding
 * (src/net/dns-responder.c) on 127.0.0.1 with ports the kernel picks: a
 * client socket and fake upstreams the test answers by hand; time is
 * passed in, so timeouts are exact and nothing sleeps. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <poll.h>
#include <resolv.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "dns-responder.h"

struct fixture {
	struct cg_dns_responder *r;
	int client, up[2];
	unsigned up_port[2];
	struct sockaddr_in srv;
};

static int bound_udp(unsigned *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	if (port)
		*port = ntohs(a.sin_port);
	return fd;
}

static struct fixture *open_fixture(unsigned nup, unsigned max_pending, const char *allow)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	char *ups[3] = { NULL, NULL, NULL };
	cg_err_t err = { 0 };

	for (unsigned i = 0; i < 2; i++)
		f->up[i] = bound_udp(&f->up_port[i]);
	for (unsigned i = 0; i < nup; i++)
		ups[i] = xasprintf("127.0.0.1#%u", f->up_port[i]);
	struct cg_dns_config cfg = { .listen = "127.0.0.1#0", .upstreams = ups, .timeout_ms = 1000,
				     .max_pending = max_pending, .allow = allow };

	f->r = cg_dns_responder_open(&cfg, &err);
	if (f->r == NULL)
		fail_msg("open: %s", err.msg);
	for (unsigned i = 0; i < nup; i++)
		free(ups[i]);
	f->client = bound_udp(NULL);
	f->srv = (struct sockaddr_in){ .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
				       .sin_port = htons((uint16_t)cg_dns_responder_port(f->r)) };
	assert_int_equal(cg_dns_responder_set(f->r, "web", "10.89.0.2", &err), 0);
	return f;
}

static void close_fixture(struct fixture *f)
{
	cg_dns_responder_close(f->r);
	close(f->client);
	close(f->up[0]);
	close(f->up[1]);
	free(f);
}

static size_t query(struct fixture *f, const char *name, int type, uint16_t id, uint8_t *q)
{
	int n = res_mkquery(ns_o_query, name, ns_c_in, type, NULL, 0, NULL, q, 512);

	assert_true(n > 12);
	q[0] = (uint8_t)(id >> 8);
	q[1] = (uint8_t)id;
	assert_int_equal(sendto(f->client, q, (size_t)n, 0, (struct sockaddr *)&f->srv, sizeof(f->srv)), n);
	return (size_t)n;
}

/* What fd has within a moment; 0 if nothing. */
static ssize_t recv_wait(int fd, uint8_t *buf, size_t sz, struct sockaddr_in *from, int ms)
{
	struct pollfd p = { fd, POLLIN, 0 };
	socklen_t len = sizeof(*from);

	if (poll(&p, 1, ms) <= 0)
		return 0;
	return recvfrom(fd, buf, sz, MSG_DONTWAIT, (struct sockaddr *)from, &len);
}

/* Let the responder take what waits for it (its fd polled as a loop would). */
static void serve(struct fixture *f, int64_t now)
{
	struct pollfd p = { cg_dns_responder_fd(f->r), POLLIN, 0 };

	if (poll(&p, 1, 200) > 0)
		cg_dns_responder_handle_readable(f->r, now);
}

static int rcode_of(const uint8_t *m, ssize_t n, uint16_t *id, int *ancount)
{
	ns_msg h;

	assert_true(n > 0);
	assert_int_equal(ns_initparse(m, (int)n, &h), 0);
	*id = ns_msg_id(h);
	*ancount = ns_msg_count(h, ns_s_an);
	return ns_msg_getflag(h, ns_f_rcode);
}

static void test_local_answer(void **state)
{
	struct fixture *f = open_fixture(1, 0, NULL);
	uint8_t q[512], a[600];
	struct sockaddr_in from;
	uint16_t id;
	int an;

	(void)state;
	query(f, "web.dns.cgrun", ns_t_a, 0x1234, q);
	serve(f, 0);
	ssize_t n = recv_wait(f->client, a, sizeof(a), &from, 500);

	assert_int_equal(rcode_of(a, n, &id, &an), ns_r_noerror);
	assert_int_equal(id, 0x1234);
	assert_int_equal(an, 1);
	assert_int_equal(memcmp(a + n - 4, "\x0a\x59\x00\x02", 4), 0);
	/* Removed: now forwarded (nothing comes back before upstream answers). */
	cg_dns_responder_remove(f->r, "web");
	query(f, "web", ns_t_a, 0x1235, q);
	serve(f, 0);
	assert_int_equal(recv_wait(f->client, a, sizeof(a), &from, 50), 0);
	assert_true(recv_wait(f->up[0], a, sizeof(a), &from, 500) > 0);
	assert_int_equal(cg_dns_responder_stats(f->r).forwarded, 1);
	close_fixture(f);
}

static ssize_t ask(struct fixture *f, const char *name, uint8_t *a, size_t sz)
{
	uint8_t q[512];
	struct sockaddr_in from;

	query(f, name, ns_t_a, 0x77, q);
	serve(f, 0);
	return recv_wait(f->client, a, sz, &from, 100);
}

static void test_container_names(void **state)
{
	struct fixture *f = open_fixture(0, 0, NULL);
	static const char id[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	cg_err_t err = { 0 };
	uint8_t a[600];
	uint16_t rid;
	int an;

	(void)state;
	assert_int_equal(cg_dns_responder_add_container(f->r, id, "db", "10.89.0.9", &err), 0);
	assert_int_equal(rcode_of(a, ask(f, "db", a, sizeof(a)), &rid, &an), ns_r_noerror);
	assert_int_equal(an, 1);
	assert_int_equal(rcode_of(a, ask(f, "0123456789ab.dns.cgrun", a, sizeof(a)), &rid, &an), ns_r_noerror);
	assert_int_equal(an, 1);
	/* A name DNS cannot carry: the short id still works. */
	assert_int_equal(cg_dns_responder_add_container(f->r, "fedcba9876543210", "a..b", "10.89.0.8", &err), 0);
	assert_int_equal(rcode_of(a, ask(f, "fedcba987654", a, sizeof(a)), &rid, &an), ns_r_noerror);
	assert_int_equal(an, 1);
	assert_true(cg_dns_responder_add_container(f->r, id, "db", "not-an-ip", &err) < 0);
	cg_dns_responder_remove_container(f->r, id, "db");
	/* No upstream: names that are not there get SERVFAIL at once. */
	assert_int_equal(rcode_of(a, ask(f, "db", a, sizeof(a)), &rid, &an), ns_r_servfail);
	assert_int_equal(rcode_of(a, ask(f, "0123456789ab.dns.cgrun", a, sizeof(a)), &rid, &an), ns_r_nxdomain);
	close_fixture(f);
}

static void test_forward_and_relay(void **state)
{
	struct fixture *f = open_fixture(1, 0, NULL);
	uint8_t q[512], up[600], a[600];
	struct sockaddr_in from, rfrom;
	uint16_t id;
	int an;

	(void)state;
	size_t qlen = query(f, "deb.debian.org", ns_t_a, 0xbeef, q);

	serve(f, 0);
	ssize_t n = recv_wait(f->up[0], up, sizeof(up), &from, 500);

	assert_int_equal(n, (ssize_t)qlen);
	/* The same query under another id. */
	assert_int_equal(memcmp(up + 2, q + 2, qlen - 2), 0);
	uint16_t up_id = (uint16_t)(up[0] << 8 | up[1]);

	/* Answers that must be dropped: a wrong id; another question; a
	 * reply from an address that is no upstream (the client's socket). */
	up[2] |= 0x80;
	up[0] ^= 0xff;
	sendto(f->up[0], up, (size_t)n, 0, (struct sockaddr *)&from, sizeof(from));
	up[0] ^= 0xff;
	up[n - 3] = ns_t_aaaa;
	sendto(f->up[0], up, (size_t)n, 0, (struct sockaddr *)&from, sizeof(from));
	up[n - 3] = ns_t_a;
	sendto(f->client, up, (size_t)n, 0, (struct sockaddr *)&from, sizeof(from));
	serve(f, 10);
	assert_int_equal(recv_wait(f->client, a, sizeof(a), &rfrom, 50), 0);
	assert_int_equal(cg_dns_responder_stats(f->r).dropped, 3);
	/* The real one: relayed with the client's id. */
	up[3] = ns_r_nxdomain;
	sendto(f->up[0], up, (size_t)n, 0, (struct sockaddr *)&from, sizeof(from));
	serve(f, 20);
	n = recv_wait(f->client, a, sizeof(a), &rfrom, 500);
	assert_int_equal(rcode_of(a, n, &id, &an), ns_r_nxdomain);
	assert_int_equal(id, 0xbeef);
	assert_int_equal(cg_dns_responder_next_deadline(f->r), -1);
	/* A second copy of the answer finds nothing pending. */
	up[0] = (uint8_t)(up_id >> 8);
	sendto(f->up[0], up, (size_t)n, 0, (struct sockaddr *)&from, sizeof(from));
	serve(f, 30);
	assert_int_equal(recv_wait(f->client, a, sizeof(a), &rfrom, 50), 0);
	close_fixture(f);
}

static void test_retry_then_servfail(void **state)
{
	struct fixture *f = open_fixture(2, 0, NULL);
	uint8_t q[512], up[600], a[600];
	struct sockaddr_in from;
	uint16_t id;
	int an;

	(void)state;
	query(f, "slow.example", ns_t_a, 0x0101, q);
	serve(f, 1000);
	assert_true(recv_wait(f->up[0], up, sizeof(up), &from, 500) > 0);
	assert_int_equal(cg_dns_responder_next_deadline(f->r), 1500);   /* half the time each */
	cg_dns_responder_tick(f->r, 1499);
	assert_int_equal(recv_wait(f->up[1], up, sizeof(up), &from, 50), 0);
	cg_dns_responder_tick(f->r, 1500);
	assert_true(recv_wait(f->up[1], up, sizeof(up), &from, 500) > 0);
	assert_int_equal(cg_dns_responder_next_deadline(f->r), 2000);
	cg_dns_responder_tick(f->r, 1999);
	assert_int_equal(recv_wait(f->client, a, sizeof(a), &from, 50), 0);
	cg_dns_responder_tick(f->r, 2000);
	ssize_t n = recv_wait(f->client, a, sizeof(a), &from, 500);

	assert_int_equal(rcode_of(a, n, &id, &an), ns_r_servfail);
	assert_int_equal(id, 0x0101);
	assert_int_equal(cg_dns_responder_stats(f->r).timeouts, 1);
	assert_int_equal(cg_dns_responder_next_deadline(f->r), -1);
	close_fixture(f);
}

static void test_bounded(void **state)
{
	struct fixture *f = open_fixture(1, 2, NULL);
	uint8_t q[512], a[600];
	struct sockaddr_in from;
	uint16_t id;
	int an;

	(void)state;
	query(f, "a.example", ns_t_a, 1, q);
	query(f, "b.example", ns_t_a, 2, q);
	query(f, "c.example", ns_t_a, 3, q);
	serve(f, 0);
	/* The third finds the table full: SERVFAIL at once. */
	ssize_t n = recv_wait(f->client, a, sizeof(a), &from, 500);

	assert_int_equal(rcode_of(a, n, &id, &an), ns_r_servfail);
	assert_int_equal(id, 3);
	assert_int_equal(cg_dns_responder_stats(f->r).forwarded, 2);
	close_fixture(f);
}

static void test_garbage_and_allow(void **state)
{
	struct fixture *f = open_fixture(1, 0, "10.89.0.0/24");
	uint8_t q[512], a[600], junk[70000];
	struct sockaddr_in from;

	(void)state;
	/* 127.0.0.1 is not in 10.89.0.0/24: no answer even for a name. */
	query(f, "web", ns_t_a, 7, q);
	serve(f, 0);
	assert_int_equal(recv_wait(f->client, a, sizeof(a), &from, 50), 0);
	close_fixture(f);

	f = open_fixture(1, 0, "127.0.0.0/8");
	memset(junk, 0xc0, sizeof(junk));
	for (size_t len = 0; len < 40; len++)
		sendto(f->client, junk, len, 0, (struct sockaddr *)&f->srv, sizeof(f->srv));
	sendto(f->client, junk, 4000, 0, (struct sockaddr *)&f->srv, sizeof(f->srv));
	sendto(f->client, junk, 65000, 0, (struct sockaddr *)&f->srv, sizeof(f->srv));
	for (int i = 0; i < 3; i++)
		serve(f, 0);
	assert_int_equal(recv_wait(f->client, a, sizeof(a), &from, 50), 0);
	/* Still answering. */
	query(f, "web", ns_t_a, 8, q);
	serve(f, 0);
	assert_true(recv_wait(f->client, a, sizeof(a), &from, 500) > 0);
	close_fixture(f);
}

static int tcp_connect(struct fixture *f)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&f->srv, sizeof(f->srv)), 0);
	return fd;
}

static void tcp_query(int fd, const char *name, uint16_t id, uint8_t *q, size_t *qlen)
{
	int n = res_mkquery(ns_o_query, name, ns_c_in, ns_t_a, NULL, 0, NULL, q + 2, 510);

	assert_true(n > 12);
	q[0] = (uint8_t)(n >> 8);
	q[1] = (uint8_t)n;
	q[2] = (uint8_t)(id >> 8);
	q[3] = (uint8_t)id;
	*qlen = (size_t)n;
	assert_int_equal(send(fd, q, (size_t)n + 2, 0), n + 2);
}

/* One length-prefixed answer from fd (0: none, or the connection closed). */
static ssize_t tcp_answer(int fd, uint8_t *buf, size_t sz, int ms)
{
	struct pollfd p = { fd, POLLIN, 0 };
	uint8_t hdr[2];
	size_t n, have = 0;

	if (poll(&p, 1, ms) <= 0 || recv(fd, hdr, 2, MSG_WAITALL) != 2)
		return 0;
	n = (size_t)hdr[0] << 8 | hdr[1];
	assert_true(n <= sz);
	while (have < n) {
		ssize_t k = recv(fd, buf + have, n - have, 0);

		assert_true(k > 0);
		have += (size_t)k;
	}
	return (ssize_t)n;
}

/* Serve until the responder has nothing more to read. */
static void serve_all(struct fixture *f, int64_t now)
{
	for (int i = 0; i < 4; i++)
		serve(f, now);
}

static void test_tcp(void **state)
{
	struct fixture *f = open_fixture(1, 0, NULL);
	uint8_t q[512], up[600], a[600];
	struct sockaddr_in from;
	size_t qlen;
	uint16_t id;
	int an, fd = tcp_connect(f);

	(void)state;
	/* A local name, then a forwarded one, on the same connection. */
	serve_all(f, 0);
	tcp_query(fd, "web", 0x4242, q, &qlen);
	serve_all(f, 0);
	ssize_t n = tcp_answer(fd, a, sizeof(a), 500);

	assert_int_equal(rcode_of(a, n, &id, &an), ns_r_noerror);
	assert_int_equal(id, 0x4242);
	assert_int_equal(an, 1);
	tcp_query(fd, "big.example", 0x4343, q, &qlen);
	serve_all(f, 0);
	n = recv_wait(f->up[0], up, sizeof(up), &from, 500);
	/* Over UDP upstream, with an EDNS record offering 4096 bytes added. */
	assert_int_equal(n, (ssize_t)qlen + 11);
	assert_int_equal(up[11], 1);
	assert_int_equal(up[n - 9], 41);
	up[2] |= 0x80;
	sendto(f->up[0], up, (size_t)n, 0, (struct sockaddr *)&from, sizeof(from));
	serve_all(f, 5);
	n = tcp_answer(fd, a, sizeof(a), 500);
	assert_int_equal(rcode_of(a, n, &id, &an), ns_r_noerror);
	assert_int_equal(id, 0x4343);
	/* A dead upstream: SERVFAIL over TCP at the timeout. */
	tcp_query(fd, "slow.example", 0x4444, q, &qlen);
	serve_all(f, 10);
	cg_dns_responder_tick(f->r, 10 + 1000);
	n = tcp_answer(fd, a, sizeof(a), 500);
	assert_int_equal(rcode_of(a, n, &id, &an), ns_r_servfail);
	assert_int_equal(id, 0x4444);
	/* Idle past its time: closed (recv sees the end). */
	cg_dns_responder_tick(f->r, 10 + 1000 + 10001);
	assert_int_equal(recv(fd, a, sizeof(a), 0), 0);
	close(fd);
	/* An oversized length, and garbage in a frame: closed, no answer. */
	fd = tcp_connect(f);
	serve_all(f, 20000);
	assert_int_equal(send(fd, "\xff\xff", 2, 0), 2);
	serve_all(f, 20000);
	assert_int_equal(recv(fd, a, sizeof(a), 0), 0);
	close(fd);
	fd = tcp_connect(f);
	serve_all(f, 20000);
	assert_int_equal(send(fd, "\x00\x05\xc0\x0c\x00\x01\x00", 7, 0), 7);
	serve_all(f, 20000);
	assert_int_equal(recv(fd, a, sizeof(a), 0), 0);
	close(fd);
	/* More connections than it takes: the extra ones are closed. */
	int many[20];

	for (int i = 0; i < 20; i++) {
		many[i] = tcp_connect(f);
		serve(f, 30000);
	}
	int closed = 0;

	for (int i = 0; i < 20; i++) {
		struct pollfd p = { many[i], POLLIN, 0 };

		if (poll(&p, 1, 50) > 0 && recv(many[i], a, sizeof(a), MSG_DONTWAIT) == 0)
			closed++;
		close(many[i]);
	}
	assert_int_equal(closed, 4);
	close_fixture(f);
}

static void test_open_errors(void **state)
{
	cg_err_t err = { 0 };

	(void)state;
	assert_null(cg_dns_responder_open(&(struct cg_dns_config){ .listen = "nonsense" }, &err));
	assert_non_null(strstr(err.msg, "nonsense"));
	assert_null(cg_dns_responder_open(&(struct cg_dns_config){ .listen = "127.0.0.1#0",
								 .upstreams = (char *[]){ "1.2.3.4#0", NULL } }, &err));
	assert_null(cg_dns_responder_open(&(struct cg_dns_config){ .listen = "127.0.0.1#0", .allow = "10.0.0.0" }, &err));
	/* An address this host does not have. */
	assert_null(cg_dns_responder_open(&(struct cg_dns_config){ .listen = "192.0.2.77#0" }, &err));
	assert_non_null(strstr(err.msg, "bind"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_local_answer),
		cmocka_unit_test(test_container_names),
		cmocka_unit_test(test_forward_and_relay),
		cmocka_unit_test(test_retry_then_servfail),
		cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_garbage_and_allow),
		cmocka_unit_test(test_tcp),
		cmocka_unit_test(test_open_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
