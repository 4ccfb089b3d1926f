/* foreground.c - the in-process run and the terminal/signal loop. */
#include "config.h"

#include "foreground.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <syslog.h>

#include "container.h"
#include "pty.h"
#include "record.h"
#include "spawn.h"

/* Copy what is available from `from` to `to`; false at EOF or error. */
static bool pump(int from, int to)
{
	char buf[8192];
	ssize_t n = read(from, buf, sizeof(buf));

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return true;
	if (n <= 0)
		return false;
	for (ssize_t off = 0; off < n;) {
		ssize_t w = write(to, buf + off, (size_t)(n - off));

		if (w < 0) {
			if (errno == EINTR || errno == EAGAIN) {
				struct pollfd p = { .fd = to, .events = POLLOUT };

				poll(&p, 1, 1000);
				continue;
			}
			return false;
		}
		off += w;
	}
	return true;
}

void cg_io_loop_run(struct cg_io_loop *l)
{
	bool in_open = l->stdin_to_pty, out_open = l->pty_master >= 0, ended = false;
	struct cg_pty pty = { .master = l->pty_master };

	if (out_open)
		fcntl(l->pty_master, F_SETFL, fcntl(l->pty_master, F_GETFL) | O_NONBLOCK);
	while (!ended || out_open) {
		struct pollfd fds[4];
		int nf = 0, idone = -1, isig, imaster = -1, iin = -1;

		isig = nf;
		fds[nf++] = (struct pollfd){ .fd = l->sigfd, .events = POLLIN };
		if (!ended) {
			idone = nf;
			fds[nf++] = (struct pollfd){ .fd = l->done_fd, .events = POLLIN };
		}
		if (out_open) {
			imaster = nf;
			fds[nf++] = (struct pollfd){ .fd = l->pty_master, .events = POLLIN };
		}
		if (in_open && !ended) {
			iin = nf;
			fds[nf++] = (struct pollfd){ .fd = STDIN_FILENO, .events = POLLIN };
		}
		/* Once the container has ended, drain the pty without blocking. */
		if (poll(fds, (nfds_t)nf, ended ? 100 : -1) < 0 && errno != EINTR)
			break;
		if (ended && imaster >= 0 && !(fds[imaster].revents & (POLLIN | POLLHUP | POLLERR)))
			break;
		if (fds[isig].revents & POLLIN) {
			struct signalfd_siginfo si;

			while (read(l->sigfd, &si, sizeof(si)) == sizeof(si)) {
				if (si.ssi_signo == SIGCHLD)
					continue;
				if (si.ssi_signo == SIGWINCH && l->pty_master >= 0)
					cg_pty_resize(&pty, STDIN_FILENO);
				else if (!ended)
					l->forward(l->ctx, (int)si.ssi_signo);
			}
		}
		if (imaster >= 0 && fds[imaster].revents & (POLLIN | POLLHUP | POLLERR))
			out_open = pump(l->pty_master, STDOUT_FILENO);
		if (iin >= 0 && fds[iin].revents & (POLLIN | POLLHUP | POLLERR)) {
			if (!pump(STDIN_FILENO, l->pty_master)) {
				/* End of input: tell the terminal, as a keyboard's ^D would. */
				char eof = 4;

				in_open = false;
				if (write(l->pty_master, &eof, 1) < 0) {
					/* the container may be gone already */
				}
			}
		}
		if (idone >= 0 && fds[idone].revents & (POLLIN | POLLHUP | POLLERR))
			ended = true;
	}
}

int cg_block_forwarded_signals(sigset_t *old, cg_err_t *err)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH, SIGCHLD, SIGUSR1, SIGUSR2 };
	sigset_t set;
	int fd;

	sigemptyset(&set);
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaddset(&set, sigs[i]);
	/* Blocked from before anything is created: a ^C during set-up is
	 * delivered to the container once it runs, and clean-up always runs. */
	if (sigprocmask(SIG_BLOCK, &set, old) < 0)
		return cg_error(err, errno, "sigprocmask");
	fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (fd < 0)
		return cg_error(err, errno, "signalfd");
	signal(SIGPIPE, SIG_IGN);
	return fd;
}

static void forward_to_container(void *ctx, int sig)
{
	struct cg_container *c = ctx;
	cg_err_t ignore = { 0 };

	cg_container_kill(c, sig, &ignore);
}

int cg_foreground_run(struct cg_ctx *ctx, struct cg_spec *spec, int *status, cg_err_t *err)
{
	struct cg_container c;
	struct cg_pty pty = { .master = -1 };
	bool tty, stdin_attached, auto_interactive;
	cleanup_close int devnull = -1, sigfd = -1;
	sigset_t oldmask;
	int wstatus = 0;

	cg_container_gc(ctx);
	/* docker needs -it for a shell; with a terminal on both ends we assume it. */
	auto_interactive = !spec->tty && !spec->interactive && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
	tty = spec->tty || auto_interactive;
	stdin_attached = spec->interactive || auto_interactive;
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull < 0)
		return cg_error(err, errno, "open /dev/null");
	sigfd = cg_block_forwarded_signals(&oldmask, err);
	if (sigfd < 0)
		return -1;
	if (cg_container_create(ctx, &c, spec, "cgrun", err) < 0) {
		sigprocmask(SIG_SETMASK, &oldmask, NULL);
		return -1;
	}
	struct cg_start st = {
		.stdio = { stdin_attached && !tty ? STDIN_FILENO : devnull, STDOUT_FILENO, STDERR_FILENO },
		.tty = tty, .die_with_owner = true,
	};
	if (tty && ioctl(STDIN_FILENO, TIOCGWINSZ, &st.winsize) < 0)
		memset(&st.winsize, 0, sizeof(st.winsize));
	if (cg_container_start(&c, &st, err) < 0) {
		cg_container_destroy(&c, false);
		cg_container_free(&c);
		sigprocmask(SIG_SETMASK, &oldmask, NULL);
		return -1;
	}
	if (tty) {
		cg_err_t e = { 0 };

		cg_pty_adopt(&pty, c.pty_master, STDIN_FILENO);
		if (stdin_attached && isatty(STDIN_FILENO) && cg_pty_raw(&pty, STDIN_FILENO, &e) < 0)
			cg_log(ctx, LOG_WARNING, "%s", e.msg);
	}
	struct cg_io_loop loop = {
		.sigfd = sigfd, .pty_master = c.pty_master, .stdin_to_pty = tty && stdin_attached,
		.done_fd = c.pidfd, .forward = forward_to_container, .ctx = &c,
	};
	cg_io_loop_run(&loop);
	cg_pty_restore(&pty, STDIN_FILENO);
	while (waitpid(c.pid, &wstatus, 0) < 0 && errno == EINTR)
		;
	cg_container_exited(&c, wstatus);
	*status = c.exit_code;
	cg_container_destroy(&c, !spec->remove);
	cg_container_free(&c);
	sigprocmask(SIG_SETMASK, &oldmask, NULL);
	return 0;
}
