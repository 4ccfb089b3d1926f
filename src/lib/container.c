/* container.c - a container's life, shared by the CLI and cgrund.
 *
 * Undo is recorded as it goes (the `made` flags) and run in reverse on
 * every failure path: the cgroups, the name, the scratch directory. */
#include "config.h"

#include "container.h"
#include "limit-table.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>

#include "container-net.h"
#include "container-slirp.h"
#include "etc-files.h"
#include "exec-tramp.h"
#include "hosts-file.h"
#include "netmode.h"
#include "proc.h"
#include "rootfs.h"
#include "secopt.h"
#include "spawn.h"
#include "spawner.h"
#include "store.h"
#include "userns.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

char *cg_overlay_lowerdirs(const char *init_layer, const char *image_lowerdirs)
{
	cleanup_free char *init = cg_overlay_escape(init_layer);

	return xasprintf("%s:%s", init, image_lowerdirs);
}

/* What the run takes from the image's config where the spec says nothing:
 * its environment (under the spec's), user and working directory. */
static void apply_image_config(struct cg_container *c)
{
	free(c->envp);
	c->envp = cg_env_merge(c->image.env, c->spec->env);
	c->user = c->spec->user ? c->spec->user : c->image.user;
	c->workdir = c->spec->workdir ? c->spec->workdir : c->image.workdir;
	/* A name this host has no number for (or none): stop as docker
	 * does without one. */
	c->stop_signal = c->image.stop_signal ? cg_signal_parse(c->image.stop_signal) : -1;
	if (c->stop_signal <= 0 || c->stop_signal == SIGKILL)
		c->stop_signal = SIGTERM;
}

/* docker's rule: the image's Entrypoint, then the run's command or else
 * the image's Cmd. */
static void pick_argv(struct cg_container *c)
{
	char **tail = c->spec->argv && c->spec->argv[0] ? c->spec->argv : c->image.cmd;
	char *one[] = { c->spec->entrypoint, NULL };
	char **entry = c->image.entrypoint;
	size_t ne = 0, nt = 0;

	/* --entrypoint=X replaces the image's Entrypoint and, as docker's,
	 * drops its Cmd; --entrypoint="" leaves the command (or Cmd) alone. */
	if (c->spec->entrypoint) {
		entry = c->spec->entrypoint[0] ? one : NULL;
		if (entry && !(c->spec->argv && c->spec->argv[0]))
			tail = NULL;
	}
	free(c->argv_owned);
	c->argv_owned = NULL;
	c->argv = tail;
	while (entry && entry[ne])
		ne++;
	if (ne == 0)
		return;
	while (tail && tail[nt])
		nt++;
	c->argv_owned = xcalloc(ne + nt + 1, sizeof(char *));
	memcpy(c->argv_owned, entry, ne * sizeof(char *));
	if (nt)
		memcpy(c->argv_owned + ne, tail, nt * sizeof(char *));
	c->argv = c->argv_owned;
}

static bool command_in_layer(const struct cg_container *r, const char *dir, const char *argv0);

/* Is argv0 an executable inside the image (resolved within its root)? The
 * check spares a whole container start for a typo; volumes may shadow it.
 * A layered image is looked at layer by layer, top first: a name found in
 * none of them may still be reached through a symlink of a lower layer
 * (/bin -> usr/bin) into a higher one when it holds a '/': exec decides. */
static bool command_in_image(const struct cg_container *r, const char *argv0)
{
	for (size_t i = 0; r->image.lowers && r->image.lowers[i]; i++)
		if (command_in_layer(r, r->image.lowers[i], argv0))
			return true;
	return r->image.rootfs == NULL && strchr(argv0, '/') != NULL;
}

static bool command_in_layer(const struct cg_container *r, const char *dir, const char *argv0)
{
	cleanup_close int root = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	const char *path = DEFAULT_PATH;

	if (root < 0)
		return false;
	for (size_t i = 0; i < r->spec->nvolumes; i++)
		if (!strncmp(argv0, r->spec->volumes[i].dst, strlen(r->spec->volumes[i].dst)) ||
		    strchr(argv0, '/') == NULL)
			return true;  /* a volume may provide it: let exec decide */
	for (size_t i = 0; r->envp && r->envp[i]; i++)
		if (!strncmp(r->envp[i], "PATH=", 5))
			path = r->envp[i] + 5;
	if (strchr(argv0, '/')) {
		struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT };
		int fd = (int)syscall(SYS_openat2, root, argv0, &how, sizeof(how));

		if (fd < 0)
			return r->workdir != NULL && argv0[0] != '/';
		close(fd);
		return true;
	}
	cleanup_free char *copy = xstrdup(path);
	char *save = NULL;

	for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		cleanup_free char *p = xasprintf("%s/%s", d, argv0);
		struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT };
		int fd = (int)syscall(SYS_openat2, root, p, &how, sizeof(how));

		if (fd >= 0) {
			close(fd);
			return true;
		}
	}
	return false;
}

