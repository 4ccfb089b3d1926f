/* test_spawn_args_copy.c - the spawner's copy of a start's arguments
 * (src/lib/spawn-args-copy.c): everything reached is copied into the
 * arena and equal to the original, the rootfs's cgroup is the copy of the
 * arguments' cgroup, manager and layout are kept, and arguments that do
 * not fit fail as a whole (E2BIG). */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cgroup-manager.h"
#include "spawn-args-copy.h"

static char buf[1 << 16];

static bool in_arena(const struct cg_arena *ar, const void *p)
{
	return (const char *)p >= ar->base && (const char *)p < ar->base + ar->used;
}

/* Copied: in the arena, elsewhere than the original, equal to it. */
static void check_str(const struct cg_arena *ar, const char *copy, const char *orig)
{
	if (orig == NULL) {
		assert_null(copy);
		return;
	}
	assert_true(in_arena(ar, copy));
	assert_ptr_not_equal(copy, orig);
	assert_string_equal(copy, orig);
}

static void check_strv(const struct cg_arena *ar, char *const *copy, char *const *orig)
{
	size_t i;

	assert_true(in_arena(ar, copy));
	for (i = 0; orig[i]; i++)
		check_str(ar, copy[i], orig[i]);
	assert_null(copy[i]);
}

struct fixture {
	struct cg_cgroup cg;
	struct cg_rootfs rootfs;
	struct volume_spec vols[2];
	struct cg_caps caps;
	struct sock_filter insns[3];
	struct cg_seccomp sc;
	char *argv[3];
	char *envp[3];
	struct cg_spawn_args a;
};

static const struct cg_manager fake_mgr;
static const struct cg_layout *const fake_layout = (const struct cg_layout *)&fake_mgr;

static void fixture_init(struct fixture *f)
{
	memset(f, 0, sizeof(*f));
	f->cg.mgr = &fake_mgr;
	f->cg.layout = fake_layout;
	f->cg.id = "0123abcd";
	f->cg.parent_name = "cgrun";
	f->cg.path[CG_MEMORY] = "/sys/fs/cgroup/memory/cgrun/0123abcd";
	f->cg.path[CG_PIDS] = "/sys/fs/cgroup/pids/cgrun/0123abcd";
	f->cg.unified_path = "/sys/fs/cgroup/unified/cgrun/0123abcd";
	f->cg.unified_fd = 7;
	f->cg.lrel[0] = "cgrun/0123abcd";
	f->cg.limits.cpuset_cpus = "0-1";
	f->cg.attach_op = &f->caps;  /* anything: the copy must drop it */
	f->vols[0] = (struct volume_spec){ .src = "/srv/a", .dst = "/a", .readonly = true };
	f->vols[1] = (struct volume_spec){ .src = "/srv/b", .dst = "/b" };
	f->rootfs = (struct cg_rootfs){ .lowerdirs = "/x/init:/x/img", .upperdir = "/x/upper", .workdir = "/x/work",
					.target = "/x/rootfs", .volumes = f->vols, .nvolumes = 2, .cgroup = &f->cg,
					.ephemeral = true };
	f->caps.set = 0x1234;
	for (int i = 0; i < 3; i++)
		f->insns[i] = (struct sock_filter){ .code = (unsigned short)(i + 1), .k = 100u + (unsigned)i };
	f->sc = (struct cg_seccomp){ .insns = f->insns, .len = 3 };
	f->argv[0] = "/bin/sh";
	f->argv[1] = "-c";
	f->envp[0] = "PATH=/bin";
	f->envp[1] = "HOME=/root";
	f->a = (struct cg_spawn_args){ .rootfs = &f->rootfs, .cg = &f->cg, .hostname = "box", .argv = f->argv,
				       .envp = f->envp, .user = "1000:1000", .caps = &f->caps, .seccomp = &f->sc,
				       .stdio = { 0, 5, 5 }, .tty = true, .exit_fd = 9, .nofile = 1024 };
	f->a.winsize.ws_row = 24;
}

