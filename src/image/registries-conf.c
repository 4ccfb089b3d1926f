/* registries-conf.c - which registries are insecure (registries-conf.h). */
#include "config.h"

#include "registries-conf.h"

#include <errno.h>
#include <string.h>

#define CONF_MAX (64 * 1024)

int cg_registries_conf_parse(const char *text, const char *what, const char *host, enum cg_reg_security *out,
			     cg_err_t *err)
{
	const char *p = text;
	unsigned line = 0;

	*out = CG_REG_SECURE;
	while (*p) {
		size_t n = strcspn(p, "\n");
		cleanup_free char *l = strndup(p, n);
		char *save = NULL, *kw, *arg, *extra;

		if (l == NULL)
			abort();
		line++;
		p += n + (p[n] == '\n');
		l[strcspn(l, "#")] = '\0';
		if ((kw = strtok_r(l, " \t\r", &save)) == NULL)
			continue;
		arg = strtok_r(NULL, " \t\r", &save);
		extra = strtok_r(NULL, " \t\r", &save);
		if (strcmp(kw, "insecure") != 0)
			return cg_error(err, 0, "%s:%u: unknown keyword '%s' (only 'insecure HOST[:PORT]' or 'insecure http://HOST[:PORT]')",
					what, line, kw);
		if (arg == NULL || extra != NULL || arg[0] == '\0')
			return cg_error(err, 0, "%s:%u: expected 'insecure HOST[:PORT]' or 'insecure http://HOST[:PORT]'",
					what, line);
		if (!strncmp(arg, "http://", 7)) {
			if (!strcmp(arg + 7, host))
				*out = CG_REG_PLAIN_HTTP;
		} else if (strstr(arg, "://") != NULL || strchr(arg, '/') != NULL) {
			return cg_error(err, 0, "%s:%u: '%s' is not HOST[:PORT] or http://HOST[:PORT]", what, line, arg);
		} else if (!strcmp(arg, host) && *out == CG_REG_SECURE) {
			*out = CG_REG_INSECURE_TLS;
		}
	}
	return 0;
}

int cg_registries_conf_lookup(const char *path, const char *host, enum cg_reg_security *out, cg_err_t *err)
{
	cleanup_free char *text = NULL;
	cg_err_t e = { 0 };

	*out = CG_REG_SECURE;
	if (read_file(path, &text, CONF_MAX, &e) < 0) {
		if (e.code == ENOENT)
			return 0;
		*err = e;
		return -1;
	}
	return cg_registries_conf_parse(text, path, host, out, err);
}
