/* proc.c - a process's identity: its pid and its start time, which a
 * recycled pid does not share. */
#include "config.h"

#include "proc.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

unsigned long long cg_proc_start_time(pid_t pid)
{
	cleanup_free char *path = xasprintf("/proc/%d/stat", (int)pid);
	cleanup_free char *text = NULL;
	cg_err_t ignore = { 0 };

	if (read_file(path, &text, 4096, &ignore) < 0)
		return 0;
	return cg_parse_stat_start_time(text);
}

bool cg_proc_same(pid_t pid, unsigned long long start)
{
	return pid > 0 && start != 0 && cg_proc_start_time(pid) == start;
}

unsigned long long cg_parse_stat_start_time(const char *stat)
{
	/* Field 22; the command name (field 2) may hold spaces and ')'. */
	const char *p = strrchr(stat, ')');
	unsigned long long v = 0;

	if (p == NULL)
		return 0;
	p++;
	/* A zombie (Z, or X as it goes) has ended: it keeps its start time
	 * only until its parent reaps it, and the parent of a killed cgrun's
	 * container init is PID 1, which may take its time. Counted as
	 * alive, it kept the garbage collector from collecting the container. */
	if (p[0] == ' ' && (p[1] == 'Z' || p[1] == 'X'))
		return 0;
	for (int field = 3; field < 22; field++) {
		p = strchr(p + 1, ' ');
		if (p == NULL)
			return 0;
	}
	if (sscanf(p + 1, "%llu", &v) != 1)
		return 0;
	return v;
}
