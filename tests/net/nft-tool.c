/* nft-tool - drives libcgnet's firewall half for tests/net/nft.bats, in the
 * network namespace it is run in:
 *   nft-tool setup BRIDGE=CIDR...          table, base chains, route_localnet;
 *                                          another table's forward drop: warning on stderr
 *   nft-tool add ID CTR_IP SPEC...         publish (SPEC as -p); prints `cgrun port` lines
 *   nft-tool del ID [SPEC...]              SPEC: those of add, host ports given
 *   nft-tool reconcile [LIVE_ID...]        prints "removed N"
 *   nft-tool teardown
 *   nft-tool hairpin PORT                  hairpin mode on a bridge port
 *   nft-tool forget IP                     delete IP's conntrack entries; prints "forgot N"
 *   nft-tool cost N                        N adds and dels of a container with one
 *                                          port, one context: prints the mean ms of each
 *   nft-tool port [--filter F] SPEC...     parse and format only
 * Exit 0, 1 on error (one line on stderr), 2 on bad usage. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conntrack.h"
#include "fw-sysctl.h"
#include "hairpin.h"
#include "hostport.h"
#include "nft.h"
#include "port-spec.h"

static int fail(const cg_err_t *err)
{
	fprintf(stderr, "nft-tool: %s\n", err->msg);
	return 1;
}

static int parse_nets(int argc, char **argv, struct cgnet_fw_net *nets, cg_err_t *err)
{
	for (int i = 0; i < argc; i++) {
		char *eq = strchr(argv[i], '='), *slash = eq ? strchr(eq, '/') : NULL;

		if (eq == NULL || slash == NULL)
			return cg_error(err, EINVAL, "'%s': want BRIDGE=A.B.C.D/N", argv[i]);
		*eq = *slash = '\0';
		nets[i].bridge = argv[i];
		nets[i].prefix = (unsigned)atoi(slash + 1);
		if (inet_pton(AF_INET, eq + 1, &nets[i].subnet) != 1)
			return cg_error(err, EINVAL, "'%s': not an IPv4 address", eq + 1);
	}
	return 0;
}

static int cmd_setup(struct cgnet_fw *fw, int argc, char **argv, cg_err_t *err)
{
	struct cgnet_fw_net nets[16];
	cleanup_free char *warning = NULL;

	if (argc > 16 || parse_nets(argc, argv, nets, err) < 0)
		return argc > 16 ? cg_error(err, E2BIG, "too many networks") : -1;
	if (cgnet_fw_setup(fw, nets, (size_t)argc, err) < 0)
		return -1;
	for (int i = 0; i < argc; i++)
		if (cgnet_bridge_route_localnet(nets[i].bridge, err) < 0)
			return -1;
	if (cgnet_fw_forward_check(fw, nets, (size_t)argc, &warning, err) < 0)
		return -1;
	if (warning)
		fprintf(stderr, "warning: %s\n", warning);
	return 0;
}

static int parse_specs(int argc, char **argv, struct cgnet_ports *ports, cg_err_t *err)
{
	for (int i = 0; i < argc; i++)
		if (cgnet_port_parse(argv[i], ports, err) < 0)
			return -1;
	return 0;
}

static int print_ports(const struct cgnet_ports *ports, const char *filter, cg_err_t *err)
{
	cleanup_free char *s = cgnet_port_format(ports->v, ports->n, filter, err);

	if (s == NULL)
		return -1;
	fputs(s, stdout);
	return 0;
}

static int cmd_add(struct cgnet_fw *fw, int argc, char **argv, cg_err_t *err)
{
	struct cgnet_ports ports = { 0 };
	struct cgnet_fw_ctr c = { .id = argv[0] };
	int r = -1;

	if (inet_pton(AF_INET, argv[1], &c.ip) != 1)
		return cg_error(err, EINVAL, "'%s': not an IPv4 address", argv[1]);
	if (parse_specs(argc - 2, argv + 2, &ports, err) == 0 && cgnet_hostport_assign(ports.v, ports.n, err) == 0) {
		c.ports = ports.v;
		c.nports = ports.n;
		if (cgnet_fw_ctr_add(fw, &c, err) == 0)
			r = print_ports(&ports, NULL, err);
	}
	cgnet_ports_free(&ports);
	return r;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* What one container's rules cost a start and a removal with the context
 * cgrund keeps open (the removal knowing the ports, and not). */
