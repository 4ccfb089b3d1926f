/* execs.c - `cgrun exec` through cgrund. The process starts in steps: the
 * fork now (cg_container_exec_begin), then a step (cg_exec_step) whenever
 * its sync socket, an epoll source, is readable, until the command has
 * exec'd; so a command whose start stalls (a FIFO where the container's
 * /etc/passwd should be, say) delays no other client. The client is told
 * "started" (with the terminal's master) once it has exec'd, and its exit
 * status once cgrund reaps it (SIGCHLD). */
#include "config.h"

#include "cgrund.h"
#include "log.h"

#include <errno.h>
#include <json-c/json.h>
#include <poll.h>
#include <string.h>
#include <sys/epoll.h>

/* Freed after the epoll batch: a later event of it may point at it. */
static void drop(struct daemon *d, struct execp *e)
{
	e->dead = true;
	d->execs_dead = true;
}

/* The command has ended: its exit status to the client, which then goes. */
static void finish(struct daemon *d, struct execp *e, int status)
{
	if (e->conn && !e->conn->dead) {
		struct json_object *r = cg_reply_ok();

		json_object_object_add(r, "exit_code", json_object_new_int(cg_exit_code(status)));
		e->conn->parked = false;
		e->conn->closing = true;
		srv_reply(d, e->conn, r, -1);
	}
	drop(d, e);
}

/* A step of e's start: nothing to do until it has exec'd or failed. */
static void step(struct daemon *d, struct execp *e)
{
	struct cg_proc proc = { .pid = -1, .pidfd = -1, .pty_master = -1 };
	cg_err_t err = { 0 };
	int r = cg_exec_step(&e->x, &proc, &err);

	if (e->x.cmd > 0)
		e->pid = e->x.cmd;  /* known before it has exec'd: see execs_reaped */
	if (r == 1)
		return;
	/* Its socket is closed: out of epoll with it. */
	e->starting = false;
	if (r < 0) {
		if (e->conn && !e->conn->dead) {
			e->conn->parked = false;
			srv_reply(d, e->conn, cg_reply_error(&err), -1);
		}
		drop(d, e);
		return;
	}
	if (proc.pidfd >= 0)
		close(proc.pidfd);
	e->pid = proc.pid;
	if (e->conn && !e->conn->dead) {
		struct json_object *o = cg_reply_ok();

		json_object_object_add(o, "started", json_object_new_boolean(1));
		srv_reply(d, e->conn, o, proc.pty_master);
	}
	if (proc.pty_master >= 0)
		close(proc.pty_master);
	if (e->exited)
		finish(d, e, e->status);
}

int execs_start(struct daemon *d, struct conn *cl, struct ctr *t, char **argv, bool tty,
		const struct winsize *ws, cg_err_t *err)
{
	struct execp *e = xcalloc(1, sizeof(*e));
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &e->src };

	e->src.kind = SRC_EXEC;
	e->pid = -1;
	if (cg_container_exec_begin(&t->c, argv, tty, ws, cl->nfds == 3 ? cl->fds : NULL, &e->x, err) < 0) {
		free(e);
		return -1;
	}
	e->starting = true;
	e->conn = cl;
	e->next = d->execs;
	d->execs = e;
	cl->parked = true;
	if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, e->x.sock, &ev) < 0) {
		/* Cannot watch it: wait for it here, as before. */
		log_msg(4, "exec in %.12s: epoll_ctl: %s; waiting for its start", t->c.id, strerror(errno));
		while (e->starting) {
			struct pollfd p = { .fd = e->x.sock, .events = POLLIN };

			if (poll(&p, 1, -1) < 0 && errno != EINTR)
				log_msg(4, "exec in %.12s: poll: %s", t->c.id, strerror(errno));
			step(d, e);
		}
	}
	return 0;
}

void execs_on_sock(struct daemon *d, struct execp *e)
{
	if (!e->dead && e->starting)
		step(d, e);
}

bool execs_reaped(struct daemon *d, pid_t p, int status)
{
	/* A command may end before cgrund has read its pid: read what the
	 * starting ones have sent first. */
	for (struct execp *e = d->execs; e; e = e->next)
		if (!e->dead && e->starting && e->pid < 0)
			step(d, e);
	for (struct execp *e = d->execs; e; e = e->next) {
		if (e->dead || e->pid != p)
			continue;
		if (e->starting) {
			/* Told once its start is read (step). */
			e->exited = true;
			e->status = status;
		} else {
			finish(d, e, status);
		}
		return true;
	}
	return false;
}

void execs_conn_closed(struct daemon *d, struct conn *cl)
{
	for (struct execp *e = d->execs; e; e = e->next)
		if (e->conn == cl)
			e->conn = NULL;
}

void execs_reap(struct daemon *d)
{
	if (!d->execs_dead)
		return;
	d->execs_dead = false;
	for (struct execp **ep = &d->execs; *ep;) {
		struct execp *e = *ep;

		if (!e->dead) {
			ep = &e->next;
			continue;
		}
		*ep = e->next;
		free(e);
	}
}
