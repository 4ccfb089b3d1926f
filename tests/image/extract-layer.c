/* extract-layer.c - for tests only: extract the layer on stdin into ROOTDIR
 * (tests/image/extract.bats).
 *   extract-layer [--flatten] [--no-owner] ROOTDIR < LAYER
 * prints the diff_id and exits 0, or prints one error line and exits 1. */
#include "config.h"

#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "layer-extract.h"
#include "util.h"

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "flatten", no_argument, NULL, 'f' },
		{ "no-owner", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	struct cg_extract_opts o = { .mode = CG_EXTRACT_OVERLAY, .keep_owner = true };
	struct cg_extract_stats st;
	char diff_id[72];
	cg_err_t err = { 0 };
	cleanup_close int root = -1;
	int c;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': o.mode = CG_EXTRACT_FLATTEN; break;
		case 'n': o.keep_owner = false; break;
		default:
			fprintf(stderr, "usage: extract-layer [--flatten] [--no-owner] ROOTDIR < LAYER\n");
			return 1;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "usage: extract-layer [--flatten] [--no-owner] ROOTDIR < LAYER\n");
		return 1;
	}
	root = open(argv[optind], O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0) {
		perror(argv[optind]);
		return 1;
	}
	if (cg_layer_extract_fd(root, STDIN_FILENO, &o, diff_id, &st, &err) < 0) {
		fprintf(stderr, "extract-layer: %s\n", err.msg);
		return 1;
	}
	printf("%s\n", diff_id);
	fprintf(stderr, "entries %u, compressed %llu, tar %llu bytes\n", st.entries,
		(unsigned long long)st.compressed_bytes, (unsigned long long)st.tar_bytes);
	return 0;
}
