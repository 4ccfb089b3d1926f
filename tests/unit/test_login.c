/* test_login.c - the registry a `cgrun login` names (src/image/login.c). */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "login.h"
#include "util.h"

static void expect(const char *arg, const char *domain, const char *api_host)
{
	char *d = NULL, *h = NULL;
	cg_err_t err = { 0 };

	assert_int_equal(cg_login_registry(arg, &d, &h, &err), 0);
	assert_string_equal(d, domain);
	assert_string_equal(h, api_host);
	free(d);
	free(h);
}

static void expect_bad(const char *arg)
{
	char *d = NULL, *h = NULL;
	cg_err_t err = { 0 };

	assert_int_equal(cg_login_registry(arg, &d, &h, &err), -1);
	assert_null(d);
	assert_null(h);
	assert_non_null(strstr(err.msg, "is not a registry"));
}

static void test_registry_names(void **state)
{
	(void)state;
	expect("quay.io", "quay.io", "quay.io");
	expect("Quay.IO", "quay.io", "quay.io");
	expect("127.0.0.1:5000", "127.0.0.1:5000", "127.0.0.1:5000");
	expect("localhost", "localhost", "localhost");
	expect("[::1]:5000", "[::1]:5000", "[::1]:5000");
	expect("https://registry.example.com:8443/v2/", "registry.example.com:8443", "registry.example.com:8443");
	/* Docker Hub's names are one registry, asked at registry-1.docker.io. */
	expect("docker.io", "docker.io", "registry-1.docker.io");
	expect("https://index.docker.io/v1/", "docker.io", "registry-1.docker.io");
	expect("registry-1.docker.io", "docker.io", "registry-1.docker.io");
	expect_bad("");
	expect_bad("https://");
	expect_bad("not a host");
	expect_bad("host:");
	expect_bad("host:123456");
	expect_bad("host:80x");
	expect_bad(":5000");
	expect_bad("-lead.example");
	expect_bad("a@b.example");
	expect_bad("[]:5000");
	expect_bad("[::1]x");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