static void test_deep_copy(void **state)
{
	struct fixture f;
	struct cg_arena ar = { .base = buf, .size = sizeof(buf) };
	struct cg_spawn_args *c;

	(void)state;
	fixture_init(&f);
	c = cg_spawn_args_copy(&ar, &f.a);
	assert_non_null(c);
	assert_ptr_equal(c, buf);
	assert_true(ar.used > sizeof(*c) && ar.used <= ar.size);
	check_str(&ar, c->hostname, "box");
	check_str(&ar, c->user, "1000:1000");
	assert_null(c->workdir);
	check_strv(&ar, c->argv, f.argv);
	check_strv(&ar, c->envp, f.envp);
	assert_int_equal(c->stdio[1], 5);
	assert_int_equal(c->exit_fd, 9);
	assert_true(c->tty);
	assert_int_equal(c->winsize.ws_row, 24);
	assert_int_equal(c->nofile, 1024);
	assert_true(in_arena(&ar, c->caps));
	assert_int_equal(c->caps->set, 0x1234);
	assert_true(in_arena(&ar, c->seccomp) && in_arena(&ar, c->seccomp->insns));
	assert_int_equal(c->seccomp->len, 3);
	assert_memory_equal(c->seccomp->insns, f.insns, sizeof(f.insns));
	/* The cgroup: strings copied, manager and layout kept, no operation. */
	assert_true(in_arena(&ar, c->cg));
	assert_ptr_equal(c->cg->mgr, &fake_mgr);
	assert_ptr_equal(c->cg->layout, fake_layout);
	assert_null(c->cg->attach_op);
	assert_int_equal(c->cg->unified_fd, 7);
	check_str(&ar, c->cg->id, f.cg.id);
	check_str(&ar, c->cg->path[CG_MEMORY], f.cg.path[CG_MEMORY]);
	check_str(&ar, c->cg->path[CG_PIDS], f.cg.path[CG_PIDS]);
	assert_null(c->cg->path[CG_CPU]);
	check_str(&ar, c->cg->unified_path, f.cg.unified_path);
	check_str(&ar, c->cg->lrel[0], f.cg.lrel[0]);
	check_str(&ar, c->cg->limits.cpuset_cpus, "0-1");
	/* The rootfs, its volumes, and its cgroup: the same copy. */
	assert_true(in_arena(&ar, c->rootfs));
	check_str(&ar, c->rootfs->lowerdirs, f.rootfs.lowerdirs);
	check_str(&ar, c->rootfs->target, f.rootfs.target);
	assert_true(c->rootfs->ephemeral);
	assert_int_equal(c->rootfs->nvolumes, 2);
	assert_true(in_arena(&ar, c->rootfs->volumes));
	check_str(&ar, c->rootfs->volumes[1].src, "/srv/b");
	check_str(&ar, c->rootfs->volumes[0].dst, "/a");
	assert_true(c->rootfs->volumes[0].readonly);
	assert_ptr_equal(c->rootfs->cgroup, c->cg);
}

static void test_reset_each_time(void **state)
{
	struct fixture f;
	struct cg_arena ar = { .base = buf, .size = sizeof(buf) };
	size_t first;

	(void)state;
	fixture_init(&f);
	assert_non_null(cg_spawn_args_copy(&ar, &f.a));
	first = ar.used;
	assert_non_null(cg_spawn_args_copy(&ar, &f.a));
	assert_int_equal(ar.used, first);
}

static void test_too_big(void **state)
{
	struct fixture f;
	struct cg_arena ar = { .base = buf, .size = sizeof(buf) };
	size_t need;

	(void)state;
	fixture_init(&f);
	assert_non_null(cg_spawn_args_copy(&ar, &f.a));
	need = ar.used;
	/* Every size short of it fails, whichever object does not fit. */
	for (size_t n = 0; n < need; n += 7) {
		ar = (struct cg_arena){ .base = buf, .size = n };
		errno = 0;
		assert_null(cg_spawn_args_copy(&ar, &f.a));
		assert_int_equal(errno, E2BIG);
	}
	ar = (struct cg_arena){ .base = buf, .size = need };
	assert_non_null(cg_spawn_args_copy(&ar, &f.a));
}

static void test_minimal(void **state)
{
	char *argv[] = { "true", NULL };
	struct cg_spawn_args a = { .argv = argv, .stdio = { -1, -1, -1 }, .exit_fd = -1 };
	struct cg_arena ar = { .base = buf, .size = sizeof(buf) };
	struct cg_spawn_args *c;

	(void)state;
	c = cg_spawn_args_copy(&ar, &a);
	assert_non_null(c);
	assert_null(c->cg);
	assert_null(c->rootfs);
	assert_null(c->envp);
	assert_null(c->seccomp);
	check_strv(&ar, c->argv, argv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deep_copy),
		cmocka_unit_test(test_reset_each_time),
		cmocka_unit_test(test_too_big),
		cmocka_unit_test(test_minimal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
