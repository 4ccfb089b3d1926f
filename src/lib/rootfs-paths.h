/* rootfs-paths.h - what a container's /proc and /sys hide and make
 * read-only (docker's default spec has the same lists), unless
 * --privileged. rootfs.c masks and remounts them; the integration test
 * (tests/integration/rootfs.bats) reads this very file and checks every
 * path inside a container: keep the quoted paths between each #define and
 * its last line (the one not ending in a backslash). */
#ifndef CGRUN_ROOTFS_PATHS_H
#define CGRUN_ROOTFS_PATHS_H

/* Hidden: an empty read-only tmpfs over a directory, /dev/null over a file. */
#define CG_MASKED_PATHS \
	"/proc/asound", \
	"/proc/acpi", \
	"/proc/kcore", \
	"/proc/keys", \
	"/proc/latency_stats", \
	"/proc/timer_list", \
	"/proc/timer_stats", \
	"/proc/sched_debug", \
	"/proc/scsi", \
	"/sys/firmware", \
	"/sys/devices/virtual/powercap"

/* Bound onto themselves read-only (and nosuid, nodev, noexec). */
#define CG_READONLY_PATHS \
	"/proc/bus", \
	"/proc/fs", \
	"/proc/irq", \
	"/proc/sys", \
	"/proc/sysrq-trigger"

#endif
