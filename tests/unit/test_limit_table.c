/* test_limit_table.c - walks the table of limits (src/lib/limit-table.c)
 * and checks that every row means the same thing everywhere it is used:
 * the command line (src/cgrun/limit-opts.c), the wire and config.json, the
 * range checks and the v1/v2 translation. A row added with a mistake in any
 * of its columns fails here. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <json-c/json.h>

#include "limit-opts.h"
#include "limit-table.h"

/* A value the row takes, as a command-line argument: its minimum. */
static void min_arg(const struct cg_limit_def *d, char *buf, size_t n)
{
	switch (d->kind) {
	case CG_LK_INT:
	case CG_LK_SIZE:
		snprintf(buf, n, "%lld", (long long)d->min);
		break;
	case CG_LK_CPUS:
		snprintf(buf, n, "0.5");
		break;
	case CG_LK_CPULIST:
		snprintf(buf, n, "0");
		break;
	}
}

/* Limits that hold this row alone, at its minimum (with what it needs). */
static void only_row(const struct cg_limit_def *d, struct cg_limits *l)
{
	struct cg_limit_parser p = { .l = l };
	cg_err_t err = { 0 };
	char arg[64];

	cg_limits_init(l);
	if (!strcmp(d->flag, "memory-swap"))
		l->memory = d->min;
	min_arg(d, arg, sizeof(arg));
	if (cg_limit_parse(&p, d, arg, &err) < 0 || cg_limit_parse_finish(&p, &err) < 0)
		fail_msg("--%s=%s refused: %s", d->flag, arg, err.msg);
}

static void test_rows_are_complete_and_unique(void **state)
{
	(void)state;
	assert_true(cg_limit_ndefs > 0);
	for (size_t i = 0; i < cg_limit_ndefs; i++) {
		const struct cg_limit_def *d = &cg_limit_defs[i];

		assert_non_null(d->flag);
		assert_non_null(d->arg);
		assert_non_null(d->help);
		assert_ptr_equal(cg_limit_by_flag(d->flag), d);
		if (d->key)
			assert_ptr_equal(cg_limit_by_key(d->key), d);
		/* A row that writes a file names it for both versions, and the reverse. */
		assert_true((d->to_v1 != NULL) == (d->v1_file != NULL));
		assert_true((d->to_v2 != NULL) == (d->v2_file != NULL));
		/* Only a stored row can be translated: the files come from what is kept. */
		if (d->to_v1 || d->to_v2)
			assert_non_null(d->key);
		for (size_t j = 0; j < i; j++)
			if (d->short_opt)
				assert_int_not_equal(d->short_opt, cg_limit_defs[j].short_opt);
		if (d->kind == CG_LK_INT || d->kind == CG_LK_SIZE)
			assert_true(d->min > 0 && d->min <= d->max);
	}
	assert_null(cg_limit_by_flag("no-such-limit"));
	assert_null(cg_limit_by_key("no_such_limit"));
}

/* Every row's minimum and maximum go through the CLI parser, survive the
 * JSON codec and pass the range check; one past either end is refused by
 * the parser, the codec and the check alike. */
