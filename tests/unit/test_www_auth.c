/* test_www_auth.c - WWW-Authenticate parsing and token URLs
 * (src/image/www-auth.c). */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "www-auth.h"

static struct cg_challenge *parse(const char *h, size_t want)
{
	struct cg_challenge *c;
	cg_err_t err = { 0 };
	size_t n;

	if (cg_www_auth_parse(h, &c, &n, &err) != 0)
		fail_msg("%s: %s", h, err.msg);
	if (n != want)
		fail_msg("%s: %zu challenges, not %zu", h, n, want);
	return c;
}

#define assert_str_or_null(a, b) ((b) ? assert_string_equal(a, b) : assert_null(a))

static void docker_hub(void **state)
{
	struct cg_challenge *c;
	char *url;

	(void)state;
	c = parse("Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
		  "scope=\"repository:library/ubuntu:pull\"", 1);
	assert_string_equal(c[0].scheme, "bearer");
	assert_string_equal(c[0].realm, "https://auth.docker.io/token");
	assert_string_equal(c[0].service, "registry.docker.io");
	assert_string_equal(c[0].scope, "repository:library/ubuntu:pull");
	assert_null(c[0].error);
	assert_null(c[0].token68);
	url = cg_token_url(&c[0], "repository:other:pull");
	assert_string_equal(url, "https://auth.docker.io/token?service=registry.docker.io"
				 "&scope=repository%3Alibrary%2Fubuntu%3Apull");
	free(url);
	cg_challenges_free(c, 1);

	/* distribution's registry without a scope (GET /v2/): the default one. */
	c = parse("Bearer realm=\"https://ghcr.io/token\",service=\"ghcr.io\"", 1);
	url = cg_token_url(&c[0], "repository:o/r:pull");
	assert_string_equal(url, "https://ghcr.io/token?service=ghcr.io&scope=repository%3Ao%2Fr%3Apull");
	free(url);
	url = cg_token_url(&c[0], NULL);
	assert_string_equal(url, "https://ghcr.io/token?service=ghcr.io");
	free(url);
	cg_challenges_free(c, 1);
}

static void insufficient_scope(void **state)
{
	struct cg_challenge *c;
	char *url;

	(void)state;
	/* Several scopes, space-separated (RFC 6750), and an error. */
	c = parse("Bearer realm=\"https://r.example/t?x=1\",service=\"r.example\",scope=\"repository:a/b:pull "
		  "repository:c:pull,push\",error=\"insufficient_scope\"", 1);
	assert_string_equal(c[0].scope, "repository:a/b:pull repository:c:pull,push");
	assert_string_equal(c[0].error, "insufficient_scope");
	url = cg_token_url(&c[0], NULL);
	/* The realm's own query is kept; each scope its own parameter. */
	assert_string_equal(url, "https://r.example/t?x=1&service=r.example&scope=repository%3Aa%2Fb%3Apull"
				 "&scope=repository%3Ac%3Apull%2Cpush");
	free(url);
	cg_challenges_free(c, 1);
}

static void several_challenges(void **state)
{
	struct cg_challenge *c;

	(void)state;
	c = parse("Basic realm=\"Registry Realm\", Bearer realm=\"https://a/t\",service=\"s\"", 2);
	assert_string_equal(c[0].scheme, "basic");
	assert_string_equal(c[0].realm, "Registry Realm");
	assert_null(c[0].service);
	assert_string_equal(c[1].scheme, "bearer");
	assert_string_equal(c[1].realm, "https://a/t");
	assert_string_equal(c[1].service, "s");
	cg_challenges_free(c, 2);

	/* A scheme alone, a token68, odd spacing and empty list elements. */
	c = parse(" ,Negotiate, NTLM TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAGAbEdAAAADw== ,, "
		  "BASIC   Realm = \"x\" , charset=UTF-8 ,Newauth realm=\"apps\", type=1, "
		  "title=\"Login to \\\"apps\\\"\", Digest realm=\"y\"", 5);
	assert_string_equal(c[0].scheme, "negotiate");
	assert_null(c[0].token68);
	assert_null(c[0].realm);
	assert_string_equal(c[1].scheme, "ntlm");
	assert_string_equal(c[1].token68, "TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAGAbEdAAAADw==");
	assert_string_equal(c[2].scheme, "basic");
	assert_string_equal(c[2].realm, "x");
	assert_string_equal(c[3].scheme, "newauth");
	assert_string_equal(c[3].realm, "apps");
	assert_string_equal(c[4].scheme, "digest");
	assert_string_equal(c[4].realm, "y");
	cg_challenges_free(c, 5);
}

