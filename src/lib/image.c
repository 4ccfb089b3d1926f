/* image.c - the image store: <store>/images/<key>/image.json, with
 * rootfs/ beside it for imported images; pulled images name their layers
 * (layers.h) by chain ID in image.json, and their manifest and config are
 * kept in <store>/blobs/sha256/. Images are built in a temporary directory
 * and renamed into place (after their layers), so an image is either
 * complete or absent. */
#include "config.h"

#include "image.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <json-c/json.h>
#include <linux/openat2.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "json-util.h"
#include "parse.h"
#include "ctx.h"
#include "imgref.h"
#include "layers.h"
#include "rootfs.h"

extern char **environ;

static char *images_dir(const struct cg_ctx *ctx)
{
	return xasprintf("%s/images", ctx->store_dir);
}

static void free_strv(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

void cg_image_free(struct cg_image *img)
{
	free_strv(img->layers);
	free_strv(img->lowers);
	free(img->lowerdirs);
	free(img->config_digest);
	free(img->name);
	free(img->dir);
	free(img->rootfs);
	free(img->source);
	free(img->digest);
	free(img->workdir);
	free(img->user);
	for (size_t i = 0; img->env && img->env[i]; i++)
		free(img->env[i]);
	free(img->env);
	for (size_t i = 0; img->cmd && img->cmd[i]; i++)
		free(img->cmd[i]);
	free(img->cmd);
	for (size_t i = 0; img->entrypoint && img->entrypoint[i]; i++)
		free(img->entrypoint[i]);
	free(img->entrypoint);
	free(img->stop_signal);
	for (size_t i = 0; img->labels && img->labels[i]; i++)
		free(img->labels[i]);
	free(img->labels);
	for (size_t i = 0; img->exposed_ports && img->exposed_ports[i]; i++)
		free(img->exposed_ports[i]);
	free(img->exposed_ports);
	memset(img, 0, sizeof(*img));
}

/* root's array of strings KEY, NULL-terminated; NULL when absent or empty. */
static char **str_list(json_object *root, const char *key)
{
	json_object *v;
	size_t n;
	char **out;

	if (!json_object_object_get_ex(root, key, &v) || !json_object_is_type(v, json_type_array) ||
	    (n = json_object_array_length(v)) == 0)
		return NULL;
	out = xcalloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		out[i] = xstrdup(json_object_get_string(json_object_array_get_idx(v, i)));
	return out;
}

static int load_meta(struct cg_image *img, cg_err_t *err)
{
	cleanup_free char *path = xasprintf("%s/image.json", img->dir);
	cleanup_free char *text = NULL;
	json_object *root, *v;

	if (read_file(path, &text, 1 << 20, err) < 0)
		return -1;
	root = json_tokener_parse(text);
	if (root == NULL || !json_object_is_type(root, json_type_object)) {
		json_object_put(root);
		return cg_error(err, 0, "image '%s' is damaged (bad %s); remove it with 'cgrun image rm %s'",
				img->name, path, img->name);
	}
	if (json_object_object_get_ex(root, "name", &v) && json_object_is_type(v, json_type_string)) {
		free(img->name);
		img->name = xstrdup(json_object_get_string(v));
	}
	if (json_object_object_get_ex(root, "digest", &v) && json_object_is_type(v, json_type_string))
		img->digest = xstrdup(json_object_get_string(v));
	if (json_object_object_get_ex(root, "workdir", &v) && json_object_is_type(v, json_type_string) &&
	    json_object_get_string(v)[0] == '/')
		img->workdir = xstrdup(json_object_get_string(v));
	if (json_object_object_get_ex(root, "user", &v) && json_object_is_type(v, json_type_string) &&
	    json_object_get_string(v)[0] != '\0')
		img->user = xstrdup(json_object_get_string(v));
	if (json_object_object_get_ex(root, "env", &v) && json_object_is_type(v, json_type_array)) {
		size_t n = json_object_array_length(v), k = 0;

		img->env = xcalloc(n + 1, sizeof(char *));
		for (size_t i = 0; i < n; i++) {
			json_object *e = json_object_array_get_idx(v, i);

			/* KEY=VALUE only: anything else in a config is dropped. */
			if (json_object_is_type(e, json_type_string) && strchr(json_object_get_string(e), '=') &&
			    json_object_get_string(e)[0] != '=')
				img->env[k++] = xstrdup(json_object_get_string(e));
		}
	}
	if (json_object_object_get_ex(root, "source", &v))
		img->source = xstrdup(json_object_get_string(v));
	if (json_object_object_get_ex(root, "config_digest", &v) && json_object_is_type(v, json_type_string))
		img->config_digest = xstrdup(json_object_get_string(v));
	if (json_object_object_get_ex(root, "image_created", &v))
		img->image_created = json_object_get_int64(v);
	img->layers = str_list(root, "layers");
	for (size_t i = 0; img->layers && img->layers[i]; i++)
		if (!cg_layer_hex_valid(img->layers[i])) {
			json_object_put(root);
			return cg_error(err, 0, "image '%s' is damaged (bad layer in %s); remove it with 'cgrun image rm %s'",
					img->name, path, img->name);
		}
	if (json_object_object_get_ex(root, "created", &v))
		img->created = json_object_get_int64(v);
	img->cmd = str_list(root, "cmd");
	img->entrypoint = str_list(root, "entrypoint");
	if (json_object_object_get_ex(root, "stop_signal", &v) && json_object_is_type(v, json_type_string) &&
	    json_object_get_string(v)[0] != '\0')
		img->stop_signal = xstrdup(json_object_get_string(v));
	img->labels = str_list(root, "labels");
	img->exposed_ports = str_list(root, "exposed_ports");
	json_object_put(root);
	return 0;
}

char *cg_image_dirname(const char *canonical)
{
	char *d = xstrdup(canonical);

	for (char *p = d; *p; p++)
		if (*p == '/')
			*p = '+';
		else if (*p == ':')
			*p = '=';
	return d;
}

/* name's key as a reference (docker's normalisation), or NULL. */
static char *ref_key(const char *name)
{
	struct cg_imgref ref;
	cg_err_t ignore = { 0 };
	char *canon, *key;

	if (cg_imgref_parse(name, &ref, &ignore) < 0)
		return NULL;
	canon = cg_imgref_string(&ref);
	cg_imgref_free(&ref);
	key = cg_image_dirname(canon);
	free(canon);
	return key;
}

/* An image is there when its record is (whatever its type: reading it
 * says what is wrong), or, for an imported one, its rootfs/. */
static bool key_exists(const struct cg_ctx *ctx, const char *key)
{
	cleanup_free char *meta = xasprintf("%s/images/%s/image.json", ctx->store_dir, key);
	cleanup_free char *rootfs = xasprintf("%s/images/%s/rootfs", ctx->store_dir, key);
	struct stat st;

	return lstat(meta, &st) == 0 || (stat(rootfs, &st) == 0 && S_ISDIR(st.st_mode));
}

char *cg_image_resolve(const struct cg_ctx *ctx, const char *name)
{
	char *key;

	/* An imported image whose name is also a short reference
	 * ("ubuntu") wins over the pulled one, as it did before pulls. */
	if (valid_image_name(name) && key_exists(ctx, name))
		return xstrdup(name);
	key = ref_key(name);
	if (key && !key_exists(ctx, key)) {
		free(key);
		return NULL;
	}
	return key;
}

/* The image stored as images/KEY: NAME is what the user called it. */
static int lookup_key(const struct cg_ctx *ctx, const char *key, struct cg_image *img, cg_err_t *err)
{
	cleanup_free char *dir = images_dir(ctx);
	struct stat st;

	memset(img, 0, sizeof(*img));
	if (!key_exists(ctx, key))
		return -ENOENT;
	img->dir = xasprintf("%s/%s", dir, key);
	img->name = xstrdup(key);
	if (load_meta(img, err) < 0) {
		cg_image_free(img);
		return -1;
	}
	if (img->layers == NULL) {
		/* Imported (or pulled flattened by an older cgrun): one layer. */
		img->rootfs = xasprintf("%s/rootfs", img->dir);
		if (stat(img->rootfs, &st) < 0 || !S_ISDIR(st.st_mode)) {
			cg_image_free(img);
			return -ENOENT;
		}
		img->lowers = xcalloc(2, sizeof(char *));
		img->lowers[0] = xstrdup(img->rootfs);
		img->lowerdirs = cg_overlay_escape(img->rootfs);
		return 0;
	}
	size_t n = 0, len = 0;

	while (img->layers[n])
		n++;
	img->lowers = xcalloc(n + 1, sizeof(char *));
	img->lowerdirs = xcalloc(n * (CG_LAYER_LINK_LEN + 3) + 1, 1);
	for (size_t i = 0; i < n; i++) {
		const char *hex = img->layers[n - 1 - i];
		cleanup_free char *link = cg_layer_link(hex);

		if (!cg_layer_present(ctx, hex)) {
			cg_error(err, 0, "image '%s' is damaged (its layer %.12s is missing); pull it again or remove it with 'cgrun image rm %s'",
				 img->name, hex, img->name);
			cg_image_free(img);
			return -1;
		}
		img->lowers[i] = xasprintf("%s/layers/%s/diff", ctx->store_dir, hex);
		len += (size_t)sprintf(img->lowerdirs + len, "%s%s", i ? ":" : "", link);
	}
	return 0;
}

int cg_image_lookup(const struct cg_ctx *ctx, const char *name, struct cg_image *img, cg_err_t *err)
{
	cleanup_free char *key = NULL;
	int r;

	memset(img, 0, sizeof(*img));
	if (!valid_image_name(name) && (key = ref_key(name)) == NULL)
		return cg_error(err, 0, "invalid image name '%s': use a reference such as ubuntu, ubuntu:24.04 or registry:5000/team/app:1, or an imported image's name (lower-case letters, digits, '.', '_' and '-')",
				name);
	free(key);
	key = cg_image_resolve(ctx, name);
	if (key == NULL || (r = lookup_key(ctx, key, img, err)) == -ENOENT)
		return cg_error(err, 0, "image '%s' not found; pull it with 'cgrun pull %s'%s%s",
				name, name, valid_image_name(name) ? " or import one with 'cgrun image import NAME ROOTFS.tar'" : "",
				strcmp(name, "busybox") == 0 ? " or 'cgrun image import --busybox busybox'" : "");
	return r;
}

static int write_meta(const char *dir, const struct cg_image_meta *m, cg_err_t *err)
{
	json_object *root = json_object_new_object();
	cleanup_free char *path = xasprintf("%s/image.json", dir);
	int r;

	json_object_object_add(root, "name", json_object_new_string(m->name));
	json_object_object_add(root, "source", json_object_new_string(m->source));
	json_object_object_add(root, "created", json_object_new_int64((int64_t)time(NULL)));
	json_object_object_add(root, "cmd", cg_json_new_strv(m->cmd));
	if (m->entrypoint)
		json_object_object_add(root, "entrypoint", cg_json_new_strv(m->entrypoint));
	if (m->digest)
		json_object_object_add(root, "digest", json_object_new_string(m->digest));
	if (m->env)
		json_object_object_add(root, "env", cg_json_new_strv(m->env));
	if (m->workdir)
		json_object_object_add(root, "workdir", json_object_new_string(m->workdir));
	if (m->user)
		json_object_object_add(root, "user", json_object_new_string(m->user));
	if (m->stop_signal)
		json_object_object_add(root, "stop_signal", json_object_new_string(m->stop_signal));
	if (m->labels)
		json_object_object_add(root, "labels", cg_json_new_strv(m->labels));
	if (m->exposed_ports)
		json_object_object_add(root, "exposed_ports", cg_json_new_strv(m->exposed_ports));
	if (m->layers)
		json_object_object_add(root, "layers", cg_json_new_strv(m->layers));
	if (m->config_digest)
		json_object_object_add(root, "config_digest", json_object_new_string(m->config_digest));
	if (m->image_created)
		json_object_object_add(root, "image_created", json_object_new_int64(m->image_created));
	r = write_file_atomic(path, json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY), 0644, err);
	json_object_put(root);
	return r;
}

