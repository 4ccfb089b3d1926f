/* test_archive_meta.c - the documents of image archives
 * (src/image/archive-meta.c): docker save's manifest.json (legacy and
 * docker 25's), an OCI layout's index.json, the names annotations give,
 * and links between members. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "archive-meta.h"

#define R8(c) c c c c c c c c
#define HEX(c) R8(R8(c))
#define DG(c) "sha256:" HEX(c)

/* docker 20's save of busybox:latest and a second tag of it. */
static const char legacy[] =
	"[{\"Config\":\"" HEX("a") ".json\",\"RepoTags\":[\"busybox:latest\",\"quay.io/x/y:1\"],"
	"\"Layers\":[\"" HEX("b") "/layer.tar\",\"./" HEX("c") "//layer.tar\"]}]";

/* docker 25's: blobs/sha256/, and an image without a tag. */
static const char docker25[] =
	"[{\"Config\":\"blobs/sha256/" HEX("a") "\",\"RepoTags\":null,"
	"\"Layers\":[\"blobs/sha256/" HEX("b") "\"],\"LayerSources\":{}}]";

static void docker_legacy(void **state)
{
	struct cg_docker_entry *v;
	size_t n;
	cg_err_t err = { 0 };

	(void)state;
	assert_int_equal(cg_docker_manifest_parse(legacy, strlen(legacy), &v, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].config, HEX("a") ".json");
	assert_int_equal(v[0].nlayers, 2);
	assert_string_equal(v[0].layers[0], HEX("b") "/layer.tar");
	assert_string_equal(v[0].layers[1], HEX("c") "/layer.tar");
	assert_null(v[0].layers[2]);
	assert_string_equal(v[0].names[0], "docker.io/library/busybox:latest");
	assert_string_equal(v[0].names[1], "quay.io/x/y:1");
	assert_null(v[0].names[2]);
	cg_docker_entries_free(v, n);
}

