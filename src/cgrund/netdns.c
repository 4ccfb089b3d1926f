/* netdns.c - the DNS responder of each user network (src/net/dns-responder.h)
 * while containers of cgrund's run on it: opened on the network's gateway
 * when its first container starts (the bridge has its address by then),
 * each container's name and short id added while it runs, closed with its
 * last one (so a network removed and made again binds afresh). Its fd is
 * an epoll source (SRC_DNS); forwards time out on the loop's tick. A
 * responder that cannot be opened is logged and the container runs on:
 * its resolv.conf names the gateway, where nothing answers, which is what
 * the log says. The default bridge has none: its containers use the
 * host's resolvers, as docker's do. */
#include "config.h"

#include "cgrund.h"
#include "log.h"

#include <errno.h>
#include <string.h>
#include <sys/epoll.h>

#include "cidr.h"
#include "dns-responder.h"
#include "etc-files.h"
#include "netmode.h"

struct netdns {
	struct src src;               /* SRC_DNS: the responder's fd */
	char *network;
	uint32_t gateway;
	struct cg_dns_responder *r;
	int users;                    /* running containers named in it */
	struct netdns *next;
};

/* The user network t runs on, or NULL. */
static const char *user_network(const struct ctr *t)
{
	struct cg_netmode m;
	cg_err_t ignore = { 0 };

	if (t->c.net.addr == 0 || cg_netmode_parse(t->spec.network, &m, &ignore) < 0 || m.kind != CG_NET_USER)
		return NULL;
	return m.target;
}

static struct netdns *find(struct daemon *d, const char *network)
{
	for (struct netdns *n = d->netdns; n; n = n->next)
		if (!strcmp(n->network, network))
			return n;
	return NULL;
}

static struct netdns *open_for(struct daemon *d, const char *network, const struct cg_net_attachment *a,
			       cg_err_t *err)
{
	char gw[CG_IP4_STRLEN], net[CG_IP4_STRLEN], allow[CG_CIDR_STRLEN];
	char **up = cg_etc_dns_upstreams();
	struct epoll_event ev = { .events = EPOLLIN };
	struct netdns *n;

	cg_ip4_format(a->gateway, gw);
	cg_ip4_format(a->gateway & (a->prefix ? 0xffffffffu << (32 - a->prefix) : 0), net);
	snprintf(allow, sizeof(allow), "%s/%u", net, a->prefix);
	n = xcalloc(1, sizeof(*n));
	n->src.kind = SRC_DNS;
	n->r = cg_dns_responder_open(&(struct cg_dns_config){ .listen = gw, .upstreams = up, .allow = allow }, err);
	cg_strv_free(up);
	if (n->r == NULL) {
		free(n);
		return NULL;
	}
	ev.data.ptr = &n->src;
	if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, cg_dns_responder_fd(n->r), &ev) < 0) {
		cg_error(err, errno, "watching the DNS responder on %s", gw);
		cg_dns_responder_close(n->r);
		free(n);
		return NULL;
	}
	n->network = xstrdup(network);
	n->gateway = a->gateway;
	n->next = d->netdns;
	d->netdns = n;
	log_msg(6, "DNS for network %s on %s", network, gw);
	return n;
}

static void close_one(struct daemon *d, struct netdns *n)
{
	for (struct netdns **p = &d->netdns; *p; p = &(*p)->next)
		if (*p == n) {
			*p = n->next;
			break;
		}
	epoll_ctl(d->epfd, EPOLL_CTL_DEL, cg_dns_responder_fd(n->r), NULL);
	cg_dns_responder_close(n->r);
	free(n->network);
	free(n);
}

void netdns_ctr_up(struct daemon *d, struct ctr *t)
{
	const char *network = user_network(t);
	char ip[CG_IP4_STRLEN];
	cg_err_t err = { 0 };
	struct netdns *n;

	if (network == NULL || t->dns)
		return;
	n = find(d, network);
	/* A network made again with another subnet: its old responder goes
	 * once its last container has; this one gets its own meanwhile. */
	if (n && n->gateway != t->c.net.gateway)
		n = NULL;
	if (n == NULL && (n = open_for(d, network, &t->c.net, &err)) == NULL) {
		log_msg(4, "container %.12s: no DNS on network %s: %s", t->c.id, network, err.msg);
		return;
	}
	if (cg_dns_responder_add_container(n->r, t->c.id, t->spec.name, cg_ip4_format(t->c.net.addr, ip), &err) < 0) {
		log_msg(4, "container %.12s: its name in network %s's DNS: %s", t->c.id, network, err.msg);
		if (n->users == 0)
			close_one(d, n);
		return;
	}
	n->users++;
	t->dns = n;
}

void netdns_ctr_down(struct daemon *d, struct ctr *t)
{
	struct netdns *n = t->dns;

	if (n == NULL)
		return;
	t->dns = NULL;
	cg_dns_responder_remove_container(n->r, t->c.id, t->spec.name);
	if (--n->users == 0)
		close_one(d, n);
}

void netdns_on_readable(struct daemon *d, struct src *s)
{
	struct netdns *n = container_of(s, struct netdns, src);

	(void)d;
	cg_dns_responder_handle_readable(n->r, cg_dns_now_ms());
}

void netdns_tick(struct daemon *d)
{
	int64_t now = cg_dns_now_ms();

	for (struct netdns *n = d->netdns; n; n = n->next)
		cg_dns_responder_tick(n->r, now);
}

void netdns_shutdown(struct daemon *d)
{
	while (d->netdns)
		close_one(d, d->netdns);
}
