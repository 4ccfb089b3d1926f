/* registries-conf.h - registries.conf: the registries a pull may reach
 * without TLS checks (docker's insecure-registries). One entry a line:
 *
 *   insecure HOST[:PORT]          HTTPS, the certificate not verified
 *   insecure http://HOST[:PORT]   plain HTTP
 *
 * '#' starts a comment; blank lines are ignored. */
#ifndef CGRUN_REGISTRIES_CONF_H
#define CGRUN_REGISTRIES_CONF_H

#include <stdbool.h>

#include "util.h"

enum cg_reg_security { CG_REG_SECURE, CG_REG_INSECURE_TLS, CG_REG_PLAIN_HTTP };

/* What text (a registries.conf) says of host ("127.0.0.1:5000", as a
 * reference names it). An unknown keyword or a malformed line is an error
 * naming the line (what: the file's name, for the message). */
int cg_registries_conf_parse(const char *text, const char *what, const char *host, enum cg_reg_security *out,
			     cg_err_t *err);
/* The same for the file path; a missing file says nothing (secure). */
int cg_registries_conf_lookup(const char *path, const char *host, enum cg_reg_security *out, cg_err_t *err);

#endif
