/* login.c - `cgrun login` and `cgrun logout` (login.h). */
#include "config.h"

#include "login.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "credentials.h"
#include "registry.h"

static bool host_char(char c)
{
	return isalnum((unsigned char)c) || c == '.' || c == '-' || c == '_';
}

/* host[:port] or [v6]:port: nothing a URL or a file key could trip on. */
static bool valid_host(const char *h)
{
	const char *p = h, *colon;

	if (*p == '[') {
		const char *end = strchr(p, ']');

		if (end == NULL || end == p + 1)
			return false;
		for (const char *q = p + 1; q < end; q++)
			if (!isxdigit((unsigned char)*q) && *q != ':' && *q != '.')
				return false;
		colon = end[1] == ':' ? end + 1 : NULL;
		if (end[1] != '\0' && colon == NULL)
			return false;
	} else {
		colon = strchr(p, ':');
		if (p == colon || *p == '\0' || *p == '.' || *p == '-')
			return false;
		for (const char *q = p; *q && q != colon; q++)
			if (!host_char(*q))
				return false;
	}
	if (colon) {
		size_t n = strlen(colon + 1);

		if (n == 0 || n > 5 || strspn(colon + 1, "0123456789") != n)
			return false;
	}
	return true;
}

int cg_login_registry(const char *arg, char **domain, char **api_host, cg_err_t *err)
{
	const char *s = arg;
	cleanup_free char *h = NULL;

	*domain = *api_host = NULL;
	if (!strncmp(s, "https://", 8))
		s += 8;
	else if (!strncmp(s, "http://", 7))
		s += 7;
	h = xasprintf("%.*s", (int)strcspn(s, "/"), s);
	for (char *p = h; *p && *p != ':'; p++)
		*p = (char)tolower((unsigned char)*p);
	if (!valid_host(h))
		return cg_error(err, 0, "'%.100s' is not a registry (a host such as quay.io or 127.0.0.1:5000)", arg);
	if (!strcmp(h, "docker.io") || !strcmp(h, "index.docker.io") || !strcmp(h, "registry-1.docker.io")) {
		*domain = xstrdup("docker.io");
		*api_host = xstrdup("registry-1.docker.io");
		return 0;
	}
	*domain = xstrdup(h);
	*api_host = xstrdup(h);
	return 0;
}

static char *store_file(void)
{
	struct cg_creds_env env;

	cg_creds_env_from_process(&env);
	return cg_creds_store_file(&env);
}

int cg_login(const char *registry, const char *user, const char *pass, const struct cg_login_opts *o,
	     char **file, cg_err_t *err)
{
	cleanup_free char *domain = NULL, *api_host = NULL;
	struct cg_registry_opts ro = { .tls_verify = o->tls_verify, .ca_file = o->ca_file, .user = user,
				       .pass = pass };
	struct cg_registry *reg;
	int r;

	*file = NULL;
	if (cg_login_registry(registry, &domain, &api_host, err) < 0)
		return -EINVAL;
	if (*user == '\0' || strchr(user, ':')) {
		cg_error(err, 0, "the user name must be non-empty and hold no ':'");
		return -EINVAL;
	}
	if (*pass == '\0') {
		cg_error(err, 0, "the password is empty");
		return -EINVAL;
	}
	if ((reg = cg_registry_new(api_host, NULL, &ro, err)) == NULL)
		return -EINVAL;
	r = cg_registry_check_login(reg, err);
	cg_registry_free(reg);
	if (r < 0)
		return r;
	*file = store_file();
	if (cg_creds_store(*file, domain, user, pass, err) < 0)
		return -EIO;
	return 0;
}

int cg_logout(const char *registry, char **file, cg_err_t *err)
{
	cleanup_free char *domain = NULL, *api_host = NULL;

	*file = NULL;
	if (cg_login_registry(registry, &domain, &api_host, err) < 0)
		return -EINVAL;
	*file = store_file();
	return cg_creds_erase(*file, domain, err);
}
