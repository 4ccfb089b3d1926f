/* proto.c - frames, request decoding, spec <-> JSON. */
#include "config.h"

#include "proto.h"

#include <errno.h>
#include <json-c/json.h>
#include <string.h>

#include "imgref.h"
#include "json-util.h"
#include "limit-table.h"
#include "container-info.h"
#include "state.h"

static const char *const cmd_names[] = {
	[CG_CMD_NONE] = "", [CG_CMD_RUN] = "run", [CG_CMD_PS] = "ps", [CG_CMD_INSPECT] = "inspect",
	[CG_CMD_STOP] = "stop", [CG_CMD_KILL] = "kill", [CG_CMD_RM] = "rm", [CG_CMD_WAIT] = "wait",
	[CG_CMD_LOGS] = "logs", [CG_CMD_EXEC] = "exec", [CG_CMD_PAUSE] = "pause",
	[CG_CMD_UNPAUSE] = "unpause", [CG_CMD_UPDATE] = "update", [CG_CMD_PING] = "ping",
	[CG_CMD_PULL] = "pull",
};

const char *cg_cmd_name(enum cg_cmd c)
{
	return (size_t)c < ARRAY_SIZE(cmd_names) ? cmd_names[c] : "";
}

int cg_proto_frame(const uint8_t *buf, size_t have, size_t *total, cg_err_t *err)
{
	uint32_t n;

	if (have < CG_PROTO_HDR)
		return 0;
	n = ((uint32_t)buf[0] << 24) | ((uint32_t)buf[1] << 16) | ((uint32_t)buf[2] << 8) | buf[3];
	if (n == 0 || n > CG_PROTO_MAX_FRAME) {
		cg_error(err, EMSGSIZE, "bad frame length %u (1..%u)", n, CG_PROTO_MAX_FRAME);
		return -1;
	}
	if (have < CG_PROTO_HDR + (size_t)n)
		return 0;
	*total = CG_PROTO_HDR + (size_t)n;
	return 1;
}

uint8_t *cg_proto_encode(struct json_object *obj, size_t *len)
{
	size_t n;
	const char *text = json_object_to_json_string_length(obj, JSON_C_TO_STRING_PLAIN, &n);
	uint8_t *buf = xcalloc(1, n + CG_PROTO_HDR);

	buf[0] = (uint8_t)(n >> 24);
	buf[1] = (uint8_t)(n >> 16);
	buf[2] = (uint8_t)(n >> 8);
	buf[3] = (uint8_t)n;
	memcpy(buf + CG_PROTO_HDR, text, n);
	*len = n + CG_PROTO_HDR;
	return buf;
}

/* Typed getters: absent is fine (returns false), a wrong type is an error. */
static int get_string(struct json_object *o, const char *key, const char **out, cg_err_t *err)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || json_object_is_type(v, json_type_null))
		return 0;
	if (!json_object_is_type(v, json_type_string))
		return cg_error(err, EINVAL, "field '%s' must be a string", key);
	*out = json_object_get_string(v);
	if (strlen(*out) != (size_t)json_object_get_string_len(v))
		return cg_error(err, EINVAL, "field '%s' holds a NUL byte", key);
	return 1;
}

static int get_int(struct json_object *o, const char *key, int64_t min, int64_t max, int64_t *out,
		   cg_err_t *err)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || json_object_is_type(v, json_type_null))
		return 0;
	if (!json_object_is_type(v, json_type_int))
		return cg_error(err, EINVAL, "field '%s' must be an integer", key);
	errno = 0;
	*out = json_object_get_int64(v);
	if (errno != 0 || *out < min || *out > max)
		return cg_error(err, ERANGE, "field '%s' out of range", key);
	return 1;
}

static int get_bool(struct json_object *o, const char *key, bool *out, cg_err_t *err)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || json_object_is_type(v, json_type_null))
		return 0;
	if (!json_object_is_type(v, json_type_boolean))
		return cg_error(err, EINVAL, "field '%s' must be true or false", key);
	*out = json_object_get_boolean(v);
	return 1;
}

