/* main.c - cgrun: verb dispatch. `run` is the default verb, so
 * `cgrun --cpu-quota=2000 ubuntu /bin/bash` works as written. */
#include "config.h"

#include <stdio.h>
#include <signal.h>
#include <string.h>

#include "cli.h"
#include "cli-util.h"
#include "util.h"

static void usage(FILE *f)
{
	fputs("Usage: cgrun [run] [OPTIONS] IMAGE [COMMAND [ARG...]]\n"
	      "       cgrun COMMAND [OPTIONS] [ARG...]\n"
	      "\n"
	      "Run a command in a new container whose cgroup limits its CPU, memory and\n"
	      "processes. With no verb, 'run' is assumed.\n"
	      "\n"
	      "Commands:\n"
	      "  run      run a command in a new container (the default)\n"
	      "  pull     pull an image from a registry\n"
	      "  login    log in to a registry (credentials checked, then stored)\n"
	      "  logout   remove a registry's stored credentials\n"
	      "  image    import, list, inspect, remove and prune images\n"
	      "  images   list images (image ls)\n"
	      "  network  create, list, inspect and remove networks\n"
	      "  ps       list containers (-a: also those that exited)\n"
	      "  inspect  show containers as JSON\n"
	      "  port     show a container's published ports (run -p)\n"
	      "  logs     print a detached container's output (-f: follow)\n"
	      "  exec     run a command in a running container\n"
	      "  stop     stop containers (SIGTERM or the image's StopSignal, then SIGKILL)\n"
	      "  kill     send a signal to containers\n"
	      "  wait     wait for containers to exit\n"
	      "  pause    freeze containers;  unpause: thaw them\n"
	      "  update   change the limits of running containers\n"
	      "  stats    show containers' resource use (from cgrund's stats files)\n"
	      "  rm       remove containers (-f: also running ones)\n"
	      "\n"
	      "Detached containers (run -d) and the verbs that manage them go through\n"
	      "cgrund; without it, root runs foreground containers in-process.\n"
	      "\n"
	      "Options:\n"
	      "  --help       show this help ('cgrun run --help' for run's options)\n"
	      "  --version    show the version\n"
	      "\n"
	      "See cgrun(1).\n", f);
}

int main(int argc, char **argv)
{
	static const struct { const char *name; int (*fn)(int, char **); } verbs[] = {
		{ "run", cmd_run }, { "image", cmd_image }, { "images", cmd_images }, { "network", cmd_network }, { "ps", cmd_ps }, { "rm", cmd_rm },
		{ "inspect", cmd_inspect }, { "logs", cmd_logs }, { "stop", cmd_stop }, { "kill", cmd_kill },
		{ "wait", cmd_wait }, { "pause", cmd_pause }, { "unpause", cmd_unpause },
		{ "update", cmd_update }, { "exec", cmd_exec }, { "stats", cmd_stats },
		{ "pull", cmd_pull }, { "port", cmd_port }, { "login", cmd_login }, { "logout", cmd_logout },
	};

	cg_proc_title_init(argc, argv);
	cli_ctx_fw = &cli_fw_hooks;
	/* Inherited SIG_IGN for SIGCHLD makes the kernel reap our children
	 * itself, and the container's exit status would be lost. */
	signal(SIGCHLD, SIG_DFL);
	if (argc >= 2 && !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	if (argc >= 2 && !strcmp(argv[1], "--version")) {
		printf("cgrun %s\n", PACKAGE_VERSION);
		return 0;
	}
	if (argc < 2) {
		usage(stderr);
		return EXIT_CGRUN;
	}
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (!strcmp(argv[1], verbs[i].name))
			return verbs[i].fn(argc - 1, argv + 1);
	/* No verb: everything is run's. getopt starts at argv[1] either way. */
	return cmd_run(argc, argv);
}
