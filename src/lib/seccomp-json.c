/* seccomp-json.c - docker's seccomp profile format into a struct
 * cg_sc_profile (see seccomp-json.h).
 *
 * The format is moby's (profiles/seccomp/seccomp.go): defaultAction,
 * defaultErrnoRet, architectures or archMap, and syscalls, each with
 * names (or name), action, errnoRet, args and includes / excludes by
 * capability, architecture and kernel version. Unknown fields are
 * ignored, as docker's decoder ignores them; what cgrun cannot do
 * (SCMP_ACT_NOTIFY, a listenerPath, filter flags) is refused rather than
 * left out, so a profile never means less than it says. */
#include "config.h"

#include "seccomp-json.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "caps.h"

struct parser {
	const char *file;
	struct cg_sc_profile *p;
	cg_err_t *err;
};

static int bad(struct parser *ps, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int bad(struct parser *ps, const char *field, const char *fmt, ...)
{
	char what[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return cg_error(ps->err, 0, "seccomp profile %s: %s: %s", ps->file, field, what);
}

/* The member k of o, NULL when absent or null. */
static struct json_object *member(struct json_object *o, const char *k)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(o, k, &v) || json_object_is_type(v, json_type_null))
		return NULL;
	return v;
}

static int get_uint(struct parser *ps, struct json_object *v, const char *field, uint64_t max, uint64_t *out)
{
	if (!json_object_is_type(v, json_type_int))
		return bad(ps, field, "not a whole number");
	/* json-c keeps numbers above INT64_MAX unsigned; get_int64 clamps them. */
	if (json_object_get_int64(v) < 0)
		return bad(ps, field, "negative");
	*out = json_object_get_uint64(v);
	if (*out > max)
		return bad(ps, field, "%llu is over %llu", (unsigned long long)*out, (unsigned long long)max);
	return 0;
}

/* A NULL-terminated array of the strings of array v (borrowed from it). */
static int get_strv(struct parser *ps, struct json_object *v, const char *field, const char ***out)
{
	size_t n;

	if (!json_object_is_type(v, json_type_array))
		return bad(ps, field, "not an array");
	n = json_object_array_length(v);
	*out = xcalloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(v, i);

		if (!json_object_is_type(e, json_type_string) || !json_object_get_string_len(e)) {
			free(*out);
			*out = NULL;
			return bad(ps, field, "entry %zu is not a name", i);
		}
		(*out)[i] = json_object_get_string(e);
	}
	return 0;
}

static const struct {
	const char *name;
	enum cg_sc_act kind;
} actions[] = {
	{ "SCMP_ACT_ALLOW", CG_SC_ACT_ALLOW },
	{ "SCMP_ACT_ERRNO", CG_SC_ACT_ERRNO },
	{ "SCMP_ACT_KILL", CG_SC_ACT_KILL_THREAD },
	{ "SCMP_ACT_KILL_THREAD", CG_SC_ACT_KILL_THREAD },
	{ "SCMP_ACT_KILL_PROCESS", CG_SC_ACT_KILL_PROCESS },
	{ "SCMP_ACT_TRAP", CG_SC_ACT_TRAP },
	{ "SCMP_ACT_TRACE", CG_SC_ACT_TRACE },
	{ "SCMP_ACT_LOG", CG_SC_ACT_LOG },
};

/* An action and its errnoRet (ret_key's member of o): the errno for
 * SCMP_ACT_ERRNO (EPERM without one, as runc), the tracer's message for
 * SCMP_ACT_TRACE; other actions take none. */
static int get_action(struct parser *ps, struct json_object *o, const char *key, const char *ret_key,
		      const char *at, struct cg_sc_action *out)
{
	struct json_object *v = member(o, key), *rv = member(o, ret_key);
	cleanup_free char *field = xasprintf("%s%s", at, key);
	cleanup_free char *rfield = xasprintf("%s%s", at, ret_key);
	const char *s;
	uint64_t ret = EPERM;

	if (v == NULL)
		return bad(ps, field, "missing: give an action such as SCMP_ACT_ERRNO");
	if (!json_object_is_type(v, json_type_string))
		return bad(ps, field, "not a string");
	s = json_object_get_string(v);
	if (!strcmp(s, "SCMP_ACT_NOTIFY"))
		return bad(ps, field, "SCMP_ACT_NOTIFY is not supported: cgrun has no seccomp agent to send it to");
	for (size_t i = 0; i < ARRAY_SIZE(actions); i++) {
		if (strcmp(s, actions[i].name))
			continue;
		out->kind = actions[i].kind;
		if (rv && out->kind != CG_SC_ACT_ERRNO && out->kind != CG_SC_ACT_TRACE)
			return bad(ps, rfield, "only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take one");
		/* The kernel keeps 16 bits of it, and libc reads a return above
		 * -4096 as an errno: an ERRNO action's must be an errno. */
		if (rv && get_uint(ps, rv, rfield, out->kind == CG_SC_ACT_ERRNO ? 4095 : 65535, &ret) < 0)
			return -1;
		out->ret = out->kind == CG_SC_ACT_ERRNO || out->kind == CG_SC_ACT_TRACE ? (uint32_t)ret : 0;
		return 0;
	}
	return bad(ps, field, "unknown action '%.64s': use SCMP_ACT_ALLOW, SCMP_ACT_ERRNO, SCMP_ACT_KILL, "
		   "SCMP_ACT_KILL_THREAD, SCMP_ACT_KILL_PROCESS, SCMP_ACT_TRAP, SCMP_ACT_TRACE or SCMP_ACT_LOG", s);
}

