/* backend.c - a verb's request, to cgrund or to the library. */
#include "config.h"

#include "backend.h"

#include <errno.h>
#include <json-c/json.h>

#include "cli-util.h"
#include "client.h"
#include "container-ops.h"
#include "freeze-wait.h"
#include "limit-table.h"

static int daemon_call(const struct cg_request *req, const struct cg_limits *limits,
		       struct backend_reply *rep, cg_err_t *err)
{
	struct cg_request r = *req;
	struct json_object *o, *reply = NULL, *v;
	int ret;

	if (r.cmd == CG_CMD_UPDATE) {
		/* The limits travel in a spec object; the image is cgrund's to fill. */
		r.spec = json_object_new_object();
		json_object_object_add(r.spec, "image", json_object_new_string("-"));
		json_object_object_add(r.spec, "limits", cg_limits_to_json(limits));
	}
	o = cg_request_encode(&r);
	if (r.spec != req->spec)
		json_object_put(r.spec);
	ret = client_call(o, &reply, NULL, err);
	if (ret == 0 && rep && json_object_object_get_ex(reply, "exit_code", &v))
		rep->exit_code = json_object_get_int(v);
	/* pause/unpause: cgrund has asked the kernel; done once it has. */
	if (ret == 0 && (r.cmd == CG_CMD_PAUSE || r.cmd == CG_CMD_UNPAUSE) &&
	    json_object_object_get_ex(reply, "events", &v) && json_object_is_type(v, json_type_string) &&
	    cg_wait_frozen(json_object_get_string(v), r.cmd == CG_CMD_PAUSE, CG_FREEZE_WAIT_MS, err) < 0)
		ret = -1;
	json_object_put(reply);
	return ret < 0 ? -1 : 0;
}

static int local_call(const struct cg_request *req, const struct cg_limits *limits,
		      struct backend_reply *rep, cg_err_t *err)
{
	switch (req->cmd) {
	case CG_CMD_STOP:
		return cg_local_stop(cli_ctx(), req->target, req->timeout >= 0 ? req->timeout : BACKEND_STOP_TIMEOUT, err);
	case CG_CMD_KILL:
		return cg_local_kill(cli_ctx(), req->target, req->signal, err);
	case CG_CMD_PAUSE:
	case CG_CMD_UNPAUSE:
		return cg_local_pause(cli_ctx(), req->target, req->cmd == CG_CMD_PAUSE, err);
	case CG_CMD_UPDATE:
		return cg_local_update(cli_ctx(), req->target, limits, err);
	case CG_CMD_WAIT:
		return cg_local_wait(cli_ctx(), req->target, &rep->exit_code, err);
	default:
		return cg_error(err, EOPNOTSUPP, "'%s' has no local back-end", cg_cmd_name(req->cmd));
	}
}

int backend_call(bool daemon, const struct cg_request *req, const struct cg_limits *limits,
		 struct backend_reply *rep, cg_err_t *err)
{
	return daemon ? daemon_call(req, limits, rep, err) : local_call(req, limits, rep, err);
}
