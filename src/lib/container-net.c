/* container-net.c - a container's network from create to end
 * (container-net.h). */
#include "config.h"

#include "container-net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "cidr.h"
#include "conntrack.h"
#include "container-slirp.h"
#include "dconf.h"
#include "fw-hooks.h"
#include "fw-sysctl.h"
#include "hairpin.h"
#include "netmode.h"
#include "netns-joined.h"
#include "network.h"
#include "proc.h"
#include "slirp.h"
#include "userns.h"

int cg_container_net_validate(const struct cg_ctx *ctx, const struct cg_spec *spec, cg_err_t *err)
{
	struct cg_netmode m;
	bool automatic = false;

	if (cg_netmode_parse(spec->network, &m, err) < 0)
		return -1;
	if (spec->ports.n && m.kind != CG_NET_BRIDGE && m.kind != CG_NET_USER && m.kind != CG_NET_SLIRP)
		return cg_error(err, 0, "-p/--publish needs --network=bridge, slirp4netns or a user network, not --network=%s",
				spec->network ? spec->network : CG_NETWORK_UNRECORDED);
	/* slirp4netns forwards its ports itself: no firewall. */
	if (spec->ports.n && ctx->fw == NULL && m.kind != CG_NET_SLIRP)
		return cg_error(err, EOPNOTSUPP, "-p/--publish is not available here (no firewall)");
	if (m.kind == CG_NET_SLIRP && access(CGRUN_SLIRP4NETNS, X_OK) < 0)
		return cg_error(err, errno, "--network=slirp4netns needs %s (Debian's package slirp4netns)",
				CGRUN_SLIRP4NETNS);
	if (m.kind == CG_NET_USER) {
		struct cg_net_conf conf;
		struct cg_netdef def;

		if (cg_net_conf_for(ctx, spec->network, &conf, &def, err) < 0)
			return -1;
	}
	/* The init of a user namespace of its own has no say over a network
	 * namespace of the host's user namespace. */
	if (m.kind == CG_NET_CONTAINER && spec->userns && cg_userns_parse(spec->userns, &automatic, err) == 0 &&
	    automatic)
		return cg_error(err, 0, "--network=container: cannot be combined with --userns=auto");
	return 0;
}

char *cg_networks_dir(const struct cg_ctx *ctx)
{
	return xasprintf("%s/networks", ctx->store_dir);
}

/* cgrund.conf at ctx->dconf_file in d; its defaults when there is none. */
static int read_dconf(const struct cg_ctx *ctx, struct cg_dconf *d, cg_err_t *err)
{
	cleanup_free char *text = NULL;

	cg_dconf_defaults(d);
	if (read_file(ctx->dconf_file, &text, 1 << 20, err) < 0) {
		if (err->code != ENOENT)
			return -1;
		memset(err, 0, sizeof(*err));
	} else if (cg_dconf_parse(d, text, err) < 0) {
		return cg_error_wrap(err, "%s", ctx->dconf_file);
	}
	return 0;
}

/* The default bridge as ctx says (ctx.h: network_subnet, dconf_file). */
static int default_conf(const struct cg_ctx *ctx, struct cg_net_conf *conf, cg_err_t *err)
{
	struct cg_dconf d;

	if (ctx->network_subnet || ctx->dconf_file == NULL)
		return cg_net_conf_default(conf, ctx->run_dir, ctx->network_subnet, err);
	if (read_dconf(ctx, &d, err) < 0)
		return -1;
	return cg_net_conf_default(conf, ctx->run_dir, d.network_subnet, err);
}

const char *cg_ctx_default_network(struct cg_ctx *ctx, cg_err_t *err)
{
	struct cg_dconf d;

	if (ctx->default_network)
		return ctx->default_network;
	if (ctx->dconf_file == NULL)
		return ctx->default_network = CG_NETWORK_DEFAULT;
	if (read_dconf(ctx, &d, err) < 0)
		return NULL;
	snprintf(ctx->default_network_buf, sizeof(ctx->default_network_buf), "%s", d.network);
	/* The bridge's subnet from the same read (default_conf). */
	if (ctx->network_subnet == NULL) {
		snprintf(ctx->network_subnet_buf, sizeof(ctx->network_subnet_buf), "%s", d.network_subnet);
		ctx->network_subnet = ctx->network_subnet_buf;
	}
	return ctx->default_network = ctx->default_network_buf;
}

int cg_net_conf_for(const struct cg_ctx *ctx, const char *network, struct cg_net_conf *conf, struct cg_netdef *def,
		    cg_err_t *err)
{
	cleanup_free char *dir = NULL;

	if (network == NULL || !strcmp(network, CG_NETWORK_BRIDGE))
		return default_conf(ctx, conf, err);
	dir = cg_networks_dir(ctx);
	if (cg_netdef_load(dir, network, def, err) < 0)
		return -1;
	cg_net_conf_user(conf, ctx->run_dir, def);
	return 0;
}

