/* parse.h - pure parsers for command-line values (no syscalls). */
#ifndef CGRUN_PARSE_H
#define CGRUN_PARSE_H

#include <stdbool.h>
#include <stdint.h>

#include "util.h"

/* "512", "64k", "100m", "2g" (also "kb", "mb", "gb", upper case, "b").
 * Sizes are powers of 1024 as docker's are. Rejects negatives and overflow. */
int parse_size(const char *s, int64_t *out, cg_err_t *err);
/* A non-negative decimal integer within [min, max]. */
int parse_int_range(const char *what, const char *s, int64_t min, int64_t max,
		    int64_t *out, cg_err_t *err);
/* "1.5" CPUs -> quota in µs for the given period, exactly, no floating point. */
int parse_cpus(const char *s, int64_t period, int64_t *quota, cg_err_t *err);
/* "0-2,4" as cpuset.cpus takes it; ranges ascending, numbers < 4096. */
int parse_cpu_list(const char *s, cg_err_t *err);
/* Every CPU of `want` is in `have` (both CPU lists, as in cpuset.cpus). */
bool cpu_list_subset(const char *want, const char *have);
/* SRC:DST[:ro|rw], both absolute. Pointers are into a copy owned by *buf. */
struct volume_spec {
	char *src;
	char *dst;
	bool readonly;
	bool idmap;       /* with --userns=auto: shown with the container's ids */
};
/* "SRC:DST[:OPTS]", OPTS a comma list of ro, rw, idmap. */
int parse_volume(const char *s, struct volume_spec *out, char **buf, cg_err_t *err);
/* Image names: [a-z0-9][a-z0-9_.-]{0,127}, no "..". Container names, as
 * docker's: [a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}. Neither can hold '/'. */
bool valid_image_name(const char *s);
bool valid_container_name(const char *s);
/* Split "USER[:GROUP]"; each part is a number or a name that is looked up
 * later in the image's /etc/passwd and /etc/group. */
struct user_spec {
	char *user;   /* name or number as given */
	char *group;  /* NULL when not given */
};
int parse_user(const char *s, struct user_spec *out, char **buf, cg_err_t *err);
/* "TERM", "SIGTERM", "term" or "15" -> 15; -1 if unknown. */
int cg_signal_parse(const char *s);
/* Strictly parse a decimal id (uid/gid), 0..2^32-2. */
bool parse_id(const char *s, uint32_t *out);
/* The SigIgn mask of a /proc/PID/status text (bit n-1: signal n is
 * ignored); false if it has none. */
bool parse_sigign(const char *status, uint64_t *mask);

#endif
