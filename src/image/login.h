/* login.h - `cgrun login` and `cgrun logout`: credentials checked against
 * the registry, then kept in (or erased from) the auth file podman and
 * docker read (credentials.h). */
#ifndef CGRUN_LOGIN_H
#define CGRUN_LOGIN_H

#include <stdbool.h>

#include "util.h"

/* Pure: the registry a login names, as docker login takes it: a host
 * ("quay.io", "127.0.0.1:5000", "[::1]:5000", "localhost"), maybe with a
 * scheme and a path ("https://index.docker.io/v1/"). *domain is the key
 * of the auth file ("docker.io" for docker.io, index.docker.io and
 * registry-1.docker.io), *api_host the host to ask ("registry-1.docker.io"
 * for docker.io, else the domain). */
int cg_login_registry(const char *arg, char **domain, char **api_host, cg_err_t *err);

struct cg_login_opts {
	bool tls_verify;      /* false: --tls-verify=false */
	const char *ca_file;  /* an extra CA bundle (CGRUN_REGISTRY_CA), or NULL */
};

/* Ask the registry whether it takes user/pass (GET /v2/, answering its
 * challenge); only then store them. *file: where they went. -EACCES (and
 * nothing stored) when the registry refuses them. */
int cg_login(const char *registry, const char *user, const char *pass, const struct cg_login_opts *o,
	     char **file, cg_err_t *err);
/* Erase registry's credentials from the file login writes. 1 removed, 0
 * there were none; *file: the file looked in. */
int cg_logout(const char *registry, char **file, cg_err_t *err);

#endif
