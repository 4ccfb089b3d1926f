/* container-info.h - a container as ps lists it (record.c fills it from
 * the store; proto.c carries it on the wire). */
#ifndef CGRUN_CONTAINER_INFO_H
#define CGRUN_CONTAINER_INFO_H

#include <sys/types.h>

#include "state.h"

struct cg_container_info {
	char id[65];
	char *name;
	char *image;
	char *command;
	enum cg_state state;
	bool by_cgrund;       /* owner: cgrund, else a foreground cgrun */
	int exit_code;
	pid_t pid;
	long long created, started, finished;
};

void cg_container_info_free(struct cg_container_info *c);

#endif
