/* stats.h - a container's resource usage, the same keys on v1 and v2,
 * read through cgroup files kept open (pread each tick), and written as
 * `key value` lines and as Prometheus text. */
#ifndef CGRUN_STATS_H
#define CGRUN_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cgroup.h"
#include "util.h"

#define CG_STATS_MAX UINT64_MAX   /* "max": no limit */

struct cg_stats {
	uint64_t cpu_usage_usec, cpu_user_usec, cpu_system_usec;
	uint64_t cpu_nr_periods, cpu_nr_throttled, cpu_throttled_usec;
	uint64_t cpu_quota_usec, cpu_period_usec;      /* quota CG_STATS_MAX: none */
	uint64_t memory_current, memory_peak, memory_max, memory_oom_kill;
	uint64_t pids_current, pids_max;
	uint64_t timestamp_usec;                        /* Unix time, microseconds */
};

/* SF_UCPU_STAT: on a hybrid host, cpu.stat of the container's cgroup2
 * tracking cgroup. cgroup2 keeps the CPU time of every cgroup even with no
 * controller enabled: one file gives what cpuacct.usage and cpuacct.stat
 * give on a v1-only host. It comes after cpuacct's files: filled in this
 * order (cg_stats_fill_v1, cg_stats_read), its CPU time replaces theirs. */
enum cg_stat_file {
	SF_CPUACCT_USAGE, SF_CPUACCT_STAT, SF_UCPU_STAT, SF_CPU_STAT, SF_CPU_QUOTA, SF_CPU_PERIOD, SF_CPU_MAX,
	SF_MEM_CURRENT, SF_MEM_PEAK, SF_MEM_MAX, SF_MEM_EVENTS, SF_PIDS_CURRENT, SF_PIDS_MAX,
	SF_COUNT
};

struct cg_stats_src {
	bool v2;
	int fd[SF_COUNT];
	char *path[SF_COUNT];  /* for the naive way: open, read, close per tick */
	bool naive;
	/* What the last read gave: a file not read on a tick (cg_stats_file_due)
	 * keeps its values from here, with no text kept or parsed again. */
	struct cg_stats last;
	unsigned reads;
	unsigned oom_due;      /* reads left that re-read the OOM counter */
	bool oom_watched;      /* its owner is told of OOM events (else: read every time) */
};

/* What is due on one read (the input of cg_stats_file_due). */
struct cg_stats_due {
	bool v2;
	bool limits;     /* the limit files: first read, after an update, every CG_STATS_LIMIT_EVERY */
	bool oom;        /* the OOM counter: after an OOM event, with the limits */
	bool quota_set;  /* a CFS quota is in force (v1: the throttling counters move) */
	bool idle;       /* the container used no CPU since the last read */
};

#define CG_STATS_LIMIT_EVERY 30

/* Open the files once; missing ones stay -1 (their keys read 0). naive:
 * the files are instead opened and closed on every read, the baseline
 * tests/bench/daemon-scale measures kept-open fds against (cgrund takes it
 * from CGRUN_STATS_NAIVE=1). */
void cg_stats_open(struct cg_stats_src *s, const struct cg_cgroup *cg, bool naive);
void cg_stats_close(struct cg_stats_src *s);
/* pread the files (the limit files only when due) and fill st. */
void cg_stats_read(struct cg_stats_src *s, struct cg_stats *st);
/* The limits were changed: the next read reads them again. */
void cg_stats_limits_changed(struct cg_stats_src *s);
/* The memory cgroup signalled an OOM event (v2: memory.events changed;
 * v1: the memory.oom_control eventfd fired): the next two reads read the
 * OOM counter again (v1 signals before the kill is counted). */
void cg_stats_oom_event(struct cg_stats_src *s);
/* Pure: whether file i is a limit file (kept between reads). */
bool cg_stats_is_limit(enum cg_stat_file i);
/* Pure: whether file i is read on a read with what is due. Every tick:
 * the usage counters. Only when due: the limits (they change through
 * `cgrun update`), the OOM counter (it changes with an OOM event, which
 * cgrund is told of), and on v1 cpu.stat's throttling counters, which
 * the kernel does not move while no quota is set (on v2 cpu.stat also
 * holds the usage: always read). pids.current and memory.peak are not
 * read again for a container that used no CPU since the last read: without
 * running, its processes cannot fork, exit or touch memory (memory.peak
 * then follows memory.current, which is always read: the kernel charges
 * some memory, socket buffers say, on a sleeping container's behalf). The
 * read of everything every CG_STATS_LIMIT_EVERY reads puts right what
 * another process could change meanwhile (moving a sleeping process in or
 * out of the cgroup). */
bool cg_stats_file_due(enum cg_stat_file i, const struct cg_stats_due *due);

/* Pure: the cgroup2 directory whose cpu.stat, read before the containers'
 * own, brings their CPU counters up to date all at once: the directory
 * that holds the container's cgroup2 cgroup (unified_path: v2, or the
 * tracking cgroup of a hybrid host). NULL when there is none (v1-only
 * hosts count CPU time in cpuacct, which has nothing to bring up to date).
 * Why: on cgroup2 the kernel sums each CPU's counters into a cgroup's
 * cpu.stat only when somebody reads it (rstat flush), and a flush costs
 * the same fixed overhead whether it covers one cgroup or a whole subtree:
 * reading each busy container's cpu.stat alone took 13-16 us, after its
 * parent's 6 us plus 1.2 us for its share of the parent's (tests/bench/
 * daemon-scale --active). Free the result. */
char *cg_stats_flush_dir(const char *unified_path);

/* Pure parsers and formatters. */
uint64_t cg_stats_value(const char *text, const char *key);   /* "key N" lines */
uint64_t cg_stats_number(const char *text);                     /* "N", "max", "-1" */
/* The fields file i gives, from its text, into st (NULL text: the file
 * is absent or unreadable: 0, or "max" for a limit; an absent
 * SF_UCPU_STAT leaves the CPU time to cpuacct). */
void cg_stats_fill_file(struct cg_stats *st, enum cg_stat_file i, const char *text, bool v2, long clk_tck);
/* From all of v1/v2's file texts into st (NULL texts: absent). v1 takes
 * the CPU time from text[SF_UCPU_STAT] when there is one, else from
 * cpuacct. */
void cg_stats_fill_v1(struct cg_stats *st, const char *const text[SF_COUNT], long clk_tck);
void cg_stats_fill_v2(struct cg_stats *st, const char *const text[SF_COUNT]);
/* The per-container file: one `key value` per line, "max" when unlimited. */
size_t cg_stats_format(const struct cg_stats *st, char *buf, size_t n);
/* Prometheus text exposition: metric family i's HELP and TYPE lines, then
 * one sample per container (none when the value is unlimited). */
size_t cg_stats_prom_count(void);
size_t cg_stats_prom_header(size_t i, char *buf, size_t n);
/* labels: `{id="…",name="…"}` from cg_stats_prom_labels (escaped), made
 * once per container (when its stats start) rather than once per sample. */
size_t cg_stats_prom_labels(const char *id, const char *name, char *buf, size_t n);
/* labels_len: strlen(labels) if known, else 0. */
size_t cg_stats_prom_sample(size_t i, const struct cg_stats *st, const char *labels, size_t labels_len, char *buf,
			    size_t n);

#endif
