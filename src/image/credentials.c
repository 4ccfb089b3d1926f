/* credentials.c - podman's and docker's auth files. The look-up follows
 * containers/image (pkg/docker/config), the key normalisation docker's
 * registry.ConvertToHostname. Credential helpers are not run. */
#include "config.h"

#include "credentials.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <pwd.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <openssl/evp.h>

#include "json-get.h"

#define AUTH_FILE_MAX (4 << 20)

static bool set(const char *s)
{
	return s != NULL && *s != '\0';
}

char *cg_creds_store_file(const struct cg_creds_env *env)
{
	char **files = cg_creds_files(env);
	char *first = files[0];

	for (size_t i = 1; files[i]; i++)
		free(files[i]);
	free(files);
	return first;
}

/* The entry for domain: the exact key first, then the others that name it. */
static json_object *find_entry(json_object *auths, const char *domain, const char **key)
{
	json_object *v = cg_json_member(auths, domain);

	if (v != NULL) {
		*key = domain;
		return v;
	}
	json_object_object_foreach(auths, k, val) {
		if (val != NULL && cg_creds_key_matches(k, domain)) {
			*key = k;
			return val;
		}
	}
	return NULL;
}

static int base64_decode(const char *in, char **out)
{
	size_t n = strlen(in), pad = 0;
	unsigned char *buf;
	int len;

	if (n == 0 || n % 4 != 0 || n > INT_MAX)
		return -1;
	while (pad < 2 && in[n - 1 - pad] == '=')
		pad++;
	buf = xcalloc(n / 4 * 3 + 1, 1);
	/* EVP_DecodeBlock counts the padding's zero bytes in its length. */
	len = EVP_DecodeBlock(buf, (const unsigned char *)in, (int)n);
	if (len < 0 || (size_t)len < pad || memchr(buf, '\0', (size_t)len - pad) != NULL) {
		free(buf);
		return -1;
	}
	buf[len - pad] = '\0';
	*out = (char *)buf;
	return 0;
}

static char *base64_encode(const char *s)
{
	size_t n = strlen(s);
	unsigned char *out = xcalloc((n + 2) / 3 * 4 + 1, 1);

	EVP_EncodeBlock(out, (const unsigned char *)s, (int)n);
	return (char *)out;
}

/* 1 with credentials from entry, 0 when it holds none. */
static int entry_creds(json_object *entry, char **user, char **pass, cg_err_t *err)
{
	cleanup_free char *auth = NULL, *token = NULL, *u = NULL, *p = NULL, *plain = NULL;
	char *colon;
	int r;

	if (!json_object_is_type(entry, json_type_object))
		return cg_error(err, 0, "not an object");
	if ((r = cg_json_string(entry, "auth", false, &auth, err)) < 0 ||
	    (r = cg_json_string(entry, "identitytoken", false, &token, err)) < 0 ||
	    (r = cg_json_string(entry, "username", false, &u, err)) < 0 ||
	    (r = cg_json_string(entry, "password", false, &p, err)) < 0)
		return r;
	if (set(token)) {
		*user = xstrdup("<token>");
		*pass = steal_pointer(&token);
		return 1;
	}
	if (set(auth)) {
		if (base64_decode(auth, &plain) < 0 || (colon = strchr(plain, ':')) == NULL ||
		    colon == plain)
			return cg_error(err, 0, "\"auth\" is not base64 of user:password");
		*colon = '\0';
		*user = xstrdup(plain);
		*pass = xstrdup(colon + 1);
		explicit_bzero(plain, strlen(colon + 1) + (size_t)(colon - plain) + 1);
		return 1;
	}
	if (set(u) && p != NULL) {
		*user = steal_pointer(&u);
		*pass = steal_pointer(&p);
		return 1;
	}
	return 0;
}

static int helper_refused(const char *helper, const char *how, const char *domain, cg_err_t *err)
{
	return cg_error(err, 0,
			"%s names the credential helper docker-credential-%s for %s: credential helpers "
			"are not supported (log in with 'cgrun login', or remove it)",
			how, helper, domain);
}

