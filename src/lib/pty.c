/* pty.c - pseudo-terminals for interactive containers. */
#include "config.h"

#include "pty.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

void cg_pty_adopt(struct cg_pty *p, int master, int like)
{
	memset(p, 0, sizeof(*p));
	p->master = master;
	cg_pty_resize(p, like);
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

void cg_pty_free(struct cg_pty *p)
{
	if (p->master >= 0)
		close(p->master);
	p->master = -1;
}
