/* test_manifest.c - manifests, indexes and platforms
 * (src/image/manifest.c, src/image/platform.c). The documents have the
 * shapes registries serve: docker hub's official images are OCI indexes
 * with buildkit attestation manifests beside each platform's. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "imgref.h"
#include "manifest.h"

#define R8(c) c c c c c c c c
#define DG(c) "sha256:" R8(R8(c))

/* docker hub's ubuntu:24.04 index as served in 2024 (digests replaced). */
static const char hub_ubuntu[] =
	"{\"manifests\":["
	"{\"annotations\":{\"com.docker.official-images.bashbrew.arch\":\"amd64\","
	"\"org.opencontainers.image.base.name\":\"scratch\",\"org.opencontainers.image.created\":\"2024-06-11T12:00:00Z\","
	"\"org.opencontainers.image.version\":\"24.04\"},"
	"\"digest\":" "\"" DG("1") "\"" ",\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
	"\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"},\"size\":424},"
	"{\"annotations\":{\"com.docker.official-images.bashbrew.arch\":\"amd64\","
	"\"vnd.docker.reference.digest\":\"" DG("1") "\",\"vnd.docker.reference.type\":\"attestation-manifest\"},"
	"\"digest\":\"" DG("2") "\",\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
	"\"platform\":{\"architecture\":\"unknown\",\"os\":\"unknown\"},\"size\":562},"
	"{\"annotations\":{\"com.docker.official-images.bashbrew.arch\":\"arm32v7\"},"
	"\"digest\":\"" DG("3") "\",\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
	"\"platform\":{\"architecture\":\"arm\",\"os\":\"linux\",\"variant\":\"v7\"},\"size\":424},"
	"{\"annotations\":{\"vnd.docker.reference.digest\":\"" DG("3") "\",\"vnd.docker.reference.type\":\"attestation-manifest\"},"
	"\"digest\":\"" DG("4") "\",\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
	"\"platform\":{\"architecture\":\"unknown\",\"os\":\"unknown\"},\"size\":562},"
	"{\"annotations\":{\"com.docker.official-images.bashbrew.arch\":\"arm64v8\"},"
	"\"digest\":\"" DG("5") "\",\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
	"\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\",\"variant\":\"v8\"},\"size\":424},"
	"{\"annotations\":{\"vnd.docker.reference.digest\":\"" DG("5") "\",\"vnd.docker.reference.type\":\"attestation-manifest\"},"
	"\"digest\":\"" DG("6") "\",\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
	"\"platform\":{\"architecture\":\"unknown\",\"os\":\"unknown\"},\"size\":562},"
	"{\"digest\":\"" DG("7") "\",\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
	"\"platform\":{\"architecture\":\"ppc64le\",\"os\":\"linux\"},\"size\":424},"
	"{\"digest\":\"" DG("8") "\",\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
	"\"platform\":{\"architecture\":\"riscv64\",\"os\":\"linux\"},\"size\":424},"
	"{\"digest\":\"" DG("9") "\",\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
	"\"platform\":{\"architecture\":\"s390x\",\"os\":\"linux\"},\"size\":424}"
	"],\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"schemaVersion\":2}";

static void parse_ok(const char *body, const char *ct, struct cg_manifest *m)
{
	cg_err_t err = { 0 };

	if (cg_manifest_parse(body, strlen(body), ct, m, &err) != 0)
		fail_msg("%s", err.msg);
}

static const char *pick(const struct cg_manifest *m, const char *os, const char *arch, const char *variant)
{
	cg_err_t err = { 0 };
	const struct cg_descriptor *d = cg_index_pick(m, os, arch, variant, &err);

	return d ? d->digest : NULL;
}

