/* cli.h - the cgrun verbs, for main.c's dispatcher. Each parses its
 * options and calls libcgrun; what they share is in cli-util.h. */
#ifndef CGRUN_CLI_H
#define CGRUN_CLI_H

int cmd_run(int argc, char **argv);
int cmd_image(int argc, char **argv);
int cmd_images(int argc, char **argv);
int cmd_network(int argc, char **argv);
int cmd_ps(int argc, char **argv);
int cmd_rm(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_port(int argc, char **argv);
int cmd_logs(int argc, char **argv);
int cmd_stop(int argc, char **argv);
int cmd_kill(int argc, char **argv);
int cmd_wait(int argc, char **argv);
int cmd_pause(int argc, char **argv);
int cmd_unpause(int argc, char **argv);
int cmd_update(int argc, char **argv);
int cmd_exec(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_pull(int argc, char **argv);
int cmd_login(int argc, char **argv);
int cmd_logout(int argc, char **argv);
/* cgrun VERB ARGS... as cgrun-image VERB ARGS... (pull.c): the verbs that
 * need libcurl, libarchive or libcrypto. Returns only on failure. */
int exec_image_tool(const char *verb, int argc, char **argv);
/* A helper program of cgrun's (cgrun-image, cgrun-fw): beside cgrun in a
 * build tree, else in pkglibexecdir (malloc'd). */
char *cli_tool_path(const char *name);
/* The firewall hooks for in-process runs (fw-exec.c): ctx.fw. */
extern const struct cg_fw_hooks cli_fw_hooks;

#endif
