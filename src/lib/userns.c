/* userns.c - each --userns=auto container's block of subordinate ids in
 * the store, and its delegated cgroup (see userns.h). */
#include "config.h"

#include "userns.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "ctx.h"
#include "passwd.h"

int cg_userns_parse(const char *s, bool *automatic, cg_err_t *err)
{
	if (!strcmp(s, "auto"))
		*automatic = true;
	else if (!strcmp(s, "host"))
		*automatic = false;
	else
		return cg_error(err, 0, "invalid --userns '%s': use auto or host", s);
	return 0;
}

const char *cg_userns_unsupported(enum cg_mode mode)
{
	/* The container's root is given its cgroup as systemd delegates one:
	 * only cgroup2 makes that safe (v1 has no delegation model). */
	if (mode == CG_MODE_LEGACY)
		return "--userns=auto needs a cgroup2 hierarchy to delegate the container's cgroup to its root, and this host has cgroup v1 only; use --userns=host, or boot with cgroup v2 (systemd.unified_cgroup_hierarchy=1)";
	return NULL;
}

static char *userns_dir(const struct cg_ctx *ctx)
{
	return xasprintf("%s/userns", ctx->store_dir);
}

/* The ranges of ctx->subid_user in one of the files; an error tells the
 * user the line to add. */
static int user_ranges(const struct cg_ctx *ctx, const char *file, const char *what,
		       struct cg_idrange **r, size_t *n, cg_err_t *err)
{
	cleanup_free char *text = NULL, *pw = NULL;
	struct cg_user u;
	cg_err_t ignore = { 0 };
	long long uid = -1;

	if (read_file(file, &text, 1 << 22, err) < 0 && err->code != ENOENT)
		return cg_error_wrap(err, "--userns=auto");
	if (text == NULL)
		text = xstrdup("");
	/* Lines may name the user by uid. /etc/passwd read as the image's is,
	 * not through NSS: its modules cost a run a millisecond to load, and
	 * make install makes cgrun a local system user. */
	if (read_file("/etc/passwd", &pw, 1 << 22, &ignore) == 0 &&
	    cg_user_resolve(ctx->subid_user, NULL, pw, NULL, &u, &ignore) == 0 && strcmp(ctx->subid_user, "0") != 0)
		uid = u.uid;
	if (cg_subid_parse(text, ctx->subid_user, uid, r, n, err) < 0)
		return cg_error_wrap(err, "--userns=auto: %s", file);
	if (*n == 0)
		return cg_error(err, 0, "--userns=auto: %s has no subordinate %s range for user %s; add a line such as '%s:1000000000:1000000000' (make install adds one)",
				file, what, ctx->subid_user, ctx->subid_user);
	return 0;
}

/* Every block taken, from the store's entries (uid and gid blocks). */
static int taken(const char *dir, struct cg_idrange **uids, struct cg_idrange **gids, size_t *n, cg_err_t *err)
{
	cleanup_closedir DIR *d = opendir(dir);
	struct dirent *de;
	size_t cap = 0;

	*uids = *gids = NULL;
	*n = 0;
	if (d == NULL)
		return cg_error(err, errno, "open %s", dir);
	while ((de = readdir(d)) != NULL) {
		char target[96];
		struct cg_idmap m;
		ssize_t k;

		if (de->d_name[0] == '.')
			continue;
		k = readlinkat(dirfd(d), de->d_name, target, sizeof(target) - 1);
		if (k < 0)
			continue;
		target[k] = '\0';
		if (cg_idmap_parse(target, &m) < 0)
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			*uids = realloc(*uids, cap * sizeof(**uids));
			*gids = realloc(*gids, cap * sizeof(**gids));
			if (*uids == NULL || *gids == NULL)
				abort();
		}
		(*uids)[*n] = (struct cg_idrange){ m.uid, m.count };
		(*gids)[*n] = (struct cg_idrange){ m.gid, m.count };
		(*n)++;
	}
	return 0;
}

