/* test_nft_script.c - the nft scripts of nft-script.c, the reading of the
 * table's JSON listing, reconcile's choice and the forward-drop warning. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <arpa/inet.h>

#include "nft-script.h"

static struct cgnet_fw_net net(const char *br, const char *subnet, unsigned prefix)
{
	struct cgnet_fw_net n = { .bridge = br, .prefix = prefix };

	assert_int_equal(inet_pton(AF_INET, subnet, &n.subnet), 1);
	return n;
}

static void test_setup(void **state)
{
	/* A host address with bits below the prefix: the rule uses the net. */
	struct cgnet_fw_net nets[] = { net("cgrun0", "10.88.0.1", 16), net("br-web", "10.89.3.0", 24) };
	cg_err_t err = { 0 };
	char *s;

	(void)state;
	s = cgnet_nft_setup_script(nets, 2, &err);
	assert_non_null(s);
	assert_string_equal(s,
		"add table inet cgrun\n"
		"add map inet cgrun publish { type inet_proto . inet_service : verdict; }\n"
		"add chain inet cgrun prerouting { type nat hook prerouting priority dstnat; policy accept; }\n"
		"add chain inet cgrun output { type nat hook output priority -100; policy accept; }\n"
		"add chain inet cgrun postrouting { type nat hook postrouting priority srcnat; policy accept; }\n"
		"add chain inet cgrun forward { type filter hook forward priority filter; policy accept; }\n"
		"add chain inet cgrun guard { type filter hook prerouting priority raw; policy accept; }\n"
		"flush chain inet cgrun prerouting\n"
		"flush chain inet cgrun output\n"
		"flush chain inet cgrun postrouting\n"
		"flush chain inet cgrun forward\n"
		"flush chain inet cgrun guard\n"
		"add rule inet cgrun prerouting meta nfproto ipv4 fib daddr type local meta l4proto { tcp, udp } meta l4proto . th dport vmap @publish\n"
		"add rule inet cgrun output meta nfproto ipv4 fib daddr type local meta l4proto { tcp, udp } meta l4proto . th dport vmap @publish\n"
		"add rule inet cgrun postrouting oifname != \"cgrun0\" ip saddr 10.88.0.0/16 masquerade\n"
		"add rule inet cgrun postrouting oifname \"cgrun0\" ip saddr 10.88.0.0/16 ct status dnat masquerade\n"
		"add rule inet cgrun postrouting oifname \"cgrun0\" ip saddr 127.0.0.0/8 masquerade\n"
		"add rule inet cgrun postrouting oifname != \"br-web\" ip saddr 10.89.3.0/24 masquerade\n"
		"add rule inet cgrun postrouting oifname \"br-web\" ip saddr 10.89.3.0/24 ct status dnat masquerade\n"
		"add rule inet cgrun postrouting oifname \"br-web\" ip saddr 127.0.0.0/8 masquerade\n"
		"add rule inet cgrun guard iifname \"cgrun0\" ip daddr 127.0.0.0/8 drop\n"
		"add rule inet cgrun guard iifname \"br-web\" ip daddr 127.0.0.0/8 drop\n"
		"add rule inet cgrun forward oifname \"cgrun0\" ct state established,related accept\n"
		"add rule inet cgrun forward oifname \"cgrun0\" ct status dnat accept\n"
		"add rule inet cgrun forward oifname \"cgrun0\" iifname != \"cgrun0\" drop\n"
		"add rule inet cgrun forward oifname \"br-web\" ct state established,related accept\n"
		"add rule inet cgrun forward oifname \"br-web\" ct status dnat accept\n"
		"add rule inet cgrun forward oifname \"br-web\" iifname != \"br-web\" drop\n"
		"add rule inet cgrun forward iifname \"cgrun0\" accept\n"
		"add rule inet cgrun forward iifname \"br-web\" accept\n");
	free(s);
	/* Bridge names go inside quotes: nothing that could end them. */
	nets[0].bridge = "br\"0";
	assert_null(cgnet_nft_setup_script(nets, 1, &err));
	nets[0].bridge = "averyveryverylongname";
	assert_null(cgnet_nft_setup_script(nets, 1, &err));
	nets[0].bridge = "cgrun0";
	nets[0].prefix = 33;
	assert_null(cgnet_nft_setup_script(nets, 1, &err));
}

