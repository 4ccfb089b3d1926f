/* image.c - `cgrun image import|ls|rm|prune|inspect` and `cgrun images`;
 * `image load|save` run in cgrun-image (image-tool.c). */
#include "config.h"

#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "cli-util.h"
#include "json-util.h"
#include "record.h"
#include "image.h"

static void image_usage(FILE *f)
{
	fputs("Usage: cgrun image import [--replace] NAME SOURCE\n"
	      "       cgrun image import [--replace] --busybox [--from=PATH] NAME\n"
	      "       cgrun image ls            (or: cgrun images)\n"
	      "       cgrun image rm NAME...\n"
	      "       cgrun image prune\n"
	      "       cgrun image inspect NAME...\n"
	      "       cgrun image load [-q|--quiet] [-i|--input=FILE]\n"
	      "       cgrun image save [-o|--output=FILE] NAME...\n"
	      "\n"
	      "SOURCE is a root filesystem: a directory or a tar archive (.tar, .tar.gz,\n"
	      "       .tar.xz, .tar.zst), such as Ubuntu's ubuntu-base tarball.\n"
	      "--busybox builds a minimal image from the host's static busybox\n"
	      "       (Debian's busybox-static; --from names another binary).\n"
	      "--replace replaces an image of that name in one step (refused while a\n"
	      "       container uses it); without it, an existing name is an error.\n"
	      "ls lists REPOSITORY, TAG, IMAGE ID, CREATED and SIZE.\n"
	      "rm removes the image, then the layers no other image uses.\n"
	      "prune removes the layers and blobs no image uses, and what killed pulls\n"
	      "       and imports left behind.\n"
	      "inspect prints the images' details as a JSON array.\n"
	      "load reads a docker save or OCI layout archive (plain, gzip, zstd or xz)\n"
	      "       from FILE or stdin and stores its images ('cgrun image load --help').\n"
	      "save writes the images as an OCI layout tar (with docker's manifest.json)\n"
	      "       to FILE or a stdout that is no terminal ('cgrun image save --help').\n"
	      "--help shows this help.\n"
	      "\n"
	      "Exit status: 0; 125 on failure.\n", f);
}

static int image_import(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "busybox", no_argument, NULL, 'b' },
		{ "from", required_argument, NULL, 'f' },
		{ "replace", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *from = CGRUN_BUSYBOX;
	bool busybox = false, replace = false;
	cg_err_t err = { 0 };
	int c, r;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+:", opts, NULL)) != -1) {
		switch (c) {
		case 'b': busybox = true; break;
		case 'f': from = optarg; break;
		case 'r': replace = true; break;
		case 'h': image_usage(stdout); return 0;
		default: return usage_error("image import", c, argv[optind - 1]);
		}
	}
	if (argc - optind != (busybox ? 1 : 2)) {
		die_msg(busybox ? "usage: cgrun image import --busybox NAME" :
			"usage: cgrun image import NAME SOURCE (a directory or a rootfs tarball)");
		return EXIT_CGRUN;
	}
	if (busybox)
		r = cg_image_import_busybox(cli_ctx(), argv[optind], from, replace, &err);
	else
		r = cg_image_import(cli_ctx(), argv[optind], argv[optind + 1], replace, &err);
	if (r < 0) {
		die_msg("%s", err.msg);
		return EXIT_CGRUN;
	}
	printf("%s\n", argv[optind]);
	return 0;
}

static void human_size(unsigned long long b, char *buf, size_t n)
{
	static const char *const unit[] = { "B", "kB", "MB", "GB", "TB" };
	double v = (double)b;
	int u = 0;

	while (v >= 1000 && u < 4) {
		v /= 1000;
		u++;
	}
	snprintf(buf, n, u ? "%.1f%s" : "%.0f%s", v, unit[u]);
}

