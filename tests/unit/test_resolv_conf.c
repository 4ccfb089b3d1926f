/* test_resolv_conf.c - a container's resolv.conf and hosts, and the
 * checks of --dns, --dns-search, --dns-option, --add-host, --hostname
 * (src/net/resolv-conf.c, hosts-file.c). Tables of cases. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <json-c/json.h>

#include "container.h"
#include "hosts-file.h"
#include "proto.h"
#include "resolv-conf.h"
#include "spec.h"

#define V(...) ((char *const[]){ __VA_ARGS__, NULL })

static const char resolved_stub[] = "# This is /run/systemd/resolve/stub-resolv.conf\n"
				    "nameserver 127.0.0.53\n"
				    "options edns0 trust-ad\n"
				    "search lan\n";
static const char resolved_up[] = "# This is /run/systemd/resolve/resolv.conf\n"
				  "nameserver 192.168.1.1\n"
				  "nameserver fd00::1\n"
				  "nameserver 9.9.9.9\n"
				  "search lan corp.example\n";

static const struct {
	const char *what;
	struct cg_resolv_in in;
	const char *want;
} resolv_cases[] = {
	{ "host file as it is",
	  { .host = "domain example.com\nnameserver 10.0.0.2\nnameserver 10.0.0.3\noptions ndots:2 rotate\n" },
	  "search example.com\nnameserver 10.0.0.2\nnameserver 10.0.0.3\noptions ndots:2 rotate\n" },
	{ "comments, blanks, tabs and unknown lines go",
	  { .host = "# hi\n\n; there\nnameserver\t10.0.0.2  # the router\nsortlist 10.0.0.0/8\n  \r\n" },
	  "nameserver 10.0.0.2\n" },
	{ "the last of search and domain wins, options add up",
	  { .host = "search a.example b.example\ndomain c.example\noptions ndots:3\noptions timeout:1\nnameserver 1.1.1.1\n" },
	  "search c.example\nnameserver 1.1.1.1\noptions ndots:3 timeout:1\n" },
	{ "systemd-resolved's stub: its upstream servers instead (IPv6 left out)",
	  { .host = resolved_stub, .resolved = resolved_up },
	  "search lan\nnameserver 192.168.1.1\nnameserver 9.9.9.9\noptions edns0 trust-ad\n" },
	{ "127.0.0.54 too; the stub's missing search list comes from resolved's",
	  { .host = "nameserver 127.0.0.54\n", .resolved = resolved_up },
	  "search lan corp.example\nnameserver 192.168.1.1\nnameserver 9.9.9.9\n" },
	{ "a stub and no resolved file: docker's fallback",
	  { .host = "nameserver 127.0.0.53\nsearch lan\n" },
	  "search lan\nnameserver 8.8.8.8\nnameserver 8.8.4.4\n" },
	{ "any 127.x is a stub; usable servers beside it stay",
	  { .host = "nameserver 127.1.2.3\nnameserver 10.0.0.9\n", .resolved = "nameserver 10.0.0.8\n" },
	  "nameserver 10.0.0.9\nnameserver 10.0.0.8\n" },
	{ "resolved's file names only loopback or IPv6: fallback",
	  { .host = "nameserver 127.0.0.53\n", .resolved = "nameserver 127.0.0.1\nnameserver ::1\n" },
	  "nameserver 8.8.8.8\nnameserver 8.8.4.4\n" },
	{ "no host file at all", { .host = NULL }, "nameserver 8.8.8.8\nnameserver 8.8.4.4\n" },
	{ "IPv6 only host", { .host = "nameserver 2001:db8::53\n" }, "nameserver 8.8.8.8\nnameserver 8.8.4.4\n" },
	{ "resolved's file is ignored without a stub in the host's",
	  { .host = "nameserver 10.0.0.2\n", .resolved = resolved_up }, "nameserver 10.0.0.2\n" },
	{ "--dns replaces the servers, keeps search and options (IPv6 as given)",
	  { .host = "search lan\nnameserver 10.0.0.2\noptions ndots:2\n", .dns = V("1.1.1.1", "2001:db8::1") },
	  "search lan\nnameserver 1.1.1.1\nnameserver 2001:db8::1\noptions ndots:2\n" },
	{ "--dns-search and --dns-option replace the host's",
	  { .host = "search lan\nnameserver 10.0.0.2\noptions ndots:2\n", .search = V("a.example", "b.example"),
	    .options = V("rotate", "timeout:1") },
	  "search a.example b.example\nnameserver 10.0.0.2\noptions rotate timeout:1\n" },
	{ "--dns-search=. removes the search list",
	  { .host = "search lan\nnameserver 10.0.0.2\n", .search = V(".") }, "nameserver 10.0.0.2\n" },
	{ "'.' among other domains is left out",
	  { .host = "search lan\nnameserver 10.0.0.2\n", .search = V("a.test", ".", "b.test") },
	  "search a.test b.test\nnameserver 10.0.0.2\n" },
	{ "user network: its gateway, its domain first",
	  { .host = "search lan\nnameserver 127.0.0.53\noptions edns0\n", .resolved = resolved_up, .gateway = "10.89.0.1" },
	  "search dns.cgrun lan\nnameserver 10.89.0.1\noptions edns0\n" },
	{ "user network with --dns: the given servers, no responder domain",
	  { .host = "search lan\nnameserver 10.0.0.2\n", .gateway = "10.89.0.1", .dns = V("9.9.9.9") },
	  "search lan\nnameserver 9.9.9.9\n" },
	{ "user network with --dns-search",
	  { .host = "nameserver 10.0.0.2\n", .gateway = "10.89.0.1", .search = V("x.example") },
	  "search x.example\nnameserver 10.89.0.1\n" },
	{ "slirp4netns: its forwarder alone, the host's search and options",
	  { .host = "search lan\nnameserver 127.0.0.53\noptions edns0\n", .resolved = resolved_up, .forwarder = "10.0.2.3" },
	  "search lan\nnameserver 10.0.2.3\noptions edns0\n" },
	{ "slirp4netns with --dns: the given servers",
	  { .host = "nameserver 10.0.0.2\n", .forwarder = "10.0.2.3", .dns = V("9.9.9.9") }, "nameserver 9.9.9.9\n" },
	{ "host network: the host's servers as they are, stub and IPv6 included",
	  { .host = "nameserver 127.0.0.53\nnameserver 2001:db8::53\noptions edns0\n", .resolved = resolved_up, .host_net = true },
	  "nameserver 127.0.0.53\nnameserver 2001:db8::53\noptions edns0\n" },
	{ "host network without servers: the fallback",
	  { .host = "search lan\n", .host_net = true }, "search lan\nnameserver 8.8.8.8\nnameserver 8.8.4.4\n" },
	{ "host network with --dns",
	  { .host = "nameserver 127.0.0.53\n", .host_net = true, .dns = V("192.0.2.1") }, "nameserver 192.0.2.1\n" },
	{ "no trailing newline, CRLF",
	  { .host = "nameserver 10.0.0.2\r\nsearch lan" }, "search lan\nnameserver 10.0.0.2\n" },
};

static void test_resolv_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(resolv_cases); i++) {
		char *got = cg_resolv_conf(&resolv_cases[i].in);

		if (strcmp(got, resolv_cases[i].want))
			fail_msg("%s:\n--- want\n%s--- got\n%s", resolv_cases[i].what, resolv_cases[i].want, got);
		free(got);
	}
}

static void test_nameservers(void **state)
{
	char **v = cg_resolv_nameservers("nameserver 1.2.3.4\n#nameserver 5.6.7.8\nnameserver ::1\nnameserver\n");

	(void)state;
	assert_int_equal(cg_strv_len(v), 2);
	assert_string_equal(v[0], "1.2.3.4");
	assert_string_equal(v[1], "::1");
	cg_strv_free(v);
	assert_null(cg_resolv_nameservers(""));
	/* The responder's upstreams: the host's as they are (stub included:
	 * the responder runs in the host's namespace), else resolved's, else
	 * the fallback. */
	static const struct { const char *host, *resolved, *want; } up[] = {
		{ "nameserver 127.0.0.53\nnameserver ::1\n", "nameserver 192.0.2.1\n", "127.0.0.53 ::1" },
		{ "search lan\n", "nameserver 192.0.2.1\n", "192.0.2.1" },
		{ NULL, NULL, "8.8.8.8 8.8.4.4" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(up); i++) {
		char **u = cg_resolv_upstreams(up[i].host, up[i].resolved);
		char got[128] = "";

		for (size_t k = 0; u[k]; k++)
			snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s", k ? " " : "", u[k]);
		assert_string_equal(got, up[i].want);
		cg_strv_free(u);
	}
	assert_true(cg_resolv_usable_server("10.0.0.1"));
	assert_false(cg_resolv_usable_server("127.0.0.53"));
	assert_false(cg_resolv_usable_server("::1"));
	assert_false(cg_resolv_usable_server("nonsense"));
}

