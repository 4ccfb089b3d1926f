/* test_image_config.c - image config blobs (src/image/image-config.c):
 * docker's (nginx's, as docker hub serves it) and buildkit's OCI ones. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "image-config.h"

#define R8(c) c c c c c c c c
#define DG(c) "sha256:" R8(R8(c))

static const char nginx[] =
	"{\"architecture\":\"amd64\",\"config\":{\"Hostname\":\"\",\"Domainname\":\"\",\"User\":\"\","
	"\"AttachStdin\":false,\"ExposedPorts\":{\"80/tcp\":{}},\"Tty\":false,"
	"\"Env\":[\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\",\"NGINX_VERSION=1.25.3\","
	"\"NJS_VERSION=0.8.2\",\"PKG_RELEASE=1~bookworm\"],"
	"\"Cmd\":[\"nginx\",\"-g\",\"daemon off;\"],\"Image\":\"sha256:" R8(R8("e")) "\","
	"\"Volumes\":null,\"WorkingDir\":\"\",\"Entrypoint\":[\"/docker-entrypoint.sh\"],\"OnBuild\":null,"
	"\"Labels\":{\"maintainer\":\"NGINX Docker Maintainers <docker-maint@nginx.com>\"},"
	"\"StopSignal\":\"SIGQUIT\"},"
	"\"container\":\"2d5c6ba4ab4b5b4c9aa36f0f8b4a7e6e6c3e5c2fbc2c4a7e3d1b0b4f3a2e1c0d\","
	"\"created\":\"2023-12-19T18:44:38.912254364Z\",\"docker_version\":\"20.10.23\","
	"\"history\":[{\"created\":\"2023-12-19T01:20:27.962225486Z\",\"created_by\":\"/bin/sh -c #(nop) ADD file:... in / \"}],"
	"\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" DG("1") "\",\"" DG("2") "\",\"" DG("3") "\"]}}";

static void docker_config(void **state)
{
	struct cg_image_config c;
	cg_err_t err = { 0 };

	(void)state;
	assert_int_equal(cg_image_config_parse(nginx, strlen(nginx), &c, &err), 0);
	assert_string_equal(c.env[0], "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	assert_string_equal(c.env[3], "PKG_RELEASE=1~bookworm");
	assert_null(c.env[4]);
	assert_string_equal(c.entrypoint[0], "/docker-entrypoint.sh");
	assert_null(c.entrypoint[1]);
	assert_string_equal(c.cmd[0], "nginx");
	assert_string_equal(c.cmd[2], "daemon off;");
	assert_null(c.cmd[3]);
	assert_string_equal(c.workdir, "");
	assert_string_equal(c.user, "");
	assert_string_equal(c.stop_signal, "SIGQUIT");
	assert_string_equal(c.labels[0], "maintainer=NGINX Docker Maintainers <docker-maint@nginx.com>");
	assert_null(c.labels[1]);
	assert_string_equal(c.exposed_ports[0], "80/tcp");
	assert_null(c.exposed_ports[1]);
	assert_int_equal(c.ndiff_ids, 3);
	assert_string_equal(c.diff_ids[0], DG("1"));
	assert_string_equal(c.diff_ids[2], DG("3"));
	assert_null(c.diff_ids[3]);
	assert_string_equal(c.os, "linux");
	assert_string_equal(c.arch, "amd64");
	assert_null(c.variant);
	assert_int_equal(c.created, 1703011478);
	cg_image_config_free(&c);
	assert_null(c.env);
}

static void oci_config(void **state)
{
	/* buildkit's arm64 config: Entrypoint as docker's lone string, no
	 * labels, several ports, a time with an offset. */
	static const char oci[] =
		"{\"architecture\":\"arm64\",\"variant\":\"v8\",\"os\":\"linux\","
		"\"created\":\"2024-01-11T06:41:33+02:00\","
		"\"config\":{\"Entrypoint\":\"/bin/app\",\"Cmd\":null,\"Labels\":null,"
		"\"ExposedPorts\":{\"53/udp\":{},\"8080/tcp\":{}},\"User\":\"1000:1000\",\"WorkingDir\":\"/srv\"},"
		"\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}";
	struct cg_image_config c;
	cg_err_t err = { 0 };

	(void)state;
	assert_int_equal(cg_image_config_parse(oci, strlen(oci), &c, &err), 0);
	assert_string_equal(c.arch, "arm64");
	assert_string_equal(c.variant, "v8");
	assert_string_equal(c.entrypoint[0], "/bin/app");
	assert_null(c.entrypoint[1]);
	assert_null(c.cmd);
	assert_null(c.labels);
	assert_null(c.env);
	assert_string_equal(c.exposed_ports[0], "53/udp");
	assert_string_equal(c.exposed_ports[1], "8080/tcp");
	assert_null(c.exposed_ports[2]);
	assert_string_equal(c.user, "1000:1000");
	assert_string_equal(c.workdir, "/srv");
	assert_null(c.stop_signal);
	assert_int_equal(c.ndiff_ids, 0);
	assert_non_null(c.diff_ids);
	assert_int_equal(c.created, 1704948093);
	cg_image_config_free(&c);

	/* No config at all, no created: an image made by hand. */
	static const char bare[] = "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" DG("a") "\"]}}";

	assert_int_equal(cg_image_config_parse(bare, strlen(bare), &c, &err), 0);
	assert_null(c.cmd);
	assert_int_equal(c.created, 0);
	assert_int_equal(c.ndiff_ids, 1);
	cg_image_config_free(&c);
}