static int lookup_file(json_object *root, const char *domain, char **user, char **pass, cg_err_t *err)
{
	cleanup_free char *store = NULL, *helper = NULL;
	json_object *auths, *helpers, *entry;
	const char *key = NULL;
	int r;

	if (!json_object_is_type(root, json_type_object))
		return cg_error(err, 0, "not a JSON object");
	if ((r = cg_json_object(root, "auths", &auths, err)) < 0 ||
	    (r = cg_json_object(root, "credHelpers", &helpers, err)) < 0 ||
	    (r = cg_json_string(root, "credsStore", false, &store, err)) < 0)
		return r;
	if (helpers != NULL && (entry = find_entry(helpers, domain, &key)) != NULL) {
		if ((r = cg_json_string_value(entry, "credHelpers entry", &helper, err)) < 0)
			return r;
		return helper_refused(helper, "credHelpers", domain, err);
	}
	if (auths == NULL || (entry = find_entry(auths, domain, &key)) == NULL)
		return 0;
	if ((r = entry_creds(entry, user, pass, err)) < 0)
		return cg_error_wrap(err, "auths[\"%s\"]", key);
	/* docker keeps an empty entry in auths for what its credsStore holds. */
	if (r == 0 && set(store))
		return helper_refused(store, "credsStore", domain, err);
	return r;
}

/* 0 and *root NULL when the file does not exist. */
static int load(const char *file, json_object **root, cg_err_t *err)
{
	cleanup_free char *text = NULL;
	int r;

	*root = NULL;
	r = read_file(file, &text, AUTH_FILE_MAX, err);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	if ((r = cg_json_parse(text, strlen(text), root, err)) < 0)
		return cg_error_wrap(err, "%s", file);
	if (!json_object_is_type(*root, json_type_object)) {
		json_object_put(*root);
		*root = NULL;
		return cg_error(err, 0, "%s: not a JSON object", file);
	}
	return 0;
}

int cg_creds_lookup_in(const char *const *files, const char *domain, char **user, char **pass,
		       cg_err_t *err)
{
	*user = *pass = NULL;
	for (size_t i = 0; files[i]; i++) {
		json_object *root;
		int r;

		if ((r = load(files[i], &root, err)) < 0)
			return r;
		if (root == NULL)
			continue;
		r = lookup_file(root, domain, user, pass, err);
		json_object_put(root);
		if (r < 0)
			return cg_error_wrap(err, "%s", files[i]);
		if (r > 0)
			return 1;
	}
	return 0;
}

int cg_creds_lookup(const char *domain, char **user, char **pass, cg_err_t *err)
{
	struct cg_creds_env env;
	char **files;
	int r;

	cg_creds_env_from_process(&env);
	files = cg_creds_files(&env);
	r = cg_creds_lookup_in((const char *const *)files, domain, user, pass, err);
	cg_strv_free(files);
	return r;
}

/* Replace file with text, mode 0600, atomically. A symlinked file is
 * written where it points, as docker does. */
static int write_private(const char *file, const char *text, cg_err_t *err)
{
	cleanup_free char *real = NULL, *dircopy = NULL, *tmp = NULL;
	cleanup_close int fd = -1;
	struct stat st;
	size_t len = strlen(text);
	int r;

	if (lstat(file, &st) == 0 && S_ISLNK(st.st_mode)) {
		real = realpath(file, NULL);
		if (real == NULL)
			return cg_error(err, errno, "resolve %s", file);
		file = real;
	}
	dircopy = xstrdup(file);
	if ((r = mkdir_p(dirname(dircopy), 0700, err)) < 0)
		return r;
	tmp = xasprintf("%s.XXXXXX", file);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return cg_error(err, errno, "create a temporary file beside %s", file);
	for (size_t off = 0; off < len;) {
		ssize_t w = write(fd, text + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			r = cg_error(err, errno, "write %s", tmp);
			goto fail;
		}
		off += (size_t)w;
	}
	/* fsync before rename: a crash must leave the old or the new file,
	 * never an empty one in its place. */
	if (fchmod(fd, 0600) < 0 || fsync(fd) < 0) {
		r = cg_error(err, errno, "write %s", tmp);
		goto fail;
	}
	if (close(steal_fd(&fd)) < 0) {
		r = cg_error(err, errno, "write %s", tmp);
		goto fail;
	}
	if (rename(tmp, file) < 0) {
		r = cg_error(err, errno, "rename %s to %s", tmp, file);
		goto fail;
	}
	return 0;
fail:
	unlink(tmp);
	return r;
}

