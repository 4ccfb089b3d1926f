/* platform.h - platforms (os/arch/variant) as containerd names and
 * matches them: aarch64 is arm64, arm64's variant is v8 unless said,
 * arm's v7; a machine runs its own platform first, then compatible ones
 * (arm/v7 runs v6 and v5, arm64 runs arm, amd64 runs 386). */
#ifndef CGRUN_PLATFORM_H
#define CGRUN_PLATFORM_H

#include <stddef.h>

#include "util.h"

/* This machine's platform from uname: linux/amd64, linux/arm64/v8,
 * linux/arm/v7, linux/386, linux/ppc64le, ... (*variant NULL when none). */
void cg_platform_host(char **os, char **arch, char **variant);
/* The same from a uname machine string ("x86_64", "armv7l"). */
void cg_platform_from_machine(const char *machine, char **arch, char **variant);
/* --platform's value "OS/ARCH[/VARIANT]", lower-cased and normalised
 * (variant NULL when none; arm64's is v8, arm's v7 when not given). */
int cg_platform_parse(const char *s, char **os, char **arch, char **variant, cg_err_t *err);
/* "linux/arm64/v8"; variant may be NULL. */
char *cg_platform_string(const char *os, const char *arch, const char *variant);

/* How well an image's platform suits a machine's: 0 is the machine's own,
 * higher is a less preferred compatible one, -1 does not run there. Both
 * are normalised first; NULL variants are the architecture's default. */
int cg_platform_rank(const char *want_os, const char *want_arch, const char *want_variant,
		     const char *os, const char *arch, const char *variant);

#endif
