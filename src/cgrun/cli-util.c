/* cli-util.c - one-line error messages and exit codes for the verbs. */
#include "config.h"

#include "cli-util.h"

#include <stdarg.h>
#include <stdio.h>

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
