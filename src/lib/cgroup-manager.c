/* cgroup-manager.c - what cgroup.c and the managers behind it share:
 * path helpers, the systemd bus of a manager, and the wait of an in-process
 * caller for an operation that ends on that bus. Depends on no manager, so
 * cgroup.c (the dispatch) and each manager stand above it. */
#include "config.h"

#include "cgroup-manager.h"

#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sdbus.h"

struct cg_sdbus *cg_manager_bus(struct cg_manager *m, cg_err_t *err)
{
	if (!m->ops->uses_bus)
		return NULL;
	if (m->bus == NULL && cg_sdbus_open(&m->bus, err) < 0)
		return NULL;
	return m->bus;
}

struct cg_sdbus *cg_manager_bus_if_open(struct cg_manager *m)
{
	return m->bus;
}

char *cg_rel_trim(char *s)
{
	/* libcgroup wants "a/b", not "/a/b". */
	while (s[0] == '/')
		memmove(s, s + 1, strlen(s));
	return s;
}

/* rmdir can fail with EBUSY for a moment while the kernel finishes taking
 * the last task out: retry for up to 500 ms. */
int cg_rmdir_retry(const char *path)
{
	for (int i = 0; i < 100; i++) {
		if (rmdir(path) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			return -errno;
		nanosleep(&(struct timespec){ .tv_nsec = 5 * 1000 * 1000 }, NULL);
	}
	return -EBUSY;
}

void cg_sync_done(void *ud, const cg_err_t *err)
{
	struct cg_sync_wait *w = ud;

	w->done = true;
	if (err)
		w->err = *err;
}

int cg_finish_sync(struct cg_manager *m, int r, struct cg_sync_wait *w, cg_err_t *err)
{
	if (r <= 0)
		return r;
	/* A bit more than the bus's own job timeout, which fails the job. */
	if (cg_sdbus_run_until(m->bus, &w->done, CG_SDBUS_JOB_TIMEOUT_MS + 2000, err) < 0) {
		cg_sdbus_forget(m->bus, w);
		return -1;
	}
	if (w->err.msg[0] || w->err.code) {
		*err = w->err;
		return -1;
	}
	return 0;
}
