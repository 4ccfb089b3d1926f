/* test_record_codec.c - config.json <-> struct cg_record (src/lib/record-codec.c):
 * a round trip keeps every field, missing fields take their defaults, and a
 * damaged record is refused rather than half read. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <json-c/json.h>

#include "record-codec.h"

#define ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void test_roundtrip(void **state)
{
	const char *cgroups[] = { "/sys/fs/cgroup/pids/cgrun/x", "/sys/fs/cgroup/unified/cgrun/x", NULL };
	char *argv[] = { "sh", "-c", "exit 3", NULL };
	struct cg_record r, back;
	cg_err_t err = { 0 };

	(void)state;
	cg_record_init(&r);
	cg_record_init(&back);
	memcpy(r.id, ID, sizeof(r.id));
	strcpy(r.hostname, "web");
	r.spec.image = "busybox";
	r.spec.name = "web";
	r.spec.limits.cpu_quota = 2000;
	r.spec.seccomp_path = "/etc/p.json";
	r.spec.seccomp_profile = "{\"defaultAction\": \"SCMP_ACT_ALLOW\"}";
	r.spec.no_new_privs = true;
	r.spec.entrypoint = "/bin/echo";
	r.argv = argv;
	r.state = CG_STATE_OOM_KILLED;
	r.exit_code = 137;
	r.oom_killed = true;
	r.restarts = 2;
	r.created = 1700000000;
	r.started = 1700000001;
	r.finished = 1700000002;
	r.pid = 4242;
	r.pid_start = 123456789ULL;
	r.by_cgrund = true;
	r.owner_pid = 77;
	r.owner_start = 987654321ULL;
	r.cgroup_mode = "hybrid";
	r.cgroup_manager = "cgroupfs";
	r.cgroups = cgroups;
	r.events = cgroups[1];
	r.spec.userns = "auto";
	r.idmap = (struct cg_idmap){ 2000000000u, 3000000000u, 65536 };
	r.spec.network = "bridge";
	r.net = (struct cg_net_attachment){ .addr = 0x0a580003, .gateway = 0x0a580001, .prefix = 16,
					    .mac = { 2, 0x42, 10, 88, 0, 3 }, .host_veth = "cg0123456789ab" };

	/* The JSON is serialised and parsed again, as a file would be. */
	struct json_object *o = cg_record_to_json(&r);
	struct json_object *again = json_tokener_parse(json_object_to_json_string(o));

	json_object_put(o);
	free(r.spec.env);
	assert_int_equal(cg_record_from_json(again, &back, &err), 0);
	assert_string_equal(back.id, ID);
	assert_string_equal(back.hostname, "web");
	assert_string_equal(back.spec.image, "busybox");
	assert_string_equal(back.spec.name, "web");
	assert_string_equal(back.spec.entrypoint, "/bin/echo");
	assert_int_equal(back.spec.limits.cpu_quota, 2000);
	/* The profile's text is kept in the record, not only its file. */
	assert_string_equal(back.spec.seccomp_path, "/etc/p.json");
	assert_string_equal(back.spec.seccomp_profile, "{\"defaultAction\": \"SCMP_ACT_ALLOW\"}");
	assert_true(back.spec.no_new_privs);
	assert_false(back.spec.seccomp_unconfined);
	assert_string_equal(back.argv[2], "exit 3");
	assert_null(back.argv[3]);
	assert_int_equal(back.state, CG_STATE_OOM_KILLED);
	assert_int_equal(back.exit_code, 137);
	assert_true(back.oom_killed);
	assert_int_equal(back.restarts, 2);
	assert_int_equal(back.created, 1700000000);
	assert_int_equal(back.started, 1700000001);
	assert_int_equal(back.finished, 1700000002);
	assert_int_equal(back.pid, 4242);
	assert_true(back.pid_start == 123456789ULL);
	assert_true(back.by_cgrund);
	assert_int_equal(back.owner_pid, 77);
	assert_true(back.owner_start == 987654321ULL);
	assert_string_equal(back.cgroup_mode, "hybrid");
	assert_string_equal(back.cgroup_manager, "cgroupfs");
	assert_string_equal(back.cgroups[0], cgroups[0]);
	assert_string_equal(back.cgroups[1], cgroups[1]);
	assert_null(back.cgroups[2]);
	assert_string_equal(back.events, cgroups[1]);
	assert_null(back.scope);
	assert_string_equal(back.spec.userns, "auto");
	assert_int_equal(back.idmap.uid, 2000000000u);
	assert_int_equal(back.idmap.gid, 3000000000u);
	assert_int_equal(back.idmap.count, 65536);
	assert_string_equal(back.spec.network, "bridge");
	assert_int_equal(back.net.addr, 0x0a580003);
	assert_int_equal(back.net.gateway, 0x0a580001);
	assert_int_equal(back.net.prefix, 16);
	assert_memory_equal(back.net.mac, ((unsigned char[]){ 2, 0x42, 10, 88, 0, 3 }), 6);
	assert_string_equal(back.net.host_veth, "cg0123456789ab");
	cg_record_free(&back);
}

