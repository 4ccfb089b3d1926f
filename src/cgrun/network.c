/* network.c - `cgrun network create|ls|inspect|rm`: user networks
 * (src/lib/networks.h), handled in this process: their definitions and
 * leases are files; a network's bridge is made by its first container. */
#include "config.h"

#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli-util.h"
#include "networks.h"

static void network_usage(FILE *f)
{
	fputs("Usage: cgrun network create [--subnet=CIDR] NAME\n"
	      "       cgrun network ls\n"
	      "       cgrun network inspect NAME...\n"
	      "       cgrun network rm NAME...\n"
	      "\n"
	      "create defines a network: its own bridge, cg-NAME, made when a container\n"
	      "       first joins it (run's network option set to NAME). NAME: a to z,\n"
	      "       0 to 9, '_', '.', '-', at most 12 characters.\n"
	      "  --subnet=CIDR  its IPv4 subnet (default: the first free 10.89.N.0/24);\n"
	      "                 one that overlaps another network's is refused\n"
	      "ls lists NAME, SUBNET and BRIDGE, the default network (bridge) first.\n"
	      "inspect prints the networks and the containers holding an address on\n"
	      "       them as a JSON array.\n"
	      "rm removes networks no running container is on, with their bridges.\n"
	      "--help shows this help.\n"
	      "\n"
	      "Exit status: 0; 125 on failure.\n", f);
}

static int network_create(const char *subnet, int argc, char **argv)
{
	struct cg_netdef d;
	cg_err_t err = { 0 };

	if (argc != 1) {
		die_msg("usage: cgrun network create [--subnet=CIDR] NAME");
		return EXIT_CGRUN;
	}
	if (cg_network_create(cli_ctx(), argv[0], subnet, &d, &err) < 0) {
		die_msg("%s", err.msg);
		return EXIT_CGRUN;
	}
	printf("%s\n", d.name);
	return 0;
}

static int network_ls(int argc)
{
	struct cg_netdef *v;
	size_t n;
	cg_err_t err = { 0 };
	char c[CG_CIDR_STRLEN];

	if (argc != 0) {
		die_msg("'cgrun network ls' takes no arguments");
		return EXIT_CGRUN;
	}
	if (cg_network_list(cli_ctx(), &v, &n, &err) < 0) {
		die_msg("%s", err.msg);
		return EXIT_CGRUN;
	}
	printf("%-14s %-18s %s\n", "NAME", "SUBNET", "BRIDGE");
	for (size_t i = 0; i < n; i++)
		printf("%-14s %-18s %s\n", v[i].name, cg_cidr_format(&v[i].subnet, c), v[i].bridge);
	free(v);
	return 0;
}

static int network_inspect(int argc, char **argv)
{
	struct json_object *arr;
	int ret = 0;

	if (argc < 1) {
		die_msg("usage: cgrun network inspect NAME...");
		return EXIT_CGRUN;
	}
	arr = json_object_new_array();
	for (int i = 0; i < argc; i++) {
		cg_err_t err = { 0 };
		struct json_object *o = cg_network_inspect(cli_ctx(), argv[i], &err);

		if (o == NULL) {
			die_msg("%s", err.msg);
			ret = EXIT_CGRUN;
			continue;
		}
		json_object_array_add(arr, o);
	}
	printf("%s\n", json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(arr);
	return ret;
}

static int network_rm(int argc, char **argv)
{
	if (argc < 1) {
		die_msg("usage: cgrun network rm NAME...");
		return EXIT_CGRUN;
	}
	return cli_remove_each(argc, argv, cg_network_remove);
}

int cmd_network(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "subnet", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sub, *subnet = NULL;
	int c;

	if (argc < 2 || !strcmp(argv[1], "--help")) {
		network_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_CGRUN : 0;
	}
	sub = argv[1];
	argc--;
	argv++;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+:", opts, NULL)) != -1) {
		switch (c) {
		case 's': subnet = optarg; break;
		case 'h': network_usage(stdout); return 0;
		default: return usage_error("network", c, argv[optind - 1]);
		}
	}
	argc -= optind;
	argv += optind;
	if (subnet && strcmp(sub, "create") != 0) {
		die_msg("--subnet is an option of 'cgrun network create' only");
		return EXIT_CGRUN;
	}
	if (!strcmp(sub, "create"))
		return network_create(subnet, argc, argv);
	if (!strcmp(sub, "ls") || !strcmp(sub, "list"))
		return network_ls(argc);
	if (!strcmp(sub, "inspect"))
		return network_inspect(argc, argv);
	if (!strcmp(sub, "rm"))
		return network_rm(argc, argv);
	die_msg("unknown network command '%s'; use create, ls, inspect or rm", sub);
	return EXIT_CGRUN;
}