static int pick_locked(const struct cg_ctx *ctx, const char *dir, const char *id, struct cg_idmap *out,
		       cg_err_t *err)
{
	cleanup_free struct cg_idrange *su = NULL, *sg = NULL, *tu = NULL, *tg = NULL;
	size_t nsu, nsg, nt;
	char target[96];

	if (user_ranges(ctx, ctx->subuid_file, "uid", &su, &nsu, err) < 0 ||
	    user_ranges(ctx, ctx->subgid_file, "gid", &sg, &nsg, err) < 0 || taken(dir, &tu, &tg, &nt, err) < 0)
		return -1;
	struct cg_idmap m = { .count = CG_USERNS_SIZE };

	if (cg_subid_pick(su, nsu, tu, nt, CG_USERNS_SIZE, &m.uid) < 0 ||
	    cg_subid_pick(sg, nsg, tg, nt, CG_USERNS_SIZE, &m.gid) < 0)
		return cg_error(err, 0, "--userns=auto: no free block of %u ids left in the subordinate ranges of user %s (%s, %s): %zu containers hold one; remove some, or give %s a larger range",
				CG_USERNS_SIZE, ctx->subid_user, ctx->subuid_file, ctx->subgid_file, nt, ctx->subid_user);
	cg_idmap_format(&m, target, sizeof(target));
	cleanup_free char *entry = xasprintf("%s/%s", dir, id);

	if (symlink(target, entry) < 0)
		return cg_error(err, errno, "recording the id range of container %.12s in %s", id, entry);
	*out = m;
	return 0;
}

int cg_userns_alloc(const struct cg_ctx *ctx, const char *id, struct cg_idmap *out, cg_err_t *err)
{
	cleanup_free char *dir = userns_dir(ctx);
	cleanup_free char *lockp = NULL;
	cleanup_close int lock = -1;
	int r;

	if (mkdir_p(dir, 0700, err) < 0)
		return -1;
	/* Held from the look at what is taken to the entry of our block: two
	 * cgrun processes never pick the same one. */
	lockp = xasprintf("%s/.lock", dir);
	lock = open(lockp, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (lock < 0)
		return cg_error(err, errno, "open %s", lockp);
	while ((r = flock(lock, LOCK_EX)) < 0 && errno == EINTR)
		;
	if (r < 0)
		return cg_error(err, errno, "lock %s", lockp);
	return pick_locked(ctx, dir, id, out, err);
}

void cg_userns_release(const struct cg_ctx *ctx, const char *id)
{
	cleanup_free char *dir = userns_dir(ctx);
	cleanup_free char *entry = xasprintf("%s/%s", dir, id);

	unlink(entry);
}

char **cg_userns_holders(const struct cg_ctx *ctx)
{
	cleanup_free char *dir = userns_dir(ctx);
	cleanup_closedir DIR *d = opendir(dir);
	struct dirent *de;
	char **v = xcalloc(1, sizeof(char *));
	size_t n = 0;

	while (d && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		v = realloc(v, (n + 2) * sizeof(char *));
		if (v == NULL)
			abort();
		v[n++] = xstrdup(de->d_name);
		v[n] = NULL;
	}
	return v;
}

int cg_userns_delegate(const char *cgdir, const struct cg_idmap *m, cg_err_t *err)
{
	static const char *const files[] = { ".", "cgroup.procs", "cgroup.threads", "cgroup.subtree_control" };
	cleanup_close int dfd = open(cgdir, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (dfd < 0)
		return cg_error(err, errno, "open %s", cgdir);
	for (size_t i = 0; i < ARRAY_SIZE(files); i++)
		if (fchownat(dfd, files[i], m->uid, m->gid, AT_SYMLINK_NOFOLLOW) < 0 && errno != ENOENT)
			return cg_error(err, errno, "delegating %s/%s to the container's root", cgdir, files[i]);
	return 0;
}
