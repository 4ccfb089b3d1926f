/* store.c - store locations and ids. */
#include "config.h"

#include "store.h"

#include "ctx.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>

#include "util.h"

int cg_new_id(char buf[65])
{
	unsigned char r[32];
	size_t got = 0;

	while (got < sizeof(r)) {
		ssize_t n = getrandom(r + got, sizeof(r) - got, 0);

		if (n < 0)
			return -1;
		got += (size_t)n;
	}
	for (size_t i = 0; i < sizeof(r); i++)
		snprintf(buf + 2 * i, 3, "%02x", r[i]);
	return 0;
}

char *cg_containers_dir(const struct cg_ctx *ctx)
{
	return xasprintf("%s/containers", ctx->store_dir);
}

char *cg_names_dir(const struct cg_ctx *ctx)
{
	return xasprintf("%s/names", ctx->store_dir);
}

char *cg_run_containers_dir(const struct cg_ctx *ctx)
{
	return xasprintf("%s/containers", ctx->run_dir);
}
