/* container.c - the foreground run: validate, create, spawn, wait, undo.
 *
 * Undo is recorded as it goes (the `made` flags) and run in reverse on
 * every exit path: the cgroup, the name, the scratch directory. */
#include "config.h"

#include "container.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <linux/openat2.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "cgroup.h"
#include "cgroup-mode.h"
#include "image.h"
#include "pty.h"
#include "rootfs.h"
#include "spawn.h"
#include "store.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

struct run {
	struct cg_spec *spec;
	struct cg_image image;
	struct cg_layout layout;
	struct cg_cgroup cg;
	struct cg_pty pty;
	char id[65];
	char hostname[65];
	char *dir;        /* <store>/containers/<id> */
	char *name_link;  /* <store>/names/<name> */
	char **argv;
	bool made_dir, made_name, made_cgroup, have_pty;
	unsigned long long owner_start;
	int sigfd;
	sigset_t oldmask;
};

char *cg_overlay_lowerdirs(const char *init_layer, const char *image_rootfs)
{
	return xasprintf("%s:%s", init_layer, image_rootfs);
}

static char *containers_dir(void)
{
	return xasprintf("%s/containers", cg_store_dir());
}

static char *names_dir(void)
{
	return xasprintf("%s/names", cg_store_dir());
}

/* Is argv0 an executable inside the image (resolved within its root)? The
 * check spares a whole container start for a typo; volumes may shadow it. */
