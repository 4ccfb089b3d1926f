/* container-net.c - a container's network from create to end
 * (container-net.h). */
#include "config.h"

#include "container-net.h"

#include <errno.h>
#include <string.h>
#include <syslog.h>

#include "cidr.h"
#include "dconf.h"
#include "netmode.h"
#include "network.h"
#include "proc.h"
#include "userns.h"

int cg_container_net_validate(const struct cg_ctx *ctx, const struct cg_spec *spec, cg_err_t *err)
{
	struct cg_netmode m;
	bool automatic = false;

	if (cg_netmode_parse(spec->network, &m, err) < 0)
		return -1;
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

/* The default bridge as ctx says (ctx.h: network_subnet, dconf_file). */
static int default_conf(const struct cg_ctx *ctx, struct cg_net_conf *conf, cg_err_t *err)
{
	struct cg_dconf d;
	cleanup_free char *text = NULL;

	if (ctx->network_subnet || ctx->dconf_file == NULL)
		return cg_net_conf_default(conf, ctx->run_dir, ctx->network_subnet, err);
	cg_dconf_defaults(&d);
	if (read_file(ctx->dconf_file, &text, 1 << 20, err) < 0) {
		if (err->code != ENOENT)
			return -1;
		memset(err, 0, sizeof(*err));
	} else if (cg_dconf_parse(&d, text, err) < 0) {
		return cg_error_wrap(err, "%s", ctx->dconf_file);
	}
	return cg_net_conf_default(conf, ctx->run_dir, d.network_subnet, err);
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
	return c->ctx->running_init(c->ctx, m.target, &a->netns_pid, err) < 0 ?
		cg_error_wrap(err, "--network=container:%s", m.target) : 0;
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

static bool on_bridge(const struct cg_container *c)
{
	struct cg_netmode m;
	cg_err_t ignore = { 0 };

	return cg_netmode_parse(c->spec->network, &m, &ignore) == 0 && (m.kind == CG_NET_BRIDGE || m.kind == CG_NET_USER);
}

int cg_container_net_attach(struct cg_container *c, cg_err_t *err)
{
	struct cg_net_conf conf;
	struct cg_netdef def;
	pid_t pid = c->spawning.pid;

	if (!on_bridge(c))
		return 0;
	if (cg_net_conf_for(c->ctx, c->spec->network, &conf, &def, err) < 0)
		return -1;
	return cg_net_attach(&conf, c->id, pid, cg_proc_start_time(pid), &c->net, err);
}

void cg_container_net_release(struct cg_container *c)
{
	struct cg_net_conf conf;
	struct cg_netdef def;
	cg_err_t e = { 0 };

	if (!on_bridge(c))
		return;
	/* Every caller's init is gone or going (killed with its cgroup): its
	 * namespace, and the veth with it, go with it (network.h). */
	if (cg_net_conf_for(c->ctx, c->spec->network, &conf, &def, &e) < 0 || cg_net_detach(&conf, c->id, false, &e) < 0)
		cg_log(c->ctx, LOG_WARNING, "container %.12s: %s", c->id, e.msg);
	memset(&c->net, 0, sizeof(c->net));
}

int cg_net_reconcile_all(const struct cg_ctx *ctx, cg_err_t *err)
{
	struct cg_net_conf conf;
	cleanup_free struct cg_netdef *v = NULL;
	cleanup_free char *dir = cg_networks_dir(ctx);
	size_t n;
	int total, r;

	if (default_conf(ctx, &conf, err) < 0 || (total = cg_net_reconcile(&conf, err)) < 0 ||
	    cg_netdef_list(dir, &v, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		cg_net_conf_user(&conf, ctx->run_dir, &v[i]);
		if ((r = cg_net_reconcile(&conf, err)) < 0)
			return -1;
		total += r;
	}
	return total;
}