static void docker_hub_index(void **state)
{
	struct cg_manifest m;
	cg_err_t err = { 0 };

	(void)state;
	parse_ok(hub_ubuntu, "application/vnd.oci.image.index.v1+json", &m);
	assert_int_equal(m.kind, CG_MF_INDEX);
	assert_string_equal(m.media_type, CG_MT_OCI_INDEX);
	assert_int_equal(m.nentries, 9);
	assert_string_equal(m.entries[0].os, "linux");
	assert_string_equal(m.entries[0].arch, "amd64");
	assert_null(m.entries[0].variant);
	assert_int_equal(m.entries[0].size, 424);
	assert_false(m.entries[0].attestation);
	assert_true(m.entries[1].attestation);
	assert_false(m.entries[2].attestation);
	assert_string_equal(m.entries[2].variant, "v7");
	assert_true(m.entries[3].attestation);
	assert_false(m.entries[6].attestation);

	assert_string_equal(pick(&m, "linux", "amd64", NULL), DG("1"));
	assert_string_equal(pick(&m, "linux", "x86_64", NULL), DG("1"));
	/* arm64's variant is v8 whether said or not. */
	assert_string_equal(pick(&m, "linux", "arm64", NULL), DG("5"));
	assert_string_equal(pick(&m, "linux", "arm64", "v8"), DG("5"));
	assert_string_equal(pick(&m, "linux", "aarch64", "8"), DG("5"));
	assert_string_equal(pick(&m, "linux", "arm", NULL), DG("3"));
	assert_string_equal(pick(&m, "linux", "arm", "v7"), DG("3"));
	assert_string_equal(pick(&m, "linux", "s390x", NULL), DG("9"));
	assert_string_equal(pick(&m, "linux", "riscv64", NULL), DG("8"));
	/* An arm/v6 machine cannot run v7; unknown/unknown is no platform. */
	assert_null(cg_index_pick(&m, "linux", "arm", "v6", &err));
	assert_string_equal(err.msg, "no image for linux/arm/v6 in the index; it has linux/amd64, "
				     "linux/arm/v7, linux/arm64/v8, linux/ppc64le, linux/riscv64, linux/s390x");
	assert_null(cg_index_pick(&m, "windows", "amd64", NULL, &err));
	assert_null(pick(&m, "unknown", "unknown", NULL));
	assert_null(pick(&m, "linux", "mips64le", NULL));
	cg_manifest_free(&m);
	assert_null(m.entries);
}

static void manifest_list_variants(void **state)
{
	/* A docker manifest list: arm/v5, arm/v6, 386, amd64, and an
	 * attestation annotated but given a real platform. */
	static const char list[] =
		"{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.list.v2+json\","
		"\"manifests\":["
		"{\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\",\"size\":1,\"digest\":\"" DG("a") "\","
		"\"platform\":{\"architecture\":\"arm\",\"os\":\"linux\",\"variant\":\"v5\"}},"
		"{\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\",\"size\":1,\"digest\":\"" DG("b") "\","
		"\"platform\":{\"architecture\":\"arm\",\"os\":\"linux\",\"variant\":\"v6\"}},"
		"{\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\",\"size\":1,\"digest\":\"" DG("c") "\","
		"\"platform\":{\"architecture\":\"386\",\"os\":\"linux\"}},"
		"{\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\",\"size\":1,\"digest\":\"" DG("f") "\","
		"\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"},"
		"\"annotations\":{\"vnd.docker.reference.type\":\"attestation-manifest\"}},"
		"{\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\",\"size\":1,\"digest\":\"" DG("d") "\","
		"\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}},"
		"{\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"size\":1,\"digest\":\"" DG("e") "\","
		"\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\"}}"
		"]}";
	struct cg_manifest m;

	(void)state;
	parse_ok(list, "application/vnd.docker.distribution.manifest.list.v2+json", &m);
	assert_int_equal(m.kind, CG_MF_INDEX);
	assert_true(m.entries[3].attestation);
	/* The exact platform before compatible ones, whatever the order. */
	assert_string_equal(pick(&m, "linux", "amd64", NULL), DG("d"));
	assert_string_equal(pick(&m, "linux", "386", NULL), DG("c"));
	assert_string_equal(pick(&m, "linux", "arm", "v6"), DG("b"));
	assert_string_equal(pick(&m, "linux", "arm", "v5"), DG("a"));
	/* arm/v7 runs v6 before v5; arm64 runs 32-bit arm; a nested index is
	 * not an image manifest. */
	assert_string_equal(pick(&m, "linux", "arm", "v7"), DG("b"));
	assert_string_equal(pick(&m, "linux", "arm", NULL), DG("b"));
	assert_string_equal(pick(&m, "linux", "arm64", NULL), DG("b"));
	cg_manifest_free(&m);
}

