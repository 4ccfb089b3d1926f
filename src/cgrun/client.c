/* client.c - cgrun's side of the cgrund protocol. */
#include "config.h"

#include "client.h"

#include "cli-util.h"
#include "ctx.h"
#include "cgroup.h"

#include <errno.h>
#include <json-c/json.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "proto.h"
#include "store.h"

/* The connection client_daemon_up made, kept for the request that follows
 * (so cgrund accepts one connection per command, not two). */
static int kept_fd = -1;

int client_connect(cg_err_t *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (kept_fd >= 0) {
		fd = kept_fd;
		kept_fd = -1;
		return fd;
	}
	if (snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/cgrun.sock", cli_ctx()->run_dir) >= (int)sizeof(sa.sun_path))
		return cg_error(err, ENAMETOOLONG, "socket path");
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return cg_error(err, errno, "socket");
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;

		close(fd);
		cg_error(err, e, "connecting to cgrund at %s", sa.sun_path);
		errno = e;
		return -1;
	}
	return fd;
}

bool client_daemon_up(void)
{
	cg_err_t err = { 0 };
	int fd = client_connect(&err);

	if (fd < 0)
		return errno != ENOENT && errno != ECONNREFUSED;
	if (kept_fd >= 0)
		close(kept_fd);
	kept_fd = fd;
	return true;
}

const char *client_start_hint(void)
{
	return cg_systemd_booted() ? "systemctl enable --now cgrund.socket" : "cgrund &";
}

struct json_object *client_request(const char *cmd)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "v", json_object_new_int(CG_PROTO_VERSION));
	json_object_object_add(o, "cmd", json_object_new_string(cmd));
	return o;
}

int client_send(int fd, struct json_object *obj, const int *fds, int nfds, cg_err_t *err)
{
	size_t n, off = 0;
	uint8_t *buf = cg_proto_encode(obj, &n);
	char cbuf[CMSG_SPACE(3 * sizeof(int))] = { 0 };

	json_object_put(obj);
	while (off < n) {
		struct iovec iov = { .iov_base = buf + off, .iov_len = n - off };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t w;

		if (off == 0 && nfds > 0) {
			struct cmsghdr *cm;

			mh.msg_control = cbuf;
			mh.msg_controllen = CMSG_SPACE((size_t)nfds * sizeof(int));
			cm = CMSG_FIRSTHDR(&mh);
			cm->cmsg_level = SOL_SOCKET;
			cm->cmsg_type = SCM_RIGHTS;
			cm->cmsg_len = CMSG_LEN((size_t)nfds * sizeof(int));
			memcpy(CMSG_DATA(cm), fds, (size_t)nfds * sizeof(int));
		}
		w = sendmsg(fd, &mh, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			free(buf);
			return cg_error(err, errno, "sending to cgrund");
		}
		off += (size_t)w;
	}
	free(buf);
	return 0;
}

int client_recv(int fd, struct json_object **reply, int *fd_out, cg_err_t *err)
{
	uint8_t hdr[CG_PROTO_HDR];
	size_t got = 0, total = 0;
	cleanup_free uint8_t *buf = NULL;
	struct json_object *o, *v;

	*reply = NULL;
	if (fd_out)
		*fd_out = -1;
	while (got < CG_PROTO_HDR) {
		char cbuf[CMSG_SPACE(sizeof(int))];
		struct iovec iov = { .iov_base = hdr + got, .iov_len = CG_PROTO_HDR - got };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
				     .msg_controllen = sizeof(cbuf) };
		ssize_t n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
		struct cmsghdr *cm;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return cg_error(err, n < 0 ? errno : EPIPE, "cgrund closed the connection");
		cm = CMSG_FIRSTHDR(&mh);
		if (cm && cm->cmsg_type == SCM_RIGHTS) {
			int rfd;

			memcpy(&rfd, CMSG_DATA(cm), sizeof(int));
			if (fd_out && *fd_out < 0)
				*fd_out = rfd;
			else
				close(rfd);
		}
		got += (size_t)n;
	}
	if (cg_proto_frame(hdr, CG_PROTO_HDR, &total, err) < 0)
		return -1;
	total = ((size_t)hdr[0] << 24) | ((size_t)hdr[1] << 16) | ((size_t)hdr[2] << 8) | hdr[3];
	buf = xcalloc(1, total + 1);
	for (size_t off = 0; off < total;) {
		ssize_t n = recv(fd, buf + off, total - off, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return cg_error(err, n < 0 ? errno : EPIPE, "cgrund closed the connection");
		off += (size_t)n;
	}
	o = json_tokener_parse((char *)buf);
	if (o == NULL || !json_object_is_type(o, json_type_object))
		return cg_error(err, EBADMSG, "malformed reply from cgrund");
	if (!json_object_object_get_ex(o, "ok", &v) || !json_object_get_boolean(v)) {
		struct json_object *m, *c;

		cg_error(err, 0, "%s", json_object_object_get_ex(o, "error", &m) ?
			 json_object_get_string(m) : "cgrund refused the request");
		err->exit_code = json_object_object_get_ex(o, "exit_code", &c) ? json_object_get_int(c) : 125;
		json_object_put(o);
		if (fd_out && *fd_out >= 0) {
			close(*fd_out);
			*fd_out = -1;
		}
		return -1;
	}
	*reply = o;
	return 0;
}

int client_call(struct json_object *req, struct json_object **reply, int *fd_out, cg_err_t *err)
{
	int fd = client_connect(err), r;

	if (fd < 0) {
		json_object_put(req);
		return -1;
	}
	r = client_send(fd, req, NULL, 0, err);
	/* cgrund may have answered and hung up before reading (a refusal):
	 * its reply says more than our EPIPE. */
	if (r == 0 || err->code == EPIPE || err->code == ECONNRESET) {
		cg_err_t send_err = *err;

		memset(err, 0, sizeof(*err));
		r = client_recv(fd, reply, fd_out, err);
		if (r < 0 && err->code == EPIPE && send_err.code)
			*err = send_err;
	}
	close(fd);
	return r;
}
