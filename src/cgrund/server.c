/* server.c - cgrund's socket: listen (and watch the socket file), accept,
 * check who is calling, read frames (with the client's fds), write replies
 * without ever blocking the loop. */
#include "config.h"

#include "cgrund.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <systemd/sd-daemon.h>

#include "store.h"

#define MAX_CONNS 1024
#define REQUEST_DEADLINE_MS 5000

static int socket_path(const struct daemon *d, char *buf, size_t n)
{
	return snprintf(buf, n, "%s/cgrun.sock", d->ctx.run_dir) >= (int)n ? -1 : 0;
}

/* Our own socket, unless systemd handed us one (cgrund.socket). */
static int open_socket(struct daemon *d, bool *activated, cg_err_t *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int n = sd_listen_fds(1), fd;

	if (n > 1)
		return cg_error(err, 0, "systemd passed %d sockets; cgrund.socket should pass one", n);
	*activated = n == 1;
	if (n == 1) {
		fd = SD_LISTEN_FDS_START;
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
		return fd;
	}
	if (socket_path(d, sa.sun_path, sizeof(sa.sun_path)) < 0)
		return cg_error(err, ENAMETOOLONG, "socket path under %s", d->ctx.run_dir);
	if (mkdir_p(d->ctx.run_dir, 0755, err) < 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return cg_error(err, errno, "socket");
	/* A socket file that answers belongs to a live cgrund: do not steal it. */
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		close(fd);
		return cg_error(err, EADDRINUSE, "another cgrund is running on %s", sa.sun_path);
	}
	close(fd);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return cg_error(err, errno, "socket");
	unlink(sa.sun_path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;

		close(fd);
		return cg_error(err, e, "bind %s", sa.sun_path);
	}
	if (chmod(sa.sun_path, 0660) < 0 ||
	    (d->have_group && chown(sa.sun_path, 0, d->group) < 0) || listen(fd, 128) < 0) {
		int e = errno;

		close(fd);
		return cg_error(err, e, "setting up %s", sa.sun_path);
	}
	return fd;
}

/* Our own socket file as bound, watched: when it is removed (say with the
 * run directory) or replaced, the socket is still open but no client can
 * reach it, and only a new cgrund (systemd's Restart=on-failure) makes a
 * new one. A chmod or chown fires the watch too: same file, nothing to do. */
static int watch_socket(struct daemon *d, cg_err_t *err)
{
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct stat st;

	if (socket_path(d, path, sizeof(path)) < 0)
		return cg_error(err, ENAMETOOLONG, "socket path under %s", d->ctx.run_dir);
	if (stat(path, &st) < 0)
		return cg_error(err, errno, "stat %s", path);
	d->sock_dev = st.st_dev;
	d->sock_ino = st.st_ino;
	d->sock_wd = inotify_add_watch(d->inotify_fd, path, IN_ATTRIB | IN_MOVE_SELF | IN_DELETE_SELF);
	if (d->sock_wd < 0)
		return cg_error(err, errno, "inotify on %s", path);
	return 0;
}

int srv_listen(struct daemon *d, cg_err_t *err)
{
	bool activated = false;

	d->sock_wd = -1;
	d->listen_fd = open_socket(d, &activated, err);
	if (d->listen_fd < 0)
		return -1;
	if (activated)
		return 0;  /* systemd's socket: its file is systemd's business */
	return watch_socket(d, err);
}

void srv_check_socket(struct daemon *d)
{
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct stat st;

	if (d->sock_wd < 0 || socket_path(d, path, sizeof(path)) < 0)
		return;
	if (stat(path, &st) == 0 && S_ISSOCK(st.st_mode) && st.st_dev == d->sock_dev && st.st_ino == d->sock_ino)
		return;
	log_msg(2, "the socket %s was removed or replaced: no client can reach this cgrund any more; exiting with a failure (a restart makes a new one)",
		path);
	d->failed = true;
	d->quit = true;
}

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
	/* Parked in a container's waiters: unhook (from that one only). */
	if (cl->parked_on)
		for (struct waiter **wp = &cl->parked_on->waiters; *wp;) {
			if ((*wp)->conn == cl) {
				struct waiter *w = *wp;

				*wp = w->next;
				free(w);
			} else {
				wp = &(*wp)->next;
			}
		}
	cl->parked_on = NULL;
	if (d->on_conn_closed)
		d->on_conn_closed(d, cl);
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
			d->on_request(d, cl, &req);
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
