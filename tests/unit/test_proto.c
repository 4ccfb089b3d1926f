/* test_proto.c - framing, request decoding, spec <-> JSON, daemon config. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <json-c/json.h>
#include <cmocka.h>

#include "dconf.h"
#include "proto.h"
#include "record.h"
#include "record.h"
#include "spec.h"

static void test_frame(void **state)
{
	uint8_t buf[16] = { 0, 0, 0, 2, '{', '}' };
	size_t total = 0;
	cg_err_t err = { 0 };

	(void)state;
	assert_int_equal(cg_proto_frame(buf, 3, &total, &err), 0);
	assert_int_equal(cg_proto_frame(buf, 5, &total, &err), 0);
	assert_int_equal(cg_proto_frame(buf, 6, &total, &err), 1);
	assert_int_equal(total, 6);
	buf[3] = 0;
	assert_int_equal(cg_proto_frame(buf, 6, &total, &err), -1);     /* empty */
	buf[0] = 0xff;
	assert_int_equal(cg_proto_frame(buf, 6, &total, &err), -1);     /* over 1 MiB */
}

static void test_encode_roundtrip(void **state)
{
	struct json_object *o = json_object_new_object();
	size_t n, total;
	uint8_t *b;
	struct cg_request req;
	cg_err_t err = { 0 };

	(void)state;
	json_object_object_add(o, "v", json_object_new_int(1));
	json_object_object_add(o, "cmd", json_object_new_string("stop"));
	json_object_object_add(o, "target", json_object_new_string("web"));
	json_object_object_add(o, "timeout", json_object_new_int(3));
	b = cg_proto_encode(o, &n);
	json_object_put(o);
	assert_int_equal(cg_proto_frame(b, n, &total, &err), 1);
	assert_int_equal(total, n);
	assert_int_equal(cg_proto_decode((char *)b + 4, n - 4, &req, &err), 0);
	assert_int_equal(req.cmd, CG_CMD_STOP);
	assert_string_equal(req.target, "web");
	assert_int_equal(req.timeout, 3);
	cg_request_free(&req);
	free(b);
}

static void expect_bad(const char *json)
{
	struct cg_request req;
	cg_err_t err = { 0 };

	if (cg_proto_decode(json, strlen(json), &req, &err) == 0) {
		cg_request_free(&req);
		fail_msg("accepted: %s", json);
	}
	assert_true(err.msg[0] != '\0');
}

/* What the client encodes is what cgrund decodes, field for field. */
static void test_request_encode(void **state)
{
	struct cg_request in = { .cmd = CG_CMD_KILL, .target = "web", .signal = 9, .timeout = -1 };
	struct cg_request out;
	cg_err_t err = { 0 };
	struct json_object *o;
	const char *text;

	(void)state;
	o = cg_request_encode(&in);
	text = json_object_to_json_string(o);
	assert_int_equal(cg_proto_decode(text, strlen(text), &out, &err), 0);
	assert_int_equal(out.cmd, CG_CMD_KILL);
	assert_string_equal(out.target, "web");
	assert_int_equal(out.signal, 9);
	assert_int_equal(out.timeout, -1);
	cg_request_free(&out);
	json_object_put(o);

	in = (struct cg_request){ .cmd = CG_CMD_STOP, .target = "db", .timeout = 0, .all = true };
	o = cg_request_encode(&in);
	text = json_object_to_json_string(o);
	assert_int_equal(cg_proto_decode(text, strlen(text), &out, &err), 0);
	assert_int_equal(out.cmd, CG_CMD_STOP);
	assert_int_equal(out.timeout, 0);
	assert_true(out.all);
	cg_request_free(&out);
	json_object_put(o);

	/* update carries its limits in a spec, as run does. */
	struct json_object *spec = json_object_new_object();

	json_object_object_add(spec, "image", json_object_new_string("-"));
	in = (struct cg_request){ .cmd = CG_CMD_UPDATE, .target = "db", .timeout = -1, .spec = spec };
	o = cg_request_encode(&in);
	json_object_put(spec);
	text = json_object_to_json_string(o);
	assert_int_equal(cg_proto_decode(text, strlen(text), &out, &err), 0);
	assert_int_equal(out.cmd, CG_CMD_UPDATE);
	assert_non_null(out.spec);
	cg_request_free(&out);
	json_object_put(o);
}

