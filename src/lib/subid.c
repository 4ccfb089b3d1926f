/* subid.c - subordinate id ranges and the choice of a free block (see
 * subid.h). Pure. */
#include "config.h"

#include "subid.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* A decimal number that fits in 32 bits, the whole of s. */
static int parse_u32(const char *s, uint32_t *out)
{
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > UINT32_MAX)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static int by_start(const void *a, const void *b)
{
	const struct cg_idrange *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* Sort and merge overlapping or touching ranges in place. */
static size_t merge(struct cg_idrange *r, size_t n)
{
	size_t k = 0;

	if (n == 0)
		return 0;
	qsort(r, n, sizeof(*r), by_start);
	for (size_t i = 1; i < n; i++) {
		uint64_t end = (uint64_t)r[k].start + r[k].count;

		if (r[i].start <= end) {
			uint64_t e2 = (uint64_t)r[i].start + r[i].count;

			if (e2 > end)
				r[k].count = (uint32_t)(e2 - r[k].start);
		} else {
			r[++k] = r[i];
		}
	}
	return k + 1;
}

static bool names_user(const char *field, const char *name, long long uid)
{
	uint32_t n;

	if (!strcmp(field, name))
		return true;
	return uid >= 0 && parse_u32(field, &n) == 0 && n == (uint64_t)uid;
}

int cg_subid_parse(const char *text, const char *name, long long uid, struct cg_idrange **out, size_t *n,
		   cg_err_t *err)
{
	cleanup_free char *copy = xstrdup(text);
	struct cg_idrange *r = NULL;
	size_t k = 0, cap = 0;
	int line = 0;

	*out = NULL;
	*n = 0;
	/* Not strtok: empty lines count, or line numbers drift. */
	for (char *l = copy, *next; l; l = next) {
		char *f1, *f2;
		uint32_t start, count;

		next = strchr(l, '\n');
		if (next)
			*next++ = '\0';
		line++;
		if (l[0] == '\0' || l[0] == '#')
			continue;
		f1 = strchr(l, ':');
		if (f1)
			*f1++ = '\0';
		if (!names_user(l, name, uid))
			continue;
		f2 = f1 ? strchr(f1, ':') : NULL;
		if (f2)
			*f2++ = '\0';
		if (f2 == NULL || parse_u32(f1, &start) < 0 || parse_u32(f2, &count) < 0 || count == 0 ||
		    (uint64_t)start + count > (uint64_t)UINT32_MAX) {
			free(r);
			return cg_error(err, 0, "line %d for user %s is not USER:START:COUNT with a START+COUNT below 2^32",
					line, name);
		}
		if (k == cap) {
			cap = cap ? 2 * cap : 4;
			r = realloc(r, cap * sizeof(*r));
			if (r == NULL)
				abort();
		}
		r[k++] = (struct cg_idrange){ start, count };
	}
	*n = merge(r, k);
	*out = r;
	return 0;
}

int cg_subid_pick(const struct cg_idrange *avail, size_t navail, const struct cg_idrange *used, size_t nused,
		  uint32_t size, uint32_t *start)
{
	for (size_t i = 0; i < navail; i++) {
		uint64_t s = avail[i].start, end = (uint64_t)avail[i].start + avail[i].count;

		/* Each pass moves s past one block in the way, or returns. */
		while (s + size <= end) {
			uint64_t bump = 0;

			for (size_t j = 0; j < nused; j++) {
				uint64_t us = used[j].start, ue = us + used[j].count;

				if (us < s + size && s < ue && ue > bump)
					bump = ue;
			}
			if (bump == 0) {
				*start = (uint32_t)s;
				return 0;
			}
			s = bump;
		}
	}
	return -1;
}

void cg_idmap_format(const struct cg_idmap *m, char *buf, size_t len)
{
	snprintf(buf, len, "%" PRIu32 ":%" PRIu32 ":%" PRIu32, m->uid, m->gid, m->count);
}

int cg_idmap_parse(const char *s, struct cg_idmap *m)
{
	cleanup_free char *c = xstrdup(s);
	char *a = strchr(c, ':'), *b = a ? strchr(a + 1, ':') : NULL;

	if (b == NULL)
		return -1;
	*a++ = '\0';
	*b++ = '\0';
	if (parse_u32(c, &m->uid) < 0 || parse_u32(a, &m->gid) < 0 || parse_u32(b, &m->count) < 0 || m->count == 0)
		return -1;
	return 0;
}

void cg_idmap_line(uint32_t first, uint32_t count, char *buf, size_t len)
{
	snprintf(buf, len, "0 %" PRIu32 " %" PRIu32 "\n", first, count);
}