static void amd64_runs_386_last(void **state)
{
	static const char idx[] =
		"{\"schemaVersion\":2,\"manifests\":["
		"{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"size\":1,\"digest\":\"" DG("c") "\","
		"\"platform\":{\"architecture\":\"386\",\"os\":\"linux\"}}]}";
	struct cg_manifest m;

	(void)state;
	/* No mediaType, no content type: an index by its fields. */
	parse_ok(idx, NULL, &m);
	assert_int_equal(m.kind, CG_MF_INDEX);
	assert_string_equal(m.media_type, CG_MT_OCI_INDEX);
	assert_string_equal(pick(&m, "linux", "amd64", NULL), DG("c"));
	assert_null(pick(&m, "linux", "arm64", NULL));
	cg_manifest_free(&m);
}

static const char docker_image[] =
	"{\n   \"schemaVersion\": 2,\n"
	"   \"mediaType\": \"application/vnd.docker.distribution.manifest.v2+json\",\n"
	"   \"config\": {\n      \"mediaType\": \"application/vnd.docker.container.image.v1+json\",\n"
	"      \"size\": 7023,\n      \"digest\": \"" DG("c") "\"\n   },\n"
	"   \"layers\": [\n"
	"      {\"mediaType\": \"application/vnd.docker.image.rootfs.diff.tar.gzip\", \"size\": 32654, \"digest\": \"" DG("1") "\"},\n"
	"      {\"mediaType\": \"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip\", \"size\": 16724,"
	"       \"digest\": \"" DG("2") "\", \"urls\": [\"https://example.com/layer\"]},\n"
	"      {\"mediaType\": \"application/vnd.docker.image.rootfs.diff.tar.gzip\", \"size\": 73109, \"digest\": \"" DG("3") "\"}\n"
	"   ]\n}\n";

static void docker_schema2(void **state)
{
	struct cg_manifest m;

	(void)state;
	parse_ok(docker_image, "application/vnd.docker.distribution.manifest.v2+json", &m);
	assert_int_equal(m.kind, CG_MF_IMAGE);
	assert_string_equal(m.media_type, CG_MT_DOCKER_MANIFEST);
	assert_string_equal(m.config.media_type, CG_MT_DOCKER_CONFIG);
	assert_string_equal(m.config.digest, DG("c"));
	assert_int_equal(m.config.size, 7023);
	assert_int_equal(m.nlayers, 3);
	assert_string_equal(m.layers[0].digest, DG("1"));
	assert_int_equal(m.layers[0].size, 32654);
	assert_int_equal(m.layers[0].compression, CG_COMP_GZIP);
	assert_false(m.layers[0].foreign);
	assert_null(m.layers[0].urls);
	assert_true(m.layers[1].foreign);
	assert_int_equal(m.layers[1].compression, CG_COMP_GZIP);
	assert_string_equal(m.layers[1].urls[0], "https://example.com/layer");
	assert_null(m.layers[1].urls[1]);
	assert_string_equal(m.layers[2].digest, DG("3"));
	assert_int_equal(m.nentries, 0);
	cg_manifest_free(&m);
	/* A registry that serves it as plain JSON: the body says. */
	parse_ok(docker_image, "application/json", &m);
	assert_int_equal(m.kind, CG_MF_IMAGE);
	assert_string_equal(m.media_type, CG_MT_DOCKER_MANIFEST);
	cg_manifest_free(&m);
}