static void test_ranges_agree_everywhere(void **state)
{
	(void)state;
	for (size_t i = 0; i < cg_limit_ndefs; i++) {
		const struct cg_limit_def *d = &cg_limit_defs[i];
		int64_t ends[2] = { d->min, d->max };

		if (d->kind != CG_LK_INT && d->kind != CG_LK_SIZE)
			continue;
		for (int e = 0; e < 2; e++) {
			struct cg_limits l, back;
			struct cg_limit_parser p = { .l = &l };
			cg_err_t err = { 0 };
			char arg[32];
			struct json_object *o;

			cg_limits_init(&l);
			cg_limits_init(&back);
			snprintf(arg, sizeof(arg), "%lld", (long long)ends[e]);
			if (cg_limit_parse(&p, d, arg, &err) < 0)
				fail_msg("--%s=%s refused: %s", d->flag, arg, err.msg);
			assert_int_equal(cg_limit_value(&l, d), ends[e]);
			assert_int_equal(cg_limit_check(d, ends[e], &err), 0);
			if (!strcmp(d->flag, "memory-swap"))
				l.memory = back.memory = d->min;
			o = cg_limits_to_json(&l);
			if (cg_limits_from_json(o, &back, &err) < 0)
				fail_msg("%s=%s refused from JSON: %s", d->key, arg, err.msg);
			assert_int_equal(cg_limit_value(&back, d), ends[e]);
			json_object_put(o);
		}
		/* One below the minimum (a size row's minimum is above 1). */
		{
			struct cg_limits l, back;
			struct cg_limit_parser p = { .l = &l };
			cg_err_t err = { 0 };
			char arg[32];
			struct json_object *o = json_object_new_object();

			cg_limits_init(&l);
			cg_limits_init(&back);
			snprintf(arg, sizeof(arg), "%lld", (long long)d->min - 1);
			assert_int_equal(cg_limit_parse(&p, d, arg, &err), -1);
			assert_non_null(strstr(err.msg, d->flag));
			assert_int_equal(cg_limit_check(d, d->min - 1, NULL), -1);
			json_object_object_add(o, d->key, json_object_new_int64(d->min - 1));
			assert_int_equal(cg_limits_from_json(o, &back, &err), -1);
			json_object_put(o);
		}
		if (d->max < INT64_MAX) {
			struct cg_limits l;
			struct cg_limit_parser p = { .l = &l };
			cg_err_t err = { 0 };
			char arg[32];

			cg_limits_init(&l);
			snprintf(arg, sizeof(arg), "%lld", (long long)d->max + 1);
			assert_int_equal(cg_limit_parse(&p, d, arg, &err), -1);
			assert_int_equal(cg_limit_check(d, d->max + 1, NULL), -1);
		}
		/* "no limit" only where the row says so. */
		{
			struct cg_limits l;
			struct cg_limit_parser p = { .l = &l };
			cg_err_t err = { 0 };
			int r;

			cg_limits_init(&l);
			r = cg_limit_parse(&p, d, "-1", &err);
			if (d->unlimited) {
				assert_int_equal(r, 0);
				assert_int_equal(cg_limit_value(&l, d), CG_UNLIMITED);
				assert_int_equal(cg_limit_check(d, CG_UNLIMITED, NULL), 0);
			} else {
				assert_int_equal(r, -1);
				assert_int_equal(cg_limit_check(d, CG_UNLIMITED, NULL), -1);
			}
		}
	}
}

/* Each row set alone writes its own file on v1 and on v2, for its controller,
 * and nothing else but what it needs; cg_limits_ctrls names that controller. */
static void test_translation_follows_the_row(void **state)
{
	(void)state;
	for (size_t i = 0; i < cg_limit_ndefs; i++) {
		const struct cg_limit_def *d = &cg_limit_defs[i];
		const struct cg_limit_def *target = d;
		struct cg_limits l;

		/* --cpus writes what --cpu-quota does. */
		if (d->kind == CG_LK_CPUS)
			target = cg_limit_by_flag("cpu-quota");
		only_row(d, &l);
		assert_true(cg_limits_ctrls(&l) & (1u << d->ctrl));
		for (int unified = 0; unified < 2; unified++) {
			struct cg_write w[CG_MAX_WRITES];
			cg_err_t err = { 0 };
			const char *file = unified ? target->v2_file : target->v1_file;
			int n = cg_limits_translate(&l, unified, w, CG_MAX_WRITES, &err);
			bool found = false;

			if (n < 0)
				fail_msg("--%s: %s", d->flag, err.msg);
			for (int k = 0; k < n; k++) {
				assert_int_equal(w[k].ctrl, cg_limit_defs[i].ctrl);
				if (!strcmp(w[k].file, file))
					found = true;
			}
			if (!found)
				fail_msg("--%s alone does not write %s on %s", d->flag, file, unified ? "v2" : "v1");
		}
		free(l.cpuset_cpus);
	}
}

