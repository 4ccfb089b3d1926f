/* image-record.c - image.json of a layered image (image-record.h). */
#include "config.h"

#include "image-record.h"

#include "image.h"

int cg_image_record(const struct cg_ctx *ctx, const struct cg_image_record *r, cg_err_t *err)
{
	const struct cg_image_config *cfg = r->cfg;
	cleanup_free const char **layers = xcalloc(cfg->ndiff_ids + 1, sizeof(char *));
	cleanup_free char *tmp = NULL;

	for (size_t i = 0; i < cfg->ndiff_ids; i++)
		layers[i] = r->chain[i];
	if (cg_image_stage(ctx, r->key, false, &tmp, err) < 0)
		return -1;
	if (cg_image_commit(ctx, r->key, tmp,
			    &(struct cg_image_meta){ .name = r->name, .source = r->source,
						     .cmd = (const char *const *)cfg->cmd,
						     .entrypoint = (const char *const *)cfg->entrypoint,
						     .digest = r->digest, .env = (const char *const *)cfg->env,
						     .workdir = cfg->workdir, .user = cfg->user, .layers = layers,
						     .config_digest = r->config_digest,
						     .image_created = cfg->created,
						     .stop_signal = cfg->stop_signal,
						     .labels = (const char *const *)cfg->labels,
						     .exposed_ports = (const char *const *)cfg->exposed_ports }, err) < 0) {
		rm_rf(tmp, NULL);
		return -1;
	}
	return 0;
}
