/* cgroup-mode.c - host cgroup mode detection. */
#include "config.h"

#include "cgroup-mode.h"

#include <errno.h>
#include <string.h>
#include <sys/xattr.h>

static const char *const ctrl_names[CG_NCTRL] = {
	[CG_CPU] = "cpu", [CG_CPUACCT] = "cpuacct", [CG_CPUSET] = "cpuset",
	[CG_MEMORY] = "memory", [CG_PIDS] = "pids", [CG_DEVICES] = "devices",
	[CG_FREEZER] = "freezer",
};

const char *cg_ctrl_name(enum cg_ctrl c)
{
	return c < CG_NCTRL ? ctrl_names[c] : "?";
}

const char *cg_mode_name(enum cg_mode m)
{
	switch (m) {
	case CG_MODE_LEGACY: return "legacy";
	case CG_MODE_HYBRID: return "hybrid";
	case CG_MODE_UNIFIED: return "unified";
	default: return "unknown";
	}
}

static int ctrl_by_name(const char *s, size_t n)
{
	for (int i = 0; i < CG_NCTRL; i++)
		if (strlen(ctrl_names[i]) == n && !strncmp(ctrl_names[i], s, n))
			return i;
	return -1;
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape(char *dst, const char *src, size_t n, size_t cap)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 1 < cap; i++) {
		if (src[i] == '\\' && i + 3 < n &&
		    src[i + 1] >= '0' && src[i + 1] <= '3') {
			dst[o++] = (char)(((src[i + 1] - '0') << 6) | ((src[i + 2] - '0') << 3) |
					  (src[i + 3] - '0'));
			i += 3;
		} else {
			dst[o++] = src[i];
		}
	}
	dst[o] = '\0';
}

/* Split a line into space-separated fields (pointers + lengths). */
static int split_fields(const char *line, size_t len, const char **f, size_t *fl, int max)
{
	int n = 0;
	size_t i = 0;

	while (i < len && n < max) {
		while (i < len && line[i] == ' ')
			i++;
		if (i >= len)
			break;
		f[n] = line + i;
		while (i < len && line[i] != ' ')
			i++;
		fl[n] = (size_t)(line + i - f[n]);
		n++;
	}
	return n;
}

static void set_hier(struct cg_hier *h, const char *mp, size_t mpl, const char *root, size_t rl)
{
	h->present = true;
	unescape(h->mountpoint, mp, mpl, sizeof(h->mountpoint));
	unescape(h->root, root, rl, sizeof(h->root));
}

int cg_layout_parse_mountinfo(struct cg_layout *l, const char *mi, cg_err_t *err)
{
	bool any_v1 = false;

	memset(l, 0, sizeof(*l));
	for (const char *line = mi; *line;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		const char *f[64];
		size_t fl[64];
		int n = split_fields(line, len, f, fl, 64), sep = -1;

		for (int i = 6; i < n; i++)
			if (fl[i] == 1 && f[i][0] == '-') {
				sep = i;
				break;
			}
		if (sep > 0 && sep + 2 < n) {
			const char *fstype = f[sep + 1], *opts = f[sep + 3];
			size_t ftl = fl[sep + 1], ol = sep + 3 < n ? fl[sep + 3] : 0;

			if (ftl == 7 && !strncmp(fstype, "cgroup2", 7)) {
				/* The first cgroup2 mount wins; /sys/fs/cgroup is preferred. */
				if (!l->unified.present ||
				    (fl[4] == 14 && !strncmp(f[4], "/sys/fs/cgroup", 14)))
					set_hier(&l->unified, f[4], fl[4], f[3], fl[3]);
			} else if (ftl == 6 && !strncmp(fstype, "cgroup", 6)) {
				for (size_t s = 0; s < ol;) {
					size_t e = s;

					while (e < ol && opts[e] != ',')
						e++;
					int c = ctrl_by_name(opts + s, e - s);

					if (c >= 0 && !l->v1[c].present) {
						set_hier(&l->v1[c], f[4], fl[4], f[3], fl[3]);
						any_v1 = true;
					}
					s = e + 1;
				}
			}
		}
		line += len;
		if (*line == '\n')
			line++;
	}
	if (any_v1 && l->unified.present)
		l->mode = CG_MODE_HYBRID;
	else if (any_v1)
		l->mode = CG_MODE_LEGACY;
	else if (l->unified.present)
		l->mode = CG_MODE_UNIFIED;
	else
		return cg_error(err, 0, "no cgroup hierarchy is mounted: mount cgroup2 on /sys/fs/cgroup");
	return 0;
}

unsigned cg_controllers_mask(const char *controllers)
{
	const char *p = controllers;
	unsigned mask = 0;

	while (*p) {
		while (*p == ' ' || *p == '\n')
			p++;
		const char *s = p;

		while (*p && *p != ' ' && *p != '\n')
			p++;
		int c = ctrl_by_name(s, (size_t)(p - s));

		if (c >= 0)
			mask |= 1u << c;
	}
	/* cgroup2 accounts CPU usage in the cpu controller itself (cpu.stat),
	 * and freezing is the core cgroup.freeze; devices is a BPF program. */
	if (mask & (1u << CG_CPU))
		mask |= 1u << CG_CPUACCT;
	return mask | (1u << CG_FREEZER) | (1u << CG_DEVICES);
}

