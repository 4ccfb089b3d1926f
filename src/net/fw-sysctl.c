/* fw-sysctl.c - per-bridge sysctls for the firewall's rules. */
#include "config.h"

#include "fw-sysctl.h"

#include <errno.h>
#include <net/if.h>
#include <string.h>

int cgnet_bridge_route_localnet(const char *bridge, cg_err_t *err)
{
	cleanup_free char *path = NULL;

	if (bridge == NULL || bridge[0] == '\0' || strlen(bridge) >= IFNAMSIZ || strchr(bridge, '/') ||
	    strcmp(bridge, ".") == 0 || strcmp(bridge, "..") == 0)
		return cg_error(err, 0, "invalid bridge name '%s'", bridge ? bridge : "");
	path = xasprintf("/proc/sys/net/ipv4/conf/%s/route_localnet", bridge);
	if (write_file(path, "1", err) < 0)
		return cg_error_wrap(err, "bridge %s: route_localnet", bridge);
	return 0;
}
