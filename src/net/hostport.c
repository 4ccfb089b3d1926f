/* hostport.c - bind tests for published host ports. */
#include "config.h"

#include "hostport.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

/* Binds a socket of proto to ip:port; returns the fd or -errno. TCP gets
 * SO_REUSEADDR so that a connection in TIME_WAIT does not count as a user
 * of the port (a listener still does: Linux refuses the bind then). */
static int bind_test(uint8_t proto, struct in_addr ip, uint16_t port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr = ip, .sin_port = htons(port) };
	int one = 1, fd;

	fd = socket(AF_INET, (proto == IPPROTO_UDP ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (proto == IPPROTO_TCP && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	return fd;
}

int cgnet_hostport_check(const struct cgnet_port *p, cg_err_t *err)
{
	char ip[INET_ADDRSTRLEN];
	int fd = bind_test(p->proto, p->host_ip, p->host_port);

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	inet_ntop(AF_INET, &p->host_ip, ip, sizeof(ip));
	if (fd == -EADDRINUSE)
		return cg_error(err, 0, "host port %s:%u/%s is already in use", ip, p->host_port,
				cgnet_proto_name(p->proto));
	if (fd == -EADDRNOTAVAIL)
		return cg_error(err, 0, "host address %s of port %u/%s is not an address of this host",
				ip, p->host_port, cgnet_proto_name(p->proto));
	return cg_error(err, -fd, "checking host port %s:%u/%s", ip, p->host_port, cgnet_proto_name(p->proto));
}

static int pick(const struct cgnet_port *p, uint16_t *out, cg_err_t *err)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int fd = bind_test(p->proto, p->host_ip, 0), r = 0;

	if (fd < 0)
		return cg_error(err, -fd, "picking a free host port for %u/%s", p->ctr_port, cgnet_proto_name(p->proto));
	if (getsockname(fd, (struct sockaddr *)&sa, &len) < 0)
		r = cg_error(err, errno, "getsockname");
	else
		*out = ntohs(sa.sin_port);
	close(fd);
	return r;
}

int cgnet_hostport_assign(struct cgnet_port *v, size_t n, cg_err_t *err)
{
	cleanup_free uint16_t *chosen = xcalloc(n + 1, sizeof(*chosen));

	for (size_t i = 0; i < n; i++) {
		struct cgnet_port p = v[i];

		if (p.host_port == 0) {
			/* The kernel's pick is free now; it could repeat one picked
			 * for an earlier port of this list (nothing holds it): retry. */
			for (int tries = 0; p.host_port == 0 && tries < 16; tries++) {
				if (pick(&v[i], &p.host_port, err) < 0)
					return -err->code;
				for (size_t j = 0; j < i; j++)
					if (chosen[j] == p.host_port && v[j].proto == p.proto)
						p.host_port = 0;
			}
			if (p.host_port == 0)
				return cg_error(err, EADDRINUSE, "no free host port for %u/%s", p.ctr_port,
						cgnet_proto_name(p.proto));
		}
		if (cgnet_hostport_check(&p, err) < 0)
			return -err->code;
		chosen[i] = p.host_port;
	}
	for (size_t i = 0; i < n; i++)
		v[i].host_port = chosen[i];
	return 0;
}