/* An array of strings, at most max long; NULL when absent. */
static int get_strv(struct json_object *o, const char *key, size_t max, struct json_object **out,
		    cg_err_t *err)
{
	struct json_object *v;
	size_t n;

	*out = NULL;
	if (!json_object_object_get_ex(o, key, &v) || json_object_is_type(v, json_type_null))
		return 0;
	if (!json_object_is_type(v, json_type_array))
		return cg_error(err, EINVAL, "field '%s' must be an array of strings", key);
	n = json_object_array_length(v);
	if (n > max)
		return cg_error(err, E2BIG, "field '%s' has more than %zu entries", key, max);
	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(v, i);

		if (!json_object_is_type(e, json_type_string) ||
		    strlen(json_object_get_string(e)) != (size_t)json_object_get_string_len(e))
			return cg_error(err, EINVAL, "field '%s' must be an array of strings", key);
	}
	*out = v;
	return 1;
}

/* A platform as docker spells it: OS/ARCH[/VARIANT], each [A-Za-z0-9._-]. */
static bool platform_ok(const char *p)
{
	size_t parts = 1, len = 0;

	if (strlen(p) > 64)
		return false;
	for (; *p; p++) {
		if (*p == '/') {
			if (len == 0)
				return false;
			parts++;
			len = 0;
		} else if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
			   *p == '.' || *p == '_' || *p == '-') {
			len++;
		} else {
			return false;
		}
	}
	return len > 0 && parts >= 2 && parts <= 3;
}

/* pull's image is a reference by docker's grammar (never a path, never an
 * option: cgrund puts it on cgrun-image's command line). */
static int check_pull(const struct cg_request *req, cg_err_t *err)
{
	struct cg_imgref ref;

	if (req->image == NULL || req->image[0] == '\0' || strlen(req->image) > 512)
		return cg_error(err, EINVAL, "'pull' needs an image reference (1 to 512 bytes)");
	if (req->image[0] == '-' || req->image[0] == '/' || req->image[0] == '.')
		return cg_error(err, EINVAL, "'pull': '%.64s' is not an image reference", req->image);
	if (cg_imgref_parse(req->image, &ref, err) < 0)
		return -1;
	cg_imgref_free(&ref);
	if (req->policy && strcmp(req->policy, "missing") != 0 && strcmp(req->policy, "always") != 0)
		return cg_error(err, EINVAL, "'pull': policy must be missing or always");
	if (req->check && req->policy == NULL)
		return cg_error(err, EINVAL, "'pull': check needs a policy");
	if (req->platform && !platform_ok(req->platform))
		return cg_error(err, EINVAL, "'pull': platform '%.64s' is not OS/ARCH[/VARIANT]", req->platform);
	return 0;
}

void cg_request_free(struct cg_request *req)
{
	json_object_put(req->root);
	memset(req, 0, sizeof(*req));
}