static bool command_in_image(const struct run *r, const char *argv0)
{
	cleanup_close int root = open(r->image.rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	const char *path = DEFAULT_PATH;

	if (root < 0)
		return false;
	for (size_t i = 0; i < r->spec->nvolumes; i++)
		if (!strncmp(argv0, r->spec->volumes[i].dst, strlen(r->spec->volumes[i].dst)) ||
		    strchr(argv0, '/') == NULL)
			return true;  /* a volume may provide it: let exec decide */
	for (size_t i = 0; i < r->spec->nenv; i++)
		if (!strncmp(r->spec->env[i], "PATH=", 5))
			path = r->spec->env[i] + 5;
	if (strchr(argv0, '/')) {
		struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT };
		int fd = (int)syscall(SYS_openat2, root, argv0, &how, sizeof(how));

		if (fd < 0)
			return r->spec->workdir != NULL && argv0[0] != '/';
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

static int validate(struct run *r, cg_err_t *err)
{
	struct cg_spec *s = r->spec;

	if (s->name && !valid_container_name(s->name))
		return cg_error(err, 0, "invalid container name '%s': use letters, digits, '.', '_' and '-'", s->name);
	if (s->hostname && (strlen(s->hostname) > 64 || s->hostname[0] == '\0' || strchr(s->hostname, '/')))
		return cg_error(err, 0, "invalid hostname '%s': at most 64 characters, no '/'", s->hostname);
	if (s->workdir && s->workdir[0] != '/')
		return cg_error(err, 0, "invalid working directory '%s': it must be an absolute path", s->workdir);
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
	if (cg_image_lookup(s->image, &r->image, err) < 0)
		return -1;
	r->argv = s->argv && s->argv[0] ? s->argv : r->image.cmd;
	if (r->argv == NULL || r->argv[0] == NULL)
		return cg_error(err, 0, "no command given and image '%s' has no default; add one after the image name", s->image);
	if (!command_in_image(r, r->argv[0])) {
		cg_error(err, 0, "command '%s' not found in image '%s'", r->argv[0], s->image);
		err->exit_code = 127;
		return -1;
	}
	if (cg_layout_detect(&r->layout, err) < 0)
		return -1;
	if (cg_check_limits(&r->layout, s->cgroup_parent, &s->limits, err) < 0)
		return -1;
	return 0;
}

static int reserve_name(struct run *r, cg_err_t *err)
{
	cleanup_free char *nd = names_dir();

	if (r->spec->name == NULL)
		return 0;
	if (mkdir_p(nd, 0700, err) < 0)
		return -1;
	r->name_link = xasprintf("%s/%s", nd, r->spec->name);
	/* symlink(2) is the lock: it fails if the name is taken. */
	if (symlink(r->id, r->name_link) < 0) {
		int e = errno;

		free(r->name_link);
		r->name_link = NULL;
		if (e == EEXIST)
			return cg_error(err, 0, "the container name '%s' is already in use; remove that container with 'cgrun rm %s' or choose another --name",
					r->spec->name, r->spec->name);
		return cg_error(err, e, "reserving name %s", r->spec->name);
	}
	r->made_name = true;
	return 0;
}

static int write_init_layer(struct run *r, cg_err_t *err)
{
	static const char *const subdirs[] = { "upper", "work", "init", "init/etc", "rootfs" };
	cleanup_free char *hosts = xasprintf("127.0.0.1\tlocalhost %s\n::1\tlocalhost ip6-localhost ip6-loopback\n",
					     r->hostname);
	cleanup_free char *hn = xasprintf("%s\n", r->hostname);
	cleanup_free char *resolv = NULL;
	cg_err_t ignore = { 0 };

	for (size_t i = 0; i < ARRAY_SIZE(subdirs); i++) {
		cleanup_free char *d = xasprintf("%s/%s", r->dir, subdirs[i]);

		if (mkdir(d, 0755) < 0)
			return cg_error(err, errno, "mkdir %s", d);
	}
	/* The network namespace has only loopback; the host's resolver
	 * settings are what docker would copy, harmless without a route. */
	if (read_file("/etc/resolv.conf", &resolv, 65536, &ignore) < 0)
		resolv = xstrdup("");
	const char *files[][2] = { { "hostname", hn }, { "hosts", hosts }, { "resolv.conf", resolv } };

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		cleanup_free char *p = xasprintf("%s/init/etc/%s", r->dir, files[i][0]);

		if (write_file_atomic(p, files[i][1], 0644, err) < 0)
			return -1;
	}
	return 0;
}

static int write_record(struct run *r, const char *state, int exit_code, cg_err_t *err)
{
	json_object *o = json_object_new_object(), *argv = json_object_new_array();
	cleanup_free char *path = xasprintf("%s/config.json", r->dir);
	int ret;

	json_object_object_add(o, "id", json_object_new_string(r->id));
	if (r->spec->name)
		json_object_object_add(o, "name", json_object_new_string(r->spec->name));
	json_object_object_add(o, "image", json_object_new_string(r->spec->image));
	for (size_t i = 0; r->argv[i]; i++)
		json_object_array_add(argv, json_object_new_string(r->argv[i]));
	json_object_object_add(o, "argv", argv);
	json_object_object_add(o, "created", json_object_new_int64((int64_t)time(NULL)));
	json_object_object_add(o, "state", json_object_new_string(state));
	json_object_object_add(o, "exit_code", json_object_new_int(exit_code));
	json_object_object_add(o, "remove", json_object_new_boolean(r->spec->remove));
	/* Who looks after the container: if that cgrun dies (SIGKILL), its
	 * container dies with it (PDEATHSIG) and the next cgrun cleans up. */
	json_object_object_add(o, "owner_pid", json_object_new_int((int)getpid()));
	json_object_object_add(o, "owner_start", json_object_new_int64((int64_t)r->owner_start));
	if (r->made_cgroup) {
		json_object *cgs = json_object_new_array();

		for (int c = 0; c < CG_NCTRL; c++)
			if (r->cg.path[c])
				json_object_array_add(cgs, json_object_new_string(r->cg.path[c]));
		if (r->cg.unified_path)
			json_object_array_add(cgs, json_object_new_string(r->cg.unified_path));
		json_object_object_add(o, "cgroups", cgs);
	}
	ret = write_file_atomic(path, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY), 0600, err);
	json_object_put(o);
	return ret;
}

static int make_scratch(struct run *r, cg_err_t *err)
{
	cleanup_free char *cd = containers_dir();

	if (mkdir_p(cd, 0700, err) < 0)
		return -1;
	r->dir = xasprintf("%s/%s", cd, r->id);
	if (mkdir(r->dir, 0700) < 0)
		return cg_error(err, errno, "mkdir %s", r->dir);
	r->made_dir = true;
	if (write_init_layer(r, err) < 0)
		return -1;
	return write_record(r, "created", -1, err);
}

static void undo(struct run *r, bool keep)
{
	cg_err_t e = { 0 };

	if (r->made_cgroup && cg_destroy(&r->cg, &e) < 0)
		fprintf(stderr, "cgrun: warning: %s\n", e.msg);
	r->made_cgroup = false;
	if (!keep) {
		if (r->made_dir && rm_rf(r->dir, &e) < 0)
			fprintf(stderr, "cgrun: warning: %s\n", e.msg);
		if (r->made_name)
			unlink(r->name_link);
	}
	if (r->have_pty)
		cg_pty_free(&r->pty);
	r->have_pty = false;
}

