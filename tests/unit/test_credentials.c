/* test_credentials.c - auth files (src/image/credentials.c): which files,
 * which keys, and login/logout's rewrites. Each test works in a temporary
 * directory of its own, removed by the teardown even when the test fails. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <dirent.h>
#include <string.h>
#include <pwd.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "credentials.h"
#include "util.h"

static int setup(void **state)
{
	char *dir = xstrdup("/tmp/cgrun-creds-XXXXXX");

	if (mkdtemp(dir) == NULL) {
		free(dir);
		return -1;
	}
	*state = dir;
	return 0;
}

static int teardown(void **state)
{
	cg_err_t err = { 0 };
	char *dir = *state;
	int r = rm_rf(dir, &err);

	if (r == 0 && path_exists(dir))
		r = -1;
	free(dir);
	return r;
}

static char *put(const char *dir, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
	return path;
}

/* 1 and the credentials, or 0, or the error's text. */
static int look(const char *const *files, const char *domain, char **user, char **pass, cg_err_t *err)
{
	memset(err, 0, sizeof(*err));
	return cg_creds_lookup_in(files, domain, user, pass, err);
}

static void expect_creds(const char *const *files, const char *domain, const char *u, const char *p)
{
	char *user, *pass;
	cg_err_t err;
	int r = look(files, domain, &user, &pass, &err);

	if (r != 1)
		fail_msg("%s: %d %s", domain, r, err.msg);
	assert_string_equal(user, u);
	assert_string_equal(pass, p);
	free(user);
	free(pass);
}

static void expect_none(const char *const *files, const char *domain)
{
	char *user, *pass;
	cg_err_t err;
	int r = look(files, domain, &user, &pass, &err);

	if (r != 0)
		fail_msg("%s: %d %s", domain, r, err.msg);
	assert_null(user);
	assert_null(pass);
}

static void expect_error(const char *const *files, const char *domain, const char *why)
{
	char *user, *pass;
	cg_err_t err;

	assert_true(look(files, domain, &user, &pass, &err) < 0);
	assert_null(user);
	assert_null(pass);
	if (strstr(err.msg, why) == NULL)
		fail_msg("\"%s\" lacks \"%s\"", err.msg, why);
}

static void file_order(void **state)
{
	struct cg_creds_env env = { .registry_auth_file = "/etc/auth.json", .xdg_runtime_dir = "/run/user/1000",
				    .home = "/home/u", .uid = 1000 };
	char **f;
	char *s;

	(void)state;
	/* $REGISTRY_AUTH_FILE alone, as podman's --authfile. */
	f = cg_creds_files(&env);
	assert_string_equal(f[0], "/etc/auth.json");
	assert_null(f[1]);
	for (char **p = f; *p; p++)
		free(*p);
	free(f);
	env.registry_auth_file = "";
	f = cg_creds_files(&env);
	assert_string_equal(f[0], "/run/user/1000/containers/auth.json");
	assert_string_equal(f[1], "/home/u/.config/containers/auth.json");
	assert_string_equal(f[2], "/home/u/.docker/config.json");
	assert_null(f[3]);
	for (char **p = f; *p; p++)
		free(*p);
	free(f);
	env = (struct cg_creds_env){ .xdg_config_home = "/cfg", .docker_config = "/dc", .home = "/root" };
	f = cg_creds_files(&env);
	assert_string_equal(f[0], "/run/containers/0/auth.json");
	assert_string_equal(f[1], "/cfg/containers/auth.json");
	assert_string_equal(f[2], "/dc/config.json");
	assert_null(f[3]);
	for (char **p = f; *p; p++)
		free(*p);
	free(f);
	env = (struct cg_creds_env){ .uid = 7 };
	f = cg_creds_files(&env);
	assert_string_equal(f[0], "/run/containers/7/auth.json");
	assert_null(f[1]);
	for (char **p = f; *p; p++)
		free(*p);
	free(f);
	s = cg_creds_store_file(&(struct cg_creds_env){ .xdg_runtime_dir = "/run/user/5", .home = "/h" });
	assert_string_equal(s, "/run/user/5/containers/auth.json");
	free(s);
}

