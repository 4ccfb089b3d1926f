/* conntrack.c - delete a container's conntrack entries through ctnetlink
 * (libmnl): dump the IPv4 table, keep the original tuples of the entries
 * of that address, delete them one by one (an entry gone meanwhile is
 * fine). The kernel cannot flush by address in one request: its flush
 * filters by mark and status only. */
#include "config.h"

#include "conntrack.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

struct tuples {
	struct in_addr ip;
	char *buf;       /* the CTA_TUPLE_ORIG attributes to delete, one after another */
	size_t len;
};

/* CTA_TUPLE_x -> CTA_TUPLE_IP -> CTA_IP_V4_SRC */
static bool tuple_src_is(const struct nlattr *tuple, struct in_addr ip)
{
	const struct nlattr *a, *b;

	mnl_attr_for_each_nested(a, tuple) {
		if (mnl_attr_get_type(a) != CTA_TUPLE_IP)
			continue;
		mnl_attr_for_each_nested(b, a)
			if (mnl_attr_get_type(b) == CTA_IP_V4_SRC && mnl_attr_get_payload_len(b) == 4)
				return memcmp(mnl_attr_get_payload(b), &ip, 4) == 0;
	}
	return false;
}

static int on_entry(const struct nlmsghdr *nlh, void *data)
{
	struct tuples *t = data;
	const struct nlattr *a, *orig = NULL;
	bool match = false;
	char *nb;

	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg)) {
		uint16_t type = mnl_attr_get_type(a);

		if (type == CTA_TUPLE_ORIG)
			orig = a;
		if ((type == CTA_TUPLE_ORIG || type == CTA_TUPLE_REPLY) && tuple_src_is(a, t->ip))
			match = true;
	}
	if (!match || orig == NULL)
		return MNL_CB_OK;
	nb = realloc(t->buf, t->len + MNL_ALIGN(orig->nla_len));
	if (nb == NULL)
		return MNL_CB_ERROR;
	memset(nb + t->len, 0, MNL_ALIGN(orig->nla_len));
	memcpy(nb + t->len, orig, orig->nla_len);
	t->buf = nb;
	t->len += MNL_ALIGN(orig->nla_len);
	return MNL_CB_OK;
}

static struct nlmsghdr *ct_msg(char *buf, uint16_t msg, uint16_t flags, uint32_t seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;

	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | msg;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = seq;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = AF_INET;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = 0;
	return nlh;
}

/* Sends nlh and runs cb over the answers until the dump's end or the ack. */
static int talk(struct mnl_socket *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	uint32_t seq = nlh->nlmsg_seq, portid = mnl_socket_get_portid(nl);
	ssize_t n;
	int r;

	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	do {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0)
			return -1;
		r = mnl_cb_run(buf, (size_t)n, seq, portid, cb, data);
	} while (r > 0);
	return r;
}

static int dump_and_delete(struct mnl_socket *nl, struct tuples *t, size_t *removed, cg_err_t *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	uint32_t seq = (uint32_t)time(NULL);

	if (talk(nl, ct_msg(buf, IPCTNL_MSG_CT_GET, NLM_F_DUMP, seq++), on_entry, t) < 0)
		return cg_error(err, errno, "conntrack: listing connections");
	for (size_t off = 0; off < t->len; off += MNL_ALIGN(((const struct nlattr *)(t->buf + off))->nla_len)) {
		const struct nlattr *orig = (const struct nlattr *)(t->buf + off);
		struct nlmsghdr *nlh = ct_msg(buf, IPCTNL_MSG_CT_DELETE, NLM_F_ACK, seq++);

		mnl_attr_put(nlh, CTA_TUPLE_ORIG | NLA_F_NESTED, mnl_attr_get_payload_len(orig),
			     mnl_attr_get_payload(orig));
		if (talk(nl, nlh, NULL, NULL) == 0)
			(*removed)++;
		else if (errno != ENOENT)  /* gone meanwhile: fine */
			return cg_error(err, errno, "conntrack: deleting a connection");
	}
	return 0;
}

int cgnet_conntrack_forget(struct in_addr ip, size_t *removed, cg_err_t *err)
{
	struct tuples t = { .ip = ip };
	struct mnl_socket *nl;
	size_t n = 0;
	int r;

	nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
	if (nl == NULL)
		return cg_error(err, errno, "conntrack: netlink socket");
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		r = cg_error(err, errno, "conntrack: netlink bind");
	else
		r = dump_and_delete(nl, &t, &n, err);
	mnl_socket_close(nl);
	free(t.buf);
	if (removed)
		*removed = n;
	return r;
}
