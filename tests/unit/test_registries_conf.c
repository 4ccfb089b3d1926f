/* test_registries_conf.c - registries.conf: which registries a pull
 * reaches without TLS checks, or over plain HTTP (registries-conf.c). */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "registries-conf.h"

static enum cg_reg_security sec_of(const char *text, const char *host)
{
	enum cg_reg_security s = CG_REG_SECURE;
	cg_err_t err = { 0 };

	assert_int_equal(cg_registries_conf_parse(text, "t", host, &s, &err), 0);
	return s;
}

static void test_entries(void **state)
{
	const char *conf = "# local mirrors\n"
			   "insecure 127.0.0.1:5000\n"
			   "\n"
			   "   insecure\thttp://10.0.0.1:5003   # no TLS at all\n"
			   "insecure registry.lan\n";

	(void)state;
	assert_int_equal(sec_of(conf, "127.0.0.1:5000"), CG_REG_INSECURE_TLS);
	assert_int_equal(sec_of(conf, "10.0.0.1:5003"), CG_REG_PLAIN_HTTP);
	assert_int_equal(sec_of(conf, "registry.lan"), CG_REG_INSECURE_TLS);
	/* Whole names only: a port, a prefix or a suffix is another registry. */
	assert_int_equal(sec_of(conf, "registry.lan:443"), CG_REG_SECURE);
	assert_int_equal(sec_of(conf, "127.0.0.1:50000"), CG_REG_SECURE);
	assert_int_equal(sec_of(conf, "docker.io"), CG_REG_SECURE);
	assert_int_equal(sec_of("", "docker.io"), CG_REG_SECURE);
	/* Plain HTTP wins over TLS without checks, in either order. */
	assert_int_equal(sec_of("insecure http://h:1\ninsecure h:1\n", "h:1"), CG_REG_PLAIN_HTTP);
	assert_int_equal(sec_of("insecure h:1\ninsecure http://h:1\n", "h:1"), CG_REG_PLAIN_HTTP);
}

static void test_errors(void **state)
{
	static const char *const bad[] = {
		"secure foo\n",                 /* unknown keyword */
		"insecure\n",                   /* no host */
		"insecure a b\n",               /* two */
		"insecure https://h:1\n",       /* https:// is what secure means */
		"insecure h:1/path\n",
	};
	enum cg_reg_security s;
	cg_err_t err;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&err, 0, sizeof(err));
		assert_int_equal(cg_registries_conf_parse(bad[i], "/etc/cgrun/registries.conf", "h:1", &s, &err), -1);
		assert_non_null(strstr(err.msg, "/etc/cgrun/registries.conf:1: "));
	}
	memset(&err, 0, sizeof(err));
	assert_int_equal(cg_registries_conf_parse("insecure h:1\n\nbogus\n", "f", "h:1", &s, &err), -1);
	assert_non_null(strstr(err.msg, "f:3: unknown keyword 'bogus'"));
}

static void test_missing_file(void **state)
{
	enum cg_reg_security s = CG_REG_PLAIN_HTTP;
	cg_err_t err = { 0 };

	(void)state;
	assert_int_equal(cg_registries_conf_lookup("/nonexistent/registries.conf", "h:1", &s, &err), 0);
	assert_int_equal(s, CG_REG_SECURE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entries),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_missing_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
