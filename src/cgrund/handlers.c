/* handlers.c - one function per request. Each replies, or parks the
 * client until its container ends, its exec'd command has started (execs.c)
 * or systemd has answered. One wait is left in the loop: a start (run, a
 * restart) waits until the container's command has exec'd
 * (cg_spawn_finish), with the cgroupfs manager and after systemd's job. */
#include "config.h"

#include "cgrund.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <signal.h>
#include <string.h>

#include "container-ops.h"
#include "image.h"
#include "inspect.h"
#include "record.h"
#include "spawn.h"

/* The container a request names, or NULL after replying why not. */
static struct ctr *target(struct daemon *d, struct conn *cl, const struct cg_request *req)
{
	cg_err_t err = { 0 };
	struct ctr *t = sup_find(d, req->target, &err);

	if (t == NULL)
		reply_err(d, cl, &err);
	return t;
}

static bool running(const struct ctr *t)
{
	return t->c.state == CG_STATE_RUNNING || t->c.state == CG_STATE_PAUSED;
}

static void h_run(struct daemon *d, struct conn *cl, struct cg_request *req)
{
	cg_err_t err = { 0 };
	struct ctr *t;
	int r = sup_run(d, cl, req, &t, &err);

	if (r < 0) {
		reply_err(d, cl, &err);
		return;
	}
	if (r == 0) {
		answer_run(d, cl, t, req->detach);
		return;
	}
	/* systemd is making its scope: the answer comes from on_attached. */
	struct waiter *w = park(cl, t, CG_CMD_RUN);

	w->starting = true;
	w->detach = req->detach;
}

static void h_ps(struct daemon *d, struct conn *cl, struct cg_request *req)
{
	struct cg_container_info *v;
	size_t n;
	cg_err_t err = { 0 };
	struct json_object *r, *arr = json_object_new_array();

	if (cg_container_list(&d->ctx, &v, &n, &err) < 0) {
		json_object_put(arr);
		reply_err(d, cl, &err);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (!req->all && !cg_state_up(v[i].state))
			continue;
		struct json_object *o = cg_container_info_to_json(&v[i]);

		json_object_array_add(arr, o);
	}
	cg_container_list_free(v, n);
	r = cg_reply_ok();
	json_object_object_add(r, "containers", arr);
	srv_reply(d, cl, r, -1);
}

static void h_inspect(struct daemon *d, struct conn *cl, struct cg_request *req)
{
	struct ctr *t = target(d, cl, req);
	struct json_object *r, *c;
	cg_err_t err = { 0 };

	if (t == NULL)
		return;
	if ((c = cg_container_inspect(&t->c, &err)) == NULL) {
		reply_err(d, cl, &err);
		return;
	}
	r = cg_reply_ok();
	json_object_object_add(r, "container", c);
	srv_reply(d, cl, r, -1);
}

/* stop, kill, pause... of a container whose command does not run yet. */
static bool refuse_starting(struct daemon *d, struct conn *cl, struct ctr *t, const char *key)
{
	cg_err_t err = { 0 };

	if (!cg_container_starting(&t->c))
		return false;
	cg_error(&err, EAGAIN, "container '%s' is still starting; try again in a moment", key);
	reply_err(d, cl, &err);
	return true;
}

static void h_stop(struct daemon *d, struct conn *cl, struct cg_request *req)
{
	struct ctr *t = target(d, cl, req);

	if (t == NULL || refuse_starting(d, cl, t, req->target))
		return;
	if (!running(t)) {
		sup_cancel_restart(d, t);
		srv_reply(d, cl, exit_reply(t), -1);
		return;
	}
	sup_request_stop(d, t, req->timeout >= 0 ? req->timeout : d->conf.stop_timeout);
	park(cl, t, CG_CMD_STOP);
}

static void h_kill(struct daemon *d, struct conn *cl, struct cg_request *req)
{
	cg_err_t err = { 0 };
	struct ctr *t = target(d, cl, req);

	if (t == NULL || refuse_starting(d, cl, t, req->target))
		return;
	if (!running(t)) {
		if (t->restart_at && (req->signal == SIGTERM || req->signal == SIGKILL)) {
			sup_cancel_restart(d, t);
			srv_reply(d, cl, cg_reply_ok(), -1);
			return;
		}
		cg_error(&err, 0, "container '%s' is not running", req->target);
		reply_err(d, cl, &err);
		return;
	}
	if (sup_request_kill(d, t, req->signal, &err) < 0) {
		reply_err(d, cl, &err);
		return;
	}
	srv_reply(d, cl, cg_reply_ok(), -1);
}

