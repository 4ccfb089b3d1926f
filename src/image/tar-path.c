/* tar-path.c - a layer entry's name made safe, whiteouts told apart
 * (tar-path.h). */
#include "config.h"

#include "tar-path.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

char *cg_tar_path_clean(const char *name, const char **why)
{
	size_t len;
	char *out, *o;
	const char *s;

	if (name == NULL || name[0] == '\0') {
		*why = "the entry has no name";
		return NULL;
	}
	if (name[0] == '/') {
		*why = "absolute paths are refused";
		return NULL;
	}
	len = strlen(name);
	out = xcalloc(len + 1, 1);
	o = out;
	for (s = name; *s;) {
		size_t n = strcspn(s, "/");

		if (n == 2 && s[0] == '.' && s[1] == '.') {
			free(out);
			*why = "'..' components are refused";
			return NULL;
		}
		if (n > 0 && !(n == 1 && s[0] == '.')) {
			if (o != out)
				*o++ = '/';
			memcpy(o, s, n);
			o += n;
		}
		s += n;
		while (*s == '/')
			s++;
	}
	*o = '\0';
	return out;
}

void cg_tar_path_split(char *path, const char **parent, const char **base)
{
	char *slash = strrchr(path, '/');

	if (slash == NULL) {
		*parent = "";
		*base = path;
		return;
	}
	*slash = '\0';
	*parent = path;
	*base = slash + 1;
}

enum cg_whiteout cg_whiteout_kind(const char *base, const char **target)
{
	static const char prefix[] = ".wh.";
	const size_t plen = sizeof(prefix) - 1;

	*target = NULL;
	if (strncmp(base, prefix, plen) != 0)
		return CG_WHITEOUT_NONE;
	if (strcmp(base, ".wh..wh..opq") == 0)
		return CG_WHITEOUT_OPAQUE;
	if (strncmp(base, ".wh..wh.", 8) == 0)
		return CG_WHITEOUT_META;
	base += plen;
	if (base[0] == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		return CG_WHITEOUT_BAD;
	*target = base;
	return CG_WHITEOUT_FILE;
}

bool cg_xattr_allowed(const char *name)
{
	return strcmp(name, "security.capability") == 0 ||
	       (strncmp(name, "user.", 5) == 0 && name[5] != '\0');
}
