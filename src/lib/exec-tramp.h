/* exec-tramp.h - the exec trampoline: the container's command is exec'd
 * through a tiny static program in a sealed memfd, never from cgrun's or
 * cgrund's own binary (exec-tramp.c says why). */
#ifndef CGRUN_EXEC_TRAMP_H
#define CGRUN_EXEC_TRAMP_H

#include <stdbool.h>
#include <stddef.h>

#include "ctx.h"
#include "util.h"

/* Whether this build has a trampoline (x86_64 only so far: elsewhere the
 * command is exec'd directly, as before, and is not protected). */
bool cg_exec_tramp_available(void);

/* The trampoline's sealed memfd (close-on-exec), made on first use and kept
 * in ctx for the life of the process (cgrund shares one between all its
 * containers: sealed, nothing can change it). -1 with err if it cannot be
 * made; -1 without an error (err->code 0) when the build has none. */
int cg_ctx_exec_tramp(struct cg_ctx *ctx, cg_err_t *err);

/* Pure: the trampoline's argv for the command argv with the sync socket
 * sock and the fd wait_fd (-1: none) whose EOF it waits for before the
 * command's exec: { magic, "<sock>", "<wait_fd>", argv[0], argv[1], ...
 * NULL } in one malloc'd block (free it once). */
char **cg_exec_tramp_argv(char *const *argv, int sock, int wait_fd);

/* The container's init becomes the trampoline's init mode (exec-tramp-main.c,
 * init_main): execveat of tramp_fd with the command's pid, the exit fd and
 * the OOM fd (-1: none; both must be open across exec). Returns only if the
 * exec failed, with errno set: the caller then goes on as the init itself. */
void cg_exec_tramp_become_init(int tramp_fd, int cmd, int exit_fd, int oom_fd);

/* Pure: 127 for "not found" errors, 126 for the rest. */
int cg_exec_errno_code(int e);

/* Pure: the error of a failed exec of name with errno e, worded the same
 * whether cgrun's child or the trampoline saw it; err->exit_code 126 or
 * 127. */
void cg_exec_fail_error(cg_err_t *err, int e, const char *name);

/* Pure: a trampoline's failure message (buf[0..n-1], not NUL-terminated)
 * into err. false when buf is not one. */
bool cg_exec_tramp_message(const char *buf, size_t n, cg_err_t *err);

#endif
