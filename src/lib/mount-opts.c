/* mount-opts.c - flags and option strings for the new mount API (pure). */
#include "config.h"

#include "mount-opts.h"

#include <string.h>
#include <sys/mount.h>
#include <sys/sysmacros.h>

int cg_mount_opts_split(char *buf, struct cg_mount_opt *opts, size_t max)
{
	size_t n = 0;
	char *s = buf;

	if (buf == NULL || *buf == '\0')
		return 0;
	for (;;) {
		char *comma = strchr(s, ',');
		char *eq;

		if (comma)
			*comma = '\0';
		if (*s == '\0' || *s == '=' || n == max)
			return -1;
		eq = strchr(s, '=');
		if (eq)
			*eq++ = '\0';
		opts[n].key = s;
		opts[n].value = eq;
		n++;
		if (comma == NULL)
			break;
		s = comma + 1;
	}
	return (int)n;
}

unsigned cg_mount_attrs(unsigned long ms_flags)
{
	static const struct { unsigned long ms; unsigned attr; } map[] = {
		{ MS_RDONLY, MOUNT_ATTR_RDONLY },   { MS_NOSUID, MOUNT_ATTR_NOSUID },
		{ MS_NODEV, MOUNT_ATTR_NODEV },     { MS_NOEXEC, MOUNT_ATTR_NOEXEC },
		{ MS_STRICTATIME, MOUNT_ATTR_STRICTATIME },
	};
	unsigned attrs = 0;

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (ms_flags & map[i].ms) {
			attrs |= map[i].attr;
			ms_flags &= ~map[i].ms;
		}
	}
	return ms_flags ? (unsigned)-1 : attrs;
}

bool cg_stat_is_chardev(const struct stat *st, unsigned maj, unsigned min)
{
	return S_ISCHR(st->st_mode) && major(st->st_rdev) == maj && minor(st->st_rdev) == min;
}