static void oci_manifest_without_media_type(void **state)
{
	static const char oci[] =
		"{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
		"\"digest\":\"" DG("c") "\",\"size\":0},\"layers\":["
		"{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+zstd\",\"digest\":\"" DG("1") "\",\"size\":10},"
		"{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"" DG("2") "\",\"size\":20},"
		"{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"" DG("3") "\",\"size\":30},"
		"{\"mediaType\":\"application/vnd.oci.image.layer.nondistributable.v1.tar+gzip\",\"digest\":\"" DG("4") "\",\"size\":9007199254740993}"
		"],\"annotations\":{\"org.opencontainers.image.created\":\"2024-01-01T00:00:00Z\"}}";
	struct cg_manifest m;

	(void)state;
	/* The content type decides, parameters and case aside. */
	parse_ok(oci, "Application/VND.oci.image.manifest.v1+json; charset=utf-8", &m);
	assert_int_equal(m.kind, CG_MF_IMAGE);
	assert_string_equal(m.media_type, CG_MT_OCI_MANIFEST);
	assert_int_equal(m.config.size, 0);
	assert_int_equal(m.nlayers, 4);
	assert_int_equal(m.layers[0].compression, CG_COMP_ZSTD);
	assert_int_equal(m.layers[1].compression, CG_COMP_NONE);
	assert_int_equal(m.layers[2].compression, CG_COMP_GZIP);
	assert_false(m.layers[2].foreign);
	assert_true(m.layers[3].foreign);
	assert_int_equal(m.layers[3].size, 9007199254740993LL);
	cg_manifest_free(&m);
	/* Without a useful content type: by the fields. */
	parse_ok(oci, "text/plain", &m);
	assert_int_equal(m.kind, CG_MF_IMAGE);
	assert_string_equal(m.media_type, CG_MT_OCI_MANIFEST);
	cg_manifest_free(&m);
}

static void refused(const char *body, const char *ct, const char *why)
{
	struct cg_manifest m;
	cg_err_t err = { 0 };

	if (cg_manifest_parse(body, strlen(body), ct, &m, &err) == 0)
		fail_msg("accepted: %s", body);
	assert_int_equal(m.kind, 0);
	assert_null(m.layers);
	assert_null(m.entries);
	assert_null(m.media_type);
	if (strstr(err.msg, why) == NULL)
		fail_msg("\"%s\" lacks \"%s\"", err.msg, why);
	assert_null(strchr(err.msg, '\n'));
}

#define CFG_OK "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" DG("c") "\",\"size\":5}"
#define LAYER(d, s) "{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"" d "\",\"size\":" s "}"

static void schema1_refused(void **state)
{
	static const char s1[] =
		"{\"schemaVersion\":1,\"name\":\"library/hello\",\"tag\":\"latest\",\"architecture\":\"amd64\","
		"\"fsLayers\":[{\"blobSum\":\"" DG("a") "\"}],\"history\":[{\"v1Compatibility\":\"{}\"}],"
		"\"signatures\":[{\"header\":{\"alg\":\"ES256\"},\"signature\":\"x\",\"protected\":\"y\"}]}";

	(void)state;
	refused(s1, "application/vnd.docker.distribution.manifest.v1+prettyjws", "schema1 is not supported");
	refused(s1, "application/vnd.docker.distribution.manifest.v1+json", "schema1 is not supported");
	refused(s1, "application/json", "schema1 is not supported");
	refused(s1, NULL, "schema1 is not supported");
	/* Served as schema1, whatever the body. */
	refused("{\"schemaVersion\":2," CFG_OK ",\"layers\":[]}",
		"application/vnd.docker.distribution.manifest.v1+prettyjws", "schema1 is not supported");
	refused("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.v1+json\"}",
		NULL, "schema1 is not supported");
}

