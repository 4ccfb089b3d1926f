/* leases.c - cgrund keeps the write lease on each stats file and on
 * metrics.prom between refreshes (exchfile.h, "Kept leases"), and gives
 * it back when a reader opens the file: the kernel holds the reader in
 * open() and tells cgrund through a signal (SIGRTMIN, with the fd), taken
 * here from a signalfd of its own. */
#include "config.h"

#include "cgrund.h"
#include "ctr-stats.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

/* Leases are kept only while the kernel lets a reader wait this long for
 * the release (fs.lease-break-time, 45 s by default): far more than a
 * refresh takes, so none can lapse between the drain at the start of a
 * refresh and the writes of that refresh. */
#define LEASE_KEEP_MIN_BREAK_S 5

int leases_init(struct daemon *d, cg_err_t *err)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN);
	/* The kernel's fallback when it cannot queue SIGRTMIN. */
	sigaddset(&set, SIGIO);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return cg_error(err, errno, "sigprocmask");
	d->lease_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (d->lease_fd < 0)
		return cg_error(err, errno, "signalfd");
	d->lease_src.kind = SRC_LEASE;
	d->break_time_fd = open("/proc/sys/fs/lease-break-time", O_RDONLY | O_CLOEXEC);
	return 0;
}

static void release(struct cg_exchfile *f, const char *what, bool all)
{
	int r = all ? cg_exchfile_release_if_broken(f) : cg_exchfile_release(f);

	if (r < 0)
		log_msg(4, "giving back the lease on %s: %s (its reader waits for fs.lease-break-time)",
			what, strerror(-r));
}

void leases_note(struct daemon *d, struct ctr *t)
{
	for (int i = 0; i < 2; i++) {
		int fd = t->st->file.fd[i];

		if (fd < 0)
			continue;
		if ((size_t)fd >= d->lease_owner_len) {
			size_t n = (size_t)fd * 2 + 64;
			struct ctr **p = realloc(d->lease_owner, n * sizeof(*p));

			if (p == NULL)
				return;  /* a break then walks the list */
			memset(p + d->lease_owner_len, 0, (n - d->lease_owner_len) * sizeof(*p));
			d->lease_owner = p;
			d->lease_owner_len = n;
		}
		d->lease_owner[fd] = t;
	}
}

void leases_forget(struct daemon *d, struct ctr *t)
{
	/* Every slot: an fd t had earlier may still name it. */
	for (size_t i = 0; i < d->lease_owner_len; i++)
		if (d->lease_owner[i] == t)
			d->lease_owner[i] = NULL;
}

void leases_shutdown(struct daemon *d)
{
	free(d->lease_owner);
	d->lease_owner = NULL;
	d->lease_owner_len = 0;
}

static void release_fd(struct daemon *d, int fd, bool all)
{
	/* The container noted for fd, if the fd is still its: a reader of
	 * every file (cgrun stats) breaks N leases a refresh, and a walk for
	 * each made that O(N^2). */
	if (!all && fd >= 0 && (size_t)fd < d->lease_owner_len && d->lease_owner[fd] &&
	    cg_exchfile_has_fd(&d->lease_owner[fd]->st->file, fd)) {
		release(&d->lease_owner[fd]->st->file, d->lease_owner[fd]->c.id, false);
		return;
	}
	for (struct ctr *t = d->ctrs; t; t = t->next)
		if (t->st && (all || cg_exchfile_has_fd(&t->st->file, fd))) {
			release(&t->st->file, t->c.id, all);
			if (!all)
				return;
		}
	if (all || cg_exchfile_has_fd(&d->promfile, fd))
		release(&d->promfile, "metrics.prom", all);
}

void leases_drain(struct daemon *d)
{
	struct signalfd_siginfo si;

	if (d->lease_fd < 0)
		return;
	while (read(d->lease_fd, &si, sizeof(si)) == sizeof(si))
		release_fd(d, si.ssi_fd, si.ssi_signo != (uint32_t)SIGRTMIN);
}

int leases_signal(struct daemon *d)
{
	char buf[32];
	ssize_t n;
	long s;

	if (d->lease_fd < 0 || d->break_time_fd < 0)
		return 0;
	n = pread(d->break_time_fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	s = strtol(buf, NULL, 10);
	return s >= LEASE_KEEP_MIN_BREAK_S ? SIGRTMIN : 0;
}