static int save(const char *file, json_object *root, cg_err_t *err)
{
	const char *text = json_object_to_json_string_ext(
		root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_PRETTY_TAB | JSON_C_TO_STRING_SPACED |
		      JSON_C_TO_STRING_NOSLASHESCAPE);
	cleanup_free char *with_nl = xasprintf("%s\n", text);

	return write_private(file, with_nl, err);
}

static bool printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

static int store_in(json_object *root, const char *domain, const char *user, const char *pass,
		    cg_err_t *err)
{
	cleanup_free char *store = NULL, *plain = NULL, *auth = NULL;
	json_object *auths, *helpers, *entry;
	const char *key;
	int r;

	if ((r = cg_json_object(root, "auths", &auths, err)) < 0 ||
	    (r = cg_json_object(root, "credHelpers", &helpers, err)) < 0 ||
	    (r = cg_json_string(root, "credsStore", false, &store, err)) < 0)
		return r;
	if (helpers != NULL && find_entry(helpers, domain, &key) != NULL)
		return cg_error(err, 0, "credHelpers names a credential helper for %s: "
					      "storing through it is not supported", domain);
	if (set(store))
		return cg_error(err, 0, "credsStore names the credential helper docker-credential-%s: "
					      "storing through it is not supported", store);
	if (auths == NULL) {
		auths = json_object_new_object();
		json_object_object_add(root, "auths", auths);
	}
	entry = cg_json_member(auths, domain);
	if (entry == NULL || !json_object_is_type(entry, json_type_object)) {
		entry = json_object_new_object();
		json_object_object_add(auths, domain, entry);
	}
	/* The new password replaces every older credential of the entry. */
	json_object_object_del(entry, "identitytoken");
	json_object_object_del(entry, "username");
	json_object_object_del(entry, "password");
	plain = xasprintf("%s:%s", user, pass);
	auth = base64_encode(plain);
	explicit_bzero(plain, strlen(plain));
	json_object_object_add(entry, "auth", json_object_new_string(auth));
	return 0;
}

int cg_creds_store(const char *file, const char *domain, const char *user, const char *pass,
		   cg_err_t *err)
{
	json_object *root;
	int r;

	if (!set(domain) || !printable(domain) || strchr(domain, '/'))
		return cg_error(err, 0, "invalid registry \"%s\"", domain ? domain : "");
	if (!set(user) || strchr(user, ':') || !printable(user))
		return cg_error(err, 0, "invalid user name: it must be non-empty, without ':' or control characters");
	if (pass == NULL || !printable(pass))
		return cg_error(err, 0, "invalid password: control characters");
	if ((r = load(file, &root, err)) < 0)
		return r;
	if (root == NULL)
		root = json_object_new_object();
	r = store_in(root, domain, user, pass, err);
	if (r == 0)
		r = save(file, root, err);
	json_object_put(root);
	return r < 0 ? cg_error_wrap(err, "storing credentials for %s in %s", domain, file) : 0;
}

int cg_creds_erase(const char *file, const char *domain, cg_err_t *err)
{
	json_object *root, *auths;
	size_t removed = 0;
	int r;

	if ((r = load(file, &root, err)) < 0)
		return r;
	if (root == NULL)
		return 0;
	if ((r = cg_json_object(root, "auths", &auths, err)) == 0 && auths != NULL) {
		/* Collect first: deleting while iterating json-c's table is unsafe. */
		size_t n = (size_t)json_object_object_length(auths), k = 0;
		char **keys = xcalloc(n + 1, sizeof(char *));

		json_object_object_foreach(auths, key, val) {
			(void)val;
			if (strcmp(key, domain) == 0 || cg_creds_key_matches(key, domain))
				keys[k++] = xstrdup(key);
		}
		for (size_t i = 0; i < k; i++)
			json_object_object_del(auths, keys[i]);
		removed = k;
		cg_strv_free(keys);
		if (removed > 0)
			r = save(file, root, err);
	}
	json_object_put(root);
	if (r < 0)
		return cg_error_wrap(err, "removing credentials for %s from %s", domain, file);
	return removed > 0 ? 1 : 0;
}
