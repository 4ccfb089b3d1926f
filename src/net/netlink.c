/* netlink.c - rtnetlink requests through libmnl (netlink.h).
 *
 * One socket per batch of requests; each request asks for an ACK and is
 * waited for before the next, so an error names the request that failed.
 * The container's end is configured through a socket opened in its
 * network namespace (setns there and straight back: rtnetlink has no
 * target-namespace attribute for addresses and routes). */
#include "config.h"

#include "netlink.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <string.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

struct nl {
	struct mnl_socket *sock;
	unsigned seq;
	char buf[16384];  /* MNL_SOCKET_BUFFER_SIZE is not a constant */
};

static void nl_close(struct nl **p)
{
	if (*p) {
		if ((*p)->sock)
			mnl_socket_close((*p)->sock);
		free(*p);
	}
}
#define cleanup_nl __attribute__((cleanup(nl_close)))

static struct nl *nl_open(cg_err_t *err)
{
	struct nl *n = xcalloc(1, sizeof(*n));

	n->sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (n->sock == NULL || mnl_socket_bind(n->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		cg_error(err, errno, "netlink socket");
		nl_close(&n);
		return NULL;
	}
	n->seq = (unsigned)time(NULL);
	return n;
}

/* A socket in the network namespace of pid. */
static struct nl *nl_open_in(pid_t pid, cg_err_t *err)
{
	char path[64];
	cleanup_close int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	cleanup_close int target = -1;
	struct nl *n;

	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	target = open(path, O_RDONLY | O_CLOEXEC);
	if (self < 0 || target < 0)
		return cg_error(err, errno, "open %s", self < 0 ? "/proc/self/ns/net" : path), NULL;
	if (setns(target, CLONE_NEWNET) < 0)
		return cg_error(err, errno, "entering the network namespace of %d", (int)pid), NULL;
	n = nl_open(err);
	/* Back, whatever happened: the rest of this process is not to run in
	 * a container's namespace. Failing that, nothing is safe to go on. */
	if (setns(self, CLONE_NEWNET) < 0)
		abort();
	return n;
}

static struct nlmsghdr *nl_msg(struct nl *n, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *h = mnl_nlmsg_put_header(n->buf);

	h->nlmsg_type = type;
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	h->nlmsg_seq = ++n->seq;
	return h;
}

/* Send h and wait for its ACK: 0 or -errno (no message set). */
static int nl_talk(struct nl *n, struct nlmsghdr *h)
{
	unsigned portid = mnl_socket_get_portid(n->sock);
	ssize_t r;

	if (mnl_socket_sendto(n->sock, h, h->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		r = mnl_socket_recvfrom(n->sock, n->buf, sizeof(n->buf));
		if (r < 0)
			return -errno;
		r = mnl_cb_run(n->buf, (size_t)r, n->seq, portid, NULL, NULL);
		if (r < 0)
			return -errno;
		if (r == MNL_CB_STOP)
			return 0;
	}
}

static void put_ifinfo(struct nlmsghdr *h, int index, unsigned flags, unsigned change)
{
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(h, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = index;
	ifi->ifi_flags = flags;
	ifi->ifi_change = change;
}

static int link_up(struct nl *n, int index, const char *what, cg_err_t *err)
{
	struct nlmsghdr *h = nl_msg(n, RTM_NEWLINK, 0);
	int r;

	put_ifinfo(h, index, IFF_UP, IFF_UP);
	r = nl_talk(n, h);
	return r < 0 ? cg_error(err, -r, "bringing %s up", what) : 0;
}

static int addr_add(struct nl *n, int index, uint32_t addr, unsigned prefix, uint32_t brd, const char *what,
		    cg_err_t *err)
{
	/* NLM_F_REPLACE: setting the address a link already has succeeds. */
	struct nlmsghdr *h = nl_msg(n, RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(h, sizeof(*ifa));
	uint32_t a = htonl(addr), b = htonl(brd);
	char s[CG_IP4_STRLEN];
	int r;

	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = (unsigned char)prefix;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (unsigned)index;
	mnl_attr_put_u32(h, IFA_LOCAL, a);
	mnl_attr_put_u32(h, IFA_ADDRESS, a);
	mnl_attr_put_u32(h, IFA_BROADCAST, b);
	r = nl_talk(n, h);
	return r < 0 ? cg_error(err, -r, "adding %s/%u to %s", cg_ip4_format(addr, s), prefix, what) : 0;
}

static int default_route(struct nl *n, int index, uint32_t gw, cg_err_t *err)
{
	struct nlmsghdr *h = nl_msg(n, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
	struct rtmsg *rt = mnl_nlmsg_put_extra_header(h, sizeof(*rt));
	char s[CG_IP4_STRLEN];
	int r;

	rt->rtm_family = AF_INET;
	rt->rtm_table = RT_TABLE_MAIN;
	rt->rtm_protocol = RTPROT_BOOT;
	rt->rtm_scope = RT_SCOPE_UNIVERSE;
	rt->rtm_type = RTN_UNICAST;
	mnl_attr_put_u32(h, RTA_GATEWAY, htonl(gw));
	mnl_attr_put_u32(h, RTA_OIF, (uint32_t)index);
	r = nl_talk(n, h);
	return r < 0 ? cg_error(err, -r, "default route via %s", cg_ip4_format(gw, s)) : 0;
}

static int link_del(struct nl *n, const char *name)
{
	struct nlmsghdr *h = nl_msg(n, RTM_DELLINK, 0);

	put_ifinfo(h, 0, 0, 0);
	mnl_attr_put_strz(h, IFLA_IFNAME, name);
	return nl_talk(n, h);
}

/* A link's kind (IFLA_LINKINFO's), index and flags. */
struct kind_ctx { char kind[16]; int index; unsigned flags; };

static int kind_attr(const struct nlattr *a, void *data)
{
	struct kind_ctx *k = data;

	if (mnl_attr_get_type(a) == IFLA_INFO_KIND && mnl_attr_validate(a, MNL_TYPE_STRING) == 0)
		snprintf(k->kind, sizeof(k->kind), "%s", mnl_attr_get_str(a));
	return MNL_CB_OK;
}

static int link_attr(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) == IFLA_LINKINFO && mnl_attr_validate(a, MNL_TYPE_NESTED) == 0)
		mnl_attr_parse_nested(a, kind_attr, data);
	return MNL_CB_OK;
}

static int link_cb(const struct nlmsghdr *h, void *data)
{
	struct kind_ctx *k = data;
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(h);

	k->index = ifi->ifi_index;
	k->flags = ifi->ifi_flags;
	return mnl_attr_parse(h, sizeof(struct ifinfomsg), link_attr, data);
}

/* Link name in n's namespace: 0 with k filled, -ENODEV, or -errno. */
static int link_get(struct nl *n, const char *name, struct kind_ctx *k)
{
	struct nlmsghdr *h = nl_msg(n, RTM_GETLINK, 0);
	unsigned portid = mnl_socket_get_portid(n->sock);
	ssize_t r;

	memset(k, 0, sizeof(*k));
	put_ifinfo(h, 0, 0, 0);
	mnl_attr_put_strz(h, IFLA_IFNAME, name);
	if (mnl_socket_sendto(n->sock, h, h->nlmsg_len) < 0)
		return -errno;
	/* The link's message, then the ACK (NLM_F_ACK); or an error. */
	for (;;) {
		r = mnl_socket_recvfrom(n->sock, n->buf, sizeof(n->buf));
		if (r < 0)
			return -errno;
		r = mnl_cb_run(n->buf, (size_t)r, n->seq, portid, link_cb, k);
		if (r < 0)
			return -errno;
		if (r == MNL_CB_STOP)
			return 0;
	}
}

int cg_nl_bridge_ensure(const char *name, const struct cg_cidr *net, int *ifindex, cg_err_t *err)
{
	cleanup_nl struct nl *n = nl_open(err);
	struct nlmsghdr *h;
	struct nlattr *info;
	struct kind_ctx k;
	int r, index;

	if (n == NULL)
		return -1;
	/* Usually there, made by an earlier start: one question. Its address
	 * is not checked again (setting it costs more than all the rest). */
	r = link_get(n, name, &k);
	if (r < 0 && r != -ENODEV)
		return cg_error(err, -r, "reading link %s", name);
	if (r == 0 && !strcmp(k.kind, "bridge") && (k.flags & IFF_UP)) {
		*ifindex = k.index;
		return 0;
	}
	/* Created up; EEXIST: made meanwhile, or down, or not a bridge. */
	h = nl_msg(n, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	put_ifinfo(h, 0, IFF_UP, IFF_UP);
	mnl_attr_put_strz(h, IFLA_IFNAME, name);
	info = mnl_attr_nest_start(h, IFLA_LINKINFO);
	mnl_attr_put_strz(h, IFLA_INFO_KIND, "bridge");
	mnl_attr_nest_end(h, info);
	r = nl_talk(n, h);
	if (r < 0 && r != -EEXIST)
		return cg_error(err, -r, "creating bridge %s", name);
	index = (int)if_nametoindex(name);
	if (index == 0)
		return cg_error(err, errno, "bridge %s", name);
	if (r == -EEXIST) {
		r = link_get(n, name, &k);
		if (r < 0)
			return cg_error(err, -r, "reading link %s", name);
		if (strcmp(k.kind, "bridge") != 0)
			return cg_error(err, EEXIST, "link %s exists and is not a bridge (%s)", name,
					k.kind[0] ? k.kind : "no kind");
		if (link_up(n, index, name, err) < 0)
			return -1;
	}
	if (addr_add(n, index, cg_cidr_gateway(net), net->prefix, cg_cidr_broadcast(net), name, err) < 0)
		return -1;
	*ifindex = index;
	return 0;
}

static int veth_pair(struct nl *n, const struct cg_veth_conf *c, cg_err_t *err)
{
	struct nlmsghdr *h = nl_msg(n, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	struct nlattr *info, *data, *peer;
	struct ifinfomsg *pi;
	int r;

	/* Ours: up, in the bridge from the start. */
	put_ifinfo(h, 0, IFF_UP, IFF_UP);
	mnl_attr_put_strz(h, IFLA_IFNAME, c->host_name);
	mnl_attr_put_u32(h, IFLA_MASTER, (uint32_t)c->bridge_ifindex);
	info = mnl_attr_nest_start(h, IFLA_LINKINFO);
	mnl_attr_put_strz(h, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(h, IFLA_INFO_DATA);
	peer = mnl_attr_nest_start(h, VETH_INFO_PEER);
	/* The peer's own ifinfomsg, then its attributes: made in the
	 * container's namespace, never visible in ours. */
	pi = mnl_nlmsg_put_extra_header(h, sizeof(*pi));
	memset(pi, 0, sizeof(*pi));
	pi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(h, IFLA_IFNAME, c->ct_name);
	mnl_attr_put_u32(h, IFLA_NET_NS_PID, (uint32_t)c->netns_pid);
	mnl_attr_put(h, IFLA_ADDRESS, 6, c->mac);
	mnl_attr_nest_end(h, peer);
	mnl_attr_nest_end(h, data);
	mnl_attr_nest_end(h, info);
	r = nl_talk(n, h);
	if (r < 0)
		return cg_error(err, -r, "creating veth %s", c->host_name);
	return 0;
}

static int configure_ct_end(const struct cg_veth_conf *c, cg_err_t *err)
{
	cleanup_nl struct nl *n = nl_open_in(c->netns_pid, err);
	struct kind_ctx k;
	int r;

	if (n == NULL)
		return -1;
	/* The kernel gives the peer its index in that namespace: ask it. Up
	 * here, not at creation (a veth cannot open before its pair is
	 * whole), and before the route: a gateway on a down link is refused. */
	r = link_get(n, c->ct_name, &k);
	if (r < 0)
		return cg_error(err, -r, "finding %s in the container", c->ct_name);
	if (link_up(n, k.index, c->ct_name, err) < 0)
		return -1;
	int index = k.index;

	if (addr_add(n, index, c->addr, c->prefix, c->addr | ~cg_cidr_mask(c->prefix), c->ct_name, err) < 0 ||
	    default_route(n, index, c->gateway, err) < 0)
		return -1;
	return 0;
}

int cg_nl_veth_create(const struct cg_veth_conf *c, cg_err_t *err)
{
	cleanup_nl struct nl *n = nl_open(err);

	if (n == NULL || veth_pair(n, c, err) < 0)
		return -1;
	if (configure_ct_end(c, err) < 0) {
		link_del(n, c->host_name);
		return cg_error_wrap(err, "container end of %s", c->host_name);
	}
	return 0;
}

int cg_nl_link_del(const char *name, cg_err_t *err)
{
	cleanup_nl struct nl *n = nl_open(err);
	int r;

	if (n == NULL)
		return -1;
	r = link_del(n, name);
	if (r == -ENODEV)
		return 0;
	return r < 0 ? cg_error(err, -r, "deleting link %s", name) : 1;
}
