/* spawn-args-copy.h - a deep copy of a container's spawn arguments into
 * one flat buffer (an arena), for cgrund's spawner (spawner.c): the
 * spawner is forked from cgrund after the arena is mapped, so the arena
 * sits at the same address in both, and the copy's pointers, all into the
 * arena, mean the same in the spawner once its arena holds the same bytes.
 * Pure: no system calls. */
#ifndef CGRUN_SPAWN_ARGS_COPY_H
#define CGRUN_SPAWN_ARGS_COPY_H

#include <stddef.h>

#include "spawn.h"

struct cg_arena {
	char *base;
	size_t size;
	size_t used;
};

/* Copy a into ar (reset first): every string, array and struct a reaches,
 * except what lives as long as the process and was there when the
 * spawner was forked (a->cg's manager and layout: cgrund's own, made
 * before). The copy is the arena's first object. NULL (errno E2BIG) if it
 * does not fit. fds are copied as numbers: the receiver puts its own. */
struct cg_spawn_args *cg_spawn_args_copy(struct cg_arena *ar, const struct cg_spawn_args *a);

#endif
