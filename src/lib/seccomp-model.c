/* seccomp-model.c - a seccomp profile as data (see seccomp-model.h): the
 * built-in table turned into one, its hash, and docker's rule selection. */
#include "config.h"

#include "seccomp-model.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "seccomp-profile.h"
#include "util.h"

void cg_sc_profile_free(struct cg_sc_profile *p)
{
	for (size_t i = 0; i < p->nrules; i++) {
		free(p->rules[i].names);
		free(p->rules[i].args);
		free(p->rules[i].includes.arches);
		free(p->rules[i].excludes.arches);
	}
	free(p->rules);
	for (size_t i = 0; i < p->narchmap; i++)
		free(p->archmap[i].subs);
	free(p->archmap);
	free(p->arches);
	json_object_put(p->json);
	memset(p, 0, sizeof(*p));
}

/* A malloc'd copy of a NULL-terminated array of (borrowed) strings. */
static const char **names_copy(const char *const *v)
{
	size_t n = 0;
	const char **c;

	while (v[n])
		n++;
	c = xcalloc(n + 1, sizeof(char *));
	memcpy(c, v, n * sizeof(char *));
	return c;
}

static struct cg_sc_rule *new_rule(struct cg_sc_profile *p, const char *const *names,
				   enum cg_sc_act kind, uint32_t ret)
{
	struct cg_sc_rule *r;

	p->rules = realloc(p->rules, (p->nrules + 1) * sizeof(*p->rules));
	if (p->rules == NULL)
		abort();
	r = &p->rules[p->nrules++];
	memset(r, 0, sizeof(*r));
	r->names = names_copy(names);
	r->action = (struct cg_sc_action){ kind, ret };
	return r;
}

static enum cg_sc_cmp table_cmp(enum cg_sc_op op, bool *u32)
{
	*u32 = op == CG_SC_LT32 || op == CG_SC_GT32 || op == CG_SC_EQ32;
	switch (op) {
	case CG_SC_LT32:
		return CG_SC_CMP_LT;
	case CG_SC_GT32:
		return CG_SC_CMP_GT;
	case CG_SC_MASKED_EQ:
		return CG_SC_CMP_MASKED_EQ;
	case CG_SC_EQ:
	case CG_SC_EQ32:
		break;
	}
	return CG_SC_CMP_EQ;
}

/* The table's groups allow by a capability (docker's includes.caps), its
 * argument rules and ENOSYS answers hold unless one (excludes.caps), and
 * its never-list is an explicit EPERM: the same as the default action, so
 * it adds no rule, but its calls count as known to the profile (the
 * ENOSYS stub, seccomp.c). */
void cg_sc_profile_builtin(struct cg_sc_profile *p)
{
	static const char *const subs[] = { "x86", "x32", NULL };

	memset(p, 0, sizeof(*p));
	p->default_action = (struct cg_sc_action){ CG_SC_ACT_ERRNO, EPERM };
	p->archmap = xcalloc(1, sizeof(*p->archmap));
	p->archmap[0] = (struct cg_sc_archset){ "x86_64", names_copy(subs) };
	p->narchmap = 1;
	for (size_t i = 0; i < cg_sc_ngroups; i++)
		new_rule(p, cg_sc_groups[i].names, CG_SC_ACT_ALLOW, 0)->includes.caps = cg_sc_groups[i].caps;
	for (size_t i = 0; i < cg_sc_nargrules; i++) {
		const struct cg_sc_argrule *a = &cg_sc_argrules[i];
		const char *const names[] = { a->name, NULL };
		struct cg_sc_rule *r = new_rule(p, names, CG_SC_ACT_ALLOW, 0);

		r->excludes.caps = a->unless_caps;
		r->args = xcalloc(1, sizeof(*r->args));
		r->nargs = 1;
		r->args[0].index = a->arg;
		r->args[0].op = table_cmp(a->op, &r->args[0].u32);
		/* libseccomp's masked compare takes the mask first. */
		r->args[0].value = a->op == CG_SC_MASKED_EQ ? a->mask : a->value;
		r->args[0].value_two = a->op == CG_SC_MASKED_EQ ? a->value : 0;
	}
	for (size_t i = 0; i < cg_sc_nenosys; i++) {
		const char *const names[] = { cg_sc_enosys_calls[i].name, NULL };

		new_rule(p, names, CG_SC_ACT_ERRNO, ENOSYS)->excludes.caps = cg_sc_enosys_calls[i].unless_caps;
	}
	new_rule(p, cg_sc_never, CG_SC_ACT_ERRNO, EPERM);
}

