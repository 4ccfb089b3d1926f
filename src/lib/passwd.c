/* passwd.c - /etc/passwd and /etc/group lookups over buffers. */
#include "config.h"

#include "passwd.h"

#include <string.h>

#include "parse.h"

/* Split one colon-separated line into at most max fields, in place. */
static int fields(char *line, char **f, int max)
{
	int n = 0;

	f[n++] = line;
	for (char *p = line; *p && n < max; p++)
		if (*p == ':') {
			*p = '\0';
			f[n++] = p + 1;
		}
	return n;
}

/* Copy the next line of text into buf; returns where the one after starts,
 * or NULL at the end. Over-long lines are truncated (never matched). */
static const char *next_line(const char *p, char *buf, size_t cap)
{
	size_t n;

	if (p == NULL || *p == '\0')
		return NULL;
	n = strcspn(p, "\n");
	snprintf(buf, cap, "%.*s", (int)n, p);
	return p + n + (p[n] == '\n');
}

int cg_user_resolve(const char *user, const char *group, const char *passwd,
		    const char *groupf, struct cg_user *out, cg_err_t *err)
{
	uint32_t id;
	bool found = false;
	char name[256] = "";

	memset(out, 0, sizeof(*out));
	snprintf(out->home, sizeof(out->home), "/");
	bool numeric = parse_id(user, &id);

	char line[1024];

	for (const char *p = passwd; (p = next_line(p, line, sizeof(line))) != NULL;) {
		char *f[7];
		uint32_t uid, gid;

		if (fields(line, f, 7) < 7 || !parse_id(f[2], &uid) || !parse_id(f[3], &gid))
			continue;
		if (numeric ? uid == id : !strcmp(f[0], user)) {
			out->uid = uid;
			out->gid = gid;
			snprintf(out->home, sizeof(out->home), "%s", f[5][0] ? f[5] : "/");
			snprintf(name, sizeof(name), "%s", f[0]);
			found = true;
			break;
		}
	}
	if (!found) {
		if (!numeric)
			return cg_error(err, 0, "user '%s' not found in the image's /etc/passwd", user);
		out->uid = id;
		out->gid = 0;
	}
	if (group) {
		bool gnum = parse_id(group, &id), gfound = false;

		for (const char *p = groupf; (p = next_line(p, line, sizeof(line))) != NULL;) {
			char *f[4];
			uint32_t gid;

			if (fields(line, f, 4) < 3 || !parse_id(f[2], &gid))
				continue;
			if (gnum ? gid == id : !strcmp(f[0], group)) {
				out->gid = gid;
				gfound = true;
				break;
			}
		}
		if (!gfound) {
			if (!gnum)
				return cg_error(err, 0, "group '%s' not found in the image's /etc/group", group);
			out->gid = id;
		}
	}
	/* Supplementary groups: those listing the user by name. */
	if (name[0]) {
		for (const char *p = groupf; (p = next_line(p, line, sizeof(line))) != NULL;) {
			char *f[4];
			uint32_t gid;
			char *save = NULL;

			if (fields(line, f, 4) < 4 || !parse_id(f[2], &gid))
				continue;
			for (char *m = strtok_r(f[3], ",", &save); m; m = strtok_r(NULL, ",", &save))
				if (!strcmp(m, name) && out->ngroups < CG_MAX_GROUPS && gid != out->gid)
					out->groups[out->ngroups++] = gid;
		}
	}
	return 0;
}
