/* authfiles.c - the auth files' places and keys, as containers/image's
 * getAuthFilePaths and docker's registry.ConvertToHostname. */
#include "config.h"

#include "authfiles.h"

#include <errno.h>
#include <json-c/json.h>
#include <pwd.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define AUTH_FILE_MAX (4 << 20)

void cg_creds_env_from_process(struct cg_creds_env *env)
{
	const char *home = getenv("HOME");

	memset(env, 0, sizeof(*env));
	env->registry_auth_file = getenv("REGISTRY_AUTH_FILE");
	env->xdg_runtime_dir = getenv("XDG_RUNTIME_DIR");
	env->xdg_config_home = getenv("XDG_CONFIG_HOME");
	env->docker_config = getenv("DOCKER_CONFIG");
	env->uid = (unsigned)getuid();
	if (home == NULL || *home == '\0') {
		struct passwd pw, *res = NULL;
		char buf[4096];

		if (getpwuid_r(getuid(), &pw, buf, sizeof(buf), &res) == 0 && res != NULL &&
		    strlen(pw.pw_dir) < sizeof(env->home_buf)) {
			strcpy(env->home_buf, pw.pw_dir);
			home = env->home_buf;
		}
	}
	env->home = home && *home ? home : NULL;
}

static bool set(const char *s)
{
	return s != NULL && *s != '\0';
}

char **cg_creds_files(const struct cg_creds_env *env)
{
	char **v = xcalloc(4, sizeof(char *));
	size_t n = 0;

	if (set(env->registry_auth_file)) {
		v[0] = xstrdup(env->registry_auth_file);
		return v;
	}
	if (set(env->xdg_runtime_dir))
		v[n++] = xasprintf("%s/containers/auth.json", env->xdg_runtime_dir);
	else
		v[n++] = xasprintf("/run/containers/%u/auth.json", env->uid);
	if (set(env->xdg_config_home))
		v[n++] = xasprintf("%s/containers/auth.json", env->xdg_config_home);
	else if (set(env->home))
		v[n++] = xasprintf("%s/.config/containers/auth.json", env->home);
	if (set(env->docker_config))
		v[n++] = xasprintf("%s/config.json", env->docker_config);
	else if (set(env->home))
		v[n++] = xasprintf("%s/.docker/config.json", env->home);
	return v;
}

/* docker.io's names all mean one registry. */
static const char *canonical_host(const char *h, size_t n)
{
	static const char *const hub[] = { "docker.io", "index.docker.io", "registry-1.docker.io" };

	for (size_t i = 0; i < ARRAY_SIZE(hub); i++)
		if (n == strlen(hub[i]) && strncasecmp(h, hub[i], n) == 0)
			return "docker.io";
	return NULL;
}

static bool same_host(const char *a, size_t an, const char *b)
{
	const char *ca = canonical_host(a, an), *cb = canonical_host(b, strlen(b));

	if (ca || cb)
		return ca && cb;
	return an == strlen(b) && strncasecmp(a, b, an) == 0;
}

/* Does an auth file key name the registry? "quay.io", "https://quay.io/v1/"
 * and "http://quay.io" do; "quay.io/org" (a namespace's) does not. */
bool cg_creds_key_matches(const char *key, const char *domain)
{
	const char *h = key;
	size_t n;

	if (strncasecmp(h, "https://", 8) == 0)
		h += 8;
	else if (strncasecmp(h, "http://", 7) == 0)
		h += 7;
	n = strcspn(h, "/");
	if (h == key && h[n] != '\0')
		return false;
	return same_host(h, n, domain);
}

static bool names(json_object *root, const char *section, const char *domain)
{
	json_object *o;

	if (!json_object_object_get_ex(root, section, &o) || !json_object_is_type(o, json_type_object))
		return false;
	json_object_object_foreach(o, k, v) {
		(void)v;
		if (cg_creds_key_matches(k, domain))
			return true;
	}
	return false;
}

int cg_creds_file_for(const char *const *files, const char *domain)
{
	for (int i = 0; files[i]; i++) {
		cleanup_free char *text = NULL;
		cg_err_t err = { 0 };
		json_object *root;
		bool hit;
		int r = read_file(files[i], &text, AUTH_FILE_MAX, &err);

		if (r == -ENOENT)
			continue;
		if (r < 0)
			return i;
		root = json_tokener_parse(text);
		if (root == NULL || !json_object_is_type(root, json_type_object)) {
			json_object_put(root);
			return i;
		}
		hit = names(root, "auths", domain) || names(root, "credHelpers", domain);
		json_object_put(root);
		if (hit)
			return i;
	}
	return -1;
}