static const struct {
	const char *what;
	struct cg_hosts_in in;
	const char *tail;   /* after the fixed localhost lines */
} hosts_cases[] = {
	{ "no address: the host name on loopback", { .hostname = "box" }, "127.0.0.1\tbox\n" },
	{ "its address", { .hostname = "web", .ip = "10.88.0.5" }, "10.88.0.5\tweb\n" },
	{ "--add-host entries before its own",
	  { .hostname = "web", .ip = "10.88.0.5", .add_hosts = V("db:10.0.0.7", "v6.example:2001:db8::7") },
	  "10.0.0.7\tdb\n2001:db8::7\tv6.example\n10.88.0.5\tweb\n" },
};

static void test_hosts_table(void **state)
{
	static const char head[] = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
				   "fe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\n"
				   "ff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n";

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(hosts_cases); i++) {
		char *got = cg_hosts_file(&hosts_cases[i].in);
		char *want = xasprintf("%s%s", head, hosts_cases[i].tail);

		if (strcmp(got, want))
			fail_msg("%s:\n--- want\n%s--- got\n%s", hosts_cases[i].what, want, got);
		free(got);
		free(want);
	}
}

static const struct {
	const char *s;
	bool ok;
} hostname_cases[] = {
	{ "box", true }, { "my-box.example", true }, { "a_b", true }, { "x1", true }, { "0abc", true },
	{ "", false }, { "-box", false }, { "box-", false }, { "a..b", false }, { ".a", false }, { "a.", false },
	{ "a b", false }, { "a\nb", false }, { "a/b", false }, { "a\tb", false }, { "ä", false },
	{ "a:b", false }, { "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", true },   /* 63 */
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false },  /* 64 */
};

