/* test_imgref.c - image references (src/image/imgref.c): docker's
 * normalisation and distribution/reference's grammar. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "imgref.h"

#define D64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

struct want {
	const char *in, *domain, *api_host, *path, *tag, *digest, *canonical, *familiar;
};

static void check(const struct want *w)
{
	struct cg_imgref r;
	cg_err_t err = { 0 };
	char *s;

	if (cg_imgref_parse(w->in, &r, &err) != 0)
		fail_msg("%s: %s", w->in, err.msg);
	assert_string_equal(r.domain, w->domain);
	assert_string_equal(r.api_host, w->api_host);
	assert_string_equal(r.path, w->path);
	if (w->tag)
		assert_string_equal(r.tag, w->tag);
	else
		assert_null(r.tag);
	if (w->digest)
		assert_string_equal(r.digest, w->digest);
	else
		assert_null(r.digest);
	s = cg_imgref_string(&r);
	assert_string_equal(s, w->canonical);
	free(s);
	s = cg_imgref_familiar(&r);
	assert_string_equal(s, w->familiar);
	free(s);
	cg_imgref_free(&r);
	assert_null(r.domain);
}

static void docker_hub_names(void **state)
{
	static const struct want w[] = {
		{ "ubuntu", "docker.io", "registry-1.docker.io", "library/ubuntu", "latest", NULL,
		  "docker.io/library/ubuntu:latest", "ubuntu:latest" },
		{ "ubuntu:22.04", "docker.io", "registry-1.docker.io", "library/ubuntu", "22.04", NULL,
		  "docker.io/library/ubuntu:22.04", "ubuntu:22.04" },
		{ "user/app:1.0", "docker.io", "registry-1.docker.io", "user/app", "1.0", NULL,
		  "docker.io/user/app:1.0", "user/app:1.0" },
		{ "docker.io/busybox", "docker.io", "registry-1.docker.io", "library/busybox", "latest", NULL,
		  "docker.io/library/busybox:latest", "busybox:latest" },
		{ "index.docker.io/library/busybox:musl", "docker.io", "registry-1.docker.io",
		  "library/busybox", "musl", NULL, "docker.io/library/busybox:musl", "busybox:musl" },
		{ "index.docker.io/busybox", "docker.io", "registry-1.docker.io", "library/busybox",
		  "latest", NULL, "docker.io/library/busybox:latest", "busybox:latest" },
		/* "library/" goes in familiar names only before a last component. */
		{ "docker.io/library/a/b", "docker.io", "registry-1.docker.io", "library/a/b", "latest",
		  NULL, "docker.io/library/a/b:latest", "library/a/b:latest" },
		/* The first component is a plain name: no '.', ':' or localhost. */
		{ "my_org/my-app", "docker.io", "registry-1.docker.io", "my_org/my-app", "latest", NULL,
		  "docker.io/my_org/my-app:latest", "my_org/my-app:latest" },
		/* No '/': "localhost:5000" is a name and a tag. */
		{ "localhost:5000", "docker.io", "registry-1.docker.io", "library/localhost", "5000",
		  NULL, "docker.io/library/localhost:5000", "localhost:5000" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		check(&w[i]);
}

