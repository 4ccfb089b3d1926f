/* ps.c - `cgrun ps [-a]` and `cgrun rm NAME|ID...`. */
#include "config.h"

#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli-util.h"
#include "client.h"
#include "proto.h"
#include "psformat.h"
#include "record.h"

struct ps_opts {
	bool all, quiet, trunc;
	struct cg_ps_format fmt;
};

static void print_row(const struct ps_opts *o, const struct cg_ps_row *r)
{
	if (!o->all && !cg_state_up(r->state))
		return;
	if (o->quiet) {
		printf("%.*s\n", o->trunc ? 12 : 64, r->id);
		return;
	}
	cleanup_free char *line = cg_ps_format_row(&o->fmt, r, o->trunc);

	puts(line);
}

static void print_header(const struct ps_opts *o)
{
	cleanup_free char *h = o->quiet ? NULL : cg_ps_format_header(&o->fmt);

	if (h)
		puts(h);
}

/* cgrund's listing, decoded into what the local listing fills. */
static int list_daemon(bool all, struct cg_container_info **out, size_t *n, cg_err_t *err)
{
	struct cg_request req = { .cmd = CG_CMD_PS, .timeout = -1, .all = all };
	struct json_object *rep = NULL, *arr;
	struct cg_container_info *v = NULL;
	size_t k = 0;
	int ret = 0;

	*out = NULL;
	*n = 0;
	if (client_call(cg_request_encode(&req), &rep, NULL, err) < 0)
		return -1;
	if (json_object_object_get_ex(rep, "containers", &arr) && json_object_is_type(arr, json_type_array)) {
		size_t len = json_object_array_length(arr);

		v = xcalloc(len ? len : 1, sizeof(*v));
		for (; k < len; k++)
			if (cg_container_info_from_json(json_object_array_get_idx(arr, k), &v[k], err) < 0) {
				ret = -1;
				break;
			}
	}
	json_object_put(rep);
	if (ret < 0) {
		cg_container_list_free(v, k);
		return -1;
	}
	*out = v;
	*n = k;
	return 0;
}

static void ps_usage(void)
{
	puts("Usage: cgrun ps [-a] [-q] [--no-trunc] [--format=FORMAT]\n"
	     "\n"
	     "List running containers.\n"
	     "\n"
	     "  -a, --all            also those kept after they exited\n"
	     "  -q, --quiet          only their ids\n"
	     "      --no-trunc       whole 64-digit ids\n"
	     "      --format=FORMAT  'json' (an object a line), or a template such as\n"
	     "                       '{{.ID}} {{.Names}} {{.Status}}' ('table ...' adds a\n"
	     "                       header; \\t and \\n are a tab and a newline). Fields:\n"
	     "                       .ID .Names .Image .Command .State .Status .CreatedAt\n"
	     "                       .ExitCode .Pid\n"
	     "      --help           show this help\n"
	     "\n"
	     "Exit status: 0; 125 on failure.");
}

int cmd_ps(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "no-trunc", no_argument, NULL, 'T' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cg_container_info *v;
	struct ps_opts o = { .trunc = true };
	const char *format = NULL;
	size_t n;
	cg_err_t err = { 0 };
	int c, ret = 0;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":aq", opts, NULL)) != -1) {
		switch (c) {
		case 'a': o.all = true; break;
		case 'q': o.quiet = true; break;
		case 'T': o.trunc = false; break;
		case 'f': format = optarg; break;
		case 'h': ps_usage(); return 0;
		default: return usage_error("ps", c, argv[optind - 1]);
		}
	}
	if (optind < argc) {
		die_msg("unexpected argument '%s'; see 'cgrun ps --help'", argv[optind]);
		return EXIT_CGRUN;
	}
	if (cg_ps_format_parse(format, &o.fmt, &err) < 0) {
		die_msg("%s", err.msg);
		return EXIT_CGRUN;
	}
	if (client_daemon_up()) {
		ret = list_daemon(o.all, &v, &n, &err);
	} else {
		cg_container_gc(cli_ctx());
		ret = cg_container_list(cli_ctx(), &v, &n, &err);
	}
	if (ret < 0) {
		cg_ps_format_free(&o.fmt);
		die_msg("%s", err.msg);
		return EXIT_CGRUN;
	}
	print_header(&o);
	for (size_t i = 0; i < n; i++) {
		struct cg_ps_row r = {
			.id = v[i].id, .name = v[i].name, .image = v[i].image, .command = v[i].command,
			.state = v[i].state, .exit_code = v[i].exit_code, .pid = v[i].pid, .created = v[i].created,
		};

		print_row(&o, &r);
	}
	cg_container_list_free(v, n);
	cg_ps_format_free(&o.fmt);
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
			puts("Usage: cgrun rm [-f] NAME|ID...\n"
			     "\n"
			     "Remove containers that have exited: their files, record and name.\n"
			     "\n"
			     "  -f, --force  also running ones (killed first; needs cgrund)\n"
			     "      --help   show this help\n"
			     "\n"
			     "Exit status: 0; 125 if a container could not be removed.");
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
		if (cg_container_remove(cli_ctx(), argv[i], &err) < 0) {
			die_msg("%s", err.msg);
			ret = EXIT_CGRUN;
		} else {
			printf("%s\n", argv[i]);
		}
	}
	return ret;
}
