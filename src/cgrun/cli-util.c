/* cli-util.c - one-line error messages and exit codes for the verbs. */
#include "config.h"

#include "cli-util.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "ctx.h"
#include "record.h"

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

int cli_fail(const cg_err_t *err)
{
	die_msg("%s", err->msg);
	return err->exit_code ? err->exit_code : EXIT_CGRUN;
}

static void warn_line(void *data, int level, const char *msg)
{
	(void)data;
	(void)level;
	fprintf(stderr, "cgrun: warning: %s\n", msg);
}

static const char *absolute_env(const char *name, const char *dflt)
{
	const char *e = getenv(name);

	return e && e[0] == '/' ? e : dflt;
}

const struct cg_fw_hooks *cli_ctx_fw;

struct cg_ctx *cli_ctx(void)
{
	static struct cg_ctx ctx;
	static bool made;

	if (!made) {
		cg_ctx_init(&ctx);
		ctx.store_dir = absolute_env("CGRUN_STORE_DIR", ctx.store_dir);
		ctx.run_dir = absolute_env("CGRUN_RUN_DIR", ctx.run_dir);
		ctx.subuid_file = absolute_env("CGRUN_SUBUID_FILE", ctx.subuid_file);
		ctx.subgid_file = absolute_env("CGRUN_SUBGID_FILE", ctx.subgid_file);
		ctx.dconf_file = absolute_env("CGRUN_CONFIG", CGRUN_CONF_DIR "/cgrund.conf");
		ctx.log = warn_line;
		ctx.image_user = cg_container_using_image;
		ctx.running_init = cg_container_running_init;
		ctx.fw = cli_ctx_fw;
		ctx.fw_data = &ctx;
		made = true;
	}
	return &ctx;
}

int cli_remove_each(int argc, char **argv,
		    int (*remove)(const struct cg_ctx *ctx, const char *name, cg_err_t *err))
{
	int ret = 0;

	for (int i = 0; i < argc; i++) {
		cg_err_t err = { 0 };

		if (remove(cli_ctx(), argv[i], &err) < 0) {
			die_msg("%s", err.msg);
			ret = EXIT_CGRUN;
			continue;
		}
		printf("%s\n", argv[i]);
	}
	return ret;
}
