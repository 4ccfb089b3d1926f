/* waiters.c - clients parked on a container: a run's client until the
 * start is over (reply_started) and, attached, until the container ends;
 * stop, rm, wait and update until their transition is done
 * (notify_waiters). supervise.c answers them as containers change;
 * handlers.c parks them. */
#include "config.h"

#include "cgrund.h"

#include <errno.h>
#include <json-c/json.h>
#include <signal.h>
#include <unistd.h>

void reply_err(struct daemon *d, struct conn *cl, cg_err_t *err)
{
	srv_reply(d, cl, cg_reply_error(err), -1);
}

struct waiter *park(struct conn *cl, struct ctr *t, enum cg_cmd cmd)
{
	struct waiter *w = xcalloc(1, sizeof(*w));

	w->conn = cl;
	w->cmd = cmd;
	w->next = t->waiters;
	t->waiters = w;
	cl->parked = true;
	cl->parked_on = t;
	return w;
}

/* Take t's first waiter that matches, off its list. */
struct waiter *unpark(struct ctr *t, enum cg_cmd cmd, bool starting)
{
	for (struct waiter **wp = &t->waiters; *wp; wp = &(*wp)->next) {
		struct waiter *w = *wp;

		if (w->cmd == cmd && w->starting == starting) {
			*wp = w->next;
			w->conn->parked = false;
			w->conn->parked_on = NULL;
			return w;
		}
	}
	return NULL;
}

struct json_object *exit_reply(const struct ctr *t)
{
	struct json_object *r = cg_reply_ok();

	json_object_object_add(r, "id", json_object_new_string(t->c.id));
	json_object_object_add(r, "exit_code", json_object_new_int(t->c.exit_code));
	json_object_object_add(r, "state", json_object_new_string(cg_state_name(t->c.state)));
	return r;
}

void notify_waiters(struct daemon *d, struct ctr *t)
{
	while (t->waiters) {
		struct waiter *w = t->waiters;

		t->waiters = w->next;
		w->conn->parked_on = NULL;
		/* A start's answer is reply_started's. */
		if (w->starting) {
			w->conn->parked = false;
			srv_close(d, w->conn);
			free(w);
			continue;
		}
		/* An update systemd had not answered yet: not an "ok". */
		if (w->cmd == CG_CMD_UPDATE) {
			cg_err_t err = { 0 };

			cg_error(&err, ECANCELED, "container %.12s ended before its update was done", t->c.id);
			w->conn->parked = false;
			w->conn->closing = true;
			reply_err(d, w->conn, &err);
			free(w);
			continue;
		}
		w->conn->parked = false;
		w->conn->closing = true;
		srv_reply(d, w->conn, exit_reply(t), -1);
		free(w);
	}
}

/* The answer to a run: the id (and a terminal's master), then, attached,
 * the client stays parked until the container ends. */
void answer_run(struct daemon *d, struct conn *cl, struct ctr *t, bool detach)
{
	struct json_object *r = cg_reply_ok();

	json_object_object_add(r, "id", json_object_new_string(t->c.id));
	json_object_object_add(r, "started", json_object_new_boolean(1));
	srv_reply(d, cl, r, t->c.pty_master);
	if (t->c.pty_master >= 0) {
		close(t->c.pty_master);  /* the client has it now */
		t->c.pty_master = -1;
	}
	if (!detach)
		park(cl, t, CG_CMD_RUN);
}

void reply_started(struct daemon *d, struct ctr *t, const cg_err_t *err)
{
	struct waiter *w = unpark(t, CG_CMD_RUN, true);

	if (w == NULL) {
		/* The client hung up meanwhile. An attached run has nobody to
		 * attach to: it ends, and its terminal's master goes. */
		if (err == NULL && t->attached) {
			cg_err_t ignore = { 0 };

			cg_container_kill(&t->c, SIGKILL, &ignore);
			if (t->c.pty_master >= 0)
				close(t->c.pty_master);
			t->c.pty_master = -1;
		}
		return;
	}
	if (err)
		reply_err(d, w->conn, (cg_err_t *)err);
	else
		answer_run(d, w->conn, t, w->detach);
	free(w);
}
