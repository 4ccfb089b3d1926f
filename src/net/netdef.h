/* netdef.h - user networks (`cgrun network create`): a name, a subnet and
 * a bridge of their own, defined by a file <store>/networks/<name> holding
 * "SUBNET BRIDGE". The default network ("bridge", cgrun0) has no file: its
 * subnet is cgrund.conf's. Parsing and the choice of a subnet are pure. */
#ifndef CGRUN_NET_NETDEF_H
#define CGRUN_NET_NETDEF_H

#include <stdbool.h>
#include <stddef.h>

#include "cidr.h"

#define CG_NETDEF_NAME_MAX 12   /* so that "cg-" NAME fits IFNAMSIZ */

struct cg_netdef {
	char name[CG_NETDEF_NAME_MAX + 1];
	char bridge[16];
	struct cg_cidr subnet;
};

/* [a-z0-9][a-z0-9_.-]*, at most CG_NETDEF_NAME_MAX, and not a mode's
 * word (none, host, bridge, default). */
bool cg_netdef_name_valid(const char *name);
/* The file's text, "SUBNET BRIDGE\n"; buf of CG_NETDEF_TEXT_MAX bytes. */
#define CG_NETDEF_TEXT_MAX 64
void cg_netdef_format(const struct cg_netdef *d, char *buf);
int cg_netdef_parse(const char *name, const char *text, struct cg_netdef *d, cg_err_t *err);
/* The first 10.89.N.0/24 (N from 0 to 255) that overlaps none of taken. */
int cg_netdef_pick_subnet(const struct cg_cidr *taken, size_t n, struct cg_cidr *out, cg_err_t *err);

/* Files in dir (<store>/networks). */
int cg_netdef_load(const char *dir, const char *name, struct cg_netdef *d, cg_err_t *err);
/* Every definition, sorted by name (malloc'd array). */
int cg_netdef_list(const char *dir, struct cg_netdef **out, size_t *n, cg_err_t *err);
/* Define network name with subnet (NULL: picked), refusing one that
 * overlaps another network's or dflt (the default network's). Atomic: the
 * file appears whole, and two creators of one name cannot both succeed. */
int cg_netdef_create(const char *dir, const char *name, const char *subnet, const struct cg_cidr *dflt,
		     struct cg_netdef *out, cg_err_t *err);
int cg_netdef_remove(const char *dir, const char *name, cg_err_t *err);

#endif
