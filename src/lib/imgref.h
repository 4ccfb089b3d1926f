/* imgref.h - image references ("ubuntu", "quay.io/x/y:1", "name@sha256:..."),
 * normalised as docker does (distribution/reference's grammar). */
#ifndef CGRUN_IMGREF_H
#define CGRUN_IMGREF_H

#include <stdbool.h>

#include "util.h"

struct cg_imgref {
	char *domain;   /* "docker.io", "localhost:5000", "quay.io" */
	char *api_host; /* "registry-1.docker.io" for docker.io, else domain */
	char *path;     /* "library/ubuntu" */
	char *tag;      /* "latest" if neither tag nor digest given; NULL when only a digest */
	char *digest;   /* "sha256:<64 hex>" or NULL; wins over tag for fetching */
};

/* Docker's rules: the first component is a domain if it contains '.' or
 * ':' or is "localhost", else the domain is docker.io; single-component
 * docker.io names get "library/"; index.docker.io is docker.io. Path
 * components are lower case. Only sha256 digests are accepted. On error r
 * is left zeroed and err holds one line naming the reference. */
int cg_imgref_parse(const char *s, struct cg_imgref *r, cg_err_t *err);
/* "docker.io/library/ubuntu:latest", "quay.io/x/y:1@sha256:..." */
char *cg_imgref_string(const struct cg_imgref *r);
/* What docker shows: "ubuntu:latest", "user/app:1", "quay.io/x/y:1". */
char *cg_imgref_familiar(const struct cg_imgref *r);
void cg_imgref_free(struct cg_imgref *r);

/* Exactly "sha256:" and 64 lower-case hex digits. Check before a digest
 * from a reference or a registry reaches a URL or a path. */
bool cg_digest_valid(const char *d);

#endif
