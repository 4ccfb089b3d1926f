/* netmode.c - parsing --network. */
#include "config.h"

#include "netmode.h"

#include <errno.h>
#include <string.h>

#include "netdef.h"

int cg_netmode_parse(const char *s, struct cg_netmode *m, cg_err_t *err)
{
	if (s == NULL)
		s = CG_NETWORK_UNRECORDED;
	m->target = NULL;
	if (!strcmp(s, "none"))
		m->kind = CG_NET_NONE;
	else if (!strcmp(s, "host"))
		m->kind = CG_NET_HOST;
	else if (!strcmp(s, CG_NETWORK_BRIDGE))
		m->kind = CG_NET_BRIDGE;
	else if (!strcmp(s, CG_NETWORK_SLIRP))
		m->kind = CG_NET_SLIRP;
	else if (!strncmp(s, CG_NETWORK_SLIRP ":", sizeof(CG_NETWORK_SLIRP)))
		return cg_error(err, 0, "--network '%s': slirp4netns takes no options here", s);
	else if (!strncmp(s, "container:", 10) && s[10] != '\0') {
		m->kind = CG_NET_CONTAINER;
		m->target = s + 10;
	} else if (cg_netdef_name_valid(s)) {
		m->kind = CG_NET_USER;
		m->target = s;
	} else
		return cg_error(err, EINVAL, "--network '%s': expected none, host, bridge, slirp4netns, container:NAME|ID or a network's name", s);
	return 0;
}
