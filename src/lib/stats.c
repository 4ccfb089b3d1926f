/* stats.c - resource usage from cgroup files. */
#include "config.h"

#include "stats.h"

#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>

static const char *const v1_files[SF_COUNT][2] = {
	[SF_CPUACCT_USAGE] = { "cpuacct", "cpuacct.usage" },
	[SF_CPUACCT_STAT] = { "cpuacct", "cpuacct.stat" },
	[SF_CPU_STAT] = { "cpu", "cpu.stat" },
	[SF_CPU_QUOTA] = { "cpu", "cpu.cfs_quota_us" },
	[SF_CPU_PERIOD] = { "cpu", "cpu.cfs_period_us" },
	[SF_MEM_CURRENT] = { "memory", "memory.usage_in_bytes" },
	[SF_MEM_PEAK] = { "memory", "memory.max_usage_in_bytes" },
	[SF_MEM_MAX] = { "memory", "memory.limit_in_bytes" },
	[SF_MEM_EVENTS] = { "memory", "memory.oom_control" },
	[SF_PIDS_CURRENT] = { "pids", "pids.current" },
	[SF_PIDS_MAX] = { "pids", "pids.max" },
};

static const char *const v2_files[SF_COUNT] = {
	[SF_CPU_STAT] = "cpu.stat", [SF_CPU_MAX] = "cpu.max", [SF_MEM_CURRENT] = "memory.current",
	[SF_MEM_PEAK] = "memory.peak", [SF_MEM_MAX] = "memory.max", [SF_MEM_EVENTS] = "memory.events",
	[SF_PIDS_CURRENT] = "pids.current", [SF_PIDS_MAX] = "pids.max",
};

static long clk_tck(void)
{
	static long tck;

	if (tck == 0)
		tck = sysconf(_SC_CLK_TCK);
	return tck;
}

static int ctrl_index(const char *name)
{
	for (int c = 0; c < CG_NCTRL; c++)
		if (!strcmp(cg_ctrl_name((enum cg_ctrl)c), name))
			return c;
	return -1;
}

void cg_stats_open(struct cg_stats_src *s, const struct cg_cgroup *cg, bool naive)
{
	s->v2 = cg->unified_has_ctrls;
	s->naive = naive;
	s->reads = 0;
	s->oom_due = 0;
	s->oom_watched = false;
	for (int i = 0; i < SF_COUNT; i++) {
		char *path = NULL;

		s->fd[i] = -1;
		s->path[i] = NULL;
		if (s->v2) {
			if (v2_files[i] && cg->unified_path)
				path = xasprintf("%s/%s", cg->unified_path, v2_files[i]);
		} else if (i == SF_UCPU_STAT) {
			if (cg->unified_path)
				path = xasprintf("%s/cpu.stat", cg->unified_path);
		} else if ((i == SF_CPUACCT_USAGE || i == SF_CPUACCT_STAT) && cg->unified_path) {
			/* hybrid: SF_UCPU_STAT has it */
		} else if (v1_files[i][0]) {
			int c = ctrl_index(v1_files[i][0]);

			if (c >= 0 && cg->path[c])
				path = xasprintf("%s/%s", cg->path[c], v1_files[i][1]);
		}
		if (path && s->naive)
			s->path[i] = path;
		else if (path) {
			s->fd[i] = open(path, O_RDONLY | O_CLOEXEC);
			free(path);
		}
	}
	/* The values of files a container does not have ("max" for a limit):
	 * what the first read leaves where no file is read. */
	if (s->v2)
		cg_stats_fill_v2(&s->last, (const char *[SF_COUNT]){ NULL });
	else
		cg_stats_fill_v1(&s->last, (const char *[SF_COUNT]){ NULL }, clk_tck());
}

void cg_stats_close(struct cg_stats_src *s)
{
	for (int i = 0; i < SF_COUNT; i++) {
		if (s->fd[i] >= 0)
			close(s->fd[i]);
		s->fd[i] = -1;
		free(s->path[i]);
		s->path[i] = NULL;
	}
}

bool cg_stats_is_limit(enum cg_stat_file i)
{
	return i == SF_CPU_QUOTA || i == SF_CPU_PERIOD || i == SF_CPU_MAX || i == SF_MEM_MAX ||
	       i == SF_PIDS_MAX;
}

