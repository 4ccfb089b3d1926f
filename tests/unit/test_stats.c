/* test_stats.c - stats parsing and formatting: the same keys from v1 and v2. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "stats.h"

static void test_number(void **state)
{
	(void)state;
	assert_true(cg_stats_number("max\n") == CG_STATS_MAX);
	assert_true(cg_stats_number("-1\n") == CG_STATS_MAX);
	assert_int_equal(cg_stats_number("12345\n"), 12345);
	assert_int_equal(cg_stats_number(NULL), 0);
	assert_int_equal(cg_stats_value("usage_usec 10\nuser_usec 7\nsystem_usec 3\n", "user_usec"), 7);
	assert_int_equal(cg_stats_value("usage_usec 10\n", "usage"), 0);
	assert_int_equal(cg_stats_value("a 1\nnr_throttled 5\n", "nr_throttled"), 5);
}

static void test_v1(void **state)
{
	const char *t[SF_COUNT] = { 0 };
	struct cg_stats st = { 0 };

	(void)state;
	t[SF_CPUACCT_USAGE] = "2500000\n";             /* ns */
	t[SF_CPUACCT_STAT] = "user 150\nsystem 50\n";   /* ticks */
	t[SF_CPU_STAT] = "nr_periods 40\nnr_throttled 38\nthrottled_time 3000000000\n";
	t[SF_CPU_QUOTA] = "2000\n";
	t[SF_CPU_PERIOD] = "100000\n";
	t[SF_MEM_CURRENT] = "4096\n";
	t[SF_MEM_PEAK] = "8192\n";
	t[SF_MEM_MAX] = "9223372036854771712\n";        /* v1's "no limit" */
	t[SF_MEM_EVENTS] = "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n";
	t[SF_PIDS_CURRENT] = "3\n";
	t[SF_PIDS_MAX] = "max\n";
	cg_stats_fill_v1(&st, t, 100);
	assert_int_equal(st.cpu_usage_usec, 2500);
	assert_int_equal(st.cpu_user_usec, 1500000);
	assert_int_equal(st.cpu_system_usec, 500000);
	assert_int_equal(st.cpu_nr_periods, 40);
	assert_int_equal(st.cpu_nr_throttled, 38);
	assert_int_equal(st.cpu_throttled_usec, 3000000);
	assert_int_equal(st.cpu_quota_usec, 2000);
	assert_int_equal(st.cpu_period_usec, 100000);
	assert_int_equal(st.memory_current, 4096);
	assert_int_equal(st.memory_peak, 8192);
	assert_true(st.memory_max == CG_STATS_MAX);
	assert_int_equal(st.memory_oom_kill, 2);
	assert_int_equal(st.pids_current, 3);
	assert_true(st.pids_max == CG_STATS_MAX);
	t[SF_CPU_QUOTA] = "-1\n";
	cg_stats_fill_v1(&st, t, 100);
	assert_true(st.cpu_quota_usec == CG_STATS_MAX);
	/* hybrid: the CPU time from the cgroup2 tracking cgroup's cpu.stat */
	t[SF_UCPU_STAT] = "usage_usec 7000\nuser_usec 4000\nsystem_usec 3000\n";
	cg_stats_fill_v1(&st, t, 100);
	assert_int_equal(st.cpu_usage_usec, 7000);
	assert_int_equal(st.cpu_user_usec, 4000);
	assert_int_equal(st.cpu_system_usec, 3000);
	assert_int_equal(st.cpu_nr_throttled, 38);
}

static void test_v2(void **state)
{
	const char *t[SF_COUNT] = { 0 };
	struct cg_stats st = { 0 };

	(void)state;
	t[SF_CPU_STAT] = "usage_usec 2500\nuser_usec 1500\nsystem_usec 1000\nnr_periods 40\n"
			 "nr_throttled 38\nthrottled_usec 3000000\n";
	t[SF_CPU_MAX] = "2000 100000\n";
	t[SF_MEM_CURRENT] = "4096\n";
	t[SF_MEM_PEAK] = "8192\n";
	t[SF_MEM_MAX] = "67108864\n";
	t[SF_MEM_EVENTS] = "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n";
	t[SF_PIDS_CURRENT] = "3\n";
	t[SF_PIDS_MAX] = "20\n";
	cg_stats_fill_v2(&st, t);
	assert_int_equal(st.cpu_usage_usec, 2500);
	assert_int_equal(st.cpu_user_usec, 1500);
	assert_int_equal(st.cpu_system_usec, 1000);
	assert_int_equal(st.cpu_throttled_usec, 3000000);
	assert_int_equal(st.cpu_quota_usec, 2000);
	assert_int_equal(st.cpu_period_usec, 100000);
	assert_int_equal(st.memory_max, 67108864);
	assert_int_equal(st.memory_oom_kill, 1);
	assert_int_equal(st.pids_max, 20);
	t[SF_CPU_MAX] = "max 50000\n";
	cg_stats_fill_v2(&st, t);
	assert_true(st.cpu_quota_usec == CG_STATS_MAX);
	assert_int_equal(st.cpu_period_usec, 50000);
}