static void refused(const char *body, const char *why)
{
	struct cg_image_config c;
	cg_err_t err = { 0 };

	if (cg_image_config_parse(body, strlen(body), &c, &err) == 0)
		fail_msg("accepted %s", body);
	assert_null(c.env);
	assert_null(c.diff_ids);
	assert_null(c.os);
	if (strstr(err.msg, why) == NULL)
		fail_msg("\"%s\" lacks \"%s\"", err.msg, why);
}

#define ROOTFS ",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}"

static void bad_configs(void **state)
{
	(void)state;
	refused("{\"os\":\"linux\"}", "\"rootfs\" is missing");
	refused("{\"rootfs\":{\"diff_ids\":[]}}", "rootfs: \"type\" is missing");
	refused("{\"rootfs\":{\"type\":\"tarball\",\"diff_ids\":[]}}", "rootfs type \"tarball\" is not \"layers\"");
	refused("{\"rootfs\":{\"type\":\"layers\"}}", "\"diff_ids\" is missing");
	refused("{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":\"" DG("1") "\"}}", "not an array");
	refused("{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" DG("1") "\",\"sha256:1\"]}}",
		"bad diff_id \"sha256:1\"");
	refused("{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" DG("1") "\",7]}}",
		"\"diff_ids\"[1] is not a string");
	refused("{\"config\":{\"Env\":\"A=1\"}" ROOTFS "}", "config: \"Env\" is not an array");
	refused("{\"config\":{\"Env\":[\"A=1\",2]}" ROOTFS "}", "config: \"Env\"[1] is not a string");
	refused("{\"config\":{\"Cmd\":{}}" ROOTFS "}", "\"Cmd\" is not an array");
	refused("{\"config\":{\"Labels\":{\"a\":1}}" ROOTFS "}", "\"Labels\" of \"a\" is not a string");
	refused("{\"config\":{\"Labels\":[]}" ROOTFS "}", "\"Labels\" is not an object");
	refused("{\"config\":{\"User\":0}" ROOTFS "}", "\"User\" is not a string");
	refused("{\"config\":[]" ROOTFS "}", "\"config\" is not an object");
	refused("{\"created\":\"yesterday\"" ROOTFS "}", "created: bad time \"yesterday\"");
	refused("{\"architecture\":5" ROOTFS "}", "\"architecture\" is not a string");
	refused("[]", "not a JSON object");
	refused("{", "invalid JSON");
}

static void rfc3339(void **state)
{
	static const struct {
		const char *in;
		long long want;
	} good[] = {
		{ "1970-01-01T00:00:00Z", 0 },
		{ "2024-01-11T04:41:33Z", 1704948093 },
		{ "2024-01-11T04:41:33.123456789Z", 1704948093 },
		{ "2024-01-11t04:41:33z", 1704948093 },
		{ "2024-01-11T06:41:33+02:00", 1704948093 },
		{ "2024-01-10T23:11:33-05:30", 1704948093 },
		{ "2016-12-31T23:59:60Z", 1483228800 },
		{ "2024-02-29T00:00:00Z", 1709164800 },
		{ "2000-02-29T00:00:00Z", 951782400 },
		{ "0001-01-01T00:00:00Z", -62135596800LL },
		{ "1969-12-31T23:59:59Z", -1 },
	};
	static const char *const bad[] = {
		"", "2024-01-11", "2024-01-11T04:41:33", "2024-01-11 04:41:33Z", "2024-1-11T04:41:33Z",
		"2024-13-01T00:00:00Z", "2024-00-01T00:00:00Z", "2024-04-31T00:00:00Z",
		"2023-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2024-01-11T24:00:00Z",
		"2024-01-11T04:60:00Z", "2024-01-11T04:41:61Z", "2024-01-11T04:41:33.Z",
		"2024-01-11T04:41:33+0200", "2024-01-11T04:41:33Zjunk", "0000-01-01T00:00:00Z",
		"2024-01-11T04:41:33+24:00",
	};
	cg_err_t err = { 0 };
	long long t;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		t = 42;
		if (cg_rfc3339_parse(good[i].in, &t, &err) != 0)
			fail_msg("%s: %s", good[i].in, err.msg);
		if (t != good[i].want)
			fail_msg("%s: %lld, not %lld", good[i].in, t, good[i].want);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (cg_rfc3339_parse(bad[i], &t, &err) == 0)
			fail_msg("accepted %s as %lld", bad[i], t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(docker_config),
		cmocka_unit_test(oci_config),
		cmocka_unit_test(bad_configs),
		cmocka_unit_test(rfc3339),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
