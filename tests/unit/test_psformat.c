/* test_psformat.c - `cgrun ps --format` (psformat.c): templates, table
 * headers, json lines, and the errors for what is not a template. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <json-c/json.h>

#include "psformat.h"

static const struct cg_ps_row row = {
	.id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	.name = "web", .image = "busybox", .command = "sh -c exit 3", .state = CG_STATE_EXITED,
	.exit_code = 3, .pid = 0, .created = 86400,
};

static char *render(const char *fmt, bool trunc)
{
	struct cg_ps_format f;
	cg_err_t err = { 0 };
	char *s;

	assert_int_equal(cg_ps_format_parse(fmt, &f, &err), 0);
	s = cg_ps_format_row(&f, &row, trunc);
	cg_ps_format_free(&f);
	return s;
}

static void test_templates(void **state)
{
	char *s;

	(void)state;
	s = render("{{.ID}} {{.Names}} {{.Status}}", true);
	assert_string_equal(s, "0123456789ab web exited (3)");
	free(s);
	s = render("{{ .ID }}", false);
	assert_string_equal(s, row.id);
	free(s);
	s = render("id={{.ID}}\\t{{.Image}}:{{.Command}}\\n{{.State}}/{{.ExitCode}}/{{.Pid}}", true);
	assert_string_equal(s, "id=0123456789ab\tbusybox:sh -c exit 3\nexited/3/0");
	free(s);
	s = render("{{.CreatedAt}}", true);
	assert_string_equal(s, "1970-01-02 00:00:00 +0000 UTC");
	free(s);
	s = render("no fields", true);
	assert_string_equal(s, "no fields");
	free(s);
}

static void test_table_and_header(void **state)
{
	struct cg_ps_format f;
	cg_err_t err = { 0 };
	char *h, *r;

	(void)state;
	assert_int_equal(cg_ps_format_parse("table {{.ID}}\\t{{.Names}}", &f, &err), 0);
	h = cg_ps_format_header(&f);
	assert_string_equal(h, "CONTAINER ID\tNAMES");
	free(h);
	cg_ps_format_free(&f);
	/* No "table": no header. */
	assert_int_equal(cg_ps_format_parse("{{.ID}}", &f, &err), 0);
	assert_null(cg_ps_format_header(&f));
	cg_ps_format_free(&f);
	/* The default: the table cgrun ps has always printed. */
	assert_int_equal(cg_ps_format_parse(NULL, &f, &err), 0);
	h = cg_ps_format_header(&f);
	assert_non_null(strstr(h, "CONTAINER ID"));
	r = cg_ps_format_row(&f, &row, true);
	assert_non_null(strstr(r, "exited (3)"));
	assert_non_null(strstr(r, "0123456789ab  busybox"));
	free(h);
	free(r);
	cg_ps_format_free(&f);
}

static void test_json(void **state)
{
	char *s = render("json", true);
	struct json_object *o = json_tokener_parse(s), *v;

	(void)state;
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "ID", &v));
	assert_string_equal(json_object_get_string(v), "0123456789ab");
	assert_true(json_object_object_get_ex(o, "ExitCode", &v));
	assert_int_equal(json_object_get_int(v), 3);
	assert_true(json_object_object_get_ex(o, "Status", &v));
	assert_string_equal(json_object_get_string(v), "exited (3)");
	assert_null(strchr(s, '\n'));
	json_object_put(o);
	free(s);
}

static void test_errors(void **state)
{
	static const char *const bad[] = { "{{.Foo}}", "{{.ID}", "{{ID}}", "{{}}", "{{.ID}}{{.Nope}}" };
	struct cg_ps_format f;
	cg_err_t err = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&err, 0, sizeof(err));
		assert_int_equal(cg_ps_format_parse(bad[i], &f, &err), -1);
		assert_non_null(strstr(err.msg, "invalid --format"));
		assert_non_null(strstr(err.msg, ".Names"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_templates),
		cmocka_unit_test(test_table_and_header),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