/* docker's SCMP_ARCH_* names, libseccomp's for them. */
static const char *const arch_names[][2] = {
	{ "SCMP_ARCH_X86", "x86" }, { "SCMP_ARCH_X86_64", "x86_64" }, { "SCMP_ARCH_X32", "x32" },
	{ "SCMP_ARCH_ARM", "arm" }, { "SCMP_ARCH_AARCH64", "aarch64" },
	{ "SCMP_ARCH_LOONGARCH64", "loongarch64" }, { "SCMP_ARCH_M68K", "m68k" },
	{ "SCMP_ARCH_MIPS", "mips" }, { "SCMP_ARCH_MIPS64", "mips64" },
	{ "SCMP_ARCH_MIPS64N32", "mips64n32" }, { "SCMP_ARCH_MIPSEL", "mipsel" },
	{ "SCMP_ARCH_MIPSEL64", "mipsel64" }, { "SCMP_ARCH_MIPSEL64N32", "mipsel64n32" },
	{ "SCMP_ARCH_PPC", "ppc" }, { "SCMP_ARCH_PPC64", "ppc64" }, { "SCMP_ARCH_PPC64LE", "ppc64le" },
	{ "SCMP_ARCH_S390", "s390" }, { "SCMP_ARCH_S390X", "s390x" },
	{ "SCMP_ARCH_PARISC", "parisc" }, { "SCMP_ARCH_PARISC64", "parisc64" },
	{ "SCMP_ARCH_RISCV64", "riscv64" }, { "SCMP_ARCH_SH", "sh" }, { "SCMP_ARCH_SHEB", "sheb" },
};

static int arch_name(struct parser *ps, struct json_object *v, const char *field, const char **out)
{
	const char *s = json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";

	for (size_t i = 0; i < ARRAY_SIZE(arch_names); i++)
		if (!strcmp(s, arch_names[i][0])) {
			*out = arch_names[i][1];
			return 0;
		}
	return bad(ps, field, "unknown architecture '%.64s': use a name such as SCMP_ARCH_X86_64", s);
}

/* "architectures" (v an array) or one entry of "archMap" (v its
 * subArchitectures), as libseccomp's names. */
static int arch_list(struct parser *ps, struct json_object *v, const char *field, const char ***out)
{
	size_t n;

	if (!json_object_is_type(v, json_type_array))
		return bad(ps, field, "not an array");
	n = json_object_array_length(v);
	*out = xcalloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		cleanup_free char *f = xasprintf("%s[%zu]", field, i);

		if (arch_name(ps, json_object_array_get_idx(v, i), f, &(*out)[i]) < 0)
			return -1;
	}
	return 0;
}

static int get_archmap(struct parser *ps, struct json_object *v)
{
	if (!json_object_is_type(v, json_type_array))
		return bad(ps, "archMap", "not an array");
	ps->p->narchmap = json_object_array_length(v);
	ps->p->archmap = xcalloc(ps->p->narchmap + 1, sizeof(*ps->p->archmap));
	for (size_t i = 0; i < ps->p->narchmap; i++) {
		struct json_object *e = json_object_array_get_idx(v, i), *subs;
		cleanup_free char *f = xasprintf("archMap[%zu].architecture", i);
		cleanup_free char *fs = xasprintf("archMap[%zu].subArchitectures", i);

		if (!json_object_is_type(e, json_type_object))
			return bad(ps, "archMap", "entry %zu is not an object", i);
		if (arch_name(ps, member(e, "architecture"), f, &ps->p->archmap[i].arch) < 0)
			return -1;
		subs = member(e, "subArchitectures");
		if (subs ? arch_list(ps, subs, fs, &ps->p->archmap[i].subs) < 0
			 : (ps->p->archmap[i].subs = xcalloc(1, sizeof(char *)), 0))
			return -1;
	}
	return 0;
}