static void bad_digests_and_sizes(void **state)
{
	(void)state;
	refused("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
		"\"digest\":\"sha256:ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef0123456789\",\"size\":5},"
		"\"layers\":[]}", NULL, "config: bad digest");
	refused("{\"schemaVersion\":2," CFG_OK ",\"layers\":[" LAYER(DG("1"), "1") ","
		LAYER("sha512:" R8(R8("1")) R8(R8("1")), "1") "]}", NULL, "layer 1: bad digest");
	refused("{\"schemaVersion\":2," CFG_OK ",\"layers\":[" LAYER("sha256:../../etc/passwd", "1") "]}",
		NULL, "layer 0: bad digest");
	refused("{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"" CG_MT_OCI_MANIFEST "\","
		"\"digest\":\"sha256:1234\",\"size\":1}]}", NULL, "manifests[0]: bad digest");
	refused("{\"schemaVersion\":2," CFG_OK ",\"layers\":[" LAYER(DG("1"), "-1") "]}", NULL,
		"layer 0: \"size\" is not a non-negative integer");
	refused("{\"schemaVersion\":2," CFG_OK ",\"layers\":[" LAYER(DG("1"), "\"10\"") "]}", NULL,
		"\"size\" is not a non-negative integer");
	refused("{\"schemaVersion\":2," CFG_OK ",\"layers\":[" LAYER(DG("1"), "1.5") "]}", NULL,
		"\"size\" is not a non-negative integer");
	refused("{\"schemaVersion\":2," CFG_OK ",\"layers\":[" LAYER(DG("1"), "99999999999999999999") "]}",
		NULL, "\"size\" is not a non-negative integer");
	/* An embedded NUL would hide the rest of the digest. */
	refused("{\"schemaVersion\":2," CFG_OK ",\"layers\":[" LAYER(DG("1") "\\u0000x", "1") "]}", NULL,
		"NUL");
}

static void missing_fields_and_confusion(void **state)
{
	(void)state;
	refused("{\"schemaVersion\":2,\"mediaType\":\"" CG_MT_OCI_MANIFEST "\",\"layers\":[]}", NULL,
		"\"config\" is missing");
	refused("{\"schemaVersion\":2,\"mediaType\":\"" CG_MT_OCI_MANIFEST "\"," CFG_OK "}", NULL,
		"\"layers\" is missing");
	refused("{\"schemaVersion\":2," CFG_OK ",\"layers\":{}}", NULL, "\"layers\" is not an array");
	refused("{\"schemaVersion\":2," CFG_OK ",\"layers\":[{\"digest\":\"" DG("1") "\",\"size\":1}]}",
		NULL, "layer 0: \"mediaType\" is missing");
	refused("{\"schemaVersion\":2," CFG_OK ",\"layers\":[{\"mediaType\":\"" "application/vnd.oci.image.layer.v1.tar\","
		"\"size\":1}]}", NULL, "layer 0: \"digest\" is missing");
	refused("{\"schemaVersion\":2," CFG_OK ",\"layers\":[{\"mediaType\":\"" "application/vnd.oci.image.layer.v1.tar\","
		"\"digest\":\"" DG("1") "\"}]}", NULL, "layer 0: \"size\" is missing");
	refused("{\"schemaVersion\":2,\"mediaType\":\"" CG_MT_OCI_INDEX "\"}", NULL, "\"manifests\" is missing");
	refused("{\"schemaVersion\":2,\"manifests\":[]," CFG_OK "}", NULL, "both");
	refused("{" CFG_OK ",\"layers\":[]}", NULL, "\"schemaVersion\" is missing");
	refused("{\"schemaVersion\":3," CFG_OK ",\"layers\":[]}", NULL, "unsupported schemaVersion 3");
	refused("{\"schemaVersion\":\"2\"," CFG_OK ",\"layers\":[]}", NULL, "unsupported schemaVersion");
	refused("{\"schemaVersion\":2}", NULL, "neither an image manifest nor an index");
	/* containerd's check: the kind served is the kind of the document. */
	refused("{\"schemaVersion\":2," CFG_OK ",\"layers\":[]}", CG_MT_OCI_INDEX,
		"served as an index");
	refused("{\"schemaVersion\":2,\"mediaType\":\"" CG_MT_OCI_INDEX "\",\"manifests\":[]}",
		CG_MT_DOCKER_MANIFEST, "served as an image manifest");
	refused("{\"schemaVersion\":2,\"mediaType\":\"" CG_MT_OCI_MANIFEST "\",\"manifests\":[]}", NULL,
		"but it is an index");
	refused("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.artifact.manifest.v1+json\"}",
		NULL, "unsupported manifest media type");
	refused("{\"schemaVersion\":2," CFG_OK ",\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+bzip2\","
		"\"digest\":\"" DG("1") "\",\"size\":1}]}", NULL, "unsupported layer media type");
	/* A helm chart is an OCI artifact, not an image. */
	refused("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/vnd.cncf.helm.config.v1+json\","
		"\"digest\":\"" DG("c") "\",\"size\":1},\"layers\":[]}", NULL, "not a container image");
	refused("{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"" CG_MT_OCI_MANIFEST "\",\"digest\":\""
		DG("1") "\",\"size\":1,\"platform\":{\"os\":7}}]}", NULL, "manifests[0]: platform: \"os\" is not a string");
	refused("[1,2]", NULL, "not a JSON object");
	refused("{\"schemaVersion\":2,", NULL, "invalid JSON");
	refused("{\"schemaVersion\":2," CFG_OK ",\"layers\":[]} {}", NULL, "invalid JSON");
	/* Stricter JSON (json-c's strict mode): no comments, trailing commas. */
	refused("{\"schemaVersion\":2, /* c */ " CFG_OK ",\"layers\":[]}", NULL, "invalid JSON");
	refused("{\"schemaVersion\":2," CFG_OK ",\"layers\":[],}", NULL, "invalid JSON");
	{
		/* Bytes after a NUL are bytes too. */
		static const char nul[] = "{\"schemaVersion\":2," CFG_OK ",\"layers\":[]}\0junk";
		struct cg_manifest m;
		cg_err_t err = { 0 };

		assert_int_not_equal(cg_manifest_parse(nul, sizeof(nul) - 1, NULL, &m, &err), 0);
		assert_non_null(strstr(err.msg, "invalid JSON"));
		assert_int_equal(cg_manifest_parse(nul, strlen(nul), NULL, &m, &err), 0);
		cg_manifest_free(&m);
	}
	refused("", NULL, "invalid JSON");
}

