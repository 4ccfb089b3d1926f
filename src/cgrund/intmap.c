/* intmap.c - int keys to pointers (intmap.h). */
#include "config.h"

#include "intmap.h"

#include <stdint.h>
#include <stdlib.h>

#include "util.h"

static size_t slot_of(const struct intmap *m, int key)
{
	/* Fibonacci hashing: pids and wds are close together. */
	return (size_t)(((uint32_t)key * 2654435769u) & (uint32_t)(m->cap - 1));
}

static void grow(struct intmap *m)
{
	struct intmap bigger = { .cap = m->cap ? m->cap * 2 : 64 };

	bigger.keys = xcalloc(bigger.cap, sizeof(int));
	bigger.vals = xcalloc(bigger.cap, sizeof(void *));
	for (size_t i = 0; i < bigger.cap; i++)
		bigger.keys[i] = -1;
	for (size_t i = 0; i < m->cap; i++)
		if (m->keys[i] >= 0)
			intmap_put(&bigger, m->keys[i], m->vals[i]);
	intmap_free(m);
	*m = bigger;
}

void intmap_init(struct intmap *m)
{
	*m = (struct intmap){ 0 };
}

void intmap_free(struct intmap *m)
{
	free(m->keys);
	free(m->vals);
	*m = (struct intmap){ 0 };
}

void intmap_put(struct intmap *m, int key, void *val)
{
	size_t i;

	if (key < 0)
		return;
	if ((m->n + 1) * 2 > m->cap)
		grow(m);
	for (i = slot_of(m, key); m->keys[i] >= 0 && m->keys[i] != key; i = (i + 1) & (m->cap - 1))
		;
	if (m->keys[i] < 0)
		m->n++;
	m->keys[i] = key;
	m->vals[i] = val;
}

void *intmap_get(const struct intmap *m, int key)
{
	if (key < 0 || m->cap == 0)
		return NULL;
	for (size_t i = slot_of(m, key); m->keys[i] >= 0; i = (i + 1) & (m->cap - 1))
		if (m->keys[i] == key)
			return m->vals[i];
	return NULL;
}

void intmap_del(struct intmap *m, int key, const void *val)
{
	size_t i, j, mask = m->cap - 1;

	if (key < 0 || m->cap == 0)
		return;
	for (i = slot_of(m, key); m->keys[i] != key; i = (i + 1) & mask)
		if (m->keys[i] < 0)
			return;
	if (m->vals[i] != val)
		return;
	/* Backward shift: move up every later entry of the run whose home
	 * slot does not lie (cyclically) between the hole and itself, so no
	 * lookup meets an empty slot before its key. */
	for (j = (i + 1) & mask; m->keys[j] >= 0; j = (j + 1) & mask) {
		size_t home = slot_of(m, m->keys[j]);

		if (((j - home) & mask) >= ((j - i) & mask)) {
			m->keys[i] = m->keys[j];
			m->vals[i] = m->vals[j];
			i = j;
		}
	}
	m->keys[i] = -1;
	m->vals[i] = NULL;
	m->n--;
}
