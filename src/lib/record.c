/* record.c - container records: <store>/containers/<id>/config.json. */
#include "config.h"

#include "record.h"

#include <errno.h>
#include <json-c/json.h>
#include <string.h>
#include <time.h>

#include "container.h"
#include "image.h"
#include "proc.h"
#include "store.h"

void cg_container_info_free(struct cg_container_info *c)
{
	free(c->name);
	free(c->image);
	free(c->command);
	memset(c, 0, sizeof(*c));
}

void cg_container_list_free(struct cg_container_info *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		cg_container_info_free(&v[i]);
	free(v);
}

static int load_info(const struct cg_ctx *ctx, const char *id, struct cg_container_info *c)
{
	struct cg_record r;
	cg_err_t ignore = { 0 };

	memset(c, 0, sizeof(*c));
	cg_record_init(&r);
	if (cg_record_read(ctx, id, &r, &ignore) < 0) {
		cg_record_free(&r);
		return -1;
	}
	memcpy(c->id, r.id, sizeof(c->id));
	c->name = r.spec.name ? xstrdup(r.spec.name) : NULL;
	c->image = xstrdup(r.spec.image ? r.spec.image : "");
	c->state = r.state;
	c->by_cgrund = r.by_cgrund;
	c->exit_code = r.exit_code;
	c->pid = r.pid;
	c->created = r.created;
	c->started = r.started;
	c->finished = r.finished;
	c->command = xcalloc(1, 1);
	for (size_t i = 0; r.argv[i]; i++) {
		char *nc = xasprintf("%s%s%s", c->command, i ? " " : "", r.argv[i]);

		free(c->command);
		c->command = nc;
	}
	cg_record_free(&r);
	return 0;
}

static int by_created(const void *a, const void *b)
{
	const struct cg_container_info *x = a, *y = b;

	return x->created < y->created ? 1 : x->created > y->created ? -1 : strcmp(x->id, y->id);
}

int cg_container_list(const struct cg_ctx *ctx, struct cg_container_info **out, size_t *n, cg_err_t *err)
{
	cleanup_free char *dir = cg_containers_dir(ctx);
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

		if (de->d_name[0] == '.' || load_info(ctx, de->d_name, &c) < 0)
			continue;
		v = realloc(v, (cnt + 1) * sizeof(*v));
		if (v == NULL)
			abort();
		v[cnt++] = c;
	}
	if (cnt > 1)
		qsort(v, cnt, sizeof(*v), by_created);
	*out = v;
	*n = cnt;
	return 0;
}