static void test_format(void **state)
{
	struct cg_stats st = { .cpu_usage_usec = 5, .cpu_quota_usec = CG_STATS_MAX, .memory_max = 1024,
			       .pids_max = CG_STATS_MAX, .timestamp_usec = 12500000 };
	char buf[1024];
	static const char *const keys[] = {
		"cpu.usage_usec", "cpu.user_usec", "cpu.system_usec", "cpu.nr_periods", "cpu.nr_throttled",
		"cpu.throttled_usec", "cpu.quota_usec", "cpu.period_usec", "memory.current", "memory.peak",
		"memory.max", "memory.oom_kill", "pids.current", "pids.max",
	};

	(void)state;
	assert_true(cg_stats_format(&st, buf, sizeof(buf)) > 0);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		char k[64];

		snprintf(k, sizeof(k), "\n%s ", keys[i]);
		if (strstr(buf, k) == NULL)
			fail_msg("key %s missing from:\n%s", keys[i], buf);
	}
	assert_non_null(strstr(buf, "timestamp 12.500000\n"));
	assert_non_null(strstr(buf, "\ncpu.quota_usec max\n"));
	assert_non_null(strstr(buf, "\nmemory.max 1024\n"));
	assert_non_null(strstr(buf, "\ncpu.usage_usec 5\n"));
	/* Six decimals always, the leading zeros of the fraction kept. */
	st.timestamp_usec = UINT64_C(1700000000000042);
	assert_true(cg_stats_format(&st, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "timestamp 1700000000.000042\n"));
	st.timestamp_usec = 0;
	assert_true(cg_stats_format(&st, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "timestamp 0.000000\n"));
	/* Too small a buffer: nothing rather than a cut file. */
	assert_int_equal(cg_stats_format(&st, buf, 40), 0);
}

static void test_prom(void **state)
{
	struct cg_stats st = { .cpu_usage_usec = 1500000, .cpu_quota_usec = CG_STATS_MAX, .memory_max = 2048,
			       .pids_max = CG_STATS_MAX, .cpu_period_usec = 100000, .cpu_user_usec = 2,
			       .memory_current = 12345678901ULL };
	char buf[1024];
	size_t n = cg_stats_prom_count();
	bool saw_usage = false, saw_quota = false;

	(void)state;
	assert_true(n >= 14);
	for (size_t i = 0; i < n; i++) {
		size_t w = cg_stats_prom_header(i, buf, sizeof(buf));

		assert_true(w > 0);
		assert_int_equal(strncmp(buf, "# HELP cgrun_", 13), 0);
		assert_non_null(strstr(buf, "\n# TYPE cgrun_"));
		/* counters end in _total */
		if (strstr(buf, " counter\n"))
			assert_non_null(strstr(buf, "_total counter\n"));
		char labels[400];

		assert_true(cg_stats_prom_labels("abc", "we\"b", labels, sizeof(labels)) > 0);
		w = cg_stats_prom_sample(i, &st, labels, 0, buf, sizeof(buf));
		if (w && !strncmp(buf, "cgrun_cpu_usage_seconds_total{", 30)) {
			saw_usage = true;
			assert_string_equal(buf, "cgrun_cpu_usage_seconds_total{id=\"abc\",name=\"we\\\"b\"} 1.5\n");
		}
		if (w && !strncmp(buf, "cgrun_cpu_quota_seconds", 23))
			saw_quota = true;
		/* bytes: exact integers, not %g's 1.234e+10 */
		if (w && !strncmp(buf, "cgrun_memory_limit_bytes{", 25))
			assert_string_equal(buf, "cgrun_memory_limit_bytes{id=\"abc\",name=\"we\\\"b\"} 2048\n");
	}
	assert_true(saw_usage);
	assert_false(saw_quota);  /* unlimited: no sample */
	{
		char labels[64];

		cg_stats_prom_labels("i", "n", labels, sizeof(labels));
		for (size_t i = 0; i < n; i++) {
			size_t w = cg_stats_prom_sample(i, &st, labels, 0, buf, sizeof(buf));

			if (w && !strncmp(buf, "cgrun_cpu_period_seconds{", 25))
				assert_string_equal(buf, "cgrun_cpu_period_seconds{id=\"i\",name=\"n\"} 0.1\n");
			if (w && !strncmp(buf, "cgrun_cpu_user_seconds_total{", 29))
				assert_string_equal(buf, "cgrun_cpu_user_seconds_total{id=\"i\",name=\"n\"} 0.000002\n");
			if (w && !strncmp(buf, "cgrun_memory_usage_bytes{", 25))
				assert_string_equal(buf, "cgrun_memory_usage_bytes{id=\"i\",name=\"n\"} 12345678901\n");
			/* too small a buffer: nothing, never a cut line */
			assert_int_equal(cg_stats_prom_sample(i, &st, labels, strlen(labels), buf, 20), 0);
		}
	}
}