/* A listed container crosses the wire whole; a damaged one is refused. */
static void test_container_info(void **state)
{
	struct cg_container_info in = {
		.name = "web", .image = "busybox", .command = "sh -c true", .state = CG_STATE_OOM_KILLED,
		.exit_code = 137, .pid = 42, .created = 1700000000,
	}, out;
	cg_err_t err = { 0 };
	struct json_object *o;

	(void)state;
	memset(in.id, 'a', 64);
	o = cg_container_info_to_json(&in);
	assert_int_equal(cg_container_info_from_json(o, &out, &err), 0);
	assert_string_equal(out.id, in.id);
	assert_string_equal(out.name, "web");
	assert_string_equal(out.image, "busybox");
	assert_string_equal(out.command, "sh -c true");
	assert_int_equal(out.state, CG_STATE_OOM_KILLED);
	assert_int_equal(out.exit_code, 137);
	assert_int_equal(out.pid, 42);
	assert_int_equal(out.created, 1700000000);
	cg_container_info_free(&out);
	json_object_object_add(o, "pid", json_object_new_string("42"));
	assert_int_equal(cg_container_info_from_json(o, &out, &err), -1);
	json_object_object_del(o, "pid");
	json_object_object_add(o, "id", json_object_new_string("short"));
	assert_true(cg_container_info_from_json(o, &out, &err) < 0);
	json_object_put(o);
}

static void test_decode_rejects(void **state)
{
	(void)state;
	expect_bad("");
	expect_bad("{");
	expect_bad("[1,2]");
	expect_bad("{\"v\":1,\"cmd\":\"ps\"} trailing");
	expect_bad("{\"cmd\":\"ps\"}");                               /* no version */
	expect_bad("{\"v\":2,\"cmd\":\"ps\"}");                       /* wrong version */
	expect_bad("{\"v\":\"1\",\"cmd\":\"ps\"}");                   /* wrong type */
	expect_bad("{\"v\":1}");                                      /* no cmd */
	expect_bad("{\"v\":1,\"cmd\":\"format-disk\"}");              /* unknown */
	expect_bad("{\"v\":1,\"cmd\":\"stop\"}");                     /* no target */
	expect_bad("{\"v\":1,\"cmd\":\"stop\",\"target\":5}");
	expect_bad("{\"v\":1,\"cmd\":\"kill\",\"target\":\"a\",\"signal\":99}");
	expect_bad("{\"v\":1,\"cmd\":\"run\"}");                      /* no spec */
	expect_bad("{\"v\":1,\"cmd\":\"run\",\"spec\":[]}");
	expect_bad("{\"v\":1,\"cmd\":\"exec\",\"target\":\"a\",\"argv\":[]}");
	expect_bad("{\"v\":1,\"cmd\":\"exec\",\"target\":\"a\",\"argv\":[1]}");
	expect_bad("{\"v\":1,\"cmd\":\"ps\",\"all\":\"yes\"}");
}