/* Make <images>/.tmp-<name>-<pid>/rootfs; fails if the image exists,
 * unless it is to be replaced. */
static int begin_import(const struct cg_ctx *ctx, const char *name, bool replace, char **tmp, char **final,
			cg_err_t *err)
{
	cleanup_free char *dir = images_dir(ctx);
	cleanup_free char *rootfs = NULL;

	if (!valid_image_name(name))
		return cg_error(err, 0, "invalid image name '%s': use lower-case letters, digits, '.', '_' and '-' (at most 128)", name);
	*final = xasprintf("%s/%s", dir, name);
	if (!replace && path_exists(*final)) {
		free(*final);
		*final = NULL;
		return cg_error(err, 0, "image '%s' already exists; replace it with 'cgrun image import --replace ...' or remove it with 'cgrun image rm %s'",
				name, name);
	}
	if (mkdir_p(dir, 0700, err) < 0)
		return -1;
	*tmp = xasprintf("%s/.tmp-%s-%d", dir, name, (int)getpid());
	rootfs = xasprintf("%s/rootfs", *tmp);
	rm_rf(*tmp, NULL);
	if (mkdir(*tmp, 0700) < 0 || mkdir(rootfs, 0755) < 0) {
		int e = errno;

		rm_rf(*tmp, NULL);
		return cg_error(err, e, "create %s", rootfs);
	}
	return 0;
}

