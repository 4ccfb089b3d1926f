/* exchfile.c - rewrite a file whole, in place under a write lease or
 * through a spare inode and RENAME_EXCHANGE; see exchfile.h. */
#include "config.h"

#include "exchfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

void cg_exchfile_init(struct cg_exchfile *f)
{
	f->fd[0] = f->fd[1] = -1;
	f->size[0] = f->size[1] = 0;
	f->writes = 0;
	f->keep_sig = 0;
	f->held = false;
	f->map_writes = false;
	f->on_tmpfs = -1;
	f->map[0] = f->map[1] = NULL;
	/* Taken as unread: a file nobody reads keeps its lease from the
	 * start. */
	f->quiet = CG_EXCHFILE_KEEP_AFTER;
}

void cg_exchfile_map_writes(struct cg_exchfile *f)
{
	f->map_writes = true;
}

/* F_UNLCK of the lease held on fd[0], if any. */
static int give_back(struct cg_exchfile *f)
{
	int r = 0;

	if (f->held && f->fd[0] >= 0 && fcntl(f->fd[0], F_SETLEASE, F_UNLCK) < 0)
		r = -errno;
	f->held = false;
	return r;
}

int cg_exchfile_release(struct cg_exchfile *f)
{
	/* A reader came: the next writes do not keep the lease. */
	f->quiet = 0;
	return give_back(f);
}

int cg_exchfile_release_if_broken(struct cg_exchfile *f)
{
	int type;

	if (!f->held || f->fd[0] < 0)
		return 0;
	/* While a break is pending, F_GETLEASE tells what the lease is being
	 * broken to. */
	type = fcntl(f->fd[0], F_GETLEASE);
	return type == F_WRLCK ? 0 : cg_exchfile_release(f);
}

void cg_exchfile_keep_lease(struct cg_exchfile *f, int sig)
{
	f->keep_sig = sig > 0 ? sig : 0;
	if (f->keep_sig == 0)
		give_back(f);
}

bool cg_exchfile_has_fd(const struct cg_exchfile *f, int fd)
{
	return fd >= 0 && (fd == f->fd[0] || fd == f->fd[1]);
}