static void quoting(void **state)
{
	struct cg_challenge *c;

	(void)state;
	/* Commas and '=' inside quotes, escapes, case-insensitive names,
	 * an unquoted URL (not a token, but servers send it). */
	c = parse("bEaReR REALM=\"https://a.example/t,k=v\",Service=\"a \\\"quoted\\\" \\\\ name\","
		  "SCOPE=repository:x:pull,error=invalid_token", 1);
	assert_string_equal(c[0].scheme, "bearer");
	assert_string_equal(c[0].realm, "https://a.example/t,k=v");
	assert_string_equal(c[0].service, "a \"quoted\" \\ name");
	assert_string_equal(c[0].scope, "repository:x:pull");
	assert_string_equal(c[0].error, "invalid_token");
	cg_challenges_free(c, 1);
	c = parse("Bearer realm=https://unquoted.example/token,service=svc", 1);
	assert_string_equal(c[0].realm, "https://unquoted.example/token");
	assert_string_equal(c[0].service, "svc");
	cg_challenges_free(c, 1);
	c = parse("Bearer realm=\"\\a\\b\", service=\"\"", 1);
	assert_string_equal(c[0].realm, "ab");
	assert_string_equal(c[0].service, "");
	cg_challenges_free(c, 1);
}

static void malformed(void **state)
{
	static const struct {
		const char *h, *why;
	} bad[] = {
		{ "", "empty" },
		{ NULL, "empty" },
		{ " , ,", "empty" },
		{ "Bearer realm=\"https://a/t", "unterminated quoted string" },
		{ "Bearer realm=\"https://a/t\\", "unterminated quoted string" },
		{ "Bearer realm=\"a\x01b\"", "control character" },
		{ "Bearer realm=\"a\" service=\"b\"", "expected ','" },
		/* ("Bearer realm=" alone is a token68.) */
		{ "Bearer service=x, realm=", "expected a token or a quoted string" },
		{ "Bearer service=x, realm= ,", "expected a token or a quoted string" },
		{ "Bearer realm=\"a\", realm=\"b\"", "given twice" },
		{ "Bearer realm=\"a\", REALM=\"b\"", "given twice" },
		{ "\"Bearer\"", "expected an authentication scheme" },
		{ "Bearer\"x\"", "expected a space after the scheme" },
		{ "Bearer \"x\"", "expected a parameter name" },
		{ "Bearer realm=a\"b", "bad character" },
		{ "Basic, realm=\"x\"", "expected a space after the scheme" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct cg_challenge *c = (struct cg_challenge *)&bad;
		cg_err_t err = { 0 };
		size_t n = 7;

		if (cg_www_auth_parse(bad[i].h, &c, &n, &err) == 0)
			fail_msg("accepted %s", bad[i].h);
		assert_null(c);
		assert_int_equal(n, 0);
		if (strstr(err.msg, bad[i].why) == NULL)
			fail_msg("%s: \"%s\" lacks \"%s\"", bad[i].h, err.msg, bad[i].why);
	}
}

static void token_urls(void **state)
{
	struct cg_challenge c = { 0 };
	char *url;

	(void)state;
	assert_null(cg_token_url(&c, "x"));
	c.realm = (char *)"ftp://a/t";
	assert_null(cg_token_url(&c, "x"));
	c.realm = (char *)"/relative";
	assert_null(cg_token_url(&c, "x"));
	c.realm = (char *)"https://a/t\r\nX-Evil: 1";
	assert_null(cg_token_url(&c, "x"));
	c.realm = (char *)"http://localhost:5001/auth";
	c.service = (char *)"a b&c=d/é";
	c.scope = (char *)"  ";
	url = cg_token_url(&c, "ignored:because:given");
	assert_string_equal(url, "http://localhost:5001/auth?service=a%20b%26c%3Dd%2F%C3%A9");
	free(url);
	url = cg_url_escape("AZaz09-._~ +%");
	assert_string_equal(url, "AZaz09-._~%20%2B%25");
	free(url);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(docker_hub),
		cmocka_unit_test(insufficient_scope),
		cmocka_unit_test(several_challenges),
		cmocka_unit_test(quoting),
		cmocka_unit_test(malformed),
		cmocka_unit_test(token_urls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