static int decode(const char *text, struct cg_record *r, cg_err_t *err)
{
	struct json_object *o = json_tokener_parse(text);

	assert_non_null(o);
	cg_record_init(r);
	return cg_record_from_json(o, r, err);
}

/* A record's network: absent is none; damaged is refused. */
static void test_network_field(void **state)
{
	struct cg_record r;
	cg_err_t err = { 0 };

	(void)state;
	assert_int_equal(decode("{\"id\": \"" ID "\", \"spec\": {\"image\": \"b\"}}", &r, &err), 0);
	assert_int_equal(r.net.addr, 0);
	assert_null(r.spec.network);
	cg_record_free(&r);
	assert_int_equal(decode("{\"id\": \"" ID "\", \"spec\": {\"image\": \"b\"}, \"network\": "
				"{\"ip_address\": \"10.88.0.2\", \"prefix\": 16, \"gateway\": \"10.88.0.1\", "
				"\"mac_address\": \"02:42:0a:58:00:02\", \"host_veth\": \"cgabc\"}}", &r, &err), 0);
	assert_int_equal(r.net.addr, 0x0a580002);
	cg_record_free(&r);
	assert_int_equal(decode("{\"id\": \"" ID "\", \"spec\": {\"image\": \"b\"}, \"network\": "
				"{\"ip_address\": \"10.88.0.300\", \"prefix\": 16, \"gateway\": \"10.88.0.1\", "
				"\"mac_address\": \"02:42:0a:58:00:02\", \"host_veth\": \"cgabc\"}}", &r, &err), -1);
	cg_record_free(&r);
	assert_int_equal(decode("{\"id\": \"" ID "\", \"spec\": {\"image\": \"b\"}, \"network\": "
				"{\"ip_address\": \"10.88.0.3\", \"prefix\": 16, \"gateway\": \"10.88.0.1\", "
				"\"mac_address\": \"02:42:0a:58:00\", \"host_veth\": \"cgabc\"}}", &r, &err), -1);
	assert_non_null(strstr(err.msg, "network"));
	cg_record_free(&r);
	assert_int_equal(decode("{\"id\": \"" ID "\", \"spec\": {\"image\": \"b\"}, \"network\": 5}", &r, &err), -1);
	cg_record_free(&r);
}

/* Published ports: docker's NetworkSettings.Ports shape, both ways. */
static void test_ports_field(void **state)
{
	struct cg_record r;
	struct cgnet_ports p = { 0 };
	struct json_object *o;
	cg_err_t err = { 0 };

	(void)state;
	assert_int_equal(decode("{\"id\": \"" ID "\", \"spec\": {\"image\": \"b\"}, \"ports\": "
				"{\"80/tcp\": [{\"HostIp\": \"0.0.0.0\", \"HostPort\": \"8080\"}, "
				"{\"HostIp\": \"127.0.0.1\", \"HostPort\": \"8081\"}], "
				"\"53/udp\": [{\"HostIp\": \"0.0.0.0\", \"HostPort\": \"5353\"}]}}", &r, &err), 0);
	assert_int_equal(r.ports.n, 3);
	assert_int_equal(r.ports.v[1].host_port, 8081);
	assert_int_equal(r.ports.v[2].proto, IPPROTO_UDP);
	o = cg_ports_to_json(r.ports.v, r.ports.n);
	assert_string_equal(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
			    "{\"80\\/tcp\":[{\"HostIp\":\"0.0.0.0\",\"HostPort\":\"8080\"},"
			    "{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"8081\"}],"
			    "\"53\\/udp\":[{\"HostIp\":\"0.0.0.0\",\"HostPort\":\"5353\"}]}");
	assert_int_equal(cg_ports_from_json(o, &p, &err), 0);
	assert_int_equal(p.n, 3);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(p.v[i].host_ip.s_addr, r.ports.v[i].host_ip.s_addr);
		assert_int_equal(p.v[i].host_port, r.ports.v[i].host_port);
		assert_int_equal(p.v[i].ctr_port, r.ports.v[i].ctr_port);
		assert_int_equal(p.v[i].proto, r.ports.v[i].proto);
	}
	cgnet_ports_free(&p);
	json_object_put(o);
	cg_record_free(&r);
	assert_int_equal(decode("{\"id\": \"" ID "\", \"spec\": {\"image\": \"b\"}, \"ports\": "
				"{\"eighty/tcp\": [{\"HostIp\": \"0.0.0.0\", \"HostPort\": \"8080\"}]}}", &r, &err), -1);
	assert_non_null(strstr(err.msg, "ports"));
	cg_record_free(&r);
}