static void forward(pid_t pid, int sig)
{
	kill(pid, sig);
}

/* Copy what is available from `from` to `to`; false at EOF or error. */
static bool pump(int from, int to)
{
	char buf[8192];
	ssize_t n = read(from, buf, sizeof(buf));

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return true;
	if (n <= 0)
		return false;
	for (ssize_t off = 0; off < n;) {
		ssize_t w = write(to, buf + off, (size_t)(n - off));

		if (w < 0) {
			if (errno == EINTR || errno == EAGAIN) {
				struct pollfd p = { .fd = to, .events = POLLOUT };

				poll(&p, 1, 1000);
				continue;
			}
			return false;
		}
		off += w;
	}
	return true;
}

/* Wait for the container, forwarding signals and (with a pty) copying the
 * terminal. Returns the wait status of the container's init. */
static int wait_loop(struct run *r, const struct cg_proc *p, bool stdin_to_pty)
{
	bool in_open = stdin_to_pty, out_open = r->have_pty, exited = false;
	int status = 0;

	if (r->have_pty)
		fcntl(r->pty.master, F_SETFL, fcntl(r->pty.master, F_GETFL) | O_NONBLOCK);
	while (!exited || out_open) {
		struct pollfd fds[4];
		int nf = 0, ipid = -1, isig, imaster = -1, iin = -1;

		isig = nf;
		fds[nf++] = (struct pollfd){ .fd = r->sigfd, .events = POLLIN };
		if (!exited && p->pidfd >= 0) {
			ipid = nf;
			fds[nf++] = (struct pollfd){ .fd = p->pidfd, .events = POLLIN };
		}
		if (out_open) {
			imaster = nf;
			fds[nf++] = (struct pollfd){ .fd = r->pty.master, .events = POLLIN };
		}
		if (in_open && !exited) {
			iin = nf;
			fds[nf++] = (struct pollfd){ .fd = STDIN_FILENO, .events = POLLIN };
		}
		/* Once the container has exited, drain the pty without blocking. */
		if (poll(fds, (nfds_t)nf, exited ? 100 : -1) < 0 && errno != EINTR)
			break;
		if (exited && imaster >= 0 && !(fds[imaster].revents & (POLLIN | POLLHUP | POLLERR)))
			break;
		if (fds[isig].revents & POLLIN) {
			struct signalfd_siginfo si;

			while (read(r->sigfd, &si, sizeof(si)) == sizeof(si)) {
				if (si.ssi_signo == SIGCHLD)
					continue;
				if (si.ssi_signo == SIGWINCH && r->have_pty)
					cg_pty_resize(&r->pty, STDIN_FILENO);
				else if (!exited)
					forward(p->pid, (int)si.ssi_signo);
			}
		}
		if (imaster >= 0 && fds[imaster].revents & (POLLIN | POLLHUP | POLLERR))
			out_open = pump(r->pty.master, STDOUT_FILENO);
		if (iin >= 0 && fds[iin].revents & (POLLIN | POLLHUP | POLLERR)) {
			if (!pump(STDIN_FILENO, r->pty.master)) {
				/* End of input: tell the terminal, as a keyboard's ^D would. */
				char eof = 4;

				in_open = false;
				if (write(r->pty.master, &eof, 1) < 0) {
					/* the container may be gone already */
				}
			}
		}
		if (!exited && (ipid < 0 || fds[ipid].revents & POLLIN)) {
			pid_t w = waitpid(p->pid, &status, ipid < 0 ? WNOHANG : 0);

			if (w == p->pid)
				exited = true;
		}
	}
	if (!exited)
		while (waitpid(p->pid, &status, 0) < 0 && errno == EINTR)
			;
	return status;
}

static int block_signals(struct run *r, cg_err_t *err)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	sigaddset(&set, SIGWINCH);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	/* Blocked from before anything is created: a ^C during set-up is
	 * delivered to the container once it runs, and clean-up always runs. */
	if (sigprocmask(SIG_BLOCK, &set, &r->oldmask) < 0)
		return cg_error(err, errno, "sigprocmask");
	r->sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (r->sigfd < 0)
		return cg_error(err, errno, "signalfd");
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

