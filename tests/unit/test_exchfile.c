/* test_exchfile.c - the stats file's rewrite in place (exchfile.c), in a
 * temporary directory: content, inode reuse, and a reader that holds the
 * file open never sees it change. Needs no root. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "exchfile.h"

struct fixture {
	char dir[64];
	int dirfd;
	struct cg_exchfile f;
};

static int setup_in(void **state, const char *where)
{
	struct fixture *x = calloc(1, sizeof(*x));

	if (x == NULL)
		return -1;
	snprintf(x->dir, sizeof(x->dir), "%s/cgrun-unit-exchfile.XXXXXX", where);
	if (mkdtemp(x->dir) == NULL || (x->dirfd = open(x->dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
		free(x);
		return -1;
	}
	cg_exchfile_init(&x->f);
	*state = x;
	return 0;
}

static int setup(void **state)
{
	return setup_in(state, "/tmp");
}

/* /dev/shm: a tmpfs, where writes may be mapped. */
static int setup_shm(void **state)
{
	return setup_in(state, "/dev/shm");
}

static bool on_tmpfs(const char *dir)
{
	struct statfs sf;

	return statfs(dir, &sf) == 0 && sf.f_type == TMPFS_MAGIC;
}

static int teardown(void **state)
{
	struct fixture *x = *state;

	cg_exchfile_close(&x->f, x->dirfd, "stats");
	unlinkat(x->dirfd, "stats", 0);
	close(x->dirfd);
	rmdir(x->dir);
	free(x);
	return 0;
}

static void put(struct fixture *x, const char *text)
{
	cg_err_t err = { 0 };

	assert_int_equal(cg_exchfile_write(&x->f, x->dirfd, "stats", text, strlen(text), 0644, &err), 0);
}

static char *content_fd(int fd)
{
	static char buf[256];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	assert_true(n >= 0);
	buf[n] = '\0';
	return buf;
}

static char *content(struct fixture *x)
{
	int fd = openat(x->dirfd, "stats", O_RDONLY | O_CLOEXEC);
	char *s;

	assert_true(fd >= 0);
	s = content_fd(fd);
	close(fd);
	return s;
}

static ino_t ino(struct fixture *x, const char *name)
{
	struct stat st;

	if (fstatat(x->dirfd, name, &st, 0) < 0)
		return 0;
	return st.st_ino;
}

static void test_rewrites_whole(void **state)
{
	struct fixture *x = *state;

	put(x, "a 1\nb 2\n");
	assert_string_equal(content(x), "a 1\nb 2\n");
	put(x, "a 10000\nb 20000\nc 3\n");
	assert_string_equal(content(x), "a 10000\nb 20000\nc 3\n");
	/* Shorter than before: nothing of the old content is left. */
	put(x, "a 5\n");
	assert_string_equal(content(x), "a 5\n");
}

/* Each inode remembers its own size: a write shorter than what that inode
 * held (not the last write) is cut; one at least as long needs no cut. */
static void test_sizes_follow_inodes(void **state)
{
	struct fixture *x = *state;
	static const char *const seq[] = { "aaaaaaaaaaaaaaaaaaa\n", "bbbb\n", "ccccccccc\n", "ddddd\n",
					   "e\n", "ffffff\n", "gggggggggggggggggggggggg\n", "h\n" };

	for (size_t i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
		put(x, seq[i]);
		assert_string_equal(content(x), seq[i]);
	}
}

/* Nobody has the file open: it is rewritten where it is, no spare. */
static void test_in_place_when_unread(void **state)
{
	struct fixture *x = *state;
	ino_t first;

	put(x, "one\n");
	first = ino(x, "stats");
	put(x, "two\n");
	put(x, "three\n");
	assert_true(ino(x, "stats") == first);
	assert_true(ino(x, ".stats.spare") == 0);
	assert_string_equal(content(x), "three\n");
}

/* A reader holds it: the spare takes the write and the names trade, and
 * once the reader is gone the inodes take turns or are written in place. */
static void test_two_inodes_when_held(void **state)
{
	struct fixture *x = *state;
	ino_t first, second;
	int held;

	put(x, "one\n");
	first = ino(x, "stats");
	held = openat(x->dirfd, "stats", O_RDONLY | O_CLOEXEC);
	assert_true(held >= 0);
	put(x, "two\n");
	second = ino(x, "stats");
	assert_true(first != second);
	assert_true(ino(x, ".stats.spare") == first);
	assert_string_equal(content_fd(held), "one\n");
	close(held);
	/* Unread again: in place. */
	put(x, "three\n");
	assert_true(ino(x, "stats") == second);
	assert_string_equal(content(x), "three\n");
	/* The new one held: the old spare, nobody's now, takes the write. */
	held = openat(x->dirfd, "stats", O_RDONLY | O_CLOEXEC);
	assert_true(held >= 0);
	put(x, "four\n");
	assert_true(ino(x, "stats") == first);
	assert_true(ino(x, ".stats.spare") == second);
	assert_string_equal(content_fd(held), "three\n");
	assert_string_equal(content(x), "four\n");
	close(held);
}

