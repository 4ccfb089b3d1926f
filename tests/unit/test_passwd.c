/* test_passwd.c - -u USER[:GROUP] resolution against /etc/passwd and
 * /etc/group texts (src/lib/passwd.c). */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "passwd.h"

static const char passwd[] =
	"root:x:0:0:root:/root:/bin/sh\n"
	"daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
	"# a comment line\n"
	"\n"
	"broken line without colons\n"
	"bad:x:notanumber:5:bad:/bad:/bin/sh\n"
	"short:x:7:7\n"
	"www:x:33:33:www-data:/var/www:/usr/sbin/nologin\n"
	"nohome:x:50:51:no home::/bin/sh\n"
	"alice:x:1000:1000:Alice,,,:/home/alice:/bin/bash\n"
	"nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin";

static const char group[] =
	"root:x:0:\n"
	"daemon:x:1:\n"
	"wheel:x:10:root,alice\n"
	"garbage\n"
	"bad:x:zz:alice\n"
	"www-data:x:33:\n"
	"audio:x:29:bob,alice,carol\n"
	"alice:x:1000:alice\n"
	"staff:x:50:\n"
	"video:x:44:alicia\n"
	"users:x:100\n"
	"nogroup:x:65534:";

static void resolve_ok(const char *user, const char *grp, const char *pw, const char *gr,
		       struct cg_user *u)
{
	cg_err_t err = { 0 };

	memset(u, 0x5a, sizeof(*u));
	if (cg_user_resolve(user, grp, pw, gr, u, &err) != 0)
		fail_msg("cg_user_resolve(%s, %s) failed: %s", user, grp ? grp : "NULL", err.msg);
}

static bool has_group(const struct cg_user *u, gid_t g)
{
	for (size_t i = 0; i < u->ngroups; i++)
		if (u->groups[i] == g)
			return true;
	return false;
}

static void test_by_name(void **state)
{
	struct cg_user u;

	(void)state;
	resolve_ok("www", NULL, passwd, group, &u);
	assert_int_equal(u.uid, 33);
	assert_int_equal(u.gid, 33);
	assert_string_equal(u.home, "/var/www");
	assert_int_equal(u.ngroups, 0);

	resolve_ok("root", NULL, passwd, group, &u);
	assert_int_equal(u.uid, 0);
	assert_int_equal(u.gid, 0);
	assert_string_equal(u.home, "/root");

	/* The last line has no newline. */
	resolve_ok("nobody", NULL, passwd, group, &u);
	assert_int_equal(u.uid, 65534);
	assert_int_equal(u.gid, 65534);
	assert_string_equal(u.home, "/nonexistent");
}

static void test_by_uid(void **state)
{
	struct cg_user u;

	(void)state;
	resolve_ok("1000", NULL, passwd, group, &u);
	assert_int_equal(u.uid, 1000);
	assert_int_equal(u.gid, 1000);
	assert_string_equal(u.home, "/home/alice");

	resolve_ok("1", NULL, passwd, group, &u);
	assert_int_equal(u.uid, 1);
	assert_int_equal(u.gid, 1);
	assert_string_equal(u.home, "/usr/sbin");
}

static void test_uid_not_in_passwd(void **state)
{
	struct cg_user u;

	(void)state;
	resolve_ok("4242", NULL, passwd, group, &u);
	assert_int_equal(u.uid, 4242);
	assert_int_equal(u.gid, 0);
	assert_string_equal(u.home, "/");
	assert_int_equal(u.ngroups, 0);
}

static void test_empty_home(void **state)
{
	struct cg_user u;

	(void)state;
	resolve_ok("nohome", NULL, passwd, group, &u);
	assert_int_equal(u.uid, 50);
	assert_int_equal(u.gid, 51);
	assert_string_equal(u.home, "/");
}

static void test_unknown_name(void **state)
{
	struct cg_user u;
	cg_err_t err = { 0 };

	(void)state;
	assert_true(cg_user_resolve("mallory", NULL, passwd, group, &u, &err) < 0);
	assert_non_null(strstr(err.msg, "mallory"));
	assert_int_equal(err.exit_code, 125);

	/* Names only match whole fields. */
	memset(&err, 0, sizeof(err));
	assert_true(cg_user_resolve("ali", NULL, passwd, group, &u, &err) < 0);
	memset(&err, 0, sizeof(err));
	assert_true(cg_user_resolve("alicex", NULL, passwd, group, &u, &err) < 0);
}

