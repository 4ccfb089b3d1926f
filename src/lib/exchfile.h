/* exchfile.h - a small file that is rewritten whole again and again (a
 * container's stats file) with no new inode per write, and no reader ever
 * seeing it torn.
 *
 * The file NAME has a twin, .NAME.spare, in the same directory. A write
 * fills the spare and then trades the two names in one step
 * (renameat2 RENAME_EXCHANGE): whoever opens NAME gets the old or the new
 * content, whole. The inode that held the old content becomes the spare and
 * takes the next write, unless somebody still has it open: the spare is
 * written only under a write lease (F_SETLEASE), which the kernel grants
 * only while nobody else has the inode open; otherwise the spare is
 * replaced by a fresh inode and that reader keeps the old content, as it
 * would after a plain rename. Why: creating an inode and renaming it over
 * the old one (which the kernel then frees) was most of the cost of the
 * stats refresh (issue 5 part 5).
 *
 * A lease held by a process is broken with SIGIO when another opens the
 * inode: the caller must ignore SIGIO (cgrund does). */
#ifndef CGRUN_EXCHFILE_H
#define CGRUN_EXCHFILE_H

#include <stddef.h>
#include <sys/types.h>

#include "util.h"

struct cg_exchfile {
	int fd[2];     /* [0]: the inode named NAME, [1]: the spare's; -1: none */
	off_t size[2]; /* their sizes: a write that does not shrink needs no ftruncate */
};

void cg_exchfile_init(struct cg_exchfile *f);
/* Makes NAME in dirfd hold exactly buf[0..len). */
int cg_exchfile_write(struct cg_exchfile *f, int dirfd, const char *name, const char *buf, size_t len,
		      mode_t mode, cg_err_t *err);
/* Closes the fds and removes the spare; NAME stays. */
void cg_exchfile_close(struct cg_exchfile *f, int dirfd, const char *name);

#endif
