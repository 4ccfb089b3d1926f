/* stats.c - `cgrun stats [--no-stream] [--format table|json] [NAME...]`.
 * Reads the stats files cgrund writes; it never talks to cgrund, so
 * watching costs the daemon nothing. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "cli-util.h"
#include "ctx.h"
#include "stats.h"
#include "store.h"

struct row {
	char id[65];
	char name[129];
	double ts;
	uint64_t usage, mem, mem_max, pids, throttled, quota, period;
};

static bool read_row(const char *dir, const char *id, struct row *r)
{
	cleanup_free char *path = xasprintf("%s/%s/stats", dir, id);
	cleanup_free char *text = NULL;
	cg_err_t ignore = { 0 };
	const char *p;

	if (read_file(path, &text, 65536, &ignore) < 0)
		return false;
	memset(r, 0, sizeof(*r));
	snprintf(r->id, sizeof(r->id), "%s", id);
	p = strstr(text, "timestamp ");
	r->ts = p ? strtod(p + 10, NULL) : 0;
	r->usage = cg_stats_value(text, "cpu.usage_usec");
	r->mem = cg_stats_value(text, "memory.current");
	p = strstr(text, "\nmemory.max ");
	r->mem_max = p ? cg_stats_number(p + 12) : CG_STATS_MAX;
	r->pids = cg_stats_value(text, "pids.current");
	r->throttled = cg_stats_value(text, "cpu.nr_throttled");
	p = strstr(text, "\ncpu.quota_usec ");
	r->quota = p ? cg_stats_number(p + 16) : CG_STATS_MAX;
	r->period = cg_stats_value(text, "cpu.period_usec");
	p = strstr(text, "\nname ");
	if (p)
		sscanf(p + 6, "%128s", r->name);
	return true;
}

static bool wanted(const struct row *r, char **names, int n)
{
	if (n == 0)
		return true;
	for (int i = 0; i < n; i++)
		if (!strcmp(names[i], r->name) || !strncmp(r->id, names[i], strlen(names[i])))
			return true;
	return false;
}

static size_t collect(struct row **out, char **names, int n)
{
	cleanup_free char *dir = xasprintf("%s/containers", cli_ctx()->run_dir);
	cleanup_closedir DIR *d = opendir(dir);
	struct dirent *de;
	struct row *v = NULL;
	size_t cnt = 0;

	*out = NULL;
	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		struct row r;

		if (strlen(de->d_name) != 64 || !read_row(dir, de->d_name, &r) || !wanted(&r, names, n))
			continue;
		v = realloc(v, (cnt + 1) * sizeof(*v));
		if (v == NULL)
			abort();
		v[cnt++] = r;
	}
	*out = v;
	return cnt;
}

static const struct row *find(const struct row *v, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].id, id))
			return &v[i];
	return NULL;
}

/* Any container whose file has not been rewritten since the last sample? */
static bool stale(const struct row *cur, size_t nc, const struct row *prev, size_t np)
{
	for (size_t i = 0; i < nc; i++) {
		const struct row *p = find(prev, np, cur[i].id);

		if (p && p->ts == cur[i].ts)
			return true;
	}
	return false;
}

static void human(uint64_t b, char *buf, size_t n)
{
	static const char *const u[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)b;
	int i = 0;

	if (b == CG_STATS_MAX) {
		snprintf(buf, n, "unlimited");
		return;
	}
	while (v >= 1024 && i < 4) {
		v /= 1024;
		i++;
	}
	snprintf(buf, n, i ? "%.1f%s" : "%.0f%s", v, u[i]);
}

static double cpu_pct(const struct row *now, const struct row *before)
{
	if (before == NULL || now->ts <= before->ts || now->usage < before->usage)
		return 0;
	return (double)(now->usage - before->usage) / ((now->ts - before->ts) * 1e6) * 100.0;
}

