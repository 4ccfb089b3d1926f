/* cgrun-fw - the firewall hooks (fw-hooks.h) for an in-process cgrun,
 * which must not load libnftables: cgrun runs this program (src/cgrun/
 * fw-exec.c), which does what cgrund does in its own process (fw-apply.h).
 *
 *   cgrun-fw attach --run-dir DIR --addr IP --net BRIDGE=CIDR... [-p SPEC]... ID
 *   cgrun-fw detach --addr IP [-p SPEC]... ID
 *
 * Output on stdout, one line each: "port SPEC" per published port (host
 * ports chosen), "warning MSG", and on failure "error MSG" (exit 1). */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fw-apply.h"

#define MAX_NETS 256

struct args {
	const char *run_dir, *id;
	uint32_t addr;
	struct cg_net_conf nets[MAX_NETS];
	size_t nnets;
	struct cgnet_ports ports;
};

static int parse(int argc, char **argv, struct args *a, cg_err_t *err)
{
	static const struct option opts[] = {
		{ "run-dir", required_argument, NULL, 'r' },
		{ "addr", required_argument, NULL, 'a' },
		{ "net", required_argument, NULL, 'n' },
		{ "publish", required_argument, NULL, 'p' },
		{ 0 },
	};
	int o;
	char *eq;

	optind = 1;
	while ((o = getopt_long(argc, argv, "p:", opts, NULL)) != -1) {
		switch (o) {
		case 'r': a->run_dir = optarg; break;
		case 'a':
			if (cg_ip4_parse(optarg, &a->addr, err) < 0)
				return -1;
			break;
		case 'n':
			if ((eq = strchr(optarg, '=')) == NULL || a->nnets == MAX_NETS)
				return cg_error(err, 0, "--net wants BRIDGE=CIDR, not '%s'", optarg);
			*eq = '\0';
			a->nets[a->nnets].bridge = optarg;
			a->nets[a->nnets].name = optarg;
			if (cg_cidr_parse(eq + 1, &a->nets[a->nnets++].subnet, err) < 0)
				return -1;
			break;
		case 'p':
			if (cgnet_port_parse(optarg, &a->ports, err) < 0)
				return -1;
			break;
		default: return cg_error(err, 0, "usage: cgrun-fw attach|detach OPTIONS ID");
		}
	}
	if (optind != argc - 1 || a->addr == 0)
		return cg_error(err, 0, "usage: cgrun-fw attach|detach --addr IP OPTIONS ID");
	a->id = argv[optind];
	return 0;
}

static int attach(struct cgnet_fw *fw, struct args *a, cg_err_t *err)
{
	cleanup_free char *key = NULL, *stamp = NULL;
	char *warning = NULL;
	int r;

	if (a->run_dir == NULL || a->nnets == 0)
		return cg_error(err, 0, "attach needs --run-dir and --net");
	key = cg_fw_nets_key(a->nets, a->nnets);
	stamp = cg_fw_stamp_path(a->run_dir);
	struct cg_fw_attach at = {
		.id = a->id, .nets = a->nets, .nnets = a->nnets, .nets_key = key, .stamp = stamp,
		.addr = a->addr, .ports = a->ports.v, .nports = a->ports.n,
	};
	r = cgnet_fwa_attach(fw, &at, &warning, err);
	if (warning)
		printf("warning %s\n", warning);
	free(warning);
	for (size_t i = 0; r == 0 && i < a->ports.n; i++) {
		cleanup_free char *s = cgnet_port_spec(&a->ports.v[i]);

		printf("port %s\n", s);
	}
	return r;
}

int main(int argc, char **argv)
{
	struct args a = { 0 };
	struct cgnet_fw *fw = NULL;
	cg_err_t err = { 0 };
	int r = -1;

	if (argc < 2 || (strcmp(argv[1], "attach") && strcmp(argv[1], "detach")))
		cg_error(&err, 0, "usage: cgrun-fw attach|detach OPTIONS ID");
	else if (parse(argc - 1, argv + 1, &a, &err) == 0 && cgnet_fw_open(&fw, &err) == 0) {
		if (!strcmp(argv[1], "attach")) {
			r = attach(fw, &a, &err);
		} else {
			struct cg_fw_detach d = { .id = a.id, .addr = a.addr, .ports = a.ports.v, .nports = a.ports.n };

			r = cgnet_fwa_detach(fw, &d, &err);
		}
		cgnet_fw_close(fw);
	}
	cgnet_ports_free(&a.ports);
	if (r < 0)
		printf("error %s\n", err.msg);
	return r < 0 ? 1 : 0;
}
