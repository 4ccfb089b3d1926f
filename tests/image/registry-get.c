/* registry-get - drive src/image/registry.c from tests/image/registry.bats.
 *
 *   registry-get [--ca FILE] [--user U --pass P] [--tls-verify=false] [--plain-http]
 *                [--accept TYPE]... HOST REPO STEP...
 * Steps run in order on one client (one connection, one token):
 *   manifest REF        prints "content-type: T", "digest: D", then the body
 *   blob DIGEST SIZE    writes the blob to stdout (SIZE -1: unknown); when the
 *                       server makes it start again, stdout (a regular file)
 *                       is truncated and "restart" is said on stderr
 *   sleep SECONDS       waits (lets a token expire mid-pull)
 * Exit 0, 1 on a registry error (one line on stderr), 2 on bad usage. */
#include "config.h"

#include "registry.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>

static int write_all(void *arg, const void *buf, size_t n)
{
	(void)arg;
	return fwrite(buf, 1, n, stdout) == n ? 0 : -EIO;
}

static int restart(void *arg)
{
	struct stat st;

	(void)arg;
	fflush(stdout);
	if (fstat(STDOUT_FILENO, &st) < 0 || !S_ISREG(st.st_mode))
		return -ESPIPE;
	if (ftruncate(STDOUT_FILENO, 0) < 0 || fseek(stdout, 0, SEEK_SET) < 0)
		return -errno;
	fprintf(stderr, "restart\n");
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: registry-get [--ca FILE] [--user U --pass P] [--tls-verify=false] "
			"[--plain-http] [--accept TYPE]... HOST REPO {manifest REF | blob DIGEST SIZE | sleep S}...\n");
	return 2;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "ca", required_argument, NULL, 'c' },
		{ "user", required_argument, NULL, 'u' },
		{ "pass", required_argument, NULL, 'p' },
		{ "tls-verify", required_argument, NULL, 't' },
		{ "plain-http", no_argument, NULL, 'h' },
		{ "accept", required_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	struct cg_registry_opts o = { .tls_verify = true };
	const char *accept[16] = { NULL };
	size_t naccept = 0;
	struct cg_registry *r;
	cg_err_t err = { 0 };
	int c, i, ret = 0;

	while ((c = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': o.ca_file = optarg; break;
		case 'u': o.user = optarg; break;
		case 'p': o.pass = optarg; break;
		case 'h': o.plain_http = true; break;
		case 't':
			if (strcmp(optarg, "false") != 0 && strcmp(optarg, "true") != 0)
				return usage();
			o.tls_verify = strcmp(optarg, "true") == 0;
			break;
		case 'a':
			if (naccept + 1 >= ARRAY_SIZE(accept))
				return usage();
			accept[naccept++] = optarg;
			break;
		default: return usage();
		}
	}
	if (argc - optind < 3)
		return usage();
	r = cg_registry_new(argv[optind], argv[optind + 1], &o, &err);
	if (r == NULL) {
		fprintf(stderr, "registry-get: %s\n", err.msg);
		return 1;
	}
	for (i = optind + 2; i < argc && ret == 0; i++) {
		if (strcmp(argv[i], "manifest") == 0 && i + 1 < argc) {
			cleanup_free char *body = NULL;
			cleanup_free char *type = NULL;
			cleanup_free char *digest = NULL;
			size_t len;

			ret = cg_registry_get_manifest(r, argv[++i], accept, &body, &len, &type, &digest, &err);
			if (ret == 0) {
				printf("content-type: %s\ndigest: %s\n", type, digest);
				fwrite(body, 1, len, stdout);
				printf("\n");
			}
		} else if (strcmp(argv[i], "blob") == 0 && i + 2 < argc) {
			const char *digest = argv[++i];
			char *end;
			int64_t size = strtoll(argv[++i], &end, 10);

			if (*end != '\0') {
				ret = usage();
				break;
			}
			ret = cg_registry_get_blob(r, digest, size, write_all, restart, NULL, &err);
		} else if (strcmp(argv[i], "sleep") == 0 && i + 1 < argc) {
			sleep(atoi(argv[++i]));
		} else {
			cg_registry_free(r);
			return usage();
		}
		fflush(stdout);
	}
	cg_registry_free(r);
	if (ret == 2)
		return 2;
	if (ret < 0) {
		fprintf(stderr, "registry-get: %s\n", err.msg);
		return 1;
	}
	return 0;
}
