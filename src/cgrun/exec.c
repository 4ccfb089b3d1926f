/* exec.c - `cgrun exec [-i] [-t] NAME CMD...`: a process in a running
 * container's namespaces and cgroups, like nsenter -a. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "cli.h"
#include "cli-util.h"
#include "ctx.h"
#include "client.h"
#include "container.h"
#include "foreground.h"
#include "pty.h"
#include "record.h"
#include "spawn.h"

static void no_forward(void *ctx, int sig)
{
	(void)ctx;
	(void)sig;
}

static int run_loop(int master, bool stdin_attached, int done_fd)
{
	cg_err_t err = { 0 };
	sigset_t old;
	int sigfd = cg_block_forwarded_signals(&old, &err);
	struct cg_pty pty = { .master = -1 };

	if (sigfd < 0)
		return cli_fail(&err);
	if (master >= 0) {
		cg_pty_adopt(&pty, master, STDIN_FILENO);
		if (stdin_attached && isatty(STDIN_FILENO))
			cg_pty_raw(&pty, STDIN_FILENO, &err);
	}
	struct cg_io_loop loop = {
		.sigfd = sigfd, .pty_master = master, .stdin_to_pty = master >= 0 && stdin_attached,
		.done_fd = done_fd, .forward = no_forward,
	};
	cg_io_loop_run(&loop);
	cg_pty_restore(&pty, STDIN_FILENO);
	close(sigfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return 0;
}

static void add_winsize(struct json_object *req, bool tty)
{
	struct winsize ws;

	if (tty && ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row) {
		json_object_object_add(req, "rows", json_object_new_int(ws.ws_row));
		json_object_object_add(req, "cols", json_object_new_int(ws.ws_col));
	}
}

static int exec_local(const char *key, char **argv, bool tty, bool stdin_attached)
{
	struct cg_container c;
	struct cg_spec spec;
	void *json = NULL;
	cg_err_t err = { 0 };
	char id[65];
	struct cg_proc proc = { .pid = -1, .pidfd = -1, .pty_master = -1 };
	cleanup_close int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int stdio[3] = { stdin_attached ? STDIN_FILENO : devnull, STDOUT_FILENO, STDERR_FILENO };
	int status = 0, ret;
	struct winsize ws = { 0 };

	if (tty && ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) < 0)
		memset(&ws, 0, sizeof(ws));
	if (cg_container_resolve(cli_ctx(), key, id, &err) < 0 ||
	    cg_container_load(cli_ctx(), id, &c, &spec, &json, &err) < 0) {
		json_object_put(json);
		return cli_fail(&err);
	}
	if (c.state != CG_STATE_RUNNING || !cg_proc_same(c.pid, c.pid_start) ||
	    (c.pidfd = (int)syscall(SYS_pidfd_open, c.pid, 0)) < 0) {
		cg_error(&err, ESRCH, "container '%s' is not running", key);
		ret = cli_fail(&err);
	} else if (cg_container_exec(&c, argv, tty, tty ? &ws : NULL, stdio, &proc, &err) < 0) {
		ret = cli_fail(&err);
	} else {
		run_loop(proc.pty_master, stdin_attached, proc.pidfd);
		while (waitpid(proc.pid, &status, 0) < 0 && errno == EINTR)
			;
		ret = cg_exit_code(status);
		if (proc.pidfd >= 0)
			close(proc.pidfd);
		if (proc.pty_master >= 0)
			close(proc.pty_master);
	}
	cg_container_free(&c);
	cg_spec_free(&spec);
	json_object_put(json);
	return ret;
}

static int exec_daemon(const char *key, char **argv, bool tty, bool stdin_attached)
{
	struct json_object *req = client_request("exec"), *rep = NULL, *a = json_object_new_array(), *v;
	cleanup_close int fd = -1, devnull = open("/dev/null", O_RDONLY | O_CLOEXEC), master = -1;
	int fds[3] = { stdin_attached ? STDIN_FILENO : devnull, STDOUT_FILENO, STDERR_FILENO };
	cg_err_t err = { 0 };
	int code;

	for (size_t i = 0; argv[i]; i++)
		json_object_array_add(a, json_object_new_string(argv[i]));
	json_object_object_add(req, "target", json_object_new_string(key));
	json_object_object_add(req, "argv", a);
	json_object_object_add(req, "tty", json_object_new_boolean(tty));
	json_object_object_add(req, "interactive", json_object_new_boolean(stdin_attached));
	add_winsize(req, tty);
	fd = client_connect(&err);
	if (fd < 0) {
		json_object_put(req);
		return cli_fail(&err);
	}
	if (client_send(fd, req, fds, tty ? 0 : 3, &err) < 0 || client_recv(fd, &rep, &master, &err) < 0)
		return cli_fail(&err);
	json_object_put(rep);
	run_loop(master, stdin_attached, fd);
	if (client_recv(fd, &rep, NULL, &err) < 0)
		return cli_fail(&err);
	code = json_object_object_get_ex(rep, "exit_code", &v) ? json_object_get_int(v) : 125;
	json_object_put(rep);
	return code;
}

int cmd_exec(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "interactive", no_argument, NULL, 'i' }, { "tty", no_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	bool tty = false, interactive = false;
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+:it", opts, NULL)) != -1) {
		switch (c) {
		case 'i': interactive = true; break;
		case 't': tty = true; break;
		case 'h':
			puts("Usage: cgrun exec [-i] [-t] NAME|ID COMMAND [ARG...]\n"
			     "\n"
			     "Run a command in a running container: its namespaces, cgroups, user and\n"
			     "capabilities. Through cgrund when it runs, else in-process (root only).\n"
			     "\n"
			     "  -i, --interactive  keep stdin attached\n"
			     "  -t, --tty          allocate a pseudo-terminal\n"
			     "      --help         show this help\n"
			     "\n"
			     "Exit status: the command's; 128+N if it was killed by signal N; 125 if\n"
			     "cgrun itself failed (e.g. the container is not running); 126 if the\n"
			     "command cannot be executed; 127 if it is not found.");
			return 0;
		default: return usage_error("exec", c, argv[optind - 1]);
		}
	}
	if (argc - optind < 2) {
		die_msg("usage: cgrun exec [-i] [-t] NAME|ID COMMAND [ARG...]");
		return EXIT_CGRUN;
	}
	if (client_daemon_up())
		return exec_daemon(argv[optind], argv + optind + 1, tty, interactive);
	if (geteuid() != 0) {
		die_msg("cgrund is not running and only root can exec without it: start it as root with '%s'",
			client_start_hint());
		return EXIT_CGRUN;
	}
	return exec_local(argv[optind], argv + optind + 1, tty, interactive);
}