static void put_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* Remove the stand-in cgroup directory and its files. */
static void remove_dir(const char *dir, const char *const *files, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char path[512];

		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
}

/* The limit files are read once, then again only after
 * cg_stats_limits_changed or every CG_STATS_LIMIT_EVERY reads; the others
 * on every read. A directory of plain files stands in for a v2 cgroup. */
static void test_limit_cache(void **state)
{
	char dir[] = "/tmp/cgrun-test-stats.XXXXXX";
	struct cg_cgroup cg;
	struct cg_stats_src src;
	struct cg_stats st;
	const char *files[] = { "cpu.stat", "cpu.max", "memory.current", "memory.peak", "memory.max",
				"memory.events", "pids.current", "pids.max" };

	(void)state;
	assert_non_null(mkdtemp(dir));
	put_file(dir, "cpu.stat", "usage_usec 10\nuser_usec 6\nsystem_usec 4\n");
	put_file(dir, "cpu.max", "2000 100000\n");
	put_file(dir, "memory.current", "4096\n");
	put_file(dir, "memory.peak", "8192\n");
	put_file(dir, "memory.max", "max\n");
	put_file(dir, "memory.events", "oom_kill 0\n");
	put_file(dir, "pids.current", "1\n");
	put_file(dir, "pids.max", "50\n");
	memset(&cg, 0, sizeof(cg));
	cg.unified_has_ctrls = true;
	cg.unified_path = dir;
	cg_stats_open(&src, &cg, false);
	cg_stats_read(&src, &st);
	assert_int_equal(st.cpu_quota_usec, 2000);
	assert_int_equal(st.pids_max, 50);
	/* pread from offset 0 again sees rewritten files: usage moves, the
	 * kept limit does not... */
	put_file(dir, "cpu.stat", "usage_usec 20\nuser_usec 12\nsystem_usec 8\n");
	put_file(dir, "cpu.max", "5000 100000\n");
	put_file(dir, "pids.max", "max\n");
	cg_stats_read(&src, &st);
	assert_int_equal(st.cpu_usage_usec, 20);
	assert_int_equal(st.cpu_quota_usec, 2000);
	assert_int_equal(st.pids_max, 50);
	/* ...until the limits are said to have changed. */
	cg_stats_limits_changed(&src);
	cg_stats_read(&src, &st);
	assert_int_equal(st.cpu_quota_usec, 5000);
	assert_true(st.pids_max == CG_STATS_MAX);
	/* and at the latest every CG_STATS_LIMIT_EVERY reads */
	put_file(dir, "cpu.max", "7000 100000\n");
	for (int i = 1; i < CG_STATS_LIMIT_EVERY; i++) {
		cg_stats_read(&src, &st);
		assert_int_equal(st.cpu_quota_usec, 5000);
	}
	cg_stats_read(&src, &st);
	assert_int_equal(st.cpu_quota_usec, 7000);
	assert_true(cg_stats_is_limit(SF_MEM_MAX));
	assert_false(cg_stats_is_limit(SF_MEM_CURRENT));
	cg_stats_close(&src);
	remove_dir(dir, files, sizeof(files) / sizeof(files[0]));
}

