/* pty.h - the terminal of an interactive container and the client's side
 * of it: raw mode, window size, copying between the two. */
#ifndef CGRUN_PTY_H
#define CGRUN_PTY_H

#include <stdbool.h>
#include <termios.h>

#include "util.h"

struct cg_pty {
	int master;
	int slave;
	char slave_path[64];
	bool raw;                 /* our stdin was switched to raw mode */
	struct termios saved;
};

/* Open a pty pair sized like fd `like` (if it is a terminal). */
int cg_pty_open(struct cg_pty *p, int like, cg_err_t *err);
void cg_pty_close_slave(struct cg_pty *p);
/* Put stdin in raw mode, remembering how to restore it. */
int cg_pty_raw(struct cg_pty *p, int fd, cg_err_t *err);
void cg_pty_restore(struct cg_pty *p, int fd);
void cg_pty_resize(struct cg_pty *p, int like);
void cg_pty_free(struct cg_pty *p);

#endif
