/* hosts-file.c - a container's /etc/hosts (see hosts-file.h). */
#include "config.h"

#include "hosts-file.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

const char *cg_shown(const char *v)
{
	for (const char *p = v; *p; p++)
		if (iscntrl((unsigned char)*p))
			return "(with a control character)";
	return v;
}

bool cg_hostname_valid(const char *name, size_t max)
{
	size_t n = strlen(name), label = 0;

	if (n == 0 || n > (max ? max : 253))
		return false;
	for (size_t i = 0; i <= n; i++) {
		char c = name[i];

		if (c == '.' || c == '\0') {
			if (label == 0 || label > 63 || name[i - 1] == '-')
				return false;
			label = 0;
			continue;
		}
		if (!isalnum((unsigned char)c) && c != '-' && c != '_')
			return false;
		if (label == 0 && c == '-')
			return false;
		label++;
	}
	return true;
}

int cg_add_host_parse(const char *s, char **name, char **ip, cg_err_t *err)
{
	const char *colon = strchr(s, ':');
	cleanup_free char *n = NULL;
	unsigned char a[16];

	if (colon == NULL)
		return cg_error(err, 0, "invalid --add-host '%s': expected NAME:IP", cg_shown(s));
	n = strndup(s, (size_t)(colon - s));
	if (n == NULL)
		abort();
	if (!cg_hostname_valid(n, 0))
		return cg_error(err, 0, "invalid --add-host '%s': '%s' is not a host name", cg_shown(s), cg_shown(n));
	if (inet_pton(AF_INET, colon + 1, a) != 1 && inet_pton(AF_INET6, colon + 1, a) != 1)
		return cg_error(err, 0, "invalid --add-host '%s': '%s' is not an IPv4 or IPv6 address", cg_shown(s),
				 cg_shown(colon + 1));
	if (name)
		*name = steal_pointer(&n);
	if (ip)
		*ip = xstrdup(colon + 1);
	return 0;
}

char *cg_hosts_file(const struct cg_hosts_in *in)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		abort();
	fputs("127.0.0.1\tlocalhost\n"
	      "::1\tlocalhost ip6-localhost ip6-loopback\n"
	      "fe00::0\tip6-localnet\n"
	      "ff00::0\tip6-mcastprefix\n"
	      "ff02::1\tip6-allnodes\n"
	      "ff02::2\tip6-allrouters\n", f);
	for (size_t i = 0; in->add_hosts && in->add_hosts[i]; i++) {
		cleanup_free char *name = NULL, *ip = NULL;
		cg_err_t ignore = { 0 };

		/* Checked when the spec was made; a bad one is left out. */
		if (cg_add_host_parse(in->add_hosts[i], &name, &ip, &ignore) == 0)
			fprintf(f, "%s\t%s\n", ip, name);
	}
	fprintf(f, "%s\t%s\n", in->ip ? in->ip : "127.0.0.1", in->hostname);
	if (fclose(f) != 0)
		abort();
	return buf;
}
