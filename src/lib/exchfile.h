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
 * inode: the caller must ignore or block SIGIO (cgrund takes it from a
 * signalfd, see below). A writer stopped
 * while it holds the lease keeps readers waiting in open() for at most
 * /proc/sys/fs/lease-break-time seconds.
 *
 * Kept leases (cg_exchfile_keep_lease): the lease on NAME is not given
 * back after the write but kept until a reader comes. The kernel then
 * signals the writer (F_SETSIG: the caller's signal, with the fd in
 * si_fd) and holds the reader in open() until the writer calls
 * cg_exchfile_release; the next write finds the reader and goes through
 * the spare. A write of a file nobody opened since the last is then one
 * pwrite, without the two fcntl calls (on this project's machines, whose
 * syscalls cost about a microsecond each, a quarter of a refresh). The
 * caller must take the signal (signalfd) and release promptly: a reader
 * waits for it. It must also release every file whose break it was told
 * of before it writes again; a lease broken longer ago than
 * lease-break-time is gone, and writing in place then could be seen half
 * done (cgrund drains the signals at the start of each refresh and keeps
 * leases only while lease-break-time is several seconds). SIGIO instead
 * of the signal means the kernel could not say which file: a lease taken
 * for one write (no F_SETSIG), or a signal it could not queue:
 * cg_exchfile_release_if_broken on every file. A file that readers open
 * often does not keep its lease (CG_EXCHFILE_KEEP_AFTER).
 *
 * Mapped writes (cg_exchfile_map_writes): on a tmpfs, a write under a
 * lease kept since the last write, of the same length as that one, is a
 * memcpy into a shared mapping of NAME's first page, with no system call
 * at all. The lease says nobody opened the inode since the last write;
 * anyone who opens it now waits in open() until the release, as above, so
 * no reader can see the copy half done; and nobody can have cut the file
 * shorter (truncate(2) breaks the lease too), so the copy cannot fault past
 * its end. Only tmpfs: a file system that allocates on a write fault could
 * fail it with SIGBUS. The kernel does not update the file's mtime or send
 * inotify IN_MODIFY for such a write: only for files whose readers go by
 * what is in them (a container's stats file has its timestamp line; a
 * node_exporter textfile's mtime is exported, so metrics.prom is not
 * mapped). Why: the pwrite was a fifth of a stats refresh of an idle
 * container (issue 5 part 5). The mapping is not inherited by children
 * (MADV_DONTFORK): containers are forked from cgrund. */
#ifndef CGRUN_EXCHFILE_H
#define CGRUN_EXCHFILE_H

#include <stddef.h>
#include <sys/types.h>

#include "util.h"

struct cg_exchfile {
	int fd[2];     /* [0]: the inode named NAME, [1]: the spare's; -1: none */
	off_t size[2]; /* their sizes: a write that does not shrink needs no ftruncate */
	unsigned writes;
	int keep_sig;  /* >0: keep the lease on fd[0] between writes, breaks signalled with it */
	bool held;     /* a kept lease on fd[0] is held now */
	unsigned quiet; /* writes since a reader last came, up to CG_EXCHFILE_KEEP_AFTER */
	bool map_writes;  /* cg_exchfile_map_writes */
	signed char on_tmpfs; /* -1: not known yet */
	char *map[2];  /* fd[i]'s first page, mapped shared; NULL: not yet; MAP_FAILED: not mappable */
};

/* The most a mapped write writes (one page). */
#define CG_EXCHFILE_MAP_LEN 4096

/* A lease is kept only once this many writes have passed since a reader
 * last came (broke the kept lease, or had the file open at a write); the
 * writes in between take it for the write only. A file read at every
 * refresh (cgrun stats, a monitoring agent) then costs one break in
 * CG_EXCHFILE_KEEP_AFTER + 1 refreshes: kept, each of its reads would wait
 * in open() for cgrund to wake up and give the lease back. */
#define CG_EXCHFILE_KEEP_AFTER 8

/* A NAME removed by someone else is written anew within this many writes. */
#define CG_EXCHFILE_CHECK_EVERY 8

void cg_exchfile_init(struct cg_exchfile *f);
/* Makes NAME in dirfd hold exactly buf[0..len). */
int cg_exchfile_write(struct cg_exchfile *f, int dirfd, const char *name, const char *buf, size_t len,
		      mode_t mode, cg_err_t *err);
/* sig > 0: keep the write lease between writes (see above), a reader's
 * open signalled with sig; 0: give it back after each write (the default;
 * a lease held now is given back). */
void cg_exchfile_keep_lease(struct cg_exchfile *f, int sig);
/* Let writes under a kept lease go through a shared mapping (see above).
 * For files whose mtime nobody watches. */
void cg_exchfile_map_writes(struct cg_exchfile *f);
/* Whether fd (a lease break's si_fd) is one of f's. */
bool cg_exchfile_has_fd(const struct cg_exchfile *f, int fd);
/* Give back a kept lease: the reader waiting in open() goes on. 0, or
 * -errno of F_UNLCK (the reader then waits until the kernel breaks the
 * lease, fs.lease-break-time). */
int cg_exchfile_release(struct cg_exchfile *f);
/* A plain SIGIO came (a break that names no file): give back the kept
 * lease if the kernel is breaking it (F_GETLEASE), as cg_exchfile_release. */
int cg_exchfile_release_if_broken(struct cg_exchfile *f);
/* Closes the fds and removes the spare; NAME stays. */
void cg_exchfile_close(struct cg_exchfile *f, int dirfd, const char *name);

#endif
