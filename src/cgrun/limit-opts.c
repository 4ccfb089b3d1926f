/* limit-opts.c - the resource-limit options, from the table of limits. */
#include "config.h"

#include "limit-opts.h"

#include <string.h>

_Static_assert(LIMIT_OPT_BASE + 64 <= LIMIT_OPT_LAST, "room for the table's options");

bool limit_options_join(const struct option *own, struct option *out, size_t n)
{
	size_t k = 0;

	if (cg_limit_ndefs > (size_t)(LIMIT_OPT_LAST - LIMIT_OPT_BASE))
		return false;
	for (size_t i = 0; i < cg_limit_ndefs; i++) {
		if (k + 1 >= n)
			return false;
		out[k++] = (struct option){ cg_limit_defs[i].flag, required_argument, NULL,
					    LIMIT_OPT_BASE + (int)i };
	}
	for (; own->name; own++) {
		if (k + 1 >= n)
			return false;
		out[k++] = *own;
	}
	out[k] = (struct option){ 0 };
	return true;
}

int limit_opt(struct cg_limit_parser *p, int opt, const char *arg, int *r, cg_err_t *err)
{
	const struct cg_limit_def *d = NULL;

	if (opt >= LIMIT_OPT_BASE && opt < LIMIT_OPT_BASE + (int)cg_limit_ndefs)
		d = &cg_limit_defs[opt - LIMIT_OPT_BASE];
	for (size_t i = 0; d == NULL && i < cg_limit_ndefs; i++)
		if (cg_limit_defs[i].short_opt && cg_limit_defs[i].short_opt == opt)
			d = &cg_limit_defs[i];
	if (d == NULL)
		return 0;
	*r = cg_limit_parse(p, d, arg, err);
	return 1;
}

void limit_opts_help(FILE *f)
{
	for (size_t i = 0; i < cg_limit_ndefs; i++) {
		const struct cg_limit_def *d = &cg_limit_defs[i];
		char shrt[4] = "", opt[48];

		if (d->short_opt)
			snprintf(shrt, sizeof(shrt), "-%c,", d->short_opt);
		snprintf(opt, sizeof(opt), "--%s=%s", d->flag, d->arg);
		fprintf(f, "  %-3s %-20s %s\n", shrt, opt, d->help);
	}
}
