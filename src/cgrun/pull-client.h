/* pull-client.h - a pull through cgrund, for members of its group (only
 * root writes the image store). */
#ifndef CGRUN_PULL_CLIENT_H
#define CGRUN_PULL_CLIENT_H

#include <stdbool.h>

#include "util.h"

struct pull_request {
	const char *image;
	const char *platform;   /* NULL: the host's */
	bool tls_verify;
	bool quiet;
	bool for_run;           /* run's --pull: progress to stderr, the run's error line */
	const char *policy;     /* run's --pull: "missing", "always" (cgrund looks at the store) */
};

/* With p->policy: whether cgrund would pull (1) or the image is there (0),
 * asked first, so that an auth file is opened only for a pull. -1 and err
 * when cgrund could not be asked. */
int pull_needed_cgrund(const struct pull_request *p, cg_err_t *err);
/* Ask cgrund to run cgrun-image with our stdout and stderr (its progress
 * reaches the terminal directly) and our own auth file, opened here as
 * the caller. 0 with *code, cgrun-image's exit status; -1 with err when
 * cgrund could not be asked or refused. */
int pull_via_cgrund(const struct pull_request *p, int *code, cg_err_t *err);

#endif
