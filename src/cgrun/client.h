/* client.h - talking to cgrund: connect, send a request (with fds),
 * read replies (with an fd). */
#ifndef CGRUN_CLIENT_H
#define CGRUN_CLIENT_H

#include <stdbool.h>

#include "util.h"

struct json_object;

/* Connect to cgrund's socket. Returns the fd, or -1 with errno ENOENT or
 * ECONNREFUSED when no cgrund answers (other errors fill err too). */
int client_connect(cg_err_t *err);
/* Send obj (consumed) with up to 3 fds beside it. */
int client_send(int fd, struct json_object *obj, const int *fds, int nfds, cg_err_t *err);
/* Read one reply; *fd_out gets an fd that came with it (or -1). A reply
 * with "ok": false becomes err (its message and exit code) and -1. */
int client_recv(int fd, struct json_object **reply, int *fd_out, cg_err_t *err);
/* One request, one reply, on a fresh connection. */
int client_call(struct json_object *req, struct json_object **reply, int *fd_out, cg_err_t *err);
/* A request object {"v":1,"cmd":cmd}. */
struct json_object *client_request(const char *cmd);
/* Whether cgrund answers on its socket. The connection it made is kept: the
 * next client_connect (or client_call) uses it. */
bool client_daemon_up(void);
/* The command that starts cgrund on this host, for messages: its socket
 * unit where systemd runs, else the daemon itself. */
const char *client_start_hint(void);

#endif