void cg_layout_parse_controllers(struct cg_layout *l, const char *controllers)
{
	l->unified_ctrls = cg_controllers_mask(controllers);
	if (!l->unified.present)
		l->unified_ctrls &= ~((1u << CG_FREEZER) | (1u << CG_DEVICES));
}

static void set_self(struct cg_hier *h, const char *path, size_t n)
{
	if (n >= sizeof(h->self))
		n = sizeof(h->self) - 1;
	memcpy(h->self, path, n);
	h->self[n] = '\0';
}

int cg_layout_parse_self(struct cg_layout *l, const char *pc, cg_err_t *err)
{
	for (const char *line = pc; *line;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		const char *c1 = memchr(line, ':', len);
		const char *c2 = c1 ? memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - line)) : NULL;

		if (c2 == NULL)
			return cg_error(err, 0, "unexpected line in /proc/self/cgroup: %.*s", (int)len, line);
		const char *path = c2 + 1;
		size_t pl = len - (size_t)(path - line);

		if (c1 - line == 1 && line[0] == '0' && c2 == c1 + 1) {
			set_self(&l->unified, path, pl);
		} else {
			for (const char *s = c1 + 1; s < c2;) {
				const char *e = memchr(s, ',', (size_t)(c2 - s));

				if (e == NULL)
					e = c2;
				int c = ctrl_by_name(s, (size_t)(e - s));

				if (c >= 0)
					set_self(&l->v1[c], path, pl);
				s = e + 1;
			}
		}
		line += len;
		if (*line == '\n')
			line++;
	}
	return 0;
}

const char *cg_hier_relself(const struct cg_hier *h)
{
	size_t rl = strlen(h->root);

	/* Inside a cgroup namespace or a bind mount the mount's root is a
	 * prefix of our path; strip it to get a path below the mount point. */
	if (rl > 1 && !strncmp(h->self, h->root, rl) && (h->self[rl] == '/' || h->self[rl] == '\0'))
		return h->self + rl;
	if (h->self[0] == '/' && h->self[1] == '\0')
		return "";
	return h->self;
}

bool cg_layout_ctrl_unified(const struct cg_layout *l, enum cg_ctrl c)
{
	return !l->v1[c].present && (l->unified_ctrls & (1u << c));
}

static bool is_delegated(const char *dir)
{
	char v[8];

	/* systemd marks the top of a Delegate=yes subtree with this xattr. */
	return getxattr(dir, "trusted.delegate", v, sizeof(v)) > 0 ||
	       getxattr(dir, "user.delegate", v, sizeof(v)) > 0;
}

/* v2 lets only a cgroup without processes hand controllers down, and we are
 * in our own cgroup. Below systemd we run in a leaf of a delegated subtree:
 * the base is the top of that delegation (still ours, never above it). On a
 * plain host it is our own cgroup, usually the root. */
static void find_unified_base(struct cg_layout *l)
{
	const char *self = cg_hier_relself(&l->unified);
	char rel[CG_PATH_MAX];

	snprintf(l->unified_base, sizeof(l->unified_base), "%s", self);
	snprintf(rel, sizeof(rel), "%s", self);
	while (rel[0]) {
		cleanup_free char *full = xasprintf("%s%s", l->unified.mountpoint, rel);
		char *slash;

		if (is_delegated(full)) {
			snprintf(l->unified_base, sizeof(l->unified_base), "%s", rel);
			return;
		}
		slash = strrchr(rel, '/');
		if (slash == NULL)
			return;
		*slash = '\0';
	}
}

int cg_layout_detect(struct cg_layout *l, cg_err_t *err)
{
	cleanup_free char *mi = NULL, *pc = NULL;

	if (read_file("/proc/self/mountinfo", &mi, 1 << 22, err) < 0)
		return cg_error_wrap(err, "detecting cgroup mode");
	if (cg_layout_parse_mountinfo(l, mi, err) < 0)
		return -1;
	if (read_file("/proc/self/cgroup", &pc, 1 << 20, err) < 0)
		return cg_error_wrap(err, "detecting own cgroup");
	if (cg_layout_parse_self(l, pc, err) < 0)
		return -1;
	if (l->unified.present) {
		find_unified_base(l);
		cleanup_free char *path = xasprintf("%s%s/cgroup.controllers", l->unified.mountpoint,
						    l->unified_base);
		cleanup_free char *ctl = NULL;

		if (read_file(path, &ctl, 4096, err) < 0)
			return cg_error_wrap(err, "detecting cgroup2 controllers");
		cg_layout_parse_controllers(l, ctl);
		l->root_ctrls = l->unified_ctrls;
		if (l->unified_base[0]) {
			cleanup_free char *rpath = xasprintf("%s/cgroup.controllers", l->unified.mountpoint);
			cleanup_free char *rctl = NULL;

			if (read_file(rpath, &rctl, 4096, err) < 0)
				return cg_error_wrap(err, "detecting cgroup2 controllers");
			l->root_ctrls = cg_controllers_mask(rctl);
		}
	}
	return 0;
}
