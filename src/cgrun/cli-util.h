/* cli-util.h - what every cgrun verb shares: the exit code of cgrun's own
 * failures and the one-line error messages. The verbs include this, never
 * main.c's dispatcher. */
#ifndef CGRUN_CLI_UTIL_H
#define CGRUN_CLI_UTIL_H

#include "util.h"

/* Exit codes (docker's): 125 cgrun itself failed, 126 the command cannot
 * be executed, 127 it was not found; otherwise the command's own status. */
#define EXIT_CGRUN 125

/* Print "cgrun: MSG" on one line. */
void die_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* For getopt errors: one line naming the option and where help is;
 * returns EXIT_CGRUN. */
int usage_error(const char *verb, int opt, const char *arg);
/* Print err's message; returns the exit code it carries (126, 127 from
 * the container's child), else EXIT_CGRUN. */
int cli_fail(const cg_err_t *err);

/* This cgrun's library context, made on first use: the store and run
 * directories (CGRUN_STORE_DIR, CGRUN_RUN_DIR when absolute, else the
 * built-in ones), the library's warnings as "cgrun: warning: ..." lines,
 * images in use as the store's records say. The cgroup manager is set by
 * the verbs that make containers. */
/* The firewall hooks cli_ctx gives its ctx (cgrun's main sets them; the
 * image tool has none). Set before the first cli_ctx. */
extern const struct cg_fw_hooks *cli_ctx_fw;
struct cg_ctx *cli_ctx(void);

/* `image rm` and `network rm`: remove(ctx, name) for each name, which is
 * printed once removed; one line on stderr for each that is not, and
 * EXIT_CGRUN if any. */
int cli_remove_each(int argc, char **argv,
		    int (*remove)(const struct cg_ctx *ctx, const char *name, cg_err_t *err));

#endif
