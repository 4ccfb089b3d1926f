/* dconf.h - cgrund.conf: "key = value" lines, '#' comments. Pure. */
#ifndef CGRUN_DCONF_H
#define CGRUN_DCONF_H

#include <stdbool.h>

#include "util.h"

struct cg_dconf {
	char socket_group[64];   /* group allowed on the socket (default cgrun) */
	char cgroup_parent[128]; /* default parent for containers ("": the manager's) */
	char log_driver[16];     /* "file" (default) or "journald" */
	int stats_interval;      /* seconds; 0 turns stats off (default 1) */
	int stop_timeout;        /* default seconds for stop (default 10) */
	char cgroup_manager[16]; /* "auto" (default), "systemd" or "cgroupfs" */
	char userns[8];          /* containers' default --userns: "host" (default) or "auto" */
	char network_subnet[32]; /* the default bridge's subnet (default 10.88.0.0/16) */
	char network[64];        /* containers' default --network (default bridge) */
};

void cg_dconf_defaults(struct cg_dconf *c);
/* Parse text; an unknown key or a bad value is an error naming its line. */
int cg_dconf_parse(struct cg_dconf *c, const char *text, cg_err_t *err);

#endif