static void h_rm(struct daemon *d, struct conn *cl, struct cg_request *req)
{
	cg_err_t err = { 0 };
	struct ctr *t = sup_find(d, req->target, &err);

	if (t == NULL) {
		/* Not ours: a container the CLI ran in-process and kept. */
		memset(&err, 0, sizeof(err));
		if (cg_container_remove(&d->ctx, req->target, &err) < 0)
			reply_err(d, cl, &err);
		else
			srv_reply(d, cl, cg_reply_ok(), -1);
		return;
	}
	/* Not running yet: its init is killed before it runs anything. */
	sup_abort_start(d, t, "removed");
	if (running(t)) {
		if (!req->all) {
			cg_error(&err, 0, "container '%s' is %s; stop it first or use 'cgrun rm -f'",
				 req->target, cg_state_name(t->c.state));
			reply_err(d, cl, &err);
			return;
		}
		sup_request_remove(d, t);
		park(cl, t, CG_CMD_RM);
		return;
	}
	if (t->restart_at)
		sup_cancel_restart(d, t);
	if (!t->dead) {
		cleanup_free char *trash = cg_container_destroy_later(&t->c);

		sup_remove_ctr(d, t);
		srv_reply(d, cl, cg_reply_ok(), -1);
		sup_remove_trash(trash);
		return;
	}
	srv_reply(d, cl, cg_reply_ok(), -1);
}

static void h_wait(struct daemon *d, struct conn *cl, struct cg_request *req)
{
	struct ctr *t = target(d, cl, req);

	if (t == NULL)
		return;
	if (!running(t)) {
		srv_reply(d, cl, exit_reply(t), -1);
		return;
	}
	park(cl, t, CG_CMD_WAIT);
}

static void h_logs(struct daemon *d, struct conn *cl, struct cg_request *req)
{
	cg_err_t err = { 0 };
	struct ctr *t = target(d, cl, req);
	cleanup_close int fd = -1;
	struct json_object *r;

	if (t == NULL)
		return;
	fd = cg_container_open_log(&t->c, &err);
	if (fd < 0) {
		if (!strcmp(d->conf.log_driver, "journald"))
			cg_error(&err, 0, "container '%s' has no log file: it ran attached, or its output went to the journal (journalctl -t cgrun/NAME)",
				 req->target);
		reply_err(d, cl, &err);
		return;
	}
	r = cg_reply_ok();
	json_object_object_add(r, "id", json_object_new_string(t->c.id));
	json_object_object_add(r, "running", json_object_new_boolean(running(t)));
	srv_reply(d, cl, r, fd);
}

static void h_pause(struct daemon *d, struct conn *cl, struct cg_request *req, bool freeze)
{
	cg_err_t err = { 0 };
	struct ctr *t = target(d, cl, req);

	if (t == NULL || refuse_starting(d, cl, t, req->target))
		return;
	if (cg_container_pause(&t->c, freeze, &err) < 0) {
		reply_err(d, cl, &err);
		return;
	}
	struct json_object *r = cg_reply_ok();

	/* The kernel freezes the tasks as they go; the client waits for
	 * cgroup.events to say so (freeze-wait.h), not this loop. */
	if (t->c.cg.unified_path) {
		cleanup_free char *events = xasprintf("%s/cgroup.events", t->c.cg.unified_path);

		json_object_object_add(r, "events", json_object_new_string(events));
	}
	srv_reply(d, cl, r, -1);
}

/* The limits are set (err NULL) or not: keep them, tell the client. */
static void updated(struct daemon *d, struct ctr *t, struct conn *cl, const cg_err_t *uerr)
{
	cg_err_t err = { 0 };

	/* Some limits may have been written before a failure. */
	stats_limits_changed(t);
	if (uerr) {
		free(t->update.cpuset_cpus);
		if (cl)
			reply_err(d, cl, (cg_err_t *)uerr);
		return;
	}
	free(t->spec.limits.cpuset_cpus);
	t->spec.limits = t->update;
	cg_container_save(&t->c, &err);
	if (cl)
		srv_reply(d, cl, cg_reply_ok(), -1);
}

/* systemd has answered SetUnitProperties. */
static void on_updated(void *ud, const cg_err_t *err)
{
	struct ctr *t = ud;
	struct waiter *w = unpark(t, CG_CMD_UPDATE, false);

	t->updating = false;
	updated(t->d, t, w ? w->conn : NULL, err);
	free(w);
}