/* From a prepared run (cgroup made) to the command's end. */
static int start_and_wait(struct run *r, bool tty, bool stdin_attached, int *status, cg_err_t *err)
{
	struct cg_spec *spec = r->spec;
	struct cg_proc proc = { .pid = -1, .pidfd = -1 };
	cleanup_close int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	cleanup_free char *init = xasprintf("%s/init", r->dir);
	cleanup_free char *lower = cg_overlay_lowerdirs(init, r->image.rootfs);
	cleanup_free char *upper = xasprintf("%s/upper", r->dir);
	cleanup_free char *work = xasprintf("%s/work", r->dir);
	cleanup_free char *target = xasprintf("%s/rootfs", r->dir);
	struct cg_caps caps = spec->caps;
	cg_err_t e = { 0 };
	int wstatus;

	if (devnull < 0)
		return cg_error(err, errno, "open /dev/null");
	struct cg_rootfs rootfs = {
		.lowerdirs = lower, .upperdir = upper, .workdir = work, .target = target,
		.volumes = spec->volumes, .nvolumes = spec->nvolumes, .cgroup = &r->cg,
		.privileged = spec->privileged, .ephemeral = spec->remove,
	};
	if (spec->privileged)
		cg_caps_all(&caps);
	struct cg_spawn_args a = {
		.rootfs = &rootfs, .cg = &r->cg, .hostname = r->hostname, .argv = r->argv,
		.envp = spec->env, .user = spec->user, .workdir = spec->workdir, .caps = &caps,
		.tty = tty,
	};
	a.stdio[0] = stdin_attached && !tty ? STDIN_FILENO : devnull;
	a.stdio[1] = STDOUT_FILENO;
	a.stdio[2] = STDERR_FILENO;
	if (cg_spawn(&a, &proc, err) < 0)
		return -1;
	if (write_record(r, "running", -1, &e) < 0)
		fprintf(stderr, "cgrun: warning: %s\n", e.msg);
	if (tty) {
		cg_pty_adopt(&r->pty, proc.pty_master, STDIN_FILENO);
		r->have_pty = true;
		if (stdin_attached && isatty(STDIN_FILENO) && cg_pty_raw(&r->pty, STDIN_FILENO, &e) < 0)
			fprintf(stderr, "cgrun: warning: %s\n", e.msg);
	}
	wstatus = wait_loop(r, &proc, tty && stdin_attached);
	if (proc.pidfd >= 0)
		close(proc.pidfd);
	if (r->have_pty)
		cg_pty_restore(&r->pty, STDIN_FILENO);
	*status = cg_exit_code(wstatus);
	if (!spec->remove && write_record(r, "exited", *status, &e) < 0)
		fprintf(stderr, "cgrun: warning: %s\n", e.msg);
	return 0;
}

int cg_container_run(struct cg_spec *spec, int *status, cg_err_t *err)
{
	struct run r = { .spec = spec, .sigfd = -1 };
	bool tty, stdin_attached, auto_interactive;
	int ret = -1;

	if (spec->cgroup_parent == NULL)
		spec->cgroup_parent = CG_DEFAULT_PARENT;
	if (validate(&r, err) < 0)
		goto out;
	/* docker needs -it for a shell; with a terminal on both ends we assume it. */
	auto_interactive = !spec->tty && !spec->interactive && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
	tty = spec->tty || auto_interactive;
	stdin_attached = spec->interactive || auto_interactive;
	if (block_signals(&r, err) < 0)
		goto out;
	if (cg_new_id(r.id) < 0) {
		cg_error(err, errno, "getrandom");
		goto out;
	}
	snprintf(r.hostname, sizeof(r.hostname), "%s", spec->hostname ? spec->hostname : r.id);
	if (!spec->hostname)
		r.hostname[12] = '\0';
	r.owner_start = cg_proc_start_time(getpid());
	cg_container_gc();
	if (reserve_name(&r, err) < 0 || make_scratch(&r, err) < 0)
		goto out;
	if (cg_create(&r.cg, &r.layout, spec->cgroup_parent, r.id, &spec->limits, err) < 0)
		goto out;
	r.made_cgroup = true;
	if (write_record(&r, "created", -1, err) < 0)
		goto out;
	ret = start_and_wait(&r, tty, stdin_attached, status, err);
out:
	if (r.have_pty)
		cg_pty_restore(&r.pty, STDIN_FILENO);
	/* Keep the writable layer only after a run that happened without --rm. */
	undo(&r, ret == 0 && !spec->remove);
	if (r.sigfd >= 0) {
		close(r.sigfd);
		sigprocmask(SIG_SETMASK, &r.oldmask, NULL);
	}
	cg_image_free(&r.image);
	free(r.dir);
	free(r.name_link);
	return ret;
}

