/* progress.h - a pull's progress, layers downloading in parallel threads.
 *
 * On a terminal: one line per layer in flight, redrawn in place (ANSI
 * cursor movement) at most 10 times a second by one thread of its own, the
 * only one that writes; a layer that ends leaves its final line ("Pull
 * complete", "Already exists") above them. Otherwise: one whole line per
 * layer when it is done. Quiet: nothing. The download threads only update
 * counters, under the mutex. */
#ifndef CGRUN_PROGRESS_H
#define CGRUN_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "util.h"

struct cg_progress;

/* NULL only if the drawing thread cannot start (err); nlayers: how many
 * layers at most will be added. */
struct cg_progress *cg_progress_new(FILE *out, bool quiet, size_t nlayers, cg_err_t *err);
/* A layer starts downloading (total bytes): its slot. */
int cg_progress_start(struct cg_progress *p, const char *id, int64_t total);
void cg_progress_add(struct cg_progress *p, int slot, int64_t bytes);
/* slot is over: downloaded (ok) or not (its line goes without a final word). */
void cg_progress_done(struct cg_progress *p, int slot, bool ok);
/* A layer already in the store. */
void cg_progress_exists(struct cg_progress *p, const char *id);
/* The last drawing, the thread stopped; the cursor below every line. */
void cg_progress_free(struct cg_progress *p);

#endif
