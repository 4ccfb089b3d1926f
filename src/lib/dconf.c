/* dconf.c - cgrund.conf parsing. */
#include "config.h"

#include "dconf.h"

#include <ctype.h>
#include <string.h>

#include "cidr.h"
#include "netmode.h"
#include "parse.h"

void cg_dconf_defaults(struct cg_dconf *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->socket_group, sizeof(c->socket_group), "cgrun");
	/* Empty: the cgroup manager's own default (cgrun, or machine.slice). */
	c->cgroup_parent[0] = '\0';
	snprintf(c->log_driver, sizeof(c->log_driver), "file");
	c->stats_interval = 1;
	c->stop_timeout = 10;
	snprintf(c->cgroup_manager, sizeof(c->cgroup_manager), "auto");
	snprintf(c->userns, sizeof(c->userns), "host");
	snprintf(c->network_subnet, sizeof(c->network_subnet), "%s", CG_SUBNET_DEFAULT);
	snprintf(c->network, sizeof(c->network), "%s", CG_NETWORK_DEFAULT);
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int set_str(char *dst, size_t n, const char *v, int line, const char *key, cg_err_t *err)
{
	if (strlen(v) >= n || v[0] == '\0')
		return cg_error(err, 0, "cgrund.conf line %d: %s: value empty or too long", line, key);
	snprintf(dst, n, "%s", v);
	return 0;
}

int cg_dconf_parse(struct cg_dconf *c, const char *text, cg_err_t *err)
{
	cleanup_free char *copy = xstrdup(text);
	int line = 0;

	/* Not strtok: empty lines must count, or error line numbers drift. */
	for (char *l = copy, *next; l; l = next) {
		char *eq, *key, *val;
		int64_t n;

		next = strchr(l, '\n');
		if (next)
			*next++ = '\0';
		line++;
		l = trim(l);
		if (l[0] == '\0' || l[0] == '#')
			continue;
		eq = strchr(l, '=');
		if (eq == NULL)
			return cg_error(err, 0, "cgrund.conf line %d: expected key = value", line);
		*eq = '\0';
		key = trim(l);
		val = trim(eq + 1);
		if (!strcmp(key, "socket_group")) {
			if (set_str(c->socket_group, sizeof(c->socket_group), val, line, key, err) < 0)
				return -1;
		} else if (!strcmp(key, "cgroup_parent")) {
			if (!valid_container_name(val))
				return cg_error(err, 0, "cgrund.conf line %d: cgroup_parent '%s' must be one path component", line, val);
			snprintf(c->cgroup_parent, sizeof(c->cgroup_parent), "%s", val);
		} else if (!strcmp(key, "log_driver")) {
			if (strcmp(val, "file") != 0 && strcmp(val, "journald") != 0)
				return cg_error(err, 0, "cgrund.conf line %d: log_driver must be file or journald", line);
			snprintf(c->log_driver, sizeof(c->log_driver), "%s", val);
		} else if (!strcmp(key, "cgroup_manager")) {
			if (strcmp(val, "auto") != 0 && strcmp(val, "systemd") != 0 && strcmp(val, "cgroupfs") != 0)
				return cg_error(err, 0, "cgrund.conf line %d: cgroup_manager must be auto, systemd or cgroupfs", line);
			snprintf(c->cgroup_manager, sizeof(c->cgroup_manager), "%s", val);
		} else if (!strcmp(key, "userns")) {
			if (strcmp(val, "auto") != 0 && strcmp(val, "host") != 0)
				return cg_error(err, 0, "cgrund.conf line %d: userns must be auto or host", line);
			snprintf(c->userns, sizeof(c->userns), "%s", val);
		} else if (!strcmp(key, "network_subnet")) {
			struct cg_cidr cidr;
			cg_err_t why = { 0 };

			if (cg_cidr_parse(val, &cidr, &why) < 0)
				return cg_error(err, 0, "cgrund.conf line %d: network_subnet: %s", line, why.msg);
			snprintf(c->network_subnet, sizeof(c->network_subnet), "%s", val);
		} else if (!strcmp(key, "network")) {
			struct cg_netmode m;
			cg_err_t why = { 0 };

			/* Another container's namespace cannot be everyone's. */
			if (strlen(val) >= sizeof(c->network) || cg_netmode_parse(val, &m, &why) < 0 ||
			    m.kind == CG_NET_CONTAINER)
				return cg_error(err, 0,
						"cgrund.conf line %d: network must be bridge, none, host or a network's name, not '%s'",
						line, val);
			snprintf(c->network, sizeof(c->network), "%s", val);
		} else if (!strcmp(key, "stats_interval")) {
			if (parse_int_range("stats_interval", val, 0, 3600, &n, err) < 0)
				return cg_error_wrap(err, "cgrund.conf line %d", line);
			c->stats_interval = (int)n;
		} else if (!strcmp(key, "stop_timeout")) {
			if (parse_int_range("stop_timeout", val, 0, 3600, &n, err) < 0)
				return cg_error_wrap(err, "cgrund.conf line %d", line);
			c->stop_timeout = (int)n;
		} else {
			return cg_error(err, 0, "cgrund.conf line %d: unknown setting '%s'", line, key);
		}
	}
	return 0;
}