int cg_match_container(const char *key, const char *const *ids, const char *const *names, size_t n)
{
	int found = -1;
	size_t kl = strlen(key);

	if (kl == 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (names[i] && !strcmp(names[i], key))
			return (int)i;
	for (size_t i = 0; i < n; i++) {
		if (strncmp(ids[i], key, kl) != 0)
			continue;
		if (found >= 0)
			return -2;
		found = (int)i;
	}
	return found;
}

int cg_container_resolve(const struct cg_ctx *ctx, const char *key, char id[65], cg_err_t *err)
{
	struct cg_container_info *v;
	size_t n;
	int m;

	if (cg_container_list(ctx, &v, &n, err) < 0)
		return -1;
	const char **ids = xcalloc(n, sizeof(char *)), **names = xcalloc(n, sizeof(char *));

	for (size_t i = 0; i < n; i++) {
		ids[i] = v[i].id;
		names[i] = v[i].name;
	}
	m = cg_match_container(key, ids, names, n);
	if (m >= 0)
		snprintf(id, 65, "%s", v[m].id);
	free(ids);
	free(names);
	cg_container_list_free(v, n);
	if (m == -1)
		return cg_error(err, 0, "no such container '%s'; 'cgrun ps -a' lists them", key);
	if (m == -2)
		return cg_error(err, 0, "'%s' matches more than one container; give more of the id", key);
	return 0;
}

int cg_container_remove(struct cg_ctx *ctx, const char *key, cg_err_t *err)
{
	struct cg_container c;
	struct cg_spec spec;
	char id[65];
	void *json = NULL;
	int ret = 0;

	if (cg_container_resolve(ctx, key, id, err) < 0)
		return -1;
	if (cg_container_load(ctx, id, &c, &spec, &json, err) < 0) {
		json_object_put(json);
		return -1;
	}
	if (c.state == CG_STATE_RUNNING || c.state == CG_STATE_PAUSED) {
		ret = cg_error(err, 0, "container '%s' is %s; stop it first with 'cgrun stop %s' or use 'cgrun rm -f'",
			       key, cg_state_name(c.state), key);
	} else {
		cg_container_destroy(&c, false);
	}
	cg_container_free(&c);
	cg_spec_free(&spec);
	json_object_put(json);
	return ret;
}

int cg_container_running_init(const struct cg_ctx *ctx, const char *key, pid_t *pid, cg_err_t *err)
{
	char id[65];
	struct cg_record r;
	int ret = 0;

	if (cg_container_resolve(ctx, key, id, err) < 0)
		return -1;
	if (cg_record_read(ctx, id, &r, err) < 0) {
		cg_record_free(&r);
		return -1;
	}
	if ((r.state != CG_STATE_RUNNING && r.state != CG_STATE_PAUSED) || r.pid <= 0 ||
	    !cg_proc_same(r.pid, r.pid_start))
		ret = cg_error(err, 0, "container %.12s is not running", id);
	else
		*pid = r.pid;
	cg_record_free(&r);
	return ret;
}

char *cg_container_using_image(const struct cg_ctx *ctx, const char *name)
{
	struct cg_container_info *v;
	size_t n;
	char *found = NULL;
	cg_err_t ignore = { 0 };
	/* By the image's key in the store: "ubuntu" and
	 * "docker.io/library/ubuntu:latest" are one image. */
	cleanup_free char *key = cg_image_resolve(ctx, name);

	if (key == NULL || cg_container_list(ctx, &v, &n, &ignore) < 0)
		return NULL;
	for (size_t i = 0; i < n && !found; i++) {
		cleanup_free char *k = cg_image_resolve(ctx, v[i].image);

		if (k && !strcmp(k, key))
			found = xstrdup(v[i].name ? v[i].name : v[i].id);
	}
	cg_container_list_free(v, n);
	return found;
}

void cg_container_gc(struct cg_ctx *ctx)
{
	cleanup_free char *dir = cg_containers_dir(ctx);
	cleanup_closedir DIR *d = opendir(dir);
	struct dirent *de;

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		cg_err_t ignore = { 0 };
		struct cg_record r;

		if (strlen(de->d_name) != 64)
			continue;
		cg_record_init(&r);
		if (cg_record_read(ctx, de->d_name, &r, &ignore) < 0) {
			cg_record_free(&r);
			continue;
		}
		bool live = cg_state_ended(r.state) || r.by_cgrund || r.owner_pid <= 0 ||
			    cg_proc_same(r.owner_pid, r.owner_start) || cg_proc_same(r.pid, r.pid_start);

		cg_record_free(&r);
		if (live)
			continue;
		/* The owner is gone, so is its container (PDEATHSIG): undo what
		 * is left. A cgroup still busy keeps the record for next time. */
		struct cg_container c;
		struct cg_spec spec;
		void *json = NULL;

		if (cg_container_load(ctx, de->d_name, &c, &spec, &json, &ignore) == 0) {
			cg_container_exited(&c, -1);
			c.made_cgroup = c.made_cgroup && cg_destroy(&c.cg, &ignore) < 0;
			if (!c.made_cgroup)
				cg_container_destroy(&c, !spec.remove);
		}
		cg_container_free(&c);
		cg_spec_free(&spec);
		json_object_put(json);
	}
}
