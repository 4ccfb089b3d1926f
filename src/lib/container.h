/* container.h - a container's life: create (validate, name, scratch layer,
 * cgroups), start (spawn), finish (exit status, OOM, undo), and its record
 * on disk. Used by the in-process CLI and by cgrund alike. */
#ifndef CGRUN_CONTAINER_H
#define CGRUN_CONTAINER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/types.h>

#include "cgroup.h"
#include "cgroup-mode.h"
#include "ctx.h"
#include "image.h"
#include "network.h"
#include "slirp-proc.h"
#include "record-codec.h"
#include "spawn.h"
#include "spec.h"
#include "subid.h"
#include "util.h"

struct cg_container {
	struct cg_ctx *ctx;            /* where it lives, who makes its cgroups */
	char id[65];
	char hostname[65];
	struct cg_spec *spec;          /* owned by the caller */
	struct cg_image image;
	const struct cg_layout *layout; /* its ctx's */
	struct cg_manager *mgr;        /* who makes its cgroups (its record says) */
	struct cg_cgroup cg;
	char *dir;                     /* <store>/containers/<id>: layers, record */
	char *rundir;                  /* <run>/containers/<id>: exit status, log */
	char **argv;                   /* the image's Entrypoint, then the spec's or the image's Cmd */
	char **argv_owned;             /* argv's array when it joins two (its strings are theirs) */
	char **envp;                   /* the image's Env under the spec's (cg_env_merge) */
	const char *user, *workdir;    /* the spec's, else the image's */
	int stop_signal;               /* what stop sends first: the image's StopSignal, else SIGTERM */
	bool made_dir, made_name, made_cgroup;
	struct cg_idmap idmap;         /* --userns=auto: its ids outside; count 0: host */
	const char *owner;             /* "cgrun" (in-process) or "cgrund" */
	pid_t owner_pid;               /* the owner process as recorded; 0: this one */
	unsigned long long owner_start;

	enum cg_state state;
	pid_t pid;                     /* the container's init */
	int pidfd;
	unsigned long long pid_start;  /* for re-adoption: pid reuse check */
	int pty_master;
	int exit_code;                 /* -1 until known */
	bool oom_killed;
	int restarts;
	int64_t created, started, finished;
	struct cg_spawning spawning;   /* between start_begin and start_finish */
	struct cg_net_attachment net;  /* --network=bridge while it runs (addr 0: none) */
	struct cgnet_ports ports;      /* published while it runs, host ports chosen */
};

struct cg_start {
	int stdio[3];                  /* without tty: the command's stdio */
	bool tty;                      /* a terminal; its master comes back */
	struct winsize winsize;        /* its initial size */
	bool die_with_owner;           /* PDEATHSIG: foreground runs */
};

/* Validate spec, then make the name, the scratch layer and the cgroups
 * (with ctx->mgr, the cgroup manager of new containers). spec's
 * cgroup_parent defaults to that manager's. On failure nothing is left. */
int cg_container_create(struct cg_ctx *ctx, struct cg_container *c, struct cg_spec *spec,
			const char *owner, cg_err_t *err);
/* Spawn the container (again, for a restart) and wait until its command
 * has been exec'd. */
int cg_container_start(struct cg_container *c, const struct cg_start *s, cg_err_t *err);
/* The same in steps, for an event loop (cgrund): begin clones the init,
 * which waits; if its cgroups are not joined by the init itself
 * (cg_joined_by_child), the caller has them made with cg_attach_start on
 * c->cg and c->spawning.pid; then finish lets it run, or abort ends it. */
int cg_container_start_begin(struct cg_container *c, const struct cg_start *s, cg_err_t *err);
/* Between start_begin and start_finish or start_abort: its init waits. */
static inline bool cg_container_starting(const struct cg_container *c)
{
	return c->spawning.pid > 0;
}
int cg_container_start_finish(struct cg_container *c, cg_err_t *err);
/* start_finish in two steps for an event loop: go lets the init go on;
 * poll (each time c->spawning.sock is readable, without wait) returns 1
 * until the command has been exec'd, then 0 (running, recorded) or -1
 * (gone, as after a failed start_finish). See cg_spawn_collect. */