/* "3 minutes ago", as docker says it. */
static void ago(long long t, char *buf, size_t n)
{
	static const struct { long long secs; const char *unit; } u[] = {
		{ 365LL * 86400, "year" }, { 30LL * 86400, "month" }, { 7 * 86400, "week" },
		{ 86400, "day" }, { 3600, "hour" }, { 60, "minute" }, { 1, "second" },
	};
	long long d = (long long)time(NULL) - t;

	if (t <= 0) {
		snprintf(buf, n, "-");
		return;
	}
	if (d < 1) {
		snprintf(buf, n, "Less than a second ago");
		return;
	}
	for (size_t i = 0; i < sizeof(u) / sizeof(u[0]); i++)
		if (d >= u[i].secs) {
			long long k = d / u[i].secs;

			snprintf(buf, n, "%lld %s%s ago", k, u[i].unit, k == 1 ? "" : "s");
			return;
		}
}

/* REPOSITORY and TAG of an image's name: a reference's repository and
 * its tag ("<none>" for a digest), an imported name and "-". */
static void repo_tag(const char *name, char **repo, const char **tag)
{
	const char *at = strchr(name, '@'), *slash = strrchr(name, '/'), *colon;

	if (at) {
		*repo = strndup(name, (size_t)(at - name));
		*tag = "<none>";
		return;
	}
	colon = strrchr(slash ? slash : name, ':');
	if (colon == NULL || strchr(name, '/') == NULL) {
		*repo = strdup(name);
		*tag = "-";
		return;
	}
	*repo = strndup(name, (size_t)(colon - name));
	*tag = colon + 1;
}

static const char *short_id(const struct cg_image *img, char *buf, size_t n)
{
	if (img->config_digest == NULL || strncmp(img->config_digest, "sha256:", 7))
		return "-";
	snprintf(buf, n, "%.12s", img->config_digest + 7);
	return buf;
}

int cmd_images(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cg_image *v;
	size_t n;
	cg_err_t err = { 0 };
	bool quiet = false;
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+:q", opts, NULL)) != -1) {
		switch (c) {
		case 'q': quiet = true; break;
		case 'h':
			fputs("Usage: cgrun images [-q]\n"
			      "\n"
			      "List the images in the store (the same as 'cgrun image ls'): REPOSITORY,\n"
			      "TAG, IMAGE ID (the config's digest, short; '-' for imported images),\n"
			      "CREATED and SIZE (of its layers).\n"
			      "\n"
			      "Options:\n"
			      "  -q, --quiet    print the image IDs only\n"
			      "      --help     show this help\n"
			      "\n"
			      "Exit status: 0; 125 on failure.\n", stdout);
			return 0;
		default: return usage_error("images", c, argv[optind - 1]);
		}
	}
	if (optind < argc) {
		die_msg("'cgrun images' takes no arguments");
		return EXIT_CGRUN;
	}
	if (cg_image_list(cli_ctx(), &v, &n, &err) < 0) {
		die_msg("%s", err.msg);
		return EXIT_CGRUN;
	}
	if (!quiet)
		printf("%-40s %-12s %-12s %-20s %s\n", "REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE");
	for (size_t i = 0; i < n; i++) {
		char when[64], size[32], id[16];
		const char *tag;
		char *repo;

		repo_tag(v[i].name, &repo, &tag);
		if (repo == NULL)
			abort();
		ago(v[i].image_created ? v[i].image_created : v[i].created, when, sizeof(when));
		human_size(v[i].size, size, sizeof(size));
		if (quiet)
			printf("%s\n", short_id(&v[i], id, sizeof(id)));
		else
			printf("%-40s %-12s %-12s %-20s %s\n", repo, tag, short_id(&v[i], id, sizeof(id)), when, size);
		free(repo);
		cg_image_free(&v[i]);
	}
	free(v);
	return 0;
}

static int image_ls(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--help")) {
		image_usage(stdout);
		return 0;
	}
	return cmd_images(argc, argv);
}