static void pick_needs_an_index(void **state)
{
	struct cg_manifest m;
	cg_err_t err = { 0 };

	(void)state;
	parse_ok(docker_image, NULL, &m);
	assert_null(cg_index_pick(&m, "linux", "amd64", NULL, &err));
	assert_string_equal(err.msg, "not an index");
	cg_manifest_free(&m);
}

static void platforms(void **state)
{
	static const struct {
		const char *machine, *arch, *variant;
	} machines[] = {
		{ "x86_64", "amd64", NULL },  { "aarch64", "arm64", "v8" }, { "armv7l", "arm", "v7" },
		{ "armv6l", "arm", "v6" },    { "armv8l", "arm", "v8" },    { "i686", "386", NULL },
		{ "i386", "386", NULL },      { "ppc64le", "ppc64le", NULL }, { "s390x", "s390x", NULL },
		{ "riscv64", "riscv64", NULL }, { "loongarch64", "loong64", NULL },
	};
	static const struct {
		const char *in, *os, *arch, *variant;
	} parsed[] = {
		{ "linux/amd64", "linux", "amd64", NULL },
		{ "linux/arm64", "linux", "arm64", "v8" },
		{ "linux/arm64/v8", "linux", "arm64", "v8" },
		{ "Linux/AARCH64", "linux", "arm64", "v8" },
		{ "linux/arm", "linux", "arm", "v7" },
		{ "linux/arm/6", "linux", "arm", "v6" },
		{ "linux/armhf", "linux", "arm", "v7" },
		{ "linux/x86_64", "linux", "amd64", NULL },
		{ "linux/i386", "linux", "386", NULL },
		{ "linux/s390x", "linux", "s390x", NULL },
	};
	static const char *const bad[] = { "", "linux", "linux/", "/amd64", "linux//v7",
					   "linux/arm/v7/x", "linux/am d64", "linux/arm/v7/", "linux/a;b" };
	char *os, *arch, *variant;
	cg_err_t err = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(machines) / sizeof(machines[0]); i++) {
		cg_platform_from_machine(machines[i].machine, &arch, &variant);
		assert_string_equal(arch, machines[i].arch);
		if (machines[i].variant)
			assert_string_equal(variant, machines[i].variant);
		else
			assert_null(variant);
		free(arch);
		free(variant);
	}
	for (size_t i = 0; i < sizeof(parsed) / sizeof(parsed[0]); i++) {
		if (cg_platform_parse(parsed[i].in, &os, &arch, &variant, &err) != 0)
			fail_msg("%s: %s", parsed[i].in, err.msg);
		assert_string_equal(os, parsed[i].os);
		assert_string_equal(arch, parsed[i].arch);
		if (parsed[i].variant)
			assert_string_equal(variant, parsed[i].variant);
		else
			assert_null(variant);
		free(os);
		free(arch);
		free(variant);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		os = arch = variant = (char *)"x";
		if (cg_platform_parse(bad[i], &os, &arch, &variant, &err) == 0)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_null(os);
		assert_null(arch);
		assert_null(variant);
		assert_non_null(strstr(err.msg, "expected OS/ARCH[/VARIANT]"));
	}
	cg_platform_host(&os, &arch, &variant);
	assert_string_equal(os, "linux");
	assert_non_null(arch);
	free(os);
	free(arch);
	free(variant);
	os = cg_platform_string("linux", "arm64", "v8");
	assert_string_equal(os, "linux/arm64/v8");
	free(os);
	os = cg_platform_string("linux", "amd64", NULL);
	assert_string_equal(os, "linux/amd64");
	free(os);
}