static int cmd_cost(struct cgnet_fw *fw, int n, cg_err_t *err)
{
	struct cgnet_port port = { .host_port = 40999, .ctr_port = 80, .proto = IPPROTO_TCP };
	struct cgnet_fw_ctr c = { .id = "costprobe", .ports = &port, .nports = 1 };
	struct cgnet_fw_ctr bare = { .id = c.id };
	double add = 0, del = 0, del_bare = 0, t;

	inet_pton(AF_INET, "10.88.255.254", &c.ip);
	for (int i = 0; i < n; i++) {
		t = now_ms();
		if (cgnet_fw_ctr_add(fw, &c, err) < 0)
			return -1;
		add += now_ms() - t;
		t = now_ms();
		if (cgnet_fw_ctr_del(fw, &c, err) < 0)
			return -1;
		del += now_ms() - t;
		if (cgnet_fw_ctr_add(fw, &c, err) < 0)
			return -1;
		t = now_ms();
		if (cgnet_fw_ctr_del(fw, &bare, err) < 0)
			return -1;
		del_bare += now_ms() - t;
	}
	printf("add %.3f ms, del %.3f ms, del without the ports %.3f ms\n", add / n, del / n, del_bare / n);
	return 0;
}

static int cmd_del(struct cgnet_fw *fw, int argc, char **argv, cg_err_t *err)
{
	struct cgnet_ports ports = { 0 };
	int r = parse_specs(argc - 1, argv + 1, &ports, err);

	if (r == 0) {
		struct cgnet_fw_ctr c = { .id = argv[0], .ports = ports.v, .nports = ports.n };

		r = cgnet_fw_ctr_del(fw, &c, err);
	}
	cgnet_ports_free(&ports);
	return r;
}

static int cmd_forget(const char *ip, cg_err_t *err)
{
	struct in_addr a;
	size_t n;

	if (inet_pton(AF_INET, ip, &a) != 1)
		return cg_error(err, 0, "'%s': not an IPv4 address", ip);
	if (cgnet_conntrack_forget(a, &n, err) < 0)
		return -1;
	printf("forgot %zu\n", n);
	return 0;
}

static int cmd_port(int argc, char **argv, cg_err_t *err)
{
	struct cgnet_ports ports = { 0 };
	const char *filter = NULL;
	int r;

	if (argc >= 2 && strcmp(argv[0], "--filter") == 0) {
		filter = argv[1];
		argc -= 2, argv += 2;
	}
	r = parse_specs(argc, argv, &ports, err);
	if (r == 0)
		r = print_ports(&ports, filter, err);
	cgnet_ports_free(&ports);
	return r;
}

int main(int argc, char **argv)
{
	cg_err_t err = { 0 };
	struct cgnet_fw *fw = NULL;
	const char *cmd = argc > 1 ? argv[1] : "";
	int r;

	if (strcmp(cmd, "port") == 0)
		return cmd_port(argc - 2, argv + 2, &err) < 0 ? fail(&err) : 0;
	if (!((strcmp(cmd, "setup") == 0 && argc >= 3) || (strcmp(cmd, "add") == 0 && argc >= 4) ||
	      (strcmp(cmd, "del") == 0 && argc >= 3) || strcmp(cmd, "reconcile") == 0 ||
	      (strcmp(cmd, "teardown") == 0 && argc == 2) || (strcmp(cmd, "hairpin") == 0 && argc == 3) || (strcmp(cmd, "forget") == 0 && argc == 3) ||
	      (strcmp(cmd, "cost") == 0 && argc == 3 && atoi(argv[2]) > 0))) {
		fprintf(stderr, "usage: nft-tool setup BRIDGE=CIDR... | add ID IP SPEC... | del ID [SPEC...] | "
				"reconcile [ID...] | teardown | hairpin PORT | forget IP | cost N | port [--filter F] SPEC...\n");
		return 2;
	}
	if (strcmp(cmd, "hairpin") == 0)
		return cgnet_bridge_port_hairpin(argv[2], true, &err) < 0 ? fail(&err) : 0;
	if (strcmp(cmd, "forget") == 0)
		return cmd_forget(argv[2], &err) < 0 ? fail(&err) : 0;
	if (cgnet_fw_open(&fw, &err) < 0)
		return fail(&err);
	if (strcmp(cmd, "setup") == 0) {
		r = cmd_setup(fw, argc - 2, argv + 2, &err);
	} else if (strcmp(cmd, "add") == 0) {
		r = cmd_add(fw, argc - 2, argv + 2, &err);
	} else if (strcmp(cmd, "del") == 0) {
		r = cmd_del(fw, argc - 2, argv + 2, &err);
	} else if (strcmp(cmd, "reconcile") == 0) {
		size_t removed;

		r = cgnet_fw_reconcile(fw, (const char *const *)argv + 2, (size_t)argc - 2, &removed, &err);
		if (r == 0)
			printf("removed %zu\n", removed);
	} else if (strcmp(cmd, "cost") == 0) {
		r = cmd_cost(fw, atoi(argv[2]), &err);
	} else {
		r = cgnet_fw_teardown(fw, &err);
	}
	cgnet_fw_close(fw);
	return r < 0 ? fail(&err) : 0;
}