/* NAME removed behind our back: written anew within
 * CG_EXCHFILE_CHECK_EVERY writes, whole. */
static void test_name_removed(void **state)
{
	struct fixture *x = *state;
	int i;

	put(x, "one\n");
	assert_int_equal(unlinkat(x->dirfd, "stats", 0), 0);
	for (i = 0; i < CG_EXCHFILE_CHECK_EVERY && ino(x, "stats") == 0; i++)
		put(x, "two\n");
	assert_true(i < CG_EXCHFILE_CHECK_EVERY);
	assert_string_equal(content(x), "two\n");
	put(x, "three\n");
	assert_string_equal(content(x), "three\n");
}

static void test_held_open_never_changes(void **state)
{
	struct fixture *x = *state;
	int held;

	put(x, "old\n");
	put(x, "second\n");
	held = openat(x->dirfd, "stats", O_RDONLY | O_CLOEXEC);
	assert_true(held >= 0);
	/* Two more writes: the held inode would be the spare of the second. */
	put(x, "third\n");
	put(x, "fourth\n");
	put(x, "fifth\n");
	assert_string_equal(content_fd(held), "second\n");
	assert_string_equal(content(x), "fifth\n");
	close(held);
}

static void test_close_removes_spare(void **state)
{
	struct fixture *x = *state;
	int held;

	put(x, "1\n");
	held = openat(x->dirfd, "stats", O_RDONLY | O_CLOEXEC);
	assert_true(held >= 0);
	put(x, "2\n");
	close(held);
	assert_true(ino(x, ".stats.spare") != 0);
	cg_exchfile_close(&x->f, x->dirfd, "stats");
	assert_true(ino(x, ".stats.spare") == 0);
	assert_string_equal(content(x), "2\n");
	/* After a restart (no fds known) writing goes on. */
	put(x, "3\n");
	put(x, "4\n");
	assert_string_equal(content(x), "4\n");
}

/* Kept leases, their signals blocked (and taken with sigtimedwait);
 * mapped writes too if mapped. SIGIO is what the kernel sends when it
 * cannot say which file. */
static void keep_leases(struct fixture *x, sigset_t *set, sigset_t *old, bool mapped)
{
	sigemptyset(set);
	sigaddset(set, SIGRTMIN);
	sigaddset(set, SIGIO);
	assert_int_equal(sigprocmask(SIG_BLOCK, set, old), 0);
	cg_exchfile_keep_lease(&x->f, SIGRTMIN);
	if (mapped)
		cg_exchfile_map_writes(&x->f);
}

/* Open "stats" without waiting for a lease's release: the fd, or -1 with
 * errno EWOULDBLOCK while a lease is held or being broken. */