int cg_proto_decode(const char *json, size_t len, struct cg_request *req, cg_err_t *err)
{
	struct json_tokener *tok = json_tokener_new_ex(64);
	const char *cmd = NULL;
	int64_t v = 0, i = 0;
	int r;

	memset(req, 0, sizeof(*req));
	if (tok == NULL)
		return cg_error(err, ENOMEM, "json_tokener_new");
	req->root = json_tokener_parse_ex(tok, json, (int)len);
	r = json_tokener_get_error(tok) == json_tokener_success && json_tokener_get_parse_end(tok) == len;
	json_tokener_free(tok);
	if (req->root == NULL || !r) {
		cg_request_free(req);
		return cg_error(err, EBADMSG, "malformed request: not one complete JSON object");
	}
	if (!json_object_is_type(req->root, json_type_object)) {
		cg_request_free(req);
		return cg_error(err, EBADMSG, "malformed request: not a JSON object");
	}
	if ((r = get_int(req->root, "v", 0, INT32_MAX, &v, err)) <= 0 || v != CG_PROTO_VERSION) {
		cg_request_free(req);
		if (r < 0)
			return -1;
		return cg_error(err, EPROTO, "unsupported protocol version %lld (cgrund speaks %d): use a cgrun of the same version",
				(long long)v, CG_PROTO_VERSION);
	}
	if (get_string(req->root, "cmd", &cmd, err) <= 0) {
		cg_request_free(req);
		return err->code ? -1 : cg_error(err, EBADMSG, "malformed request: no 'cmd'");
	}
	for (size_t c = 1; c < ARRAY_SIZE(cmd_names); c++)
		if (!strcmp(cmd, cmd_names[c]))
			req->cmd = (enum cg_cmd)c;
	if (req->cmd == CG_CMD_NONE) {
		cg_error(err, EOPNOTSUPP, "unknown command '%.64s'", cmd);
		cg_request_free(req);
		return -1;
	}
	req->timeout = -1;   /* cgrund.conf's stop_timeout */
	req->signal = 15;
	if (get_string(req->root, "target", &req->target, err) < 0 ||
	    get_bool(req->root, "all", &req->all, err) < 0 ||
	    get_bool(req->root, "follow", &req->follow, err) < 0 ||
	    get_bool(req->root, "tty", &req->tty, err) < 0 ||
	    get_bool(req->root, "interactive", &req->interactive, err) < 0 ||
	    get_bool(req->root, "detach", &req->detach, err) < 0 ||
	    get_strv(req->root, "argv", 4096, &req->argv, err) < 0)
		goto bad;
	if ((r = get_int(req->root, "signal", 1, 64, &i, err)) < 0)
		goto bad;
	if (r)
		req->signal = (int)i;
	if ((r = get_int(req->root, "rows", 0, 65535, &i, err)) < 0)
		goto bad;
	req->rows = r > 0 ? (int)i : 0;
	if ((r = get_int(req->root, "cols", 0, 65535, &i, err)) < 0)
		goto bad;
	req->cols = r > 0 ? (int)i : 0;
	if ((r = get_int(req->root, "timeout", 0, 86400, &i, err)) < 0)
		goto bad;
	if (r)
		req->timeout = (int)i;
	req->tls_verify = true;
	if (get_string(req->root, "image", &req->image, err) < 0 ||
	    get_string(req->root, "platform", &req->platform, err) < 0 ||
	    get_string(req->root, "policy", &req->policy, err) < 0 ||
	    get_bool(req->root, "tls_verify", &req->tls_verify, err) < 0 ||
	    get_bool(req->root, "quiet", &req->quiet, err) < 0 ||
	    get_bool(req->root, "for_run", &req->for_run, err) < 0 ||
	    get_bool(req->root, "creds", &req->creds, err) < 0 ||
	    get_bool(req->root, "check", &req->check, err) < 0)
		goto bad;
	switch (req->cmd) {
	case CG_CMD_PULL:
		if (check_pull(req, err) < 0)
			goto bad;
		break;
	case CG_CMD_RUN:
	case CG_CMD_UPDATE:
		if (!json_object_object_get_ex(req->root, "spec", &req->spec) ||
		    !json_object_is_type(req->spec, json_type_object)) {
			cg_error(err, EINVAL, "'%s' needs a 'spec' object", cmd_names[req->cmd]);
			goto bad;
		}
		if (req->cmd == CG_CMD_RUN)
			break;
		/* update also names its target */
		__attribute__((fallthrough));
	case CG_CMD_INSPECT: case CG_CMD_STOP: case CG_CMD_KILL: case CG_CMD_RM:
	case CG_CMD_WAIT: case CG_CMD_LOGS: case CG_CMD_EXEC: case CG_CMD_PAUSE: case CG_CMD_UNPAUSE:
		if (req->target == NULL || req->target[0] == '\0' || strlen(req->target) > 128) {
			cg_error(err, EINVAL, "'%s' needs a container name or id", cmd_names[req->cmd]);
			goto bad;
		}
		if (req->cmd == CG_CMD_EXEC && (req->argv == NULL || json_object_array_length(req->argv) == 0)) {
			cg_error(err, EINVAL, "'exec' needs a command");
			goto bad;
		}
		break;
	default:
		break;
	}
	return 0;
bad:
	cg_request_free(req);
	return -1;
}