static int image_prune(int argc, char **argv)
{
	struct cg_gc_stats st;
	cg_err_t err = { 0 };
	char size[32];

	if (argc == 2 && !strcmp(argv[1], "--help")) {
		image_usage(stdout);
		return 0;
	}
	if (argc > 1) {
		die_msg("'cgrun image prune' takes no arguments");
		return EXIT_CGRUN;
	}
	/* Waits for running pulls: their layers are not recorded yet. */
	if (cg_image_gc(cli_ctx(), true, &st, &err) < 0) {
		die_msg("%s", err.msg);
		return EXIT_CGRUN;
	}
	human_size(st.bytes, size, sizeof(size));
	printf("Deleted %u layer%s (%s), %u blob%s, %u leftover%s\n", st.layers, st.layers == 1 ? "" : "s", size,
	       st.blobs, st.blobs == 1 ? "" : "s", st.leftovers, st.leftovers == 1 ? "" : "s");
	return 0;
}

/* The stored config blob of a pulled image, parsed; NULL if none. */
static json_object *config_blob(const struct cg_image *img, cg_err_t *err)
{
	cleanup_free char *path = NULL, *text = NULL;
	json_object *root;

	if (img->config_digest == NULL)
		return NULL;
	path = cg_blob_path(cli_ctx(), img->config_digest);
	if (read_file(path, &text, 8 << 20, err) < 0)
		return NULL;
	root = json_tokener_parse(text);
	if (root == NULL || !json_object_is_type(root, json_type_object)) {
		json_object_put(root);
		cg_error(err, 0, "image '%s': its config %s is damaged", img->name, path);
		return NULL;
	}
	return root;
}

static json_object *inspect_one(const struct cg_image *img, cg_err_t *err)
{
	static const char *const keys[] = { "Env", "Cmd", "Entrypoint", "WorkingDir", "User", "Labels",
					    "ExposedPorts", "StopSignal" };
	json_object *o = json_object_new_object(), *conf = json_object_new_object(), *cfg = NULL, *v, *c;
	json_object *rootfs = json_object_new_object(), *tags = json_object_new_array();
	json_object *digests = json_object_new_array(), *gd = json_object_new_object(), *data = json_object_new_object();
	size_t len = 0;

	if (img->config_digest && (cfg = config_blob(img, err)) == NULL) {
		json_object_put(o);
		json_object_put(conf);
		json_object_put(rootfs);
		json_object_put(tags);
		json_object_put(digests);
		json_object_put(gd);
		json_object_put(data);
		return NULL;
	}
	json_object_object_add(o, "Id", json_object_new_string(img->config_digest ? img->config_digest : ""));
	json_object_array_add(tags, json_object_new_string(img->name));
	json_object_object_add(o, "RepoTags", tags);
	if (img->digest && strchr(img->name, '/')) {
		char *repo;
		const char *tag;

		repo_tag(img->name, &repo, &tag);
		if (repo == NULL)
			abort();
		json_object_array_add(digests, json_object_new_string_len(repo, (int)strlen(repo)));
		free(repo);
		cleanup_free char *rd = xasprintf("%s@%s", json_object_get_string(json_object_array_get_idx(digests, 0)),
						  img->digest);
		json_object_array_put_idx(digests, 0, json_object_new_string(rd));
	}
	json_object_object_add(o, "RepoDigests", digests);
	json_object_object_add(o, "Created", cg_json_new_rfc3339(img->image_created ? img->image_created : img->created));
	json_object_object_add(o, "Size", json_object_new_int64((int64_t)img->size));
	if (cfg && json_object_object_get_ex(cfg, "config", &c) && json_object_is_type(c, json_type_object)) {
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (json_object_object_get_ex(c, keys[i], &v))
				json_object_object_add(conf, keys[i], json_object_get(v));
	} else if (cfg == NULL) {
		json_object_object_add(conf, "Cmd", cg_json_new_strv((const char *const *)img->cmd));
	}
	json_object_object_add(o, "Config", conf);
	json_object_object_add(rootfs, "Type", json_object_new_string("layers"));
	if (cfg && json_object_object_get_ex(cfg, "rootfs", &c) && json_object_object_get_ex(c, "diff_ids", &v))
		json_object_object_add(rootfs, "Layers", json_object_get(v));
	else
		json_object_object_add(rootfs, "Layers", json_object_new_array());
	json_object_object_add(o, "RootFS", rootfs);
	/* Where the layers are, top first, as the overlay stacks them. */
	for (size_t i = 0; img->lowers && img->lowers[i]; i++)
		len += strlen(img->lowers[i]) + 1;
	cleanup_free char *lower = calloc(1, len + 1);

	if (lower == NULL)
		abort();
	for (size_t i = 0; img->lowers && img->lowers[i]; i++) {
		if (i)
			strcat(lower, ":");
		strcat(lower, img->lowers[i]);
	}
	json_object_object_add(data, "LowerDir", json_object_new_string(lower));
	json_object_object_add(gd, "Name", json_object_new_string("overlay"));
	json_object_object_add(gd, "Data", data);
	json_object_object_add(o, "GraphDriver", gd);
	json_object_put(cfg);
	return o;
}

