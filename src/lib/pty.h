/* pty.h - the terminal of an interactive container and the client's side
 * of it: raw mode, window size, copying between the two. */
#ifndef CGRUN_PTY_H
#define CGRUN_PTY_H

#include <stdbool.h>
#include <termios.h>

#include "util.h"

struct cg_pty {
	int master;
	bool raw;                 /* our stdin was switched to raw mode */
	struct termios saved;
};

/* Take over a master made in the container; size it like fd `like`. */
void cg_pty_adopt(struct cg_pty *p, int master, int like);
/* Put stdin in raw mode, remembering how to restore it. */
int cg_pty_raw(struct cg_pty *p, int fd, cg_err_t *err);
void cg_pty_restore(struct cg_pty *p, int fd);
void cg_pty_resize(struct cg_pty *p, int like);
void cg_pty_free(struct cg_pty *p);

#endif
