/* secopt.c - docker's --security-opt, and the filter a spec asks for (see
 * secopt.h). docker's rules: seccomp=unconfined runs without a filter;
 * seccomp=FILE replaces the default profile; --privileged runs without a
 * filter unless a FILE is given; no-new-privileges sets the process's
 * no_new_privs before the exec, so no setuid binary or file capability can
 * give the command more than it has. */
#include "config.h"

#include "secopt.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "seccomp-json.h"
#include "seccomp-profile.h"

static const char supported[] = "use seccomp=unconfined, seccomp=PROFILE.json or no-new-privileges[=true|false]";

int cg_secopt_parse(const char *opt, enum cg_secopt_kind *kind, const char **value, cg_err_t *err)
{
	size_t klen = strcspn(opt, "=:");
	const char *v = opt[klen] ? opt + klen + 1 : NULL;

	if (klen == 7 && !strncmp(opt, "seccomp", 7)) {
		if (v == NULL || *v == '\0')
			return cg_error(err, 0, "invalid --security-opt '%s': seccomp needs a value: unconfined or a profile file", opt);
		*kind = strcmp(v, "unconfined") ? CG_SECOPT_SECCOMP_PROFILE : CG_SECOPT_SECCOMP_UNCONFINED;
		*value = v;
		return 0;
	}
	if (klen == 17 && !strncmp(opt, "no-new-privileges", 17)) {
		if (v && strcmp(v, "true") && strcmp(v, "false"))
			return cg_error(err, 0, "invalid --security-opt '%s': no-new-privileges takes true or false", opt);
		*kind = CG_SECOPT_NO_NEW_PRIVS;
		*value = v ? v : "true";
		return 0;
	}
	if ((klen == 8 && !strncmp(opt, "apparmor", 8)) || (klen == 5 && !strncmp(opt, "label", 5)) ||
	    (klen == 11 && !strncmp(opt, "systempaths", 11)) || (klen == 9 && !strncmp(opt, "proc-opts", 9)))
		return cg_error(err, 0, "--security-opt '%s' is not supported by cgrun (no AppArmor, SELinux or path options): %s",
				opt, supported);
	return cg_error(err, 0, "invalid --security-opt '%s': %s", opt, supported);
}

int cg_spec_security_opt(struct cg_spec *s, const char *opt, cg_err_t *err)
{
	enum cg_secopt_kind kind;
	const char *v;
	cleanup_free char *text = NULL;
	char *abs;
	struct cg_sc_profile p;

	if (cg_secopt_parse(opt, &kind, &v, err) < 0)
		return -1;
	switch (kind) {
	case CG_SECOPT_NO_NEW_PRIVS:
		s->no_new_privs = !strcmp(v, "true");
		return 0;
	case CG_SECOPT_SECCOMP_UNCONFINED:
		s->seccomp_unconfined = true;
		free(s->seccomp_path_owned);
		free(s->seccomp_profile_owned);
		s->seccomp_path = s->seccomp_path_owned = NULL;
		s->seccomp_profile = s->seccomp_profile_owned = NULL;
		return 0;
	case CG_SECOPT_SECCOMP_PROFILE:
		break;
	}
	if (read_file(v, &text, CG_SECCOMP_PROFILE_MAX, err) < 0)
		return cg_error_wrap(err, "seccomp profile");
	/* Shown by inspect: where it came from, whatever the cwd was. */
	abs = realpath(v, NULL);
	if (abs == NULL)
		abs = xstrdup(v);
	if (cg_sc_profile_parse(text, abs, &p, err) < 0) {
		free(abs);
		return -1;
	}
	cg_sc_profile_free(&p);
	free(s->seccomp_path_owned);
	free(s->seccomp_profile_owned);
	s->seccomp_unconfined = false;
	s->seccomp_path = s->seccomp_path_owned = abs;
	s->seccomp_profile = s->seccomp_profile_owned = steal_pointer(&text);
	return 0;
}

int cg_spec_seccomp_check(const char *run_dir, const struct cg_spec *s, cg_err_t *err)
{
	struct cg_caps caps = s->caps;
	struct cg_seccomp f;
	bool confined;

	if (s->seccomp_profile == NULL)
		return 0;
	if (s->privileged)
		cg_caps_all(&caps);
	if (cg_spec_seccomp(run_dir, s, caps.set, &f, &confined, err) < 0)
		return -1;
	cg_seccomp_free(&f);
	return 0;
}

const char *cg_spec_seccomp_mode(const struct cg_spec *s)
{
	if (s->seccomp_profile)
		return "profile";
	return s->seccomp_unconfined || s->privileged ? "unconfined" : "default";
}

char *cg_spec_seccomp_digest(const struct cg_spec *s)
{
	if (s->seccomp_profile == NULL)
		return NULL;
	return xasprintf("fnv1a64:%016llx", (unsigned long long)cg_fnv1a(CG_FNV_BASIS, s->seccomp_profile,
									   strlen(s->seccomp_profile)));
}

int cg_spec_seccomp(const char *run_dir, const struct cg_spec *s, uint64_t caps,
		    struct cg_seccomp *out, bool *confined, cg_err_t *err)
{
	int r;

	*out = (struct cg_seccomp){ 0 };
	*confined = false;
	if (s->seccomp_profile == NULL && (s->seccomp_unconfined || s->privileged))
		return 0;
	if (s->seccomp_profile == NULL)
		r = cg_seccomp_default(run_dir, caps, out, NULL, err);
	else
		r = cg_seccomp_get_json(run_dir, s->seccomp_profile, s->seccomp_path ? s->seccomp_path : "(given)",
					caps, out, NULL, err);
	if (r < 0)
		return -1;
	*confined = true;
	return 0;
}
