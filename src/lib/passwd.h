/* passwd.h - resolve -u USER[:GROUP] against an image's /etc/passwd and
 * /etc/group texts. Pure: takes buffers. */
#ifndef CGRUN_PASSWD_H
#define CGRUN_PASSWD_H

#include <stddef.h>
#include <sys/types.h>

#include "util.h"

#define CG_MAX_GROUPS 64

struct cg_user {
	uid_t uid;
	gid_t gid;
	char home[256];
	gid_t groups[CG_MAX_GROUPS];   /* supplementary */
	size_t ngroups;
};

/* passwd/group may be NULL (file missing): numeric ids still work.
 * A numeric user absent from passwd gets gid = uid's group 0 and home "/". */
int cg_user_resolve(const char *user, const char *group, const char *passwd,
		    const char *groupf, struct cg_user *out, cg_err_t *err);

#endif