static void keys_and_formats(void **state)
{
	const char *dir = *state;
	char *podman = put(dir, "auth.json",
			   "{\"auths\":{\"quay.io\":{\"auth\":\"YWxpY2U6czNjcjpldA==\"},"
			   "\"ghcr.io/org\":{\"auth\":\"Ym9iOmh1bnRlcjI=\"},"
			   "\"localhost:5000\":{\"username\":\"carol\",\"password\":\"pw\"},"
			   "\"gitlab.example\":{\"auth\":\"Ym9iOmh1bnRlcjI=\",\"identitytoken\":\"refresh-me\"}}}");
	char *docker = put(dir, "config.json",
			   "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"Ym9iOmh1bnRlcjI=\"},"
			   "\"https://quay.io\":{\"auth\":\"Y2Fyb2w6cHc=\"},"
			   "\"http://registry.local:5000/v2/\":{\"auth\":\"Y2Fyb2w6cHc=\"},"
			   "\"ghcr.io\":{\"auth\":\"\"}},\"HttpHeaders\":{\"User-Agent\":\"x\"}}");
	const char *both[] = { podman, docker, NULL };
	const char *docker_only[] = { docker, NULL };

	/* The password keeps its colons: only the first one splits. */
	expect_creds(both, "quay.io", "alice", "s3cr:et");
	/* docker's key for docker hub, under all its names. */
	expect_creds(both, "docker.io", "bob", "hunter2");
	expect_creds(both, "index.docker.io", "bob", "hunter2");
	expect_creds(both, "registry-1.docker.io", "bob", "hunter2");
	expect_creds(both, "registry.local:5000", "carol", "pw");
	expect_creds(both, "localhost:5000", "carol", "pw");
	/* An identity token comes first, as docker's refresh token. */
	expect_creds(both, "gitlab.example", "<token>", "refresh-me");
	/* A namespace's key is not the registry's; an empty entry holds nothing. */
	expect_none(both, "ghcr.io");
	expect_none(both, "registry.local");
	expect_none(both, "quay.io.evil");
	expect_none(both, "localhost");
	/* The first file that has the registry wins... */
	expect_creds(docker_only, "quay.io", "carol", "pw");
	/* ...and in a file, the exact key before a scheme's. */
	char *mixed = put(dir, "mixed.json",
			  "{\"auths\":{\"https://quay.io/v1/\":{\"auth\":\"Y2Fyb2w6cHc=\"},"
			  "\"quay.io\":{\"auth\":\"YWxpY2U6czNjcjpldA==\"}}}");
	const char *m[] = { mixed, NULL };
	expect_creds(m, "quay.io", "alice", "s3cr:et");
	/* Missing files are skipped. */
	char *missing = xasprintf("%s/nope/auth.json", dir);
	const char *with_missing[] = { missing, docker, NULL };
	expect_creds(with_missing, "docker.io", "bob", "hunter2");
	const char *none[] = { missing, NULL };
	expect_none(none, "docker.io");
	free(missing);
	free(mixed);
	free(podman);
	free(docker);
}

