/* test_net.c - IPv4 subnets (src/net/cidr.c), the address allocator and
 * the lease record (ipam.c), lease files (lease.c, in a temp directory)
 * and --network's modes (netmode.c). */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "cidr.h"
#include "ipam.h"
#include "lease.h"
#include "netdef.h"
#include "netmode.h"
#include "netns-joined.h"
#include "proc.h"

#define IP(a, b, c, d) (((uint32_t)(a) << 24) | ((b) << 16) | ((c) << 8) | (d))

static void ip4_parse_strict(void **state)
{
	uint32_t a;
	char buf[CG_IP4_STRLEN];
	cg_err_t err = { 0 };
	const char *bad[] = { "", "10", "10.1", "10.0.0", "10.0.0.256", "10.0.0.1.2", "010.0.0.1",
			      "10.0.0.1 ", " 10.0.0.1", "10..0.1", "a.b.c.d", "1000.0.0.1", "10.0.0.-1" };

	(void)state;
	assert_int_equal(cg_ip4_parse("10.88.0.1", &a, &err), 0);
	assert_int_equal(a, IP(10, 88, 0, 1));
	assert_int_equal(cg_ip4_parse("255.255.255.255", &a, &err), 0);
	assert_int_equal(a, 0xffffffffu);
	assert_int_equal(cg_ip4_parse("0.0.0.0", &a, &err), 0);
	assert_int_equal(a, 0);
	assert_string_equal(cg_ip4_format(IP(192, 168, 10, 254), buf), "192.168.10.254");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&err, 0, sizeof(err));
		assert_int_equal(cg_ip4_parse(bad[i], &a, &err), -EINVAL);
		assert_non_null(strstr(err.msg, "not an IPv4 address"));
	}
}

static void cidr_parse_gateway_broadcast(void **state)
{
	struct cg_cidr c;
	char buf[CG_CIDR_STRLEN];
	cg_err_t err = { 0 };

	(void)state;
	assert_int_equal(cg_cidr_parse("10.88.0.0/16", &c, &err), 0);
	assert_int_equal(c.net, IP(10, 88, 0, 0));
	assert_int_equal(c.prefix, 16);
	assert_int_equal(cg_cidr_gateway(&c), IP(10, 88, 0, 1));
	assert_int_equal(cg_cidr_broadcast(&c), IP(10, 88, 255, 255));
	assert_string_equal(cg_cidr_format(&c, buf), "10.88.0.0/16");
	assert_true(cg_cidr_contains(&c, IP(10, 88, 3, 4)));
	assert_false(cg_cidr_contains(&c, IP(10, 89, 0, 1)));
	assert_int_equal(cg_cidr_parse("192.168.7.9/30", &c, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "host bits"));
	assert_int_equal(cg_cidr_parse("192.168.7.4/30", &c, &err), 0);
	assert_int_equal(cg_cidr_broadcast(&c), IP(192, 168, 7, 7));
	assert_int_equal(cg_cidr_parse("10.0.0.0/31", &c, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "from 8 to 30"));
	assert_int_equal(cg_cidr_parse("10.0.0.0/7", &c, &err), -EINVAL);
	assert_int_equal(cg_cidr_parse("10.0.0.0/", &c, &err), -EINVAL);
	assert_int_equal(cg_cidr_parse("10.0.0.0/016", &c, &err), -EINVAL);
	assert_int_equal(cg_cidr_parse("10.0.0.0/16x", &c, &err), -EINVAL);
	assert_int_equal(cg_cidr_parse("10.0.0.0", &c, &err), -EINVAL);
	assert_int_equal(cg_cidr_parse("10.0.0.0/99999999999", &c, &err), -EINVAL);
}

static void cidr_overlap(void **state)
{
	struct cg_cidr a, b, c;
	cg_err_t err = { 0 };

	(void)state;
	assert_int_equal(cg_cidr_parse("10.88.0.0/16", &a, &err), 0);
	assert_int_equal(cg_cidr_parse("10.88.4.0/24", &b, &err), 0);
	assert_int_equal(cg_cidr_parse("10.89.0.0/16", &c, &err), 0);
	assert_true(cg_cidr_overlap(&a, &b));
	assert_true(cg_cidr_overlap(&b, &a));
	assert_false(cg_cidr_overlap(&a, &c));
	assert_false(cg_cidr_overlap(&b, &c));
	assert_true(cg_cidr_overlap(&a, &a));
}

