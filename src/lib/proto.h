/* proto.h - the cgrun <-> cgrund protocol (docs/protocol.md).
 *
 * A frame is a 4-byte big-endian length followed by that many bytes of one
 * JSON object (json-c). Requests: {"v":1,"cmd":"...", ...}; replies:
 * {"v":1,"ok":true,...} or {"v":1,"ok":false,"error":"...","exit_code":N}.
 * File descriptors (the client's stdio) travel beside a frame as
 * SCM_RIGHTS. Pure: buffers in, values out. */
#ifndef CGRUN_PROTO_H
#define CGRUN_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "spec.h"
#include "util.h"

#define CG_PROTO_VERSION 1
#define CG_PROTO_MAX_FRAME (1u << 20)
#define CG_PROTO_HDR 4

struct json_object;

/* How much of a frame is in buf: returns 1 with *total (header included)
 * when a whole frame is there, 0 when more is needed, -1 (err) when the
 * announced length is zero or over CG_PROTO_MAX_FRAME. */
int cg_proto_frame(const uint8_t *buf, size_t have, size_t *total, cg_err_t *err);
/* Header + JSON text of obj, malloc'd; *len set. */
uint8_t *cg_proto_encode(struct json_object *obj, size_t *len);

enum cg_cmd {
	CG_CMD_NONE = 0,
	CG_CMD_RUN, CG_CMD_PS, CG_CMD_INSPECT, CG_CMD_STOP, CG_CMD_KILL, CG_CMD_RM,
	CG_CMD_WAIT, CG_CMD_LOGS, CG_CMD_EXEC, CG_CMD_PAUSE, CG_CMD_UNPAUSE, CG_CMD_UPDATE,
	CG_CMD_PING, CG_CMD_PULL,
};

const char *cg_cmd_name(enum cg_cmd c);

/* A decoded request. Strings point into `root`, freed with it. */
struct cg_request {
	enum cg_cmd cmd;
	struct json_object *root;
	const char *target;       /* name or id prefix (all but run/ps/ping) */
	bool all;                 /* ps -a, rm -f (force) */
	int signal;               /* kill -s */
	int timeout;              /* stop -t, seconds; -1: the daemon's default */
	bool follow;              /* logs -f */
	struct json_object *spec; /* run: the container spec; update: limits */
	struct json_object *argv; /* exec */
	bool tty, interactive, detach;
	int rows, cols;           /* the client's terminal size (run -t, exec -t) */
	/* pull: an image reference (checked as one: never a path or an
	 * option), run by cgrund with the client's stdout and stderr (and its
	 * auth file, `creds`). */
	const char *image;
	const char *platform;     /* "OS/ARCH[/VARIANT]", or NULL */
	const char *policy;       /* run's --pull: "missing" or "always"; NULL: pull */
	bool tls_verify;          /* default true */
	bool quiet, for_run, creds;
	bool check;               /* with policy: only say whether a pull is needed */
};

/* Validate and decode one frame's JSON (without the header). Every field
 * is type-checked; unknown commands, wrong versions and bad types are
 * errors, never crashes. */
int cg_proto_decode(const char *json, size_t len, struct cg_request *req, cg_err_t *err);
void cg_request_free(struct cg_request *req);
/* The JSON of a request, as cg_proto_decode reads it back: the client
 * builds the same struct cgrund decodes. spec and argv are shared (a
 * reference taken), root is not used. */
struct json_object *cg_request_encode(const struct cg_request *req);

/* spec <-> JSON, used for run requests and container records. */
struct json_object *cg_spec_to_json(const struct cg_spec *s);
int cg_spec_from_json(struct json_object *o, struct cg_spec *s, cg_err_t *err);

/* A listed container in ps's reply, and back: cgrund encodes what the CLI
 * decodes into the struct its own listing fills, so ps prints the same
 * both ways. from_json fills c with copies (cg_container_info_free). */
struct cg_container_info;
struct json_object *cg_container_info_to_json(const struct cg_container_info *c);
int cg_container_info_from_json(struct json_object *o, struct cg_container_info *c, cg_err_t *err);

/* Reply objects. */
struct json_object *cg_reply_ok(void);
struct json_object *cg_reply_error(const cg_err_t *err);

#endif
