/* server.c - cgrund's socket: accept, check who is calling, read frames
 * (with the client's fds), write replies without ever blocking the loop. */
#include "config.h"

#include "cgrund.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#define MAX_CONNS 1024
#define REQUEST_DEADLINE_MS 5000

static void set_events(struct daemon *d, struct conn *cl, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = &cl->src };

	epoll_ctl(d->epfd, EPOLL_CTL_MOD, cl->fd, &ev);
}

static void close_fds(struct conn *cl)
{
	for (int i = 0; i < cl->nfds; i++)
		if (cl->fds[i] >= 0)
			close(cl->fds[i]);
	cl->nfds = 0;
}

void srv_close(struct daemon *d, struct conn *cl)
{
	if (cl->dead)
		return;
	cl->dead = true;
	epoll_ctl(d->epfd, EPOLL_CTL_DEL, cl->fd, NULL);
	close(cl->fd);
	cl->fd = -1;
	close_fds(cl);
	/* Parked in a container's waiters: unhook. */
	for (struct ctr *t = d->ctrs; t; t = t->next)
		for (struct waiter **wp = &t->waiters; *wp;) {
			if ((*wp)->conn == cl) {
				struct waiter *w = *wp;

				*wp = w->next;
				free(w);
			} else {
				wp = &(*wp)->next;
			}
		}
	for (struct execp *e = d->execs; e; e = e->next)
		if (e->conn == cl)
			e->conn = NULL;
	d->nconns--;
}

void srv_reap_closed(struct daemon *d)
{
	for (struct conn **pp = &d->conns; *pp;) {
		struct conn *cl = *pp;

		if (!cl->dead) {
			pp = &cl->next;
			continue;
		}
		*pp = cl->next;
		free(cl->in);
		free(cl->out);
		free(cl);
	}
}

/* Root, or a member of the socket's group (by the peer's own groups,
 * as the kernel recorded them at connect time: SO_PEERGROUPS). */
static bool allowed(struct daemon *d, int fd, struct ucred *uc)
{
	gid_t groups[256];
	socklen_t len = sizeof(groups);

	if (uc->uid == 0)
		return true;
	if (!d->have_group)
		return false;
	if (uc->gid == d->group)
		return true;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) < 0)
		return false;
	for (size_t i = 0; i < len / sizeof(gid_t); i++)
		if (groups[i] == d->group)
			return true;
	return false;
}

void srv_resume_listen(struct daemon *d)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &d->listen };

	if (d->listen_paused && epoll_ctl(d->epfd, EPOLL_CTL_ADD, d->listen_fd, &ev) == 0)
		d->listen_paused = false;
}

void srv_accept(struct daemon *d)
{
	for (;;) {
		int fd = accept4(d->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct ucred uc;
		socklen_t len = sizeof(uc);

		if (fd < 0) {
			/* Out of fds: stop listening until the next tick, or the
			 * level-triggered socket would spin the loop. */
			if (errno == EMFILE || errno == ENFILE) {
				log_msg(4, "out of file descriptors: not accepting for a moment");
				epoll_ctl(d->epfd, EPOLL_CTL_DEL, d->listen_fd, NULL);
				d->listen_paused = true;
			}
			return;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len) < 0 || !allowed(d, fd, &uc)) {
			static const char msg[] = "permission denied: cgrund accepts root and members of its group";
			cg_err_t err = { 0 };
			size_t n;

			cg_error(&err, 0, "%s", msg);
			log_msg(4, "refused connection from uid %d pid %d: not root nor in group %s",
				(int)uc.uid, (int)uc.pid, d->conf.socket_group);
			struct json_object *r = cg_reply_error(&err);
			uint8_t *buf = cg_proto_encode(r, &n);

			if (send(fd, buf, n, MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
				/* nothing more to tell it */
			}
			free(buf);
			json_object_put(r);
			close(fd);
			continue;
		}
		if (d->nconns >= MAX_CONNS) {
			log_msg(4, "too many connections (%d): refusing uid %d", d->nconns, (int)uc.uid);
			close(fd);
			continue;
		}
		struct conn *cl = xcalloc(1, sizeof(*cl));
		struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &cl->src };

		cl->src.kind = SRC_CONN;
		cl->fd = fd;
		cl->uid = uc.uid;
		cl->pid = uc.pid;
		cl->deadline = now_ms() + REQUEST_DEADLINE_MS;
		if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
			close(fd);
			free(cl);
			continue;
		}
		cl->next = d->conns;
		d->conns = cl;
		d->nconns++;
	}
}

static void flush(struct daemon *d, struct conn *cl)
{
	while (cl->out_off < cl->out_len) {
		ssize_t w = send(cl->fd, cl->out + cl->out_off, cl->out_len - cl->out_off,
				 MSG_DONTWAIT | MSG_NOSIGNAL);

		if (w < 0) {
			if (errno == EAGAIN || errno == EINTR) {
				set_events(d, cl, EPOLLIN | EPOLLOUT);
				return;
			}
			srv_close(d, cl);
			return;
		}
		cl->out_off += (size_t)w;
	}
	free(cl->out);
	cl->out = NULL;
	cl->out_len = cl->out_off = 0;
	if (cl->closing) {
		srv_close(d, cl);
		return;
	}
	set_events(d, cl, EPOLLIN);
}

