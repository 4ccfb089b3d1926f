/* ctr-stats.h - a running container's stats, as the files that keep them
 * see it (statsfiles.c, leases.c, oomwatch.c, rstatflush.c). The rest of
 * cgrund holds only the pointer (struct ctr's st) and asks statsfiles.c. */
#ifndef CGRUND_CTR_STATS_H
#define CGRUND_CTR_STATS_H

#include <stddef.h>

#include "exchfile.h"
#include "stats.h"

struct flushdir;

struct ctr_stats {
	struct cg_stats_src src;  /* cgroup files kept open while it runs */
	int rundir_fd;            /* its run directory, for the stats file; -1 */
	struct cg_exchfile file;  /* <rundir>/stats, rewritten in place (exchfile.h) */
	struct flushdir *flush;   /* its cgroup2 parent directory (rstatflush.c), or NULL */
	char prom_labels[400];    /* {id="…",name="…"} for metrics.prom */
	size_t prom_labels_len;
};

#endif