static int open_now(struct fixture *x)
{
	return openat(x->dirfd, "stats", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
}

/* A reader in another process opens the leased file. A blocking open would
 * wait there until the lease is given back; O_NONBLOCK makes the open
 * fail with EWOULDBLOCK instead, and the kernel has sent the lease's
 * signal before the call returns. So once the reader has exited the signal
 * is pending: taken at once, with no timeout to wait for or to run out on
 * a loaded machine. (The blocking open, a reader held until cgrund gives
 * the lease back, is the kernel's part: stats.bats times it through
 * cgrund.) */
static void reader_breaks_lease(struct fixture *x, const sigset_t *set)
{
	const struct timespec now = { 0, 0 };
	siginfo_t si;
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(open_now(x) < 0 && errno == EWOULDBLOCK ? 0 : 1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(status, 0);
	assert_int_equal(sigtimedwait(set, &si, &now), SIGRTMIN);
	assert_true(cg_exchfile_has_fd(&x->f, si.si_fd));
}

/* What a reader reads once it may open the file: it opens at once (no
 * lease left to wait for). */
static const char *read_now(struct fixture *x)
{
	int fd = open_now(x);
	const char *s;

	assert_true(fd >= 0);
	s = content_fd(fd);
	close(fd);
	return s;
}

/* A kept lease stays after the write; a reader's open is signalled with
 * the fd and cannot complete until the release; with the reader gone the
 * next write is in place again; keep_lease(0) gives the lease back. */
static void test_kept_lease(void **state)
{
	struct fixture *x = *state;
	sigset_t set, old;
	ino_t first;

	keep_leases(x, &set, &old, false);
	put(x, "one\n");
	put(x, "two\n");
	first = ino(x, "stats");
	assert_int_equal(fcntl(x->f.fd[0], F_GETLEASE), F_WRLCK);
	reader_breaks_lease(x, &set);
	/* No reader gets in before the release: a write now is whole. */
	assert_true(open_now(x) < 0 && errno == EWOULDBLOCK);
	put(x, "three\n");
	assert_true(ino(x, "stats") == first);
	cg_exchfile_release(&x->f);
	assert_string_equal(read_now(x), "three\n");
	/* A reader came: the next writes take the lease for the write only
	 * (a reader that comes back soon does not wait for a release), until
	 * CG_EXCHFILE_KEEP_AFTER writes have passed with none. */
	for (int i = 0; i < CG_EXCHFILE_KEEP_AFTER; i++) {
		put(x, "four\n");
		assert_int_equal(fcntl(x->f.fd[0], F_GETLEASE), F_UNLCK);
	}
	put(x, "four\n");
	assert_true(ino(x, "stats") == first);
	assert_int_equal(fcntl(x->f.fd[0], F_GETLEASE), F_WRLCK);
	/* No break pending: a plain SIGIO's check leaves it. */
	assert_int_equal(cg_exchfile_release_if_broken(&x->f), 0);
	assert_int_equal(fcntl(x->f.fd[0], F_GETLEASE), F_WRLCK);
	/* The lease taken again after the release is signalled the same way
	 * (the kernel's F_UNLCK forgets F_SETSIG: without it setting the
	 * signal again, this break would come as a plain SIGIO). */
	reader_breaks_lease(x, &set);
	/* What a SIGIO (no fd) leads to: the lease being broken is given
	 * back, and the reader goes on. */
	assert_int_equal(cg_exchfile_release_if_broken(&x->f), 0);
	assert_false(x->f.held);
	assert_string_equal(read_now(x), "four\n");
	put(x, "four\n");
	cg_exchfile_keep_lease(&x->f, 0);
	assert_int_equal(fcntl(x->f.fd[0], F_GETLEASE), F_UNLCK);
	assert_string_equal(content(x), "four\n");
	sigprocmask(SIG_SETMASK, &old, NULL);
}

static void write_all_or_die(int fd, const char *s)
{
	size_t n = strlen(s);

	if (write(fd, s, n) != (ssize_t)n)
		_exit(3);
}

/* The reader of test_mapped_writes: reports whether it inherited the
 * writer's mapping; tries to open the file (which breaks the lease) and
 * reports that it could not yet; on its parent's word (after the release)
 * opens it and reports what it read, and on the next word reads the same
 * fd again. */
static void mapped_reader(struct fixture *x, int req, int rep)
{
	char maps[16384] = "", got[64];
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, maps, sizeof(maps) - 1);
	char c;

	/* Not left behind by a failed test. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() == 1 || n < 0)
		_exit(2);
	close(fd);
	maps[n] = '\0';
	write_all_or_die(rep, strstr(maps, x->dir) ? "inherited\n" : "clean\n");
	fd = open_now(x);
	write_all_or_die(rep, fd < 0 && errno == EWOULDBLOCK ? "waits\n" : "got in\n");
	if (read(req, &c, 1) != 1)
		_exit(2);
	fd = open_now(x);
	if (fd < 0 || (n = pread(fd, got, sizeof(got) - 1, 0)) < 0)
		_exit(2);
	got[n] = '\0';
	write_all_or_die(rep, got);
	if (read(req, &c, 1) != 1 || (n = pread(fd, got, sizeof(got) - 1, 0)) < 0)
		_exit(2);
	got[n] = '\0';
	write_all_or_die(rep, got);
	_exit(0);
}

static char *line_from(int fd)
{
	static char buf[64];
	size_t n = 0;

	while (n + 1 < sizeof(buf) && read(fd, buf + n, 1) == 1 && buf[n] != '\n')
		n++;
	buf[n] = '\0';
	return buf;
}

/* On a tmpfs, a write under a lease kept since the last write, of the
 * same length, goes through a shared mapping: the content changes and,
 * after the first, the mtime does not (no system call). A reader that
 * opens meanwhile gets the content whole once the lease is given back; a
 * reader that holds the old inode open never sees a mapped write of the
 * new one; a forked child does not inherit the mapping. */
static void test_mapped_writes(void **state)
{
	struct fixture *x = *state;
	const struct timespec now = { 0, 0 }, long_ago[2] = { { 0, UTIME_OMIT }, { 1, 0 } };
	struct stat after;
	sigset_t set, old;
	int req[2], rep[2], status;
	ino_t first;
	siginfo_t si;
	pid_t pid;

	assert_true(on_tmpfs(x->dir));
	keep_leases(x, &set, &old, true);
	put(x, "one\n");
	put(x, "two\n");
	assert_null(x->f.map[0]);
	put(x, "six\n");
	assert_true(x->f.map[0] != NULL && x->f.map[0] != MAP_FAILED);
	assert_string_equal(content_fd(x->f.fd[0]), "six\n");
	/* The first write through the mapping faults the page in, which
	 * updates the mtime; the next ones make no system call at all. With
	 * the mtime set back to 1970, a write(2) would set it to now (no
	 * clock tick to wait for); a store to a mapped page leaves it. */
	assert_int_equal(futimens(x->f.fd[0], long_ago), 0);
	put(x, "two\n");
	assert_string_equal(content_fd(x->f.fd[0]), "two\n");
	assert_int_equal(fstat(x->f.fd[0], &after), 0);
	assert_true(after.st_mtim.tv_sec == 1 && after.st_mtim.tv_nsec == 0);
	/* A longer one is written: the mapping is only for the same size. */
	put(x, "seven\n");
	assert_string_equal(content_fd(x->f.fd[0]), "seven\n");
	put(x, "nine\n");
	assert_string_equal(content_fd(x->f.fd[0]), "nine\n");
	put(x, "ten\n");
	put(x, "six\n");
	first = ino(x, "stats");

	assert_int_equal(pipe(req), 0);
	assert_int_equal(pipe(rep), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		mapped_reader(x, req[0], rep[1]);
	close(req[0]);
	close(rep[1]);
	assert_string_equal(line_from(rep[0]), "clean");
	/* The reader cannot get in before the release (reader_breaks_lease
	 * says why the signal is pending by now): a mapped write meanwhile is
	 * whole for it. */
	assert_string_equal(line_from(rep[0]), "waits");
	assert_int_equal(sigtimedwait(&set, &si, &now), SIGRTMIN);
	assert_true(cg_exchfile_has_fd(&x->f, si.si_fd));
	put(x, "ten\n");
	cg_exchfile_release(&x->f);
	assert_int_equal(write(req[1], "o", 1), 1);
	assert_string_equal(line_from(rep[0]), "ten");
	/* It holds the inode open: the next write goes to the other one,
	 * which is then written in place, and once no reader came for
	 * CG_EXCHFILE_KEEP_AFTER writes, mapped in its turn. */
	put(x, "abc\n");
	assert_true(ino(x, "stats") != first);
	for (int i = 0; i < CG_EXCHFILE_KEEP_AFTER + 1; i++)
		put(x, "def\n");
	put(x, "ghi\n");
	assert_true(x->f.map[0] != NULL && x->f.map[0] != MAP_FAILED);
	assert_string_equal(content_fd(x->f.fd[0]), "ghi\n");
	assert_int_equal(write(req[1], "r", 1), 1);
	assert_string_equal(line_from(rep[0]), "ten");
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(status, 0);
	close(req[1]);
	close(rep[0]);
	cg_exchfile_keep_lease(&x->f, 0);
	assert_string_equal(content(x), "ghi\n");
	sigprocmask(SIG_SETMASK, &old, NULL);
}

/* Elsewhere than on a tmpfs nothing is mapped (a write fault there could
 * end in SIGBUS): the same sequence is written. */
static void test_mapped_only_on_tmpfs(void **state)
{
	struct fixture *x = *state;
	sigset_t set, old;

	if (on_tmpfs(x->dir))
		skip();
	keep_leases(x, &set, &old, true);
	put(x, "one\n");
	put(x, "two\n");
	put(x, "six\n");
	assert_true(x->f.map[0] == MAP_FAILED);
	assert_string_equal(content_fd(x->f.fd[0]), "six\n");
	cg_exchfile_keep_lease(&x->f, 0);
	assert_string_equal(content(x), "six\n");
	sigprocmask(SIG_SETMASK, &old, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rewrites_whole, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sizes_follow_inodes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_in_place_when_unread, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_inodes_when_held, setup, teardown),
		cmocka_unit_test_setup_teardown(test_name_removed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_held_open_never_changes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_removes_spare, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kept_lease, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mapped_writes, setup_shm, teardown),
		cmocka_unit_test_setup_teardown(test_mapped_only_on_tmpfs, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