static int validate(struct cg_container *c, cg_err_t *err)
{
	struct cg_spec *s = c->spec;

	if (s->name && !valid_container_name(s->name))
		return cg_error(err, 0, "invalid container name '%s': use letters, digits, '.', '_' and '-'", s->name);
	/* It goes into /etc/hosts and the UTS namespace: a name, nothing else. */
	if (s->hostname && !cg_hostname_valid(s->hostname, 64))
		return cg_error(err, 0, "invalid hostname '%.64s': at most 64 characters, dot-separated labels of letters, digits, '-' and '_'",
				cg_shown(s->hostname));
	if (s->workdir && s->workdir[0] != '/')
		return cg_error(err, 0, "invalid working directory '%s': it must be an absolute path", s->workdir);
	if (cg_manager_check_parent(c->mgr, s->cgroup_parent, err) < 0)
		return -1;
	if (s->restart && cg_restart_parse(s->restart, NULL, NULL, err) < 0)
		return -1;
	if (s->user) {
		struct user_spec us;
		char *buf;

		if (parse_user(s->user, &us, &buf, err) < 0)
			return -1;
		free(buf);
	}
	for (size_t i = 0; i < s->nvolumes; i++) {
		struct stat st;

		if (stat(s->volumes[i].src, &st) < 0)
			return cg_error(err, errno, "volume source %s", s->volumes[i].src);
	}
	if (cg_limits_validate(&s->limits, err) < 0)
		return -1;
	/* cgrun checked it, but a spec from the socket may come from anyone. */
	if (cg_spec_seccomp_check(c->ctx->run_dir, s, err) < 0)
		return -1;
	if (cg_image_lookup(c->ctx, s->image, &c->image, err) < 0)
		return -1;
	apply_image_config(c);
	if (c->user && !s->user) {
		struct user_spec us;
		char *buf;

		if (parse_user(c->user, &us, &buf, err) < 0)
			return cg_error_wrap(err, "image '%s' names its user", s->image);
		free(buf);
	}
	pick_argv(c);
	if (c->argv == NULL || c->argv[0] == NULL)
		return cg_error(err, 0, "no command given and image '%s' has no default; add one after the image name", s->image);
	if (!command_in_image(c, c->argv[0])) {
		cg_error(err, 0, "command '%s' not found in image '%s'", c->argv[0], s->image);
		err->exit_code = 127;
		return -1;
	}
	if ((c->layout = cg_ctx_layout(c->ctx, err)) == NULL)
		return -1;
	if (s->userns) {
		bool automatic;

		if (cg_userns_parse(s->userns, &automatic, err) < 0)
			return -1;
		if (automatic && cg_userns_unsupported(c->layout->mode))
			return cg_error(err, 0, "%s", cg_userns_unsupported(c->layout->mode));
	}
	if (cg_container_net_validate(c->ctx, s, err) < 0)
		return -1;
	for (size_t i = 0; i < s->nvolumes; i++)
		if (s->volumes[i].idmap && (s->userns == NULL || strcmp(s->userns, "auto") != 0))
			return cg_error(err, 0, "volume %s:%s: idmap needs --userns=auto (the ids to map to)",
					s->volumes[i].src, s->volumes[i].dst);
	return cg_check_limits(c->mgr, c->layout, s->cgroup_parent, &s->limits, err);
}

static int reserve_name(struct cg_container *c, cg_err_t *err)
{
	cleanup_free char *nd = cg_names_dir(c->ctx);
	cleanup_free char *link = NULL;

	if (c->spec->name == NULL)
		return 0;
	if (mkdir_p(nd, 0700, err) < 0)
		return -1;
	link = xasprintf("%s/%s", nd, c->spec->name);
	/* symlink(2) is the lock: it fails if the name is taken. */
	if (symlink(c->id, link) < 0) {
		if (errno == EEXIST)
			return cg_error(err, 0, "the container name '%s' is already in use; remove that container with 'cgrun rm %s' or choose another --name",
					c->spec->name, c->spec->name);
		return cg_error(err, errno, "reserving name %s", c->spec->name);
	}
	c->made_name = true;
	return 0;
}

int cg_container_write_etc(struct cg_container *c, const char *ip, const char *gateway, cg_err_t *err)
{
	cleanup_free char *etc = xasprintf("%s/init/etc", c->dir);
	struct cg_etc_files_in files = {
		.hostname = c->hostname, .ip = ip, .gateway = gateway,
		.forwarder = cg_container_net_dns_forwarder(c), .dns = c->spec->dns,
		.dns_search = c->spec->dns_search, .dns_options = c->spec->dns_options,
		.add_hosts = c->spec->add_hosts,
	};

	return cg_etc_files_write(etc, &files, err);
}