static void test_spec_roundtrip(void **state)
{
	struct cg_spec s, back;
	cg_err_t err = { 0 };
	char *argv[] = { "sh", "-c", "true", NULL };
	struct json_object *o;

	(void)state;
	cg_spec_init(&s);
	s.image = "busybox";
	s.argv = argv;
	s.name = "web";
	s.limits.cpu_quota = 2000;
	s.limits.memory = 64 << 20;
	s.limits.pids_limit = CG_UNLIMITED;
	s.limits.cpuset_cpus = strdup("0-1");
	s.remove = true;
	s.entrypoint = "";
	assert_int_equal(cg_spec_add_env(&s, "A=b", &err), 0);
	assert_int_equal(cg_spec_add_volume(&s, "/tmp:/data:ro", &err), 0);
	o = cg_spec_to_json(&s);
	cg_spec_init(&back);
	assert_int_equal(cg_spec_from_json(o, &back, &err), 0);
	assert_string_equal(back.image, "busybox");
	assert_string_equal(back.argv[2], "true");
	assert_null(back.argv[3]);
	assert_string_equal(back.name, "web");
	assert_int_equal(back.limits.cpu_quota, 2000);
	assert_int_equal(back.limits.memory, 64 << 20);
	assert_int_equal(back.limits.pids_limit, CG_UNLIMITED);
	assert_int_equal(back.limits.cpu_period, CG_UNSET);
	assert_string_equal(back.limits.cpuset_cpus, "0-1");
	assert_true(back.remove);
	assert_non_null(back.entrypoint);      /* "" (no Entrypoint) is not NULL (the image's) */
	assert_string_equal(back.entrypoint, "");
	assert_int_equal(back.nenv, 1);
	assert_string_equal(back.env[0], "A=b");
	assert_int_equal(back.nvolumes, 1);
	assert_true(back.volumes[0].readonly);
	assert_true(back.caps.set == s.caps.set);
	cg_spec_free(&back);
	/* -p: picked (host port 0), given, udp on one address; a bad one refused. */
	assert_int_equal(cgnet_port_parse("80", &s.ports, &err), 0);
	assert_int_equal(cgnet_port_parse("127.0.0.1:5353:53/udp", &s.ports, &err), 0);
	json_object_put(o);
	o = cg_spec_to_json(&s);
	assert_string_equal(json_object_to_json_string_ext(json_object_object_get(o, "ports"), JSON_C_TO_STRING_PLAIN),
			    "[\"0.0.0.0::80\\/tcp\",\"127.0.0.1:5353:53\\/udp\"]");
	assert_int_equal(cg_spec_from_json(o, &back, &err), 0);
	assert_int_equal(back.ports.n, 2);
	assert_int_equal(back.ports.v[0].host_port, 0);
	assert_int_equal(back.ports.v[0].ctr_port, 80);
	assert_int_equal(back.ports.v[1].host_port, 5353);
	assert_int_equal(back.ports.v[1].proto, IPPROTO_UDP);
	assert_int_equal(back.ports.v[1].host_ip.s_addr, htonl(0x7f000001));
	cg_spec_free(&back);
	json_object_array_put_idx(json_object_object_get(o, "ports"), 0, json_object_new_string("80:99999"));
	assert_int_equal(cg_spec_from_json(o, &back, &err), -1);
	cg_spec_free(&back);
	json_object_array_put_idx(json_object_object_get(o, "ports"), 0, json_object_new_string("80"));
	/* Limits are validated as the CLI validates them. */
	json_object_object_add(json_object_object_get(o, "limits"), "cpu_quota", json_object_new_int(10));
	assert_int_equal(cg_spec_from_json(o, &back, &err), -1);
	cg_spec_free(&back);
	json_object_put(o);
	cg_spec_free(&s);
}

