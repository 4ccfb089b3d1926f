/* cgroup-systemd.h - a transient, delegated systemd scope per container.
 *
 * Why: on cgroup v2 a cgroup that hands controllers down may hold no
 * process, and systemd before v254 starts a service's main process in the
 * service's own cgroup. So if cgrund.service's cgroup held the containers,
 * cgrund could not be restarted while they run. cgrund under systemd on v2
 * therefore asks systemd for a scope per container (as podman and crun's
 * systemd driver do), Delegate=yes, and puts the container in a leaf of it. */
#ifndef CGRUN_CGROUP_SYSTEMD_H
#define CGRUN_CGROUP_SYSTEMD_H

#include <stdbool.h>
#include <sys/types.h>

#include "util.h"

#define CG_SCOPE_SLICE "machine.slice"

/* Starts a scope: "cgrun-<id>.scope" in machine.slice holding pid, and
 * waits until the kernel shows pid in it. cgrund registers its sd-bus one
 * (src/cgrund/scopes.c), so that only cgrund links libsystemd: the cgrun
 * client starts ~1.4 ms faster without it and its dependencies (libgcrypt,
 * lz4, zstd, lzma), measured on this project's machines. */
typedef int cg_scope_starter_fn(const char *unit, const char *description, pid_t pid, cg_err_t *err);
void cg_systemd_set_scope_starter(cg_scope_starter_fn *fn);
/* Calls the registered starter; fails (ENOTSUP) when none is. */
int cg_systemd_start_scope(const char *unit, const char *description, pid_t pid, cg_err_t *err);
/* Pure: the unit name and its cgroup path (below the mount) for an id and
 * a generation: "cgrun-<id>.scope" for the first start, "cgrun-<id>-<gen>.scope"
 * after a restart. Why a new name per restart: systemd stops and removes
 * an emptied scope on its own schedule, so the old one may still exist
 * (or be half torn down) when the container starts again. */
void cg_systemd_scope_names(const char *id, int gen, char unit[96], char rel[160]);
/* Pure: whether unit is a scope name cg_systemd_scope_names gives for id. */
bool cg_systemd_scope_valid(const char *id, const char *unit);

#endif
