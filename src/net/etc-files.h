/* etc-files.h - the files of a container's init layer that name things:
 * /etc/hostname, /etc/hosts and /etc/resolv.conf, made from the host's
 * resolver settings and the container's --hostname, --dns, --dns-search,
 * --dns-option and --add-host (resolv-conf.h, hosts-file.h). */
#ifndef CGRUN_NET_ETC_FILES_H
#define CGRUN_NET_ETC_FILES_H

#include "util.h"

#define CG_HOST_RESOLV_CONF "/etc/resolv.conf"
#define CG_RESOLVED_RESOLV_CONF "/run/systemd/resolve/resolv.conf"

struct cg_etc_files_in {
	const char *hostname;
	const char *ip;            /* its address on its network; NULL: none yet */
	const char *gateway;       /* a user network's gateway, where its responder
				    * listens; NULL: the host's resolvers */
	const char *forwarder;     /* its network's DNS forwarder (slirp4netns's
				    * 10.0.2.3), named instead of the host's resolvers */
	bool host_net;             /* in the host's network namespace (--network=host) */
	char *const *dns, *const *dns_search, *const *dns_options, *const *add_hosts;
};

/* Write hostname, hosts and resolv.conf into dir (each replaced
 * atomically, so it can be called again once the address is known, before
 * the overlay is mounted), reading the host's /etc/resolv.conf and
 * systemd-resolved's upstream file (either may be missing). */
int cg_etc_files_write(const char *dir, const struct cg_etc_files_in *in, cg_err_t *err);

/* cg_resolv_upstreams of this host's files: what a DNS responder in the
 * host's network namespace forwards to (cg_strv_free it). */
char **cg_etc_dns_upstreams(void);

#endif