static void docker_untagged(void **state)
{
	struct cg_docker_entry *v;
	size_t n;
	cg_err_t err = { 0 };

	(void)state;
	assert_int_equal(cg_docker_manifest_parse(docker25, strlen(docker25), &v, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_null(v[0].names);
	assert_string_equal(v[0].layers[0], "blobs/sha256/" HEX("b"));
	cg_docker_entries_free(v, n);
}

static void docker_refused(void **state)
{
	static const char *const bad[] = {
		"{}",                                                          /* not an array */
		"[]",                                                          /* no image */
		"[{\"Layers\":[\"l.tar\"]}]",                                  /* no Config */
		"[{\"Config\":\"../c.json\",\"Layers\":[\"l.tar\"]}]",         /* leaves the archive */
		"[{\"Config\":\"c.json\",\"Layers\":[\"/etc/passwd\"]}]",      /* absolute */
		"[{\"Config\":\"c.json\",\"Layers\":[\"a/../../b\"]}]",
		"[{\"Config\":\"c.json\",\"Layers\":[\"l.tar\"],\"RepoTags\":[\"Bad Name\"]}]",
		"[{\"Config\":\"c.json\",\"Layers\":[1]}]",                    /* wrong type */
		"[{\"Config\":\"c.json\"}] trailing",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct cg_docker_entry *v = (void *)1;
		size_t n = 7;
		cg_err_t err = { 0 };

		assert_int_equal(cg_docker_manifest_parse(bad[i], strlen(bad[i]), &v, &n, &err), -1);
		assert_null(v);
		assert_int_equal(n, 0);
		assert_true(err.msg[0] != '\0');
		assert_null(strchr(err.msg, '\n'));
	}
}

/* podman save --format oci-archive, docker 25, and a nameless entry. */
static const char layout_index[] =
	"{\"schemaVersion\":2,\"manifests\":["
	"{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" DG("1") "\",\"size\":500,"
	"\"annotations\":{\"org.opencontainers.image.ref.name\":\"localhost/app:1\"}},"
	"{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" DG("2") "\",\"size\":501,"
	"\"annotations\":{\"io.containerd.image.name\":\"docker.io/library/busybox:latest\","
	"\"org.opencontainers.image.ref.name\":\"latest\"}},"
	"{\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"digest\":\"" DG("3") "\",\"size\":502,"
	"\"annotations\":{\"org.opencontainers.image.ref.name\":\"v2\"}},"
	"{\"digest\":\"" DG("4") "\",\"size\":503}]}";

static void layout(void **state)
{
	struct cg_layout_entry *v;
	size_t n;
	cg_err_t err = { 0 };

	(void)state;
	assert_int_equal(cg_layout_index_parse(layout_index, strlen(layout_index), &v, &n, &err), 0);
	assert_int_equal(n, 4);
	assert_string_equal(v[0].digest, DG("1"));
	assert_int_equal(v[0].size, 500);
	assert_string_equal(v[0].name, "localhost/app:1");
	assert_string_equal(v[1].name, "docker.io/library/busybox:latest");
	assert_string_equal(v[2].media_type, "application/vnd.oci.image.index.v1+json");
	assert_null(v[2].name);  /* a bare tag names no repository */
	assert_null(v[3].media_type);
	assert_null(v[3].name);
	cg_layout_entries_free(v, n);
}

static void layout_refused(void **state)
{
	static const char *const bad[] = {
		"{\"manifests\":[]}",
		"{}",
		"{\"manifests\":[{\"digest\":\"sha256:abc\",\"size\":1}]}",              /* short digest */
		"{\"manifests\":[{\"digest\":\"sha512:" HEX("a") "\",\"size\":1}]}",
		"{\"manifests\":[{\"digest\":\"sha256:../../" HEX("a") "\",\"size\":1}]}",
		"{\"manifests\":[{\"digest\":\"" DG("A") "\",\"size\":1}]}",            /* upper case */
		"{\"manifests\":[{\"digest\":\"" DG("a") "\",\"size\":-1}]}",
		"{\"manifests\":[{\"digest\":\"" DG("a") "\",\"size\":1,"
		"\"annotations\":{\"io.containerd.image.name\":\"UPPER/case:x\"}}]}",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct cg_layout_entry *v;
		size_t n;
		cg_err_t err = { 0 };

		assert_int_equal(cg_layout_index_parse(bad[i], strlen(bad[i]), &v, &n, &err), -1);
		assert_null(v);
		assert_true(err.msg[0] != '\0');
	}
}

static void names(void **state)
{
	cg_err_t err = { 0 };
	char *s;

	(void)state;
	assert_int_equal(cg_layout_name("quay.io/a/b:2", "docker.io/library/x:1", &s, &err), 0);
	assert_string_equal(s, "quay.io/a/b:2");  /* containerd's name wins */
	free(s);
	assert_int_equal(cg_layout_name(NULL, "busybox:1.36", &s, &err), 0);
	assert_string_equal(s, "docker.io/library/busybox:1.36");
	free(s);
	assert_int_equal(cg_layout_name(NULL, "localhost:5000/app", &s, &err), 0);
	assert_string_equal(s, "localhost:5000/app:latest");
	free(s);
	assert_int_equal(cg_layout_name(NULL, "latest", &s, &err), 0);
	assert_null(s);
	assert_int_equal(cg_layout_name("", NULL, &s, &err), 0);
	assert_null(s);
	assert_int_equal(cg_layout_name(NULL, "a/b:UPPER TAG", &s, &err), -1);
}

static void members(void **state)
{
	char *s;

	(void)state;
	s = cg_layout_blob_member(DG("f"));
	assert_string_equal(s, "blobs/sha256/" HEX("f"));
	free(s);
	assert_null(cg_layout_blob_member("sha256:../../etc/passwd"));
	assert_null(cg_layout_blob_member("sha256:" HEX("f") "0"));

	s = cg_archive_link_target("abc/layer.tar", "../def/layer.tar");
	assert_string_equal(s, "def/layer.tar");
	free(s);
	s = cg_archive_link_target("abc/layer.tar", "./x/./y");
	assert_string_equal(s, "abc/x/y");
	free(s);
	s = cg_archive_link_target("top.tar", "other.tar");
	assert_string_equal(s, "other.tar");
	free(s);
	assert_null(cg_archive_link_target("abc/layer.tar", "../../etc/passwd"));
	assert_null(cg_archive_link_target("abc/layer.tar", "/etc/passwd"));
	assert_null(cg_archive_link_target("top.tar", ".."));
	assert_null(cg_archive_link_target("abc/layer.tar", ".."));
	assert_null(cg_archive_link_target("abc/layer.tar", ""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(docker_legacy),
		cmocka_unit_test(docker_untagged),
		cmocka_unit_test(docker_refused),
		cmocka_unit_test(layout),
		cmocka_unit_test(layout_refused),
		cmocka_unit_test(names),
		cmocka_unit_test(members),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
