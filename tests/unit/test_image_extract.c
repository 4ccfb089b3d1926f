/* test_image_extract.c - the pure rules of layer extraction: entry names
 * (tar-path.c), whiteout names, the xattrs a layer may set, and the
 * compression told by a stream's first bytes (decompress.c), and the
 * sha256 helpers (sha256.c). */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "decompress.h"
#include "sha256.h"
#include "tar-path.h"

static void expect_clean(const char *name, const char *want)
{
	const char *why = NULL;
	char *got = cg_tar_path_clean(name, &why);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void expect_refused(const char *name, const char *reason)
{
	const char *why = NULL;
	char *got = cg_tar_path_clean(name, &why);

	assert_null(got);
	assert_non_null(why);
	assert_non_null(strstr(why, reason));
}

static void test_path_clean(void **state)
{
	(void)state;
	expect_clean("usr/bin/sh", "usr/bin/sh");
	expect_clean("./usr/bin/sh", "usr/bin/sh");
	expect_clean("./", "");
	expect_clean(".", "");
	expect_clean("./usr//lib/./x/", "usr/lib/x");
	expect_clean("a/.../b", "a/.../b");
	expect_clean("..a/b..", "..a/b..");
	expect_refused("/etc/passwd", "absolute");
	expect_refused("../x", "'..'");
	expect_refused("./a/../../x", "'..'");
	expect_refused("a/..", "'..'");
	expect_refused("", "no name");
	expect_refused(NULL, "no name");
}

static void test_path_split(void **state)
{
	char a[] = "usr/bin/sh", b[] = "etc";
	const char *parent, *base;

	(void)state;
	cg_tar_path_split(a, &parent, &base);
	assert_string_equal(parent, "usr/bin");
	assert_string_equal(base, "sh");
	cg_tar_path_split(b, &parent, &base);
	assert_string_equal(parent, "");
	assert_string_equal(base, "etc");
}

static void test_whiteout_kind(void **state)
{
	const char *t;

	(void)state;
	assert_int_equal(cg_whiteout_kind("passwd", &t), CG_WHITEOUT_NONE);
	assert_null(t);
	assert_int_equal(cg_whiteout_kind(".wh.passwd", &t), CG_WHITEOUT_FILE);
	assert_string_equal(t, "passwd");
	assert_int_equal(cg_whiteout_kind(".wh..hidden", &t), CG_WHITEOUT_FILE);
	assert_string_equal(t, ".hidden");
	assert_int_equal(cg_whiteout_kind(".wh..wh..opq", &t), CG_WHITEOUT_OPAQUE);
	assert_int_equal(cg_whiteout_kind(".wh..wh.plnk", &t), CG_WHITEOUT_META);
	assert_int_equal(cg_whiteout_kind(".wh.", &t), CG_WHITEOUT_BAD);
	assert_int_equal(cg_whiteout_kind(".wh..", &t), CG_WHITEOUT_BAD);
	assert_int_equal(cg_whiteout_kind(".wh...", &t), CG_WHITEOUT_BAD);
	assert_int_equal(cg_whiteout_kind(".whx", &t), CG_WHITEOUT_NONE);
}

static void test_xattr_allowed(void **state)
{
	(void)state;
	assert_true(cg_xattr_allowed("security.capability"));
	assert_true(cg_xattr_allowed("user.x"));
	assert_false(cg_xattr_allowed("user."));
	assert_false(cg_xattr_allowed("trusted.overlay.opaque"));
	assert_false(cg_xattr_allowed("trusted.overlay.redirect"));
	assert_false(cg_xattr_allowed("security.selinux"));
	assert_false(cg_xattr_allowed("security.ima"));
	assert_false(cg_xattr_allowed("system.posix_acl_access"));
}

static void test_compression_detect(void **state)
{
	static const unsigned char gz[] = { 0x1f, 0x8b, 0x08, 0x00 };
	static const unsigned char zst[] = { 0x28, 0xb5, 0x2f, 0xfd, 0x04 };
	static const unsigned char xz[] = { 0xfd, '7', 'z', 'X', 'Z', 0x00 };
	static const unsigned char bz[] = { 'B', 'Z', 'h', '9' };
	static const unsigned char tar[] = { 'e', 't', 'c', '/', 0, 0 };

	(void)state;
	assert_int_equal(cg_compression_detect(gz, sizeof(gz)), CG_COMPRESSION_GZIP);
	assert_int_equal(cg_compression_detect(gz, 1), CG_COMPRESSION_NONE);
	assert_int_equal(cg_compression_detect(zst, sizeof(zst)), CG_COMPRESSION_ZSTD);
	assert_int_equal(cg_compression_detect(xz, sizeof(xz)), CG_COMPRESSION_XZ);
	assert_int_equal(cg_compression_detect(xz, 5), CG_COMPRESSION_NONE);
	assert_int_equal(cg_compression_detect(bz, sizeof(bz)), CG_COMPRESSION_BZIP2);
	assert_int_equal(cg_compression_detect(tar, sizeof(tar)), CG_COMPRESSION_NONE);
	assert_string_equal(cg_compression_name(CG_COMPRESSION_XZ), "xz");
}

static void test_sha256(void **state)
{
	struct cg_sha256 h;
	char out[CG_SHA256_DIGEST_LEN];
	cg_err_t err = { 0 };

	(void)state;
	/* FIPS 180-2's "abc", fed in two pieces, and the empty input. */
	assert_int_equal(cg_sha256_init(&h, &err), 0);
	assert_int_equal(cg_sha256_update(&h, "a", 1, &err), 0);
	assert_int_equal(cg_sha256_update(&h, "bc", 2, &err), 0);
	assert_int_equal(cg_sha256_final(&h, out, &err), 0);
	assert_string_equal(out, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_null(h.md_ctx);
	assert_int_equal(cg_sha256_init(&h, &err), 0);
	assert_int_equal(cg_sha256_final(&h, out, &err), 0);
	assert_string_equal(out, "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	/* Used after final: an error, not a crash. */
	assert_true(cg_sha256_update(&h, "x", 1, &err) < 0);
	cg_sha256_free(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_clean),
		cmocka_unit_test(test_path_split),
		cmocka_unit_test(test_whiteout_kind),
		cmocka_unit_test(test_xattr_allowed),
		cmocka_unit_test(test_compression_detect),
		cmocka_unit_test(test_sha256),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
