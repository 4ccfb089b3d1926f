/* ps.c - `cgrun ps [-a]` and `cgrun rm NAME|ID...`. */
#include "config.h"

#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "client.h"
#include "record.h"

static void print_row(const char *id, const char *image, const char *command, const char *state,
		      int exit_code, const char *name)
{
	char status[32];

	if (!strcmp(state, "exited") || !strcmp(state, "oom-killed"))
		snprintf(status, sizeof(status), "%s (%d)", state, exit_code);
	else
		snprintf(status, sizeof(status), "%s", state);
	printf("%-12.12s  %-16s  %-24.24s  %-16s  %s\n", id, image, command, status, name ? name : "");
}

static void print_header(void)
{
	printf("%-12s  %-16s  %-24s  %-16s  %s\n", "CONTAINER ID", "IMAGE", "COMMAND", "STATUS", "NAME");
}

static int ps_daemon(bool all)
{
	struct json_object *req = client_request("ps"), *rep = NULL, *arr;
	cg_err_t err = { 0 };

	json_object_object_add(req, "all", json_object_new_boolean(all));
	if (client_call(req, &rep, NULL, &err) < 0) {
		die_msg("%s", err.msg);
		return EXIT_CGRUN;
	}
	print_header();
	if (json_object_object_get_ex(rep, "containers", &arr))
		for (size_t i = 0; i < json_object_array_length(arr); i++) {
			struct json_object *o = json_object_array_get_idx(arr, i), *f;
			const char *k[5] = { "id", "image", "command", "state", "name" }, *val[5];

			for (int j = 0; j < 5; j++)
				val[j] = json_object_object_get_ex(o, k[j], &f) ? json_object_get_string(f) : NULL;
			print_row(val[0] ? val[0] : "", val[1] ? val[1] : "", val[2] ? val[2] : "",
				  val[3] ? val[3] : "", json_object_object_get_ex(o, "exit_code", &f) ?
				  json_object_get_int(f) : -1, val[4]);
		}
	json_object_put(rep);
	return 0;
}

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
	if (client_daemon_up())
		return ps_daemon(all);
	cg_container_gc();
	if (cg_container_list(&v, &n, &err) < 0) {
		die_msg("%s", err.msg);
		return EXIT_CGRUN;
	}
	print_header();
	for (size_t i = 0; i < n; i++) {
		bool up = !strcmp(v[i].state, "running") || !strcmp(v[i].state, "paused");

		if (all || up)
			print_row(v[i].id, v[i].image, v[i].command, v[i].state, v[i].exit_code, v[i].name);
	}
	cg_container_list_free(v, n);
	return 0;
}

int cmd_rm(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' }, { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	bool force = false, daemon;
	int ret = 0, c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+:f", opts, NULL)) != -1) {
		switch (c) {
		case 'f': force = true; break;
		case 'h':
			puts("Usage: cgrun rm [-f] NAME|ID...\n\nRemove containers that have exited; -f also kills running ones.");
			return 0;
		default: return usage_error("rm", c, argv[optind - 1]);
		}
	}
	if (optind >= argc) {
		die_msg("usage: cgrun rm [-f] NAME|ID...");
		return EXIT_CGRUN;
	}
	daemon = client_daemon_up();
	for (int i = optind; i < argc; i++) {
		cg_err_t err = { 0 };

		if (daemon) {
			struct json_object *req = client_request("rm"), *rep = NULL;

			json_object_object_add(req, "target", json_object_new_string(argv[i]));
			json_object_object_add(req, "all", json_object_new_boolean(force));
			if (client_call(req, &rep, NULL, &err) < 0) {
				die_msg("%s", err.msg);
				ret = EXIT_CGRUN;
			} else {
				printf("%s\n", argv[i]);
			}
			json_object_put(rep);
			continue;
		}
		if (cg_container_remove(argv[i], &err) < 0) {
			die_msg("%s", err.msg);
			ret = EXIT_CGRUN;
		} else {
			printf("%s\n", argv[i]);
		}
	}
	return ret;
}