static void test_dconf(void **state)
{
	struct cg_dconf c;
	cg_err_t err = { 0 };

	(void)state;
	cg_dconf_defaults(&c);
	assert_string_equal(c.socket_group, "cgrun");
	assert_int_equal(c.stats_interval, 1);
	assert_int_equal(cg_dconf_parse(&c, "# comment\n\n stats_interval = 5 \nlog_driver=journald\n"
					"cgroup_parent = ctr\nsocket_group = ops\nstop_timeout = 3\n", &err), 0);
	assert_int_equal(c.stats_interval, 5);
	assert_string_equal(c.log_driver, "journald");
	assert_string_equal(c.cgroup_parent, "ctr");
	assert_string_equal(c.socket_group, "ops");
	assert_int_equal(c.stop_timeout, 3);
	assert_int_equal(cg_dconf_parse(&c, "colour = blue\n", &err), -1);
	assert_non_null(strstr(err.msg, "line 1"));
	assert_int_equal(cg_dconf_parse(&c, "\nstats_interval = -1\n", &err), -1);
	assert_non_null(strstr(err.msg, "line 2"));
	assert_int_equal(cg_dconf_parse(&c, "cgroup_parent = a/b\n", &err), -1);
	assert_int_equal(cg_dconf_parse(&c, "log_driver = syslog\n", &err), -1);
	assert_int_equal(cg_dconf_parse(&c, "just words\n", &err), -1);
	assert_string_equal(c.cgroup_manager, "auto");
	assert_int_equal(cg_dconf_parse(&c, "cgroup_manager = cgroupfs\n", &err), 0);
	assert_string_equal(c.cgroup_manager, "cgroupfs");
	assert_int_equal(cg_dconf_parse(&c, "cgroup_manager=systemd\n", &err), 0);
	assert_string_equal(c.cgroup_manager, "systemd");
	assert_int_equal(cg_dconf_parse(&c, "cgroup_manager = sysd\n", &err), -1);
	assert_non_null(strstr(err.msg, "auto, systemd or cgroupfs"));
	assert_string_equal(c.userns, "host");
	assert_int_equal(cg_dconf_parse(&c, "userns = auto\n", &err), 0);
	assert_string_equal(c.userns, "auto");
	assert_int_equal(cg_dconf_parse(&c, "\n\nuserns = private\n", &err), -1);
	assert_non_null(strstr(err.msg, "line 3: userns must be auto or host"));
	/* The bridge's subnet: a usable CIDR only. */
	assert_string_equal(c.network_subnet, "10.88.0.0/16");
	assert_int_equal(cg_dconf_parse(&c, "network_subnet = 10.77.0.0/24\n", &err), 0);
	assert_string_equal(c.network_subnet, "10.77.0.0/24");
	assert_int_equal(cg_dconf_parse(&c, "\nnetwork_subnet = 10.77.0.1/24\n", &err), -1);
	assert_non_null(strstr(err.msg, "line 2: network_subnet"));
	assert_int_equal(cg_dconf_parse(&c, "network_subnet = 10.77.0.0\n", &err), -1);
	/* The default network: bridge; none, host or a network's name, never
	 * another container's. */
	assert_string_equal(c.network, "bridge");
	assert_int_equal(cg_dconf_parse(&c, "network = none\n", &err), 0);
	assert_string_equal(c.network, "none");
	assert_int_equal(cg_dconf_parse(&c, "network = backend\n", &err), 0);
	assert_string_equal(c.network, "backend");
	assert_int_equal(cg_dconf_parse(&c, "\nnetwork = container:db\n", &err), -1);
	assert_non_null(strstr(err.msg, "line 2: network must be bridge, none, host or a network's name, not 'container:db'"));
	assert_int_equal(cg_dconf_parse(&c, "network = no/such\n", &err), -1);
	assert_string_equal(c.network, "backend");
}