static int write_init_layer(struct cg_container *c, cg_err_t *err)
{
	static const char *const subdirs[] = { "upper", "work", "init", "init/etc", "rootfs" };

	for (size_t i = 0; i < ARRAY_SIZE(subdirs); i++) {
		cleanup_free char *d = xasprintf("%s/%s", c->dir, subdirs[i]);

		if (mkdir(d, 0755) < 0)
			return cg_error(err, errno, "mkdir %s", d);
	}
	/* Before its network is set up: no address yet. On a user network of
	 * a cgrund container, the resolver is cgrund's DNS responder on the
	 * network's gateway (names of the other containers); else the host's
	 * resolvers. */
	char gw[CG_IP4_STRLEN];

	return cg_container_write_etc(c, NULL, cg_container_net_dns_server(c, gw, sizeof(gw)), err);
}

static int make_dirs(struct cg_container *c, cg_err_t *err)
{
	cleanup_free char *cd = cg_containers_dir(c->ctx);
	cleanup_free char *rd = cg_run_containers_dir(c->ctx);

	if (mkdir_p(cd, 0700, err) < 0 || mkdir_p(rd, 0755, err) < 0)
		return -1;
	c->dir = xasprintf("%s/%s", cd, c->id);
	c->rundir = xasprintf("%s/%s", rd, c->id);
	if (mkdir(c->dir, 0700) < 0)
		return cg_error(err, errno, "mkdir %s", c->dir);
	c->made_dir = true;
	if (mkdir(c->rundir, 0755) < 0 && errno != EEXIST)
		return cg_error(err, errno, "mkdir %s", c->rundir);
	return write_init_layer(c, err);
}

int cg_container_save(struct cg_container *c, cg_err_t *err)
{
	/* A view of c for the codec: it only reads, nothing here is owned but
	 * the array of cgroup directories. */
	const char *cgroups[CG_NCTRL + 2];
	size_t n = 0;
	struct cg_record r = {
		.spec = *c->spec, .argv = c->argv, .state = c->state, .exit_code = c->exit_code,
		.oom_killed = c->oom_killed, .restarts = c->restarts, .created = c->created,
		.started = c->started, .finished = c->finished, .pid = c->pid > 0 ? c->pid : 0,
		.pid_start = c->pid_start, .by_cgrund = !strcmp(c->owner, "cgrund"),
		/* Saved by another process (cgrun pause, update): the owner stays. */
		.owner_pid = c->owner_pid > 0 ? c->owner_pid : getpid(),
		.owner_start = c->owner_pid > 0 ? c->owner_start : cg_proc_start_time(getpid()),
		.cgroup_mode = c->layout ? cg_mode_name(c->layout->mode) : NULL,
		.cgroup_manager = c->mgr ? cg_manager_name(c->mgr) : NULL,
		.idmap = c->idmap,
		.net = c->net,
		.ports = c->ports,
	};

	memcpy(r.id, c->id, sizeof(r.id));
	memcpy(r.hostname, c->hostname, sizeof(r.hostname));
	if (c->made_cgroup) {
		for (int i = 0; i < CG_NCTRL; i++)
			if (c->cg.path[i])
				cgroups[n++] = c->cg.path[i];
		if (c->cg.unified_path && !c->cg.unified_has_ctrls)
			cgroups[n++] = c->cg.unified_path;
		cgroups[n] = NULL;
		r.cgroups = cgroups;
		r.events = c->cg.unified_path;
		r.scope = c->cg.unit;
	}
	return cg_record_write(c->dir, &r, err);
}

/* --userns=auto: a block of ids of its own (recorded in the store beside
 * the record, which is written already: cg_container_orphans_gc), and its
 * upper layer theirs, so that its root writes there as itself. */
static int take_ids(struct cg_container *c, cg_err_t *err)
{
	static const char *const own[] = { "upper", "work" };

	if (cg_userns_alloc(c->ctx, c->id, &c->idmap, err) < 0)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(own); i++) {
		cleanup_free char *d = xasprintf("%s/%s", c->dir, own[i]);

		if (chown(d, c->idmap.uid, c->idmap.gid) < 0)
			return cg_error(err, errno, "chown %s", d);
	}
	return 0;
}