static int finish_import(const struct cg_ctx *ctx, const struct cg_image_meta *m, bool replace, const char *tmp,
			 const char *final, cg_err_t *err)
{
	const char *name = m->name;

	if (write_meta(tmp, m, err) < 0)
		return -1;
	if (replace) {
		/* Checked last, just before the swap (an import can take long):
		 * an overlay must never see its lower layer change under it. */
		cleanup_free char *user = ctx->image_user ? ctx->image_user(ctx, name) : NULL;

		if (user)
			return cg_error(err, 0, "image '%s' is used by container %s; remove it first with 'cgrun rm %s'",
					name, user, user);
	}
	/* --replace: the two trees trade names in one step, so the name always
	 * names a whole image, then the old one (now at tmp) goes. */
	if (replace && syscall(SYS_renameat2, AT_FDCWD, tmp, AT_FDCWD, final, RENAME_EXCHANGE) == 0)
		return rm_rf(tmp, err) < 0 ? cg_error_wrap(err, "removing the image '%s' replaced", name) : 0;
	if (replace && errno != ENOENT)
		return cg_error(err, errno, "replacing image '%s'", name);
	/* rename is atomic; a concurrent import of the same name loses here. */
	if (rename(tmp, final) < 0) {
		if (errno == EEXIST || errno == ENOTEMPTY)
			return cg_error(err, 0, "image '%s' already exists; replace it with 'cgrun image import --replace ...' or remove it with 'cgrun image rm %s'",
					name, name);
		return cg_error(err, errno, "rename %s to %s", tmp, final);
	}
	return 0;
}

