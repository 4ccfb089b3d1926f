/* exchfile.h - a small file that is rewritten whole again and again (a
 * container's stats file) with no new inode per write, and no reader ever
 * seeing it torn.
 *
 * When nobody else has the file open, it is rewritten where it is, under a
 * write lease (F_SETLEASE F_WRLCK): the kernel grants one only while no
 * other open file refers to the inode, and anyone who opens it while the
 * lease is held waits in open() until it is released, after the write. So
 * a reader gets the old content or the new one, whole; and the common case
 * costs a pwrite and two fcntl calls, no rename and no new inode.
 *
 * When somebody has it open (a reader between open and close), the file
 * NAME has a twin, .NAME.spare, in the same directory: the spare is filled
 * and the two names are traded in one step (renameat2 RENAME_EXCHANGE),
 * so the reader keeps the old content whole. The spare is itself written
 * only under a write lease (it was NAME before, and a reader may hold it);
 * otherwise it is replaced by a fresh inode and that reader keeps the old
 * content, as it would after a plain rename.
 *
 * Why: creating an inode and renaming it over the old one (which the
 * kernel then frees) was most of the cost of the stats refresh (issue 5
 * part 5), and the exchange still half of what was left.
 *
 * A lease held by a process is broken with SIGIO when another opens the
 * inode: the caller must ignore SIGIO (cgrund does). A writer stopped
 * while it holds the lease keeps readers waiting in open() for at most
 * /proc/sys/fs/lease-break-time seconds. */
#ifndef CGRUN_EXCHFILE_H
#define CGRUN_EXCHFILE_H

#include <stddef.h>
#include <sys/types.h>

#include "util.h"

struct cg_exchfile {
	int fd[2];     /* [0]: the inode named NAME, [1]: the spare's; -1: none */
	off_t size[2]; /* their sizes: a write that does not shrink needs no ftruncate */
	unsigned writes;
};

/* A NAME removed by someone else is written anew within this many writes. */
#define CG_EXCHFILE_CHECK_EVERY 8

void cg_exchfile_init(struct cg_exchfile *f);
/* Makes NAME in dirfd hold exactly buf[0..len). */
int cg_exchfile_write(struct cg_exchfile *f, int dirfd, const char *name, const char *buf, size_t len,
		      mode_t mode, cg_err_t *err);
/* Closes the fds and removes the spare; NAME stays. */
void cg_exchfile_close(struct cg_exchfile *f, int dirfd, const char *name);

#endif