int cg_container_create(struct cg_ctx *ctx, struct cg_container *c, struct cg_spec *spec,
			const char *owner, cg_err_t *err)
{
	memset(c, 0, sizeof(*c));
	c->ctx = ctx;
	c->spec = spec;
	c->owner = owner;
	c->mgr = ctx->mgr;
	c->spawning.pid = -1;
	c->pid = -1;
	c->pidfd = -1;
	c->pty_master = -1;
	c->exit_code = -1;
	c->created = (int64_t)time(NULL);
	c->cg.unified_fd = -1;
	if (spec->cgroup_parent == NULL)
		spec->cgroup_parent = (char *)cg_manager_default_parent(c->mgr);
	/* Recorded as chosen: a later change of the default (netmode.h,
	 * cgrund.conf) does not move an existing container to another
	 * network. */
	if (spec->network == NULL && (spec->network = (char *)cg_ctx_default_network(ctx, err)) == NULL)
		goto fail;
	if (validate(c, err) < 0)
		goto fail;
	if (cg_new_id(c->id) < 0) {
		cg_error(err, errno, "getrandom");
		goto fail;
	}
	snprintf(c->hostname, sizeof(c->hostname), "%s", spec->hostname ? spec->hostname : c->id);
	if (!spec->hostname)
		c->hostname[12] = '\0';
	/* The order keeps what a process killed at any point leaves findable
	 * (cg_container_orphans_gc): the record before the name and the
	 * cgroups, so neither is ever without a record. */
	if (make_dirs(c, err) < 0 || cg_container_save(c, err) < 0 || reserve_name(c, err) < 0)
		goto fail;
	if (spec->userns && !strcmp(spec->userns, "auto") && take_ids(c, err) < 0)
		goto fail;
	if (cg_create(&c->cg, c->mgr, c->layout, spec->cgroup_parent, c->id, c->restarts, &spec->limits, err) < 0)
		goto fail;
	c->made_cgroup = true;
	if (cg_container_save(c, err) < 0)
		goto fail;
	return 0;
fail:
	cg_container_destroy(c, false);
	return -1;
}