static void ipam_lowest_free(void **state)
{
	struct cg_cidr c;
	cg_err_t err = { 0 };
	uint32_t used[] = { IP(10, 0, 0, 4), IP(10, 0, 0, 2), IP(10, 0, 0, 3), IP(10, 0, 0, 6) };

	(void)state;
	assert_int_equal(cg_cidr_parse("10.0.0.0/29", &c, &err), 0);
	/* .0 network, .1 gateway, .7 broadcast: .2 to .6 to give. */
	assert_int_equal(cg_ipam_lowest_free(&c, NULL, 0), IP(10, 0, 0, 2));
	assert_int_equal(cg_ipam_lowest_free(&c, used, 4), IP(10, 0, 0, 5));
	assert_int_equal(cg_ipam_lowest_free(&c, used, 1), IP(10, 0, 0, 2));
	uint32_t full[] = { IP(10, 0, 0, 6), IP(10, 0, 0, 5), IP(10, 0, 0, 4), IP(10, 0, 0, 3), IP(10, 0, 0, 2) };
	assert_int_equal(cg_ipam_lowest_free(&c, full, 5), 0);
	/* A released address in the middle is given again first. */
	uint32_t hole[] = { IP(10, 0, 0, 2), IP(10, 0, 0, 4), IP(10, 0, 0, 5) };
	assert_int_equal(cg_ipam_lowest_free(&c, hole, 3), IP(10, 0, 0, 3));
	/* Duplicates and addresses outside do not confuse it. */
	uint32_t odd[] = { IP(10, 0, 0, 2), IP(10, 0, 0, 2), IP(9, 0, 0, 3), IP(10, 0, 0, 3) };
	assert_int_equal(cg_ipam_lowest_free(&c, odd, 4), IP(10, 0, 0, 4));
}

#define ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void lease_record(void **state)
{
	struct cg_lease l = { .addr = IP(10, 88, 0, 2), .id = ID, .pid = 4242, .start = 123456789ULL }, m;
	char buf[CG_LEASE_TEXT_MAX];
	cg_err_t err = { 0 };

	(void)state;
	cg_lease_format(&l, buf);
	assert_string_equal(buf, ID " 4242 123456789\n");
	assert_int_equal(cg_lease_parse("10.88.0.2", buf, &m, &err), 0);
	assert_int_equal(m.addr, l.addr);
	assert_string_equal(m.id, ID);
	assert_int_equal(m.pid, 4242);
	assert_int_equal(m.start, 123456789ULL);
	assert_int_equal(cg_lease_parse("10.88.0.2", ID " 4242 123456789", &m, &err), 0);
	assert_true(cg_lease_parse("10.88.0", buf, &m, &err) < 0);
	assert_true(cg_lease_parse("10.88.0.2", "", &m, &err) < 0);
	assert_true(cg_lease_parse("10.88.0.2", "abc 1 2\n", &m, &err) < 0);
	assert_true(cg_lease_parse("10.88.0.2", ID " 0 2\n", &m, &err) < 0);
	assert_true(cg_lease_parse("10.88.0.2", ID " -5 2\n", &m, &err) < 0);
	assert_true(cg_lease_parse("10.88.0.2", ID " 5\n", &m, &err) < 0);
	assert_true(cg_lease_parse("10.88.0.2", ID " 5 x\n", &m, &err) < 0);
	assert_true(cg_lease_parse("10.88.0.2", ID " 5 7\nmore", &m, &err) < 0);
	assert_true(cg_lease_parse("10.88.0.2", "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef 5 7\n",
				   &m, &err) < 0);
}

