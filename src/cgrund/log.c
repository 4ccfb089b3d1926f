/* log.c - cgrund's log lines and its clock (log.h). */
#include "config.h"

#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

int64_t now_ms(void)
{
	struct timespec ts;

	/* Cannot fail with a valid clock and pointer. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void log_msg(int prio, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "<%d>", prio);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
