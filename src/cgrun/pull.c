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
#include "ctx.h"
#include "image.h"

/* Tool name beside this cgrun (a build tree), or where make install put
 * it when this cgrun is the one make install put in bindir. Never another
 * installation's: a copied cgrun (as the VM tests run) must not pick up a
 * tool built against libraries its machine lacks. */
char *cli_tool_path(const char *name)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (n <= 0 || (slash = strrchr(self, '/')) == NULL)
		return xasprintf("%s/%s", CGRUN_PKGLIBEXECDIR, name);
	self[n] = '\0';
	*slash = '\0';
	char *p = xasprintf("%s/%s", self, name);

	if (access(p, X_OK) == 0 || strcmp(self, CGRUN_BINDIR) != 0)
		return p;
	free(p);
	return xasprintf("%s/%s", CGRUN_PKGLIBEXECDIR, name);
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
	if (policy == CLI_PULL_MISSING && geteuid() != 0)
		return 0;  /* cgrund looks it up; only root writes the store */
	tool = cli_tool_path("cgrun-image");
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
