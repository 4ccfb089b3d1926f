/* lease.h - a network's address leases as files: one per address, named
 * for it, in the network's lease directory (network.h says where), holding
 * "ID PID START" (ipam.h). A lease is taken by link(2) of a complete temp
 * file to its name, which fails if the name exists: two takers (cgrund and
 * an in-process cgrun) never get the same address and no reader ever sees
 * a lease half written; nothing needs a lock. */
#ifndef CGRUN_NET_LEASE_H
#define CGRUN_NET_LEASE_H

#include "ipam.h"

/* Take the lowest free address of net for l's holder (l->addr is set). */
int cg_lease_take(const char *dir, const struct cg_cidr *net, struct cg_lease *l, cg_err_t *err);
/* Give back every lease of container id: the number released, or -1. A
 * directory that does not exist holds none. */
int cg_lease_release(const char *dir, const char *id, cg_err_t *err);
/* Every lease in dir (malloc'd array, *n of them); unreadable or foreign
 * files are skipped. */
int cg_lease_list(const char *dir, struct cg_lease **out, size_t *n, cg_err_t *err);
/* The lease of container id, if any: 1 (l filled), 0 none, -1. */
int cg_lease_find(const char *dir, const char *id, struct cg_lease *l, cg_err_t *err);

#endif
