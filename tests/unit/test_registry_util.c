/* test_registry_util.c - the registry client's pure helpers
 * (src/image/registry-util.c): error bodies, tokens, Retry-After, redirects,
 * digests. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "registry-util.h"

static void describe(const char *body, const char *want)
{
	char out[256];

	cg_registry_describe_body(body, body ? strlen(body) : 0, out, sizeof(out));
	assert_string_equal(out, want);
}

static void test_describe_body(void **state)
{
	(void)state;
	describe("{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\",\"detail\":{\"Tag\":\"x\"}}]}",
		 "manifest unknown");
	describe("{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}",
		 "unauthorized: authentication required");
	describe("{\"errors\":[{\"code\":\"TOOMANYREQUESTS\",\"message\":\"slow down\"},{\"code\":\"X\"}]}",
		 "toomanyrequests: slow down");
	describe("{\"errors\":[{\"message\":\"no code\"}]}", "no code");
	describe("{\"errors\":[]}", "{\"errors\":[]}");
	describe("upstream busy\r\nmore", "upstream busy");
	describe("", "");
	describe(NULL, "");
}

static void test_token_parse(void **state)
{
	char *t;

	(void)state;
	t = cg_registry_token_parse("{\"token\":\"abc\",\"access_token\":\"def\"}");
	assert_string_equal(t, "abc");
	free(t);
	t = cg_registry_token_parse("{\"access_token\":\"def\",\"expires_in\":300}");
	assert_string_equal(t, "def");
	free(t);
	t = cg_registry_token_parse("{\"token\":\"\",\"access_token\":\"def\"}");
	assert_string_equal(t, "def");
	free(t);
	assert_null(cg_registry_token_parse("{\"token\":42}"));
	assert_null(cg_registry_token_parse("{\"details\":\"no\"}"));
	assert_null(cg_registry_token_parse("not json"));
	assert_null(cg_registry_token_parse(NULL));
}

static void test_retry_after(void **state)
{
	(void)state;
	assert_int_equal(cg_retry_after_parse("2"), 2);
	assert_int_equal(cg_retry_after_parse(" 120 "), 120);
	assert_int_equal(cg_retry_after_parse("0"), 0);
	assert_int_equal(cg_retry_after_parse("Wed, 21 Oct 2015 07:28:00 GMT"), 5);
	assert_int_equal(cg_retry_after_parse("-3"), 5);
	assert_int_equal(cg_retry_after_parse(""), 5);
}

static void origin(const char *url, const char *want)
{
	char *o = cg_url_origin(url);

	if (want == NULL) {
		assert_null(o);
		return;
	}
	assert_non_null(o);
	assert_string_equal(o, want);
	free(o);
}

static void redirect(const char *from, const char *loc, const char *want)
{
	char *u = cg_url_redirect(from, loc);

	if (want == NULL) {
		assert_null(u);
		return;
	}
	assert_non_null(u);
	assert_string_equal(u, want);
	free(u);
}

static void test_urls(void **state)
{
	(void)state;
	origin("https://Registry-1.Docker.IO/v2/library/busybox/manifests/latest",
	       "https://registry-1.docker.io:443");
	origin("https://127.0.0.1:5000/v2/", "https://127.0.0.1:5000");
	origin("http://localhost/v2/", "http://localhost:80");
	origin("not a url", NULL);
	/* Same host, other port: another origin (the token stays home). */
	redirect("https://127.0.0.1:5100/v2/r/blobs/sha256:aa", "https://127.0.0.1:5101/cdn/x?sig=1",
		 "https://127.0.0.1:5101/cdn/x?sig=1");
	redirect("https://r.example/v2/r/blobs/sha256:aa", "/other/path?x=1", "https://r.example/other/path?x=1");
	redirect("https://r.example/v2/r/blobs/sha256:aa", "http://cdn.example/x", NULL);
	redirect("http://r.example/v2/", "http://cdn.example/x", "http://cdn.example/x");
	redirect("https://r.example/v2/", "file:///etc/passwd", NULL);
	redirect("https://r.example/v2/", "ftp://cdn.example/x", NULL);
}

static void test_digests(void **state)
{
	unsigned char md[32];
	char *d;

	(void)state;
	assert_true(cg_digest_is_sha256("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
	assert_false(cg_digest_is_sha256("sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"));
	assert_false(cg_digest_is_sha256("sha256:e3b0"));
	assert_false(cg_digest_is_sha256("sha512:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
	assert_false(cg_digest_is_sha256("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85g"));
	for (int i = 0; i < 32; i++)
		md[i] = (unsigned char)(i * 9);
	d = cg_digest_format_sha256(md);
	assert_string_equal(d, "sha256:0009121b242d363f48515a636c757e879099a2abb4bdc6cfd8e1eaf3fc050e17");
	assert_true(cg_digest_is_sha256(d));
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_describe_body),
		cmocka_unit_test(test_token_parse),
		cmocka_unit_test(test_retry_after),
		cmocka_unit_test(test_urls),
		cmocka_unit_test(test_digests),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
