/* ctx.h - what every library call works within: where images, records and
 * runtime state live, how the host's cgroups are laid out, which cgroup
 * manager makes new containers' cgroups, where messages for a human go, and
 * the settings containers inherit. The program (cgrun, cgrund) makes one
 * from its options, environment and configuration and passes it down: the
 * library reads no environment, prints nothing and keeps no settings of its
 * own. */
#ifndef CGRUN_CTX_H
#define CGRUN_CTX_H

#include <stdbool.h>
#include <sys/types.h>

#include "cgroup-mode.h"
#include "util.h"

struct cg_manager;
struct cg_spawner;
struct cg_fw_hooks;

/* level: syslog's (LOG_WARNING, ...); msg: one line without newline. */
typedef void cg_log_fn(void *data, int level, const char *msg);

struct cg_ctx {
	const char *store_dir;          /* images, containers/<id>, names/ */
	const char *run_dir;            /* containers/<id> exit files, socket, stats */
	const struct cg_layout *layout; /* the host's cgroups (cg_ctx_detect) */
	struct cg_manager *mgr;         /* the manager of new containers' cgroups */
	cg_log_fn *log;                 /* NULL: messages are dropped */
	void *log_data;
	unsigned long nofile;           /* containers' RLIMIT_NOFILE soft limit; 0: ours */
	/* --userns=auto: the subordinate id files and the user whose ranges
	 * containers get (default /etc/subuid, /etc/subgid, "cgrun"). */
	const char *subuid_file;
	const char *subgid_file;
	const char *subid_user;
	/* Who uses an image (a container's name or id, malloc'd), or NULL:
	 * asked by image rm and import --replace just before they act. The
	 * program sets cg_container_using_image; NULL: no image is in use. */
	char *(*image_user)(const struct cg_ctx *ctx, const char *image);
	/* The init of the running container key names, for
	 * --network=container:KEY (0 with *pid, or -1 with err). The program
	 * sets cg_container_running_init; NULL: that mode is refused. */
	int (*running_init)(const struct cg_ctx *ctx, const char *key, pid_t *pid, cg_err_t *err);
	struct cg_layout *layout_own;   /* what cg_ctx_layout detected */
	struct cg_manager *managers[2]; /* one of each kind, made by cg_manager_pick */
	int exec_tramp_fd;              /* the exec trampoline's memfd (exec-tramp.h) */
	bool exec_tramp_made;           /* ... once made by cg_ctx_exec_tramp */
	/* The default bridge network's subnet (CIDR text); NULL: the
	 * network_subnet of cgrund.conf at dconf_file (read when a container
	 * joins the bridge), else 10.88.0.0/16. cgrund sets the first from
	 * its settings, cgrun the second, so both agree. cgrun's one read of
	 * cgrund.conf (cg_ctx_default_network) keeps it in network_subnet_buf,
	 * so a run on the bridge does not read the file again. */
	const char *network_subnet;
	char network_subnet_buf[64];
	const char *dconf_file;
	/* The network of containers created without --network; NULL: as
	 * cg_ctx_default_network finds it (container-net.h). cgrund sets it
	 * from its settings; cgrun leaves it to dconf_file's `network`. */
	const char *default_network;
	char default_network_buf[64];
	/* cgrund's spawner (spawner.h): inits are cloned there; NULL: here. */
	struct cg_spawner *spawner;
	/* The firewall of bridge networks (fw-hooks.h); NULL: containers on
	 * them get an address but no NAT, and -p is refused. */
	const struct cg_fw_hooks *fw;
	void *fw_data;
};

/* The built-in store and run directories (configure's --with-store-dir,
 * --with-run-dir), nothing detected yet. */
void cg_ctx_init(struct cg_ctx *ctx);
/* The host's cgroup layout: ctx->layout, else detected on first use and
 * kept in ctx (a cg_layout is about 100 KiB of paths, too much to hold per
 * container; the host's mounts and our own cgroup do not change under a
 * running process, and cgrund moves itself into its leaf before the first
 * use). NULL with err if detection fails; it is tried again then. */
const struct cg_layout *cg_ctx_layout(struct cg_ctx *ctx, cg_err_t *err);
/* Free what the library keeps in ctx (a manager with an open bus to
 * systemd is kept: its connection goes with the process). */
void cg_ctx_free(struct cg_ctx *ctx);
/* A message for a human, through ctx's log function. */
void cg_log(const struct cg_ctx *ctx, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