static const char *const default_shells[] = { "/bin/sh", "/bin/bash", "/usr/bin/sh", NULL };

static void default_cmd(const char *rootfs, const char **cmd)
{
	cleanup_close int root = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);

	cmd[0] = NULL;
	for (size_t i = 0; root >= 0 && default_shells[i]; i++) {
		/* Resolved inside the image: its /bin may be an absolute symlink
		 * (usrmerge), which must not lead to the host's /bin. */
		struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT };
		int fd = (int)syscall(SYS_openat2, root, default_shells[i], &how, sizeof(how));

		if (fd >= 0) {
			close(fd);
			cmd[0] = default_shells[i];
			break;
		}
	}
	cmd[1] = NULL;
}

int cg_image_import(const struct cg_ctx *ctx, const char *name, const char *source, bool replace, cg_err_t *err)
{
	cleanup_free char *tmp = NULL, *final = NULL, *rootfs = NULL, *abs = NULL;
	const char *cmd[2];
	struct stat st;
	int r;

	if (stat(source, &st) < 0)
		return cg_error(err, errno, "image source %s", source);
	if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
		return cg_error(err, 0, "image source %s is neither a directory nor a tar archive", source);
	abs = realpath(source, NULL);
	if (abs == NULL)
		return cg_error(err, errno, "image source %s", source);
	if (begin_import(ctx, name, replace, &tmp, &final, err) < 0)
		return -1;
	rootfs = xasprintf("%s/rootfs", tmp);
	if (S_ISDIR(st.st_mode)) {
		cleanup_free char *src = xasprintf("%s/.", abs);
		char *argv[] = { "cp", "-a", "--", src, rootfs, NULL };

		r = run_command(argv, err);
	} else {
		/* GNU tar recognises gzip, xz and zstd archives by their magic. */
		char *argv[] = { "tar", "--numeric-owner", "-xpf", abs, "-C", rootfs, NULL };

		r = run_command(argv, err);
	}
	if (r < 0) {
		rm_rf(tmp, NULL);
		return cg_error_wrap(err, "importing %s", source);
	}
	default_cmd(rootfs, cmd);
	if (finish_import(ctx, &(struct cg_image_meta){ .name = name, .source = abs, .cmd = cmd }, replace, tmp,
			  final, err) < 0) {
		rm_rf(tmp, NULL);
		return -1;
	}
	return 0;
}