int cg_container_net_spawn_args(struct cg_container *c, struct cg_spawn_args *a, cg_err_t *err)
{
	struct cg_netmode m;

	if (cg_netmode_parse(c->spec->network, &m, err) < 0)
		return -1;
	a->net_host = m.kind == CG_NET_HOST;
	a->netns_pid = 0;
	if (m.kind != CG_NET_CONTAINER)
		return 0;
	if (c->ctx->running_init == NULL)
		return cg_error(err, EOPNOTSUPP, "--network=container: is not available here");
	if (c->ctx->running_init(c->ctx, m.target, &a->netns_pid, err) < 0 ||
	    cg_netns_mark_joined(c->ctx->run_dir, a->netns_pid, err) < 0)
		return cg_error_wrap(err, "--network=container:%s", m.target);
	return 0;
}

bool cg_container_net_on_slirp(const struct cg_container *c)
{
	struct cg_netmode m;
	cg_err_t ignore = { 0 };

	return cg_netmode_parse(c->spec->network, &m, &ignore) == 0 && m.kind == CG_NET_SLIRP;
}

const char *cg_container_net_dns_server(const struct cg_container *c, char *buf, size_t len)
{
	struct cg_netmode m;
	struct cg_net_conf conf;
	struct cg_netdef def;
	cg_err_t ignore = { 0 };

	if (c->owner == NULL || strcmp(c->owner, "cgrund") != 0 ||
	    cg_netmode_parse(c->spec->network, &m, &ignore) < 0 || m.kind != CG_NET_USER ||
	    cg_net_conf_for(c->ctx, c->spec->network, &conf, &def, &ignore) < 0)
		return NULL;
	return len < CG_IP4_STRLEN ? NULL : cg_ip4_format(cg_cidr_gateway(&conf.subnet), buf);
}

const char *cg_container_net_dns_forwarder(const struct cg_container *c)
{
	return cg_container_net_on_slirp(c) ? CG_SLIRP_DNS : NULL;
}

static bool on_bridge(const struct cg_container *c)
{
	struct cg_netmode m;
	cg_err_t ignore = { 0 };

	return cg_netmode_parse(c->spec->network, &m, &ignore) == 0 && (m.kind == CG_NET_BRIDGE || m.kind == CG_NET_USER);
}

char *cg_fw_nets_key(const struct cg_net_conf *nets, size_t n)
{
	char *key = xstrdup("");

	for (size_t i = 0; i < n; i++) {
		char cidr[CG_CIDR_STRLEN];
		char *k = xasprintf("%s%s%s=%s", key, i ? " " : "", nets[i].bridge, cg_cidr_format(&nets[i].subnet, cidr));

		free(key);
		key = k;
	}
	return key;
}

char *cg_fw_stamp_path(const char *run_dir)
{
	return xasprintf("%s/fw-networks", run_dir);
}

bool cg_fw_stamp_is(const char *stamp, const char *key)
{
	cleanup_free char *text = NULL;
	cg_err_t ignore = { 0 };

	return read_file(stamp, &text, 65536, &ignore) == 0 && !strcmp(text, key);
}

int cg_fw_netlist_get(const struct cg_ctx *ctx, struct cg_fw_netlist *l, cg_err_t *err)
{
	cleanup_free char *dir = cg_networks_dir(ctx);
	size_t nd = 0;

	memset(l, 0, sizeof(*l));
	if (cg_netdef_list(dir, &l->defs, &nd, err) < 0)
		return -1;
	l->nets = xcalloc(nd + 1, sizeof(*l->nets));
	if (default_conf(ctx, &l->nets[0], err) < 0) {
		cg_fw_netlist_free(l);
		return -1;
	}
	for (size_t i = 0; i < nd; i++)
		cg_net_conf_user(&l->nets[i + 1], ctx->run_dir, &l->defs[i]);
	l->n = nd + 1;
	l->key = cg_fw_nets_key(l->nets, l->n);
	l->stamp = cg_fw_stamp_path(ctx->run_dir);
	return 0;
}

void cg_fw_netlist_free(struct cg_fw_netlist *l)
{
	free(l->nets);
	free(l->defs);
	free(l->key);
	free(l->stamp);
	memset(l, 0, sizeof(*l));
}

/* The firewall's part of attach: NAT for every network (set up again when
 * they changed), the container's published ports, and what those need of
 * the kernel: route_localnet on its bridge, hairpin on its veth. */