struct json_object *cg_request_encode(const struct cg_request *req)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "v", json_object_new_int(CG_PROTO_VERSION));
	json_object_object_add(o, "cmd", json_object_new_string(cg_cmd_name(req->cmd)));
	if (req->target)
		json_object_object_add(o, "target", json_object_new_string(req->target));
	if (req->all)
		json_object_object_add(o, "all", json_object_new_boolean(1));
	if (req->follow)
		json_object_object_add(o, "follow", json_object_new_boolean(1));
	if (req->tty)
		json_object_object_add(o, "tty", json_object_new_boolean(1));
	if (req->interactive)
		json_object_object_add(o, "interactive", json_object_new_boolean(1));
	if (req->detach)
		json_object_object_add(o, "detach", json_object_new_boolean(1));
	if (req->cmd == CG_CMD_KILL)
		json_object_object_add(o, "signal", json_object_new_int(req->signal));
	if (req->timeout >= 0)
		json_object_object_add(o, "timeout", json_object_new_int(req->timeout));
	if (req->rows > 0 || req->cols > 0) {
		json_object_object_add(o, "rows", json_object_new_int(req->rows));
		json_object_object_add(o, "cols", json_object_new_int(req->cols));
	}
	if (req->spec)
		json_object_object_add(o, "spec", json_object_get(req->spec));
	if (req->argv)
		json_object_object_add(o, "argv", json_object_get(req->argv));
	if (req->cmd == CG_CMD_PULL) {
		if (req->image)
			json_object_object_add(o, "image", json_object_new_string(req->image));
		if (req->platform)
			json_object_object_add(o, "platform", json_object_new_string(req->platform));
		if (req->policy)
			json_object_object_add(o, "policy", json_object_new_string(req->policy));
		json_object_object_add(o, "tls_verify", json_object_new_boolean(req->tls_verify));
		if (req->quiet)
			json_object_object_add(o, "quiet", json_object_new_boolean(1));
		if (req->for_run)
			json_object_object_add(o, "for_run", json_object_new_boolean(1));
		if (req->creds)
			json_object_object_add(o, "creds", json_object_new_boolean(1));
		if (req->check)
			json_object_object_add(o, "check", json_object_new_boolean(1));
	}
	return o;
}

struct json_object *cg_reply_ok(void)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "v", json_object_new_int(CG_PROTO_VERSION));
	json_object_object_add(o, "ok", json_object_new_boolean(1));
	return o;
}

struct json_object *cg_reply_error(const cg_err_t *err)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "v", json_object_new_int(CG_PROTO_VERSION));
	json_object_object_add(o, "ok", json_object_new_boolean(0));
	json_object_object_add(o, "error", json_object_new_string(err->msg));
	json_object_object_add(o, "exit_code", json_object_new_int(err->exit_code ? err->exit_code : 125));
	return o;
}

static void add_str(struct json_object *o, const char *k, const char *v)
{
	if (v)
		json_object_object_add(o, k, json_object_new_string(v));
}

/* A NULL-terminated array as a JSON array; nothing when empty. */
static void add_strv(struct json_object *o, const char *k, char *const *v)
{
	if (v && v[0])
		json_object_object_add(o, k, cg_json_new_strv((const char *const *)v));
}

/* Name resolution's arrays, each entry checked as the CLI checks it. */
static int get_dns(struct json_object *o, struct cg_spec *s, cg_err_t *err)
{
	static const struct { const char *key; enum cg_dns_opt which; } keys[] = {
		{ "dns", CG_DNS_SERVER }, { "dns_search", CG_DNS_SEARCH },
		{ "dns_options", CG_DNS_OPTION }, { "add_hosts", CG_ADD_HOST },
	};

	for (size_t k = 0; k < ARRAY_SIZE(keys); k++) {
		struct json_object *a;

		if (get_strv(o, keys[k].key, 64, &a, err) < 0)
			return -1;
		for (size_t i = 0; a && i < json_object_array_length(a); i++)
			if (cg_spec_add_dns(s, keys[k].which, json_object_get_string(json_object_array_get_idx(a, i)), err) < 0)
				return -1;
	}
	return 0;
}

struct json_object *cg_spec_to_json(const struct cg_spec *s)
{
	struct json_object *o = json_object_new_object();
	struct json_object *a;