static void test_ctr_add(void **state)
{
	struct cgnet_port ports[] = {
		{ .host_port = 8080, .ctr_port = 80, .proto = IPPROTO_TCP },
		{ .host_port = 5353, .ctr_port = 53, .proto = IPPROTO_UDP },
		{ .host_port = 9000, .ctr_port = 9000, .proto = IPPROTO_TCP },
	};
	struct cgnet_fw_ctr c = { .id = "abc123", .ports = ports, .nports = 3 };
	cg_err_t err = { 0 };
	char *s;

	(void)state;
	inet_pton(AF_INET, "10.88.0.2", &c.ip);
	inet_pton(AF_INET, "127.0.0.1", &ports[2].host_ip);
	s = cgnet_nft_ctr_add_script(&c, &err);
	assert_string_equal(s,
		"add chain inet cgrun ctr-abc123\n"
		"flush chain inet cgrun ctr-abc123\n"
		"add rule inet cgrun ctr-abc123 tcp dport 8080 dnat ip to 10.88.0.2:80\n"
		"add rule inet cgrun ctr-abc123 udp dport 5353 dnat ip to 10.88.0.2:53\n"
		"add rule inet cgrun ctr-abc123 ip daddr 127.0.0.1 tcp dport 9000 dnat ip to 10.88.0.2:9000\n"
		"add element inet cgrun publish { tcp . 8080 : jump ctr-abc123 }\n"
		"add element inet cgrun publish { udp . 5353 : jump ctr-abc123 }\n"
		"add element inet cgrun publish { tcp . 9000 : jump ctr-abc123 }\n");
	free(s);
	/* No ports: the chain only (nothing jumps to it). */
	c.nports = 0;
	s = cgnet_nft_ctr_add_script(&c, &err);
	assert_string_equal(s, "add chain inet cgrun ctr-abc123\nflush chain inet cgrun ctr-abc123\n");
	free(s);
	/* Removal knowing the ports: each element added then deleted, a key
	 * two ports share deleted once. */
	ports[2].host_port = 8080;
	s = cgnet_nft_ctr_del_known_script(&c, &err);
	assert_string_equal(s,
		"add chain inet cgrun ctr-abc123\n"
		"flush chain inet cgrun ctr-abc123\n"
		"delete chain inet cgrun ctr-abc123\n");
	free(s);
	c.nports = 3;
	s = cgnet_nft_ctr_del_known_script(&c, &err);
	assert_string_equal(s,
		"add chain inet cgrun ctr-abc123\n"
		"add element inet cgrun publish { tcp . 8080 : jump ctr-abc123 }\n"
		"add element inet cgrun publish { udp . 5353 : jump ctr-abc123 }\n"
		"add element inet cgrun publish { tcp . 8080 : jump ctr-abc123 }\n"
		"delete element inet cgrun publish { tcp . 8080 }\n"
		"delete element inet cgrun publish { udp . 5353 }\n"
		"flush chain inet cgrun ctr-abc123\n"
		"delete chain inet cgrun ctr-abc123\n");
	free(s);
	ports[2].host_port = 9000;
	ports[1].host_port = 0;
	assert_null(cgnet_nft_ctr_add_script(&c, &err));
	assert_string_equal(err.msg, "container abc123: port 1 has no host port chosen");
	ports[1].host_port = 5353;
	c.id = "a b";
	assert_null(cgnet_nft_ctr_add_script(&c, &err));
	assert_string_equal(err.msg, "container id 'a b' cannot name an nft chain");
	c.id = "";
	assert_null(cgnet_nft_ctr_add_script(&c, &err));
}

/* What `nft -j list table inet cgrun` says (nft 1.0.6), shortened. */
static const char listing[] =
	"{\"nftables\": [{\"metainfo\": {\"version\": \"1.0.6\", \"json_schema_version\": 1}},"
	"{\"table\": {\"family\": \"inet\", \"name\": \"cgrun\", \"handle\": 1}},"
	"{\"map\": {\"family\": \"inet\", \"name\": \"publish\", \"table\": \"cgrun\","
	" \"type\": [\"inet_proto\", \"inet_service\"], \"handle\": 1, \"map\": \"verdict\", \"elem\": ["
	"[{\"concat\": [\"tcp\", 8080]}, {\"jump\": {\"target\": \"ctr-aaa\"}}],"
	"[{\"concat\": [\"udp\", 5353]}, {\"jump\": {\"target\": \"ctr-aaa\"}}],"
	"[{\"concat\": [\"tcp\", 9090]}, {\"jump\": {\"target\": \"ctr-bbb\"}}]]}},"
	"{\"chain\": {\"family\": \"inet\", \"table\": \"cgrun\", \"name\": \"prerouting\", \"handle\": 2,"
	" \"type\": \"nat\", \"hook\": \"prerouting\", \"prio\": -100, \"policy\": \"accept\"}},"
	"{\"chain\": {\"family\": \"inet\", \"table\": \"cgrun\", \"name\": \"ctr-aaa\", \"handle\": 7}},"
	"{\"chain\": {\"family\": \"inet\", \"table\": \"cgrun\", \"name\": \"ctr-bbb\", \"handle\": 8}},"
	"{\"chain\": {\"family\": \"inet\", \"table\": \"cgrun\", \"name\": \"ctr-ccc\", \"handle\": 9}},"
	"{\"rule\": {\"family\": \"inet\", \"table\": \"cgrun\", \"chain\": \"ctr-aaa\", \"handle\": 10,"
	" \"expr\": []}}]}";

