/* store.c - store locations and ids. */
#include "config.h"

#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>

#include "util.h"

const char *cg_store_dir(void)
{
	const char *e = getenv("CGRUN_STORE_DIR");

	return e && e[0] == '/' ? e : CGRUN_STORE_DIR;
}

const char *cg_run_dir(void)
{
	const char *e = getenv("CGRUN_RUN_DIR");

	return e && e[0] == '/' ? e : CGRUN_RUN_DIR;
}

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

char *cg_containers_dir(void)
{
	return xasprintf("%s/containers", cg_store_dir());
}

char *cg_names_dir(void)
{
	return xasprintf("%s/names", cg_store_dir());
}

char *cg_run_containers_dir(void)
{
	return xasprintf("%s/containers", cg_run_dir());
}
