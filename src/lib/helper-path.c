/* helper-path.c - cgrun-image's path, for cgrun and cgrund alike. */
#include "config.h"

#include "helper-path.h"

#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

char *cg_helper_path(const char *name, const char *install_dir, const char *libexec_dir)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (n <= 0)
		return xasprintf("%s/%s", libexec_dir, name);
	self[n] = '\0';
	if ((slash = strrchr(self, '/')) == NULL)
		return xasprintf("%s/%s", libexec_dir, name);
	*slash = '\0';
	char *p = xasprintf("%s/%s", self, name);

	if (access(p, X_OK) == 0 || strcmp(self, install_dir) != 0)
		return p;
	free(p);
	return xasprintf("%s/%s", libexec_dir, name);
}
