/* run.c - `cgrun [run] [OPTIONS] IMAGE [COMMAND [ARG...]]`. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <json-c/json.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup.h"
#include "ctx.h"
#include "cli.h"
#include "cli-util.h"
#include "pull-policy.h"
#include "limit-opts.h"
#include "client.h"
#include "foreground.h"
#include "proto.h"
#include "pty.h"
#include "secopt.h"
#include "parse.h"
#include "spec.h"
#include "netmode.h"
#include "userns.h"

enum {
	OPT_NAME = LIMIT_OPT_LAST, OPT_HOSTNAME, OPT_RM, OPT_CAP_ADD,
	OPT_CAP_DROP, OPT_PRIVILEGED, OPT_PULL, OPT_CGROUP_PARENT, OPT_HELP, OPT_RESTART, OPT_CGROUP_MANAGER,
	OPT_SECURITY_OPT,
	OPT_USERNS, OPT_ENTRYPOINT, OPT_NETWORK,
	OPT_DNS, OPT_DNS_SEARCH, OPT_DNS_OPTION, OPT_ADD_HOST,
};

/* run's own options; the limits' come from their table (limit_options_join). */
static const struct option run_opts[] = {
	{ "name", required_argument, NULL, OPT_NAME },
	{ "hostname", required_argument, NULL, OPT_HOSTNAME },
	{ "env", required_argument, NULL, 'e' },
	{ "workdir", required_argument, NULL, 'w' },
	{ "user", required_argument, NULL, 'u' },
	{ "entrypoint", required_argument, NULL, OPT_ENTRYPOINT },
	{ "volume", required_argument, NULL, 'v' },
	{ "publish", required_argument, NULL, 'p' },
	{ "rm", no_argument, NULL, OPT_RM },
	{ "interactive", no_argument, NULL, 'i' },
	{ "tty", no_argument, NULL, 't' },
	{ "cap-add", required_argument, NULL, OPT_CAP_ADD },
	{ "cap-drop", required_argument, NULL, OPT_CAP_DROP },
	{ "privileged", no_argument, NULL, OPT_PRIVILEGED },
	{ "security-opt", required_argument, NULL, OPT_SECURITY_OPT },
	{ "cgroup-parent", required_argument, NULL, OPT_CGROUP_PARENT },
	{ "cgroup-manager", required_argument, NULL, OPT_CGROUP_MANAGER },
	{ "detach", no_argument, NULL, 'd' },
	{ "restart", required_argument, NULL, OPT_RESTART },
	{ "userns", required_argument, NULL, OPT_USERNS },
	{ "network", required_argument, NULL, OPT_NETWORK },
	{ "dns", required_argument, NULL, OPT_DNS },
	{ "dns-search", required_argument, NULL, OPT_DNS_SEARCH },
	{ "dns-option", required_argument, NULL, OPT_DNS_OPTION },
	{ "add-host", required_argument, NULL, OPT_ADD_HOST },
	{ "pull", required_argument, NULL, OPT_PULL },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

static void run_usage(void)
{
	fputs("Usage: cgrun [run] [OPTIONS] IMAGE [COMMAND [ARG...]]\n"
	      "\n"
	      "Run COMMAND (default: the image's, /bin/sh) in a new container: new mount,\n"
	      "PID, UTS, IPC, network and cgroup namespaces, an overlay of IMAGE as its root,\n"
	      "and a cgroup holding the limits below. With a terminal on stdin and stdout\n"
	      "and neither -i nor -t, the run is interactive on a pseudo-terminal.\n"
	      "\n"
	      "Limits:\n", stdout);
	limit_opts_help(stdout);
	fputs("      --cgroup-manager=M   who makes the container's cgroup: systemd (a\n"
	      "                           transient scope), cgroupfs (below cgrun's own\n"
	      "                           cgroup) or auto (default: systemd where systemd\n"
	      "                           is PID 1 on a cgroup v2 or hybrid host)\n"
	      "      --cgroup-parent=NAME systemd: the slice (default machine.slice);\n"
	      "                           cgroupfs: a cgroup below cgrun's own (default cgrun)\n"
	      "\n"
	      "Container:\n"
	      "      --name=NAME          name the container (unique)\n"
	      "      --hostname=NAME      host name (default: the first 12 digits of the id)\n"
	      "  -e, --env=KEY[=VALUE]    set an environment variable (KEY alone: copy ours)\n"
	      "  -w, --workdir=DIR        working directory (created if missing)\n"
	      "  -u, --user=USER[:GROUP]  user name or uid, from the image's /etc/passwd\n"
	      "      --entrypoint=PROG    run PROG (one word) instead of the image's\n"
	      "                           Entrypoint, and drop its Cmd; --entrypoint=\"\":\n"
	      "                           no Entrypoint (COMMAND, or the image's Cmd, alone)\n"
	      "  -v, --volume=SRC:DST[:OPTS] bind mount a host path; OPTS: ro, rw,\n"
	      "                           idmap (with --userns=auto), comma-separated\n"
	      "      --rm                 remove the container's files when it exits\n"
	      "  -d, --detach             run in the background under cgrund; print the id\n"
	      "      --restart=POLICY     no, on-failure[:N] or always (with -d)\n"
	      "  -i, --interactive        keep stdin attached\n"
	      "  -t, --tty                allocate a pseudo-terminal\n"
	      "      --cap-add=CAP        add a capability (or ALL)\n"
	      "      --cap-drop=CAP       drop a capability (or ALL)\n"
	      "      --privileged         all capabilities, nothing masked, /sys writable,\n"
	      "                           no seccomp filter (unless seccomp=FILE is given)\n"
	      "      --security-opt=OPT   seccomp=unconfined: no seccomp filter;\n"
	      "                           seccomp=FILE: docker's JSON profile format, read\n"
	      "                           now and kept with the container;\n"
	      "                           no-new-privileges[=true|false]: no_new_privs\n"
	      "                           (repeatable)\n"
	      "      --userns=MODE        auto: a user namespace of its own, root inside\n"
	      "                           being 65536 ids of user cgrun's range in\n"
	      "                           /etc/subuid and /etc/subgid outside; host: the\n"
	      "                           host's (default; cgrund: its userns setting)\n"
	      "      --network=MODE       bridge: an address on bridge cgrun0 (subnet\n"
	      "                           network_subnet of cgrund.conf, default\n"
	      "                           10.88.0.0/16), NATed to the host's networks;\n"
	      "                           none: loopback only; host: the host's network;\n"
	      "                           container:NAME|ID: that running container's;\n"
	      "                           slirp4netns: tap0 10.0.2.100 served by\n"
	      "                           slirp4netns (user-mode NAT, DNS 10.0.2.3; plain\n"
	      "                           or --userns=auto containers; no options);\n"
	      "                           NAME: a user network (cgrun network create)\n"
	      "                           (default " CG_NETWORK_DEFAULT "; cgrund.conf: network)\n"
	      "  -p, --publish=[IP:][HOSTPORT:]CONTAINERPORT[/tcp|/udp]\n"
	      "                           publish a port of the container on the host's\n"
	      "                           addresses (only IP when given; bridge, user and\n"
	      "                           slirp4netns networks); no HOSTPORT: a free one\n"
	      "                           (cgrun port);\n"
	      "                           ranges 8000-8002:80-82; repeatable\n"
	      "\n"
	      "Name resolution (the container's /etc/resolv.conf and /etc/hosts):\n"
	      "      --dns=IP             a nameserver instead of the host's (repeatable)\n"
	      "      --dns-search=DOMAIN  a search domain instead of the host's\n"
	      "                           (repeatable; '.' alone: none)\n"
	      "      --dns-option=OPT     a resolver option instead of the host's, such\n"
	      "                           as ndots:2 (repeatable)\n"
	      "      --add-host=NAME:IP   an /etc/hosts entry (repeatable)\n"
	      "\n"
	      "      --pull=POLICY        missing (default): pull IMAGE from its registry\n"
	      "                           when the store has none; always: pull it first\n"
	      "                           (an imported image is never pulled over); never\n"
	      "      --help               show this help\n"
	      "\n"
	      "Exit status: the command's; 128+N if it was killed by signal N; 125 if cgrun\n"
	      "itself failed; 126 if the command cannot be executed; 127 if it is not found.\n", stdout);
}

struct fwd {
	const char *id;
};

/* A signal for the container, on a connection of its own. */
static void forward_signal(void *ctx, int sig)
{
	struct fwd *f = ctx;
	struct json_object *req = client_request("kill"), *rep = NULL;
	cg_err_t err = { 0 };

	json_object_object_add(req, "target", json_object_new_string(f->id));
	json_object_object_add(req, "signal", json_object_new_int(sig));
	if (client_call(req, &rep, NULL, &err) == 0)
		json_object_put(rep);
}

/* Park a "wait" for container id on a new connection, retrying for up to
 * a minute while cgrund restarts. */
static int reconnect_wait(const char *id, cg_err_t *err)
{
	for (int i = 0; i < 600; i++) {
		struct timespec tick = { 0, 100 * 1000 * 1000 };
		int fd;

		memset(err, 0, sizeof(*err));
		fd = client_connect(err);
		if (fd >= 0) {
			struct json_object *req = client_request("wait");

			json_object_object_add(req, "target", json_object_new_string(id));
			if (client_send(fd, req, NULL, 0, err) == 0)
				return fd;
			close(fd);
		}
		nanosleep(&tick, NULL);
	}
	return cg_error(err, 0, "cgrund went away and did not come back within a minute; the container may still be running: see 'cgrun ps'");
}

/* Through cgrund: our stdio (or a terminal whose master comes back to us)
 * goes to the container; cgrund never copies a byte of it. */
static int run_via_daemon(struct cg_spec *spec, bool detach, int *status, cg_err_t *err)
{
	bool auto_interactive = !detach && !spec->tty && !spec->interactive &&
				isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
	bool tty = spec->tty || auto_interactive;
	bool stdin_attached = spec->interactive || auto_interactive;
	struct json_object *req = client_request("run"), *rep = NULL, *v;
	cleanup_close int fd = -1, devnull = open("/dev/null", O_RDONLY | O_CLOEXEC), master = -1;
	int fds[3] = { stdin_attached ? STDIN_FILENO : devnull, STDOUT_FILENO, STDERR_FILENO };
	sigset_t old;
	struct cg_pty pty = { .master = -1 };
	char id[65] = "";

	spec->tty = tty && !detach;
	spec->interactive = stdin_attached;
	json_object_object_add(req, "spec", cg_spec_to_json(spec));
	json_object_object_add(req, "detach", json_object_new_boolean(detach));
	if (spec->tty) {
		struct winsize ws;

		if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row) {
			json_object_object_add(req, "rows", json_object_new_int(ws.ws_row));
			json_object_object_add(req, "cols", json_object_new_int(ws.ws_col));
		}
	}
	fd = client_connect(err);
	if (fd < 0) {
		json_object_put(req);
		return -1;
	}
	int sigfd = detach ? -1 : cg_block_forwarded_signals(&old, err);

	if (!detach && sigfd < 0) {
		json_object_put(req);
		return -1;
	}
	if (client_send(fd, req, fds, detach || spec->tty ? 0 : 3, err) < 0 ||
	    client_recv(fd, &rep, &master, err) < 0) {
		if (sigfd >= 0)
			close(sigfd);
		return -1;
	}
	if (json_object_object_get_ex(rep, "id", &v))
		snprintf(id, sizeof(id), "%s", json_object_get_string(v));
	json_object_put(rep);
	if (detach) {
		printf("%s\n", id);
		*status = 0;
		return 0;
	}
	if (master >= 0) {
		cg_err_t e = { 0 };

		cg_pty_adopt(&pty, master, STDIN_FILENO);
		if (stdin_attached && isatty(STDIN_FILENO) && cg_pty_raw(&pty, STDIN_FILENO, &e) < 0)
			fprintf(stderr, "cgrun: warning: %s\n", e.msg);
	}
	struct fwd f = { .id = id };
	struct cg_io_loop loop = {
		.sigfd = sigfd, .pty_master = master, .stdin_to_pty = master >= 0 && stdin_attached,
		.done_fd = fd, .forward = forward_signal, .ctx = &f,
	};
	for (;;) {
		int r;

		cg_io_loop_run(&loop);
		r = client_recv(fd, &rep, NULL, err);
		if (r == 0 || (err->code != EPIPE && err->code != ECONNRESET))
			break;
		/* cgrund went away (restarted, crashed): the container lives on
		 * and the next cgrund re-adopts it; wait for it there. */
		close(fd);
		fd = reconnect_wait(id, err);
		if (fd < 0)
			break;
		loop.done_fd = fd;
	}
	cg_pty_restore(&pty, STDIN_FILENO);
	close(sigfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (rep == NULL)
		return -1;
	*status = json_object_object_get_ex(rep, "exit_code", &v) ? json_object_get_int(v) : 125;
	json_object_put(rep);
	return 0;
}

/* In-process: --cgroup-manager, else $CGRUN_CGROUP_MANAGER, else auto. */
static int pick_manager(const char *asked, struct cg_manager **mgr, cg_err_t *err)
{
	const char *name = asked ? asked : getenv("CGRUN_CGROUP_MANAGER");
	enum cg_manager_kind k = CG_MANAGER_AUTO;

	if (name && name[0] && cg_manager_parse(name, &k, err) < 0)
		return cg_error_wrap(err, "%s", asked ? "--cgroup-manager" : "CGRUN_CGROUP_MANAGER");
	return cg_manager_pick(cli_ctx(), k, mgr, err);
}

/* -e KEY=VALUE, or -e KEY: KEY's value here (left out when unset, as docker). */
static int add_env(struct cg_spec *s, const char *kv, cg_err_t *err)
{
	if (kv[0] == '\0' || kv[0] == '=')
		return cg_error(err, 0, "invalid environment variable '%s': expected KEY=VALUE or KEY", kv);
	if (strchr(kv, '=') == NULL) {
		const char *v = getenv(kv);
		cleanup_free char *e = v ? xasprintf("%s=%s", kv, v) : NULL;

		return e ? cg_spec_add_env(s, e, err) : 0;
	}
	return cg_spec_add_env(s, kv, err);
}

int cmd_run(int argc, char **argv)
{
	struct cg_spec spec;
	struct cg_limit_parser lp = { .l = &spec.limits };
	struct option opts[ARRAY_SIZE(run_opts) + 16];
	cg_err_t err = { 0 };
	bool detach = false;
	enum cli_pull pull = CLI_PULL_MISSING;
	int c, status = 0, r = 0;

	cg_spec_init(&spec);
	if (!limit_options_join(run_opts, opts, ARRAY_SIZE(opts)))
		r = cg_error(&err, 0, "internal error: too many options");
	opterr = 0;
	optind = 1;
	/* '+': options end at the image name; the command's own follow it. */
	while (r == 0 && (c = getopt_long(argc, argv, "+:m:e:w:u:v:p:itd", opts, NULL)) != -1) {
		if (limit_opt(&lp, c, optarg, &r, &err))
			continue;
		switch (c) {
		case OPT_NAME:
			spec.name = optarg;
			break;
		case OPT_HOSTNAME:
			spec.hostname = optarg;
			break;
		case 'e':
			r = add_env(&spec, optarg, &err);
			break;
		case 'w':
			spec.workdir = optarg;
			break;
		case 'u':
			spec.user = optarg;
			break;
		case OPT_ENTRYPOINT:
			spec.entrypoint = optarg;
			break;
		case OPT_DNS:
			r = cg_spec_add_dns(&spec, CG_DNS_SERVER, optarg, &err);
			break;
		case OPT_DNS_SEARCH:
			r = cg_spec_add_dns(&spec, CG_DNS_SEARCH, optarg, &err);
			break;
		case OPT_DNS_OPTION:
			r = cg_spec_add_dns(&spec, CG_DNS_OPTION, optarg, &err);
			break;
		case OPT_ADD_HOST:
			r = cg_spec_add_dns(&spec, CG_ADD_HOST, optarg, &err);
			break;
		case 'v':
			r = cg_spec_add_volume(&spec, optarg, &err);
			break;
		case OPT_RM:
			spec.remove = true;
			break;
		case 'i':
			spec.interactive = true;
			break;
		case 't':
			spec.tty = true;
			break;
		case 'd':
			detach = true;
			break;
		case OPT_RESTART:
			r = cg_restart_parse(optarg, NULL, NULL, &err);
			spec.restart = optarg;
			break;
		case OPT_CAP_ADD:
			r = cg_caps_add(&spec.caps, optarg, &err);
			break;
		case OPT_CAP_DROP:
			r = cg_caps_drop(&spec.caps, optarg, &err);
			break;
		case OPT_PRIVILEGED:
			spec.privileged = true;
			break;
		case OPT_SECURITY_OPT:
			r = cg_spec_security_opt(&spec, optarg, &err);
			break;
		case 'p':
			r = cgnet_port_parse(optarg, &spec.ports, &err);
			break;
		case OPT_NETWORK: {
			struct cg_netmode m;

			r = cg_netmode_parse(optarg, &m, &err);
			spec.network = optarg;
			break;
		}
		case OPT_USERNS: {
			bool automatic;

			r = cg_userns_parse(optarg, &automatic, &err);
			spec.userns = optarg;
			break;
		}
		case OPT_CGROUP_PARENT:
			/* Checked by the manager, which knows what a parent is. */
			spec.cgroup_parent = optarg;
			break;
		case OPT_CGROUP_MANAGER: {
			enum cg_manager_kind k = CG_MANAGER_AUTO;

			r = cg_manager_parse(optarg, &k, &err);
			spec.cgroup_manager = k == CG_MANAGER_AUTO ? NULL : optarg;
			break;
		}
		case OPT_PULL:
			r = cli_pull_policy(optarg, &pull, &err);
			break;
		case OPT_HELP:
			run_usage();
			cg_spec_free(&spec);
			return 0;
		default:
			cg_spec_free(&spec);
			return usage_error("run", c, argv[optind - 1]);
		}
	}
	if (r == 0)
		r = cg_limit_parse_finish(&lp, &err);
	if (r == 0 && optind >= argc)
		r = cg_error(&err, 0, "no image given; usage: cgrun [run] [OPTIONS] IMAGE [COMMAND [ARG...]]");
	if (r < 0) {
		cg_spec_free(&spec);
		return cli_fail(&err);
	}
	spec.image = argv[optind];
	spec.argv = optind + 1 < argc ? argv + optind + 1 : NULL;
	if (r == 0 && spec.restart && strcmp(spec.restart, "no") != 0 && !detach)
		r = cg_error(&err, 0, "--restart needs -d: only cgrund can restart a container");
	if (r == 0 && (r = cli_pull_for_run(spec.image, pull, &err)) == CLI_PULL_REPORTED) {
		cg_spec_free(&spec);
		return EXIT_CGRUN;
	}
	if (r < 0) {
		cg_spec_free(&spec);
		return cli_fail(&err);
	}
	if (client_daemon_up()) {
		r = run_via_daemon(&spec, detach, &status, &err);
	} else if (detach) {
		r = cg_error(&err, 0, "'run -d' needs cgrund, and it is not running: start it as root with '%s'",
			     client_start_hint());
	} else if (geteuid() != 0) {
		r = cg_error(&err, 0, "cgrund is not running and only root can run containers without it: start it as root with '%s'",
			     client_start_hint());
	} else {
		struct cg_ctx *ctx = cli_ctx();

		r = pick_manager(spec.cgroup_manager, &ctx->mgr, &err);
		if (r == 0)
			r = cg_foreground_run(ctx, &spec, &status, &err);
	}
	cg_spec_free(&spec);
	return r < 0 ? cli_fail(&err) : status;
}