/* Run `busybox --list-full` and create one relative symlink per applet. */
static int busybox_links(const char *busybox, const char *rootfs, cg_err_t *err)
{
	int p[2], status;
	pid_t pid;
	posix_spawn_file_actions_t fa;
	char *argv[] = { (char *)busybox, "--list-full", NULL };
	cleanup_free char *out = NULL;
	int r;

	if (pipe2(p, O_CLOEXEC) < 0)
		return cg_error(err, errno, "pipe");
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	r = posix_spawn(&pid, busybox, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (r != 0) {
		close(p[0]);
		return cg_error(err, r, "run %s", busybox);
	}
	r = read_fd(p[0], &out, 1 << 20, busybox, err);
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (r < 0)
		return -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return cg_error(err, 0, "%s --list-full failed; is it busybox?", busybox);
	for (char *line = out, *nl; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (nl == NULL)
			nl = line + strlen(line);
		char save = *nl;

		*nl = '\0';
		if (line[0] && strcmp(line, "bin/busybox") != 0 && !strstr(line, "..")) {
			cleanup_free char *link = xasprintf("%s/%s", rootfs, line);
			cleanup_free char *dir = xstrdup(link);
			int depth = 0;

			*strrchr(dir, '/') = '\0';
			for (const char *c = line; *c; c++)
				depth += *c == '/';
			/* bin/sh -> busybox, usr/bin/awk -> ../../bin/busybox */
			cleanup_free char *target = depth == 1 && !strncmp(line, "bin/", 4) ? xstrdup("busybox") :
				xasprintf("%s%s", depth == 2 ? "../../" : "../", "bin/busybox");
			if (mkdir_p(dir, 0755, err) < 0)
				return -1;
			if (symlink(target, link) < 0 && errno != EEXIST)
				return cg_error(err, errno, "symlink %s", link);
		}
		if (save == '\0')
			break;
	}
	return 0;
}

int cg_image_import_busybox(const struct cg_ctx *ctx, const char *name, const char *busybox, bool replace, cg_err_t *err)
{
	static const char *const dirs[] = { "bin", "sbin", "usr", "usr/bin", "usr/sbin", "etc", "dev", "proc",
					    "sys", "root", "home", "var", "var/log", "run", "mnt" };
	static const char *const cmd[] = { "/bin/sh", NULL };
	cleanup_free char *tmp = NULL, *final = NULL, *rootfs = NULL;
	int r = 0;

	if (!path_exists(busybox))
		return cg_error(err, 0, "%s not found: install it with 'apt-get install busybox-static'", busybox);
	if (begin_import(ctx, name, replace, &tmp, &final, err) < 0)
		return -1;
	rootfs = xasprintf("%s/rootfs", tmp);
	for (size_t i = 0; i < ARRAY_SIZE(dirs) && r == 0; i++) {
		cleanup_free char *d = xasprintf("%s/%s", rootfs, dirs[i]);

		if (mkdir(d, !strcmp(dirs[i], "root") ? 0700 : 0755) < 0)
			r = cg_error(err, errno, "mkdir %s", d);
	}
	if (r == 0) {
		cleanup_free char *t = xasprintf("%s/tmp", rootfs);

		if (mkdir(t, 0777) < 0 || chmod(t, 01777) < 0)
			r = cg_error(err, errno, "mkdir %s", t);
	}
	if (r == 0) {
		cleanup_free char *bin = xasprintf("%s/bin/busybox", rootfs);
		char *argv[] = { "cp", "--", (char *)busybox, bin, NULL };

		r = run_command(argv, err);
	}
	if (r == 0)
		r = busybox_links(busybox, rootfs, err);
	if (r == 0) {
		static const char *const files[][3] = {
			{ "etc/passwd", "root:x:0:0:root:/root:/bin/sh\n"
					"daemon:x:1:1:daemon:/usr/sbin:/bin/false\n"
					"nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n", "0644" },
			{ "etc/group", "root:x:0:\ndaemon:x:1:\ntty:x:5:\nusers:x:100:nobody\nnogroup:x:65534:\n", "0644" },
			{ "etc/shadow", "root:*:19000:0:99999:7:::\n", "0600" },
		};
		for (size_t i = 0; i < ARRAY_SIZE(files) && r == 0; i++) {
			cleanup_free char *f = xasprintf("%s/%s", rootfs, files[i][0]);

			r = write_file_atomic(f, files[i][1], (mode_t)strtol(files[i][2], NULL, 8), err);
		}
	}
	if (r == 0) {
		cleanup_free char *src = xasprintf("busybox-static %s", busybox);

		r = finish_import(ctx, &(struct cg_image_meta){ .name = name, .source = src, .cmd = cmd }, replace,
				  tmp, final, err);
	}
	if (r < 0) {
		rm_rf(tmp, NULL);
		return cg_error_wrap(err, "building image '%s'", name);
	}
	return 0;
}

static unsigned long long du_total;

static int du_add(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)p; (void)flag; (void)f;
	du_total += (unsigned long long)st->st_blocks * 512;
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct cg_image *)a)->name, ((const struct cg_image *)b)->name);
}

