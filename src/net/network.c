/* network.c - attach, detach and reconcile containers on a bridge network. */
#include "config.h"

#include "network.h"

#include <errno.h>
#include <string.h>

#include "lease.h"
#include "netlink.h"
#include "netmode.h"
#include "proc.h"
#include "sysctl.h"

int cg_net_conf_default(struct cg_net_conf *c, const char *run_dir, const char *subnet, cg_err_t *err)
{
	c->run_dir = run_dir;
	c->name = CG_NETWORK_BRIDGE;
	c->bridge = CG_BRIDGE_LINK;
	return cg_cidr_parse(subnet ? subnet : CG_SUBNET_DEFAULT, &c->subnet, err);
}

void cg_net_conf_user(struct cg_net_conf *c, const char *run_dir, const struct cg_netdef *d)
{
	c->run_dir = run_dir;
	c->name = d->name;
	c->bridge = d->bridge;
	c->subnet = d->subnet;
}

char *cg_net_lease_dir(const struct cg_net_conf *c)
{
	return xasprintf("%s/networks/%s/leases", c->run_dir, c->name);
}

int cg_net_attach(const struct cg_net_conf *c, const char *id, pid_t pid, unsigned long long start,
		  struct cg_net_attachment *out, cg_err_t *err)
{
	cleanup_free char *dir = cg_net_lease_dir(c);
	struct cg_lease l = { .pid = pid, .start = start };
	struct cg_veth_conf v = { .netns_pid = pid, .ct_name = "eth0", .prefix = c->subnet.prefix };
	cg_err_t ignore = { 0 };

	memset(out, 0, sizeof(*out));
	snprintf(l.id, sizeof(l.id), "%s", id);
	cg_veth_name(id, out->host_veth);
	if (cg_net_sysctls(err) < 0 ||
	    cg_nl_bridge_ensure(c->bridge, &c->subnet, &v.bridge_ifindex, err) < 0 ||
	    cg_lease_take(dir, &c->subnet, &l, err) < 0)
		return cg_error_wrap(err, "network %s", c->name);
	v.host_name = out->host_veth;
	v.addr = l.addr;
	v.gateway = cg_cidr_gateway(&c->subnet);
	cg_mac_for(l.addr, v.mac);
	if (cg_nl_veth_create(&v, err) < 0) {
		cg_lease_release(dir, id, &ignore);
		return cg_error_wrap(err, "network %s", c->name);
	}
	out->addr = l.addr;
	out->gateway = v.gateway;
	out->prefix = c->subnet.prefix;
	snprintf(out->bridge, sizeof(out->bridge), "%s", c->bridge);
	memcpy(out->mac, v.mac, sizeof(out->mac));
	return 0;
}

int cg_net_detach(const struct cg_net_conf *c, const char *id, bool delete_link, cg_err_t *err)
{
	cleanup_free char *dir = cg_net_lease_dir(c);
	char veth[CG_VETH_NAME_MAX];

	/* The link first: a veth never outlives its lease (network.h). */
	cg_veth_name(id, veth);
	if (delete_link && cg_nl_link_del(veth, err) < 0)
		return -1;
	return cg_lease_release(dir, id, err) < 0 ? -1 : 0;
}

int cg_net_reconcile(const struct cg_net_conf *c, cg_err_t *err)
{
	cleanup_free char *dir = cg_net_lease_dir(c);
	cleanup_free struct cg_lease *v = NULL;
	size_t n;
	int gone = 0;

	if (cg_lease_list(dir, &v, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (cg_proc_same(v[i].pid, v[i].start))
			continue;
		if (cg_net_detach(c, v[i].id, true, err) < 0)
			return -1;
		gone++;
	}
	return gone;
}
