/* state.c - container state names. */
#include "config.h"

#include "state.h"

#include <string.h>

#include "util.h"

static const char *const state_names[] = {
	[CG_STATE_CREATED] = "created", [CG_STATE_RUNNING] = "running", [CG_STATE_PAUSED] = "paused",
	[CG_STATE_EXITED] = "exited", [CG_STATE_OOM_KILLED] = "oom-killed",
};

const char *cg_state_name(enum cg_state s)
{
	return (size_t)s < ARRAY_SIZE(state_names) ? state_names[s] : "unknown";
}

enum cg_state cg_state_from_name(const char *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(state_names); i++)
		if (s && !strcmp(s, state_names[i]))
			return (enum cg_state)i;
	return CG_STATE_EXITED;
}