void cg_container_info_free(struct cg_container_info *c)
{
	free(c->name);
	free(c->image);
	free(c->command);
	free(c->state);
	memset(c, 0, sizeof(*c));
}

static int load_info(const char *dir, const char *id, struct cg_container_info *c)
{
	cleanup_free char *path = xasprintf("%s/%s/config.json", dir, id);
	cleanup_free char *text = NULL;
	cg_err_t ignore = { 0 };
	json_object *o, *v;

	memset(c, 0, sizeof(*c));
	if (strlen(id) != 64 || read_file(path, &text, 1 << 20, &ignore) < 0)
		return -1;
	o = json_tokener_parse(text);
	if (o == NULL)
		return -1;
	snprintf(c->id, sizeof(c->id), "%s", id);
	c->name = json_object_object_get_ex(o, "name", &v) ? xstrdup(json_object_get_string(v)) : NULL;
	c->image = xstrdup(json_object_object_get_ex(o, "image", &v) ? json_object_get_string(v) : "");
	c->state = xstrdup(json_object_object_get_ex(o, "state", &v) ? json_object_get_string(v) : "unknown");
	c->exit_code = json_object_object_get_ex(o, "exit_code", &v) ? json_object_get_int(v) : -1;
	c->created = json_object_object_get_ex(o, "created", &v) ? json_object_get_int64(v) : 0;
	if (json_object_object_get_ex(o, "argv", &v) && json_object_is_type(v, json_type_array)) {
		size_t n = json_object_array_length(v), len = 0;

		c->command = xcalloc(1, 1);
		for (size_t i = 0; i < n; i++) {
			const char *s = json_object_get_string(json_object_array_get_idx(v, i));
			char *nc = xasprintf("%s%s%s", c->command, len ? " " : "", s);

			free(c->command);
			c->command = nc;
			len = strlen(nc);
		}
	} else {
		c->command = xstrdup("");
	}
	json_object_put(o);
	return 0;
}

int cg_container_list(struct cg_container_info **out, size_t *n, cg_err_t *err)
{
	cleanup_free char *dir = containers_dir();
	cleanup_closedir DIR *d = opendir(dir);
	struct dirent *de;
	struct cg_container_info *v = NULL;
	size_t cnt = 0;

	*out = NULL;
	*n = 0;
	if (d == NULL)
		return errno == ENOENT ? 0 : cg_error(err, errno, "open %s", dir);
	while ((de = readdir(d)) != NULL) {
		struct cg_container_info c;

		if (de->d_name[0] == '.' || load_info(dir, de->d_name, &c) < 0)
			continue;
		v = realloc(v, (cnt + 1) * sizeof(*v));
		if (v == NULL)
			abort();
		v[cnt++] = c;
	}
	*out = v;
	*n = cnt;
	return 0;
}

int cg_container_remove(const char *key, cg_err_t *err)
{
	struct cg_container_info *v;
	size_t n, match = SIZE_MAX, nmatch = 0;
	int ret = 0;

	if (cg_container_list(&v, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (v[i].name && !strcmp(v[i].name, key)) {
			match = i;
			nmatch = 1;
			break;
		}
		if (!strncmp(v[i].id, key, strlen(key))) {
			match = i;
			nmatch++;
		}
	}
	if (nmatch == 0)
		ret = cg_error(err, 0, "no such container '%s'; 'cgrun ps -a' lists them", key);
	else if (nmatch > 1)
		ret = cg_error(err, 0, "'%s' matches %zu containers; give more of the id", key, nmatch);
	else if (strcmp(v[match].state, "exited") != 0)
		ret = cg_error(err, 0, "container '%s' is %s; it can be removed once it has exited", key, v[match].state);
	else {
		cleanup_free char *cd = containers_dir();
		cleanup_free char *dir = xasprintf("%s/%s", cd, v[match].id);

		ret = rm_rf(dir, err);
		if (ret == 0 && v[match].name) {
			cleanup_free char *nd = names_dir();
			cleanup_free char *link = xasprintf("%s/%s", nd, v[match].name);

			unlink(link);
		}
	}
	for (size_t i = 0; i < n; i++)
		cg_container_info_free(&v[i]);
	free(v);
	return ret;
}

char *cg_container_using_image(const char *name)
{
	struct cg_container_info *v;
	size_t n;
	char *found = NULL;
	cg_err_t ignore = { 0 };

	if (cg_container_list(&v, &n, &ignore) < 0)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (!found && !strcmp(v[i].image, name))
			found = xstrdup(v[i].name ? v[i].name : v[i].id);
		cg_container_info_free(&v[i]);
	}
	free(v);
	return found;
}

