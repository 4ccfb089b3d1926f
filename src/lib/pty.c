/* pty.c - pseudo-terminals for interactive containers. */
#include "config.h"

#include "pty.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

int cg_pty_open(struct cg_pty *p, int like, cg_err_t *err)
{
	memset(p, 0, sizeof(*p));
	p->slave = -1;
	p->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (p->master < 0)
		return cg_error(err, errno, "opening a pseudo-terminal");
	if (grantpt(p->master) < 0 || unlockpt(p->master) < 0 ||
	    ptsname_r(p->master, p->slave_path, sizeof(p->slave_path)) != 0) {
		int e = errno;

		close(p->master);
		p->master = -1;
		return cg_error(err, e, "setting up the pseudo-terminal");
	}
	p->slave = open(p->slave_path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (p->slave < 0) {
		int e = errno;

		close(p->master);
		p->master = -1;
		return cg_error(err, e, "open %s", p->slave_path);
	}
	cg_pty_resize(p, like);
	return 0;
}

void cg_pty_resize(struct cg_pty *p, int like)
{
	struct winsize ws;

	if (like >= 0 && ioctl(like, TIOCGWINSZ, &ws) == 0)
		ioctl(p->master, TIOCSWINSZ, &ws);
}

int cg_pty_raw(struct cg_pty *p, int fd, cg_err_t *err)
{
	struct termios t;

	if (tcgetattr(fd, &p->saved) < 0)
		return cg_error(err, errno, "reading terminal settings");
	t = p->saved;
	cfmakeraw(&t);
	/* Keep output post-processing off but let the remote side do it. */
	if (tcsetattr(fd, TCSANOW, &t) < 0)
		return cg_error(err, errno, "setting the terminal to raw mode");
	p->raw = true;
	return 0;
}

void cg_pty_restore(struct cg_pty *p, int fd)
{
	if (p->raw)
		tcsetattr(fd, TCSANOW, &p->saved);
	p->raw = false;
}

void cg_pty_close_slave(struct cg_pty *p)
{
	if (p->slave >= 0)
		close(p->slave);
	p->slave = -1;
}

void cg_pty_free(struct cg_pty *p)
{
	cg_pty_close_slave(p);
	if (p->master >= 0)
		close(p->master);
	p->master = -1;
}