static void other_registries(void **state)
{
	static const struct want w[] = {
		{ "quay.io/coreos/etcd:v3.5.0", "quay.io", "quay.io", "coreos/etcd", "v3.5.0", NULL,
		  "quay.io/coreos/etcd:v3.5.0", "quay.io/coreos/etcd:v3.5.0" },
		{ "localhost/foo", "localhost", "localhost", "foo", "latest", NULL,
		  "localhost/foo:latest", "localhost/foo:latest" },
		{ "localhost:5000/a/b/c:T_1", "localhost:5000", "localhost:5000", "a/b/c", "T_1", NULL,
		  "localhost:5000/a/b/c:T_1", "localhost:5000/a/b/c:T_1" },
		{ "127.0.0.1:5000/x", "127.0.0.1:5000", "127.0.0.1:5000", "x", "latest", NULL,
		  "127.0.0.1:5000/x:latest", "127.0.0.1:5000/x:latest" },
		{ "[::1]:5000/x", "[::1]:5000", "[::1]:5000", "x", "latest", NULL,
		  "[::1]:5000/x:latest", "[::1]:5000/x:latest" },
		{ "my-registry.example.com/x", "my-registry.example.com", "my-registry.example.com", "x",
		  "latest", NULL, "my-registry.example.com/x:latest", "my-registry.example.com/x:latest" },
		/* Separators: '.', '_', '__', runs of '-'. */
		{ "ghcr.io/a.b/c__d/e---f/g_h", "ghcr.io", "ghcr.io", "a.b/c__d/e---f/g_h", "latest",
		  NULL, "ghcr.io/a.b/c__d/e---f/g_h:latest", "ghcr.io/a.b/c__d/e---f/g_h:latest" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		check(&w[i]);
}

static void digests(void **state)
{
	static const struct want w[] = {
		/* Only a digest: no tag invented. */
		{ "alpine@sha256:" D64, "docker.io", "registry-1.docker.io", "library/alpine", NULL,
		  "sha256:" D64, "docker.io/library/alpine@sha256:" D64, "alpine@sha256:" D64 },
		/* Both: the tag is kept for naming. */
		{ "quay.io/x/y:1@sha256:" D64, "quay.io", "quay.io", "x/y", "1", "sha256:" D64,
		  "quay.io/x/y:1@sha256:" D64, "quay.io/x/y:1@sha256:" D64 },
		{ "localhost:5000/x@sha256:" D64, "localhost:5000", "localhost:5000", "x", NULL,
		  "sha256:" D64, "localhost:5000/x@sha256:" D64, "localhost:5000/x@sha256:" D64 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		check(&w[i]);
}

static void bad(const char *in, const char *why)
{
	struct cg_imgref r;
	cg_err_t err = { 0 };

	memset(&r, 0xff, sizeof(r));
	if (cg_imgref_parse(in, &r, &err) == 0)
		fail_msg("accepted \"%s\" as %s/%s", in, r.domain, r.path);
	assert_null(r.domain);
	assert_null(r.path);
	assert_null(r.tag);
	if (strstr(err.msg, why) == NULL)
		fail_msg("\"%s\": \"%s\" lacks \"%s\"", in, err.msg, why);
	/* One line. */
	assert_null(strchr(err.msg, '\n'));
}

static void refused(void **state)
{
	char name[300], tag[140];

	(void)state;
	bad("", "empty");
	bad(NULL, "empty");
	bad("Ubuntu", "must be lowercase");
	bad("quay.io/Org/app", "must be lowercase");
	bad("user/App:1", "must be lowercase");
	bad("ubuntu:", "tag");
	bad("ubuntu:-x", "tag");
	bad("ubuntu:.x", "tag");
	bad("ubuntu:a/b", "registry host"); /* "ubuntu:a" is a host with a bad port */
	bad("foo:bar:baz", "tag");
	bad("ubuntu@", "digest");
	bad("ubuntu@sha256:abc", "digest");
	bad("ubuntu@sha256:" D64 "0", "digest");
	bad("ubuntu@sha512:" D64 D64, "digest");
	bad("ubuntu@sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", "digest");
	bad("ubuntu:1@sha256:" D64 "@sha256:" D64, "digest");
	bad("@sha256:" D64, "no repository name");
	bad("quay.io/", "no repository name");
	bad("quay.io//x", "path components");
	bad("a/b/", "path components");
	bad("a___b", "path components");
	bad("a..b", "path components");
	bad("-a", "path components");
	bad("a-", "path components");
	bad("_a", "path components");
	bad("a b", "path components");
	bad("-bad.io/x", "registry host");
	bad("bad-.io/x", "registry host");
	bad("host:/x", "registry host");
	bad("host:5x/x", "registry host");
	bad("a..io/x", "registry host");
	bad("[::1/x", "registry host");
	bad(D64, "image ID");
	/* 255 characters of name, counting docker.io/library/, and no more. */
	memset(name, 'a', sizeof(name));
	name[255 - strlen("docker.io/library/")] = '\0';
	{
		struct cg_imgref r;
		cg_err_t err = { 0 };

		assert_int_equal(cg_imgref_parse(name, &r, &err), 0);
		cg_imgref_free(&r);
	}
	name[256 - strlen("docker.io/library/")] = '\0';
	name[255 - strlen("docker.io/library/")] = 'a';
	bad(name, "longer than 255");
	/* Tags: 128 characters, not 129. */
	memset(tag, 'b', sizeof(tag));
	tag[128] = '\0';
	{
		char *s = NULL;
		struct cg_imgref r;
		cg_err_t err = { 0 };

		s = malloc(strlen(tag) + 3);
		sprintf(s, "a:%s", tag);
		assert_int_equal(cg_imgref_parse(s, &r, &err), 0);
		cg_imgref_free(&r);
		free(s);
	}
	tag[128] = 'b';
	tag[129] = '\0';
	{
		char s[140];

		snprintf(s, sizeof(s), "a:%s", tag);
		bad(s, "tag");
	}
}

static void digest_validity(void **state)
{
	(void)state;
	assert_true(cg_digest_valid("sha256:" D64));
	assert_false(cg_digest_valid(NULL));
	assert_false(cg_digest_valid(""));
	assert_false(cg_digest_valid("sha256:"));
	assert_false(cg_digest_valid(D64));
	assert_false(cg_digest_valid("sha256:" D64 "0"));
	assert_false(cg_digest_valid("sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde"));
	assert_false(cg_digest_valid("sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeF"));
	assert_false(cg_digest_valid("sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg"));
	assert_false(cg_digest_valid("sha512:" D64));
	assert_false(cg_digest_valid("SHA256:" D64));
	assert_false(cg_digest_valid("sha256:../../../../etc/passwd0123456789abcdef0123456789abcdef01234"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(docker_hub_names),
		cmocka_unit_test(other_registries),
		cmocka_unit_test(digests),
		cmocka_unit_test(refused),
		cmocka_unit_test(digest_validity),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
