/* test_slirp.c - slirp4netns's argv, its API JSON and the record of its
 * process (slirp.c); and --network=slirp4netns's parse (netmode.c). */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <json-c/json.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "netmode.h"
#include "slirp.h"

static void test_argv(void **state)
{
	(void)state;
	struct cg_slirp_args a = {
		.prog = "/usr/bin/slirp4netns", .netns = "/proc/42/ns/net", .api_socket = "s.sock",
		.exit_fd = 3, .ready_fd = 4, .sandbox = true,
	};
	const char *want[] = {
		"/usr/bin/slirp4netns", "--configure", "--mtu=65520", "--disable-host-loopback", "--enable-sandbox",
		"--enable-seccomp", "--api-socket", "s.sock", "--exit-fd=3", "--ready-fd=4", "--netns-type=path",
		"/proc/42/ns/net", "tap0", NULL,
	};
	char **v = cg_slirp_argv(&a);

	for (size_t i = 0; want[i]; i++)
		assert_string_equal(v[i], want[i]);
	assert_int_equal(cg_strv_len(v), ARRAY_SIZE(want) - 1);
	cg_strv_free(v);

	a.sandbox = false;
	v = cg_slirp_argv(&a);
	assert_int_equal(cg_strv_len(v), ARRAY_SIZE(want) - 3);
	for (size_t i = 0; v[i]; i++)
		assert_null(strstr(v[i], "--enable-"));
	cg_strv_free(v);
}

/* The request read back with json-c: every field, and nothing else. */
static void check_request(const struct cgnet_port *p, const char *proto, const char *ip)
{
	char *text = cg_slirp_hostfwd_request(p);
	struct json_object *o = json_tokener_parse(text), *args, *v;

	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "execute", &v));
	assert_string_equal(json_object_get_string(v), "add_hostfwd");
	assert_int_equal(json_object_object_length(o), 2);
	assert_true(json_object_object_get_ex(o, "arguments", &args));
	assert_int_equal(json_object_object_length(args), 4);
	assert_true(json_object_object_get_ex(args, "proto", &v));
	assert_string_equal(json_object_get_string(v), proto);
	assert_true(json_object_object_get_ex(args, "host_addr", &v));
	assert_string_equal(json_object_get_string(v), ip);
	assert_true(json_object_object_get_ex(args, "host_port", &v));
	assert_true(json_object_is_type(v, json_type_int));
	assert_int_equal(json_object_get_int(v), p->host_port);
	assert_true(json_object_object_get_ex(args, "guest_port", &v));
	assert_int_equal(json_object_get_int(v), p->ctr_port);
	json_object_put(o);
	free(text);
}

static void test_hostfwd_request(void **state)
{
	(void)state;
	struct cgnet_port p = { .host_ip = { htonl(INADDR_ANY) }, .host_port = 8080, .ctr_port = 80, .proto = IPPROTO_TCP };

	check_request(&p, "tcp", "0.0.0.0");
	p.proto = IPPROTO_UDP;
	p.host_port = 65535;
	p.ctr_port = 53;
	inet_pton(AF_INET, "192.0.2.1", &p.host_ip);
	check_request(&p, "udp", "192.0.2.1");

	/* The exact text: slirp4netns reads it in one read. */
	char *text = cg_slirp_hostfwd_request(&p);

	assert_string_equal(text, "{\"execute\":\"add_hostfwd\",\"arguments\":{\"proto\":\"udp\",\"host_addr\":\"192.0.2.1\","
				  "\"host_port\":65535,\"guest_port\":53}}");
	free(text);
}

static void test_reply(void **state)
{
	(void)state;
	cg_err_t err = { 0 };

	assert_int_equal(cg_slirp_reply_parse("{\"return\": {\"id\": 1}}", &err), 0);
	assert_int_equal(cg_slirp_reply_parse("{\"return\": {}}\n", &err), 0);

	assert_true(cg_slirp_reply_parse("{\"error\": {\"desc\": \"bad request: add_hostfwd: slirp_add_hostfwd failed\"}}",
					      &err) < 0);
	assert_string_equal(err.msg, "slirp4netns: bad request: add_hostfwd: slirp_add_hostfwd failed");
	memset(&err, 0, sizeof(err));

	static const char *const bad[] = { "", "nonsense", "[1]", "{}", "{\"error\": {}}", "{\"error\": {\"desc\": 3}}" };

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_true(cg_slirp_reply_parse(bad[i], &err) < 0);
		assert_int_equal(err.code, 1);
		assert_non_null(strstr(err.msg, "slirp4netns: "));
		memset(&err, 0, sizeof(err));
	}
}

static void test_record(void **state)
{
	(void)state;
	cg_err_t err = { 0 };
	pid_t pid;
	unsigned long long start;
	char *text = cg_slirp_record_format(4242, 123456789ULL);

	assert_string_equal(text, "4242 123456789\n");
	assert_int_equal(cg_slirp_record_parse(text, &pid, &start, &err), 0);
	assert_int_equal(pid, 4242);
	assert_true(start == 123456789ULL);
	free(text);
	assert_int_equal(cg_slirp_record_parse("7 8", &pid, &start, &err), 0);

	static const char *const bad[] = { "", "12", "0 5\n", "-3 5\n", "12 x", "12 5 7\n", "12 5\n\n" };

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_true(cg_slirp_record_parse(bad[i], &pid, &start, &err) < 0);
		assert_int_equal(err.code, 1);
		memset(&err, 0, sizeof(err));
	}
}

static void test_netmode(void **state)
{
	(void)state;
	struct cg_netmode m;
	cg_err_t err = { 0 };

	assert_int_equal(cg_netmode_parse("slirp4netns", &m, &err), 0);
	assert_int_equal(m.kind, CG_NET_SLIRP);
	assert_null(m.target);
	assert_true(cg_netmode_parse("slirp4netns:port_handler=slirp4netns", &m, &err) < 0);
	assert_string_equal(err.msg, "--network 'slirp4netns:port_handler=slirp4netns': slirp4netns takes no options here");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_argv),          cmocka_unit_test(test_hostfwd_request),
		cmocka_unit_test(test_reply),         cmocka_unit_test(test_record),
		cmocka_unit_test(test_netmode),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
