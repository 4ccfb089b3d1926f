/* progress-fmt.h - the text of a pull's progress lines: pure (numbers in,
 * characters out), so that the layout is unit-tested. progress.h draws. */
#ifndef CGRUN_PROGRESS_FMT_H
#define CGRUN_PROGRESS_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* bytes in decimal units as docker shows them: "512B", "12.3MB" ("12.3 MB"
 * with space). Always NUL-terminated. */
void cg_fmt_bytes(char *buf, size_t n, double bytes, bool space);
/* bytes per second over secs ("5.1MB/s"); "0B/s" when secs is not > 0. */
void cg_fmt_rate(char *buf, size_t n, double bytes, double secs);

/* A layer's line on a terminal, at most width - 1 characters (the last
 * column would wrap on some terminals; width <= 1 means 80):
 *   "<id>: Downloading  12.3MB/45.6MB  5.1MB/s"  (in flight)
 *   "<id>: <state>"                                 (final: state given)
 * id and state are cut at 32 characters and their control characters
 * replaced: they may come from a registry. Returns the line's length. */
size_t cg_fmt_tty_line(char *buf, size_t n, int width, const char *id, const char *state, int64_t done,
		       int64_t total, double secs);
/* A layer's one line when the output is not a terminal, once it is done:
 *   "<id>: done 12.3 MB/12.3 MB (5.1 MB/s)" */
size_t cg_fmt_plain_line(char *buf, size_t n, const char *id, int64_t done, int64_t total, double secs);

#endif