static void test_hostname_valid(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(hostname_cases); i++)
		if (cg_hostname_valid(hostname_cases[i].s, 0) != hostname_cases[i].ok)
			fail_msg("'%s': want %s", hostname_cases[i].s, hostname_cases[i].ok ? "valid" : "invalid");
	/* --hostname's bound is the kernel's, 64. */
	assert_true(cg_hostname_valid("a.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", 64));
	assert_false(cg_hostname_valid("ab.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", 64));
}

static const struct {
	const char *s, *name, *ip;   /* name NULL: refused */
} add_host_cases[] = {
	{ "db:10.0.0.7", "db", "10.0.0.7" },
	{ "db.example:2001:db8::7", "db.example", "2001:db8::7" },
	{ "db:::1", "db", "::1" },
	{ "db", NULL, NULL }, { ":10.0.0.7", NULL, NULL }, { "db:", NULL, NULL }, { "db:10.0.0", NULL, NULL },
	{ "db:10.0.0.7 evil", NULL, NULL }, { "d b:10.0.0.7", NULL, NULL }, { "db:host-gateway", NULL, NULL },
	{ "db=10.0.0.7", NULL, NULL }, { "db:[::1]", NULL, NULL },
};

static void test_add_host(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(add_host_cases); i++) {
		cg_err_t err = { 0 };
		char *name = NULL, *ip = NULL;
		int r = cg_add_host_parse(add_host_cases[i].s, &name, &ip, &err);

		if (add_host_cases[i].name == NULL) {
			if (r == 0)
				fail_msg("'%s' accepted", add_host_cases[i].s);
			assert_non_null(strstr(err.msg, "--add-host"));
			assert_null(name);
			continue;
		}
		if (r < 0)
			fail_msg("'%s' refused: %s", add_host_cases[i].s, err.msg);
		assert_string_equal(name, add_host_cases[i].name);
		assert_string_equal(ip, add_host_cases[i].ip);
		free(name);
		free(ip);
	}
}