static void test_state_and_del(void **state)
{
	struct cgnet_nft_state st;
	cg_err_t err = { 0 };
	const char *stale[4];
	const char *live[] = { "bbb" }, *del[] = { "aaa", "nosuch", "ccc" };
	char *s;

	(void)state;
	assert_int_equal(cgnet_nft_parse_state(listing, &st, &err), 0);
	assert_true(st.present);
	assert_int_equal(st.nchains, 3);
	assert_string_equal(st.chains[2], "ctr-ccc");
	assert_int_equal(st.nelems, 3);
	assert_int_equal(st.elems[1].proto, IPPROTO_UDP);
	assert_int_equal(st.elems[1].port, 5353);
	assert_string_equal(st.elems[2].target, "ctr-bbb");

	assert_int_equal(cgnet_nft_stale(&st, live, 1, stale), 2);
	assert_string_equal(stale[0], "aaa");
	assert_string_equal(stale[1], "ccc");
	assert_int_equal(cgnet_nft_stale(&st, NULL, 0, stale), 3);

	s = cgnet_nft_ctr_del_script(&st, del, 3);
	assert_string_equal(s,
		"delete element inet cgrun publish { tcp . 8080 }\n"
		"delete element inet cgrun publish { udp . 5353 }\n"
		"flush chain inet cgrun ctr-aaa\n"
		"delete chain inet cgrun ctr-aaa\n"
		"flush chain inet cgrun ctr-ccc\n"
		"delete chain inet cgrun ctr-ccc\n");
	free(s);
	s = cgnet_nft_ctr_del_script(&st, del + 1, 1);
	assert_string_equal(s, "");
	free(s);
	cgnet_nft_state_free(&st);

	/* No table, an empty listing, garbage. */
	assert_int_equal(cgnet_nft_parse_state("", &st, &err), 0);
	assert_false(st.present);
	assert_int_equal(st.nchains, 0);
	assert_int_equal(cgnet_nft_parse_state("{\"nftables\": []}", &st, &err), 0);
	/* Odd shapes are skipped, not trusted. */
	assert_int_equal(cgnet_nft_parse_state("{\"nftables\": [{\"map\": {\"name\": \"publish\", \"elem\": 3}},"
					       "{\"map\": {\"name\": \"publish\", \"elem\": [[{\"concat\": 1}, {}], 7]}},"
					       "{\"chain\": {\"name\": 5}}]}", &st, &err), 0);
	assert_int_equal(st.nelems, 0);
	assert_int_equal(st.nchains, 0);
	cgnet_nft_state_free(&st);
	assert_int_equal(cgnet_nft_parse_state("[1,2", &st, &err), -1);
	assert_string_equal(err.msg, "nft listing of table inet cgrun: not the JSON expected");
	s = cgnet_nft_teardown_script();
	assert_string_equal(s, "add table inet cgrun\ndelete table inet cgrun\n");
	free(s);
}

static void test_forward_warning(void **state)
{
	struct cgnet_fw_net nets[] = { net("cgrun0", "10.88.0.0", 16) };
	const char *docker =
		"{\"nftables\": [{\"metainfo\": {}},"
		"{\"chain\": {\"family\": \"ip\", \"table\": \"filter\", \"name\": \"FORWARD\", \"handle\": 1,"
		" \"type\": \"filter\", \"hook\": \"forward\", \"prio\": 0, \"policy\": \"drop\"}},"
		"{\"chain\": {\"family\": \"ip\", \"table\": \"filter\", \"name\": \"DOCKER-USER\", \"handle\": 2}}]}";
	const char *fine =
		"{\"nftables\": [{\"chain\": {\"family\": \"ip\", \"table\": \"filter\", \"name\": \"FORWARD\","
		" \"hook\": \"forward\", \"policy\": \"accept\"}},"
		"{\"chain\": {\"family\": \"inet\", \"table\": \"cgrun\", \"name\": \"forward\","
		" \"hook\": \"forward\", \"policy\": \"drop\"}},"
		"{\"chain\": {\"family\": \"ip6\", \"table\": \"filter\", \"name\": \"FORWARD\","
		" \"hook\": \"forward\", \"policy\": \"drop\"}},"
		"{\"chain\": {\"family\": \"inet\", \"table\": \"fw\", \"name\": \"input\","
		" \"hook\": \"input\", \"policy\": \"drop\"}}]}";
	char *w;

	(void)state;
	w = cgnet_nft_forward_warning(docker, nets, 1);
	assert_non_null(w);
	assert_string_equal(w,
		"the forward chain 'ip filter FORWARD' has policy drop, so it drops the forwarded traffic of "
		"network bridge cgrun0 whatever cgrun's own table accepts (docker sets this policy); to let it "
		"through, add: nft insert rule ip filter FORWARD iifname cgrun0 accept; "
		"nft insert rule ip filter FORWARD oifname cgrun0 accept (with docker, in its DOCKER-USER chain "
		"instead: iptables -I DOCKER-USER -i cgrun0 -j ACCEPT; iptables -I DOCKER-USER -o cgrun0 -j ACCEPT)");
	free(w);
	assert_null(cgnet_nft_forward_warning(fine, nets, 1));
	assert_null(cgnet_nft_forward_warning("not json", nets, 1));
	assert_null(cgnet_nft_forward_warning(NULL, nets, 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_setup),
		cmocka_unit_test(test_ctr_add),
		cmocka_unit_test(test_state_and_del),
		cmocka_unit_test(test_forward_warning),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
