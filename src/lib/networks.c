/* networks.c - user networks' verbs (networks.h). */
#include "config.h"

#include "networks.h"

#include <errno.h>
#include <string.h>

#include "container-net.h"
#include "lease.h"
#include "netlink.h"
#include "netmode.h"
#include "proc.h"

int cg_network_create(const struct cg_ctx *ctx, const char *name, const char *subnet, struct cg_netdef *out,
		      cg_err_t *err)
{
	struct cg_net_conf dflt;
	struct cg_netdef unused;
	cleanup_free char *dir = cg_networks_dir(ctx);

	if (cg_net_conf_for(ctx, NULL, &dflt, &unused, err) < 0)
		return -1;
	return cg_netdef_create(dir, name, subnet, &dflt.subnet, out, err);
}

int cg_network_list(const struct cg_ctx *ctx, struct cg_netdef **out, size_t *n, cg_err_t *err)
{
	struct cg_net_conf dflt;
	struct cg_netdef unused, *v;
	cleanup_free char *dir = cg_networks_dir(ctx);
	size_t len;

	if (cg_net_conf_for(ctx, NULL, &dflt, &unused, err) < 0 || cg_netdef_list(dir, &v, &len, err) < 0)
		return -1;
	v = realloc(v, (len + 1) * sizeof(*v));
	if (v == NULL)
		abort();
	memmove(v + 1, v, len * sizeof(*v));
	memset(&v[0], 0, sizeof(v[0]));
	snprintf(v[0].name, sizeof(v[0].name), "%s", CG_NETWORK_BRIDGE);
	snprintf(v[0].bridge, sizeof(v[0].bridge), "%s", CG_BRIDGE_LINK);
	v[0].subnet = dflt.subnet;
	*out = v;
	*n = len + 1;
	return 0;
}

struct json_object *cg_network_inspect(const struct cg_ctx *ctx, const char *name, cg_err_t *err)
{
	struct cg_net_conf conf;
	struct cg_netdef def;
	cleanup_free struct cg_lease *v = NULL;
	cleanup_free char *leases = NULL;
	struct json_object *o, *cts;
	char a[CG_IP4_STRLEN], c[CG_CIDR_STRLEN];
	size_t n;

	if (cg_net_conf_for(ctx, name, &conf, &def, err) < 0)
		return NULL;
	leases = cg_net_lease_dir(&conf);
	if (cg_lease_list(leases, &v, &n, err) < 0)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "Name", json_object_new_string(conf.name));
	json_object_object_add(o, "Subnet", json_object_new_string(cg_cidr_format(&conf.subnet, c)));
	json_object_object_add(o, "Gateway", json_object_new_string(cg_ip4_format(cg_cidr_gateway(&conf.subnet), a)));
	json_object_object_add(o, "Bridge", json_object_new_string(conf.bridge));
	cts = json_object_new_object();
	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_new_object();

		json_object_object_add(e, "IPAddress", json_object_new_string(cg_ip4_format(v[i].addr, a)));
		json_object_object_add(cts, v[i].id, e);
	}
	json_object_object_add(o, "Containers", cts);
	return o;
}

int cg_network_remove(const struct cg_ctx *ctx, const char *name, cg_err_t *err)
{
	struct cg_net_conf conf;
	struct cg_netdef def;
	cleanup_free struct cg_lease *v = NULL;
	cleanup_free char *leases = NULL, *netdir = NULL, *dir = cg_networks_dir(ctx);
	size_t n;

	if (!strcmp(name, CG_NETWORK_BRIDGE))
		return cg_error(err, EPERM, "the default network '%s' cannot be removed", name);
	if (cg_net_conf_for(ctx, name, &conf, &def, err) < 0)
		return -1;
	leases = cg_net_lease_dir(&conf);
	if (cg_lease_list(leases, &v, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (cg_proc_same(v[i].pid, v[i].start))
			return cg_error(err, EBUSY, "network '%s' is in use by container %.12s", name, v[i].id);
	/* Leases of containers that are gone go with it (their veths went
	 * with their namespaces, or go with the bridge). */
	if (cg_nl_link_del(conf.bridge, err) < 0)
		return -1;
	netdir = xasprintf("%s/networks/%s", ctx->run_dir, name);
	if (rm_rf(netdir, err) < 0)
		return -1;
	return cg_netdef_remove(dir, name, err);
}