static void test_defaults(void **state)
{
	struct cg_record r;
	cg_err_t err = { 0 };

	(void)state;
	/* A record from before most fields: the spec and the id are enough. */
	assert_int_equal(decode("{\"id\":\"" ID "\",\"spec\":{\"image\":\"busybox\"}}", &r, &err), 0);
	assert_int_equal(r.exit_code, -1);
	assert_int_equal(r.state, CG_STATE_EXITED);
	assert_false(r.by_cgrund);
	assert_non_null(r.argv);
	assert_null(r.argv[0]);
	assert_null(r.cgroups);
	assert_null(r.cgroup_manager);
	/* From before --security-opt: the default filter, no no_new_privs. */
	assert_null(r.spec.seccomp_profile);
	assert_false(r.spec.seccomp_unconfined);
	assert_false(r.spec.no_new_privs);
	assert_string_equal(r.hostname, "");
	assert_int_equal(r.idmap.count, 0);
	cg_record_free(&r);
	/* An unknown state holds nothing that runs. */
	assert_int_equal(decode("{\"id\":\"" ID "\",\"spec\":{\"image\":\"b\"},\"state\":\"zombie\"}", &r, &err), 0);
	assert_int_equal(r.state, CG_STATE_EXITED);
	cg_record_free(&r);
}

static void test_damaged(void **state)
{
	static const char *const bad[] = {
		"[]",
		"{\"id\":\"" ID "\"}",
		"{\"spec\":{\"image\":\"b\"}}",
		"{\"id\":\"abc\",\"spec\":{\"image\":\"b\"}}",
		"{\"id\":\"" ID "\",\"spec\":{}}",
		"{\"id\":\"" ID "\",\"spec\":{\"image\":\"b\"},\"pid\":\"12\"}",
		"{\"id\":\"" ID "\",\"spec\":{\"image\":\"b\"},\"pid\":-5}",
		"{\"id\":\"" ID "\",\"spec\":{\"image\":\"b\"},\"state\":5}",
		"{\"id\":\"" ID "\",\"spec\":{\"image\":\"b\"},\"argv\":\"sh\"}",
		"{\"id\":\"" ID "\",\"spec\":{\"image\":\"b\"},\"argv\":[1]}",
		"{\"id\":\"" ID "\",\"spec\":{\"image\":\"b\"},\"oom_killed\":1}",
		"{\"id\":\"" ID "\",\"spec\":{\"image\":\"b\",\"limits\":{\"cpu_quota\":10}}}",
		"{\"id\":\"" ID "\",\"spec\":{\"image\":\"b\"},\"idmap\":5}",
		"{\"id\":\"" ID "\",\"spec\":{\"image\":\"b\"},\"idmap\":{\"uid\":1,\"gid\":1,\"count\":0}}",
		"{\"id\":\"" ID "\",\"spec\":{\"image\":\"b\"},\"idmap\":{\"uid\":4294967295,\"gid\":1,\"count\":2}}",
		"{\"id\":\"" ID "\",\"spec\":{\"image\":\"b\"},\"idmap\":{\"uid\":-1,\"gid\":1,\"count\":2}}",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct cg_record r;
		cg_err_t err = { 0 };

		if (decode(bad[i], &r, &err) == 0)
			fail_msg("accepted a damaged record: %s", bad[i]);
		assert_true(err.msg[0] != '\0');
		cg_record_free(&r);
	}
}

static void test_state_names(void **state)
{
	(void)state;
	for (int s = CG_STATE_CREATED; s <= CG_STATE_OOM_KILLED; s++)
		assert_int_equal(cg_state_from_name(cg_state_name((enum cg_state)s)), s);
	assert_true(cg_state_up(CG_STATE_RUNNING) && cg_state_up(CG_STATE_PAUSED));
	assert_false(cg_state_up(CG_STATE_CREATED) || cg_state_up(CG_STATE_EXITED));
	assert_true(cg_state_ended(CG_STATE_EXITED) && cg_state_ended(CG_STATE_OOM_KILLED));
	assert_false(cg_state_ended(CG_STATE_RUNNING));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_network_field),
		cmocka_unit_test(test_ports_field),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_damaged),
		cmocka_unit_test(test_state_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