int cg_container_start_go(struct cg_container *c, cg_err_t *err);
/* start_go for a loop that must not wait for slirp4netns (up to
 * CG_SLIRP_READY_TIMEOUT_MS): 1 when c is on --network=slirp4netns, which
 * is launched (*slirp); start_go_on once slirp->ready is readable, or with
 * timed_out when that time has passed, goes on as start_go (0, or -1 with
 * the init aborted and slirp4netns gone). Else as start_go. To give up
 * meanwhile: cg_slirp_abort (slirp-proc.h), then start_abort. */
int cg_container_start_go_begin(struct cg_container *c, struct cg_slirp_proc *slirp, cg_err_t *err);
int cg_container_start_go_on(struct cg_container *c, struct cg_slirp_proc *slirp, bool timed_out, cg_err_t *err);
int cg_container_start_poll(struct cg_container *c, bool wait, cg_err_t *err);
void cg_container_start_abort(struct cg_container *c, cg_err_t *err);
/* Before a restart: a container in a systemd scope gets a new one (the
 * old one went, or is going, with its last process), named after
 * c->restarts; cgroupfs keeps its cgroups across restarts. */
int cg_container_renew_cgroup(struct cg_container *c, cg_err_t *err);
/* The container's init has ended: record how (wstatus from waitpid, or
 * -1 to read the status its init left in <rundir>/exit). */
void cg_container_exited(struct cg_container *c, int wstatus);
/* Undo: cgroups always; name, layers and record unless kept. */
void cg_container_destroy(struct cg_container *c, bool keep);
/* cg_container_destroy(c, false) for cgrund, which answers its client in
 * between: the container's directory leaves the store at once (renamed to
 * containers/.rm-ID, which listings skip) and the returned path is for the
 * caller to remove after answering (on ext4 the unlinks of a container's
 * layers took about a millisecond here). NULL: nothing is left to remove. */
char *cg_container_destroy_later(struct cg_container *c);
/* Remove what a process killed half-way through making or removing a
 * container left without a record (cgrund, as it starts): containers/.rm-*,
 * a container directory with no config.json, a name whose container has
 * no record, a run directory whose container has none. Making and
 * removing keep to an order (the record first in, last out) under which
 * these can only be leftovers; a concurrent in-process create may lose
 * its directory in the moment before its record is written, and fail. */
void cg_container_orphans_gc(const struct cg_ctx *ctx);
/* (Re)write the init layer's /etc/hostname, /etc/hosts and
 * /etc/resolv.conf (src/net/etc-files.h) for the container's address on
 * its network (NULL: none) and, on a user network, its gateway (where the
 * DNS responder listens; NULL: the host's resolvers). create writes them
 * with neither; call it again once they are known, before the container
 * starts (the init layer is a lower layer of the mounted overlay, whose
 * changes a running container may not see). */
int cg_container_write_etc(struct cg_container *c, const char *ip, const char *gateway, cg_err_t *err);
/* Write the record (<dir>/config.json) atomically. */
int cg_container_save(struct cg_container *c, cg_err_t *err);
/* Rebuild from a record, for re-adoption or removal. spec is filled and
 * must outlive c; the record's JSON is kept in *json (json_object_put it). */
int cg_container_load(struct cg_ctx *ctx, const char *id, struct cg_container *c,
		      struct cg_spec *spec, void **json, cg_err_t *err);
void cg_container_free(struct cg_container *c);

struct cg_proc;
/* Run argv inside the running container, as its command runs (user, caps,
 * env); the process is the caller's child (see cg_exec). */
int cg_container_exec(struct cg_container *c, char **argv, bool tty, const struct winsize *ws,
		      const int stdio[3], struct cg_proc *out, cg_err_t *err);
/* The same in steps (cg_exec_begin, then cg_exec_step on x until it
 * returns 0 or -1): for an event loop, which goes on meanwhile. */
int cg_container_exec_begin(struct cg_container *c, char **argv, bool tty, const struct winsize *ws,
			    const int stdio[3], struct cg_execing *x, cg_err_t *err);
/* Send a signal to the container's init (it forwards to the command). */
int cg_container_kill(struct cg_container *c, int sig, cg_err_t *err);

/* Pure: the directory list "init:image..." overlay takes as lowerdir: the
 * init layer escaped (a store path may hold ':' or ','), then the image's
 * lowerdirs as they are (struct cg_image's, escaped already). */
char *cg_overlay_lowerdirs(const char *init_layer, const char *image_lowerdirs);

#endif
