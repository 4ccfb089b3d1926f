/* bindnow.c - every library's functions bound before the spawner is forked.
 *
 * cgrund is linked with -z now, but that binds only cgrund's own imports:
 * libc, libcap and the other libraries call each other (and libc itself
 * calls malloc) through PLT slots that stay lazy. The spawner never runs
 * the inits' code, so those slots are still unbound when it clones an
 * init, and every init bound them again: each first call walked the
 * symbol tables of all twenty libraries cgrund loads, pages an init had
 * never touched, a minor fault each (14 of the 61 faults a start of the
 * spawner and its init; a fault costs ~18 us on a paravirtualised guest). With LD_BIND_NOW the
 * loader binds every object at start, so the spawner and each init inherit
 * every binding. The loader reads it only at exec: cgrund sets it and
 * executes itself again, once, before anything else (same pid, same fds:
 * socket activation and the notify socket are unaffected), then takes it
 * out of its environment so that nothing cgrund starts inherits it. The
 * exec of /proc/self/exe names the process "exe": the name it had (ps,
 * pgrep and the journal show it) travels in the mark and is set again.
 * docs/spawner.md has the figures. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "cgrund.h"

/* Set on the exec below to the process's name: LD_BIND_NOW is ours to take
 * away again. */
#define REEXEC_MARK "CGRUND_BOUND_NOW"

void cgrund_bind_now(char **argv)
{
	char name[17] = { 0 };
	const char *mark = getenv(REEXEC_MARK);

	if (getenv("LD_BIND_NOW") != NULL) {
		if (mark != NULL) {
			if (*mark != '\0')
				prctl(PR_SET_NAME, mark, 0, 0, 0);
			unsetenv("LD_BIND_NOW");
			unsetenv(REEXEC_MARK);
		}
		return;
	}
	if (prctl(PR_GET_NAME, name, 0, 0, 0) < 0)
		name[0] = '\0';
	if (setenv("LD_BIND_NOW", "1", 1) < 0 || setenv(REEXEC_MARK, name, 1) < 0)
		return;
	execv("/proc/self/exe", argv);
	/* No /proc or no exec: lazily bound, as before; only slower. */
	unsetenv("LD_BIND_NOW");
	unsetenv(REEXEC_MARK);
}
