/* mount-opts.h - the pure side of safe-mount.c: mount(2)-style flags and
 * option strings turned into what the new mount API takes, and the check
 * that a stat is the device node it should be. No system calls. */
#ifndef CGRUN_MOUNT_OPTS_H
#define CGRUN_MOUNT_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

/* One "key" or "key=value" of an option string like "mode=755,size=64k". */
struct cg_mount_opt {
	char *key;
	char *value;   /* NULL for a flag ("newinstance") */
};

/* Split buf (modified in place) at ',' into at most max options. Returns
 * how many, or -1 when there are more than max or one is empty (",,",
 * "=x"). Escapes are not supported: cgrun's options are its own. */
int cg_mount_opts_split(char *buf, struct cg_mount_opt *opts, size_t max);

/* MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_STRICTATIME as
 * MOUNT_ATTR_* for fsmount and mount_setattr; any other flag is a
 * programming error and yields (unsigned)-1. */
unsigned cg_mount_attrs(unsigned long ms_flags);

/* st is a character device MAJOR:MINOR (and not a link or anything else). */
bool cg_stat_is_chardev(const struct stat *st, unsigned major, unsigned minor);

#endif
