/* verbs.c - the container verbs that go through cgrund: inspect, logs,
 * stop, kill, wait, pause, unpause, update. (ps and rm: ps.c; exec: exec.c) */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <json-c/json.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>

#include "cli.h"
#include "cli-util.h"
#include "ctx.h"
#include "limit-opts.h"
#include "backend.h"
#include "client.h"
#include "container-ops.h"
#include "parse.h"
#include "proto.h"
#include "container.h"
#include "inspect.h"
#include "record.h"
#include "record-codec.h"
#include "spec.h"

/* One request per target, through cgrund when it answers, else done here
 * (backend.h): prints each target on success, like docker, or for wait the
 * exit code. */
static int simple(const struct cg_request *tmpl, const struct cg_limits *limits, int argc,
		  char **argv, int first)
{
	bool daemon;
	int ret = 0;

	if (first >= argc) {
		die_msg("'%s' needs at least one container name or id", cg_cmd_name(tmpl->cmd));
		return EXIT_CGRUN;
	}
	daemon = client_daemon_up();
	for (int i = first; i < argc; i++) {
		struct cg_request req = *tmpl;
		struct backend_reply rep = { .exit_code = -1 };
		cg_err_t err = { 0 };

		req.target = argv[i];
		if (backend_call(daemon, &req, limits, &rep, &err) < 0) {
			cli_fail(&err);
			ret = EXIT_CGRUN;
			continue;
		}
		if (req.cmd == CG_CMD_WAIT) {
			printf("%d\n", rep.exit_code);
			ret = rep.exit_code == -1 ? EXIT_CGRUN : ret;
		} else {
			printf("%s\n", argv[i]);
		}
	}
	return ret;
}

int cmd_stop(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "time", required_argument, NULL, 't' }, { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	struct cg_request req = { .cmd = CG_CMD_STOP, .timeout = -1 };
	cg_err_t err = { 0 };
	int64_t t;
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+:t:", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			if (parse_int_range("-t", optarg, 0, 86400, &t, &err) < 0)
				return cli_fail(&err);
			req.timeout = (int)t;
			break;
		case 'h':
			puts("Usage: cgrun stop [-t SECS] NAME|ID...\n"
			     "\n"
			     "Stop containers: SIGTERM (or the signal their image's StopSignal\n"
			     "names), then SIGKILL after SECS.\n"
			     "\n"
			     "  -t, --time=SECS  seconds before SIGKILL, 0..86400 (default: cgrund's\n"
			     "                   stop_timeout; 10 without cgrund)\n"
			     "      --help       show this help\n"
			     "\n"
			     "Exit status: 0; 125 if a container could not be stopped.");
			return 0;
		default:
			return usage_error("stop", c, argv[optind - 1]);
		}
	}
	return simple(&req, NULL, argc, argv, optind);
}

int cmd_kill(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "signal", required_argument, NULL, 's' }, { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	struct cg_request req = { .cmd = CG_CMD_KILL, .timeout = -1, .signal = SIGKILL };
	int c, sig;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+:s:", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			sig = cg_signal_parse(optarg);
			if (sig <= 0) {
				die_msg("unknown signal '%s': use a name such as TERM, KILL, HUP or a number", optarg);
				return EXIT_CGRUN;
			}
			req.signal = sig;
			break;
		case 'h':
			puts("Usage: cgrun kill [-s SIGNAL] NAME|ID...\n"
			     "\n"
			     "Send a signal to the containers' init, which forwards it to the command.\n"
			     "\n"
			     "  -s, --signal=SIGNAL  a name (TERM, SIGTERM, HUP...) or a number\n"
			     "                       (default KILL)\n"
			     "      --help           show this help\n"
			     "\n"
			     "Exit status: 0; 125 if a container could not be signalled.");
			return 0;
		default:
			return usage_error("kill", c, argv[optind - 1]);
		}
	}
	return simple(&req, NULL, argc, argv, optind);
}

static int no_options(enum cg_cmd cmd, const char *help, int argc, char **argv)
{
	struct cg_request req = { .cmd = cmd, .timeout = -1 };

	if (argc >= 2 && !strcmp(argv[1], "--help")) {
		printf("%s\n", help);
		return 0;
	}
	return simple(&req, NULL, argc, argv, 1);
}

int cmd_wait(int argc, char **argv)
{
	return no_options(CG_CMD_WAIT, "Usage: cgrun wait NAME|ID...\n\n"
			  "Wait for containers to exit; print their exit codes, one a line.\n\n"
			  "Exit status: 0 (whatever the containers' codes); 125 if one could not\n"
			  "be waited for.",
			  argc, argv);
}