static int image_inspect(int argc, char **argv)
{
	json_object *arr;
	int ret = 0;

	if (argc == 2 && !strcmp(argv[1], "--help")) {
		image_usage(stdout);
		return 0;
	}
	if (argc < 2) {
		die_msg("usage: cgrun image inspect NAME...");
		return EXIT_CGRUN;
	}
	arr = json_object_new_array();
	for (int i = 1; i < argc; i++) {
		struct cg_image *v = NULL, img;
		size_t n = 0;
		cg_err_t err = { 0 };
		json_object *o;

		if (cg_image_lookup(cli_ctx(), argv[i], &img, &err) < 0) {
			die_msg("%s", err.msg);
			ret = EXIT_CGRUN;
			continue;
		}
		/* The size as ls computes it. */
		if (cg_image_list(cli_ctx(), &v, &n, &err) == 0)
			for (size_t k = 0; k < n; k++) {
				if (!strcmp(v[k].dir, img.dir))
					img.size = v[k].size;
				cg_image_free(&v[k]);
			}
		free(v);
		o = inspect_one(&img, &err);
		cg_image_free(&img);
		if (o == NULL) {
			die_msg("%s", err.msg);
			ret = EXIT_CGRUN;
			continue;
		}
		json_object_array_add(arr, o);
	}
	printf("%s\n", json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(arr);
	return ret;
}

static int image_rm(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--help")) {
		image_usage(stdout);
		return 0;
	}
	if (argc < 2) {
		die_msg("usage: cgrun image rm NAME...");
		return EXIT_CGRUN;
	}
	/* Refused while a container uses it (cli_ctx's image_user). */
	return cli_remove_each(argc - 1, argv + 1, cg_image_remove);
}

int cmd_image(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help")) {
		image_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_CGRUN : 0;
	}
	if (!strcmp(argv[1], "import"))
		return image_import(argc - 1, argv + 1);
	if (!strcmp(argv[1], "ls") || !strcmp(argv[1], "list"))
		return image_ls(argc - 1, argv + 1);
	if (!strcmp(argv[1], "rm"))
		return image_rm(argc - 1, argv + 1);
	if (!strcmp(argv[1], "prune"))
		return image_prune(argc - 1, argv + 1);
	if (!strcmp(argv[1], "inspect"))
		return image_inspect(argc - 1, argv + 1);
	/* Archives need libarchive and libcrypto: cgrun-image reads and writes them. */
	if (!strcmp(argv[1], "load") || !strcmp(argv[1], "save"))
		return exec_image_tool(argv[1], argc - 1, argv + 1);
	die_msg("unknown image command '%s'; use import, load, save, ls, rm, prune or inspect", argv[1]);
	return EXIT_CGRUN;
}
