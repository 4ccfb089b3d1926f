/* exec-tramp.c - the exec trampoline (CVE-2019-5736 class).
 *
 * The container's init is a clone of cgrun or cgrund, and the command is
 * vforked from it (spawn.c); `cgrun exec` clones into the container too.
 * So the process that calls execve(command) has, until that exec is done,
 * /proc/self/exe = the host's cgrun or cgrund binary. A command that is a
 * script starting "#!/proc/self/exe" has the kernel resolve that link in
 * the exec'ing process and run the host binary inside the container; a
 * container process then opens /proc/PID/exe with O_PATH and, once that
 * process is gone (and nothing runs the binary), reopens it through
 * /proc/self/fd/N for writing: the host's binary is the container's.
 *
 * runc re-executes itself from a sealed memfd copy of its whole binary (or
 * a read-only overlay of it), crun from a copy or a read-only bind mount.
 * That costs a full exec of a dynamically linked program (1-2 ms) per
 * container, more than a whole cgrun start can spare. Instead, the last
 * step of the command's process, after seccomp, the user switch and the
 * capabilities, is execveat(memfd, "", AT_EMPTY_PATH) of a freestanding
 * static program of under 2 KB (src/tramp/exec-tramp-main.c, embedded in
 * the library at build time), which execvp's the command. Its memfd is
 * made once per process, written, and sealed against writing, growing,
 * shrinking and further seals (and against chmod where the kernel has
 * F_SEAL_EXEC): /proc/self/exe is that memfd from the first exec on, and a
 * "#!/proc/self/exe" script runs the trampoline again, which refuses a
 * start without its argv protocol (exit 126). Even a container process that
 * reopens the memfd can write nothing to it, and the host's binary was
 * never the exe of anything the container could see with it dumpable: the
 * init, the command before its exec and exec's intermediate processes are
 * non-dumpable (spawn.c).
 *
 * The sync socket reaches the trampoline (its fd in argv), which marks it
 * close-on-exec: cgrun reads EOF once the command itself is exec'd, as
 * before, or the trampoline's failure message, worded here exactly as a
 * failure in cgrun's own child is (cg_exec_fail_error).
 *
 * The container's init is the trampoline too once the command is started
 * (cg_exec_tramp_become_init): otherwise PID 1 would run cgrun's binary for
 * the container's whole life, and a container given CAP_SYS_PTRACE could
 * open its /proc/1/exe. It costs one more exec of this small program, made
 * after the command's start is reported, and the init's memory is then a
 * few pages instead of a copy of cgrun's or cgrund's.
 *
 * vm.memfd_noexec=2 forbids executable memfds: cgrun then fails with a
 * message saying so rather than running the command unprotected. */
#include "config.h"

#include "exec-tramp.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../tramp/exec-tramp-proto.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif
#ifndef F_SEAL_EXEC
#define F_SEAL_EXEC 0x0020
#endif

/* The trampoline's bytes (empty where the build has none), and a 0. */
static const unsigned char tramp_blob[] = {
#include "src/tramp/exec-tramp-blob.h"
	0
};

bool cg_exec_tramp_available(void)
{
	return sizeof(tramp_blob) > 1;
}

