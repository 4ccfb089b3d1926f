/* cgroup-systemd.c - scope names, and the hook through which cgrund starts
 * scopes (src/cgrund/scopes.c): only cgrund links libsystemd. */
#include "config.h"

#include "cgroup-systemd.h"

#include <errno.h>
#include <string.h>

void cg_systemd_scope_names(const char *id, int gen, char unit[96], char rel[160])
{
	if (gen > 0)
		snprintf(unit, 96, "cgrun-%.64s-%d.scope", id, gen);
	else
		snprintf(unit, 96, "cgrun-%.64s.scope", id);
	snprintf(rel, 160, "%s/%s", CG_SCOPE_SLICE, unit);
}

bool cg_systemd_scope_valid(const char *id, const char *unit)
{
	size_t n = strlen(id), u = strlen(unit);
	const char *p;

	if (strncmp(unit, "cgrun-", 6) != 0 || strncmp(unit + 6, id, n) != 0 ||
	    u < 6 + n + 6 || strcmp(unit + u - 6, ".scope") != 0)
		return false;
	p = unit + 6 + n;
	if (p == unit + u - 6)
		return true;
	if (*p++ != '-' || p == unit + u - 6 || *p == '0')
		return false;
	for (; p < unit + u - 6; p++)
		if (*p < '0' || *p > '9')
			return false;
	return u - 6 - 6 - n <= 11;
}

static cg_scope_starter_fn *scope_starter;

void cg_systemd_set_scope_starter(cg_scope_starter_fn *fn)
{
	scope_starter = fn;
}

int cg_systemd_start_scope(const char *unit, const char *description, pid_t pid, cg_err_t *err)
{
	if (scope_starter == NULL)
		return cg_error(err, ENOTSUP, "systemd scope %s: only cgrund makes scopes (cgroup_manager in cgrund.conf)", unit);
	return scope_starter(unit, description, pid, err);
}