static void drop(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void unmap(char **map)
{
	if (*map != NULL && *map != MAP_FAILED)
		munmap(*map, CG_EXCHFILE_MAP_LEN);
	*map = NULL;
}

/* fd[i] (its lease, if any, and its mapping go with it). */
static void drop_slot(struct cg_exchfile *f, int i)
{
	unmap(&f->map[i]);
	drop(&f->fd[i]);
	if (i == 0)
		f->held = false;
}

static int spare_name(char *buf, size_t n, const char *name)
{
	return (size_t)snprintf(buf, n, ".%s.spare", name) < n ? 0 : -ENAMETOOLONG;
}

/* Write buf at offset 0 of a file of size old; cut what is left beyond. */
static int pwrite_all(int fd, const char *buf, size_t len, off_t old)
{
	size_t off = 0;

	while (off < len) {
		ssize_t n = pwrite(fd, buf + off, len - off, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		off += (size_t)n;
	}
	if (old <= (off_t)len)
		return 0;
	return ftruncate(fd, (off_t)len) < 0 ? -errno : 0;
}

/* Whether the inode behind fd has lost its name (glibc's fstat goes
 * through fstatat with an empty path, which costs more). */
static bool unlinked(int fd)
{
	struct stat st;
#if defined(__x86_64__) && defined(SYS_fstat) /* its struct stat is the kernel's */
	long r = syscall(SYS_fstat, fd, &st);
#else
	int r = fstat(fd, &st);
#endif

	return r < 0 || st.st_nlink == 0;
}

/* memcpy buf into the shared mapping of fd[0] (mapped at the first such
 * write). The caller holds a lease kept since the last write, which was
 * of len bytes too. false: not possible (not a tmpfs, too long, mmap
 * failed); the caller writes. */
static bool write_mapped(struct cg_exchfile *f, const char *buf, size_t len)
{
	if (!f->map_writes || len == 0 || len > CG_EXCHFILE_MAP_LEN || f->map[0] == MAP_FAILED)
		return false;
	if (f->map[0] == NULL) {
		void *p;

		if (f->on_tmpfs < 0) {
			struct statfs sf;

			f->on_tmpfs = fstatfs(f->fd[0], &sf) == 0 && sf.f_type == TMPFS_MAGIC;
		}
		p = f->on_tmpfs ? mmap(NULL, CG_EXCHFILE_MAP_LEN, PROT_READ | PROT_WRITE, MAP_SHARED, f->fd[0], 0)
				: MAP_FAILED;
		if (p != MAP_FAILED && madvise(p, CG_EXCHFILE_MAP_LEN, MADV_DONTFORK) < 0) {
			munmap(p, CG_EXCHFILE_MAP_LEN);
			p = MAP_FAILED;
		}
		f->map[0] = p;
		if (p == MAP_FAILED)
			return false;
	}
	memcpy(f->map[0], buf, len);
	return true;
}

/* Rewrite the inode named NAME where it is, if nobody else has it open:
 * the write lease says so, and holds off anyone who opens it meanwhile
 * (their open waits for the F_UNLCK) until the content is whole again.
 * 1: done; 0: not possible now (someone has it open, it was unlinked, or
 * the file system has no leases); the caller goes through the spare. */
static int write_in_place(struct cg_exchfile *f, const char *buf, size_t len)
{
	bool kept = f->held;
	/* Kept only for a file nobody read in its last few writes. */
	bool keep = f->keep_sig && f->quiet >= CG_EXCHFILE_KEEP_AFTER;
	int r;

	if (f->fd[0] < 0)
		return 0;
	if (f->quiet < CG_EXCHFILE_KEEP_AFTER)
		f->quiet++;
	if (!f->held) {
		/* A kept lease's break must name the fd: the signal is set on
		 * the file before each lease is taken, as giving one back
		 * (F_UNLCK: ours, or the kernel's once lease-break-time has
		 * passed) resets it to none, and the next break would come as a
		 * plain SIGIO, which says nothing of the file. A lease taken
		 * for one write needs none: a reader who opens the file then
		 * waits for the pwrite only, and the SIGIO that comes later
		 * (cg_exchfile_release_if_broken) finds nothing to give back. */
		if (keep && fcntl(f->fd[0], F_SETSIG, f->keep_sig) < 0)
			return 0;
		if (fcntl(f->fd[0], F_SETLEASE, F_WRLCK) < 0) {
			f->quiet = 0;  /* someone has it open: a reader, most likely */
			return 0;
		}
		f->held = true;
	}
	/* Someone removed NAME: write a new one. Checked every
	 * CG_EXCHFILE_CHECK_EVERY writes, not on each: the fstat was a
	 * twentieth of a stats refresh. */
	if (f->writes++ % CG_EXCHFILE_CHECK_EVERY == 0 && unlinked(f->fd[0])) {
		give_back(f);
		return 0;
	}
	/* Nobody opened it since the last write, and its size stays. */
	if (kept && (off_t)len == f->size[0] && write_mapped(f, buf, len))
		return 1;
	r = pwrite_all(f->fd[0], buf, len, f->size[0]);
	if (r < 0 || !keep)
		give_back(f);
	if (r < 0)
		return 0;  /* the spare's write replaces whatever is left */
	f->size[0] = (off_t)len;
	return 1;
}

int cg_exchfile_write(struct cg_exchfile *f, int dirfd, const char *name, const char *buf, size_t len,
		      mode_t mode, cg_err_t *err)
{
	char spare[NAME_MAX + 1];
	bool leased = false;
	off_t old = f->size[1];
	char *map;
	int fd, r;

	if (write_in_place(f, buf, len))
		return 0;
	if ((r = spare_name(spare, sizeof(spare), name)) < 0)
		return cg_error(err, -r, "write %s", name);
	/* The spare we know, if nobody else has it open (a reader that opened
	 * NAME before the last exchange); else a fresh inode. */
	fd = f->fd[1];
	map = f->map[1];
	f->fd[1] = -1;
	f->map[1] = NULL;
	if (fd >= 0) {
		leased = fcntl(fd, F_SETLEASE, F_WRLCK) == 0;
		if (!leased)
			drop(&fd);
	}
	if (fd < 0) {
		unmap(&map);
		old = 0;
		if (unlinkat(dirfd, spare, 0) < 0 && errno != ENOENT)
			return cg_error(err, errno, "remove %s", spare);
		fd = openat(dirfd, spare, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
		if (fd < 0)
			return cg_error(err, errno, "create %s", spare);
		/* A fresh inode has no old readers: the lease is only a guard
		 * against one opening the spare by name meanwhile. */
		leased = fcntl(fd, F_SETLEASE, F_WRLCK) == 0;
	}
	r = pwrite_all(fd, buf, len, old);
	if (leased)
		fcntl(fd, F_SETLEASE, F_UNLCK);
	if (r < 0) {
		unmap(&map);
		drop(&fd);
		unlinkat(dirfd, spare, 0);
		return cg_error(err, -r, "write %s", spare);
	}
	if (syscall(SYS_renameat2, dirfd, spare, dirfd, name, RENAME_EXCHANGE) == 0) {
		/* The old NAME is the spare now. */
		f->fd[1] = f->fd[0];
		f->size[1] = f->size[0];
		f->map[1] = f->map[0];
		f->fd[0] = fd;
		f->size[0] = (off_t)len;
		f->map[0] = map;
		return 0;
	}
	/* NAME does not exist yet (ENOENT), or the file system cannot
	 * exchange (EINVAL): a plain rename, which replaces NAME. */
	if (errno != ENOENT && errno != EINVAL) {
		r = errno;
		unmap(&map);
		drop(&fd);
		unlinkat(dirfd, spare, 0);
		return cg_error(err, r, "exchange %s and %s", spare, name);
	}
	if (renameat(dirfd, spare, dirfd, name) < 0) {
		r = errno;
		unmap(&map);
		drop(&fd);
		unlinkat(dirfd, spare, 0);
		return cg_error(err, r, "rename %s to %s", spare, name);
	}
	drop_slot(f, 0);
	f->fd[0] = fd;
	f->size[0] = (off_t)len;
	f->map[0] = map;
	return 0;
}

void cg_exchfile_close(struct cg_exchfile *f, int dirfd, const char *name)
{
	char spare[NAME_MAX + 1];

	drop_slot(f, 0);
	drop_slot(f, 1);
	if (dirfd >= 0 && spare_name(spare, sizeof(spare), name) == 0)
		unlinkat(dirfd, spare, 0);
}
