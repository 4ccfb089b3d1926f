/* cli.h - the cgrun verbs. Each parses its options and calls libcgrun. */
#ifndef CGRUN_CLI_H
#define CGRUN_CLI_H

/* Exit codes (docker's): 125 cgrun itself failed, 126 the command cannot
 * be executed, 127 it was not found; otherwise the command's own status. */
#define EXIT_CGRUN 125

int cmd_run(int argc, char **argv);
int cmd_image(int argc, char **argv);
int cmd_ps(int argc, char **argv);
int cmd_rm(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_logs(int argc, char **argv);
int cmd_stop(int argc, char **argv);
int cmd_kill(int argc, char **argv);
int cmd_wait(int argc, char **argv);
int cmd_pause(int argc, char **argv);
int cmd_unpause(int argc, char **argv);
int cmd_update(int argc, char **argv);
int cmd_exec(int argc, char **argv);
int cmd_stats(int argc, char **argv);

/* Print "cgrun: MSG" on one line. */
void die_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* For getopt errors: one line naming the option and where help is. */
int usage_error(const char *verb, int opt, const char *arg);

#endif
