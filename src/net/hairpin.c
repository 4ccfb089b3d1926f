/* hairpin.c - a bridge port's hairpin mode through rtnetlink (libmnl). */
#include "config.h"

#include "hairpin.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>
#include <time.h>

int cgnet_bridge_port_hairpin(const char *port, bool on, cg_err_t *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;
	struct nlattr *nest;
	unsigned ifindex = if_nametoindex(port), seq = (unsigned)time(NULL);
	ssize_t n;
	int r = 0;

	if (ifindex == 0)
		return cg_error(err, errno, "bridge port %s", port);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_SETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_BRIDGE;
	ifm->ifi_index = (int)ifindex;
	nest = mnl_attr_nest_start(nlh, IFLA_PROTINFO);
	mnl_attr_put_u8(nlh, IFLA_BRPORT_MODE, on ? BRIDGE_MODE_HAIRPIN : BRIDGE_MODE_VEB);
	mnl_attr_nest_end(nlh, nest);

	nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (nl == NULL)
		return cg_error(err, errno, "bridge port %s: netlink socket", port);
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0 || mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		r = cg_error(err, errno, "bridge port %s: netlink", port);
	else if ((n = mnl_socket_recvfrom(nl, buf, sizeof(buf))) < 0)
		r = cg_error(err, errno, "bridge port %s: netlink", port);
	/* The ack: an error message carries the kernel's errno. */
	else if (mnl_cb_run(buf, (size_t)n, seq, mnl_socket_get_portid(nl), NULL, NULL) < 0)
		r = cg_error(err, errno, "bridge port %s: setting hairpin mode", port);
	mnl_socket_close(nl);
	return r;
}
