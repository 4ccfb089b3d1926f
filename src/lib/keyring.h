/* keyring.h - the container's own session keyring. */
#ifndef CGRUN_KEYRING_H
#define CGRUN_KEYRING_H

#include "util.h"

/* Join a new anonymous session keyring (keyctl(2)
 * KEYCTL_JOIN_SESSION_KEYRING with no name), so that nothing of the
 * caller's session keyring is reachable from the container, as runc does.
 * A kernel without keys (ENOSYS) has nothing to reach: 0. System calls
 * only (safe in a vfork child). */
int cg_keyring_fresh(cg_err_t *err);

#endif