unsigned long long cg_proc_start_time(pid_t pid)
{
	cleanup_free char *path = xasprintf("/proc/%d/stat", (int)pid);
	cleanup_free char *text = NULL;
	cg_err_t ignore = { 0 };

	if (read_file(path, &text, 4096, &ignore) < 0)
		return 0;
	return cg_parse_stat_start_time(text);
}

unsigned long long cg_parse_stat_start_time(const char *stat)
{
	/* Field 22; the command name (field 2) may hold spaces and ')'. */
	const char *p = strrchr(stat, ')');
	unsigned long long v = 0;

	if (p == NULL)
		return 0;
	p++;
	for (int field = 3; field < 22; field++) {
		p = strchr(p + 1, ' ');
		if (p == NULL)
			return 0;
	}
	if (sscanf(p + 1, "%llu", &v) != 1)
		return 0;
	return v;
}

/* Is this cgroup directory one of ours: <mount>/.../<parent>/<64 hex>? */
static bool is_container_cgroup(const char *path, const char *id)
{
	size_t n = strlen(path);

	return strncmp(path, "/sys/fs/cgroup/", 15) == 0 && !strstr(path, "/../") && n > 65 &&
	       path[n - 65] == '/' && strcmp(path + n - 64, id) == 0;
}

void cg_container_gc(void)
{
	cleanup_free char *dir = containers_dir();
	cleanup_closedir DIR *d = opendir(dir);
	struct dirent *de;

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		cleanup_free char *path = NULL, *text = NULL;
		cg_err_t ignore = { 0 };
		json_object *o, *v;
		const char *state;
		int owner;
		long long start;
		bool remove;

		if (strlen(de->d_name) != 64)
			continue;
		path = xasprintf("%s/%s/config.json", dir, de->d_name);
		if (read_file(path, &text, 1 << 20, &ignore) < 0 || (o = json_tokener_parse(text)) == NULL)
			continue;
		state = json_object_object_get_ex(o, "state", &v) ? json_object_get_string(v) : "";
		owner = json_object_object_get_ex(o, "owner_pid", &v) ? json_object_get_int(v) : 0;
		start = json_object_object_get_ex(o, "owner_start", &v) ? json_object_get_int64(v) : 0;
		remove = json_object_object_get_ex(o, "remove", &v) && json_object_get_boolean(v);
		if (!strcmp(state, "exited") || owner <= 0 ||
		    cg_proc_start_time(owner) == (unsigned long long)start) {
			json_object_put(o);
			continue;
		}
		/* The owner is gone, so is the container: undo what it left. A
		 * cgroup still busy (its processes not yet reaped by the kernel)
		 * keeps the record for the next cgrun to retry. */
		bool busy = false;

		if (json_object_object_get_ex(o, "cgroups", &v) && json_object_is_type(v, json_type_array))
			for (size_t i = 0; i < json_object_array_length(v); i++) {
				const char *cg = json_object_get_string(json_object_array_get_idx(v, i));

				if (cg && is_container_cgroup(cg, de->d_name) && rmdir(cg) < 0 && errno != ENOENT)
					busy = true;
			}
		if (busy) {
			json_object_put(o);
			continue;
		}
		if (remove) {
			cleanup_free char *cd = xasprintf("%s/%s", dir, de->d_name);

			if (json_object_object_get_ex(o, "name", &v)) {
				cleanup_free char *nd = names_dir();
				cleanup_free char *link = xasprintf("%s/%s", nd, json_object_get_string(v));

				unlink(link);
			}
			rm_rf(cd, &ignore);
		} else {
			json_object_object_add(o, "state", json_object_new_string("exited"));
			json_object_object_add(o, "exit_code", json_object_new_int(-1));
			write_file_atomic(path, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY), 0600, &ignore);
		}
		json_object_put(o);
	}
}
