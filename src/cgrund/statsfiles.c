/* statsfiles.c - every stats_interval: <run>/containers/<id>/stats for
 * each running container and <run>/metrics.prom for all of them, each
 * rewritten whole (exchfile.h: in place under a write lease, else through
 * a spare and an atomic exchange), so readers poll files and never see a
 * torn one, and never talk to cgrund. */
#include "config.h"

#include "cgrund.h"
#include "ctr-stats.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "store.h"

void stats_start(struct daemon *d, struct ctr *t)
{
	if (t->st != NULL)
		return;
	t->st = xcalloc(1, sizeof(*t->st));
	t->st->rundir_fd = -1;
	cg_stats_open(&t->st->src, &t->c.cg, d->stats_naive);
	flush_join(d, t);
	oomwatch_start(d, t);
	cg_exchfile_init(&t->st->file);
	/* Read by content (its timestamp line), so a refresh may skip the
	 * mtime (exchfile.h, mapped writes). */
	cg_exchfile_map_writes(&t->st->file);
	t->st->prom_labels_len = cg_stats_prom_labels(t->c.id, t->spec.name, t->st->prom_labels, sizeof(t->st->prom_labels));
	t->st->rundir_fd = open(t->c.rundir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (t->st->rundir_fd < 0)
		log_msg(4, "stats of %.12s: open %s: %s", t->c.id, t->c.rundir, strerror(errno));
}

void stats_stop(struct daemon *d, struct ctr *t)
{
	if (t->st == NULL)
		return;
	leases_forget(d, t);
	oomwatch_stop(d, t);
	flush_leave(d, t);
	cg_stats_close(&t->st->src);
	cg_exchfile_close(&t->st->file, t->st->rundir_fd, "stats");
	if (t->st->rundir_fd >= 0)
		close(t->st->rundir_fd);
	free(t->st);
	t->st = NULL;
}

void stats_limits_changed(struct ctr *t)
{
	if (t->st)
		cg_stats_limits_changed(&t->st->src);
}

/* Room for n more bytes and a '\0' after len. */
static void reserve(char **buf, size_t len, size_t *cap, size_t n)
{
	if (len + n + 1 > *cap) {
		*cap = (len + n + 1) * 2;
		*buf = realloc(*buf, *cap);
		if (*buf == NULL)
			abort();
	}
}

static void append(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
	reserve(buf, *len, cap, n);
	memcpy(*buf + *len, s, n);
	*len += n;
	(*buf)[*len] = '\0';
}

void stats_tick(struct daemon *d)
{
	size_t n = 0, i = 0, len = 0;
	/* The containers refreshed; their numbers are in stats.last. */
	cleanup_free struct ctr **v = NULL;
	cg_err_t err = { 0 };
	char line[512];
	int keep;

	/* A container's files are opened by the first refresh after its
	 * start (or its re-adoption), and closed when it ends. */
	for (struct ctr *t = d->ctrs; t; t = t->next) {
		if (!(t->st != NULL) && !t->dead &&
		    (t->c.state == CG_STATE_RUNNING || t->c.state == CG_STATE_PAUSED))
			stats_start(d, t);
		n += t->st != NULL && !t->dead;
	}
	v = xcalloc(n, sizeof(*v));
	/* Every lease a reader asked for is given back before any write. */
	leases_drain(d);
	keep = leases_signal(d);
	flush_all(d);
	for (struct ctr *t = d->ctrs; t && i < n; t = t->next) {
		struct cg_stats st;
		char text[1024];
		size_t tl;

		if (t->dead || t->st == NULL)
			continue;
		v[i] = t;
		cg_stats_read(&t->st->src, &st);
		tl = cg_stats_format(&st, text, sizeof(text));
		if (tl && t->spec.name) {
			size_t nl = strlen(t->spec.name);

			if (tl + nl + 7 <= sizeof(text)) {
				memcpy(text + tl, "name ", 5);
				memcpy(text + tl + 5, t->spec.name, nl);
				tl += nl + 5;
				text[tl++] = '\n';
				text[tl] = '\0';
			}
		}
		cg_exchfile_keep_lease(&t->st->file, keep);
		if (tl && t->st->rundir_fd >= 0) {
			/* The naive way (CGRUN_STATS_NAIVE=1, for tests/bench/daemon-scale):
			 * a new inode each tick, renamed over the old one. */
			if ((t->st->src.naive ? write_file_atomic_at(t->st->rundir_fd, "stats", text, tl, 0644, &err)
					    : cg_exchfile_write(&t->st->file, t->st->rundir_fd, "stats", text, tl, 0644, &err)) < 0) {
				log_msg(4, "stats of %.12s: %s", t->c.id, err.msg);
				memset(&err, 0, sizeof(err));
			}
			leases_note(d, t);
		}
		i++;
	}
	/* Prometheus wants each family's samples together, under one header.
	 * Each sample is formatted straight into the buffer (room for the
	 * longest is made first). */
	for (size_t m = 0; m < cg_stats_prom_count(); m++) {
		size_t w = cg_stats_prom_header(m, line, sizeof(line));

		append(&d->prom, &len, &d->prom_cap, line, w);
		for (size_t k = 0; k < i; k++) {
			size_t room = sizeof(v[k]->st->prom_labels) + 128;

			reserve(&d->prom, len, &d->prom_cap, room);
			len += cg_stats_prom_sample(m, &v[k]->st->src.last, v[k]->st->prom_labels, v[k]->st->prom_labels_len,
						    d->prom + len, room);
		}
	}
	if (d->prom == NULL)
		return;
	if (d->rundir_fd < 0)
		d->rundir_fd = open(d->ctx.run_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (d->rundir_fd < 0)
		log_msg(4, "metrics.prom: open %s: %s", d->ctx.run_dir, strerror(errno));
	cg_exchfile_keep_lease(&d->promfile, keep);
	if (d->rundir_fd >= 0 && cg_exchfile_write(&d->promfile, d->rundir_fd, "metrics.prom", d->prom, len, 0644, &err) < 0)
		log_msg(4, "metrics.prom: %s", err.msg);
}

/* metrics.prom stays (it holds the last numbers, as before a restart);
 * its spare goes. */
void stats_shutdown(struct daemon *d)
{
	cg_exchfile_close(&d->promfile, d->rundir_fd, "metrics.prom");
	free(d->prom);
	d->prom = NULL;
	d->prom_cap = 0;
	if (d->rundir_fd >= 0)
		close(d->rundir_fd);
	d->rundir_fd = -1;
}