static void test_restart_and_signals(void **state)
{
	enum cg_restart m;
	int max = -1;
	cg_err_t err = { 0 };

	(void)state;
	assert_int_equal(cg_restart_parse("no", &m, &max, &err), 0);
	assert_int_equal(m, CG_RESTART_NO);
	assert_int_equal(cg_restart_parse("always", &m, &max, &err), 0);
	assert_int_equal(m, CG_RESTART_ALWAYS);
	assert_int_equal(cg_restart_parse("on-failure", &m, &max, &err), 0);
	assert_int_equal(m, CG_RESTART_ON_FAILURE);
	assert_int_equal(max, 0);
	assert_int_equal(cg_restart_parse("on-failure:3", &m, &max, &err), 0);
	assert_int_equal(max, 3);
	assert_int_equal(cg_restart_parse("on-failure:0", &m, &max, &err), -1);
	assert_int_equal(cg_restart_parse("on-failurex", &m, &max, &err), -1);
	assert_int_equal(cg_restart_parse("sometimes", &m, &max, &err), -1);
	assert_int_equal(cg_signal_parse("TERM"), 15);
	assert_int_equal(cg_signal_parse("sigkill"), 9);
	assert_int_equal(cg_signal_parse("HUP"), 1);
	assert_int_equal(cg_signal_parse("10"), 10);
	assert_int_equal(cg_signal_parse("65"), -1);
	assert_int_equal(cg_signal_parse("BOGUS"), -1);
	assert_int_equal(cg_signal_parse("SIGRTMIN+3"), SIGRTMIN + 3);
	assert_int_equal(cg_signal_parse("RTMAX-1"), SIGRTMAX - 1);
	assert_int_equal(cg_signal_parse("RTMIN"), SIGRTMIN);
	assert_int_equal(cg_signal_parse("RTMIN-1"), -1);
	assert_int_equal(cg_signal_parse("RTMIN+99"), -1);
}

static void test_match(void **state)
{
	const char *ids[] = { "abc123", "abd456", "ffff00" };
	const char *names[] = { "web", NULL, "abd" };

	(void)state;
	assert_int_equal(cg_match_container("web", ids, names, 3), 0);
	assert_int_equal(cg_match_container("abc", ids, names, 3), 0);
	assert_int_equal(cg_match_container("ab", ids, names, 3), -2);     /* ambiguous */
	assert_int_equal(cg_match_container("abd", ids, names, 3), 2);     /* a name wins */
	assert_int_equal(cg_match_container("ff", ids, names, 3), 2);
	assert_int_equal(cg_match_container("zz", ids, names, 3), -1);
	assert_int_equal(cg_match_container("", ids, names, 3), -1);
}

/* Decode text; 0 or -1 (req freed by the caller on 0). */
static int decode_str(const char *text, struct cg_request *req, cg_err_t *err)
{
	memset(err, 0, sizeof(*err));
	return cg_proto_decode(text, strlen(text), req, err);
}

static void test_pull_roundtrip(void **state)
{
	struct cg_request in = { .cmd = CG_CMD_PULL, .timeout = -1, .image = "127.0.0.1:5000/test/busybox:oci",
				 .platform = "linux/arm64/v8", .tls_verify = false, .quiet = true, .for_run = true,
				 .creds = true, .policy = "missing", .check = true };
	struct cg_request out;
	struct json_object *o;
	cg_err_t err = { 0 };
	const char *text;

	(void)state;
	o = cg_request_encode(&in);
	text = json_object_to_json_string(o);
	assert_int_equal(cg_proto_decode(text, strlen(text), &out, &err), 0);
	assert_int_equal(out.cmd, CG_CMD_PULL);
	assert_string_equal(cg_cmd_name(out.cmd), "pull");
	assert_string_equal(out.image, in.image);
	assert_string_equal(out.platform, "linux/arm64/v8");
	assert_false(out.tls_verify);
	assert_true(out.quiet);
	assert_true(out.for_run);
	assert_true(out.creds);
	assert_string_equal(out.policy, "missing");
	assert_true(out.check);
	assert_null(out.target);
	cg_request_free(&out);
	json_object_put(o);
	/* The defaults: TLS verified, no platform, progress shown, no creds. */
	in = (struct cg_request){ .cmd = CG_CMD_PULL, .timeout = -1, .image = "busybox", .tls_verify = true };
	o = cg_request_encode(&in);
	text = json_object_to_json_string(o);
	assert_int_equal(cg_proto_decode(text, strlen(text), &out, &err), 0);
	assert_true(out.tls_verify);
	assert_null(out.platform);
	assert_null(out.policy);
	assert_false(out.quiet || out.for_run || out.creds || out.check);
	cg_request_free(&out);
	json_object_put(o);
	assert_int_equal(decode_str("{\"v\":1,\"cmd\":\"pull\",\"image\":\"busybox\"}", &out, &err), 0);
	assert_true(out.tls_verify);
	cg_request_free(&out);
}