static void print(const struct row *v, size_t n, const struct row *prev, size_t np, bool json)
{
	if (json) {
		struct json_object *arr = json_object_new_array();

		for (size_t i = 0; i < n; i++) {
			struct json_object *o = json_object_new_object();

			json_object_object_add(o, "id", json_object_new_string(v[i].id));
			json_object_object_add(o, "name", json_object_new_string(v[i].name));
			json_object_object_add(o, "cpu_percent", json_object_new_double(cpu_pct(&v[i], find(prev, np, v[i].id))));
			json_object_object_add(o, "memory_usage_bytes", json_object_new_uint64(v[i].mem));
			if (v[i].mem_max != CG_STATS_MAX)
				json_object_object_add(o, "memory_limit_bytes", json_object_new_uint64(v[i].mem_max));
			json_object_object_add(o, "pids", json_object_new_uint64(v[i].pids));
			json_object_object_add(o, "throttled_periods", json_object_new_uint64(v[i].throttled));
			json_object_array_add(arr, o);
		}
		puts(json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PRETTY));
		json_object_put(arr);
		return;
	}
	printf("%-12s  %-16s  %7s  %-21s  %6s  %6s  %s\n", "CONTAINER ID", "NAME", "CPU %", "MEM USAGE / LIMIT",
	       "MEM %", "PIDS", "THROTTLED");
	for (size_t i = 0; i < n; i++) {
		char use[32], lim[32], mem[80], pct[16];

		human(v[i].mem, use, sizeof(use));
		human(v[i].mem_max, lim, sizeof(lim));
		snprintf(mem, sizeof(mem), "%s / %s", use, lim);
		if (v[i].mem_max != CG_STATS_MAX && v[i].mem_max)
			snprintf(pct, sizeof(pct), "%.2f%%", (double)v[i].mem / (double)v[i].mem_max * 100);
		else
			snprintf(pct, sizeof(pct), "-");
		printf("%-12.12s  %-16.16s  %6.2f%%  %-21s  %6s  %6llu  %llu\n", v[i].id, v[i].name[0] ? v[i].name : "-",
		       cpu_pct(&v[i], find(prev, np, v[i].id)), mem, pct, (unsigned long long)v[i].pids,
		       (unsigned long long)v[i].throttled);
	}
}

int cmd_stats(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "no-stream", no_argument, NULL, 'n' }, { "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	bool stream = true, json = false;
	struct row *prev = NULL, *cur = NULL;
	size_t np = 0, nc;
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'n': stream = false; break;
		case 'f':
			if (!strcmp(optarg, "json"))
				json = true;
			else if (strcmp(optarg, "table") != 0) {
				die_msg("unknown --format '%s': use table or json", optarg);
				return EXIT_CGRUN;
			}
			break;
		case 'h':
			puts("Usage: cgrun stats [--no-stream] [--format=table|json] [NAME|ID...]\n"
			     "\n"
			     "Show running containers' CPU, memory, pids and throttling, refreshed each\n"
			     "second, from the files cgrund writes (" CGRUN_RUN_DIR "/containers/ID/stats).\n"
			     "\n"
			     "      --no-stream      print once (after one second, to measure CPU use)\n"
			     "      --format=FORMAT  table (the default) or json\n"
			     "      --help           show this help\n"
			     "\n"
			     "Exit status: 0; 125 on a bad option.");
			return 0;
		default:
			return usage_error("stats", c, argv[optind - 1]);
		}
	}
	/* CPU % needs two samples of each file: take one, then take another
	 * once the files have been refreshed (up to 1 s, then each 100 ms
	 * until the timestamps move, for at most 5 s more). */
	np = collect(&prev, argv + optind, argc - optind);
	for (;;) {
		struct timespec one = { 1, 0 }, tenth = { 0, 100 * 1000 * 1000 };

		nanosleep(&one, NULL);
		nc = collect(&cur, argv + optind, argc - optind);
		for (int tries = 0; tries < 50 && stale(cur, nc, prev, np); tries++) {
			nanosleep(&tenth, NULL);
			free(cur);
			nc = collect(&cur, argv + optind, argc - optind);
		}
		if (stream && !json)
			printf("\033[2J\033[H");
		print(cur, nc, prev, np, json);
		fflush(stdout);
		free(prev);
		prev = cur;
		np = nc;
		if (!stream)
			break;
	}
	free(prev);
	return 0;
}