int cg_image_list(const struct cg_ctx *ctx, struct cg_image **out, size_t *n, cg_err_t *err)
{
	cleanup_free char *dir = images_dir(ctx);
	cleanup_closedir DIR *d = opendir(dir);
	struct dirent *de;
	struct cg_image *v = NULL;
	size_t cnt = 0;

	*out = NULL;
	*n = 0;
	if (d == NULL)
		return errno == ENOENT ? 0 : cg_error(err, errno, "open %s", dir);
	while ((de = readdir(d)) != NULL) {
		struct cg_image img;
		cg_err_t ignore = { 0 };

		if (de->d_name[0] == '.' || lookup_key(ctx, de->d_name, &img, &ignore) < 0)
			continue;
		du_total = 0;
		if (img.rootfs)
			nftw(img.rootfs, du_add, 32, FTW_PHYS | FTW_MOUNT);
		for (size_t i = 0; img.layers && img.layers[i]; i++)
			du_total += cg_layer_size(ctx, img.layers[i]);
		img.size = du_total;
		v = realloc(v, (cnt + 1) * sizeof(*v));
		if (v == NULL)
			abort();
		v[cnt++] = img;
	}
	if (cnt > 1)
		qsort(v, cnt, sizeof(*v), by_name);
	*out = v;
	*n = cnt;
	return 0;
}

int cg_image_remove(const struct cg_ctx *ctx, const char *name, cg_err_t *err)
{
	struct cg_image img;
	cleanup_free char *dir = images_dir(ctx);
	cleanup_free char *trash = NULL, *path = NULL;
	cleanup_free char *user = NULL;
	cleanup_free char *key = cg_image_resolve(ctx, name);

	/* A damaged image (a layer missing, a bad record) is removed too:
	 * only one that is not there at all is an error. */
	if (key == NULL) {
		if (cg_image_lookup(ctx, name, &img, err) == 0) {
			cg_image_free(&img);
			return cg_error(err, 0, "image '%s' not found", name);
		}
		return -1;
	}
	if (ctx->image_user && (user = ctx->image_user(ctx, name)) != NULL)
		return cg_error(err, 0, "image '%s' is used by container %s; remove it first with 'cgrun rm %s'",
				name, user, user);
	/* Rename first: the image vanishes at once, then the tree goes. */
	path = xasprintf("%s/%s", dir, key);
	trash = xasprintf("%s/.rm-%s-%d", dir, key, (int)getpid());
	if (rename(path, trash) < 0)
		return cg_error(err, errno, "remove image '%s'", name);
	if (rm_rf(trash, err) < 0)
		return -1;
	/* Then the layers and blobs no other image records; while a pull
	 * runs, they stay for the next rm or prune. */
	return cg_image_gc(ctx, false, NULL, err);
}