int cg_container_start_begin(struct cg_container *c, const struct cg_start *s, cg_err_t *err)
{
	struct cg_spec *spec = c->spec;
	cleanup_free char *init = xasprintf("%s/init", c->dir);
	cleanup_free char *lower = cg_overlay_lowerdirs(init, c->image.lowerdirs);
	cleanup_free char *upper = xasprintf("%s/upper", c->dir);
	cleanup_free char *work = xasprintf("%s/work", c->dir);
	cleanup_free char *target = xasprintf("%s/rootfs", c->dir);
	cleanup_free char *exitp = xasprintf("%s/exit", c->rundir);
	cleanup_close int exit_fd = -1;
	struct cg_caps caps = spec->caps;

	/* The init writes the command's status here before it exits, so a
	 * restarted cgrund that is no longer its parent still learns it. */
	unlink(exitp);
	exit_fd = open(exitp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (exit_fd < 0)
		return cg_error(err, errno, "create %s", exitp);
	struct cg_rootfs rootfs = {
		.lowerdirs = lower, .lower_base = c->ctx->store_dir, .upperdir = upper, .workdir = work,
		.target = target,
		.volumes = spec->volumes, .nvolumes = spec->nvolumes, .cgroup = &c->cg,
		.privileged = spec->privileged, .ephemeral = spec->remove,
	};
	struct cg_seccomp sc = { 0 };
	bool confined;
	int tramp = cg_ctx_exec_tramp(c->ctx, err);
	const char *layers[CG_MAX_LAYERS + 2] = { init };
	size_t nl = 1;

	if (tramp < 0 && err->code != 0)
		return -1;
	for (size_t i = 0; c->image.lowers && c->image.lowers[i]; i++) {
		if (nl > CG_MAX_LAYERS)
			return cg_error(err, E2BIG, "image '%s' has more than %d layers", spec->image, CG_MAX_LAYERS);
		layers[nl++] = c->image.lowers[i];
	}
	if (spec->privileged)
		cg_caps_all(&caps);
	if (cg_spec_seccomp(c->ctx->run_dir, spec, caps.set, &sc, &confined, err) < 0)
		return -1;

	/* The child has its own copy of all this from the clone on. */
	struct cg_spawn_args a = {
		.rootfs = &rootfs, .cg = &c->cg, .hostname = c->hostname, .argv = c->argv,
		.envp = c->envp, .user = c->user, .workdir = c->workdir, .caps = &caps,
		.seccomp = confined ? &sc : NULL, .no_new_privs = spec->no_new_privs,
		.tty = s->tty, .winsize = s->winsize, .exit_fd = exit_fd, .die_with_parent = s->die_with_owner,
		.stdio = { s->stdio[0], s->stdio[1], s->stdio[2] }, .nofile = c->ctx->nofile,
		.exec_tramp_fd = tramp,
		.idmap = c->idmap.count ? &c->idmap : NULL, .layers = layers,
	};
	if (cg_container_net_spawn_args(c, &a, err) < 0) {
		cg_seccomp_free(&sc);
		return -1;
	}
	/* cgrund: its spawner clones the init (spawner.h says why); not with
	 * --userns=auto, whose maps and idmapped layers the init's parent
	 * makes after the clone (cg_idmap_prepare): cgrund does that itself. */
	int r = c->ctx->spawner && a.idmap == NULL ? cg_spawner_begin(c->ctx->spawner, &a, &c->spawning, err) : 1;

	if (r == 1)
		r = cg_spawn_begin(&a, &c->spawning, err);

	cg_seccomp_free(&sc);
	return r;
}

void cg_container_start_abort(struct cg_container *c, cg_err_t *err)
{
	cg_spawn_abort(&c->spawning, err);
	cg_container_net_release(c);
}

/* Its cgroup2 directory is its root's, as a delegated unit's is its
 * user's: made by now with either manager. On error the init is aborted. */
static int delegate(struct cg_container *c, cg_err_t *err)
{
	if (c->idmap.count && c->cg.unified_path && cg_userns_delegate(c->cg.unified_path, &c->idmap, err) < 0) {
		cg_spawn_abort(&c->spawning, NULL);
		return -1;
	}
	return 0;
}

/* The network is up: the init runs its command. */
static int let_go(struct cg_container *c, cg_err_t *err)
{
	if (cg_spawn_go(&c->spawning, err) < 0) {
		cg_container_net_release(c);
		return -1;
	}
	return 0;
}

int cg_container_start_go(struct cg_container *c, cg_err_t *err)
{
	if (delegate(c, err) < 0)
		return -1;
	/* Its network before its command runs: the init waits meanwhile, in
	 * the namespace the veth's far end is made in. */
	if (cg_container_net_attach(c, err) < 0) {
		cg_spawn_abort(&c->spawning, NULL);
		return -1;
	}
	return let_go(c, err);
}

int cg_container_start_go_begin(struct cg_container *c, struct cg_slirp_proc *slirp, cg_err_t *err)
{
	if (!cg_container_net_on_slirp(c))
		return cg_container_start_go(c, err);
	if (delegate(c, err) < 0)
		return -1;
	if (cg_container_slirp_launch(c, slirp, err) < 0) {
		cg_spawn_abort(&c->spawning, NULL);
		return -1;
	}
	return 1;
}

int cg_container_start_go_on(struct cg_container *c, struct cg_slirp_proc *slirp, bool timed_out, cg_err_t *err)
{
	if (cg_container_slirp_ready(c, slirp, timed_out, err) < 0) {
		cg_spawn_abort(&c->spawning, NULL);
		return -1;
	}
	return let_go(c, err);
}

int cg_container_start_poll(struct cg_container *c, bool wait, cg_err_t *err)
{
	struct cg_proc proc = { .pid = -1, .pidfd = -1, .pty_master = -1 };
	cg_err_t e = { 0 };
	int r = cg_spawn_collect(&c->spawning, wait, &proc, err);

	if (r < 0)
		cg_container_net_release(c);
	if (r != 0)
		return r;
	c->pid = proc.pid;
	c->pidfd = proc.pidfd;
	c->pty_master = proc.pty_master;
	c->pid_start = cg_proc_start_time(proc.pid);
	c->state = CG_STATE_RUNNING;
	c->started = (int64_t)time(NULL);
	c->exit_code = -1;
	c->oom_killed = false;
	if (cg_container_save(c, &e) < 0)
		cg_log(c->ctx, LOG_WARNING, "%s", e.msg);
	return 0;
}

int cg_container_start_finish(struct cg_container *c, cg_err_t *err)
{
	if (cg_container_start_go(c, err) < 0)
		return -1;
	return cg_container_start_poll(c, true, err);
}

int cg_container_start(struct cg_container *c, const struct cg_start *s, cg_err_t *err)
{
	if (cg_container_start_begin(c, s, err) < 0)
		return -1;
	if (!cg_joined_by_child(&c->cg) && cg_attach(&c->cg, c->spawning.pid, false, err) < 0) {
		cg_container_start_abort(c, err);
		return -1;
	}
	return cg_container_start_finish(c, err);
}

/* OOM kills counted by the kernel for the container's memory cgroup:
 * memory.events "oom_kill N" on v2, memory.oom_control "oom_kill N" on v1. */
static long oom_kills(const struct cg_container *c)
{
	const char *dir = c->cg.path[CG_MEMORY];
	cleanup_free char *file = NULL, *text = NULL;
	cg_err_t ignore = { 0 };
	const char *p;

	if (dir == NULL)
		return 0;
	file = xasprintf("%s/%s", dir, c->cg.unified_has_ctrls ? "memory.events" : "memory.oom_control");
	if (read_file(file, &text, 65536, &ignore) < 0)
		return 0;
	p = strstr(text, "oom_kill ");
	return p ? strtol(p + 9, NULL, 10) : 0;
}

void cg_container_exited(struct cg_container *c, int wstatus)
{
	cleanup_free char *exitp = xasprintf("%s/exit", c->rundir);
	cleanup_free char *text = NULL;
	cg_err_t ignore = { 0 };
	/* "CODE" or "CODE oom", as the init left it (spawn.c's init_loop);
	 * nothing when the init itself was killed (SIGKILL). */
	bool have = read_file(exitp, &text, 64, &ignore) == 0 && text[0] >= '0' && text[0] <= '9';

	if (wstatus >= 0)
		c->exit_code = cg_exit_code(wstatus);
	else
		c->exit_code = have ? atoi(text) : 137;
	/* The init's mark first: a systemd scope may already be gone with
	 * its counters by the time we look. */
	c->oom_killed = (have && strstr(text, " oom") != NULL) || oom_kills(c) > 0;
	c->state = c->oom_killed ? CG_STATE_OOM_KILLED : CG_STATE_EXITED;
	c->finished = (int64_t)time(NULL);
	cg_container_net_release(c);
	if (c->pidfd >= 0)
		close(c->pidfd);
	c->pidfd = -1;
	c->pid = -1;
}

int cg_container_kill(struct cg_container *c, int sig, cg_err_t *err)
{
	if (c->pidfd >= 0) {
		if (syscall(SYS_pidfd_send_signal, c->pidfd, sig, NULL, 0) < 0 && errno != ESRCH)
			return cg_error(err, errno, "signalling container %.12s", c->id);
		return 0;
	}
	return cg_error(err, ESRCH, "container %.12s is not running", c->id);
}

/* The undo of everything but the container's directory: the cgroups
 * (with whatever still runs in them), the name, the run directory. Done
 * before the directory goes: the record is the last thing to go, so what
 * a killed process leaves is always found from a record or as an orphan
 * (cg_container_orphans_gc). */
static void destroy_outside_dir(struct cg_container *c)
{
	cg_err_t e = { 0 };

	cg_container_net_release(c);
	if (c->made_cgroup && cg_destroy(&c->cg, &e) < 0)
		cg_log(c->ctx, LOG_WARNING, "%s", e.msg);
	c->made_cgroup = false;
	if (c->made_name) {
		cleanup_free char *nd = cg_names_dir(c->ctx);
		cleanup_free char *link = xasprintf("%s/%s", nd, c->spec->name);

		unlink(link);
	}
	c->made_name = false;
	/* Its ids go back with the record they belong to. */
	if (c->idmap.count)
		cg_userns_release(c->ctx, c->id);
	if (c->rundir)
		rm_rf(c->rundir, &e);
}

void cg_container_destroy(struct cg_container *c, bool keep)
{
	cg_err_t e = { 0 };

	if (keep) {
		cg_container_net_release(c);
		if (c->made_cgroup && cg_destroy(&c->cg, &e) < 0)
			cg_log(c->ctx, LOG_WARNING, "%s", e.msg);
		c->made_cgroup = false;
		if (c->made_dir && cg_container_save(c, &e) < 0)
			cg_log(c->ctx, LOG_WARNING, "%s", e.msg);
		return;
	}
	destroy_outside_dir(c);
	if (c->made_dir && rm_rf(c->dir, &e) < 0)
		cg_log(c->ctx, LOG_WARNING, "%s", e.msg);
	c->made_dir = false;
}

#define TRASH_PREFIX ".rm-"

char *cg_container_destroy_later(struct cg_container *c)
{
	char *trash = NULL;
	cg_err_t e = { 0 };

	destroy_outside_dir(c);
	if (!c->made_dir)
		return NULL;
	cleanup_free char *cd = cg_containers_dir(c->ctx);

	trash = xasprintf("%s/" TRASH_PREFIX "%s", cd, c->id);
	if (rename(c->dir, trash) < 0) {
		free(trash);
		trash = NULL;
		if (rm_rf(c->dir, &e) < 0)
			cg_log(c->ctx, LOG_WARNING, "%s", e.msg);
	}
	c->made_dir = false;
	return trash;
}

static bool is_id(const char *s)
{
	size_t n = strspn(s, "0123456789abcdef");

	return n == 64 && s[n] == '\0';
}

static bool has_record(const char *containers_dir, const char *id)
{
	cleanup_free char *p = xasprintf("%s/%s/config.json", containers_dir, id);
	struct stat st;

	return is_id(id) && lstat(p, &st) == 0;
}

static void remove_warn(const struct cg_ctx *ctx, const char *path)
{
	cg_err_t e = { 0 };

	if (rm_rf(path, &e) < 0)
		cg_log(ctx, LOG_WARNING, "%s", e.msg);
}

void cg_container_orphans_gc(const struct cg_ctx *ctx)
{
	cleanup_free char *cd = cg_containers_dir(ctx);
	cleanup_free char *nd = cg_names_dir(ctx);
	cleanup_free char *rd = cg_run_containers_dir(ctx);
	DIR *d;
	struct dirent *de;

	/* Directories of removed containers, and of containers whose record
	 * was never written (killed while creating it). */
	if ((d = opendir(cd)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			bool trash = !strncmp(de->d_name, TRASH_PREFIX, strlen(TRASH_PREFIX));

			if (!trash && (!is_id(de->d_name) || has_record(cd, de->d_name)))
				continue;
			cleanup_free char *p = xasprintf("%s/%s", cd, de->d_name);

			remove_warn(ctx, p);
		}
		closedir(d);
	}
	/* Names whose container has no record (killed while removing it). */
	if ((d = opendir(nd)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			cleanup_free char *p = xasprintf("%s/%s", nd, de->d_name);
			char target[80];
			ssize_t n;

			if (de->d_name[0] == '.')
				continue;
			n = readlink(p, target, sizeof(target) - 1);
			if (n >= 0)
				target[n] = '\0';
			if (n >= 0 && has_record(cd, target))
				continue;
			if (unlink(p) < 0 && errno != ENOENT)
				cg_log(ctx, LOG_WARNING, "unlink %s: %s", p, strerror(errno));
		}
		closedir(d);
	}
	/* Id blocks of containers without a record. */
	char **holders = cg_userns_holders(ctx);

	for (size_t i = 0; holders[i]; i++) {
		if (!has_record(cd, holders[i]))
			cg_userns_release(ctx, holders[i]);
		free(holders[i]);
	}
	free(holders);
	/* Run directories (exit status, stats) of containers without a record. */
	if ((d = opendir(rd)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (!is_id(de->d_name) || has_record(cd, de->d_name))
				continue;
			cleanup_free char *p = xasprintf("%s/%s", rd, de->d_name);

			remove_warn(ctx, p);
		}
		closedir(d);
	}
}

void cg_container_free(struct cg_container *c)
{
	if (c->made_cgroup)
		cg_free(&c->cg);
	if (c->pidfd >= 0)
		close(c->pidfd);
	if (c->pty_master >= 0)
		close(c->pty_master);
	cg_image_free(&c->image);
	free(c->envp);
	free(c->argv_owned);
	cgnet_ports_free(&c->ports);
	c->envp = NULL;
	c->argv_owned = NULL;
	free(c->dir);
	free(c->rundir);
	c->dir = c->rundir = NULL;
	c->pidfd = c->pty_master = -1;
}

int cg_container_load(struct cg_ctx *ctx, const char *id, struct cg_container *c, struct cg_spec *spec,
		      void **json, cg_err_t *err)
{
	cleanup_free char *cd = cg_containers_dir(ctx);
	cleanup_free char *rd = cg_run_containers_dir(ctx);
	struct cg_record r;

	memset(c, 0, sizeof(*c));
	cg_spec_init(spec);
	c->ctx = ctx;
	c->pid = -1;
	c->pidfd = c->pty_master = -1;
	c->cg.unified_fd = -1;
	c->spawning.pid = -1;
	c->owner = "cgrun";
	*json = NULL;
	if (cg_record_read(ctx, id, &r, err) < 0) {
		cg_record_free(&r);
		return -1;
	}
	/* The spec and the JSON its strings point into go to the caller. */
	cg_spec_free(spec);
	*spec = r.spec;
	*json = r.json;
	snprintf(c->id, sizeof(c->id), "%s", id);
	c->spec = spec;
	c->dir = xasprintf("%s/%s", cd, id);
	c->rundir = xasprintf("%s/%s", rd, id);
	c->made_dir = true;
	c->made_name = spec->name != NULL;
	memcpy(c->hostname, r.hostname, sizeof(c->hostname));
	c->state = r.state;
	c->exit_code = r.exit_code;
	c->oom_killed = r.oom_killed;
	c->restarts = r.restarts;
	c->created = r.created;
	c->started = r.started;
	c->finished = r.finished;
	c->pid = r.pid > 0 ? r.pid : -1;
	c->pid_start = r.pid_start;
	c->idmap = r.idmap;
	c->net = r.net;
	c->ports = r.ports;
	r.ports = (struct cgnet_ports){ 0 };
	c->owner = r.by_cgrund ? "cgrund" : "cgrun";
	/* A cgrund that re-adopts the container becomes its owner. */
	if (!r.by_cgrund) {
		c->owner_pid = r.owner_pid;
		c->owner_start = r.owner_start;
	}
	/* Its own manager, whatever this process picks for new ones; records
	 * older than the field name a scope only when systemd made one. */
	enum cg_manager_kind kind = r.scope ? CG_MANAGER_SYSTEMD : CG_MANAGER_CGROUPFS;
	bool old_scope = r.scope && r.cgroup_manager == NULL;
	const char *unit = r.scope;

	free(r.argv);
	free(r.cgroups);
	if (r.cgroup_manager && cg_manager_parse(r.cgroup_manager, &kind, err) < 0)
		return cg_error_wrap(err, "container record %.12s", id);
	if (cg_image_lookup(ctx, spec->image, &c->image, err) < 0) {
		/* The image may be gone; the record is still usable for rm. */
		memset(&c->image, 0, sizeof(c->image));
	}
	apply_image_config(c);
	pick_argv(c);
	if ((c->layout = cg_ctx_layout(ctx, err)) == NULL)
		return -1;
	/* A scope made by the cgrund before the managers: in machine.slice
	 * whatever its record's cgroup_parent, the container in its leaf
	 * "container". Kept re-adoptable across the upgrade. */
	if (old_scope)
		spec->cgroup_parent = (char *)CG_DEFAULT_SLICE;
	if (cg_manager_pick(ctx, kind, &c->mgr, err) < 0)
		return cg_error_wrap(err, "container %.12s", id);
	if (c->state == CG_STATE_RUNNING || c->state == CG_STATE_PAUSED || c->state == CG_STATE_CREATED) {
		if (cg_open(&c->cg, c->mgr, c->layout, spec->cgroup_parent, id, unit, err) < 0)
			return -1;
		if (old_scope) {
			cleanup_free char *leaf = xasprintf("%s/container", c->cg.unified_path);

			if (path_exists(leaf))
				cg_use_leaf(&c->cg, "container");
		}
		c->made_cgroup = true;
	}
	return 0;
}

int cg_container_renew_cgroup(struct cg_container *c, cg_err_t *err)
{
	cg_err_t ignore = { 0 };

	if (!c->made_cgroup || c->cg.unit == NULL)
		return 0;
	/* Empty by now: systemd may already have removed it with its scope. */
	cg_destroy(&c->cg, &ignore);
	c->made_cgroup = false;
	if (cg_create(&c->cg, c->mgr, c->layout, c->spec->cgroup_parent, c->id, c->restarts,
		      &c->spec->limits, err) < 0)
		return -1;
	c->made_cgroup = true;
	return 0;
}

/* What an exec of argv in c runs with (caps and sc are the caller's to
 * keep until the fork, and to free then with cg_seccomp_free): the
 * container's own capabilities, seccomp filter and no_new_privs. */
static int exec_args(struct cg_container *c, char **argv, bool tty, const struct winsize *ws,
		     const int stdio[3], struct cg_caps *caps, struct cg_seccomp *sc,
		     struct cg_spawn_args *a, cg_err_t *err)
{
	bool confined;

	*sc = (struct cg_seccomp){ 0 };
	if (c->pidfd < 0)
		return cg_error(err, ESRCH, "container %.12s is not running", c->id);
	int tramp = cg_ctx_exec_tramp(c->ctx, err);

	if (tramp < 0 && err->code != 0)
		return -1;
	*caps = c->spec->caps;
	if (c->spec->privileged)
		cg_caps_all(caps);
	if (cg_spec_seccomp(c->ctx->run_dir, c->spec, caps->set, sc, &confined, err) < 0)
		return -1;
	*a = (struct cg_spawn_args){
		.cg = &c->cg, .hostname = c->hostname, .argv = argv, .envp = c->envp,
		.user = c->user, .workdir = c->workdir, .caps = caps, .tty = tty,
		.seccomp = confined ? sc : NULL, .no_new_privs = c->spec->no_new_privs,
		.exit_fd = -1, .winsize = ws ? *ws : (struct winsize){ 0 },
		.stdio = { stdio ? stdio[0] : -1, stdio ? stdio[1] : -1, stdio ? stdio[2] : -1 },
		.nofile = c->ctx->nofile, .exec_tramp_fd = tramp,
		.idmap = c->idmap.count ? &c->idmap : NULL,
	};
	return 0;
}

int cg_container_exec(struct cg_container *c, char **argv, bool tty, const struct winsize *ws,
		      const int stdio[3], struct cg_proc *out, cg_err_t *err)
{
	struct cg_caps caps;
	struct cg_seccomp sc;
	struct cg_spawn_args a;
	int r;

	if (exec_args(c, argv, tty, ws, stdio, &caps, &sc, &a, err) < 0)
		return -1;
	r = cg_exec(&a, c->pidfd, out, err);
	cg_seccomp_free(&sc);
	return r;
}

int cg_container_exec_begin(struct cg_container *c, char **argv, bool tty, const struct winsize *ws,
			    const int stdio[3], struct cg_execing *x, cg_err_t *err)
{
	struct cg_caps caps;
	struct cg_seccomp sc;
	struct cg_spawn_args a;
	int r;

	/* Copied into the child by its fork: needed no longer than this call. */
	if (exec_args(c, argv, tty, ws, stdio, &caps, &sc, &a, err) < 0)
		return -1;
	r = cg_exec_begin(&a, c->pidfd, x, err);
	cg_seccomp_free(&sc);
	return r;
}