static void helpers_and_bad_files(void **state)
{
	const char *dir = *state;
	char *helpers = put(dir, "h.json",
			    "{\"auths\":{\"desk.example\":{},\"plain.example\":{\"auth\":\"Y2Fyb2w6cHc=\"}},"
			    "\"credsStore\":\"desktop\",\"credHelpers\":{\"gcr.io\":\"gcloud\"}}");
	const char *h[] = { helpers, NULL };

	expect_error(h, "gcr.io", "docker-credential-gcloud");
	expect_error(h, "gcr.io", "not supported");
	expect_error(h, "desk.example", "docker-credential-desktop");
	/* What the file itself holds is used; the store is not asked. */
	expect_creds(h, "plain.example", "carol", "pw");
	expect_none(h, "other.example");

	static const struct {
		const char *text, *why;
	} bad[] = {
		{ "{\"auths\":", "invalid JSON" },
		{ "[]", "not a JSON object" },
		{ "{\"auths\":[]}", "\"auths\" is not an object" },
		{ "{\"auths\":{\"q.io\":{\"auth\":\"bm9jb2xvbg==\"}}}", "not base64 of user:password" },
		{ "{\"auths\":{\"q.io\":{\"auth\":\"!!!!\"}}}", "not base64 of user:password" },
		{ "{\"auths\":{\"q.io\":{\"auth\":\"Y2Fyb2w6cHc\"}}}", "not base64 of user:password" },
		{ "{\"auths\":{\"q.io\":{\"auth\":7}}}", "auths[\"q.io\"]: \"auth\" is not a string" },
		{ "{\"auths\":{\"q.io\":\"x\"}}", "not an object" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *f = put(dir, "bad.json", bad[i].text);
		const char *files[] = { f, NULL };

		expect_error(files, "q.io", bad[i].why);
		/* The error names the file. */
		expect_error(files, "q.io", f);
		free(f);
	}
	/* A password may be empty: "dave:". */
	char *f = put(dir, "empty.json", "{\"auths\":{\"q.io\":{\"auth\":\"ZGF2ZTo=\"}}}");
	const char *e[] = { f, NULL };
	expect_creds(e, "q.io", "dave", "");
	free(f);
	free(helpers);
}

static char *slurp(const char *path)
{
	char *text = NULL;
	cg_err_t err = { 0 };

	if (read_file(path, &text, 1 << 20, &err) < 0)
		fail_msg("%s", err.msg);
	return text;
}

static size_t count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void store_and_erase(void **state)
{
	const char *dir = *state;
	char *sub = xasprintf("%s/containers", dir);
	char *file = xasprintf("%s/auth.json", sub);
	const char *files[] = { file, NULL };
	cg_err_t err = { 0 };
	struct stat st;
	char *text;

	/* A new file in a new directory, private. */
	assert_int_equal(cg_creds_store(file, "quay.io", "alice", "s3cr:et", &err), 0);
	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(stat(sub, &st), 0);
	assert_int_equal(st.st_mode & 0077, 0);
	expect_creds(files, "quay.io", "alice", "s3cr:et");
	text = slurp(file);
	assert_non_null(strstr(text, "\"auth\": \"YWxpY2U6czNjcjpldA==\""));
	free(text);
	/* A second registry; the first stays. A new password replaces. */
	assert_int_equal(cg_creds_store(file, "localhost:5000", "bob", "hunter2", &err), 0);
	assert_int_equal(cg_creds_store(file, "quay.io", "carol", "pw", &err), 0);
	expect_creds(files, "quay.io", "carol", "pw");
	expect_creds(files, "localhost:5000", "bob", "hunter2");
	/* No temporary file left beside it. */
	assert_int_equal(count_entries(sub), 1);

	/* Logout removes the registry's keys only. */
	assert_int_equal(cg_creds_erase(file, "quay.io", &err), 1);
	expect_none(files, "quay.io");
	expect_creds(files, "localhost:5000", "bob", "hunter2");
	assert_int_equal(cg_creds_erase(file, "quay.io", &err), 0);
	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(count_entries(sub), 1);
	free(sub);
	free(file);
}

static void store_keeps_everything_else(void **state)
{
	const char *dir = *state;
	char *file = put(dir, "config.json",
			 "{\"auths\":{\"other.io\":{\"auth\":\"Y2Fyb2w6cHc=\"},"
			 "\"quay.io\":{\"identitytoken\":\"old\",\"email\":\"a@b.c\"},"
			 "\"https://index.docker.io/v1/\":{\"auth\":\"Ym9iOmh1bnRlcjI=\"},"
			 "\"quay.io/org\":{\"auth\":\"Ym9iOmh1bnRlcjI=\"},"
			 "\"https://quay.io/v1/\":{\"auth\":\"Ym9iOmh1bnRlcjI=\"}},"
			 "\"HttpHeaders\":{\"User-Agent\":\"Docker-Client/24\"},\"psFormat\":\"table {{.ID}}\","
			 "\"proxies\":{\"default\":{\"httpProxy\":\"http://p:3128\"}},\"n\":1.25}");
	const char *files[] = { file, NULL };
	cg_err_t err = { 0 };
	struct stat st;
	char *text;

	assert_int_equal(chmod(file, 0644), 0);
	assert_int_equal(cg_creds_store(file, "quay.io", "alice", "s3cr:et", &err), 0);
	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	expect_creds(files, "quay.io", "alice", "s3cr:et");
	expect_creds(files, "other.io", "carol", "pw");
	expect_creds(files, "docker.io", "bob", "hunter2");
	text = slurp(file);
	assert_non_null(strstr(text, "\"User-Agent\": \"Docker-Client/24\""));
	assert_non_null(strstr(text, "\"psFormat\": \"table {{.ID}}\""));
	assert_non_null(strstr(text, "\"httpProxy\": \"http://p:3128\""));
	assert_non_null(strstr(text, "\"email\": \"a@b.c\""));
	assert_non_null(strstr(text, "\"n\": 1.25"));
	assert_non_null(strstr(text, "\"quay.io/org\""));
	assert_null(strstr(text, "identitytoken"));
	free(text);

	/* Erase takes the exact key and the scheme's, not the namespace's. */
	assert_int_equal(cg_creds_erase(file, "quay.io", &err), 1);
	text = slurp(file);
	assert_null(strstr(text, "\"quay.io\""));
	assert_null(strstr(text, "https://quay.io/v1/"));
	assert_non_null(strstr(text, "\"quay.io/org\""));
	assert_non_null(strstr(text, "other.io"));
	free(text);
	assert_int_equal(cg_creds_erase(file, "docker.io", &err), 1);
	expect_none(files, "docker.io");
	expect_creds(files, "other.io", "carol", "pw");
	free(file);
}

static void store_refusals(void **state)
{
	const char *dir = *state;
	static const char broken[] = "{\"auths\":{\"quay.io\":";
	static const char helpers[] = "{\"credHelpers\":{\"gcr.io\":\"gcloud\"}}";
	static const char store[] = "{\"credsStore\":\"pass\"}";
	char *b = put(dir, "broken.json", broken);
	char *h = put(dir, "helpers.json", helpers);
	char *s = put(dir, "store.json", store);
	char *text;
	cg_err_t err = { 0 };

	/* A file we cannot read is never replaced. */
	assert_true(cg_creds_store(b, "quay.io", "a", "b", &err) < 0);
	assert_non_null(strstr(err.msg, "invalid JSON"));
	text = slurp(b);
	assert_string_equal(text, broken);
	free(text);
	assert_true(cg_creds_erase(b, "quay.io", &err) < 0);
	assert_true(cg_creds_store(h, "gcr.io", "a", "b", &err) < 0);
	assert_non_null(strstr(err.msg, "not supported"));
	assert_true(cg_creds_store(s, "quay.io", "a", "b", &err) < 0);
	assert_non_null(strstr(err.msg, "docker-credential-pass"));
	text = slurp(s);
	assert_string_equal(text, store);
	free(text);
	/* Names that would not round-trip. */
	assert_true(cg_creds_store(s, "quay.io", "a:b", "c", &err) < 0);
	assert_non_null(strstr(err.msg, "without ':'"));
	assert_true(cg_creds_store(s, "quay.io", "", "c", &err) < 0);
	assert_true(cg_creds_store(s, "quay.io", "a", "c\nd", &err) < 0);
	assert_true(cg_creds_store(s, "", "a", "c", &err) < 0);
	assert_true(cg_creds_store(s, "quay.io/org", "a", "c", &err) < 0);
	/* Nothing left behind: the three files only. */
	assert_int_equal(count_entries(dir), 3);
	free(b);
	free(h);
	free(s);
}

static void store_through_symlink(void **state)
{
	const char *dir = *state;
	char *real = put(dir, "real.json", "{}");
	char *link = xasprintf("%s/link.json", dir);
	const char *files[] = { real, NULL };
	cg_err_t err = { 0 };
	struct stat st;

	assert_int_equal(symlink("real.json", link), 0);
	assert_int_equal(cg_creds_store(link, "quay.io", "alice", "pw", &err), 0);
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	expect_creds(files, "quay.io", "alice", "pw");
	/* A missing file: erase creates nothing. */
	char *missing = xasprintf("%s/missing.json", dir);
	assert_int_equal(cg_creds_erase(missing, "quay.io", &err), 0);
	assert_false(path_exists(missing));
	free(missing);
	free(real);
	free(link);
}

/* cg_creds_lookup reads the process's environment. */
static void from_the_environment(void **state)
{
	const char *dir = *state;
	char *file = put(dir, "env.json", "{\"auths\":{\"quay.io\":{\"auth\":\"Y2Fyb2w6cHc=\"}}}");
	struct cg_creds_env env;
	struct passwd *pw = getpwuid(getuid());
	char *user, *pass;
	cg_err_t err = { 0 };

	assert_int_equal(setenv("REGISTRY_AUTH_FILE", file, 1), 0);
	assert_int_equal(setenv("HOME", "/nonexistent-home", 1), 0);
	assert_int_equal(setenv("DOCKER_CONFIG", "/dc", 1), 0);
	cg_creds_env_from_process(&env);
	assert_string_equal(env.registry_auth_file, file);
	assert_string_equal(env.home, "/nonexistent-home");
	assert_string_equal(env.docker_config, "/dc");
	assert_int_equal(env.uid, getuid());
	assert_int_equal(cg_creds_lookup("quay.io", &user, &pass, &err), 1);
	assert_string_equal(user, "carol");
	assert_string_equal(pass, "pw");
	free(user);
	free(pass);
	assert_int_equal(cg_creds_lookup("ghcr.io", &user, &pass, &err), 0);
	/* No $HOME: the passwd entry's. */
	assert_int_equal(unsetenv("HOME"), 0);
	cg_creds_env_from_process(&env);
	assert_non_null(pw);
	assert_string_equal(env.home, pw->pw_dir);
	unsetenv("REGISTRY_AUTH_FILE");
	unsetenv("DOCKER_CONFIG");
	free(file);
}

/* The file a member's cgrun sends cgrund: the one the look-up would read
 * its answer from (authfiles.h). */
static void file_for(void **state)
{
	const char *dir = *state;
	cleanup_free char *a = put(dir, "a.json", "{\"auths\":{\"quay.io\":{\"auth\":\"dTpw\"}}}");
	cleanup_free char *b = put(dir, "b.json", "{\"auths\":{\"https://index.docker.io/v1/\":{}},"
				   "\"credHelpers\":{\"gcr.io\":\"gcloud\"}}");
	cleanup_free char *bad = put(dir, "bad.json", "not json");
	cleanup_free char *none = xasprintf("%s/missing.json", dir);
	const char *files[] = { none, a, b, NULL };
	const char *with_bad[] = { none, bad, a, NULL };
	const char *empty[] = { NULL };

	assert_int_equal(cg_creds_file_for(files, "quay.io"), 1);
	assert_int_equal(cg_creds_file_for(files, "docker.io"), 2);        /* by docker.io's other name */
	assert_int_equal(cg_creds_file_for(files, "gcr.io"), 2);           /* a helper: that file refuses */
	assert_int_equal(cg_creds_file_for(files, "example.com"), -1);
	assert_int_equal(cg_creds_file_for(files, "quay.io:5000"), -1);
	assert_int_equal(cg_creds_file_for(with_bad, "quay.io"), 1);       /* the look-up stops there */
	assert_int_equal(cg_creds_file_for(empty, "quay.io"), -1);
	assert_true(cg_creds_key_matches("http://quay.io", "quay.io"));
	assert_false(cg_creds_key_matches("quay.io/org", "quay.io"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(file_order),
		cmocka_unit_test_setup_teardown(keys_and_formats, setup, teardown),
		cmocka_unit_test_setup_teardown(helpers_and_bad_files, setup, teardown),
		cmocka_unit_test_setup_teardown(store_and_erase, setup, teardown),
		cmocka_unit_test_setup_teardown(store_keeps_everything_else, setup, teardown),
		cmocka_unit_test_setup_teardown(store_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(store_through_symlink, setup, teardown),
		cmocka_unit_test_setup_teardown(from_the_environment, setup, teardown),
		cmocka_unit_test_setup_teardown(file_for, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