int cg_image_stage(const struct cg_ctx *ctx, const char *key, bool with_rootfs, char **tmp, cg_err_t *err)
{
	cleanup_free char *dir = images_dir(ctx);
	cleanup_free char *rootfs = NULL;

	if (mkdir_p(dir, 0700, err) < 0)
		return -1;
	*tmp = xasprintf("%s/.tmp-%s-%d", dir, key, (int)getpid());
	rootfs = xasprintf("%s/rootfs", *tmp);
	rm_rf(*tmp, NULL);
	if (mkdir(*tmp, 0700) < 0 || (with_rootfs && mkdir(rootfs, 0755) < 0)) {
		int e = errno;

		rm_rf(*tmp, NULL);
		free(*tmp);
		*tmp = NULL;
		return cg_error(err, e, "create %s", rootfs);
	}
	return 0;
}

int cg_image_commit(const struct cg_ctx *ctx, const char *key, const char *tmp, const struct cg_image_meta *m,
		    cg_err_t *err)
{
	cleanup_free char *final = xasprintf("%s/images/%s", ctx->store_dir, key);

	return finish_import(ctx, m, true, tmp, final, err);
}

/* .tmp-NAME-PID and .rm-NAME-PID in dir of processes that are gone: what
 * killed imports, pulls and removals left. Returns how many went. */
static unsigned clean_dead(const char *dir)
{
	cleanup_closedir DIR *d = opendir(dir);
	struct dirent *de;
	unsigned n = 0;

	while (d && (de = readdir(d)) != NULL) {
		const char *dash = strrchr(de->d_name, '-');
		cleanup_free char *path = NULL;
		long pid;

		if ((strncmp(de->d_name, ".tmp-", 5) && strncmp(de->d_name, ".rm-", 4)) || dash == NULL)
			continue;
		pid = strtol(dash + 1, NULL, 10);
		if (pid <= 0 || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		path = xasprintf("%s/%s", dir, de->d_name);
		if (rm_rf(path, NULL) == 0)
			n++;
	}
	return n;
}

void cg_image_stage_clean(const struct cg_ctx *ctx)
{
	cleanup_free char *dir = images_dir(ctx);
	cleanup_free char *layers = xasprintf("%s/layers", ctx->store_dir);

	clean_dead(dir);
	clean_dead(layers);
}

char *cg_blob_path(const struct cg_ctx *ctx, const char *digest)
{
	const char *hex = strncmp(digest, "sha256:", 7) ? digest : digest + 7;

	return xasprintf("%s/blobs/sha256/%s", ctx->store_dir, hex);
}

int cg_blob_put(const struct cg_ctx *ctx, const char *digest, const char *data, size_t len, cg_err_t *err)
{
	cleanup_free char *dir = xasprintf("%s/blobs/sha256", ctx->store_dir);
	cleanup_free char *path = NULL;

	if (strncmp(digest, "sha256:", 7) || !cg_layer_hex_valid(digest + 7))
		return cg_error(err, 0, "bad digest '%s'", digest);
	if (memchr(data, '\0', len))
		return cg_error(err, 0, "blob %s holds a NUL byte", digest);
	path = cg_blob_path(ctx, digest);
	if (path_exists(path))
		return 0;
	if (mkdir_p(dir, 0700, err) < 0)
		return -1;
	return write_file_atomic(path, data, 0644, err);
}

/* A list of strings, to look names up in. */
struct strset {
	char **v;
	size_t n;
};

static void strset_add(struct strset *s, const char *x)
{
	s->v = realloc(s->v, (s->n + 1) * sizeof(char *));
	if (s->v == NULL)
		abort();
	s->v[s->n++] = xstrdup(x);
}

static bool strset_has(const struct strset *s, const char *x)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], x))
			return true;
	return false;
}

static void strset_free(struct strset *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
}

