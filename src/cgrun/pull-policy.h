/* pull-policy.h - run's --pull policy; `cgrun pull` is in cli.h. */
#ifndef CGRUN_CLI_PULL_H
#define CGRUN_CLI_PULL_H

#include "util.h"

enum cli_pull { CLI_PULL_MISSING, CLI_PULL_ALWAYS, CLI_PULL_NEVER };

int cli_pull_policy(const char *s, enum cli_pull *p, cg_err_t *err);
/* Before a run: pull image when the policy says so (missing: only when
 * the store has no such image; always: unless it is an imported one). */
/* cli_pull_for_run's return when cgrun-image has printed the error. */
#define CLI_PULL_REPORTED (-10000)
int cli_pull_for_run(const char *image, enum cli_pull policy, cg_err_t *err);

#endif