static int fw_attach(struct cg_container *c, const struct cg_net_conf *conf, cg_err_t *err)
{
	struct cg_fw_netlist l;
	struct cgnet_ports ports = { 0 };

	if (cg_fw_netlist_get(c->ctx, &l, err) < 0)
		return -1;
	if (c->spec->ports.n) {
		ports.v = xcalloc(c->spec->ports.n, sizeof(*ports.v));
		memcpy(ports.v, c->spec->ports.v, c->spec->ports.n * sizeof(*ports.v));
		ports.n = c->spec->ports.n;
		if (cgnet_bridge_route_localnet(conf->bridge, err) < 0 ||
		    cgnet_bridge_port_hairpin(c->net.host_veth, true, err) < 0)
			goto fail;
	}
	struct cg_fw_attach a = {
		.id = c->id, .nets = l.nets, .nnets = l.n, .nets_key = l.key, .stamp = l.stamp, .net = conf,
		.addr = c->net.addr, .host_veth = c->net.host_veth, .ports = ports.v, .nports = ports.n,
	};
	if (c->ctx->fw->attach(c->ctx->fw_data, &a, err) < 0)
		goto fail;
	cg_fw_netlist_free(&l);
	cgnet_ports_free(&c->ports);
	c->ports = ports;
	return 0;
fail:
	cg_fw_netlist_free(&l);
	cgnet_ports_free(&ports);
	return -1;
}

int cg_container_net_attach(struct cg_container *c, cg_err_t *err)
{
	struct cg_net_conf conf;
	struct cg_netdef def;
	pid_t pid = c->spawning.pid;
	cg_err_t e = { 0 };

	if (cg_container_net_on_slirp(c))
		return cg_container_slirp_attach(c, err);
	if (!on_bridge(c))
		return 0;
	if (cg_net_conf_for(c->ctx, c->spec->network, &conf, &def, err) < 0 ||
	    cg_net_attach(&conf, c->id, pid, cg_proc_start_time(pid), &c->net, err) < 0)
		return -1;
	if (c->ctx->fw == NULL || fw_attach(c, &conf, err) == 0)
		return 0;
	/* Nothing left: the veth is deleted now, not when the namespace goes. */
	if (cg_net_detach(&conf, c->id, true, &e) < 0)
		cg_log(c->ctx, LOG_WARNING, "container %.12s: %s", c->id, e.msg);
	memset(&c->net, 0, sizeof(c->net));
	return -1;
}

/* The firewall's part of release: its ports' rules, then the connections
 * DNATed to it. Nothing to do without ports: the base chains stay. */
static void fw_detach(struct cg_container *c)
{
	struct cg_fw_detach d = { .id = c->id, .addr = c->net.addr, .ports = c->ports.v, .nports = c->ports.n };
	struct in_addr ip = { .s_addr = htonl(c->net.addr) };
	cg_err_t e = { 0 };

	if (c->ctx->fw && c->ctx->fw->detach(c->ctx->fw_data, &d, &e) < 0) {
		cg_log(c->ctx, LOG_WARNING, "container %.12s: %s", c->id, e.msg);
		memset(&e, 0, sizeof(e));
	}
	/* Only with published ports: a dump of the conntrack table costs some
	 * 2 ms here, and the flows that matter are those DNATed to it. */
	if (c->net.addr && cgnet_conntrack_forget(ip, NULL, &e) < 0)
		cg_log(c->ctx, LOG_WARNING, "container %.12s: %s", c->id, e.msg);
	cgnet_ports_free(&c->ports);
}

void cg_container_net_release(struct cg_container *c)
{
	struct cg_net_conf conf;
	struct cg_netdef def;
	cg_err_t e = { 0 };
	bool joined = cg_netns_take_joined(c->ctx->run_dir, c->pid, c->pid_start);

	if (cg_container_net_on_slirp(c))
		cg_container_slirp_release(c);
	if (!on_bridge(c))
		return;
	if (c->ports.n)
		fw_detach(c);
	/* Every caller's init is gone or going (killed with its cgroup): its
	 * namespace, and the veth with it, go with it (network.h), unless
	 * another container joined it (netns-joined.h). */
	if (cg_net_conf_for(c->ctx, c->spec->network, &conf, &def, &e) < 0 ||
	    cg_net_detach(&conf, c->id, joined, &e) < 0)
		cg_log(c->ctx, LOG_WARNING, "container %.12s: %s", c->id, e.msg);
	memset(&c->net, 0, sizeof(c->net));
}

int cg_net_reconcile_all(const struct cg_ctx *ctx, const char *const *live, size_t nlive, cg_err_t *err)
{
	struct cg_net_conf conf;
	cleanup_free struct cg_netdef *v = NULL;
	cleanup_free char *dir = cg_networks_dir(ctx);
	size_t n;
	int total, r;

	cg_netns_joined_gc(ctx->run_dir);
	if (default_conf(ctx, &conf, err) < 0 || (total = cg_net_reconcile(&conf, err)) < 0 ||
	    cg_netdef_list(dir, &v, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		cg_net_conf_user(&conf, ctx->run_dir, &v[i]);
		if ((r = cg_net_reconcile(&conf, err)) < 0)
			return -1;
		total += r;
	}
	if (ctx->fw && ctx->fw->reconcile && ctx->fw->reconcile(ctx->fw_data, live, nlive, err) < 0)
		return -1;
	return total + cg_slirp_reconcile(ctx, live, nlive);
}
