/* proc.h - a process's identity: pid plus start time. */
#ifndef CGRUN_PROC_H
#define CGRUN_PROC_H

#include <stdbool.h>
#include <sys/types.h>

/* Start time of a process in clock ticks since boot (0 if gone, or a
 * zombie). */
unsigned long long cg_proc_start_time(pid_t pid);
/* Pure: field 22 of a /proc/PID/stat text (0 for a zombie's). */
unsigned long long cg_parse_stat_start_time(const char *stat);
/* Is pid alive (not a zombie) and the same process (start time) as recorded? */
bool cg_proc_same(pid_t pid, unsigned long long start);

#endif
