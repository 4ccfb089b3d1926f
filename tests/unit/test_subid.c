/* test_subid.c - /etc/subuid and /etc/subgid parsing and the choice of a
 * free block of ids (src/lib/subid.c), and the --userns decisions
 * (src/lib/userns.c's pure part). */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "idmap-mount.h"
#include "subid.h"
#include "userns.h"

static void parse_names_numbers_and_merges(void **state)
{
	const char *text =
		"# comment\n"
		"\n"
		"alice:100000:65536\n"
		"cgrun:1000000:131072\n"
		"999:5000000:65536\n"
		"garbage line of another user\n"
		"cgrun:1065536:65536\n"      /* overlaps the first: merged */
		"cgrun:200000:65536\n";
	struct cg_idrange *r;
	size_t n;
	cg_err_t err = { 0 };

	(void)state;
	assert_int_equal(cg_subid_parse(text, "cgrun", 999, &r, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_int_equal(r[0].start, 200000);
	assert_int_equal(r[0].count, 65536);
	assert_int_equal(r[1].start, 1000000);
	assert_int_equal(r[1].count, 131072);
	assert_int_equal(r[2].start, 5000000);
	free(r);
	/* Without a uid, the numeric line is someone else's. */
	assert_int_equal(cg_subid_parse(text, "cgrun", -1, &r, &n, &err), 0);
	assert_int_equal(n, 2);
	free(r);
	assert_int_equal(cg_subid_parse(text, "bob", -1, &r, &n, &err), 0);
	assert_int_equal(n, 0);
	free(r);
	/* Touching ranges merge too. */
	assert_int_equal(cg_subid_parse("cgrun:10:10\ncgrun:20:5\n", "cgrun", -1, &r, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(r[0].count, 15);
	free(r);
}

static void parse_refuses_our_malformed_lines(void **state)
{
	static const char *const bad[] = {
		"cgrun:100000\n", "cgrun:abc:65536\n", "cgrun:100000:0\n", "cgrun:-1:65536\n",
		"cgrun:4294967295:2\n", "cgrun:100000:65536:extra\n", "cgrun::65536\n",
	};
	struct cg_idrange *r;
	size_t n;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cg_err_t err = { 0 };
		cleanup_free char *text = xasprintf("alice:1:2\n%s", bad[i]);

		assert_int_equal(cg_subid_parse(text, "cgrun", -1, &r, &n, &err), -1);
		assert_non_null(strstr(err.msg, "line 2"));
	}
}

static void pick_lowest_free_block(void **state)
{
	struct cg_idrange avail[] = { { 100000, 65536 * 3 }, { 1000000, 65536 } };
	struct cg_idrange used[] = { { 100000 + 65536, 65536 }, { 100000, 65536 } };
	uint32_t s;

	(void)state;
	assert_int_equal(cg_subid_pick(avail, 2, NULL, 0, 65536, &s), 0);
	assert_int_equal(s, 100000);
	assert_int_equal(cg_subid_pick(avail, 2, used, 1, 65536, &s), 0);
	assert_int_equal(s, 100000);  /* the block before the used one is free */
	assert_int_equal(cg_subid_pick(avail, 2, used, 2, 65536, &s), 0);
	assert_int_equal(s, 100000 + 2 * 65536);
	/* A used block not aligned with ours pushes past it. */
	struct cg_idrange odd[] = { { 100010, 10 } };
	assert_int_equal(cg_subid_pick(avail, 2, odd, 1, 65536, &s), 0);
	assert_int_equal(s, 100020);
	/* The first range full: the next one. */
	struct cg_idrange full[] = { { 100000, 65536 * 3 } };
	assert_int_equal(cg_subid_pick(avail, 2, full, 1, 65536, &s), 0);
	assert_int_equal(s, 1000000);
	/* Exhausted. */
	struct cg_idrange all[] = { { 100000, 65536 * 3 }, { 1000000, 65536 } };
	assert_int_equal(cg_subid_pick(avail, 2, all, 2, 65536, &s), -1);
	/* A range smaller than a block. */
	struct cg_idrange small[] = { { 100000, 65535 } };
	assert_int_equal(cg_subid_pick(small, 1, NULL, 0, 65536, &s), -1);
	/* At the top of the id space. */
	struct cg_idrange top[] = { { 4294967295u - 65536, 65536 } };
	assert_int_equal(cg_subid_pick(top, 1, NULL, 0, 65536, &s), 0);
	assert_int_equal(s, 4294967295u - 65536);
}

static void idmap_text_round_trip(void **state)
{
	struct cg_idmap m = { 100000, 200000, 65536 }, back;
	char buf[64];

	(void)state;
	cg_idmap_format(&m, buf, sizeof(buf));
	assert_string_equal(buf, "100000:200000:65536");
	assert_int_equal(cg_idmap_parse(buf, &back), 0);
	assert_int_equal(back.uid, 100000);
	assert_int_equal(back.gid, 200000);
	assert_int_equal(back.count, 65536);
	assert_int_equal(cg_idmap_parse("1:2", &back), -1);
	assert_int_equal(cg_idmap_parse("1:2:0", &back), -1);
	assert_int_equal(cg_idmap_parse("a:2:3", &back), -1);
	cg_idmap_line(100000, 65536, buf, sizeof(buf));
	assert_string_equal(buf, "0 100000 65536\n");
}

static void userns_decisions(void **state)
{
	cg_err_t err = { 0 };
	bool a = false;

	(void)state;
	assert_int_equal(cg_userns_parse("auto", &a, &err), 0);
	assert_true(a);
	assert_int_equal(cg_userns_parse("host", &a, &err), 0);
	assert_false(a);
	assert_int_equal(cg_userns_parse("keep-id", &a, &err), -1);
	assert_non_null(strstr(err.msg, "auto or host"));
	/* v1 only: no delegation, a clear refusal; cgroup2 anywhere: fine. */
	assert_non_null(cg_userns_unsupported(CG_MODE_LEGACY));
	assert_non_null(strstr(cg_userns_unsupported(CG_MODE_LEGACY), "cgroup v1 only"));
	assert_null(cg_userns_unsupported(CG_MODE_HYBRID));
	assert_null(cg_userns_unsupported(CG_MODE_UNIFIED));
}

static void fs_type_names(void **state)
{
	(void)state;
	/* What an idmap refusal names: statfs(2)'s f_type as a word. */
	assert_string_equal(cg_fs_type_name(0xEF53), "ext4");
	assert_string_equal(cg_fs_type_name(0x01021994), "tmpfs");
	assert_string_equal(cg_fs_type_name(0x01021997), "9p");
	assert_string_equal(cg_fs_type_name(0x6969), "nfs");
	assert_string_equal(cg_fs_type_name(0x794c7630), "overlay");
	assert_null(cg_fs_type_name(0x12345678));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_names_numbers_and_merges),
		cmocka_unit_test(parse_refuses_our_malformed_lines),
		cmocka_unit_test(pick_lowest_free_block),
		cmocka_unit_test(idmap_text_round_trip),
		cmocka_unit_test(userns_decisions),
		cmocka_unit_test(fs_type_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