	add_str(o, "image", s->image);
	if (s->argv) {
		a = json_object_new_array();
		for (size_t i = 0; s->argv[i]; i++)
			json_object_array_add(a, json_object_new_string(s->argv[i]));
		json_object_object_add(o, "argv", a);
	}
	add_str(o, "name", s->name);
	add_str(o, "hostname", s->hostname);
	a = json_object_new_array();
	for (size_t i = 0; i < s->nenv; i++)
		json_object_array_add(a, json_object_new_string(s->env[i]));
	json_object_object_add(o, "env", a);
	add_str(o, "workdir", s->workdir);
	add_str(o, "user", s->user);
	add_str(o, "entrypoint", s->entrypoint);
	a = json_object_new_array();
	for (size_t i = 0; i < s->nvolumes; i++) {
		char *v = xasprintf("%s:%s:%s%s", s->volumes[i].src, s->volumes[i].dst,
				    s->volumes[i].readonly ? "ro" : "rw", s->volumes[i].idmap ? ",idmap" : "");

		json_object_array_add(a, json_object_new_string(v));
		free(v);
	}
	json_object_object_add(o, "volumes", a);
	json_object_object_add(o, "limits", cg_limits_to_json(&s->limits));
	json_object_object_add(o, "caps", json_object_new_uint64(s->caps.set));
	json_object_object_add(o, "privileged", json_object_new_boolean(s->privileged));
	json_object_object_add(o, "seccomp_unconfined", json_object_new_boolean(s->seccomp_unconfined));
	add_str(o, "seccomp_path", s->seccomp_path);
	add_str(o, "seccomp_profile", s->seccomp_profile);
	json_object_object_add(o, "no_new_privileges", json_object_new_boolean(s->no_new_privs));
	json_object_object_add(o, "rm", json_object_new_boolean(s->remove));
	json_object_object_add(o, "interactive", json_object_new_boolean(s->interactive));
	json_object_object_add(o, "tty", json_object_new_boolean(s->tty));
	add_str(o, "cgroup_parent", s->cgroup_parent);
	add_str(o, "cgroup_manager", s->cgroup_manager);
	add_str(o, "restart", s->restart);
	add_str(o, "userns", s->userns);
	add_str(o, "network", s->network);
	add_strv(o, "dns", s->dns);
	add_strv(o, "dns_search", s->dns_search);
	add_strv(o, "dns_options", s->dns_options);
	add_strv(o, "add_hosts", s->add_hosts);
	if (s->ports.n) {
		a = json_object_new_array();
		for (size_t i = 0; i < s->ports.n; i++) {
			char *p = cgnet_port_spec(&s->ports.v[i]);

			json_object_array_add(a, json_object_new_string(p));
			free(p);
		}
		json_object_object_add(o, "ports", a);
	}
	return o;
}

