/* caps.c - capability sets with libcap. */
#include "config.h"

#include "caps.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <sys/capability.h>
#include <sys/prctl.h>

void cg_caps_default(struct cg_caps *c)
{
	static const cap_value_t def[] = {
		CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FSETID, CAP_FOWNER, CAP_MKNOD, CAP_NET_RAW,
		CAP_SETGID, CAP_SETUID, CAP_SETFCAP, CAP_SETPCAP, CAP_NET_BIND_SERVICE,
		CAP_SYS_CHROOT, CAP_KILL, CAP_AUDIT_WRITE,
	};

	c->set = 0;
	for (size_t i = 0; i < ARRAY_SIZE(def); i++)
		c->set |= 1ULL << def[i];
}

static int cap_last(void)
{
	/* cap_max_bits() reads /proc/sys/kernel/cap_last_cap (libcap >= 2.26). */
	int n = (int)cap_max_bits();

	return n > 0 && n <= 64 ? n - 1 : CAP_LAST_CAP;
}

void cg_caps_all(struct cg_caps *c)
{
	int last = cap_last();

	/* "All" is all that cgrun itself may hand on: its bounding set (a
	 * host or a parent container may have dropped some). */
	c->set = 0;
	for (int i = 0; i <= last && i < 64; i++)
		if (cap_get_bound((cap_value_t)i) == 1)
			c->set |= 1ULL << i;
}

static int lookup(const char *name, cap_value_t *v, cg_err_t *err)
{
	char buf[64];

	if (strncasecmp(name, "CAP_", 4) == 0)
		snprintf(buf, sizeof(buf), "%s", name);
	else
		snprintf(buf, sizeof(buf), "cap_%s", name);
	for (char *p = buf; *p; p++) {
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
		/* cap_from_name stops at the first delimiter and ignores the
		 * rest ("net_admin,sys_admin"): accept one plain name only. */
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return cg_error(err, 0, "unknown capability '%s': use a name such as NET_ADMIN or ALL", name);
	}
	if (cap_from_name(buf, v) != 0 || *v < 0 || *v > 63)
		return cg_error(err, 0, "unknown capability '%s': use a name such as NET_ADMIN or ALL", name);
	return 0;
}

int cg_caps_add(struct cg_caps *c, const char *name, cg_err_t *err)
{
	cap_value_t v;

	if (!strcasecmp(name, "ALL")) {
		cg_caps_all(c);
		return 0;
	}
	if (lookup(name, &v, err) < 0)
		return -1;
	c->set |= 1ULL << v;
	return 0;
}

int cg_caps_drop(struct cg_caps *c, const char *name, cg_err_t *err)
{
	cap_value_t v;

	if (!strcasecmp(name, "ALL")) {
		c->set = 0;
		return 0;
	}
	if (lookup(name, &v, err) < 0)
		return -1;
	c->set &= ~(1ULL << v);
	return 0;
}

/* Capabilities this process may still have in its bounding set: the set
 * only ever shrinks, and a child forked after a drop inherits both the set
 * and this copy of it, so the container's init drops its bounding set once
 * for itself and the command, and the command skips what is gone (one
 * prctl each, which cost a microsecond or more on our test machines). */
static uint64_t maybe_bound = ~UINT64_C(0);

int cg_caps_apply_bounding(const struct cg_caps *c, cg_err_t *err)
{
	int last = cap_last();

	for (int i = 0; i <= last && i < 64; i++) {
		if ((c->set & (1ULL << i)) || !(maybe_bound & (1ULL << i)))
			continue;
		if (cap_drop_bound((cap_value_t)i) < 0 && errno != EINVAL)
			return cg_error(err, errno, "dropping capability %d from the bounding set", i);
		maybe_bound &= ~(1ULL << i);
	}
	return 0;
}

cap_t cg_caps_build(const struct cg_caps *c, bool root, cg_err_t *err)
{
	cap_t caps = cap_init();
	cap_value_t list[64];
	int n = 0, last = cap_last();

	if (caps == NULL) {
		cg_error(err, errno, "cap_init");
		return NULL;
	}
	for (int i = 0; i <= last && i < 64; i++)
		if (c->set & (1ULL << i))
			list[n++] = (cap_value_t)i;
	if (n > 0 && (cap_set_flag(caps, CAP_INHERITABLE, n, list, CAP_SET) < 0 ||
		      (root && cap_set_flag(caps, CAP_PERMITTED, n, list, CAP_SET) < 0) ||
		      (root && cap_set_flag(caps, CAP_EFFECTIVE, n, list, CAP_SET) < 0))) {
		cg_error(err, errno, "cap_set_flag");
		cap_free(caps);
		return NULL;
	}
	return caps;
}

/* System calls only (capset, prctl): no allocation, so a vfork child may
 * call it. */
int cg_caps_set(cap_t caps, cg_err_t *err)
{
	if (cap_set_proc(caps) < 0)
		return cg_error(err, errno, "setting capabilities");
	/* libcap's cap_reset_ambient asks for each capability in turn
	 * whether it is ambient before it clears them (42 prctl calls here);
	 * the kernel clears them all in one. EINVAL: a kernel without
	 * ambient capabilities (before 4.3), nothing to clear. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return cg_error(err, errno, "clearing ambient capabilities");
	return 0;
}

int cg_caps_apply_sets(const struct cg_caps *c, bool root, cg_err_t *err)
{
	cap_t caps = cg_caps_build(c, root, err);
	int r;

	if (caps == NULL)
		return -1;
	r = cg_caps_set(caps, err);
	cap_free(caps);
	return r;
}