void cg_stats_limits_changed(struct cg_stats_src *s)
{
	s->reads = 0;
}

void cg_stats_oom_event(struct cg_stats_src *s)
{
	s->oom_due = 2;
}

bool cg_stats_file_due(enum cg_stat_file i, const struct cg_stats_due *due)
{
	if (cg_stats_is_limit(i))
		return due->limits;
	if (i == SF_MEM_EVENTS)
		return due->limits || due->oom;
	if (i == SF_CPU_STAT && !due->v2)
		return due->limits || due->quota_set;
	if (i == SF_PIDS_CURRENT || i == SF_MEM_PEAK)
		return due->limits || !due->idle;
	return true;
}

uint64_t cg_stats_number(const char *text)
{
	if (text == NULL)
		return 0;
	while (*text == ' ')
		text++;
	if (!strncmp(text, "max", 3) || !strncmp(text, "-1", 2))
		return CG_STATS_MAX;
	return strtoull(text, NULL, 10);
}

uint64_t cg_stats_value(const char *text, const char *key)
{
	size_t kl = strlen(key);

	for (const char *p = text; p && *p;) {
		if (!strncmp(p, key, kl) && p[kl] == ' ')
			return strtoull(p + kl + 1, NULL, 10);
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return 0;
}

/* v1 reports "no limit" as a huge page-aligned number. */
static uint64_t v1_limit(const char *text)
{
	uint64_t v = cg_stats_number(text);

	return v >= (UINT64_C(1) << 62) ? CG_STATS_MAX : v;
}

void cg_stats_fill_file(struct cg_stats *st, enum cg_stat_file i, const char *t, bool v2, long clk_tck)
{
	const char *sp;

	if (clk_tck <= 0)
		clk_tck = 100;
	switch (i) {
	case SF_CPUACCT_USAGE:
		if (!v2)
			st->cpu_usage_usec = cg_stats_number(t) / 1000;
		break;
	case SF_CPUACCT_STAT:
		if (!v2) {
			st->cpu_user_usec = cg_stats_value(t, "user") * 1000000 / (uint64_t)clk_tck;
			st->cpu_system_usec = cg_stats_value(t, "system") * 1000000 / (uint64_t)clk_tck;
		}
		break;
	case SF_UCPU_STAT:
		/* Absent: a v1-only host, whose cpuacct files have it. */
		if (!v2 && t) {
			st->cpu_usage_usec = cg_stats_value(t, "usage_usec");
			st->cpu_user_usec = cg_stats_value(t, "user_usec");
			st->cpu_system_usec = cg_stats_value(t, "system_usec");
		}
		break;
	case SF_CPU_STAT:
		if (v2) {
			st->cpu_usage_usec = cg_stats_value(t, "usage_usec");
			st->cpu_user_usec = cg_stats_value(t, "user_usec");
			st->cpu_system_usec = cg_stats_value(t, "system_usec");
			st->cpu_throttled_usec = cg_stats_value(t, "throttled_usec");
		} else {
			st->cpu_throttled_usec = cg_stats_value(t, "throttled_time") / 1000;
		}
		st->cpu_nr_periods = cg_stats_value(t, "nr_periods");
		st->cpu_nr_throttled = cg_stats_value(t, "nr_throttled");
		break;
	case SF_CPU_QUOTA:
		if (!v2)
			st->cpu_quota_usec = t ? cg_stats_number(t) : CG_STATS_MAX;
		break;
	case SF_CPU_PERIOD:
		if (!v2)
			st->cpu_period_usec = cg_stats_number(t);
		break;
	case SF_CPU_MAX:
		if (v2) {
			st->cpu_quota_usec = t ? cg_stats_number(t) : CG_STATS_MAX;
			sp = t ? strchr(t, ' ') : NULL;
			st->cpu_period_usec = sp ? strtoull(sp + 1, NULL, 10) : 100000;
		}
		break;
	case SF_MEM_CURRENT:
		st->memory_current = cg_stats_number(t);
		break;
	case SF_MEM_PEAK:
		st->memory_peak = cg_stats_number(t);
		break;
	case SF_MEM_MAX:
		st->memory_max = t == NULL ? CG_STATS_MAX : v2 ? cg_stats_number(t) : v1_limit(t);
		break;
	case SF_MEM_EVENTS:
		st->memory_oom_kill = cg_stats_value(t, "oom_kill");
		break;
	case SF_PIDS_CURRENT:
		st->pids_current = cg_stats_number(t);
		break;
	case SF_PIDS_MAX:
		st->pids_max = t ? cg_stats_number(t) : CG_STATS_MAX;
		break;
	case SF_COUNT:
		break;
	}
}

void cg_stats_fill_v1(struct cg_stats *st, const char *const t[SF_COUNT], long clk_tck)
{
	memset(st, 0, sizeof(*st));
	/* SF_UCPU_STAT comes after cpuacct's files: when there is one, its
	 * CPU time is what stays. */
	for (int i = 0; i < SF_COUNT; i++)
		cg_stats_fill_file(st, (enum cg_stat_file)i, t[i], false, clk_tck);
}

void cg_stats_fill_v2(struct cg_stats *st, const char *const t[SF_COUNT])
{
	memset(st, 0, sizeof(*st));
	for (int i = 0; i < SF_COUNT; i++)
		cg_stats_fill_file(st, (enum cg_stat_file)i, t[i], true, 0);
}

/* Whether file i exists for this container (else its fields keep the
 * defaults cg_stats_open gave them). */
static bool present(const struct cg_stats_src *s, int i)
{
	return s->fd[i] >= 0 || s->path[i] != NULL;
}

/* Read file i if due, and take its fields into st. */
static void read_file_into(struct cg_stats_src *s, int i, const struct cg_stats_due *due, struct cg_stats *st)
{
	char buf[1024];
	ssize_t n = -1;

	if (!present(s, i) || !cg_stats_file_due((enum cg_stat_file)i, due))
		return;
	if (s->naive) {
		int fd = open(s->path[i], O_RDONLY | O_CLOEXEC);

		if (fd >= 0) {
			n = read(fd, buf, sizeof(buf) - 1);
			close(fd);
		}
	} else {
		n = pread(s->fd[i], buf, sizeof(buf) - 1, 0);
	}
	if (n >= 0)
		buf[n] = '\0';
	cg_stats_fill_file(st, (enum cg_stat_file)i, n >= 0 ? buf : NULL, s->v2, clk_tck());
}

void cg_stats_read(struct cg_stats_src *s, struct cg_stats *st)
{
	struct timespec ts;
	/* The naive baseline reads everything every time. */
	struct cg_stats_due due = {
		.v2 = s->v2,
		.limits = s->naive || s->reads % CG_STATS_LIMIT_EVERY == 0,
		.oom = !s->oom_watched || s->oom_due > 0,
		.quota_set = s->last.cpu_quota_usec != CG_STATS_MAX,
	};

	/* What is not read this time is what was read last time. */
	*st = s->last;
	s->reads++;
	if (s->oom_due > 0)
		s->oom_due--;
	/* The CPU files first (they come first in enum cg_stat_file): whether
	 * the container ran since the last read decides about the others. */
	for (int i = 0; i < SF_CPU_QUOTA; i++)
		read_file_into(s, i, &due, st);
	due.idle = s->reads > 1 && st->cpu_usage_usec == s->last.cpu_usage_usec;
	for (int i = SF_CPU_QUOTA; i < SF_COUNT; i++)
		read_file_into(s, i, &due, st);
	/* memory.peak not read: what memory.current shows is a peak too (a
	 * charge made on the container's behalf while it slept); never lower
	 * than what was reported before. */
	if (!cg_stats_file_due(SF_MEM_PEAK, &due) && st->memory_peak < st->memory_current)
		st->memory_peak = st->memory_current;
	clock_gettime(CLOCK_REALTIME, &ts);
	st->timestamp_usec = (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
	s->last = *st;
}

char *cg_stats_flush_dir(const char *unified_path)
{
	const char *slash = unified_path ? strrchr(unified_path, '/') : NULL;

	if (slash == NULL || slash == unified_path)
		return NULL;
	return xasprintf("%.*s", (int)(slash - unified_path), unified_path);
}

static size_t put_u64(char *p, uint64_t v);

static int put(char *buf, size_t n, size_t *off, const char *key, uint64_t v)
{
	size_t kl = strlen(key);

	/* key, ' ', at most 20 digits, '\n', '\0' */
	if (*off + kl + 23 > n)
		return -1;
	memcpy(buf + *off, key, kl);
	*off += kl;
	buf[(*off)++] = ' ';
	if (v == CG_STATS_MAX) {
		memcpy(buf + *off, "max", 3);
		*off += 3;
	} else {
		*off += put_u64(buf + *off, v);
	}
	buf[(*off)++] = '\n';
	buf[*off] = '\0';
	return 0;
}

size_t cg_stats_format(const struct cg_stats *st, char *buf, size_t n)
{
	size_t off = 0;
	uint64_t frac = st->timestamp_usec % 1000000;

	/* "timestamp S.UUUUUU": always six decimals, as %.6f would print. */
	if (n < 48)
		return 0;
	memcpy(buf, "timestamp ", 10);
	off = 10 + put_u64(buf + 10, st->timestamp_usec / 1000000);
	buf[off++] = '.';
	for (int d = 5; d >= 0; d--, frac /= 10)
		buf[off + (size_t)d] = (char)('0' + frac % 10);
	off += 6;
	buf[off++] = '\n';
	buf[off] = '\0';
	if (put(buf, n, &off, "cpu.usage_usec", st->cpu_usage_usec) < 0 ||
	    put(buf, n, &off, "cpu.user_usec", st->cpu_user_usec) < 0 ||
	    put(buf, n, &off, "cpu.system_usec", st->cpu_system_usec) < 0 ||
	    put(buf, n, &off, "cpu.nr_periods", st->cpu_nr_periods) < 0 ||
	    put(buf, n, &off, "cpu.nr_throttled", st->cpu_nr_throttled) < 0 ||
	    put(buf, n, &off, "cpu.throttled_usec", st->cpu_throttled_usec) < 0 ||
	    put(buf, n, &off, "cpu.quota_usec", st->cpu_quota_usec) < 0 ||
	    put(buf, n, &off, "cpu.period_usec", st->cpu_period_usec) < 0 ||
	    put(buf, n, &off, "memory.current", st->memory_current) < 0 ||
	    put(buf, n, &off, "memory.peak", st->memory_peak) < 0 ||
	    put(buf, n, &off, "memory.max", st->memory_max) < 0 ||
	    put(buf, n, &off, "memory.oom_kill", st->memory_oom_kill) < 0 ||
	    put(buf, n, &off, "pids.current", st->pids_current) < 0 ||
	    put(buf, n, &off, "pids.max", st->pids_max) < 0)
		return 0;
	return off;
}

/* Each family: its name, type and help, the struct cg_stats field it
 * shows and whether that is in microseconds (shown in seconds). */
#define PM(name, type, help, field, usec) \
	{ name, sizeof(name) - 1, type, help, offsetof(struct cg_stats, field), usec }
static const struct {
	const char *name;
	size_t name_len;
	const char *type, *help;
	size_t field;
	bool usec;
} prom_metrics[] = {
	PM("cgrun_cpu_usage_seconds_total", "counter", "CPU time used by the container", cpu_usage_usec, true),
	PM("cgrun_cpu_user_seconds_total", "counter", "CPU time in user mode", cpu_user_usec, true),
	PM("cgrun_cpu_system_seconds_total", "counter", "CPU time in kernel mode", cpu_system_usec, true),
	PM("cgrun_cpu_periods_total", "counter", "CFS enforcement periods elapsed", cpu_nr_periods, false),
	PM("cgrun_cpu_throttled_periods_total", "counter", "CFS periods in which the container was throttled",
	   cpu_nr_throttled, false),
	PM("cgrun_cpu_throttled_seconds_total", "counter", "time the container was throttled", cpu_throttled_usec,
	   true),
	PM("cgrun_cpu_quota_seconds", "gauge", "CPU time allowed per period (absent: no quota)", cpu_quota_usec, true),
	PM("cgrun_cpu_period_seconds", "gauge", "CFS period length", cpu_period_usec, true),
	PM("cgrun_memory_usage_bytes", "gauge", "memory in use", memory_current, false),
	PM("cgrun_memory_peak_bytes", "gauge", "highest memory use seen", memory_peak, false),
	PM("cgrun_memory_limit_bytes", "gauge", "memory limit (absent: none)", memory_max, false),
	PM("cgrun_memory_oom_kills_total", "counter", "processes killed by the OOM killer", memory_oom_kill, false),
	PM("cgrun_pids", "gauge", "processes and threads in the container", pids_current, false),
	PM("cgrun_pids_limit", "gauge", "maximum processes (absent: none)", pids_max, false),
};
#undef PM

size_t cg_stats_prom_count(void)
{
	return ARRAY_SIZE(prom_metrics);
}

size_t cg_stats_prom_header(size_t i, char *buf, size_t n)
{
	int w = snprintf(buf, n, "# HELP %s %s\n# TYPE %s %s\n", prom_metrics[i].name, prom_metrics[i].help,
			 prom_metrics[i].name, prom_metrics[i].type);

	return w < 0 || (size_t)w >= n ? 0 : (size_t)w;
}

/* Label values escape \, " and newline. */
static void esc(char *dst, size_t n, const char *s)
{
	size_t o = 0;

	for (; *s && o + 3 < n; s++) {
		if (*s == '\\' || *s == '"') {
			dst[o++] = '\\';
			dst[o++] = *s;
		} else if (*s == '\n') {
			dst[o++] = '\\';
			dst[o++] = 'n';
		} else {
			dst[o++] = *s;
		}
	}
	dst[o] = '\0';
}

size_t cg_stats_prom_labels(const char *id, const char *name, char *buf, size_t n)
{
	char ename[300], eid[80];
	int w;

	esc(ename, sizeof(ename), name ? name : "");
	esc(eid, sizeof(eid), id);
	w = snprintf(buf, n, "{id=\"%s\",name=\"%s\"}", eid, ename);
	return w < 0 || (size_t)w >= n ? 0 : (size_t)w;
}

/* Hand formatting, exact and without floating point: with hundreds of
 * containers, printf's %g was the largest part of a refresh. */
static size_t put_u64(char *p, uint64_t v)
{
	char t[24];
	size_t n = 0;

	do {
		t[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (size_t i = 0; i < n; i++)
		p[i] = t[n - 1 - i];
	return n;
}

/* Microseconds as seconds: "1.5", "0.000002", "3". */
static size_t put_usec_as_sec(char *p, uint64_t usec)
{
	size_t n = put_u64(p, usec / 1000000);
	uint64_t f = usec % 1000000;
	char d[6];
	int k = 6;

	if (f == 0)
		return n;
	for (int i = 5; i >= 0; i--) {
		d[i] = (char)('0' + f % 10);
		f /= 10;
	}
	while (k > 0 && d[k - 1] == '0')
		k--;
	p[n++] = '.';
	memcpy(p + n, d, (size_t)k);
	return n + (size_t)k;
}

size_t cg_stats_prom_sample(size_t i, const struct cg_stats *st, const char *labels, size_t labels_len, char *buf,
			    size_t n)
{
	size_t nl, ll = labels_len ? labels_len : strlen(labels), off;
	uint64_t v;

	if (i >= ARRAY_SIZE(prom_metrics))
		return 0;
	memcpy(&v, (const char *)st + prom_metrics[i].field, sizeof(v));
	if (v == CG_STATS_MAX)
		return 0;  /* unlimited: no sample, rather than a huge number */
	nl = prom_metrics[i].name_len;
	/* name, labels, ' ', at most 27 characters of value, '\n', '\0' */
	if (nl + ll + 30 > n)
		return 0;
	memcpy(buf, prom_metrics[i].name, nl);
	memcpy(buf + nl, labels, ll);
	off = nl + ll;
	buf[off++] = ' ';
	off += prom_metrics[i].usec ? put_usec_as_sec(buf + off, v) : put_u64(buf + off, v);
	buf[off++] = '\n';
	buf[off] = '\0';
	return off;
}