static const char *const cmp_names[] = {
	[CG_SC_CMP_NE] = "SCMP_CMP_NE", [CG_SC_CMP_LT] = "SCMP_CMP_LT", [CG_SC_CMP_LE] = "SCMP_CMP_LE",
	[CG_SC_CMP_EQ] = "SCMP_CMP_EQ", [CG_SC_CMP_GE] = "SCMP_CMP_GE", [CG_SC_CMP_GT] = "SCMP_CMP_GT",
	[CG_SC_CMP_MASKED_EQ] = "SCMP_CMP_MASKED_EQ",
};

static int get_arg(struct parser *ps, struct json_object *a, const char *at, struct cg_sc_arg *out)
{
	struct json_object *op = member(a, "op"), *idx = member(a, "index");
	struct json_object *val = member(a, "value"), *val2 = member(a, "valueTwo");
	cleanup_free char *fi = xasprintf("%s.index", at), *fo = xasprintf("%s.op", at);
	cleanup_free char *fv = xasprintf("%s.value", at), *fv2 = xasprintf("%s.valueTwo", at);
	uint64_t index;
	const char *s;

	if (!json_object_is_type(a, json_type_object))
		return bad(ps, at, "not an object");
	if (idx == NULL)
		return bad(ps, fi, "missing: give the argument's position, 0 to 5");
	if (get_uint(ps, idx, fi, 5, &index) < 0)
		return -1;
	out->index = (unsigned)index;
	if (val == NULL)
		return bad(ps, fv, "missing");
	if (get_uint(ps, val, fv, UINT64_MAX, &out->value) < 0 ||
	    (val2 && get_uint(ps, val2, fv2, UINT64_MAX, &out->value_two) < 0))
		return -1;
	s = op && json_object_is_type(op, json_type_string) ? json_object_get_string(op) : NULL;
	for (size_t i = 0; s && i < ARRAY_SIZE(cmp_names); i++)
		if (!strcmp(s, cmp_names[i])) {
			out->op = (enum cg_sc_cmp)i;
			return 0;
		}
	return bad(ps, fo, "unknown operator '%.64s': use SCMP_CMP_NE, _LT, _LE, _EQ, _GE, _GT or _MASKED_EQ",
		   s ? s : "");
}

static int get_cond(struct parser *ps, struct json_object *o, const char *at, struct cg_sc_cond *c)
{
	struct json_object *caps, *arches, *kernel;
	cleanup_free const char **capv = NULL;
	cleanup_free char *fc = xasprintf("%s.caps", at), *fa = xasprintf("%s.arches", at);
	cleanup_free char *fk = xasprintf("%s.minKernel", at);

	if (o == NULL)
		return 0;
	if (!json_object_is_type(o, json_type_object))
		return bad(ps, at, "not an object");
	if ((caps = member(o, "caps")) && get_strv(ps, caps, fc, &capv) < 0)
		return -1;
	for (size_t i = 0; capv && capv[i]; i++) {
		struct cg_caps one = { 0 };
		cg_err_t e = { 0 };

		if (!strcasecmp(capv[i], "ALL") || cg_caps_add(&one, capv[i], &e) < 0)
			return bad(ps, fc, "unknown capability '%.64s': use a name such as CAP_SYS_ADMIN", capv[i]);
		c->caps |= one.set;
	}
	if ((arches = member(o, "arches")) && get_strv(ps, arches, fa, &c->arches) < 0)
		return -1;
	if ((kernel = member(o, "minKernel"))) {
		int64_t k = json_object_is_type(kernel, json_type_string) ?
			    cg_sc_kernel_parse(json_object_get_string(kernel)) : -1;

		/* docker: "" is no version. */
		if (k < 0 && !(json_object_is_type(kernel, json_type_string) && !json_object_get_string_len(kernel)))
			return bad(ps, fk, "not a kernel version: use \"<kernel>.<major>\", such as \"4.8\"");
		c->kernel = k < 0 ? 0 : (uint32_t)k;
	}
	return 0;
}

