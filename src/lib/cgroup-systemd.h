/* cgroup-systemd.h - the systemd cgroup manager: a transient scope per
 * container, <slice>/cgrun-<id>.scope, Delegate=yes, its limits as unit
 * properties, the container's init as its process (as podman's and crun's
 * systemd drivers do).
 *
 * Why: on a stock systemd host (Debian, Ubuntu, Fedora: cgroup v2 only)
 * a login shell sits in a session scope that systemd gives no
 * controllers, and a cgroup that hands controllers down may hold no
 * process: cgroups below our own cannot get a CPU limit there. Below
 * systemd the cgroup tree is systemd's to make; we ask it for ours.
 *
 * The pure part (names, slices, properties) is here for unit tests; the
 * manager itself (cg_systemd_ops) talks to systemd through sdbus.h. */
#ifndef CGRUN_CGROUP_SYSTEMD_H
#define CGRUN_CGROUP_SYSTEMD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "cgroup-limits.h"
#include "sdbus.h"
#include "util.h"

/* Pure: the scope of container id: "cgrun-<id>.scope" for its first
 * start, "cgrun-<id>-<gen>.scope" after a restart. Why a new name per
 * restart: systemd stops and removes an emptied scope on its own
 * schedule, so the old one may still exist (or be half torn down) when
 * the container starts again. */
void cg_systemd_scope_name(const char *id, int gen, char unit[96]);
/* Pure: whether unit is a scope name cg_systemd_scope_name gives for id. */
bool cg_systemd_scope_valid(const char *id, const char *unit);
/* Pure: a slice name systemd accepts as a scope's Slice= ("machine.slice",
 * "foo-bar.slice"), else an error saying what a slice name is. */
int cg_systemd_check_slice(const char *slice, cg_err_t *err);
/* Pure: where a slice's cgroup is below the hierarchy's root: each '-'
 * nests ("a-b.slice" is a.slice/a-b.slice; "-.slice" is the root, ""). */
void cg_systemd_slice_path(const char *slice, char *out, size_t n);
/* Pure: the CPUs of a list ("0-2,5") as AllowedCPUs= takes them, a
 * little-endian bit mask (bit N of byte N/8). */
int cg_systemd_cpu_mask(const char *list, uint8_t *bytes, size_t max, size_t *n, cg_err_t *err);
/* Pure: the unit properties that set lim, for a host whose controllers
 * are in cgroup2 (unified) or in v1 hierarchies (hybrid: CPUShares= for
 * --cpu-shares; --cpuset-cpus and a --memory-swap limit, which systemd
 * cannot set there, are refused; unlimited swap is v1's default). Returns how many, or -1 with err. */
int cg_systemd_limit_props(const struct cg_limits *lim, bool unified, struct cg_unit_prop *out,
			   size_t max, cg_err_t *err);

#endif
