/* intmap.h - non-negative int keys (pids, inotify watch descriptors) to
 * pointers: the loop finds the container an event names without a walk
 * over every container. Open addressing, linear probing, backward-shift
 * deletion; grows past half full. Pure: no system calls. */
#ifndef CGRUND_INTMAP_H
#define CGRUND_INTMAP_H

#include <stddef.h>

struct intmap {
	int *keys;                 /* -1: empty slot */
	void **vals;
	size_t cap;                /* a power of two, or 0 before the first put */
	size_t n;
};

void intmap_init(struct intmap *m);
void intmap_free(struct intmap *m);
/* Set key (>= 0; a negative key is ignored) to val, replacing any. */
void intmap_put(struct intmap *m, int key, void *val);
/* key's value, or NULL. */
void *intmap_get(const struct intmap *m, int key);
/* Drop key if it maps to val (another holder of a reused key keeps it). */
void intmap_del(struct intmap *m, int key, const void *val);

#endif
