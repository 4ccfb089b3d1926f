/* keyring.c - the container's own session keyring.
 *
 * A process inherits its parent's session keyring: without this the
 * container's processes would possess every key of the session cgrun (or
 * cgrund) was started from, whatever their uid. keyctl is called through
 * syscall(2): one call does not need libkeyutils. The user keyring of
 * uid 0 is still shared with the host's root (keyrings are not
 * namespaced): the seccomp filter closes it (keyctl, add_key and
 * request_key are never allowed, seccomp-profile.c). */
#include "config.h"

#include "keyring.h"

#include <errno.h>
#include <linux/keyctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int cg_keyring_fresh(cg_err_t *err)
{
	if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL, 0, 0, 0) >= 0 || errno == ENOSYS)
		return 0;
	return cg_error(err, errno, "joining a new session keyring");
}
