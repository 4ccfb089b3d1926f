/* caps.h - the container's capability set (libcap). */
#ifndef CGRUN_CAPS_H
#define CGRUN_CAPS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/capability.h>

#include "util.h"

struct cg_caps {
	uint64_t set;  /* bit per CAP_* number */
};

/* docker's default set: CHOWN, DAC_OVERRIDE, FSETID, FOWNER, MKNOD, NET_RAW,
 * SETGID, SETUID, SETFCAP, SETPCAP, NET_BIND_SERVICE, SYS_CHROOT, KILL,
 * AUDIT_WRITE. */
void cg_caps_default(struct cg_caps *c);
void cg_caps_all(struct cg_caps *c);
/* "NET_ADMIN", "cap_net_admin" or "ALL"; pure (libcap's name table). */
int cg_caps_add(struct cg_caps *c, const char *name, cg_err_t *err);
int cg_caps_drop(struct cg_caps *c, const char *name, cg_err_t *err);
/* Drop the bounding set to c, then set permitted, effective and inheritable.
 * For a non-root uid (switched between the two steps by the caller),
 * permitted and effective end up empty as docker does. */
int cg_caps_apply_bounding(const struct cg_caps *c, cg_err_t *err);
int cg_caps_apply_sets(const struct cg_caps *c, bool root, cg_err_t *err);
/* The same in two steps: the sets built (allocates; cap_free them), then
 * applied with system calls only, for a child of vfork. */
cap_t cg_caps_build(const struct cg_caps *c, bool root, cg_err_t *err);
int cg_caps_set(cap_t caps, cg_err_t *err);

#endif
