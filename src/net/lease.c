/* lease.c - address leases kept as files (lease.h). */
#include "config.h"

#include "lease.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

int cg_lease_list(const char *dir, struct cg_lease **out, size_t *n, cg_err_t *err)
{
	cleanup_closedir DIR *d = opendir(dir);
	struct cg_lease *v = NULL;
	size_t cap = 0, len = 0;
	struct dirent *de;

	*out = NULL;
	*n = 0;
	if (d == NULL)
		return errno == ENOENT ? 0 : cg_error(err, errno, "opendir %s", dir);
	while ((de = readdir(d)) != NULL) {
		cleanup_free char *text = NULL;
		cg_err_t skip = { 0 };
		struct cg_lease l;

		if (de->d_name[0] == '.')
			continue;  /* ".", "..", and temp files being linked */
		if (read_file_at(dirfd(d), de->d_name, &text, CG_LEASE_TEXT_MAX, &skip) < 0 ||
		    cg_lease_parse(de->d_name, text, &l, &skip) < 0)
			continue;
		if (len == cap) {
			cap = cap ? cap * 2 : 16;
			v = realloc(v, cap * sizeof(*v));
			if (v == NULL)
				abort();
		}
		v[len++] = l;
	}
	*out = v;
	*n = len;
	return 0;
}

int cg_lease_take(const char *dir, const struct cg_cidr *net, struct cg_lease *l, cg_err_t *err)
{
	char text[CG_LEASE_TEXT_MAX], name[CG_IP4_STRLEN], cidr[CG_CIDR_STRLEN];
	cleanup_free char *tmp = xasprintf("%s/.take-%.12s", dir, l->id);

	if (mkdir_p(dir, 0755, err) < 0)
		return -1;
	cg_lease_format(l, text);
	unlink(tmp);
	if (write_new_file(tmp, text, 0644, err) < 0)
		return -1;
	/* Another taker may link the address we chose first: look again. The
	 * bound only stops a loop on a directory that keeps changing. */
	for (int tries = 0; tries < 64; tries++) {
		struct cg_lease *v;
		size_t n;
		cleanup_free uint32_t *used = NULL;
		cleanup_free char *path = NULL;
		uint32_t a;

		if (cg_lease_list(dir, &v, &n, err) < 0)
			break;
		used = xcalloc(n + 1, sizeof(*used));
		for (size_t i = 0; i < n; i++)
			used[i] = v[i].addr;
		free(v);
		a = cg_ipam_lowest_free(net, used, n);
		if (a == 0) {
			cg_error(err, ENOSPC, "no free address left in %s", cg_cidr_format(net, cidr));
			break;
		}
		path = xasprintf("%s/%s", dir, cg_ip4_format(a, name));
		if (link(tmp, path) == 0) {
			unlink(tmp);
			l->addr = a;
			return 0;
		}
		if (errno != EEXIST) {
			cg_error(err, errno, "link %s", path);
			break;
		}
	}
	if (err->code == 0)
		cg_error(err, EAGAIN, "taking an address in %s: too many concurrent takers", dir);
	unlink(tmp);
	return -1;
}

int cg_lease_release(const char *dir, const char *id, cg_err_t *err)
{
	struct cg_lease *v;
	size_t n;
	int released = 0;
	char name[CG_IP4_STRLEN];

	if (cg_lease_list(dir, &v, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		cleanup_free char *path = NULL;

		if (strcmp(v[i].id, id) != 0)
			continue;
		path = xasprintf("%s/%s", dir, cg_ip4_format(v[i].addr, name));
		if (unlink(path) < 0 && errno != ENOENT) {
			free(v);
			return cg_error(err, errno, "unlink %s", path);
		}
		released++;
	}
	free(v);
	return released;
}

int cg_lease_find(const char *dir, const char *id, struct cg_lease *l, cg_err_t *err)
{
	struct cg_lease *v;
	size_t n;
	int found = 0;

	if (cg_lease_list(dir, &v, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n && !found; i++) {
		if (!strcmp(v[i].id, id)) {
			*l = v[i];
			found = 1;
		}
	}
	free(v);
	return found;
}
