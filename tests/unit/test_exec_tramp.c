/* test_exec_tramp.c - the exec trampoline (exec-tramp.c,
 * src/tramp/exec-tramp-main.c): its argv, its failure message, and the
 * program itself run from its sealed memfd (no root needed). */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "ctx.h"
#include "exec-tramp.h"
#include "../../src/tramp/exec-tramp-proto.h"

static void test_argv(void **state)
{
	char *cmd[] = { "ls", "-l", NULL };
	char **a = cg_exec_tramp_argv(cmd, 7, 12);

	(void)state;
	assert_string_equal(a[0], CG_TRAMP_MAGIC);
	assert_string_equal(a[1], "7");
	assert_string_equal(a[2], "12");
	assert_string_equal(a[3], "ls");
	assert_string_equal(a[4], "-l");
	assert_null(a[5]);
	free(a);
	a = cg_exec_tramp_argv(cmd, 3, -1);
	assert_string_equal(a[2], "-1");
	free(a);
}

static void test_message(void **state)
{
	char buf[64] = { 'T', 127, ENOENT, 0, 0, 0, '/', 'n', 'o', 'p', 'e' };
	cg_err_t err = { 0 };

	(void)state;
	assert_true(cg_exec_tramp_message(buf, 11, &err));
	assert_string_equal(err.msg, "exec /nope: not found in the container (check the command and PATH)");
	assert_int_equal(err.exit_code, 127);
	memset(&err, 0, sizeof(err));
	buf[2] = EACCES;
	assert_true(cg_exec_tramp_message(buf, 11, &err));
	assert_string_equal(err.msg, "exec /nope: Permission denied");
	assert_int_equal(err.exit_code, 126);
	/* Not one: another kind, too short, no errno. */
	buf[0] = 'X';
	assert_false(cg_exec_tramp_message(buf, 11, &err));
	buf[0] = 'T';
	assert_false(cg_exec_tramp_message(buf, 5, &err));
	buf[2] = 0;
	assert_false(cg_exec_tramp_message(buf, 11, &err));
}

/* Run the trampoline with argv; its exit status, and what it sent on the
 * socket whose fd is in argv[1] (as "%d" of the fd we pass). */
static int run_tramp(int fd, char **argv, char *msg, size_t *msglen)
{
	int sv[2], status;
	pid_t pid;
	ssize_t n;

	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	if (argv[1] && !strcmp(argv[1], "SOCK")) {
		static char num[16];

		snprintf(num, sizeof(num), "%d", sv[1]);
		argv[1] = num;
	}
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char *envp[] = { "PATH=/nonexistent-dir", NULL };
		int devnull = open("/dev/null", O_WRONLY);

		fcntl(sv[1], F_SETFD, 0);
		dup2(devnull, 2);
		syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
		_exit(99);
	}
	close(sv[1]);
	n = recv(sv[0], msg, 600, MSG_DONTWAIT);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (n < 0)
		n = recv(sv[0], msg, 600, MSG_DONTWAIT);
	*msglen = n < 0 ? 0 : (size_t)n;
	close(sv[0]);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void test_program(void **state)
{
	struct cg_ctx ctx;
	cg_err_t err = { 0 };
	char msg[600];
	size_t n;
	int fd;

	(void)state;
	if (!cg_exec_tramp_available())
		skip();
	cg_ctx_init(&ctx);
	fd = cg_ctx_exec_tramp(&ctx, &err);
	assert_true(fd >= 0);
	assert_int_equal(cg_ctx_exec_tramp(&ctx, &err), fd);  /* made once */
	/* Sealed: no write, no resize, no seal taken away. */
	assert_int_equal(fcntl(fd, F_GET_SEALS) & (F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL),
			 F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL);
	assert_true(pwrite(fd, "x", 1, 0) < 0);
	assert_true(ftruncate(fd, 0) < 0);

	/* Started the way cgrun does: the failed exec reported. */
	char *good[] = { CG_TRAMP_MAGIC, "SOCK", "-1", "no-such-command", NULL };

	assert_int_equal(run_tramp(fd, good, msg, &n), 127);
	memset(&err, 0, sizeof(err));
	assert_true(cg_exec_tramp_message(msg, n, &err));
	assert_string_equal(err.msg, "exec no-such-command: not found in the container (check the command and PATH)");

	/* Started any other way (a #!/proc/self/exe script): 126, no loop. */
	char *script[] = { "/proc/self/exe", "/evil.sh", NULL };

	assert_int_equal(run_tramp(fd, script, msg, &n), 126);
	assert_int_equal(n, 0);
	char *nofd[] = { CG_TRAMP_MAGIC, "x1", "-1", "true", NULL };

	assert_int_equal(run_tramp(fd, nofd, msg, &n), 126);
	cg_ctx_free(&ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_argv),
		cmocka_unit_test(test_message),
		cmocka_unit_test(test_program),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