static void ranks(void **state)
{
	(void)state;
	assert_int_equal(cg_platform_rank("linux", "amd64", NULL, "linux", "amd64", NULL), 0);
	assert_int_equal(cg_platform_rank("linux", "amd64", NULL, "linux", "amd64", "v1"), 0);
	assert_int_equal(cg_platform_rank("linux", "amd64", NULL, "linux", "amd64", "v2"), -1);
	assert_int_equal(cg_platform_rank("linux", "amd64", "v3", "linux", "amd64", "v2"), 1);
	assert_int_equal(cg_platform_rank("linux", "amd64", "v3", "linux", "amd64", NULL), 2);
	assert_int_equal(cg_platform_rank("linux", "amd64", "v3", "linux", "386", NULL), 3);
	assert_int_equal(cg_platform_rank("linux", "386", NULL, "linux", "amd64", NULL), -1);
	assert_int_equal(cg_platform_rank("linux", "arm", "v7", "linux", "arm", "v8"), -1);
	assert_int_equal(cg_platform_rank("linux", "arm", "v5", "linux", "arm", "v5"), 0);
	assert_int_equal(cg_platform_rank("linux", "arm", "v6", "linux", "arm", "v5"), 1);
	assert_int_equal(cg_platform_rank("linux", "arm64", "v9", "linux", "arm64", NULL), 1);
	assert_int_equal(cg_platform_rank("linux", "arm64", NULL, "linux", "arm64", "v9"), -1);
	assert_int_equal(cg_platform_rank("linux", "arm64", NULL, "linux", "arm", "v8"), 2);
	assert_int_equal(cg_platform_rank("linux", "arm64", NULL, "linux", "arm", "v5"), 5);
	assert_int_equal(cg_platform_rank("linux", "arm64", NULL, "linux", "amd64", NULL), -1);
	assert_int_equal(cg_platform_rank("linux", "amd64", NULL, "windows", "amd64", NULL), -1);
	assert_int_equal(cg_platform_rank("linux", "amd64", NULL, NULL, NULL, NULL), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(docker_hub_index),
		cmocka_unit_test(manifest_list_variants),
		cmocka_unit_test(amd64_runs_386_last),
		cmocka_unit_test(docker_schema2),
		cmocka_unit_test(oci_manifest_without_media_type),
		cmocka_unit_test(schema1_refused),
		cmocka_unit_test(bad_digests_and_sizes),
		cmocka_unit_test(missing_fields_and_confusion),
		cmocka_unit_test(pick_needs_an_index),
		cmocka_unit_test(platforms),
		cmocka_unit_test(ranks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
