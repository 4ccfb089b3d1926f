/* freeze-wait.c - wait for cgroup.events' frozen state (freeze-wait.h). */
#include "config.h"

#include "freeze-wait.h"

#include <errno.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include "spawn.h"  /* cg_events_frozen */

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int cg_wait_frozen(const char *events, bool frozen, int timeout_ms, cg_err_t *err)
{
	int64_t end = mono_ms() + timeout_ms;
	char buf[256];

	for (;;) {
		/* Read afresh each time: cgroupfs files give their content
		 * as of the open (and a read at offset 0). */
		int fd = open(events, O_RDONLY | O_CLOEXEC);
		ssize_t n;

		if (fd < 0)
			return cg_error(err, errno, "reading %s", events);
		n = pread(fd, buf, sizeof(buf) - 1, 0);
		close(fd);
		if (n < 0)
			return cg_error(err, errno, "reading %s", events);
		buf[n] = '\0';
		if (cg_events_frozen(buf) == frozen)
			return 0;
		if (mono_ms() >= end)
			return cg_error(err, ETIMEDOUT, "the container is not %s after %d s: %s still says frozen %d",
					frozen ? "frozen" : "thawed", timeout_ms / 1000, events, !frozen);
		nanosleep(&(struct timespec){ .tv_nsec = 2 * 1000 * 1000 }, NULL);
	}
}