static void h_update(struct daemon *d, struct conn *cl, struct cg_request *req)
{
	cg_err_t err = { 0 };
	struct ctr *t = target(d, cl, req);
	struct cg_spec upd;
	int r;

	if (t == NULL || refuse_starting(d, cl, t, req->target))
		return;
	if (!running(t)) {
		cg_error(&err, 0, "container '%s' is not running", req->target);
		reply_err(d, cl, &err);
		return;
	}
	if (t->updating) {
		cg_error(&err, EAGAIN, "container '%s' is being updated already; try again in a moment", req->target);
		reply_err(d, cl, &err);
		return;
	}
	cg_spec_init(&upd);
	if (json_object_object_add(req->spec, "image", json_object_new_string(t->spec.image)) < 0 ||
	    cg_spec_from_json(req->spec, &upd, &err) < 0) {
		cg_spec_free(&upd);
		reply_err(d, cl, &err);
		return;
	}
	r = cg_update(&t->c.cg, &t->spec.limits, &upd.limits, &t->update, on_updated, t, &err);
	cg_spec_free(&upd);
	if (r < 0) {
		stats_limits_changed(t);
		reply_err(d, cl, &err);
		return;
	}
	if (r == 0) {
		updated(d, t, cl, NULL);
		return;
	}
	/* systemd sets them: the answer comes from on_updated. */
	t->updating = true;
	park(cl, t, CG_CMD_UPDATE);
}

static void h_exec(struct daemon *d, struct conn *cl, struct cg_request *req)
{
	cg_err_t err = { 0 };
	struct ctr *t = target(d, cl, req);
	size_t n;
	char **argv;

	if (t == NULL)
		return;
	if (t->c.state != CG_STATE_RUNNING) {
		cg_error(&err, 0, "container '%s' is %s; exec needs it running", req->target,
			 cg_state_name(t->c.state));
		reply_err(d, cl, &err);
		return;
	}
	if (!req->tty && cl->nfds != 3) {
		cg_error(&err, 0, "exec needs the client's stdin, stdout and stderr");
		reply_err(d, cl, &err);
		return;
	}
	n = json_object_array_length(req->argv);
	argv = xcalloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		argv[i] = (char *)json_object_get_string(json_object_array_get_idx(req->argv, i));
	struct winsize ws = { .ws_row = (unsigned short)req->rows, .ws_col = (unsigned short)req->cols };

	/* The answer comes from execs.c, once the command has exec'd. */
	if (execs_start(d, cl, t, argv, req->tty, &ws, &err) < 0)
		reply_err(d, cl, &err);
	free(argv);
}

/* A member of the group pulls: cgrund runs cgrun-image (pulls.c). For
 * run's --pull (a policy) the store is looked at first, as the member may
 * not read it: an image there (missing), or an imported one (never pulled
 * over), is not pulled; `check` asks only that. */
static void h_pull(struct daemon *d, struct conn *cl, struct cg_request *req)
{
	cg_err_t err = { 0 };
	bool present = false;

	if (req->policy) {
		cleanup_free char *key = cg_image_resolve(&d->ctx, req->image);

		present = key && (!strcmp(req->policy, "missing") || strchr(key, '+') == NULL);
	}
	if (present || req->check) {
		struct json_object *r = cg_reply_ok();

		json_object_object_add(r, "exit_code", json_object_new_int(0));
		json_object_object_add(r, "present", json_object_new_boolean(present));
		srv_reply(d, cl, r, -1);
		return;
	}
	if (pulls_start(d, cl, req, &err) < 0)
		reply_err(d, cl, &err);
}

void handle_request(struct daemon *d, struct conn *cl, struct cg_request *req)
{
	switch (req->cmd) {
	case CG_CMD_PING: {
		struct json_object *r = cg_reply_ok();

		json_object_object_add(r, "version", json_object_new_string(PACKAGE_VERSION));
		srv_reply(d, cl, r, -1);
		break;
	}
	case CG_CMD_RUN: h_run(d, cl, req); break;
	case CG_CMD_PS: h_ps(d, cl, req); break;
	case CG_CMD_INSPECT: h_inspect(d, cl, req); break;
	case CG_CMD_STOP: h_stop(d, cl, req); break;
	case CG_CMD_KILL: h_kill(d, cl, req); break;
	case CG_CMD_RM: h_rm(d, cl, req); break;
	case CG_CMD_WAIT: h_wait(d, cl, req); break;
	case CG_CMD_LOGS: h_logs(d, cl, req); break;
	case CG_CMD_PAUSE: h_pause(d, cl, req, true); break;
	case CG_CMD_UNPAUSE: h_pause(d, cl, req, false); break;
	case CG_CMD_UPDATE: h_update(d, cl, req); break;
	case CG_CMD_EXEC: h_exec(d, cl, req); break;
	case CG_CMD_PULL: h_pull(d, cl, req); break;
	default: {
		cg_err_t err = { 0 };

		cg_error(&err, EOPNOTSUPP, "unsupported command");
		reply_err(d, cl, &err);
	}
	}
}
