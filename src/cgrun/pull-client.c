/* pull-client.c - `cgrun pull` through cgrund. The credentials are the
 * caller's: the auth file cgrun-image would read for this user (the same
 * files in the same order, authfiles.h) is opened here, with the caller's
 * rights, and travels as a descriptor; cgrund reads none of root's. */
#include "config.h"

#include "pull-client.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "authfiles.h"
#include "client.h"
#include "imgref.h"
#include "proto.h"

static void free_files(char **files)
{
	for (size_t i = 0; files[i]; i++)
		free(files[i]);
	free(files);
}

/* The caller's auth file for image's registry, open; -1 when there is
 * none (an anonymous pull), -2 with err when it cannot be opened. */
static int open_auth_file(const char *image, cg_err_t *err)
{
	struct cg_creds_env env;
	struct cg_imgref ref;
	char **files;
	struct stat st;
	int i, fd;

	if (cg_imgref_parse(image, &ref, err) < 0)
		return -2;
	cg_creds_env_from_process(&env);
	files = cg_creds_files(&env);
	i = cg_creds_file_for((const char *const *)files, ref.domain);
	cg_imgref_free(&ref);
	if (i < 0) {
		free_files(files);
		return -1;
	}
	/* O_NONBLOCK: a FIFO put there must not hang us; only a regular
	 * file is sent. */
	fd = open(files[i], O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		cg_error(err, fd < 0 ? errno : EINVAL, "your auth file %s cannot be read%s", files[i],
			 fd < 0 ? "" : ": not a regular file");
		if (fd >= 0)
			close(fd);
		free_files(files);
		return -2;
	}
	free_files(files);
	return fd;
}

int pull_needed_cgrund(const struct pull_request *p, cg_err_t *err)
{
	struct cg_request req = { .cmd = CG_CMD_PULL, .timeout = -1, .image = p->image, .tls_verify = true,
				  .policy = p->policy, .check = true };
	struct json_object *rep = NULL, *v;
	bool present;

	if (client_call(cg_request_encode(&req), &rep, NULL, err) < 0)
		return -1;
	present = json_object_object_get_ex(rep, "present", &v) && json_object_get_boolean(v);
	json_object_put(rep);
	return present ? 0 : 1;
}

int pull_via_cgrund(const struct pull_request *p, int *code, cg_err_t *err)
{
	struct cg_request req = { .cmd = CG_CMD_PULL, .timeout = -1, .image = p->image, .platform = p->platform,
				  .tls_verify = p->tls_verify, .quiet = p->quiet, .for_run = p->for_run,
				  .policy = p->policy };
	cleanup_close int auth = -1, sock = -1;
	struct json_object *rep = NULL, *v;
	int fds[3] = { p->for_run ? STDERR_FILENO : STDOUT_FILENO, STDERR_FILENO, -1 };

	auth = open_auth_file(p->image, err);
	if (auth == -2)
		return -1;
	req.creds = auth >= 0;
	fds[2] = auth;
	if ((sock = client_connect(err)) < 0)
		return -1;
	/* One reply, when cgrun-image has ended (cgrund parks us meanwhile). */
	if (client_send(sock, cg_request_encode(&req), fds, req.creds ? 3 : 2, err) < 0 ||
	    client_recv(sock, &rep, NULL, err) < 0)
		return -1;
	*code = json_object_object_get_ex(rep, "exit_code", &v) ? json_object_get_int(v) : 125;
	json_object_put(rep);
	return 0;
}
