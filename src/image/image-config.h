/* image-config.h - the image config blob (OCI image config, docker's
 * container image JSON): the defaults a container starts with and the
 * layers' diff IDs. */
#ifndef CGRUN_IMAGE_CONFIG_H
#define CGRUN_IMAGE_CONFIG_H

#include <stddef.h>

#include "util.h"

struct cg_image_config {
	char **env;            /* "K=V", NULL-terminated; NULL when absent (so are the others) */
	char **entrypoint;
	char **cmd;
	char *workdir;
	char *user;
	char *stop_signal;
	char **labels;         /* "k=v" */
	char **exposed_ports;  /* "80/tcp" */
	char **diff_ids;       /* one per layer, base first, each valid per cg_digest_valid */
	size_t ndiff_ids;
	char *os, *arch, *variant;
	long long created;     /* unix seconds; 0 when absent */
};

/* rootfs.type must be "layers"; a field of the wrong type is an error. */
int cg_image_config_parse(const char *body, size_t len, struct cg_image_config *c, cg_err_t *err);
void cg_image_config_free(struct cg_image_config *c);

/* The OCI image spec's ChainIDs of the config's layers, as the hex digits
 * the layer store names them by (layers.h): chain[i] for diff_ids[0..i]. */
int cg_chain_ids(const struct cg_image_config *cfg, char (*chain)[65], cg_err_t *err);

/* RFC 3339 ("2024-01-11T04:41:33.123456789Z", "...+02:00") to unix
 * seconds (fractions dropped); years 0001 to 9999. */
int cg_rfc3339_parse(const char *s, long long *out, cg_err_t *err);

#endif
