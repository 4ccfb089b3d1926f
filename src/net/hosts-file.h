/* hosts-file.h - a container's /etc/hosts and the validation of
 * --add-host and --hostname. Pure. */
#ifndef CGRUN_NET_HOSTS_FILE_H
#define CGRUN_NET_HOSTS_FILE_H

#include <stdbool.h>

#include "util.h"

struct cg_hosts_in {
	const char *hostname;    /* the container's host name */
	const char *ip;          /* its address on its network; NULL: none (loopback only) */
	char *const *add_hosts;  /* --add-host NAME:IP, checked, NULL-terminated or NULL */
};

/* The file (free it): localhost lines, the --add-host entries, then the
 * container's own address (127.0.0.1 without one) and host name, in
 * docker's order. */
char *cg_hosts_file(const struct cg_hosts_in *in);

/* A host name as /etc/hosts and DNS take it: dot-separated labels of
 * letters, digits, '-' and '_' (no label starting or ending with '-'), each
 * 1..63 long, at most 253 in all. max: a smaller bound (64 for --hostname,
 * the kernel's), 0 for 253. */
bool cg_hostname_valid(const char *name, size_t max);
/* --add-host NAME:IP (IP v4 or v6: split at the first ':'). name and ip
 * may be NULL; else they get new strings. */
int cg_add_host_parse(const char *s, char **name, char **ip, cg_err_t *err);

/* v for an error message, or a placeholder if it holds a control
 * character (a line break would make the message two lines). */
const char *cg_shown(const char *v);

#endif
