/* bus.c - the systemd manager's D-Bus connection as one of the loop's
 * event sources: registered in epoll when sd-bus (re)opens it, its events
 * kept to what sd-bus wants, dispatched when it is readable or has work
 * queued. It serves every container in a systemd scope, whatever manager
 * new ones get. */
#include "config.h"

#include "cgrund.h"

#include <sys/epoll.h>

#include "sdbus.h"

/* The systemd manager's connection is closing (broken, say): out of the
 * epoll set while its fd is still open, so that a later fd of the same
 * number (a client's) is never taken for it. */
static void bus_closing(void *ud, int fd)
{
	struct daemon *d = ud;

	if (fd >= 0 && fd == d->bus_fd) {
		epoll_ctl(d->epfd, EPOLL_CTL_DEL, fd, NULL);
		d->bus_fd = -1;
	}
}

/* Watched for what sd-bus wants (reading, or writing while its queue is
 * full), registered when it is (re)opened, and dispatched when sd-bus has
 * work queued already (a timeout of 0). */
void bus_sync(struct daemon *d)
{
	struct cg_sdbus *b = d->sd ? cg_manager_bus_if_open(d->sd) : NULL;
	int fd;
	uint32_t ev;

	if (b == NULL)
		return;
	cg_sdbus_on_close(b, bus_closing, d);
	for (int i = 0; i < 8 && cg_sdbus_timeout_ms(b) == 0; i++)
		cg_sdbus_dispatch(b);
	fd = cg_sdbus_fd(b);
	ev = cg_sdbus_events(b) | EPOLLIN;
	if (fd < 0)
		return;
	if (fd != d->bus_fd) {
		struct epoll_event e = { .events = ev, .data.ptr = &d->bus };

		/* bus_closing took the old one out before it was closed. */
		if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &e) == 0) {
			d->bus_fd = fd;
			d->bus_events = ev;
		}
	} else if (ev != d->bus_events) {
		struct epoll_event e = { .events = ev, .data.ptr = &d->bus };

		if (epoll_ctl(d->epfd, EPOLL_CTL_MOD, fd, &e) == 0)
			d->bus_events = ev;
	}
}

void bus_dispatch(struct daemon *d)
{
	struct cg_sdbus *b = d->sd ? cg_manager_bus_if_open(d->sd) : NULL;

	if (b)
		cg_sdbus_dispatch(b);
}