/* The command line knows every row: its long option (and short one) leads
 * to it, and --help has a line for it. */
static void test_command_line_covers_every_row(void **state)
{
	static const struct option own[] = { { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
	struct option opts[64];
	char *help = NULL;
	size_t helpn = 0;
	FILE *f = open_memstream(&help, &helpn);

	(void)state;
	assert_non_null(f);
	limit_opts_help(f);
	fclose(f);
	assert_true(limit_options_join(own, opts, 64));
	assert_false(limit_options_join(own, opts, 2));
	for (size_t i = 0; i < cg_limit_ndefs; i++) {
		const struct cg_limit_def *d = &cg_limit_defs[i];
		struct cg_limits l;
		struct cg_limit_parser p = { .l = &l };
		cg_err_t err = { 0 };
		char arg[64], line[80];
		bool listed = false;
		int r = -2;

		for (struct option *o = opts; o->name; o++)
			if (!strcmp(o->name, d->flag)) {
				listed = true;
				cg_limits_init(&l);
				min_arg(d, arg, sizeof(arg));
				assert_int_equal(limit_opt(&p, o->val, arg, &r, &err), 1);
				assert_int_equal(r, 0);
				assert_int_equal(cg_limit_parse_finish(&p, &err), 0);
				assert_true(cg_limits_ctrls(&l) & (1u << d->ctrl));
				free(l.cpuset_cpus);
			}
		if (!listed)
			fail_msg("--%s is not among the getopt options", d->flag);
		if (d->short_opt) {
			cg_limits_init(&l);
			min_arg(d, arg, sizeof(arg));
			assert_int_equal(limit_opt(&p, d->short_opt, arg, &r, &err), 1);
			assert_int_equal(r, 0);
		}
		snprintf(line, sizeof(line), "--%s=%s", d->flag, d->arg);
		if (strstr(help, line) == NULL || strstr(help, d->help) == NULL)
			fail_msg("--help has no line for --%s", d->flag);
	}
	/* Not a limit: left to the verb. */
	{
		struct cg_limits l;
		struct cg_limit_parser p = { .l = &l };
		cg_err_t err = { 0 };
		int r = 7;

		cg_limits_init(&l);
		assert_int_equal(limit_opt(&p, 'h', NULL, &r, &err), 0);
		assert_int_equal(r, 7);
	}
	free(help);
}

/* --cpus is the quota for the period, whichever option comes first. */
static void test_cpus_uses_the_period(void **state)
{
	struct cg_limits l;
	struct cg_limit_parser p = { .l = &l };
	cg_err_t err = { 0 };

	(void)state;
	cg_limits_init(&l);
	assert_int_equal(cg_limit_parse(&p, cg_limit_by_flag("cpus"), "1.5", &err), 0);
	assert_int_equal(cg_limit_parse(&p, cg_limit_by_flag("cpu-period"), "50000", &err), 0);
	assert_int_equal(cg_limit_parse_finish(&p, &err), 0);
	assert_int_equal(l.cpu_quota, 75000);
	assert_int_equal(l.cpu_period, 50000);
	/* Both ways of setting the quota at once are refused. */
	assert_int_equal(cg_limit_parse(&p, cg_limit_by_flag("cpu-quota"), "2000", &err), 0);
	assert_int_equal(cg_limit_parse_finish(&p, &err), -1);
	assert_non_null(strstr(err.msg, "--cpus and --cpu-quota"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_are_complete_and_unique),
		cmocka_unit_test(test_ranges_agree_everywhere),
		cmocka_unit_test(test_translation_follows_the_row),
		cmocka_unit_test(test_command_line_covers_every_row),
		cmocka_unit_test(test_cpus_uses_the_period),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
