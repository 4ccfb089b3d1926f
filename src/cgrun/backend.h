/* backend.h - where a verb's request goes: to cgrund when it answers, else
 * to the library in this process (container-ops.h). Both take the same
 * typed request (struct cg_request, which proto.c encodes and cgrund
 * decodes) and give the same result, so what a verb prints does not depend
 * on which of them did the work. */
#ifndef CGRUN_BACKEND_H
#define CGRUN_BACKEND_H

#include <stdbool.h>

#include "cgroup-limits.h"
#include "proto.h"
#include "util.h"

/* A stop timeout no one gave: cgrund's stop_timeout, or docker's 10 s here. */
#define BACKEND_STOP_TIMEOUT 10

struct backend_reply {
	int exit_code; /* wait */
};

/* Do req (stop, kill, pause, unpause, update, wait) for req->target:
 * through cgrund if `daemon`, else in this process. update's limits are in
 * `limits` (encoded as its spec for cgrund). */
int backend_call(bool daemon, const struct cg_request *req, const struct cg_limits *limits,
		 struct backend_reply *rep, cg_err_t *err);

#endif
