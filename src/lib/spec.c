/* spec.c - container spec construction. */
#include "config.h"

#include "spec.h"

#include <string.h>

#include "hosts-file.h"
#include "resolv-conf.h"

void cg_spec_init(struct cg_spec *s)
{
	memset(s, 0, sizeof(*s));
	cg_limits_init(&s->limits);
	cg_caps_default(&s->caps);
	s->env = xcalloc(1, sizeof(char *));
}

void cg_spec_free(struct cg_spec *s)
{
	for (size_t i = 0; i < s->nenv; i++)
		free(s->env[i]);
	free(s->env);
	for (size_t i = 0; i < s->nvolumes; i++)
		free(s->volume_bufs[i]);
	free(s->volumes);
	free(s->volume_bufs);
	free(s->limits.cpuset_cpus);
	free(s->argv_owned);
	free(s->seccomp_path_owned);
	free(s->seccomp_profile_owned);
	cg_strv_free(s->dns);
	cg_strv_free(s->dns_search);
	cg_strv_free(s->dns_options);
	cg_strv_free(s->add_hosts);
	cgnet_ports_free(&s->ports);
	memset(s, 0, sizeof(*s));
}

int cg_spec_add_env(struct cg_spec *s, const char *kv, cg_err_t *err)
{
	const char *eq = strchr(kv, '=');
	char *entry;

	if (kv[0] == '\0' || eq == kv || eq == NULL)
		return cg_error(err, 0, "invalid environment variable '%s': expected KEY=VALUE", kv);
	entry = xstrdup(kv);
	s->env = realloc(s->env, (s->nenv + 2) * sizeof(char *));
	if (s->env == NULL)
		abort();
	s->env[s->nenv++] = entry;
	s->env[s->nenv] = NULL;
	return 0;
}

int cg_spec_add_volume(struct cg_spec *s, const char *v, cg_err_t *err)
{
	struct volume_spec vs;
	char *buf;

	if (parse_volume(v, &vs, &buf, err) < 0)
		return -1;
	s->volumes = realloc(s->volumes, (s->nvolumes + 1) * sizeof(*s->volumes));
	s->volume_bufs = realloc(s->volume_bufs, (s->nvolumes + 1) * sizeof(char *));
	if (s->volumes == NULL || s->volume_bufs == NULL)
		abort();
	s->volumes[s->nvolumes] = vs;
	s->volume_bufs[s->nvolumes] = buf;
	s->nvolumes++;
	return 0;
}

int cg_spec_add_dns(struct cg_spec *s, enum cg_dns_opt which, const char *v, cg_err_t *err)
{
	char ***to;
	int r;

	switch (which) {
	case CG_DNS_SERVER:
		r = cg_dns_server_check(v, err), to = &s->dns;
		break;
	case CG_DNS_SEARCH:
		r = cg_dns_search_check(v, err), to = &s->dns_search;
		break;
	case CG_DNS_OPTION:
		r = cg_dns_option_check(v, err), to = &s->dns_options;
		break;
	default:
		r = cg_add_host_parse(v, NULL, NULL, err), to = &s->add_hosts;
		break;
	}
	/* More than glibc reads, but not unbounded: a record stays small. */
	if (r == 0 && cg_strv_len(*to) >= 64)
		r = cg_error(err, 0, "too many name resolution options (at most 64 of each)");
	if (r < 0)
		return -1;
	cg_strv_push(to, v);
	return 0;
}

int cg_restart_parse(const char *s, enum cg_restart *mode, int *max, cg_err_t *err)
{
	enum cg_restart m;
	int64_t n = 0;

	if (!strcmp(s, "no")) {
		m = CG_RESTART_NO;
	} else if (!strcmp(s, "always")) {
		m = CG_RESTART_ALWAYS;
	} else if (!strncmp(s, "on-failure", 10) && (s[10] == '\0' || s[10] == ':')) {
		m = CG_RESTART_ON_FAILURE;
		if (s[10] == ':' && parse_int_range("restart count", s + 11, 1, 1000000, &n, err) < 0)
			return cg_error(err, 0, "invalid --restart '%s': the count must be a positive number", s);
	} else {
		return cg_error(err, 0, "invalid --restart '%s': use no, on-failure[:N] or always", s);
	}
	if (mode)
		*mode = m;
	if (max)
		*max = (int)n;
	return 0;
}

/* KEY of "KEY=VALUE" (or of "KEY") is the same in a and b. */
static bool same_key(const char *a, const char *b)
{
	size_t n = strcspn(a, "=");

	return strncmp(a, b, n) == 0 && (b[n] == '=' || b[n] == '\0');
}

char **cg_env_merge(char *const *base, char *const *over)
{
	size_t nb = 0, no = 0, k = 0;
	char **v;

	while (base && base[nb])
		nb++;
	while (over && over[no])
		no++;
	v = xcalloc(nb + no + 1, sizeof(char *));
	for (size_t i = 0; i < nb; i++) {
		bool overridden = false;

		for (size_t j = 0; j < no && !overridden; j++)
			overridden = same_key(base[i], over[j]);
		if (!overridden)
			v[k++] = base[i];
	}
	for (size_t j = 0; j < no; j++)
		v[k++] = over[j];
	return v;
}
