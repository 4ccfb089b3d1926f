/* fuzz_proto.c - libFuzzer harness for cgrund's request decoder: the
 * frame header (cg_proto_frame), the request (cg_proto_decode) and the
 * container spec in it (cg_spec_from_json), all from src/lib/proto.c.
 *
 * Input: bytes as they arrive on the socket. If they hold a whole frame,
 * its payload is decoded; otherwise the bytes themselves are taken as the
 * JSON text, so the fuzzer reaches the decoder without having to guess
 * a length prefix. Properties checked beyond "no crash, no leak, no UB":
 *   - a whole frame fits in the input and has a payload;
 *   - a failed decode or spec always says why (err.msg non-empty);
 *   - a decoded request re-encodes (cg_proto_encode) to a frame that
 *     cg_proto_frame accepts whole and that decodes to the same command;
 *   - a spec that decodes survives cg_spec_to_json -> cg_spec_from_json,
 *     and the second encoding equals the first.
 * Build and run: tests/fuzz/run [SECONDS]. */
#include "config.h"

#include <json-c/json.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"
#include "spec.h"

#define CHECK(cond)                                                              \
	do {                                                                     \
		if (!(cond)) {                                                   \
			fprintf(stderr, "fuzz_proto: check failed: %s (line %d)\n", \
				#cond, __LINE__);                                \
			abort();                                                 \
		}                                                                \
	} while (0)

static void check_spec(struct json_object *spec)
{
	struct cg_spec s, s2;
	cg_err_t err = { 0 };

	cg_spec_init(&s);
	if (cg_spec_from_json(spec, &s, &err) < 0) {
		CHECK(err.msg[0] != '\0');
		cg_spec_free(&s);
		return;
	}
	struct json_object *a = cg_spec_to_json(&s);
	char *text_a = strdup(json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN));

	cg_spec_init(&s2);
	memset(&err, 0, sizeof(err));
	if (cg_spec_from_json(a, &s2, &err) < 0) {
		fprintf(stderr, "fuzz_proto: spec does not round-trip: %s\n  %s\n", err.msg, text_a);
		abort();
	}
	struct json_object *b = cg_spec_to_json(&s2);

	if (strcmp(text_a, json_object_to_json_string_ext(b, JSON_C_TO_STRING_PLAIN)) != 0) {
		fprintf(stderr, "fuzz_proto: spec changes on re-encoding:\n  %s\n  %s\n", text_a,
			json_object_to_json_string_ext(b, JSON_C_TO_STRING_PLAIN));
		abort();
	}
	free(text_a);
	json_object_put(b);
	cg_spec_free(&s2);
	json_object_put(a);
	cg_spec_free(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cg_err_t err = { 0 };
	size_t total = 0;
	const char *json = (const char *)data;
	size_t len = size;
	int r = cg_proto_frame(data, size, &total, &err);
	struct cg_request req;

	if (r < 0)
		CHECK(err.msg[0] != '\0');
	if (r == 1) {
		CHECK(total > CG_PROTO_HDR && total <= size);
		CHECK(total - CG_PROTO_HDR <= CG_PROTO_MAX_FRAME);
		json = (const char *)data + CG_PROTO_HDR;
		len = total - CG_PROTO_HDR;
	}
	memset(&err, 0, sizeof(err));
	if (cg_proto_decode(json, len, &req, &err) < 0) {
		CHECK(err.msg[0] != '\0');
		CHECK(req.root == NULL);
		return 0;
	}
	CHECK(req.cmd != CG_CMD_NONE && cg_cmd_name(req.cmd)[0] != '\0');
	CHECK(req.signal >= 1 && req.signal <= 64);
	CHECK(req.timeout >= -1 && req.timeout <= 86400);  /* -1: the daemon's default */
	if (req.cmd != CG_CMD_RUN && req.cmd != CG_CMD_PS && req.cmd != CG_CMD_PING)
		CHECK(req.target != NULL && req.target[0] != '\0');
	if (req.cmd == CG_CMD_EXEC)
		CHECK(req.argv != NULL && json_object_array_length(req.argv) > 0);
	if (req.cmd == CG_CMD_RUN || req.cmd == CG_CMD_UPDATE) {
		CHECK(req.spec != NULL);
		check_spec(req.spec);
	}

	/* What decodes re-encodes to a frame that decodes again. */
	size_t n = 0, total2 = 0;
	uint8_t *buf = cg_proto_encode(req.root, &n);
	struct cg_request again;

	memset(&err, 0, sizeof(err));
	if (n - CG_PROTO_HDR <= CG_PROTO_MAX_FRAME) {
		CHECK(cg_proto_frame(buf, n, &total2, &err) == 1 && total2 == n);
		if (cg_proto_decode((const char *)buf + CG_PROTO_HDR, n - CG_PROTO_HDR, &again, &err) < 0) {
			fprintf(stderr, "fuzz_proto: re-encoded request does not decode: %s\n", err.msg);
			abort();
		}
		CHECK(again.cmd == req.cmd);
		cg_request_free(&again);
	}
	free(buf);
	cg_request_free(&req);
	return 0;
}