static void lease_files(void **state)
{
	char tmpl[] = "/tmp/cgrun-test-lease-XXXXXX";
	char *dir = mkdtemp(tmpl);
	struct cg_cidr c;
	struct cg_lease a = { .id = ID, .pid = 1, .start = 1 }, b = a, d = a, f;
	cg_err_t err = { 0 };
	cleanup_free char *leases = NULL;
	cleanup_free struct cg_lease *v = NULL;
	size_t n;

	(void)state;
	assert_non_null(dir);
	leases = xasprintf("%s/networks/bridge/leases", dir);
	assert_int_equal(cg_cidr_parse("10.0.0.0/30", &c, &err), 0);
	/* A directory that does not exist holds no lease. */
	assert_int_equal(cg_lease_list(leases, &v, &n, &err), 0);
	assert_int_equal(n, 0);
	assert_int_equal(cg_lease_release(leases, ID, &err), 0);
	assert_int_equal(cg_lease_take(leases, &c, &a, &err), 0);
	assert_int_equal(a.addr, IP(10, 0, 0, 2));
	/* A /30 has one address for containers. */
	b.id[0] = 'f';
	assert_int_equal(cg_lease_take(leases, &c, &b, &err), -1);
	assert_int_equal(err.code, ENOSPC);
	assert_int_equal(cg_lease_find(leases, ID, &f, &err), 1);
	assert_int_equal(f.addr, a.addr);
	assert_int_equal(cg_lease_find(leases, b.id, &f, &err), 0);
	assert_int_equal(cg_lease_release(leases, ID, &err), 1);
	assert_int_equal(cg_lease_take(leases, &c, &b, &err), 0);
	assert_int_equal(b.addr, IP(10, 0, 0, 2));
	/* Foreign files in the directory are ignored. */
	assert_int_equal(cg_cidr_parse("10.0.0.0/29", &c, &err), 0);
	{
		cleanup_free char *junk = xasprintf("%s/not-a-lease", leases);

		assert_int_equal(write_new_file(junk, "x", 0644, &err), 0);
	}
	assert_int_equal(cg_lease_take(leases, &c, &d, &err), 0);
	assert_int_equal(d.addr, IP(10, 0, 0, 3));
	assert_int_equal(cg_lease_list(leases, &v, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(rm_rf(dir, &err), 0);
}

static void netmode_parse(void **state)
{
	struct cg_netmode m;
	cg_err_t err = { 0 };

	(void)state;
	assert_int_equal(cg_netmode_parse("none", &m, &err), 0);
	assert_int_equal(m.kind, CG_NET_NONE);
	assert_int_equal(cg_netmode_parse("host", &m, &err), 0);
	assert_int_equal(m.kind, CG_NET_HOST);
	assert_int_equal(cg_netmode_parse("bridge", &m, &err), 0);
	assert_int_equal(m.kind, CG_NET_BRIDGE);
	assert_int_equal(cg_netmode_parse("container:web", &m, &err), 0);
	assert_int_equal(m.kind, CG_NET_CONTAINER);
	assert_string_equal(m.target, "web");
	/* A record from before networks: loopback only, whatever the default. */
	assert_int_equal(cg_netmode_parse(NULL, &m, &err), 0);
	assert_int_equal(m.kind, CG_NET_NONE);
	assert_int_equal(cg_netmode_parse(CG_NETWORK_DEFAULT, &m, &(cg_err_t){ 0 }), 0);
	assert_int_equal(m.kind, CG_NET_BRIDGE);
	assert_int_equal(cg_netmode_parse("container:", &m, &err), -EINVAL);
	assert_int_equal(cg_netmode_parse("Bridge", &m, &err), -EINVAL);
	assert_int_equal(cg_netmode_parse("web-net", &m, &err), 0);
	assert_int_equal(m.kind, CG_NET_USER);
	assert_string_equal(m.target, "web-net");
	assert_int_equal(cg_netmode_parse("default", &m, &err), -EINVAL);
	assert_int_equal(cg_netmode_parse("much-too-long-name", &m, &err), -EINVAL);
	assert_int_equal(cg_netmode_parse("", &m, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "expected none, host, bridge, slirp4netns, container:NAME|ID or a network's name"));
}

static void veth_names_and_macs(void **state)
{
	char name[CG_VETH_NAME_MAX];
	unsigned char mac[6];

	(void)state;
	cg_veth_name(ID, name);
	assert_string_equal(name, "cg0123456789ab");
	assert_true(strlen(name) < 16);
	cg_mac_for(IP(10, 88, 1, 2), mac);
	assert_memory_equal(mac, ((unsigned char[]){ 0x02, 0x42, 10, 88, 1, 2 }), 6);
	char text[CG_MAC_STRLEN];
	assert_string_equal(cg_mac_format(mac, text), "02:42:0a:58:01:02");
}

static void netdef_names_text_and_subnets(void **state)
{
	struct cg_netdef d;
	struct cg_cidr taken[3], out;
	cg_err_t err = { 0 };
	char buf[CG_NETDEF_TEXT_MAX], c[CG_CIDR_STRLEN];

	(void)state;
	assert_true(cg_netdef_name_valid("web"));
	assert_true(cg_netdef_name_valid("a.b_c-9"));
	assert_true(cg_netdef_name_valid("abcdefghijkl"));
	assert_false(cg_netdef_name_valid("abcdefghijklm"));
	assert_false(cg_netdef_name_valid(""));
	assert_false(cg_netdef_name_valid("-web"));
	assert_false(cg_netdef_name_valid("Web"));
	assert_false(cg_netdef_name_valid("a/b"));
	assert_false(cg_netdef_name_valid("bridge"));
	assert_false(cg_netdef_name_valid("host"));
	assert_false(cg_netdef_name_valid("none"));
	assert_int_equal(cg_netdef_parse("web", "10.89.3.0/24 cg-web\n", &d, &err), 0);
	assert_string_equal(d.name, "web");
	assert_string_equal(d.bridge, "cg-web");
	assert_int_equal(d.subnet.net, IP(10, 89, 3, 0));
	cg_netdef_format(&d, buf);
	assert_string_equal(buf, "10.89.3.0/24 cg-web\n");
	assert_true(cg_netdef_parse("web", "10.89.3.0/24\n", &d, &err) < 0);
	assert_true(cg_netdef_parse("web", "10.89.3.1/24 cg-web\n", &d, &err) < 0);
	assert_true(cg_netdef_parse("web", "10.89.3.0/24 cg-web extra\n", &d, &err) < 0);
	assert_true(cg_netdef_parse("web", "10.89.3.0/24 0123456789abcdef\n", &d, &err) < 0);
	assert_true(cg_netdef_parse("Web", "10.89.3.0/24 cg-web\n", &d, &err) < 0);
	/* The first /24 of 10.89 that overlaps nothing taken. */
	assert_int_equal(cg_netdef_pick_subnet(NULL, 0, &out, &err), 0);
	assert_string_equal(cg_cidr_format(&out, c), "10.89.0.0/24");
	assert_int_equal(cg_cidr_parse("10.89.0.0/23", &taken[0], &err), 0);
	assert_int_equal(cg_cidr_parse("10.88.0.0/16", &taken[1], &err), 0);
	assert_int_equal(cg_cidr_parse("10.89.3.0/24", &taken[2], &err), 0);
	assert_int_equal(cg_netdef_pick_subnet(taken, 3, &out, &err), 0);
	assert_string_equal(cg_cidr_format(&out, c), "10.89.2.0/24");
	assert_int_equal(cg_cidr_parse("10.0.0.0/8", &taken[0], &err), 0);
	assert_int_equal(cg_netdef_pick_subnet(taken, 1, &out, &err), -ENOSPC);
}

static void netdef_files(void **state)
{
	char tmpl[] = "/tmp/cgrun-test-netdef-XXXXXX";
	char *dir = mkdtemp(tmpl);
	struct cg_cidr dflt;
	struct cg_netdef a, b, l;
	cleanup_free struct cg_netdef *v = NULL;
	size_t n;
	cg_err_t err = { 0 };

	(void)state;
	assert_non_null(dir);
	assert_int_equal(cg_cidr_parse("10.88.0.0/16", &dflt, &err), 0);
	assert_int_equal(cg_netdef_create(dir, "web", NULL, &dflt, &a, &err), 0);
	assert_int_equal(a.subnet.net, IP(10, 89, 0, 0));
	assert_string_equal(a.bridge, "cg-web");
	assert_int_equal(cg_netdef_create(dir, "db", "192.168.50.0/24", &dflt, &b, &err), 0);
	/* Taken names and overlapping subnets are refused, nothing written. */
	assert_int_equal(cg_netdef_create(dir, "web", "192.168.60.0/24", &dflt, &l, &err), -EEXIST);
	assert_non_null(strstr(err.msg, "network 'web' exists"));
	assert_int_equal(cg_netdef_create(dir, "x", "10.88.5.0/24", &dflt, &l, &err), -EEXIST);
	assert_non_null(strstr(err.msg, "overlaps 10.88.0.0/16 of network bridge"));
	assert_int_equal(cg_netdef_create(dir, "y", "192.168.0.0/16", &dflt, &l, &err), -EEXIST);
	assert_non_null(strstr(err.msg, "of network db"));
	assert_true(cg_netdef_create(dir, "bridge", NULL, &dflt, &l, &err) < 0);
	assert_int_equal(cg_netdef_list(dir, &v, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].name, "db");
	assert_string_equal(v[1].name, "web");
	assert_int_equal(cg_netdef_load(dir, "db", &l, &err), 0);
	assert_int_equal(l.subnet.net, IP(192, 168, 50, 0));
	assert_int_equal(cg_netdef_load(dir, "nosuch", &l, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "no such network 'nosuch'"));
	assert_int_equal(cg_netdef_remove(dir, "db", &err), 0);
	assert_int_equal(cg_netdef_remove(dir, "web", &err), 0);
	assert_int_equal(rmdir(dir), 0);
}

/* A mark per joined init: taken once, for that very process (its start
 * time), and the gc keeps only the marks of live processes. */
static void netns_joined_marks(void **state)
{
	char tmpl[] = "/tmp/cgrun-test-joined-XXXXXX";
	char *dir = mkdtemp(tmpl);
	unsigned long long me = cg_proc_start_time(getpid());
	cleanup_free char *stale = NULL, *junk = NULL, *sub = NULL, *nets = NULL;
	FILE *f;
	cg_err_t err = { 0 };

	(void)state;
	assert_non_null(dir);
	assert_false(cg_netns_take_joined(dir, getpid(), me));
	assert_int_equal(cg_netns_mark_joined(dir, getpid(), &err), 0);
	assert_false(cg_netns_take_joined(dir, getpid(), me + 1));
	assert_true(cg_netns_take_joined(dir, getpid(), me));
	assert_false(cg_netns_take_joined(dir, getpid(), me));
	/* A pid that is not running cannot be joined. */
	assert_int_equal(cg_netns_mark_joined(dir, 0x3ffffff0, &err), -ESRCH);
	/* gc: ours kept; a dead pid's and a stranger's file removed. */
	assert_int_equal(cg_netns_mark_joined(dir, getpid(), &err), 0);
	stale = xasprintf("%s/networks/joined/%d-%llu", dir, getpid(), me + 7);
	junk = xasprintf("%s/networks/joined/junk", dir);
	assert_non_null(f = fopen(stale, "w"));
	fclose(f);
	assert_non_null(f = fopen(junk, "w"));
	fclose(f);
	cg_netns_joined_gc(dir);
	assert_int_equal(access(stale, F_OK), -1);
	assert_int_equal(access(junk, F_OK), -1);
	assert_true(cg_netns_take_joined(dir, getpid(), me));
	sub = xasprintf("%s/networks/joined", dir);
	nets = xasprintf("%s/networks", dir);
	assert_int_equal(rmdir(sub), 0);
	assert_int_equal(rmdir(nets), 0);
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ip4_parse_strict),
		cmocka_unit_test(netns_joined_marks),
		cmocka_unit_test(cidr_parse_gateway_broadcast),
		cmocka_unit_test(cidr_overlap),
		cmocka_unit_test(ipam_lowest_free),
		cmocka_unit_test(lease_record),
		cmocka_unit_test(lease_files),
		cmocka_unit_test(netmode_parse),
		cmocka_unit_test(veth_names_and_macs),
		cmocka_unit_test(netdef_names_text_and_subnets),
		cmocka_unit_test(netdef_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
