/* subid.h - subordinate id ranges (/etc/subuid, /etc/subgid: lines
 * "USER:START:COUNT", USER a name or a numeric uid) and the choice of a
 * free block of them for a container's user namespace. Pure: text in,
 * ranges out, so it is unit-tested without root. */
#ifndef CGRUN_SUBID_H
#define CGRUN_SUBID_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* The ids every --userns=auto container gets: 0..65535 inside. */
#define CG_USERNS_SIZE 65536u

struct cg_idrange {
	uint32_t start;
	uint32_t count;
};

/* A container's mapping: ids 0..count-1 inside are uid..uid+count-1 and
 * gid..gid+count-1 outside. count 0: no user namespace (--userns=host). */
struct cg_idmap {
	uint32_t uid, gid, count;
};

/* The ranges of user `name` (or of numeric uid `uid`, unless uid is -1)
 * in subuid/subgid text, sorted by start with overlaps merged, in *out
 * (malloc'd, *n of them; none is not an error). A line naming the user
 * that does not parse is an error naming its line number; other users'
 * lines are not our business and are skipped whatever they hold. */
int cg_subid_parse(const char *text, const char *name, long long uid, struct cg_idrange **out, size_t *n,
		   cg_err_t *err);

/* The lowest start of `size` consecutive ids inside one of avail[]
 * (sorted, merged) that overlaps none of used[] (any order). 0 with
 * *start, -1 when there is no such block. */
int cg_subid_pick(const struct cg_idrange *avail, size_t navail, const struct cg_idrange *used, size_t nused,
		  uint32_t size, uint32_t *start);

/* "UID:GID:COUNT" (how the store records a container's mapping) and back. */
void cg_idmap_format(const struct cg_idmap *m, char *buf, size_t len);
int cg_idmap_parse(const char *s, struct cg_idmap *m);

/* The line of /proc/PID/uid_map or gid_map for a mapping of count ids
 * from host id `first`: "0 FIRST COUNT\n". */
void cg_idmap_line(uint32_t first, uint32_t count, char *buf, size_t len);

#endif
