/* log.h - cgrund's log lines and its clock: the two things every part of
 * the daemon uses, in a file of their own that depends on nothing of
 * cgrund's (so no part includes main.c's declarations for them). */
#ifndef CGRUND_LOG_H
#define CGRUND_LOG_H

#include <stdint.h>

/* A line on stderr with a <prio> prefix (syslog's levels: 3 error,
 * 4 warning, 6 info): journald turns the prefixes into priorities. */
void log_msg(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* CLOCK_MONOTONIC in milliseconds: deadlines and timers. */
int64_t now_ms(void);

#endif
