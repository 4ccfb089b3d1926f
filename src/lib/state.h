/* state.h - the states of a container and their names (as records, ps and
 * the wire spell them). Pure. */
#ifndef CGRUN_STATE_H
#define CGRUN_STATE_H

#include <stdbool.h>

enum cg_state {
	CG_STATE_CREATED = 0,
	CG_STATE_RUNNING,
	CG_STATE_PAUSED,
	CG_STATE_EXITED,
	CG_STATE_OOM_KILLED,
};

const char *cg_state_name(enum cg_state s);
/* An unknown or missing name reads as exited: such a record holds nothing
 * that runs. */
enum cg_state cg_state_from_name(const char *s);
/* Running or paused: its init is alive. */
static inline bool cg_state_up(enum cg_state s)
{
	return s == CG_STATE_RUNNING || s == CG_STATE_PAUSED;
}
/* Exited or OOM-killed: nothing of it runs. */
static inline bool cg_state_ended(enum cg_state s)
{
	return s == CG_STATE_EXITED || s == CG_STATE_OOM_KILLED;
}

#endif
