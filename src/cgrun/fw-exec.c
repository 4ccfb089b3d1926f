/* fw-exec.c - the firewall hooks (fw-hooks.h) of an in-process cgrun: it
 * must not load libnftables, so it runs cgrun-fw (src/cgrun-fw/main.c),
 * which does what cgrund does. Run only when there is something to do: a
 * container that publishes ports, or networks changed since the last
 * set-up of the table (the stamp file). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include "cli.h"
#include "ctx.h"
#include "fw-hooks.h"

struct argvec {
	char **v;
	size_t n;
};

static void add(struct argvec *a, char *s)
{
	a->v = realloc(a->v, (a->n + 2) * sizeof(char *));
	if (a->v == NULL)
		abort();
	a->v[a->n++] = s;
	a->v[a->n] = NULL;
}

static void argvec_free(struct argvec *a, size_t keep)
{
	for (size_t i = keep; i < a->n; i++)
		free(a->v[i]);
	free(a->v);
}

/* Runs cgrun-fw with a's arguments; each "port SPEC" line of its output
 * goes to ports (when not NULL), "warning" lines to the log. */
static int run_tool(const struct cg_ctx *ctx, struct argvec *a, struct cgnet_ports *ports, cg_err_t *err)
{
	cleanup_free char *tool = cli_tool_path("cgrun-fw");
	char line[1024], error[900] = "";
	int fd[2], status;
	pid_t pid;
	FILE *f;

	a->v[0] = tool;
	if (pipe2(fd, O_CLOEXEC) < 0)
		return cg_error(err, errno, "pipe");
	if ((pid = fork()) < 0) {
		close(fd[0]);
		close(fd[1]);
		return cg_error(err, errno, "fork");
	}
	if (pid == 0) {
		dup2(fd[1], STDOUT_FILENO);
		execv(tool, a->v);
		printf("error cannot run %s (NAT and published ports need it; make install puts it there): %s\n",
		       tool, strerror(errno));
		fflush(stdout);
		_exit(127);
	}
	close(fd[1]);
	f = fdopen(fd[0], "r");
	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "port ", 5) && ports) {
			cg_err_t e = { 0 };

			if (cgnet_port_parse(line + 5, ports, &e) < 0)
				snprintf(error, sizeof(error), "cgrun-fw: %.800s", e.msg);
		} else if (!strncmp(line, "warning ", 8)) {
			cg_log(ctx, LOG_WARNING, "%s", line + 8);
		} else if (!strncmp(line, "error ", 6)) {
			snprintf(error, sizeof(error), "%.880s", line + 6);
		}
	}
	if (f)
		fclose(f);
	else
		close(fd[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return cg_error(err, errno, "waiting for cgrun-fw");
	if (error[0])
		return cg_error(err, 0, "%s", error);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return cg_error(err, 0, "%s failed (status %d)", tool, status);
	return 0;
}

static void add_common(struct argvec *a, const char *verb, uint32_t addr, const struct cgnet_port *v, size_t n)
{
	char ip[CG_IP4_STRLEN];

	add(a, NULL);
	add(a, xstrdup(verb));
	add(a, xasprintf("--addr=%s", cg_ip4_format(addr, ip)));
	for (size_t i = 0; i < n; i++) {
		cleanup_free char *s = cgnet_port_spec(&v[i]);

		add(a, xasprintf("--publish=%s", s));
	}
}

static int attach(void *data, const struct cg_fw_attach *at, cg_err_t *err)
{
	const struct cg_ctx *ctx = data;
	struct argvec a = { 0 };
	struct cgnet_ports got = { 0 };
	int r;

	if (at->nports == 0 && cg_fw_stamp_is(at->stamp, at->nets_key))
		return 0;
	add_common(&a, "attach", at->addr, at->ports, at->nports);
	add(&a, xasprintf("--run-dir=%s", ctx->run_dir));
	for (size_t i = 0; i < at->nnets; i++) {
		char cidr[CG_CIDR_STRLEN];

		add(&a, xasprintf("--net=%s=%s", at->nets[i].bridge, cg_cidr_format(&at->nets[i].subnet, cidr)));
	}
	add(&a, xstrdup(at->id));
	r = run_tool(ctx, &a, &got, err);
	argvec_free(&a, 1);
	if (r == 0 && got.n != at->nports)
		r = cg_error(err, 0, "cgrun-fw gave %zu ports for %zu", got.n, at->nports);
	if (r == 0)
		memcpy(at->ports, got.v, got.n * sizeof(*got.v));
	cgnet_ports_free(&got);
	return r;
}

static int detach(void *data, const struct cg_fw_detach *d, cg_err_t *err)
{
	struct argvec a = { 0 };
	int r;

	if (d->nports == 0)
		return 0;
	add_common(&a, "detach", d->addr, d->ports, d->nports);
	add(&a, xstrdup(d->id));
	r = run_tool(data, &a, NULL, err);
	argvec_free(&a, 1);
	return r;
}

const struct cg_fw_hooks cli_fw_hooks = { attach, detach, NULL };