int cmd_pause(int argc, char **argv)
{
	return no_options(CG_CMD_PAUSE, "Usage: cgrun pause NAME|ID...\n\nFreeze every process of the containers.\n\n"
			  "Exit status: 0; 125 if a container could not be paused.",
			  argc, argv);
}

int cmd_unpause(int argc, char **argv)
{
	return no_options(CG_CMD_UNPAUSE, "Usage: cgrun unpause NAME|ID...\n\nThaw paused containers.\n\n"
			  "Exit status: 0; 125 if a container could not be thawed.", argc, argv);
}

/* What cgrund's inspect answers, from the store: the same function makes both. */
static struct json_object *inspect_local(const char *key, cg_err_t *err)
{
	struct cg_container c;
	struct cg_spec spec;
	struct json_object *o = NULL;
	void *json = NULL;
	char id[65];

	if (cg_container_resolve(cli_ctx(), key, id, err) < 0)
		return NULL;
	if (cg_container_load(cli_ctx(), id, &c, &spec, &json, err) == 0)
		o = cg_container_inspect(&c, err);
	cg_container_free(&c);
	cg_spec_free(&spec);
	json_object_put(json);
	return o;
}

/* Container key as inspect shows it, here or from cgrund: the container's
 * object, in *rep (to be put). NULL with err. */
static struct json_object *inspect_one(const char *key, bool local, struct json_object **rep, cg_err_t *err)
{
	struct json_object *v = NULL, *req;

	if (local)
		return *rep = inspect_local(key, err);
	req = client_request("inspect");
	json_object_object_add(req, "target", json_object_new_string(key));
	if (client_call(req, rep, NULL, err) < 0)
		return NULL;
	if (!json_object_object_get_ex(*rep, "container", &v)) {
		json_object_put(*rep);
		*rep = NULL;
		cg_error(err, EBADMSG, "malformed reply: no container");
	}
	return v;
}

int cmd_port(int argc, char **argv)
{
	struct json_object *rep = NULL, *v, *ns, *ports;
	struct cgnet_ports p = { 0 };
	cg_err_t err = { 0 };
	char *out = NULL;

	if (argc >= 2 && !strcmp(argv[1], "--help")) {
		puts("Usage: cgrun port NAME|ID [CONTAINERPORT[/tcp|/udp]]\n\n"
		     "Show the container's published ports, one a line: 80/tcp -> 0.0.0.0:8080\n"
		     "(only those of CONTAINERPORT when given).\n\n"
		     "Exit status: 0; 125 for an unknown container or a filter that is not a port.");
		return 0;
	}
	if (argc < 2 || argc > 3) {
		die_msg("usage: cgrun port NAME|ID [CONTAINERPORT[/tcp|/udp]]");
		return EXIT_CGRUN;
	}
	if ((v = inspect_one(argv[1], !client_daemon_up(), &rep, &err)) != NULL) {
		if (json_object_object_get_ex(v, "NetworkSettings", &ns) && json_object_object_get_ex(ns, "Ports", &ports))
			cg_ports_from_json(ports, &p, &err);
		if (err.msg[0] == '\0')
			out = cgnet_port_format(p.v, p.n, argc == 3 ? argv[2] : NULL, &err);
	}
	json_object_put(rep);
	cgnet_ports_free(&p);
	if (out == NULL) {
		cli_fail(&err);
		return EXIT_CGRUN;
	}
	fputs(out, stdout);
	free(out);
	return 0;
}

int cmd_inspect(int argc, char **argv)
{
	int ret = 0;
	bool local;

	if (argc >= 2 && !strcmp(argv[1], "--help")) {
		puts("Usage: cgrun inspect NAME|ID...\n\n"
		     "Show containers as JSON: config, state, pid, cgroup paths, limits, exit code.\n\n"
		     "Exit status: 0; 125 if a container could not be shown.");
		return 0;
	}
	if (argc < 2) {
		die_msg("usage: cgrun inspect NAME|ID...");
		return EXIT_CGRUN;
	}
	local = !client_daemon_up();
	printf("[");
	for (int i = 1; i < argc; i++) {
		struct json_object *rep = NULL, *v = NULL;
		cg_err_t err = { 0 };

		if ((v = inspect_one(argv[i], local, &rep, &err)) == NULL) {
			cli_fail(&err);
			ret = EXIT_CGRUN;
			continue;
		}
		printf("%s%s", i > 1 ? ",\n" : "\n", json_object_to_json_string_ext(v, JSON_C_TO_STRING_PRETTY));
		json_object_put(rep);
	}
	printf("\n]\n");
	return ret;
}

static bool copy_out(int fd)
{
	char buf[65536];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
			return false;
	fflush(stdout);
	return true;
}