static const struct {
	enum cg_dns_opt which;
	const char *v;
	bool ok;
} opt_cases[] = {
	{ CG_DNS_SERVER, "1.1.1.1", true }, { CG_DNS_SERVER, "2001:db8::1", true },
	{ CG_DNS_SERVER, "1.1.1", false }, { CG_DNS_SERVER, "dns.example", false }, { CG_DNS_SERVER, "", false },
	{ CG_DNS_SERVER, "1.1.1.1\nnameserver 6.6.6.6", false },
	{ CG_DNS_SEARCH, "example.com", true }, { CG_DNS_SEARCH, ".", true },
	{ CG_DNS_SEARCH, "a b", false }, { CG_DNS_SEARCH, "", false }, { CG_DNS_SEARCH, "x\noptions debug", false },
	{ CG_DNS_OPTION, "ndots:2", true }, { CG_DNS_OPTION, "rotate", true },
	{ CG_DNS_OPTION, "", false }, { CG_DNS_OPTION, "a b", false }, { CG_DNS_OPTION, "a\nnameserver", false },
	{ CG_DNS_OPTION, "#x", false },
	{ CG_ADD_HOST, "db:10.0.0.7", true }, { CG_ADD_HOST, "db", false },
};

static void test_spec_add_dns(void **state)
{
	struct cg_spec s;

	(void)state;
	cg_spec_init(&s);
	for (size_t i = 0; i < ARRAY_SIZE(opt_cases); i++) {
		cg_err_t err = { 0 };

		if ((cg_spec_add_dns(&s, opt_cases[i].which, opt_cases[i].v, &err) == 0) != opt_cases[i].ok)
			fail_msg("'%s': want %s (%s)", opt_cases[i].v, opt_cases[i].ok ? "accepted" : "refused", err.msg);
		/* One line, whatever the value holds. */
		assert_null(strchr(err.msg, '\n'));
	}
	assert_int_equal(cg_strv_len(s.dns), 2);
	assert_int_equal(cg_strv_len(s.dns_search), 2);
	assert_int_equal(cg_strv_len(s.dns_options), 2);
	assert_int_equal(cg_strv_len(s.add_hosts), 1);
	/* Bounded: the 65th is refused. */
	for (int i = 0; i < 62; i++)
		assert_int_equal(cg_spec_add_dns(&s, CG_DNS_SERVER, "10.0.0.1", &(cg_err_t){ 0 }), 0);
	assert_int_equal(cg_spec_add_dns(&s, CG_DNS_SERVER, "10.0.0.1", &(cg_err_t){ 0 }), -1);
	cg_spec_free(&s);
}

/* The spec's arrays through the wire's and the record's JSON and back;
 * a bad entry in the JSON is refused as the CLI refuses it. */
