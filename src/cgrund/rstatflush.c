/* rstatflush.c - before each stats refresh, one read of cpu.stat in every
 * cgroup2 directory that holds two or more running containers, so that
 * their own cpu.stat reads find the kernel's per-CPU sums already done
 * (stats.h, cg_stats_flush_dir, says why). One entry per directory,
 * counted by the containers in it, its cpu.stat kept open. */
#include "config.h"

#include "cgrund.h"
#include "ctr-stats.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct flushdir {
	char *dir;
	int fd;           /* its cpu.stat, -1 if it could not be opened */
	unsigned users;   /* containers whose stats are open in it */
	struct flushdir *next;
};

void flush_join(struct daemon *d, struct ctr *t)
{
	cleanup_free char *dir = NULL;
	struct flushdir *f;

	t->st->flush = NULL;
	/* The naive baseline of tests/bench/daemon-scale reads each file on
	 * its own. */
	if (t->st->src.naive || (dir = cg_stats_flush_dir(t->c.cg.unified_path)) == NULL)
		return;
	for (f = d->flushdirs; f; f = f->next)
		if (!strcmp(f->dir, dir))
			break;
	if (f == NULL) {
		cleanup_free char *file = xasprintf("%s/cpu.stat", dir);

		f = xcalloc(1, sizeof(*f));
		f->fd = open(file, O_RDONLY | O_CLOEXEC);
		/* Only slower without it: the containers' reads still work. */
		if (f->fd < 0)
			log_msg(6, "stats: open %s: %s", file, strerror(errno));
		f->dir = dir;
		dir = NULL;
		f->next = d->flushdirs;
		d->flushdirs = f;
	}
	f->users++;
	t->st->flush = f;
}

void flush_leave(struct daemon *d, struct ctr *t)
{
	struct flushdir *f = t->st->flush, **pp;

	t->st->flush = NULL;
	if (f == NULL || --f->users > 0)
		return;
	for (pp = &d->flushdirs; *pp && *pp != f; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = f->next;
	if (f->fd >= 0)
		close(f->fd);
	free(f->dir);
	free(f);
}

void flush_all(struct daemon *d)
{
	char buf[1024];

	/* A container alone in its directory gains nothing. */
	for (struct flushdir *f = d->flushdirs; f; f = f->next)
		if (f->users > 1 && f->fd >= 0 && pread(f->fd, buf, sizeof(buf), 0) < 0)
			log_msg(6, "stats: read %s/cpu.stat: %s", f->dir, strerror(errno));
}