static uint64_t hash_strv(uint64_t h, const char *const *v)
{
	for (size_t i = 0; v && v[i]; i++)
		h = cg_fnv1a(h, v[i], strlen(v[i]) + 1);
	/* An empty string ends the list: no list is a prefix of another. */
	return cg_fnv1a(h, v ? "" : "\377", 1);
}

static uint64_t hash_u64(uint64_t h, uint64_t v)
{
	return cg_fnv1a(h, &v, sizeof(v));
}

static uint64_t hash_cond(uint64_t h, const struct cg_sc_cond *c)
{
	h = hash_u64(h, c->caps);
	h = hash_u64(h, c->kernel);
	return hash_strv(h, c->arches);
}

uint64_t cg_sc_profile_hash(const struct cg_sc_profile *p)
{
	uint64_t h = CG_FNV_BASIS;

	h = hash_u64(h, p->default_action.kind);
	h = hash_u64(h, p->default_action.ret);
	h = hash_strv(h, p->arches);
	h = hash_u64(h, p->narchmap);
	for (size_t i = 0; i < p->narchmap; i++) {
		h = cg_fnv1a(h, p->archmap[i].arch, strlen(p->archmap[i].arch) + 1);
		h = hash_strv(h, p->archmap[i].subs);
	}
	h = hash_u64(h, p->nrules);
	for (size_t i = 0; i < p->nrules; i++) {
		const struct cg_sc_rule *r = &p->rules[i];

		h = hash_strv(h, r->names);
		h = hash_u64(h, r->action.kind);
		h = hash_u64(h, r->action.ret);
		h = hash_u64(h, r->nargs);
		for (size_t j = 0; j < r->nargs; j++) {
			uint64_t v[5] = { r->args[j].index, r->args[j].op, r->args[j].u32,
					  r->args[j].value, r->args[j].value_two };

			h = cg_fnv1a(h, v, sizeof(v));
		}
		h = hash_cond(h, &r->includes);
		h = hash_cond(h, &r->excludes);
	}
	return h;
}

static bool has(const char *const *v, const char *s)
{
	for (size_t i = 0; v && v[i]; i++)
		if (!strcmp(v[i], s))
			return true;
	return false;
}

bool cg_sc_rule_applies(const struct cg_sc_rule *r, uint64_t caps, const char *arch, uint32_t kernel)
{
	const struct cg_sc_cond *ex = &r->excludes, *in = &r->includes;

	if ((ex->arches && has(ex->arches, arch)) || (ex->caps & caps) ||
	    (ex->kernel && kernel >= ex->kernel))
		return false;
	if ((in->arches && in->arches[0] && !has(in->arches, arch)) || (in->caps & caps) != in->caps ||
	    (in->kernel && kernel < in->kernel))
		return false;
	return true;
}

int64_t cg_sc_kernel_parse(const char *s)
{
	unsigned long v[2];
	char *end;

	for (int i = 0; i < 2; i++) {
		if (*s < '0' || *s > '9')
			return -1;
		errno = 0;
		v[i] = strtoul(s, &end, 10);
		if (errno || v[i] > 255 || *end != (i == 0 ? '.' : '\0'))
			return -1;
		s = end + 1;
	}
	if (v[0] == 0 && v[1] == 0)
		return -1;
	return (int64_t)(v[0] << 16 | v[1]);
}