int cg_spec_from_json(struct json_object *o, struct cg_spec *s, cg_err_t *err)
{
	struct json_object *lim = NULL, *argv = NULL, *env = NULL, *vols = NULL, *ports = NULL, *caps;

	cg_spec_free(s);
	cg_spec_init(s);
	if (!json_object_is_type(o, json_type_object))
		return cg_error(err, EINVAL, "spec must be an object");
	if (get_string(o, "image", (const char **)&s->image, err) <= 0)
		return err->code ? -1 : cg_error(err, EINVAL, "spec has no image");
	if (get_string(o, "name", (const char **)&s->name, err) < 0 ||
	    get_string(o, "hostname", (const char **)&s->hostname, err) < 0 ||
	    get_string(o, "workdir", (const char **)&s->workdir, err) < 0 ||
	    get_string(o, "user", (const char **)&s->user, err) < 0 ||
	    get_string(o, "entrypoint", (const char **)&s->entrypoint, err) < 0 ||
	    get_string(o, "cgroup_parent", (const char **)&s->cgroup_parent, err) < 0 ||
	    get_string(o, "cgroup_manager", (const char **)&s->cgroup_manager, err) < 0 ||
	    get_string(o, "restart", (const char **)&s->restart, err) < 0 ||
	    get_string(o, "userns", (const char **)&s->userns, err) < 0 ||
	    get_string(o, "network", (const char **)&s->network, err) < 0 ||
	    get_bool(o, "privileged", &s->privileged, err) < 0 ||
	    get_bool(o, "seccomp_unconfined", &s->seccomp_unconfined, err) < 0 ||
	    get_string(o, "seccomp_path", &s->seccomp_path, err) < 0 ||
	    get_string(o, "seccomp_profile", &s->seccomp_profile, err) < 0 ||
	    get_bool(o, "no_new_privileges", &s->no_new_privs, err) < 0 ||
	    get_bool(o, "rm", &s->remove, err) < 0 ||
	    get_bool(o, "interactive", &s->interactive, err) < 0 ||
	    get_bool(o, "tty", &s->tty, err) < 0 ||
	    get_strv(o, "argv", 4096, &argv, err) < 0 ||
	    get_strv(o, "env", 4096, &env, err) < 0 ||
	    get_strv(o, "volumes", 256, &vols, err) < 0 || get_dns(o, s, err) < 0 ||
	    get_strv(o, "ports", 4096, &ports, err) < 0)
		return -1;
	for (size_t i = 0; ports && i < json_object_array_length(ports); i++)
		if (cgnet_port_parse(json_object_get_string(json_object_array_get_idx(ports, i)), &s->ports, err) < 0)
			return -1;
	if (argv && json_object_array_length(argv) > 0) {
		size_t n = json_object_array_length(argv);

		s->argv_owned = xcalloc(n + 1, sizeof(char *));
		for (size_t i = 0; i < n; i++)
			s->argv_owned[i] = (char *)json_object_get_string(json_object_array_get_idx(argv, i));
		s->argv = s->argv_owned;
	}
	for (size_t i = 0; env && i < json_object_array_length(env); i++) {
		const char *e = json_object_get_string(json_object_array_get_idx(env, i));

		if (strchr(e, '=') == NULL || e[0] == '=')
			return cg_error(err, EINVAL, "environment entry '%.64s' is not KEY=VALUE", e);
		if (cg_spec_add_env(s, e, err) < 0)
			return -1;
	}
	for (size_t i = 0; vols && i < json_object_array_length(vols); i++)
		if (cg_spec_add_volume(s, json_object_get_string(json_object_array_get_idx(vols, i)), err) < 0)
			return -1;
	if (json_object_object_get_ex(o, "caps", &caps)) {
		if (!json_object_is_type(caps, json_type_int))
			return cg_error(err, EINVAL, "field 'caps' must be an integer");
		s->caps.set = json_object_get_uint64(caps);
	}
	if (json_object_object_get_ex(o, "limits", &lim))
		return cg_limits_from_json(lim, &s->limits, err);
	return cg_limits_validate(&s->limits, err);
}

struct json_object *cg_container_info_to_json(const struct cg_container_info *c)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "id", json_object_new_string(c->id));
	add_str(o, "name", c->name);
	add_str(o, "image", c->image);
	add_str(o, "command", c->command);
	json_object_object_add(o, "state", json_object_new_string(cg_state_name(c->state)));
	json_object_object_add(o, "exit_code", json_object_new_int(c->exit_code));
	json_object_object_add(o, "created", json_object_new_int64(c->created));
	json_object_object_add(o, "pid", json_object_new_int(c->pid));
	return o;
}

int cg_container_info_from_json(struct json_object *o, struct cg_container_info *c, cg_err_t *err)
{
	const char *id = NULL, *name = NULL, *image = NULL, *command = NULL, *state = NULL;
	int64_t exit_code = -1, created = 0, pid = 0;

	memset(c, 0, sizeof(*c));
	if (!json_object_is_type(o, json_type_object))
		return cg_error(err, EBADMSG, "malformed reply: a listed container is not an object");
	if (get_string(o, "id", &id, err) < 0 || get_string(o, "name", &name, err) < 0 ||
	    get_string(o, "image", &image, err) < 0 || get_string(o, "command", &command, err) < 0 ||
	    get_string(o, "state", &state, err) < 0 ||
	    get_int(o, "exit_code", INT32_MIN, INT32_MAX, &exit_code, err) < 0 ||
	    get_int(o, "created", INT64_MIN, INT64_MAX, &created, err) < 0 ||
	    get_int(o, "pid", 0, INT32_MAX, &pid, err) < 0)
		return -1;
	if (id == NULL || strlen(id) != 64)
		return cg_error(err, EBADMSG, "malformed reply: a listed container has no id");
	memcpy(c->id, id, sizeof(c->id));
	c->name = name ? xstrdup(name) : NULL;
	c->image = xstrdup(image ? image : "");
	c->command = xstrdup(command ? command : "");
	c->state = cg_state_from_name(state);
	c->exit_code = (int)exit_code;
	c->created = created;
	c->pid = (pid_t)pid;
	return 0;
}