void srv_reply(struct daemon *d, struct conn *cl, struct json_object *reply, int fd)
{
	size_t n;
	uint8_t *buf = cg_proto_encode(reply, &n);

	json_object_put(reply);
	if (cl->dead) {
		free(buf);
		return;
	}
	if (fd >= 0 && cl->out_len == 0) {
		/* An fd travels with the first byte of its frame. */
		char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
		struct iovec iov = { .iov_base = buf, .iov_len = n };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
				     .msg_controllen = sizeof(cbuf) };
		struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
		ssize_t w;

		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
		w = sendmsg(cl->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (w <= 0) {
			free(buf);
			srv_close(d, cl);
			return;
		}
		if ((size_t)w == n) {
			free(buf);
			return;
		}
		cl->out = buf;
		cl->out_len = n;
		cl->out_off = (size_t)w;
		flush(d, cl);
		return;
	}
	if (cl->out_len) {
		uint8_t *nb = realloc(cl->out, cl->out_len + n);

		if (nb == NULL)
			abort();
		memcpy(nb + cl->out_len, buf, n);
		free(buf);
		cl->out = nb;
		cl->out_len += n;
		return;
	}
	cl->out = buf;
	cl->out_len = n;
	cl->out_off = 0;
	flush(d, cl);
}

static void reply_error(struct daemon *d, struct conn *cl, cg_err_t *err, bool close_after)
{
	cl->closing = close_after;
	srv_reply(d, cl, cg_reply_error(err), -1);
}

/* Read what is there; hand each whole frame to the handler. */
static void on_readable(struct daemon *d, struct conn *cl)
{
	for (;;) {
		uint8_t chunk[65536];
		char cbuf[CMSG_SPACE(3 * sizeof(int))];
		struct iovec iov = { .iov_base = chunk, .iov_len = sizeof(chunk) };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
				     .msg_controllen = sizeof(cbuf) };
		ssize_t n = recvmsg(cl->fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);

		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			srv_close(d, cl);
			return;
		}
		if (n == 0) {
			srv_close(d, cl);
			return;
		}
		for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
			if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
				continue;
			size_t k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			int fds[8];

			memcpy(fds, CMSG_DATA(cm), (k > 8 ? 8 : k) * sizeof(int));
			for (size_t i = 0; i < k && i < 8; i++) {
				if (cl->nfds < 3)
					cl->fds[cl->nfds++] = fds[i];
				else
					close(fds[i]);
			}
			if (k > 3)
				mh.msg_flags |= MSG_CTRUNC;  /* refused below, like any excess */
		}
		if (mh.msg_flags & MSG_CTRUNC) {
			cg_err_t err = { 0 };

			cg_error(&err, EBADMSG, "too many file descriptors sent (at most 3)");
			reply_error(d, cl, &err, true);
			return;
		}
		if (cl->parked || cl->closing) {
			/* A parked client may only hang up. */
			continue;
		}
		uint8_t *nb = realloc(cl->in, cl->in_len + (size_t)n);

		if (nb == NULL)
			abort();
		cl->in = nb;
		memcpy(cl->in + cl->in_len, chunk, (size_t)n);
		cl->in_len += (size_t)n;
		for (;;) {
			size_t total = 0;
			cg_err_t err = { 0 };
			int r = cg_proto_frame(cl->in, cl->in_len, &total, &err);

			if (r < 0) {
				reply_error(d, cl, &err, true);
				return;
			}
			if (r == 0)
				break;
			struct cg_request req;

			if (cg_proto_decode((const char *)cl->in + CG_PROTO_HDR, total - CG_PROTO_HDR, &req, &err) < 0) {
				reply_error(d, cl, &err, true);
				return;
			}
			memmove(cl->in, cl->in + total, cl->in_len - total);
			cl->in_len -= total;
			cl->deadline = now_ms() + REQUEST_DEADLINE_MS;
			handle_request(d, cl, &req);
			cg_request_free(&req);
			close_fds(cl);
			if (cl->dead || cl->parked || cl->closing)
				return;
		}
	}
}

void srv_on_conn(struct daemon *d, struct conn *cl, uint32_t events)
{
	if (cl->dead)
		return;
	if (events & EPOLLOUT)
		flush(d, cl);
	if (cl->dead)
		return;
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
		on_readable(d, cl);
}

/* A client that sends half a request and stalls is cut off: it cannot
 * hold a slot, or memory, for ever. Parked clients wait as long as needed. */
void srv_check_deadlines(struct daemon *d)
{
	int64_t t = now_ms();

	for (struct conn *cl = d->conns; cl; cl = cl->next) {
		if (cl->dead || cl->parked || cl->closing || cl->out_len || t < cl->deadline)
			continue;
		cg_err_t err = { 0 };

		if (cl->in_len == 0) {
			srv_close(d, cl);  /* idle: nothing asked */
			continue;
		}
		cg_error(&err, ETIMEDOUT, "request not received in time");
		reply_error(d, cl, &err, true);
	}
}