/* Which files a read reads, given what is due. */
static void test_file_due(void **state)
{
	struct cg_stats_due none = { 0 }, v2 = { .v2 = true }, lim = { .limits = true }, oom = { .oom = true },
			   quota = { .quota_set = true };

	(void)state;
	/* Usage counters: always. */
	assert_true(cg_stats_file_due(SF_MEM_CURRENT, &none));
	assert_true(cg_stats_file_due(SF_MEM_PEAK, &none));
	assert_true(cg_stats_file_due(SF_PIDS_CURRENT, &none));
	assert_true(cg_stats_file_due(SF_CPUACCT_USAGE, &none));
	assert_true(cg_stats_file_due(SF_CPUACCT_STAT, &none));
	/* Limits: only when due. */
	assert_false(cg_stats_file_due(SF_MEM_MAX, &none));
	assert_false(cg_stats_file_due(SF_CPU_MAX, &oom));
	assert_true(cg_stats_file_due(SF_PIDS_MAX, &lim));
	/* The OOM counter: after an event or with the limits. */
	assert_false(cg_stats_file_due(SF_MEM_EVENTS, &none));
	assert_true(cg_stats_file_due(SF_MEM_EVENTS, &oom));
	assert_true(cg_stats_file_due(SF_MEM_EVENTS, &lim));
	/* cpu.stat: always on v2 (usage), on v1 only under a quota. */
	assert_true(cg_stats_file_due(SF_CPU_STAT, &v2));
	assert_false(cg_stats_file_due(SF_CPU_STAT, &none));
	assert_true(cg_stats_file_due(SF_CPU_STAT, &quota));
	assert_true(cg_stats_file_due(SF_CPU_STAT, &lim));
	/* Idle (no CPU used since the last read): pids.current and
	 * memory.peak wait, memory.current and the CPU time do not. */
	struct cg_stats_due idle = { .idle = true }, idle_lim = { .idle = true, .limits = true };

	assert_false(cg_stats_file_due(SF_PIDS_CURRENT, &idle));
	assert_false(cg_stats_file_due(SF_MEM_PEAK, &idle));
	assert_true(cg_stats_file_due(SF_MEM_CURRENT, &idle));
	assert_true(cg_stats_file_due(SF_UCPU_STAT, &idle));
	assert_true(cg_stats_file_due(SF_PIDS_CURRENT, &idle_lim));
	assert_true(cg_stats_file_due(SF_PIDS_CURRENT, &none));
}

/* A container that used no CPU since the last read: pids.current and
 * memory.peak are not read again; memory.peak still follows
 * memory.current up and never goes down; once the CPU time moves both
 * are read again. A directory of plain files stands in for a v2 cgroup. */
static void test_idle_skips(void **state)
{
	char dir[] = "/tmp/cgrun-test-stats.XXXXXX";
	struct cg_cgroup cg;
	struct cg_stats_src src;
	struct cg_stats st;
	const char *files[] = { "cpu.stat", "memory.current", "memory.peak", "pids.current" };

	(void)state;
	assert_non_null(mkdtemp(dir));
	put_file(dir, "cpu.stat", "usage_usec 10\nuser_usec 6\nsystem_usec 4\n");
	put_file(dir, "memory.current", "4096\n");
	put_file(dir, "memory.peak", "8192\n");
	put_file(dir, "pids.current", "2\n");
	memset(&cg, 0, sizeof(cg));
	cg.unified_has_ctrls = true;
	cg.unified_path = dir;
	cg_stats_open(&src, &cg, false);
	cg_stats_read(&src, &st);
	assert_int_equal(st.pids_current, 2);
	assert_int_equal(st.memory_peak, 8192);
	/* No CPU used: the old pids and peak. */
	put_file(dir, "pids.current", "3\n");
	put_file(dir, "memory.peak", "9000\n");
	cg_stats_read(&src, &st);
	assert_int_equal(st.pids_current, 2);
	assert_int_equal(st.memory_peak, 8192);
	/* memory.current is read: above the peak, it is the peak. */
	put_file(dir, "memory.current", "12288\n");
	cg_stats_read(&src, &st);
	assert_int_equal(st.memory_current, 12288);
	assert_int_equal(st.memory_peak, 12288);
	put_file(dir, "memory.current", "4096\n");
	cg_stats_read(&src, &st);
	assert_int_equal(st.memory_peak, 12288);
	/* The CPU time moved: read again. */
	put_file(dir, "cpu.stat", "usage_usec 11\nuser_usec 6\nsystem_usec 5\n");
	put_file(dir, "memory.peak", "16384\n");
	cg_stats_read(&src, &st);
	assert_int_equal(st.pids_current, 3);
	assert_int_equal(st.memory_peak, 16384);
	cg_stats_close(&src);
	remove_dir(dir, files, sizeof(files) / sizeof(files[0]));
}

