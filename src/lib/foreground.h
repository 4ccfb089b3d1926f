/* foreground.h - `cgrun run` in-process: create, start, wait, forward
 * signals, copy the terminal, undo. */
#ifndef CGRUN_FOREGROUND_H
#define CGRUN_FOREGROUND_H

#include "spec.h"
#include "util.h"

/* Runs spec to completion. Returns 0 and sets *status to the command's exit
 * status (128+N for signal N), or -1 with err (err->exit_code 125/126/127).
 * Every cgroup, mount and scratch directory is gone afterwards (with --rm;
 * without it the container's writable layer and record are kept). */
struct cg_ctx;
int cg_foreground_run(struct cg_ctx *ctx, struct cg_spec *spec, int *status, cg_err_t *err);

/* The terminal/signal loop shared with cgrun's client side of cgrund:
 * waits until pidfd is readable (or, with pid < 0, until `done` is
 * readable), forwarding signals from sigfd to `forward_to` and copying
 * between stdin/stdout and the pty master (-1: none). */
struct cg_io_loop {
	int sigfd;
	int pty_master;
	bool stdin_to_pty;
	int done_fd;                  /* readable when the container has ended */
	void (*forward)(void *ctx, int sig);
	void *ctx;
};
void cg_io_loop_run(struct cg_io_loop *l);
/* Block the signals cgrun forwards and return a signalfd for them. */
int cg_block_forwarded_signals(sigset_t *old, cg_err_t *err);

#endif
