/* main.c - cgrun: verb dispatch. `run` is the default verb, so
 * `cgrun --cpu-quota=2000 ubuntu /bin/bash` works as written. */
#include "config.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

void die_msg(const char *fmt, ...)
{
	va_list ap;

	fputs("cgrun: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int usage_error(const char *verb, int opt, const char *arg)
{
	const char *help = verb ? verb : "";

	if (opt == ':')
		die_msg("option '%s' needs a value; see 'cgrun %s%s--help'", arg, help, verb ? " " : "");
	else
		die_msg("unknown option '%s'; see 'cgrun %s%s--help'", arg, help, verb ? " " : "");
	return EXIT_CGRUN;
}

static void usage(FILE *f)
{
	fputs("Usage: cgrun [run] [OPTIONS] IMAGE [COMMAND [ARG...]]\n"
	      "       cgrun image import [--busybox] NAME [SOURCE]\n"
	      "       cgrun image ls | cgrun image rm NAME...\n"
	      "       cgrun ps [-a] | cgrun rm NAME|ID...\n"
	      "\n"
	      "Run a command in a new container whose cgroup limits its CPU, memory and\n"
	      "processes. With no verb, 'run' is assumed.\n"
	      "\n"
	      "Commands:\n"
	      "  run      run a command in a new container (the default)\n"
	      "  image    import, list and remove images\n"
	      "  ps       list containers kept after they exited (run without --rm)\n"
	      "  rm       remove kept containers\n"
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
		{ "run", cmd_run }, { "image", cmd_image }, { "ps", cmd_ps }, { "rm", cmd_rm },
	};

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
