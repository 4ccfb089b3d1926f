/* image.c - `cgrun image import|ls|rm`. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "cli-util.h"
#include "record.h"
#include "image.h"

static void image_usage(FILE *f)
{
	fputs("Usage: cgrun image import [--replace] NAME SOURCE\n"
	      "       cgrun image import [--replace] --busybox [--from=PATH] NAME\n"
	      "       cgrun image ls\n"
	      "       cgrun image rm NAME...\n"
	      "\n"
	      "SOURCE is a root filesystem: a directory or a tar archive (.tar, .tar.gz,\n"
	      "       .tar.xz, .tar.zst), such as Ubuntu's ubuntu-base tarball.\n"
	      "--busybox builds a minimal image from the host's static busybox\n"
	      "       (Debian's busybox-static; --from names another binary).\n"
	      "--replace replaces an image of that name in one step (refused while a\n"
	      "       container uses it); without it, an existing name is an error.\n"
	      "--help shows this help.\n"
	      "\n"
	      "Exit status: 0; 125 on failure.\n", f);
}

static int image_import(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "busybox", no_argument, NULL, 'b' },
		{ "from", required_argument, NULL, 'f' },
		{ "replace", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *from = CGRUN_BUSYBOX;
	bool busybox = false, replace = false;
	cg_err_t err = { 0 };
	int c, r;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+:", opts, NULL)) != -1) {
		switch (c) {
		case 'b': busybox = true; break;
		case 'f': from = optarg; break;
		case 'r': replace = true; break;
		case 'h': image_usage(stdout); return 0;
		default: return usage_error("image import", c, argv[optind - 1]);
		}
	}
	if (argc - optind != (busybox ? 1 : 2)) {
		die_msg(busybox ? "usage: cgrun image import --busybox NAME" :
			"usage: cgrun image import NAME SOURCE (a directory or a rootfs tarball)");
		return EXIT_CGRUN;
	}
	if (busybox)
		r = cg_image_import_busybox(cli_ctx(), argv[optind], from, replace, &err);
	else
		r = cg_image_import(cli_ctx(), argv[optind], argv[optind + 1], replace, &err);
	if (r < 0) {
		die_msg("%s", err.msg);
		return EXIT_CGRUN;
	}
	printf("%s\n", argv[optind]);
	return 0;
}

static void human_size(unsigned long long b, char *buf, size_t n)
{
	static const char *const unit[] = { "B", "kB", "MB", "GB", "TB" };
	double v = (double)b;
	int u = 0;

	while (v >= 1000 && u < 4) {
		v /= 1000;
		u++;
	}
	snprintf(buf, n, u ? "%.1f%s" : "%.0f%s", v, unit[u]);
}

static int image_ls(int argc, char **argv)
{
	struct cg_image *v;
	size_t n;
	cg_err_t err = { 0 };

	if (argc > 1) {
		if (!strcmp(argv[1], "--help")) {
			image_usage(stdout);
			return 0;
		}
		die_msg("'cgrun image ls' takes no arguments");
		return EXIT_CGRUN;
	}
	if (cg_image_list(cli_ctx(), &v, &n, &err) < 0) {
		die_msg("%s", err.msg);
		return EXIT_CGRUN;
	}
	printf("%-24s %-20s %-10s %s\n", "NAME", "CREATED", "SIZE", "COMMAND");
	for (size_t i = 0; i < n; i++) {
		char when[32], size[32];
		time_t t = (time_t)v[i].created;

		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", localtime(&t));
		human_size(v[i].size, size, sizeof(size));
		printf("%-24s %-20s %-10s %s\n", v[i].name, when, size,
		       v[i].cmd && v[i].cmd[0] ? v[i].cmd[0] : "-");
		cg_image_free(&v[i]);
	}
	free(v);
	return 0;
}

static int image_rm(int argc, char **argv)
{
	int ret = 0;

	if (argc == 2 && !strcmp(argv[1], "--help")) {
		image_usage(stdout);
		return 0;
	}
	if (argc < 2) {
		die_msg("usage: cgrun image rm NAME...");
		return EXIT_CGRUN;
	}
	for (int i = 1; i < argc; i++) {
		cg_err_t err = { 0 };

		/* Refused while a container uses it (cli_ctx's image_user). */
		if (cg_image_remove(cli_ctx(), argv[i], &err) < 0) {
			die_msg("%s", err.msg);
			ret = EXIT_CGRUN;
			continue;
		}
		printf("%s\n", argv[i]);
	}
	return ret;
}

int cmd_image(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help")) {
		image_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_CGRUN : 0;
	}
	if (!strcmp(argv[1], "import"))
		return image_import(argc - 1, argv + 1);
	if (!strcmp(argv[1], "ls") || !strcmp(argv[1], "list"))
		return image_ls(argc - 1, argv + 1);
	if (!strcmp(argv[1], "rm"))
		return image_rm(argc - 1, argv + 1);
	die_msg("unknown image command '%s'; use import, ls or rm", argv[1]);
	return EXIT_CGRUN;
}
