/* test_exchfile.c - the stats file's rewrite in place (exchfile.c), in a
 * temporary directory: content, inode reuse, and a reader that holds the
 * file open never sees it change. Needs no root. */
#include "config.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

static int setup(void **state)
{
	struct fixture *x = calloc(1, sizeof(*x));

	if (x == NULL)
		return -1;
	strcpy(x->dir, "/tmp/cgrun-unit-exchfile.XXXXXX");
	if (mkdtemp(x->dir) == NULL || (x->dirfd = open(x->dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
		free(x);
		return -1;
	}
	cg_exchfile_init(&x->f);
	*state = x;
	return 0;
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

/* A kept lease stays after the write; a reader's open is signalled with
 * the fd and waits until the release; with the reader gone the next write
 * is in place again; keep_lease(0) gives the lease back. */
static void test_kept_lease(void **state)
{
	struct fixture *x = *state;
	struct timespec five = { 5, 0 };
	sigset_t set, old;
	siginfo_t si;
	int p[2], status;
	char got[64] = "";
	ino_t first;
	pid_t pid;

	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN);
	assert_int_equal(sigprocmask(SIG_BLOCK, &set, &old), 0);
	cg_exchfile_keep_lease(&x->f, SIGRTMIN);
	put(x, "one\n");
	put(x, "two\n");
	first = ino(x, "stats");
	assert_int_equal(fcntl(x->f.fd[0], F_GETLEASE), F_WRLCK);
	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = openat(x->dirfd, "stats", O_RDONLY | O_CLOEXEC);
		ssize_t n = fd < 0 ? -1 : read(fd, got, sizeof(got));

		_exit(n > 0 && write(p[1], got, (size_t)n) == n ? 0 : 1);
	}
	close(p[1]);
	assert_int_equal(sigtimedwait(&set, &si, &five), SIGRTMIN);
	assert_true(cg_exchfile_has_fd(&x->f, si.si_fd));
	/* The reader waits in open() meanwhile: a write now is whole. */
	put(x, "three\n");
	assert_true(ino(x, "stats") == first);
	cg_exchfile_release(&x->f);
	assert_true(read(p[0], got, sizeof(got) - 1) > 0);
	close(p[0]);
	assert_string_equal(got, "three\n");
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(status, 0);
	put(x, "four\n");
	assert_true(ino(x, "stats") == first);
	assert_int_equal(fcntl(x->f.fd[0], F_GETLEASE), F_WRLCK);
	cg_exchfile_keep_lease(&x->f, 0);
	assert_int_equal(fcntl(x->f.fd[0], F_GETLEASE), F_UNLCK);
	assert_string_equal(content(x), "four\n");
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