static int tramp_memfd(cg_err_t *err)
{
	const unsigned char *p = tramp_blob;
	size_t left = sizeof(tramp_blob) - 1;
	int fd = memfd_create("cgrun-exec-trampoline", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);

	/* Before 6.3 the kernel knows no MFD_EXEC: every memfd is executable. */
	if (fd < 0 && errno == EINVAL)
		fd = memfd_create("cgrun-exec-trampoline", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0 && errno == EACCES)
		return cg_error(err, errno, "making the exec trampoline: memfd_create (vm.memfd_noexec=2 forbids "
				"executable memfds, which cgrun needs to keep its binary out of the container's reach: set it to 1)");
	if (fd < 0)
		return cg_error(err, errno, "making the exec trampoline: memfd_create");
	while (left > 0) {
		ssize_t n = write(fd, p, left);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			cg_error(err, n < 0 ? errno : EIO, "making the exec trampoline: write");
			close(fd);
			return -1;
		}
		p += n;
		left -= (size_t)n;
	}
	int seals = F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL;

	/* F_SEAL_EXEC (6.3) also keeps its mode as it is; older kernels
	 * refuse the unknown seal. */
	if (fcntl(fd, F_ADD_SEALS, seals | F_SEAL_EXEC) < 0 &&
	    (errno != EINVAL || fcntl(fd, F_ADD_SEALS, seals) < 0)) {
		cg_error(err, errno, "making the exec trampoline: sealing it");
		close(fd);
		return -1;
	}
	return fd;
}

int cg_ctx_exec_tramp(struct cg_ctx *ctx, cg_err_t *err)
{
	if (ctx->exec_tramp_made)
		return ctx->exec_tramp_fd;
	if (!cg_exec_tramp_available()) {
		err->code = 0;
		return -1;
	}
	int fd = tramp_memfd(err);

	if (fd < 0)
		return -1;
	ctx->exec_tramp_fd = fd;
	ctx->exec_tramp_made = true;
	return fd;
}

char **cg_exec_tramp_argv(char *const *argv, int sock, int wait_fd)
{
	size_t n = 0, strings = sizeof(CG_TRAMP_MAGIC) + 2 * 12;
	char **out, *s;

	while (argv[n])
		n++;
	out = xcalloc(1, (n + 4) * sizeof(char *) + strings);
	s = (char *)(out + n + 4);
	out[0] = memcpy(s, CG_TRAMP_MAGIC, sizeof(CG_TRAMP_MAGIC));
	out[1] = s + sizeof(CG_TRAMP_MAGIC);
	snprintf(out[1], 12, "%d", sock);
	out[2] = out[1] + 12;
	snprintf(out[2], 12, "%d", wait_fd);
	for (size_t i = 0; i < n; i++)
		out[i + 3] = argv[i];
	return out;
}

int cg_exec_errno_code(int e)
{
	return e == ENOENT || e == ENOTDIR ? 127 : 126;
}

void cg_exec_fail_error(cg_err_t *err, int e, const char *name)
{
	if (e == ENOENT)
		cg_error(err, 0, "exec %s: not found in the container (check the command and PATH)", name);
	else
		cg_error(err, e, "exec %s", name);
	err->code = e;
	err->exit_code = cg_exec_errno_code(e);
}

bool cg_exec_tramp_message(const char *buf, size_t n, cg_err_t *err)
{
	char name[CG_TRAMP_MSG_MAX];
	unsigned e = 0;

	if (n < 6 || n > CG_TRAMP_MSG_MAX || buf[0] != CG_TRAMP_MSG_KIND)
		return false;
	for (int i = 0; i < 4; i++)
		e |= (unsigned)(unsigned char)buf[2 + i] << (8 * i);
	if (e == 0 || e > 4095)
		return false;
	memcpy(name, buf + 6, n - 6);
	name[n - 6] = '\0';
	cg_exec_fail_error(err, (int)e, name);
	return true;
}

void cg_exec_tramp_become_init(int tramp_fd, int cmd, int exit_fd, int oom_fd)
{
	char c[16], e[16], o[16];
	char *argv[] = { (char *)CG_INIT_MAGIC, c, e, o, NULL };
	char *envp[] = { NULL };

	if (tramp_fd < 0) {
		errno = EBADF;
		return;
	}
	snprintf(c, sizeof(c), "%d", cmd);
	snprintf(e, sizeof(e), "%d", exit_fd);
	snprintf(o, sizeof(o), "%d", oom_fd);
	syscall(SYS_execveat, tramp_fd, "", argv, envp, AT_EMPTY_PATH);
}
