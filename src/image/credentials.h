/* credentials.h - registry credentials in podman's and docker's auth
 * files ({"auths": {"quay.io": {"auth": base64("user:pass")}}}), looked
 * up as podman does, and stored or erased for login and logout. */
#ifndef CGRUN_CREDENTIALS_H
#define CGRUN_CREDENTIALS_H

#include "authfiles.h"
#include "util.h"

/* The file login writes, as podman: the first of those. */
char *cg_creds_store_file(const struct cg_creds_env *env);

/* Credentials for a registry (a reference's domain: "docker.io",
 * "localhost:5000"). Keys match exactly, or after dropping a scheme and a
 * path ("https://index.docker.io/v1/" is docker.io; so are index.docker.io
 * and registry-1.docker.io). Keys with a path but no scheme (podman's
 * per-namespace "quay.io/org") are not the registry's and are skipped.
 * The first file with the registry wins. An identitytoken comes back as
 * user "<token>" and the token as *pass (docker's convention: an OAuth2
 * refresh token for the Bearer realm, not a password).
 * Returns 1 found, 0 none, < 0 on error (credHelpers or credsStore holding the
 * registry: not supported; a malformed file). */
int cg_creds_lookup(const char *domain, char **user, char **pass, cg_err_t *err);
int cg_creds_lookup_in(const char *const *files, const char *domain, char **user, char **pass,
		       cg_err_t *err);

/* Set domain's "auth" in file (created 0600 with its directory when
 * missing), keeping every other entry and key; the file is replaced
 * atomically (temporary file in the same directory, fsync, rename). */
int cg_creds_store(const char *file, const char *domain, const char *user, const char *pass,
		   cg_err_t *err);
/* Remove domain's entries (the exact key and scheme-prefixed ones).
 * Returns 1 removed, 0 there were none (or no file), < 0 on error. */
int cg_creds_erase(const char *file, const char *domain, cg_err_t *err);

#endif
