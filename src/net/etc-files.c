/* etc-files.c - /etc/hostname, /etc/hosts, /etc/resolv.conf of a
 * container (see etc-files.h). */
#include "config.h"

#include "etc-files.h"

#include <string.h>

#include "hosts-file.h"
#include "resolv-conf.h"

/* A missing or unreadable file is no file: a host without a resolver
 * configuration gets the fallback servers, as in docker. */
static char *read_optional(const char *path)
{
	char *text = NULL;
	cg_err_t ignore = { 0 };

	if (read_file(path, &text, 65536, &ignore) < 0)
		return NULL;
	return text;
}

int cg_etc_files_write(const char *dir, const struct cg_etc_files_in *in, cg_err_t *err)
{
	cleanup_free char *host = read_optional(CG_HOST_RESOLV_CONF);
	cleanup_free char *resolved = read_optional(CG_RESOLVED_RESOLV_CONF);
	struct cg_resolv_in r = {
		.host = host, .resolved = resolved, .gateway = in->gateway, .forwarder = in->forwarder,
		.host_net = in->host_net,
		.dns = in->dns, .search = in->dns_search, .options = in->dns_options,
	};
	struct cg_hosts_in h = { .hostname = in->hostname, .ip = in->ip, .add_hosts = in->add_hosts };
	cleanup_free char *hn = xasprintf("%s\n", in->hostname);
	cleanup_free char *hosts = cg_hosts_file(&h);
	cleanup_free char *resolv = cg_resolv_conf(&r);
	const char *files[][2] = { { "hostname", hn }, { "hosts", hosts }, { "resolv.conf", resolv } };

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		cleanup_free char *p = xasprintf("%s/%s", dir, files[i][0]);

		if (write_file_atomic(p, files[i][1], 0644, err) < 0)
			return -1;
	}
	return 0;
}

char **cg_etc_dns_upstreams(void)
{
	cleanup_free char *host = read_optional(CG_HOST_RESOLV_CONF);
	cleanup_free char *resolved = read_optional(CG_RESOLVED_RESOLV_CONF);

	return cg_resolv_upstreams(host, resolved);
}