static int get_rule(struct parser *ps, struct json_object *o, size_t i)
{
	cleanup_free char *at = xasprintf("syscalls[%zu]", i);
	cleanup_free char *dot = xasprintf("%s.", at), *fn = xasprintf("%s.names", at);
	cleanup_free char *fa = xasprintf("%s.args", at);
	cleanup_free char *fin = xasprintf("%s.includes", at), *fex = xasprintf("%s.excludes", at);
	struct json_object *names, *name, *args;
	struct cg_sc_rule *r = &ps->p->rules[i];

	if (!json_object_is_type(o, json_type_object))
		return bad(ps, at, "not an object");
	names = member(o, "names");
	name = member(o, "name");
	if (names && name)
		return bad(ps, at, "both 'name' and 'names': use one of them");
	if (name) {
		if (!json_object_is_type(name, json_type_string) || !json_object_get_string_len(name))
			return bad(ps, at, "'name' is not a name");
		r->names = xcalloc(2, sizeof(char *));
		r->names[0] = json_object_get_string(name);
	} else if (names == NULL) {
		return bad(ps, fn, "missing: name the system calls the rule is for");
	} else if (get_strv(ps, names, fn, &r->names) < 0) {
		return -1;
	} else if (r->names[0] == NULL) {
		return bad(ps, fn, "empty: name the system calls the rule is for");
	}
	if (get_action(ps, o, "action", "errnoRet", dot, &r->action) < 0)
		return -1;
	if ((args = member(o, "args"))) {
		if (!json_object_is_type(args, json_type_array))
			return bad(ps, fa, "not an array");
		r->nargs = json_object_array_length(args);
		if (r->nargs > 6)
			return bad(ps, fa, "%zu comparisons: a system call has 6 arguments", r->nargs);
		r->args = xcalloc(r->nargs + 1, sizeof(*r->args));
		for (size_t j = 0; j < r->nargs; j++) {
			cleanup_free char *f = xasprintf("%s[%zu]", fa, j);

			if (get_arg(ps, json_object_array_get_idx(args, j), f, &r->args[j]) < 0)
				return -1;
		}
	}
	return get_cond(ps, member(o, "includes"), fin, &r->includes) < 0 ||
	       get_cond(ps, member(o, "excludes"), fex, &r->excludes) < 0 ? -1 : 0;
}

static int parse(struct parser *ps, struct json_object *root)
{
	struct json_object *arches = member(root, "architectures"), *map = member(root, "archMap");
	struct json_object *calls = member(root, "syscalls"), *v;

	if (!json_object_is_type(root, json_type_object))
		return cg_error(ps->err, 0, "seccomp profile %s: not a JSON object", ps->file);
	if (get_action(ps, root, "defaultAction", "defaultErrnoRet", "", &ps->p->default_action) < 0)
		return -1;
	if ((v = member(root, "listenerPath")) && (!json_object_is_type(v, json_type_string) ||
						   json_object_get_string_len(v)))
		return bad(ps, "listenerPath", "not supported: cgrun has no seccomp agent (SCMP_ACT_NOTIFY)");
	if ((v = member(root, "flags")) && (!json_object_is_type(v, json_type_array) ||
					    json_object_array_length(v)))
		return bad(ps, "flags", "not supported: cgrun loads the filter without flags");
	if (arches && map)
		return bad(ps, "architectures", "given with archMap: use one of them");
	if (arches && arch_list(ps, arches, "architectures", &ps->p->arches) < 0)
		return -1;
	if (map && get_archmap(ps, map) < 0)
		return -1;
	if (calls == NULL)
		return 0;
	if (!json_object_is_type(calls, json_type_array))
		return bad(ps, "syscalls", "not an array");
	ps->p->nrules = json_object_array_length(calls);
	ps->p->rules = xcalloc(ps->p->nrules + 1, sizeof(*ps->p->rules));
	for (size_t i = 0; i < ps->p->nrules; i++)
		if (get_rule(ps, json_object_array_get_idx(calls, i), i) < 0)
			return -1;
	return 0;
}

int cg_sc_profile_parse(const char *text, const char *file, struct cg_sc_profile *p, cg_err_t *err)
{
	struct parser ps = { file, p, err };
	struct json_tokener *tok = json_tokener_new();
	struct json_object *root;
	enum json_tokener_error je;
	size_t len = strlen(text);

	memset(p, 0, sizeof(*p));
	if (tok == NULL)
		abort();
	root = json_tokener_parse_ex(tok, text, (int)len);
	je = json_tokener_get_error(tok);
	size_t end = root ? tok->char_offset : 0;

	while (end < len && (text[end] == ' ' || text[end] == '\t' || text[end] == '\r' || text[end] == '\n'))
		end++;
	if (root != NULL && end < len) {
		/* Something after the object. */
		json_object_put(root);
		json_tokener_free(tok);
		return cg_error(err, 0, "seccomp profile %s: not JSON: text after the object at byte %zu",
				file, end);
	}
	if (root == NULL) {
		size_t at = tok->char_offset;

		json_tokener_free(tok);
		return cg_error(err, 0, "seccomp profile %s: not JSON: %s at byte %zu", file,
				je == json_tokener_continue ? "it ends too early" : json_tokener_error_desc(je), at);
	}
	json_tokener_free(tok);
	p->json = root;
	if (parse(&ps, root) < 0) {
		cg_sc_profile_free(p);
		return -1;
	}
	return 0;
}
