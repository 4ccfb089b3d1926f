/* test_port_spec.c - -p specs (port-spec.c): a table of valid specs and
 * what they become, a table of invalid ones and their messages, and
 * `cgrun port`'s format. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <arpa/inet.h>

#include "port-spec.h"

static const struct {
	const char *spec;
	const char *ip;
	unsigned host, ctr, proto, count;  /* the first port, how many */
} valid[] = {
	{ "80", "0.0.0.0", 0, 80, IPPROTO_TCP, 1 },
	{ "8080:80", "0.0.0.0", 8080, 80, IPPROTO_TCP, 1 },
	{ "8080:80/tcp", "0.0.0.0", 8080, 80, IPPROTO_TCP, 1 },
	{ "5353:53/udp", "0.0.0.0", 5353, 53, IPPROTO_UDP, 1 },
	{ "127.0.0.1:8080:80", "127.0.0.1", 8080, 80, IPPROTO_TCP, 1 },
	{ "192.0.2.1:53:53/udp", "192.0.2.1", 53, 53, IPPROTO_UDP, 1 },
	{ "127.0.0.1::80", "127.0.0.1", 0, 80, IPPROTO_TCP, 1 },
	{ "8000-8002:80-82", "0.0.0.0", 8000, 80, IPPROTO_TCP, 3 },
	{ "80-81/udp", "0.0.0.0", 0, 80, IPPROTO_UDP, 2 },
	{ "65535:1", "0.0.0.0", 65535, 1, IPPROTO_TCP, 1 },
	{ "1-1024", "0.0.0.0", 0, 1, IPPROTO_TCP, 1024 },
};

static const struct {
	const char *spec, *msg;
} invalid[] = {
	{ "", "invalid port spec '': empty (want [IP:][HOSTPORT:]CONTAINERPORT[/tcp|/udp])" },
	{ "0", "invalid port spec '0': container port '0' is not a port (1-65535)" },
	{ "65536", "invalid port spec '65536': container port '65536' is not a port (1-65535)" },
	{ "http", "invalid port spec 'http': container port 'http' is not a port (1-65535)" },
	{ "8080:", "invalid port spec '8080:': container port '' is not a port (1-65535)" },
	{ ":80", "invalid port spec ':80': empty host port" },
	{ "x:80", "invalid port spec 'x:80': host port 'x' is not a port (1-65535)" },
	{ "+80", "invalid port spec '+80': container port '+80' is not a port (1-65535)" },
	{ "80/sctp", "invalid port spec '80/sctp': protocol 'sctp' is not tcp or udp" },
	{ "80/", "invalid port spec '80/': protocol '' is not tcp or udp" },
	{ "1.2.3:80:80", "invalid port spec '1.2.3:80:80': '1.2.3' is not an IPv4 address" },
	{ "[::1]:80:80", "invalid port spec '[::1]:80:80': IPv6 host addresses are not supported" },
	{ "a:b:c:d", "invalid port spec 'a:b:c:d': too many ':' (want [IP:][HOSTPORT:]CONTAINERPORT)" },
	{ "82-80", "invalid port spec '82-80': container port range '82-80' ends before it starts" },
	{ "80-", "invalid port spec '80-': container port '80-' is not a port or a range N-M of ports" },
	{ "8000-8001:80-82", "invalid port spec '8000-8001:80-82': host range has 2 ports, container range 3" },
	{ "1-1025", "invalid port spec '1-1025': more than 1024 ports in one range" },
};

static void test_valid(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		struct cgnet_ports p = { 0 };
		cg_err_t err = { 0 };
		char ip[INET_ADDRSTRLEN];

		if (cgnet_port_parse(valid[i].spec, &p, &err) != 0)
			fail_msg("%s: %s", valid[i].spec, err.msg);
		assert_int_equal(p.n, valid[i].count);
		inet_ntop(AF_INET, &p.v[0].host_ip, ip, sizeof(ip));
		assert_string_equal(ip, valid[i].ip);
		assert_int_equal(p.v[0].host_port, valid[i].host);
		assert_int_equal(p.v[0].ctr_port, valid[i].ctr);
		assert_int_equal(p.v[0].proto, valid[i].proto);
		/* Ranges go port by port, both sides together. */
		assert_int_equal(p.v[p.n - 1].ctr_port, valid[i].ctr + valid[i].count - 1);
		assert_int_equal(p.v[p.n - 1].host_port, valid[i].host ? valid[i].host + valid[i].count - 1 : 0);
		cgnet_ports_free(&p);
	}
}

static void test_invalid(void **state)
{
	struct cgnet_ports p = { 0 };

	(void)state;
	assert_int_equal(cgnet_port_parse("8080:80", &p, NULL), 0);
	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		cg_err_t err = { 0 };

		assert_int_equal(cgnet_port_parse(invalid[i].spec, &p, &err), -1);
		assert_string_equal(err.msg, invalid[i].msg);
		/* What was parsed before is kept as it was. */
		assert_int_equal(p.n, 1);
		assert_int_equal(p.v[0].host_port, 8080);
	}
	cgnet_ports_free(&p);
}

static void test_append_and_format(void **state)
{
	struct cgnet_ports p = { 0 };
	cg_err_t err = { 0 };
	char *s;

	(void)state;
	assert_int_equal(cgnet_port_parse("8080:80", &p, &err), 0);
	assert_int_equal(cgnet_port_parse("127.0.0.1:5353:53/udp", &p, &err), 0);
	assert_int_equal(cgnet_port_parse("8443:443", &p, &err), 0);
	assert_int_equal(p.n, 3);
	s = cgnet_port_format(p.v, p.n, NULL, &err);
	assert_string_equal(s, "80/tcp -> 0.0.0.0:8080\n53/udp -> 127.0.0.1:5353\n443/tcp -> 0.0.0.0:8443\n");
	free(s);
	s = cgnet_port_format(p.v, p.n, "53", &err);
	assert_string_equal(s, "53/udp -> 127.0.0.1:5353\n");
	free(s);
	s = cgnet_port_format(p.v, p.n, "53/tcp", &err);
	assert_string_equal(s, "");
	free(s);
	s = cgnet_port_format(p.v, p.n, "80/tcp", &err);
	assert_string_equal(s, "80/tcp -> 0.0.0.0:8080\n");
	free(s);
	assert_null(cgnet_port_format(p.v, p.n, "eighty", &err));
	assert_string_equal(err.msg, "invalid port 'eighty': want CONTAINERPORT[/tcp|/udp]");
	assert_null(cgnet_port_format(p.v, p.n, "80/icmp", &err));
	assert_string_equal(err.msg, "invalid port '80/icmp': want CONTAINERPORT[/tcp|/udp]");
	s = cgnet_port_format(NULL, 0, NULL, &err);
	assert_string_equal(s, "");
	free(s);
	cgnet_ports_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_append_and_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
