/* ps.c - `cgrun ps [-a]` and `cgrun rm NAME|ID...`. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "record.h"

int cmd_ps(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cg_container_info *v;
	size_t n;
	bool all = false;
	cg_err_t err = { 0 };
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":a", opts, NULL)) != -1) {
		switch (c) {
		case 'a': all = true; break;
		case 'h':
			puts("Usage: cgrun ps [-a]\n\nList running containers; -a adds those kept after they exited.");
			return 0;
		default: return usage_error("ps", c, argv[optind - 1]);
		}
	}
	cg_container_gc();
	if (cg_container_list(&v, &n, &err) < 0) {
		die_msg("%s", err.msg);
		return EXIT_CGRUN;
	}
	printf("%-12s  %-16s  %-24s  %-14s  %s\n", "CONTAINER ID", "IMAGE", "COMMAND", "STATUS", "NAME");
	for (size_t i = 0; i < n; i++) {
		char status[32];

		if (!strcmp(v[i].state, "exited"))
			snprintf(status, sizeof(status), "exited (%d)", v[i].exit_code);
		else
			snprintf(status, sizeof(status), "%s", v[i].state);
		if (all || strcmp(v[i].state, "exited") != 0)
			printf("%-12.12s  %-16s  %-24.24s  %-14s  %s\n", v[i].id, v[i].image, v[i].command,
			       status, v[i].name ? v[i].name : "");
		cg_container_info_free(&v[i]);
	}
	free(v);
	return 0;
}

int cmd_rm(int argc, char **argv)
{
	int ret = 0;

	if (argc < 2 || !strcmp(argv[1], "--help")) {
		puts("Usage: cgrun rm NAME|ID...\n\nRemove containers kept after they exited.");
		return argc < 2 ? EXIT_CGRUN : 0;
	}
	for (int i = 1; i < argc; i++) {
		cg_err_t err = { 0 };

		if (cg_container_remove(argv[i], &err) < 0) {
			die_msg("%s", err.msg);
			ret = EXIT_CGRUN;
		} else {
			printf("%s\n", argv[i]);
		}
	}
	return ret;
}
