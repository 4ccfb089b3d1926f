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
};

/* Ask cgrund to run cgrun-image with our stdout and stderr (its progress
 * reaches the terminal directly) and our own auth file, opened here as
 * the caller. 0 with *code, cgrun-image's exit status; -1 with err when
 * cgrund could not be asked or refused. */
int pull_via_cgrund(const struct pull_request *p, int *code, cg_err_t *err);

#endif