static void test_malformed_lines_skipped(void **state)
{
	struct cg_user u;
	cg_err_t err = { 0 };

	(void)state;
	/* "bad" has a non-numeric uid, "short" too few fields: neither is a user. */
	assert_true(cg_user_resolve("bad", NULL, passwd, group, &u, &err) < 0);
	memset(&err, 0, sizeof(err));
	assert_true(cg_user_resolve("short", NULL, passwd, group, &u, &err) < 0);
	/* Numeric 7 is not found through the short line: default gid and home. */
	resolve_ok("7", NULL, passwd, group, &u);
	assert_int_equal(u.uid, 7);
	assert_int_equal(u.gid, 0);
	assert_string_equal(u.home, "/");
	/* The "bad" group line (gid "zz") does not make alice a member of anything. */
	resolve_ok("alice", NULL, passwd, group, &u);
	assert_int_equal(u.ngroups, 2);
}

static void test_user_group_by_name(void **state)
{
	struct cg_user u;

	(void)state;
	resolve_ok("www", "staff", passwd, group, &u);
	assert_int_equal(u.uid, 33);
	assert_int_equal(u.gid, 50);
	assert_string_equal(u.home, "/var/www");

	/* A group line with only three fields still names a group. */
	resolve_ok("www", "users", passwd, group, &u);
	assert_int_equal(u.gid, 100);
}

static void test_user_group_by_number(void **state)
{
	struct cg_user u;

	(void)state;
	resolve_ok("1000", "44", passwd, group, &u);
	assert_int_equal(u.uid, 1000);
	assert_int_equal(u.gid, 44);

	/* A numeric gid absent from /etc/group is used as is. */
	resolve_ok("4242", "4343", passwd, group, &u);
	assert_int_equal(u.uid, 4242);
	assert_int_equal(u.gid, 4343);
	assert_string_equal(u.home, "/");
}

static void test_unknown_group(void **state)
{
	struct cg_user u;
	cg_err_t err = { 0 };

	(void)state;
	assert_true(cg_user_resolve("www", "wizards", passwd, group, &u, &err) < 0);
	assert_non_null(strstr(err.msg, "wizards"));
	memset(&err, 0, sizeof(err));
	/* Group names are matched whole too. */
	assert_true(cg_user_resolve("www", "whee", passwd, group, &u, &err) < 0);
	memset(&err, 0, sizeof(err));
	assert_true(cg_user_resolve("www", "staff", passwd, NULL, &u, &err) < 0);
}

static void test_supplementary(void **state)
{
	struct cg_user u;

	(void)state;
	resolve_ok("alice", NULL, passwd, group, &u);
	assert_int_equal(u.uid, 1000);
	assert_int_equal(u.gid, 1000);
	/* wheel (10) and audio (29); not "alice" (her primary group), not
	 * video (lists "alicia"), not the malformed "bad". */
	assert_int_equal(u.ngroups, 2);
	assert_true(has_group(&u, 10));
	assert_true(has_group(&u, 29));
	assert_false(has_group(&u, 1000));
	assert_false(has_group(&u, 44));

	/* By uid the name is known from passwd, so the same groups apply. */
	resolve_ok("1000", NULL, passwd, group, &u);
	assert_int_equal(u.ngroups, 2);
	assert_true(has_group(&u, 10));
	assert_true(has_group(&u, 29));

	resolve_ok("root", NULL, passwd, group, &u);
	assert_int_equal(u.ngroups, 1);
	assert_true(has_group(&u, 10));

	/* With an explicit primary group that is also a supplementary one,
	 * it is not listed twice. */
	resolve_ok("alice", "wheel", passwd, group, &u);
	assert_int_equal(u.gid, 10);
	assert_false(has_group(&u, 10));
	assert_true(has_group(&u, 29));
}

static void test_null_files(void **state)
{
	struct cg_user u;
	cg_err_t err = { 0 };

	(void)state;
	resolve_ok("0", NULL, NULL, NULL, &u);
	assert_int_equal(u.uid, 0);
	assert_int_equal(u.gid, 0);
	assert_string_equal(u.home, "/");
	assert_int_equal(u.ngroups, 0);

	resolve_ok("1234", "5678", NULL, NULL, &u);
	assert_int_equal(u.uid, 1234);
	assert_int_equal(u.gid, 5678);

	/* Names need the files. */
	assert_true(cg_user_resolve("root", NULL, NULL, NULL, &u, &err) < 0);
	memset(&err, 0, sizeof(err));
	assert_true(cg_user_resolve("1234", "staff", NULL, NULL, &u, &err) < 0);

	/* passwd present, group missing: no supplementary groups. */
	resolve_ok("alice", NULL, passwd, NULL, &u);
	assert_int_equal(u.uid, 1000);
	assert_int_equal(u.ngroups, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_by_name),
		cmocka_unit_test(test_by_uid),
		cmocka_unit_test(test_uid_not_in_passwd),
		cmocka_unit_test(test_empty_home),
		cmocka_unit_test(test_unknown_name),
		cmocka_unit_test(test_malformed_lines_skipped),
		cmocka_unit_test(test_user_group_by_name),
		cmocka_unit_test(test_user_group_by_number),
		cmocka_unit_test(test_unknown_group),
		cmocka_unit_test(test_supplementary),
		cmocka_unit_test(test_null_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