static void test_spec_json(void **state)
{
	struct cg_spec s, back;
	struct json_object *o;
	cg_err_t err = { 0 };

	(void)state;
	cg_spec_init(&s);
	cg_spec_init(&back);
	s.image = "busybox";
	assert_int_equal(cg_spec_add_dns(&s, CG_DNS_SERVER, "192.0.2.1", &err), 0);
	assert_int_equal(cg_spec_add_dns(&s, CG_DNS_SERVER, "192.0.2.2", &err), 0);
	assert_int_equal(cg_spec_add_dns(&s, CG_DNS_SEARCH, "a.test", &err), 0);
	assert_int_equal(cg_spec_add_dns(&s, CG_DNS_OPTION, "ndots:3", &err), 0);
	assert_int_equal(cg_spec_add_dns(&s, CG_ADD_HOST, "db:192.0.2.9", &err), 0);
	o = cg_spec_to_json(&s);
	assert_int_equal(cg_spec_from_json(o, &back, &err), 0);
	assert_int_equal(cg_strv_len(back.dns), 2);
	assert_string_equal(back.dns[1], "192.0.2.2");
	assert_string_equal(back.dns_search[0], "a.test");
	assert_string_equal(back.dns_options[0], "ndots:3");
	assert_string_equal(back.add_hosts[0], "db:192.0.2.9");
	json_object_put(o);
	/* None given: no field at all, and none back. */
	cg_spec_free(&s);
	cg_spec_init(&s);
	s.image = "busybox";
	o = cg_spec_to_json(&s);
	assert_false(json_object_object_get_ex(o, "dns", NULL));
	assert_int_equal(cg_spec_from_json(o, &back, &err), 0);
	assert_null(back.dns);
	json_object_put(o);
	static const char *const bad[] = {
		"{\"image\":\"b\",\"dns\":[\"x\"]}", "{\"image\":\"b\",\"dns\":\"192.0.2.1\"}",
		"{\"image\":\"b\",\"add_hosts\":[\"db\"]}", "{\"image\":\"b\",\"dns_search\":[\"a b\"]}",
		"{\"image\":\"b\",\"dns_options\":[1]}",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		o = json_tokener_parse(bad[i]);
		assert_non_null(o);
		if (cg_spec_from_json(o, &back, &err) == 0)
			fail_msg("accepted %s", bad[i]);
		json_object_put(o);
	}
	cg_spec_free(&back);
	cg_spec_free(&s);
}

/* The init layer's files rewritten for a container's address and its
 * user network's gateway (cg_container_write_etc, as the network code
 * calls it before the start). */
static void test_container_write_etc(void **state)
{
	char tmpl[] = "/tmp/cgrun-test-etc.XXXXXX";
	struct cg_spec s;
	struct cg_container c = { 0 };
	cg_err_t err = { 0 };
	char *text = NULL, *dir = mkdtemp(tmpl), *etc;

	(void)state;
	assert_non_null(dir);
	etc = xasprintf("%s/init/etc", dir);
	assert_int_equal(mkdir_p(etc, 0755, &err), 0);
	cg_spec_init(&s);
	assert_int_equal(cg_spec_add_dns(&s, CG_ADD_HOST, "db:192.0.2.9", &err), 0);
	c.spec = &s;
	c.dir = dir;
	snprintf(c.hostname, sizeof(c.hostname), "web");
	assert_int_equal(cg_container_write_etc(&c, "10.89.0.2", "10.89.0.1", &err), 0);
	free(etc);
	etc = xasprintf("%s/init/etc/hosts", dir);
	assert_int_equal(read_file(etc, &text, 65536, &err), 0);
	assert_non_null(strstr(text, "\n192.0.2.9\tdb\n10.89.0.2\tweb\n"));
	free(text);
	free(etc);
	etc = xasprintf("%s/init/etc/resolv.conf", dir);
	assert_int_equal(read_file(etc, &text, 65536, &err), 0);
	assert_true(strncmp(text, "search dns.cgrun", 16) == 0);
	assert_non_null(strstr(text, "\nnameserver 10.89.0.1\n"));
	assert_null(strstr(text, "nameserver 8.8.8.8"));
	free(text);
	free(etc);
	etc = xasprintf("%s/init/etc/hostname", dir);
	assert_int_equal(read_file(etc, &text, 65536, &err), 0);
	assert_string_equal(text, "web\n");
	free(text);
	free(etc);
	assert_int_equal(rm_rf(dir, &err), 0);
	cg_spec_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resolv_table),
		cmocka_unit_test(test_nameservers),
		cmocka_unit_test(test_hosts_table),
		cmocka_unit_test(test_hostname_valid),
		cmocka_unit_test(test_add_host),
		cmocka_unit_test(test_spec_add_dns),
		cmocka_unit_test(test_spec_json),
		cmocka_unit_test(test_container_write_etc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
