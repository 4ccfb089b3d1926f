/* pull.c - `cgrun pull`, `login`, `logout`, `image load|save` and run's --pull: they exec cgrun-image, the
 * program that links the registry client (image-tool.c says why it is
 * one of its own). */
#include "config.h"

#include "pull-policy.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "cli-util.h"
#include "client.h"
#include "ctx.h"
#include "helper-path.h"
#include "image.h"
#include "imgref.h"
#include "pull-client.h"

static char *image_tool(void)
{
	return cg_helper_path("cgrun-image", CGRUN_BINDIR, CGRUN_PKGLIBEXECDIR);
}

/* A helper program beside this cgrun, or make install's (helper-path.h). */
char *cli_tool_path(const char *name)
{
	return cg_helper_path(name, CGRUN_BINDIR, CGRUN_PKGLIBEXECDIR);
}

/* cgrun VERB ARGS... becomes cgrun-image VERB ARGS... */
int exec_image_tool(const char *verb, int argc, char **argv)
{
	cleanup_free char *tool = cli_tool_path("cgrun-image");
	char **v = xcalloc((size_t)argc + 2, sizeof(char *));

	v[0] = tool;
	v[1] = (char *)verb;
	for (int i = 1; i < argc; i++)
		v[i + 1] = argv[i];
	execv(tool, v);
	die_msg("cannot run %s (it talks to registries; make install puts it there): %s", tool, strerror(errno));
	free(v);
	return EXIT_CGRUN;
}

/* Root pulls in cgrun-image; so does anyone else: cgrun-image asks cgrund
 * then (a member of its group cannot write the store). */
int cmd_pull(int argc, char **argv)
{
	return exec_image_tool("pull", argc, argv);
}

int cmd_login(int argc, char **argv)
{
	return exec_image_tool("login", argc, argv);
}

int cmd_logout(int argc, char **argv)
{
	return exec_image_tool("logout", argc, argv);
}

int cli_pull_policy(const char *s, enum cli_pull *p, cg_err_t *err)
{
	if (!strcmp(s, "missing"))
		*p = CLI_PULL_MISSING;
	else if (!strcmp(s, "always"))
		*p = CLI_PULL_ALWAYS;
	else if (!strcmp(s, "never"))
		*p = CLI_PULL_NEVER;
	else
		return cg_error(err, 0, "--pull takes missing, always or never, not '%s'", s);
	return 0;
}

/* Only root writes the store: cgrund pulls for the others, and decides
 * whether to (the store may be closed to us). */
static int pull_for_run_as_member(const char *image, enum cli_pull policy, cg_err_t *err)
{
	struct pull_request p = { .image = image, .tls_verify = true, .for_run = true,
				  .policy = policy == CLI_PULL_ALWAYS ? "always" : "missing" };
	struct cg_imgref ref;
	cg_err_t ignore = { 0 };
	int code;

	if (cg_imgref_parse(image, &ref, &ignore) < 0)
		return 0;  /* not a reference: only an imported image can be it */
	cg_imgref_free(&ref);
	if (!client_daemon_up())
		return 0;  /* the run says that it needs cgrund */
	if ((code = pull_needed_cgrund(&p, err)) <= 0)
		return code;
	if (pull_via_cgrund(&p, &code, err) < 0)
		return -1;
	if (code == 0)
		return 0;
	if (code == EXIT_CGRUN)
		return CLI_PULL_REPORTED;  /* cgrun-image said why, on one line */
	return cg_error(err, 0, "pulling image '%s' failed: cgrun-image ended with status %d", image, code);
}

int cli_pull_for_run(const char *image, enum cli_pull policy, cg_err_t *err)
{
	cleanup_free char *key = NULL, *tool = NULL;
	int status;
	pid_t pid;

	if (policy == CLI_PULL_NEVER)
		return 0;
	key = cg_image_resolve(cli_ctx(), image);
	if (key && (policy == CLI_PULL_MISSING || strchr(key, '+') == NULL))
		return 0;  /* there; and an imported image is never pulled over */
	if (geteuid() != 0)
		return pull_for_run_as_member(image, policy, err);
	tool = image_tool();
	pid = fork();
	if (pid < 0)
		return cg_error(err, errno, "fork");
	if (pid == 0) {
		char *v[] = { tool, "run-pull", (char *)image, NULL };

		/* Progress goes to stderr, as docker's does on run. */
		if (dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
			_exit(EXIT_CGRUN);
		execv(tool, v);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return cg_error(err, errno, "waiting for the pull of %s", image);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	/* No cgrun-image here (or it cannot load): the run goes on, and the
	 * store's lookup says the image is missing and how to get one. */
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && policy == CLI_PULL_MISSING)
		return 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == EXIT_CGRUN)
		return CLI_PULL_REPORTED;  /* cgrun-image said why, on one line */
	return cg_error(err, 0, "pulling image '%s' failed: cgrun-image %s %d", image,
			WIFEXITED(status) ? "exited with status" : "was killed by signal",
			WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
}
