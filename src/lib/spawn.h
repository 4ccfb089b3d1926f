/* spawn.h - clone the container into its namespaces and cgroups, run its
 * init (PID 1: reaps zombies, forwards signals) and exec the command. */
#ifndef CGRUN_SPAWN_H
#define CGRUN_SPAWN_H

#include <stdbool.h>
#include <sys/ioctl.h>
#include <sys/types.h>

#include "caps.h"
#include "cgroup.h"
#include "exec-tramp.h"  /* cg_exec_errno_code */
#include "rootfs.h"
#include "seccomp.h"
#include "subid.h"
#include "util.h"

struct cg_spawn_args {
	const struct cg_rootfs *rootfs;
	struct cg_cgroup *cg;
	const char *hostname;
	char *const *argv;
	char *const *envp;
	const char *user;          /* USER[:GROUP] or NULL for root */
	const char *workdir;       /* NULL: the user's home */
	const struct cg_caps *caps;
	const struct cg_seccomp *seccomp; /* the command's filter; NULL: unconfined */
	bool no_new_privs;                /* PR_SET_NO_NEW_PRIVS for the command */
	int stdio[3];              /* the command's stdin, stdout, stderr (no tty) */
	bool tty;                  /* a terminal, made in the container's devpts */
	struct winsize winsize;    /* its size (rows 0: leave the default) */
	int exit_fd;               /* the init writes the command's status here */
	bool die_with_parent;      /* PDEATHSIG: the container dies with cgrun */
	int exec_tramp_fd;         /* the exec trampoline (exec-tramp.h) the command
				    * is exec'd through; -1: exec it directly */
	unsigned long nofile;      /* the command's open-files soft limit; 0: ours
				    * (cgrund raises its own, not its containers') */
	/* --userns=auto: the container's ids outside (idmap-mount.h), and the
	 * raw lower directories of rootfs, top first, NULL-terminated. NULL:
	 * the host's user namespace. */
	const struct cg_idmap *idmap;
	const char *const *layers;
	/* Its network namespace: its own (both unset), ours (net_host), or
	 * that of process netns_pid (another container's init), joined by
	 * the init before anything else. */
	bool net_host;
	pid_t netns_pid;
	/* Set by the spawner only (warm-ns.h): the init shares the network,
	 * IPC and UTS namespaces the spawner made ahead for it, instead of
	 * being cloned into new ones; their loopback is up already. */
	bool ns_warm;
};

/* Bring the loopback of our network namespace up. */
int cg_loopback_up(cg_err_t *err);

struct cg_proc {
	pid_t pid;                 /* the container's init, in our PID namespace */
	int pidfd;
	int pty_master;            /* with tty: the terminal's master, else -1 */
};

/* Start a container, in steps, so that its cgroup manager can put the
 * init in its cgroups while the caller's event loop goes on (cgrund and a
 * systemd scope): begin clones the init, which waits; once its cgroups are
 * there (cg_attach_start, unless cg_joined_by_child), finish lets it go on
 * and returns once the command has been exec'd (on failure the container
 * is gone, killed and reaped, and err->exit_code says 125, 126 or 127).
 * abort kills and reaps it instead; err gets its own message if it sent
 * one.
 *
 * finish is go then collect: an event loop sends go, watches sock for
 * input (EPOLLIN) and calls collect without waiting each time it is
 * readable, so an init that takes its time before its command runs (a
 * slow mount, a frozen cgroup) delays nothing else. collect returns 1
 * while the command has not been exec'd yet (only without wait), then 0
 * with out filled, or -1 (the container gone, as after finish). */
struct cg_spawning {
	pid_t pid;
	int pidfd;
	int sock;                  /* the sync socket: readable when there is news */
	int pty_master;            /* with tty: the master, once the init sent it */
	bool tty;
};
int cg_spawn_begin(const struct cg_spawn_args *a, struct cg_spawning *s, cg_err_t *err);
int cg_spawn_finish(struct cg_spawning *s, struct cg_proc *out, cg_err_t *err);
int cg_spawn_go(struct cg_spawning *s, cg_err_t *err);
int cg_spawn_collect(struct cg_spawning *s, bool wait, struct cg_proc *out, cg_err_t *err);
void cg_spawn_abort(struct cg_spawning *s, cg_err_t *err);

/* For a spawner (spawner.c): clone a's init as our parent's child
 * (CLONE_PARENT), sock its end of the sync socket; the init gets a copy of
 * our fd table, which a spawner keeps small. The pid, or -1 with err. */
pid_t cg_spawn_sibling(const struct cg_spawn_args *a, int sock, int *pidfd, cg_err_t *err);

/* Start argv in a running container (joins its cgroups and namespaces);
 * the process is the caller's child. a->cg, caps, user, env, tty, stdio
 * as for cg_spawn; a->rootfs is unused. */
int cg_exec(const struct cg_spawn_args *a, int init_pidfd, struct cg_proc *out, cg_err_t *err);

/* The same in steps, for an event loop (cgrund): begin forks and returns
 * at once; step reads what the child sent, without blocking: 1 while the
 * command has not exec'd yet (call again when sock is readable), 0 once it
 * has (out filled in), -1 with err if it failed (whatever was started is
 * killed and reaped). cmd is the command's pid as soon as it is known (a
 * waitpid(-1) of the caller may reap it before step returns 0). */
struct cg_execing {
	pid_t mid;                 /* the middle process (joins, then clones) */
	pid_t cmd;                 /* the command, once known, else -1 */
	int sock;                  /* to poll for reading; -1 once done */
	int pty_master;
	bool tty;
};
int cg_exec_begin(const struct cg_spawn_args *a, int init_pidfd, struct cg_execing *x, cg_err_t *err);
int cg_exec_step(struct cg_execing *x, struct cg_proc *out, cg_err_t *err);

/* Pure: whether a cgroup.events text says the cgroup is frozen. */
bool cg_events_frozen(const char *events);
/* Pure: the exit status cgrun reports for a wait status. */
int cg_exit_code(int wstatus);

#endif