int cmd_logs(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "follow", no_argument, NULL, 'f' }, { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	bool follow = false, running;
	int c, logfd = -1, endfd = -1;
	struct json_object *req, *rep = NULL, *v;
	cg_err_t err = { 0 };

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+:f", opts, NULL)) != -1) {
		switch (c) {
		case 'f': follow = true; break;
		case 'h':
			puts("Usage: cgrun logs [-f] NAME|ID\n"
			     "\n"
			     "Print a detached container's output (log_driver = file).\n"
			     "\n"
			     "  -f, --follow  go on printing until the container exits\n"
			     "      --help    show this help\n"
			     "\n"
			     "Exit status: 0; 125 on failure.");
			return 0;
		default: return usage_error("logs", c, argv[optind - 1]);
		}
	}
	if (optind + 1 != argc) {
		die_msg("usage: cgrun logs [-f] NAME|ID");
		return EXIT_CGRUN;
	}
	if (client_daemon_up()) {
		req = client_request("logs");
		json_object_object_add(req, "target", json_object_new_string(argv[optind]));
		/* cgrund opens the log and hands us the fd: readers need no access
		 * to the store, and cgrund copies nothing. */
		if (client_call(req, &rep, &logfd, &err) < 0)
			return cli_fail(&err);
		running = json_object_object_get_ex(rep, "running", &v) && json_object_get_boolean(v);
		json_object_put(rep);
		if (logfd < 0) {
			cg_error(&err, EPROTO, "cgrund sent no log");
			return cli_fail(&err);
		}
		/* A parked "wait" tells us when the container ends. */
		if (follow && running) {
			req = client_request("wait");
			json_object_object_add(req, "target", json_object_new_string(argv[optind]));
			endfd = client_connect(&err);
			if (endfd < 0 || client_send(endfd, req, NULL, 0, &err) < 0) {
				close(logfd);
				return cli_fail(&err);
			}
		}
	} else {
		/* The store's log and the init's pidfd. */
		if (cg_local_open_log(cli_ctx(), argv[optind], &logfd, &endfd, &err) < 0)
			return cli_fail(&err);
		running = endfd >= 0;
	}
	copy_out(logfd);
	if (follow && running) {
		cleanup_close int in = inotify_init1(IN_CLOEXEC);
		char path[64];

		snprintf(path, sizeof(path), "/proc/self/fd/%d", logfd);
		if (in < 0 || inotify_add_watch(in, path, IN_MODIFY) < 0) {
			close(logfd);
			cg_error(&err, errno, "following the log");
			return cli_fail(&err);
		}
		for (;;) {
			struct pollfd p[2] = { { .fd = in, .events = POLLIN }, { .fd = endfd, .events = POLLIN } };
			char evbuf[4096];

			if (poll(p, 2, -1) < 0 && errno != EINTR)
				break;
			if (p[0].revents & POLLIN) {
				if (read(in, evbuf, sizeof(evbuf)) < 0) {
					/* drained */
				}
				copy_out(logfd);
			}
			if (p[1].revents & (POLLIN | POLLHUP)) {
				copy_out(logfd);
				break;
			}
		}
	}
	if (endfd >= 0)
		close(endfd);
	close(logfd);
	return 0;
}

int cmd_update(int argc, char **argv)
{
	static const struct option own[] = {
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	struct option opts[ARRAY_SIZE(own) + 16];
	struct cg_spec spec;
	struct cg_limit_parser lp = { .l = &spec.limits };
	cg_err_t err = { 0 };
	int c, r = 0, ret;

	cg_spec_init(&spec);
	if (!limit_options_join(own, opts, ARRAY_SIZE(opts)))
		r = cg_error(&err, 0, "internal error: too many options");
	opterr = 0;
	optind = 1;
	while (r == 0 && (c = getopt_long(argc, argv, ":m:", opts, NULL)) != -1) {
		if (limit_opt(&lp, c, optarg, &r, &err))
			continue;
		switch (c) {
		case 'h':
			fputs("Usage: cgrun update [OPTIONS] NAME|ID...\n\n"
			      "Change the limits of running containers; the others stay.\n\n", stdout);
			limit_opts_help(stdout);
			puts("      --help               show this help\n"
			     "\n"
			     "Exit status: 0; 125 if a container could not be updated.");
			cg_spec_free(&spec);
			return 0;
		default:
			cg_spec_free(&spec);
			return usage_error("update", c, argv[optind - 1]);
		}
	}
	if (r == 0)
		r = cg_limit_parse_finish(&lp, &err);
	if (r < 0) {
		cg_spec_free(&spec);
		return cli_fail(&err);
	}
	struct cg_request req = { .cmd = CG_CMD_UPDATE, .timeout = -1 };

	ret = simple(&req, &spec.limits, argc, argv, optind);
	cg_spec_free(&spec);
	return ret;
}
