/* netdef.c - user network definitions (netdef.h). */
#include "config.h"

#include "netdef.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "netmode.h"

bool cg_netdef_name_valid(const char *name)
{
	size_t n = strlen(name);
	static const char *const words[] = { "none", "host", CG_NETWORK_BRIDGE, "default", CG_NETWORK_SLIRP };

	if (n == 0 || n > CG_NETDEF_NAME_MAX || !((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= '0' && name[0] <= '9')))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') || strchr("_.-", name[i])))
			return false;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(name, words[i]))
			return false;
	return true;
}

void cg_netdef_format(const struct cg_netdef *d, char *buf)
{
	char c[CG_CIDR_STRLEN];

	snprintf(buf, CG_NETDEF_TEXT_MAX, "%s %s\n", cg_cidr_format(&d->subnet, c), d->bridge);
}

int cg_netdef_parse(const char *name, const char *text, struct cg_netdef *d, cg_err_t *err)
{
	char cidr[CG_CIDR_STRLEN + 1], bridge[17];
	int end = 0;

	memset(d, 0, sizeof(*d));
	if (!cg_netdef_name_valid(name))
		return cg_error(err, EINVAL, "network '%s': not a network name", name);
	if (sscanf(text, "%19s %16s%n", cidr, bridge, &end) != 2 || (text[end] != '\0' && strcmp(text + end, "\n")) ||
	    strlen(bridge) > 15 || cg_cidr_parse(cidr, &d->subnet, err) < 0)
		return cg_error(err, EINVAL, "network '%s': damaged definition", name);
	snprintf(d->name, sizeof(d->name), "%s", name);
	snprintf(d->bridge, sizeof(d->bridge), "%s", bridge);
	return 0;
}

int cg_netdef_pick_subnet(const struct cg_cidr *taken, size_t n, struct cg_cidr *out, cg_err_t *err)
{
	for (uint32_t i = 0; i < 256; i++) {
		struct cg_cidr c = { .net = (10u << 24) | (89u << 16) | (i << 8), .prefix = 24 };
		bool free_ = true;

		for (size_t k = 0; k < n && free_; k++)
			free_ = !cg_cidr_overlap(&c, &taken[k]);
		if (free_) {
			*out = c;
			return 0;
		}
	}
	return cg_error(err, ENOSPC, "no free subnet left in 10.89.0.0/16; give one with --subnet");
}

int cg_netdef_load(const char *dir, const char *name, struct cg_netdef *d, cg_err_t *err)
{
	cleanup_free char *path = NULL, *text = NULL;

	if (!cg_netdef_name_valid(name))
		return cg_error(err, EINVAL, "'%s' is not a network name", name);
	path = xasprintf("%s/%s", dir, name);
	if (read_file(path, &text, CG_NETDEF_TEXT_MAX, err) < 0) {
		if (err->code == ENOENT)
			return cg_error(err, ENOENT, "no such network '%s'; 'cgrun network ls' lists them", name);
		return -1;
	}
	return cg_netdef_parse(name, text, d, err);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct cg_netdef *)a)->name, ((const struct cg_netdef *)b)->name);
}

int cg_netdef_list(const char *dir, struct cg_netdef **out, size_t *n, cg_err_t *err)
{
	cleanup_closedir DIR *d = opendir(dir);
	struct dirent *de;
	struct cg_netdef *v = NULL;
	size_t len = 0;

	*out = NULL;
	*n = 0;
	if (d == NULL)
		return errno == ENOENT ? 0 : cg_error(err, errno, "opendir %s", dir);
	while ((de = readdir(d)) != NULL) {
		struct cg_netdef one;
		cg_err_t skip = { 0 };

		if (de->d_name[0] == '.' || cg_netdef_load(dir, de->d_name, &one, &skip) < 0)
			continue;
		v = realloc(v, (len + 1) * sizeof(*v));
		if (v == NULL)
			abort();
		v[len++] = one;
	}
	qsort(v, len, sizeof(*v), by_name);
	*out = v;
	*n = len;
	return 0;
}

int cg_netdef_create(const char *dir, const char *name, const char *subnet, const struct cg_cidr *dflt,
		     struct cg_netdef *out, cg_err_t *err)
{
	cleanup_free struct cg_netdef *v = NULL;
	cleanup_free struct cg_cidr *taken = NULL;
	cleanup_free char *tmp = NULL, *path = NULL;
	char text[CG_NETDEF_TEXT_MAX], a[CG_CIDR_STRLEN], b[CG_CIDR_STRLEN];
	size_t n;

	memset(out, 0, sizeof(*out));
	if (!cg_netdef_name_valid(name))
		return cg_error(err, EINVAL, "'%s' is not a network name: a to z, 0 to 9, '_', '.', '-', "
				"at most %d characters, not none, host, bridge or default", name, CG_NETDEF_NAME_MAX);
	if (subnet && cg_cidr_parse(subnet, &out->subnet, err) < 0)
		return -1;
	if (mkdir_p(dir, 0755, err) < 0 || cg_netdef_list(dir, &v, &n, err) < 0)
		return -1;
	taken = xcalloc(n + 1, sizeof(*taken));
	for (size_t i = 0; i < n; i++)
		taken[i] = v[i].subnet;
	taken[n] = *dflt;
	if (subnet == NULL && cg_netdef_pick_subnet(taken, n + 1, &out->subnet, err) < 0)
		return -1;
	for (size_t i = 0; i <= n; i++)
		if (cg_cidr_overlap(&out->subnet, &taken[i]))
			return cg_error(err, EEXIST, "subnet %s overlaps %s of network %s", cg_cidr_format(&out->subnet, a),
					cg_cidr_format(&taken[i], b), i < n ? v[i].name : CG_NETWORK_BRIDGE);
	snprintf(out->name, sizeof(out->name), "%s", name);
	snprintf(out->bridge, sizeof(out->bridge), "cg-%s", name);
	cg_netdef_format(out, text);
	tmp = xasprintf("%s/.new-%s", dir, name);
	path = xasprintf("%s/%s", dir, name);
	unlink(tmp);
	if (write_new_file(tmp, text, 0644, err) < 0)
		return -1;
	if (link(tmp, path) < 0) {
		int e = errno;

		unlink(tmp);
		return e == EEXIST ? cg_error(err, EEXIST, "network '%s' exists", name) : cg_error(err, e, "link %s", path);
	}
	unlink(tmp);
	return 0;
}

int cg_netdef_remove(const char *dir, const char *name, cg_err_t *err)
{
	cleanup_free char *path = xasprintf("%s/%s", dir, name);

	if (unlink(path) < 0)
		return cg_error(err, errno, "removing network %s", name);
	return 0;
}
