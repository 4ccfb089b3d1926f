/* extract-layer.c - for tests only: extract the layer on stdin into ROOTDIR
 * (tests/image/extract.bats).
 *   extract-layer [--flatten] [--no-owner] [--shift=N] ROOTDIR < LAYER
 * (--shift adds N to every owner's uid and gid) prints the diff_id and exits 0, or prints one error line and exits 1. */
#include "config.h"

#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layer-extract.h"
#include "util.h"

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "flatten", no_argument, NULL, 'f' },
		{ "no-owner", no_argument, NULL, 'n' },
		{ "shift", required_argument, NULL, 's' },
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
		case 's': {
			char *end;
			unsigned long n = strtoul(optarg, &end, 10);

			if (*optarg == '\0' || *end != '\0' || n >= UINT32_MAX) {
				fprintf(stderr, "extract-layer: --shift: not a number: %s\n", optarg);
				return 1;
			}
			o.uid_shift = (uid_t)n;
			o.gid_shift = (gid_t)n;
			break;
		}
		default:
			fprintf(stderr, "usage: extract-layer [--flatten] [--no-owner] [--shift=N] ROOTDIR < LAYER\n");
			return 1;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "usage: extract-layer [--flatten] [--no-owner] [--shift=N] ROOTDIR < LAYER\n");
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