/* What image.json in dir references: layers' hex and blobs' hex. */
static void add_refs(const char *dir, struct strset *layers, struct strset *blobs)
{
	cleanup_free char *path = xasprintf("%s/image.json", dir);
	cleanup_free char *text = NULL;
	cg_err_t ignore = { 0 };
	json_object *root, *v;
	static const char *const blob_keys[] = { "digest", "config_digest" };

	if (read_file(path, &text, 1 << 20, &ignore) < 0 || (root = json_tokener_parse(text)) == NULL)
		return;
	if (json_object_object_get_ex(root, "layers", &v) && json_object_is_type(v, json_type_array))
		for (size_t i = 0; i < json_object_array_length(v); i++)
			strset_add(layers, json_object_get_string(json_object_array_get_idx(v, i)));
	for (size_t i = 0; i < ARRAY_SIZE(blob_keys); i++)
		if (json_object_object_get_ex(root, blob_keys[i], &v) && json_object_is_type(v, json_type_string) &&
		    !strncmp(json_object_get_string(v), "sha256:", 7))
			strset_add(blobs, json_object_get_string(v) + 7);
	json_object_put(root);
}

int cg_image_gc(const struct cg_ctx *ctx, bool wait, struct cg_gc_stats *st, cg_err_t *err)
{
	cleanup_free char *idir = images_dir(ctx);
	cleanup_free char *ldir = xasprintf("%s/layers", ctx->store_dir);
	cleanup_free char *linkdir = xasprintf("%s/l", ctx->store_dir);
	cleanup_free char *bdir = xasprintf("%s/blobs/sha256", ctx->store_dir);
	struct cg_gc_stats dummy;
	struct strset layers = { 0 }, blobs = { 0 };
	cleanup_close int lock = -1;
	DIR *d;
	struct dirent *de;
	int r = 0;

	if (st == NULL)
		st = &dummy;
	memset(st, 0, sizeof(*st));
	if (!path_exists(ldir) && !path_exists(bdir))
		return 0;
	lock = cg_layers_lock(ctx, LOCK_EX, !wait, err);
	if (lock == -EWOULDBLOCK)
		return 0;  /* a pull runs: its layers are not recorded yet */
	if (lock < 0)
		return -1;
	st->leftovers = clean_dead(idir) + clean_dead(ldir);
	if ((d = opendir(idir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			cleanup_free char *p = xasprintf("%s/%s", idir, de->d_name);

			if (de->d_name[0] != '.')
				add_refs(p, &layers, &blobs);
		}
		closedir(d);
	}
	if ((d = opendir(ldir)) != NULL) {
		while ((de = readdir(d)) != NULL && r == 0) {
			const char *dot = strchr(de->d_name, '.');

			if (cg_layer_hex_valid(de->d_name) && !strset_has(&layers, de->d_name)) {
				uint64_t size = cg_layer_size(ctx, de->d_name);

				r = cg_layer_remove(ctx, de->d_name, err);
				st->layers += r == 0;
				st->bytes += r == 0 ? size : 0;
			} else if (dot && dot != de->d_name && !strcmp(dot, ".lock")) {
				/* A layer's lock file a killed pull left: dropped
				 * unless held (a locker that took it meanwhile sees
				 * it unlinked and locks a new one, layers.c). */
				cleanup_free char *hex = xasprintf("%.*s", (int)(dot - de->d_name), de->d_name);
				cleanup_free char *p = xasprintf("%s/%s", ldir, de->d_name);
				int fd;

				if (!cg_layer_hex_valid(hex))
					continue;
				fd = open(p, O_RDWR | O_CLOEXEC);
				if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0)
					unlink(p);
				if (fd >= 0)
					close(fd);
			}
		}
		closedir(d);
	}
	if (r == 0 && (d = opendir(linkdir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			cleanup_free char *p = xasprintf("%s/%s", linkdir, de->d_name);
			struct stat sb;

			if (de->d_name[0] != '.' && stat(p, &sb) < 0 && errno == ENOENT)
				unlink(p);
		}
		closedir(d);
	}
	if (r == 0 && (d = opendir(bdir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			cleanup_free char *p = xasprintf("%s/%s", bdir, de->d_name);

			if (de->d_name[0] != '.' && !strset_has(&blobs, de->d_name) && unlink(p) == 0)
				st->blobs++;
		}
		closedir(d);
	}
	strset_free(&layers);
	strset_free(&blobs);
	return r;
}
