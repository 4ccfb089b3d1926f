/* sysctl.h - the kernel settings a bridge network needs, written in the
 * network namespace the caller runs in (where the bridge is). */
#ifndef CGRUN_NET_SYSCTL_H
#define CGRUN_NET_SYSCTL_H

#include "util.h"

/* Write value to /proc/sys/<key> (key with '/'), unless it holds it already. */
int cg_sysctl_ensure(const char *key, const char *value, cg_err_t *err);
/* What a bridge network needs: forwarding between the bridge and the
 * other links (net.ipv4.ip_forward = 1). */
int cg_net_sysctls(cg_err_t *err);

#endif
