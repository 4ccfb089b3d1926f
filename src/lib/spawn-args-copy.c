/* spawn-args-copy.c - see spawn-args-copy.h. */
#include "config.h"

#include "spawn-args-copy.h"

#include <errno.h>
#include <stdalign.h>
#include <stdint.h>
#include <string.h>

/* n bytes of the arena, aligned for any object; NULL when full (the copy
 * then fails as a whole: ar->used is past the end, and stays so). */
static void *arena_alloc(struct cg_arena *ar, size_t n)
{
	size_t at = (ar->used + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1);

	if (at > ar->size || n > ar->size - at) {
		ar->used = ar->size + 1;
		return NULL;
	}
	ar->used = at + n;
	return ar->base + at;
}

static void *arena_dup(struct cg_arena *ar, const void *p, size_t n)
{
	void *q = p ? arena_alloc(ar, n) : NULL;

	if (q)
		memcpy(q, p, n);
	return q;
}

static char *arena_strdup(struct cg_arena *ar, const char *s)
{
	return s ? arena_dup(ar, s, strlen(s) + 1) : NULL;
}

/* A NULL-terminated vector of strings. */
static char **arena_strv(struct cg_arena *ar, char *const *v)
{
	size_t n = 0;
	char **q;

	if (v == NULL)
		return NULL;
	while (v[n])
		n++;
	q = arena_alloc(ar, (n + 1) * sizeof(*q));
	if (q == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++)
		q[i] = arena_strdup(ar, v[i]);
	q[n] = NULL;
	return q;
}

static struct cg_cgroup *copy_cgroup(struct cg_arena *ar, const struct cg_cgroup *cg)
{
	struct cg_cgroup *c = arena_dup(ar, cg, sizeof(*cg));

	if (c == NULL)
		return NULL;
	/* mgr and layout stay: cgrund's, made before the spawner was forked. */
	c->parent_name = arena_strdup(ar, cg->parent_name);
	c->id = arena_strdup(ar, cg->id);
	c->unit = arena_strdup(ar, cg->unit);
	for (int i = 0; i < CG_NCTRL; i++)
		c->path[i] = arena_strdup(ar, cg->path[i]);
	c->unified_path = arena_strdup(ar, cg->unified_path);
	for (int i = 0; i < CG_NCTRL + 1; i++)
		c->lrel[i] = arena_strdup(ar, cg->lrel[i]);
	/* Nothing of the parent's operations under way. */
	c->attach_op = NULL;
	c->limits.cpuset_cpus = arena_strdup(ar, cg->limits.cpuset_cpus);
	return c;
}

static struct cg_rootfs *copy_rootfs(struct cg_arena *ar, const struct cg_rootfs *r, const struct cg_cgroup *cg,
				     const struct cg_cgroup *cg_copy)
{
	struct cg_rootfs *c = arena_dup(ar, r, sizeof(*r));
	struct volume_spec *v;

	if (c == NULL)
		return NULL;
	c->lowerdirs = arena_strdup(ar, r->lowerdirs);
	c->lower_base = arena_strdup(ar, r->lower_base);
	c->upperdir = arena_strdup(ar, r->upperdir);
	c->workdir = arena_strdup(ar, r->workdir);
	c->target = arena_strdup(ar, r->target);
	v = r->nvolumes ? arena_dup(ar, r->volumes, r->nvolumes * sizeof(*r->volumes)) : NULL;
	for (size_t i = 0; v && i < r->nvolumes; i++) {
		v[i].src = arena_strdup(ar, r->volumes[i].src);
		v[i].dst = arena_strdup(ar, r->volumes[i].dst);
	}
	c->volumes = v;
	/* The same cgroup as the arguments' (the usual case) shares its copy. */
	c->cgroup = r->cgroup == cg ? cg_copy : r->cgroup ? copy_cgroup(ar, r->cgroup) : NULL;
	return c;
}

struct cg_spawn_args *cg_spawn_args_copy(struct cg_arena *ar, const struct cg_spawn_args *a)
{
	struct cg_spawn_args *c;

	ar->used = 0;
	c = arena_dup(ar, a, sizeof(*a));
	if (c == NULL)
		return errno = E2BIG, NULL;
	c->cg = a->cg ? copy_cgroup(ar, a->cg) : NULL;
	c->rootfs = a->rootfs ? copy_rootfs(ar, a->rootfs, a->cg, c->cg) : NULL;
	c->hostname = arena_strdup(ar, a->hostname);
	c->argv = arena_strv(ar, a->argv);
	c->envp = arena_strv(ar, a->envp);
	c->user = arena_strdup(ar, a->user);
	c->workdir = arena_strdup(ar, a->workdir);
	c->caps = arena_dup(ar, a->caps, sizeof(*a->caps));
	if (a->seccomp) {
		struct cg_seccomp *sc = arena_dup(ar, a->seccomp, sizeof(*a->seccomp));

		if (sc)
			sc->insns = arena_dup(ar, a->seccomp->insns, a->seccomp->len * sizeof(*sc->insns));
		c->seccomp = sc;
	}
	/* --userns=auto starts never go to the spawner (container.c): the
	 * init's parent has work to do after the clone that only cgrund does. */
	c->idmap = NULL;
	c->layers = NULL;
	/* One allocation failed: the copy is not whole. */
	if (ar->used > ar->size)
		return errno = E2BIG, NULL;
	return c;
}
