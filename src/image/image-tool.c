/* image-tool.c - cgrun-image: the verbs that talk to registries (pull).
 * A program of its own, which cgrun execs, so that libcurl, libarchive,
 * libcrypto and libzstd (and the dozens of libraries libcurl loads) are
 * loaded by a pull and never by a container's start: cgrun itself stays
 * at the few libraries every run needs. */
#include "config.h"

#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli-util.h"
#include "ctx.h"
#include "pull.h"

static void pull_usage(FILE *f)
{
	fputs("Usage: cgrun pull [OPTIONS] IMAGE\n"
	      "\n"
	      "Pull an image from a registry into the image store. IMAGE is a reference\n"
	      "as docker spells it: ubuntu (docker.io/library/ubuntu:latest), ubuntu:24.04,\n"
	      "quay.io/team/app:1, registry.local:5000/app@sha256:DIGEST.\n"
	      "\n"
	      "Options:\n"
	      "      --platform=OS/ARCH[/VARIANT]  the platform to pull from a multi-platform\n"
	      "                             image (default: this host's)\n"
	      "      --tls-verify=false     do not verify the registry's TLS certificate\n"
	      "  -q, --quiet                no progress; print the image's name only\n"
	      "      --help                 show this help\n"
	      "\n"
	      "Credentials come from $REGISTRY_AUTH_FILE, else\n"
	      "${XDG_RUNTIME_DIR}/containers/auth.json, ~/.config/containers/auth.json,\n"
	      "~/.docker/config.json. CGRUN_REGISTRY_CA names an extra CA bundle.\n"
	      "Registries listed in " CGRUN_CONF_DIR "/registries.conf as 'insecure HOST[:PORT]'\n"
	      "are reached without certificate checks, as 'insecure http://HOST[:PORT]' over\n"
	      "plain HTTP (CGRUN_REGISTRIES_CONF names another file).\n"
	      "\n"
	      "Exit status: 0 pulled (or already up to date); 125 on failure.\n", f);
}

/* for_run: run's --pull (`cgrun-image run-pull IMAGE`): the error line
 * says what else the user can do, and the image's name is not printed. */
static int cmd_pull(int argc, char **argv, bool for_run)
{
	static const struct option opts[] = {
		{ "platform", required_argument, NULL, 'p' },
		{ "tls-verify", required_argument, NULL, 't' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cg_pull_opts o = { .tls_verify = true, .out = stderr, .ca_file = getenv("CGRUN_REGISTRY_CA") };
	cleanup_free char *name = NULL;
	cg_err_t err = { 0 };
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+:q", opts, NULL)) != -1) {
		switch (c) {
		case 'p': o.platform = optarg; break;
		case 't':
			if (!strcmp(optarg, "true")) {
				o.tls_verify = true;
			} else if (!strcmp(optarg, "false")) {
				o.tls_verify = false;
			} else {
				die_msg("--tls-verify takes true or false, not '%s'", optarg);
				return EXIT_CGRUN;
			}
			break;
		case 'q': o.quiet = true; break;
		case 'h': pull_usage(stdout); return 0;
		default: return usage_error("pull", c, argv[optind - 1]);
		}
	}
	if (argc - optind != 1) {
		die_msg("usage: cgrun pull [OPTIONS] IMAGE; see 'cgrun pull --help'");
		return EXIT_CGRUN;
	}
	if (o.ca_file && o.ca_file[0] == '\0')
		o.ca_file = NULL;
	o.registries_conf = getenv("CGRUN_REGISTRIES_CONF");
	if (o.registries_conf == NULL || o.registries_conf[0] != '/')
		o.registries_conf = CGRUN_CONF_DIR "/registries.conf";
	if (cg_pull(cli_ctx(), argv[optind], &o, &name, &err) < 0) {
		if (!for_run)
			return cli_fail(&err);
		die_msg("image '%s' is not in the store, and pulling it failed: %s; or import one with 'cgrun image import NAME ROOTFS.tar'",
			argv[optind], err.msg);
		return EXIT_CGRUN;
	}
	if (!for_run)
		printf("%s\n", name);
	return 0;
}

int main(int argc, char **argv)
{
	/* A layer's extractor that fails closes its end of the pipe the
	 * download writes to: that is an error to report, not a signal. */
	signal(SIGPIPE, SIG_IGN);
	if (argc >= 2 && !strcmp(argv[1], "pull"))
		return cmd_pull(argc - 1, argv + 1, false);
	if (argc >= 2 && !strcmp(argv[1], "run-pull"))
		return cmd_pull(argc - 1, argv + 1, true);
	fprintf(stderr, "cgrun-image: usage: cgrun-image pull [OPTIONS] IMAGE (run by 'cgrun pull')\n");
	return EXIT_CGRUN;
}
