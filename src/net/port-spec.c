/* port-spec.c - parse -p specs, format `cgrun port`. Pure. */
#include "config.h"

#include "port-spec.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

/* A decimal port 1..65535, nothing else (no sign, no spaces, no 0x). */
static int parse_one_port(const char *s, size_t len, uint16_t *out)
{
	unsigned long v = 0;

	if (len == 0 || len > 5)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v == 0 || v > 65535)
		return -1;
	*out = (uint16_t)v;
	return 0;
}

/* "N" or "N-M" (N <= M). */
static int parse_range(const char *spec, const char *what, const char *s, size_t len,
		       uint16_t *lo, uint16_t *hi, cg_err_t *err)
{
	const char *dash = memchr(s, '-', len);

	if (dash == NULL) {
		if (parse_one_port(s, len, lo) < 0)
			return cg_error(err, 0, "invalid port spec '%s': %s '%.*s' is not a port (1-65535)",
					spec, what, (int)len, s);
		*hi = *lo;
		return 0;
	}
	if (parse_one_port(s, (size_t)(dash - s), lo) < 0 ||
	    parse_one_port(dash + 1, len - (size_t)(dash - s) - 1, hi) < 0)
		return cg_error(err, 0, "invalid port spec '%s': %s '%.*s' is not a port or a range N-M of ports",
				spec, what, (int)len, s);
	if (*hi < *lo)
		return cg_error(err, 0, "invalid port spec '%s': %s range '%.*s' ends before it starts",
				spec, what, (int)len, s);
	return 0;
}

static int parse_proto(const char *spec, const char *p, uint8_t *proto, cg_err_t *err)
{
	if (p == NULL || strcmp(p, "tcp") == 0)
		*proto = IPPROTO_TCP;
	else if (strcmp(p, "udp") == 0)
		*proto = IPPROTO_UDP;
	else
		return cg_error(err, 0, "invalid port spec '%s': protocol '%s' is not tcp or udp", spec, p);
	return 0;
}

/* Splits "a:b:c" at its colons; more than three parts is an error. */
static int split_colons(const char *spec, const char *s, const char *part[3], size_t len[3], int *nparts,
			cg_err_t *err)
{
	const char *p = s;
	int n = 0;

	if (s[0] == '[')
		return cg_error(err, 0, "invalid port spec '%s': IPv6 host addresses are not supported", spec);
	for (;;) {
		const char *c = strchr(p, ':');

		if (n == 3)
			return cg_error(err, 0, "invalid port spec '%s': too many ':' (want [IP:][HOSTPORT:]CONTAINERPORT)",
					spec);
		part[n] = p;
		len[n] = c ? (size_t)(c - p) : strlen(p);
		n++;
		if (c == NULL)
			break;
		p = c + 1;
	}
	*nparts = n;
	return 0;
}

int cgnet_port_parse(const char *spec, struct cgnet_ports *ports, cg_err_t *err)
{
	const char *part[3], *slash;
	size_t len[3];
	int nparts = 0;
	uint16_t hlo = 0, hhi = 0, clo, chi;
	struct in_addr ip = { .s_addr = htonl(INADDR_ANY) };
	uint8_t proto;
	cleanup_free char *s = NULL;

	if (spec == NULL || spec[0] == '\0')
		return cg_error(err, 0, "invalid port spec '': empty (want [IP:][HOSTPORT:]CONTAINERPORT[/tcp|/udp])");
	s = xstrdup(spec);
	slash = strchr(s, '/');
	if (slash != NULL)
		s[slash - s] = '\0';
	if (parse_proto(spec, slash ? slash + 1 : NULL, &proto, err) < 0)
		return -1;
	if (split_colons(spec, s, part, len, &nparts, err) < 0)
		return -1;
	if (nparts == 3) {
		/* s is a copy: the IP's colon can become its end. */
		s[len[0]] = '\0';
		if (inet_pton(AF_INET, s, &ip) != 1)
			return cg_error(err, 0, "invalid port spec '%s': '%s' is not an IPv4 address", spec, s);
	}
	if (parse_range(spec, "container port", part[nparts - 1], len[nparts - 1], &clo, &chi, err) < 0)
		return -1;
	/* "IP::80" leaves the host port empty: pick one, as for "80". */
	if (nparts >= 2 && len[nparts - 2] > 0 &&
	    parse_range(spec, "host port", part[nparts - 2], len[nparts - 2], &hlo, &hhi, err) < 0)
		return -1;
	if (nparts == 2 && len[0] == 0)
		return cg_error(err, 0, "invalid port spec '%s': empty host port", spec);
	if (hlo != 0 && hhi - hlo != chi - clo)
		return cg_error(err, 0, "invalid port spec '%s': host range has %d ports, container range %d",
				spec, hhi - hlo + 1, chi - clo + 1);
	if (chi - clo + 1 > CGNET_PORT_RANGE_MAX)
		return cg_error(err, 0, "invalid port spec '%s': more than %d ports in one range",
				spec, CGNET_PORT_RANGE_MAX);

	size_t count = (size_t)(chi - clo) + 1;
	struct cgnet_port *v = realloc(ports->v, (ports->n + count) * sizeof(*v));

	if (v == NULL)
		return cg_error(err, ENOMEM, "port spec '%s'", spec);
	for (size_t i = 0; i < count; i++)
		v[ports->n + i] = (struct cgnet_port){
			.host_ip = ip, .host_port = hlo ? (uint16_t)(hlo + i) : 0,
			.ctr_port = (uint16_t)(clo + i), .proto = proto,
		};
	ports->v = v;
	ports->n += count;
	return 0;
}

void cgnet_ports_free(struct cgnet_ports *ports)
{
	free(ports->v);
	ports->v = NULL;
	ports->n = 0;
}

const char *cgnet_proto_name(uint8_t proto)
{
	return proto == IPPROTO_UDP ? "udp" : "tcp";
}

char *cgnet_port_format(const struct cgnet_port *v, size_t n, const char *filter, cg_err_t *err)
{
	uint16_t fport = 0;
	uint8_t fproto = 0;
	char *out = xstrdup("");

	if (filter != NULL) {
		const char *slash = strchr(filter, '/');
		size_t plen = slash ? (size_t)(slash - filter) : strlen(filter);

		if (parse_one_port(filter, plen, &fport) < 0 ||
		    (slash && parse_proto(filter, slash + 1, &fproto, err) < 0)) {
			free(out);
			return cg_error(err, 0, "invalid port '%s': want CONTAINERPORT[/tcp|/udp]", filter), NULL;
		}
	}
	for (size_t i = 0; i < n; i++) {
		char ip[INET_ADDRSTRLEN];
		char *next;

		if (fport && (v[i].ctr_port != fport || (fproto && v[i].proto != fproto)))
			continue;
		inet_ntop(AF_INET, &v[i].host_ip, ip, sizeof(ip));
		next = xasprintf("%s%u/%s -> %s:%u\n", out, v[i].ctr_port, cgnet_proto_name(v[i].proto),
				 ip, v[i].host_port);
		free(out);
		out = next;
	}
	return out;
}

char *cgnet_port_spec(const struct cgnet_port *p)
{
	char ip[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &p->host_ip, ip, sizeof(ip));
	if (p->host_port == 0)
		return xasprintf("%s::%u/%s", ip, p->ctr_port, cgnet_proto_name(p->proto));
	return xasprintf("%s:%u:%u/%s", ip, p->host_port, p->ctr_port, cgnet_proto_name(p->proto));
}
