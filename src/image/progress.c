/* progress.c - drawing a pull's progress (progress.h); the text itself is
 * progress-fmt.c's. */
#include "config.h"

#include "progress.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "progress-fmt.h"

#define REDRAW_NS 100000000L     /* 10 redraws a second at most */

enum slot_state { SLOT_ACTIVE, SLOT_FINAL, SLOT_SHOWN };

struct slot {
	char id[24];
	const char *final;          /* SLOT_FINAL: "Pull complete", ... */
	enum slot_state state;
	int64_t done, total;
	double start;
};

struct cg_progress {
	FILE *out;
	bool tty, quiet, stop, thread;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct slot *slots;
	size_t nslots, cap;
	int drawn;                  /* in-flight lines on the screen below the final ones */
};

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int term_width(FILE *out)
{
	struct winsize ws;

	if (ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 80;
}

/* Under mu: back to the first in-flight line, then the lines that became
 * final (once each, for good), then every layer in flight, then clear what
 * is left of the old drawing. */
static void draw(struct cg_progress *p)
{
	int width = term_width(p->out), lines = 0;
	double t = now_s();
	char line[512];

	if (p->drawn > 0)
		fprintf(p->out, "\r\033[%dA", p->drawn);
	for (size_t i = 0; i < p->nslots; i++) {
		struct slot *s = &p->slots[i];

		if (s->state != SLOT_FINAL)
			continue;
		cg_fmt_tty_line(line, sizeof(line), width, s->id, s->final, 0, 0, 0);
		fprintf(p->out, "%s\033[K\n", line);
		s->state = SLOT_SHOWN;
	}
	for (size_t i = 0; i < p->nslots; i++) {
		struct slot *s = &p->slots[i];

		if (s->state != SLOT_ACTIVE)
			continue;
		cg_fmt_tty_line(line, sizeof(line), width, s->id, NULL, s->done, s->total, t - s->start);
		fprintf(p->out, "%s\033[K\n", line);
		lines++;
	}
	fputs("\033[J", p->out);
	fflush(p->out);
	p->drawn = lines;
}

static void *draw_thread(void *arg)
{
	struct cg_progress *p = arg;
	struct timespec next;

	pthread_mutex_lock(&p->mu);
	while (!p->stop) {
		draw(p);
		clock_gettime(CLOCK_MONOTONIC, &next);
		next.tv_nsec += REDRAW_NS;
		if (next.tv_nsec >= 1000000000L) {
			next.tv_sec++;
			next.tv_nsec -= 1000000000L;
		}
		while (!p->stop && pthread_cond_timedwait(&p->cv, &p->mu, &next) != ETIMEDOUT)
			;
	}
	draw(p);
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

struct cg_progress *cg_progress_new(FILE *out, bool quiet, size_t nlayers, cg_err_t *err)
{
	struct cg_progress *p = xcalloc(1, sizeof(*p));
	pthread_condattr_t ca;
	int e;

	p->out = out;
	p->quiet = quiet;
	p->tty = !quiet && isatty(fileno(out));
	p->cap = nlayers ? nlayers : 1;
	p->slots = xcalloc(p->cap, sizeof(*p->slots));
	pthread_mutex_init(&p->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->cv, &ca);
	pthread_condattr_destroy(&ca);
	if (p->tty) {
		if ((e = pthread_create(&p->th, NULL, draw_thread, p)) != 0) {
			cg_error(err, e, "starting the progress display");
			cg_progress_free(p);
			return NULL;
		}
		p->thread = true;
	}
	return p;
}

/* Under mu: a new slot (the array never grows past what was announced,
 * but a surplus is kept rather than refused). */
static int new_slot(struct cg_progress *p, const char *id)
{
	struct slot *s;

	if (p->nslots == p->cap) {
		p->cap *= 2;
		p->slots = realloc(p->slots, p->cap * sizeof(*p->slots));
		if (p->slots == NULL)
			abort();
	}
	s = &p->slots[p->nslots];
	memset(s, 0, sizeof(*s));
	snprintf(s->id, sizeof(s->id), "%s", id);
	s->start = now_s();
	return (int)p->nslots++;
}

int cg_progress_start(struct cg_progress *p, const char *id, int64_t total)
{
	int i;

	if (p->quiet)
		return -1;
	pthread_mutex_lock(&p->mu);
	i = new_slot(p, id);
	p->slots[i].total = total;
	pthread_mutex_unlock(&p->mu);
	return i;
}

void cg_progress_add(struct cg_progress *p, int slot, int64_t bytes)
{
	if (slot < 0)
		return;
	pthread_mutex_lock(&p->mu);
	p->slots[slot].done += bytes;
	pthread_mutex_unlock(&p->mu);
}

void cg_progress_done(struct cg_progress *p, int slot, bool ok)
{
	char line[512];

	if (slot < 0)
		return;
	pthread_mutex_lock(&p->mu);
	struct slot *s = &p->slots[slot];

	if (p->tty) {
		s->final = ok ? "Pull complete" : "Failed";
		s->state = SLOT_FINAL;
	} else {
		s->state = SLOT_SHOWN;
		if (ok) {
			cg_fmt_plain_line(line, sizeof(line), s->id, s->done, s->total, now_s() - s->start);
			fprintf(p->out, "%s\n", line);
			fflush(p->out);
		}
	}
	pthread_mutex_unlock(&p->mu);
}

void cg_progress_exists(struct cg_progress *p, const char *id)
{
	if (p->quiet)
		return;
	pthread_mutex_lock(&p->mu);
	if (p->tty) {
		struct slot *s = &p->slots[new_slot(p, id)];

		s->final = "Already exists";
		s->state = SLOT_FINAL;
	} else {
		fprintf(p->out, "%s: already exists\n", id);
		fflush(p->out);
	}
	pthread_mutex_unlock(&p->mu);
}

void cg_progress_free(struct cg_progress *p)
{
	if (p == NULL)
		return;
	if (p->thread) {
		pthread_mutex_lock(&p->mu);
		p->stop = true;
		pthread_cond_signal(&p->cv);
		pthread_mutex_unlock(&p->mu);
		pthread_join(p->th, NULL);
	}
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	free(p->slots);
	free(p);
}