/* v1 files in a plain directory: cpu.stat's throttling counters are read
 * again only while a quota is set; the OOM counter, when watched, only
 * after an OOM event (that read and the next one), unwatched every time. */
static void test_v1_kept_files(void **state)
{
	char dir[] = "/tmp/cgrun-test-stats.XXXXXX";
	struct cg_cgroup cg;
	struct cg_stats_src src;
	struct cg_stats st;
	const char *files[] = { "cpuacct.usage", "cpuacct.stat", "cpu.stat", "cpu.cfs_quota_us", "cpu.cfs_period_us",
				"memory.usage_in_bytes", "memory.max_usage_in_bytes", "memory.limit_in_bytes",
				"memory.oom_control", "pids.current", "pids.max" };

	(void)state;
	assert_non_null(mkdtemp(dir));
	put_file(dir, "cpuacct.usage", "5000\n");
	put_file(dir, "cpuacct.stat", "user 1\nsystem 1\n");
	put_file(dir, "cpu.stat", "nr_periods 3\nnr_throttled 1\nthrottled_time 0\n");
	put_file(dir, "cpu.cfs_quota_us", "-1\n");
	put_file(dir, "cpu.cfs_period_us", "100000\n");
	put_file(dir, "memory.usage_in_bytes", "4096\n");
	put_file(dir, "memory.max_usage_in_bytes", "8192\n");
	put_file(dir, "memory.limit_in_bytes", "9223372036854771712\n");
	put_file(dir, "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n");
	put_file(dir, "pids.current", "1\n");
	put_file(dir, "pids.max", "max\n");
	memset(&cg, 0, sizeof(cg));
	cg.path[CG_CPU] = cg.path[CG_CPUACCT] = cg.path[CG_MEMORY] = cg.path[CG_PIDS] = dir;
	cg_stats_open(&src, &cg, false);
	/* Not watched: the OOM counter is read every time. */
	cg_stats_read(&src, &st);
	assert_int_equal(st.cpu_nr_periods, 3);
	put_file(dir, "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n");
	put_file(dir, "cpu.stat", "nr_periods 4\nnr_throttled 2\nthrottled_time 0\n");
	put_file(dir, "cpuacct.usage", "9000\n");
	cg_stats_read(&src, &st);
	assert_int_equal(st.memory_oom_kill, 1);
	assert_int_equal(st.cpu_usage_usec, 9);
	/* No quota: the throttling counters are kept. */
	assert_int_equal(st.cpu_nr_periods, 3);
	/* Watched: kept until an event, then read on two reads. */
	src.oom_watched = true;
	put_file(dir, "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
	cg_stats_read(&src, &st);
	assert_int_equal(st.memory_oom_kill, 1);
	cg_stats_oom_event(&src);
	cg_stats_read(&src, &st);
	assert_int_equal(st.memory_oom_kill, 2);
	put_file(dir, "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n");
	cg_stats_read(&src, &st);
	assert_int_equal(st.memory_oom_kill, 3);
	put_file(dir, "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 4\n");
	cg_stats_read(&src, &st);
	assert_int_equal(st.memory_oom_kill, 3);
	/* A quota set (an update): from then on cpu.stat is read every time. */
	put_file(dir, "cpu.cfs_quota_us", "2000\n");
	cg_stats_limits_changed(&src);
	cg_stats_read(&src, &st);
	assert_int_equal(st.cpu_quota_usec, 2000);
	assert_int_equal(st.cpu_nr_periods, 4);
	assert_int_equal(st.memory_oom_kill, 4);
	put_file(dir, "cpu.stat", "nr_periods 9\nnr_throttled 5\nthrottled_time 1000\n");
	cg_stats_read(&src, &st);
	assert_int_equal(st.cpu_nr_periods, 9);
	assert_int_equal(st.cpu_nr_throttled, 5);
	cg_stats_close(&src);
	remove_dir(dir, files, sizeof(files) / sizeof(files[0]));
}

/* Hybrid: v1 controllers, the CPU time from the cgroup2 tracking
 * cgroup's cpu.stat (cpuacct is not read), which also says whether the
 * container is idle. Two plain directories stand in for the hierarchies. */
static void test_hybrid_reads(void **state)
{
	char dir[] = "/tmp/cgrun-test-stats.XXXXXX", udir[] = "/tmp/cgrun-test-stats.XXXXXX";
	struct cg_cgroup cg;
	struct cg_stats_src src;
	struct cg_stats st;
	const char *files[] = { "cpuacct.usage", "cpuacct.stat", "cpu.cfs_quota_us", "memory.usage_in_bytes",
				"pids.current" };
	const char *ufiles[] = { "cpu.stat" };

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_non_null(mkdtemp(udir));
	put_file(dir, "cpuacct.usage", "999000000\n");
	put_file(dir, "cpuacct.stat", "user 99\nsystem 99\n");
	put_file(dir, "cpu.cfs_quota_us", "-1\n");
	put_file(dir, "memory.usage_in_bytes", "4096\n");
	put_file(dir, "pids.current", "1\n");
	put_file(udir, "cpu.stat", "usage_usec 7000\nuser_usec 4000\nsystem_usec 3000\n");
	memset(&cg, 0, sizeof(cg));
	cg.path[CG_CPU] = cg.path[CG_CPUACCT] = cg.path[CG_MEMORY] = cg.path[CG_PIDS] = dir;
	cg.unified_path = udir;
	cg_stats_open(&src, &cg, false);
	cg_stats_read(&src, &st);
	assert_int_equal(st.cpu_usage_usec, 7000);
	assert_int_equal(st.cpu_user_usec, 4000);
	assert_int_equal(st.cpu_system_usec, 3000);
	assert_true(st.cpu_quota_usec == CG_STATS_MAX);
	/* Files it has not got read as absent: no limit, no throttling. */
	assert_true(st.memory_max == CG_STATS_MAX);
	assert_true(st.pids_max == CG_STATS_MAX);
	assert_int_equal(st.cpu_nr_periods, 0);
	assert_int_equal(st.pids_current, 1);
	/* Idle: memory.current is read, pids.current is not. */
	put_file(dir, "memory.usage_in_bytes", "8192\n");
	put_file(dir, "pids.current", "4\n");
	cg_stats_read(&src, &st);
	assert_int_equal(st.cpu_usage_usec, 7000);
	assert_int_equal(st.memory_current, 8192);
	assert_int_equal(st.pids_current, 1);
	/* It ran: all of it again. */
	put_file(udir, "cpu.stat", "usage_usec 7100\nuser_usec 4050\nsystem_usec 3050\n");
	cg_stats_read(&src, &st);
	assert_int_equal(st.cpu_usage_usec, 7100);
	assert_int_equal(st.cpu_system_usec, 3050);
	assert_int_equal(st.pids_current, 4);
	assert_int_equal(st.memory_current, 8192);
	cg_stats_close(&src);
	remove_dir(dir, files, sizeof(files) / sizeof(files[0]));
	remove_dir(udir, ufiles, sizeof(ufiles) / sizeof(ufiles[0]));
}

/* The directory read first to bring the containers' cpu.stat up to date. */
static void test_flush_dir(void **state)
{
	char *d;
	(void)state;

	d = cg_stats_flush_dir("/sys/fs/cgroup/unified/cgrun/abc");
	assert_string_equal(d, "/sys/fs/cgroup/unified/cgrun");
	free(d);
	d = cg_stats_flush_dir("/sys/fs/cgroup/system.slice/cgrund.service/ctr-1");
	assert_string_equal(d, "/sys/fs/cgroup/system.slice/cgrund.service");
	free(d);
	assert_null(cg_stats_flush_dir(NULL));   /* v1-only: cpuacct */
	assert_null(cg_stats_flush_dir("abc"));
	assert_null(cg_stats_flush_dir("/abc"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_number),
		cmocka_unit_test(test_v1),
		cmocka_unit_test(test_v2),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_prom),
		cmocka_unit_test(test_limit_cache),
		cmocka_unit_test(test_file_due),
		cmocka_unit_test(test_v1_kept_files),
		cmocka_unit_test(test_idle_skips),
		cmocka_unit_test(test_hybrid_reads),
		cmocka_unit_test(test_flush_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