static void test_pull_rejects(void **state)
{
	static const char *const bad[] = {
		"{\"v\":1,\"cmd\":\"pull\"}",                                           /* no image */
		"{\"v\":1,\"cmd\":\"pull\",\"image\":\"\"}",
		"{\"v\":1,\"cmd\":\"pull\",\"image\":\"/etc/shadow\"}",                 /* a path */
		"{\"v\":1,\"cmd\":\"pull\",\"image\":\"../../etc\"}",
		"{\"v\":1,\"cmd\":\"pull\",\"image\":\"--authfile-fd=0\"}",             /* an option */
		"{\"v\":1,\"cmd\":\"pull\",\"image\":\"Upper/Case\"}",                  /* not docker's grammar */
		"{\"v\":1,\"cmd\":\"pull\",\"image\":\"a b\"}",
		"{\"v\":1,\"cmd\":\"pull\",\"image\":\"busybox@sha256:abc\"}",          /* short digest */
		"{\"v\":1,\"cmd\":\"pull\",\"image\":7}",                               /* wrong type */
		"{\"v\":1,\"cmd\":\"pull\",\"image\":\"busybox\",\"platform\":\"linux\"}",
		"{\"v\":1,\"cmd\":\"pull\",\"image\":\"busybox\",\"platform\":\"linux/amd64 --x\"}",
		"{\"v\":1,\"cmd\":\"pull\",\"image\":\"busybox\",\"platform\":\"linux//amd64\"}",
		"{\"v\":1,\"cmd\":\"pull\",\"image\":\"busybox\",\"platform\":\"a/b/c/d\"}",
		"{\"v\":1,\"cmd\":\"pull\",\"image\":\"busybox\",\"tls_verify\":\"no\"}",
		"{\"v\":1,\"cmd\":\"pull\",\"image\":\"busybox\",\"creds\":1}",
		"{\"v\":1,\"cmd\":\"pull\",\"image\":\"busybox\",\"policy\":\"never\"}",
		"{\"v\":1,\"cmd\":\"pull\",\"image\":\"busybox\",\"policy\":true}",
		"{\"v\":1,\"cmd\":\"pull\",\"image\":\"busybox\",\"check\":true}",      /* check without policy */
	};
	struct cg_request req;
	cg_err_t err;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		int r = decode_str(bad[i], &req, &err);

		if (r == 0)
			fail_msg("accepted: %s", bad[i]);
		assert_int_equal(r, -1);
		assert_true(err.msg[0] != '\0');
		assert_null(req.root);
	}
	/* A platform of three parts and a reference with a digest are fine. */
	assert_int_equal(decode_str("{\"v\":1,\"cmd\":\"pull\",\"image\":\"quay.io/a/b@sha256:"
				    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\","
				    "\"platform\":\"linux/arm/v7\",\"policy\":\"always\",\"check\":true}", &req, &err), 0);
	assert_true(req.check);
	cg_request_free(&req);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frame),
		cmocka_unit_test(test_pull_roundtrip),
		cmocka_unit_test(test_pull_rejects),
		cmocka_unit_test(test_encode_roundtrip),
		cmocka_unit_test(test_request_encode),
		cmocka_unit_test(test_container_info),
		cmocka_unit_test(test_decode_rejects),
		cmocka_unit_test(test_spec_roundtrip),
		cmocka_unit_test(test_dconf),
		cmocka_unit_test(test_restart_and_signals),
		cmocka_unit_test(test_match),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
