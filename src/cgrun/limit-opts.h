/* limit-opts.h - the resource-limit options `run` and `update` share, made
 * from the table of limits (src/lib/limit-table.c): their getopt entries,
 * their parsing and their lines of --help. */
#ifndef CGRUN_LIMIT_OPTS_H
#define CGRUN_LIMIT_OPTS_H

#include <getopt.h>
#include <stdio.h>

#include "limit-table.h"
#include "util.h"

/* getopt_long returns LIMIT_OPT_BASE + row for a row's long option (and the
 * row's short_opt for its short one); a verb's own values start at
 * LIMIT_OPT_LAST. */
enum { LIMIT_OPT_BASE = 1000, LIMIT_OPT_LAST = 1100 };

/* The table's options followed by `own` (terminated by a zero entry) in out,
 * which has room for n entries. Returns false if it has not. */
bool limit_options_join(const struct option *own, struct option *out, size_t n);

/* Handle one getopt result if it is a limit option: returns 1 (handled, *r
 * set to 0 or -1 with err) or 0 (not a limit option). */
int limit_opt(struct cg_limit_parser *p, int opt, const char *arg, int *r, cg_err_t *err);

/* The lines of --help for the limits, in the table's order. */
void limit_opts_help(FILE *f);

#endif
