/* pull.c - an image from a registry into the store.
 *
 * manifest (an index is resolved to the platform's manifest) -> config ->
 * each layer streamed from the socket through its sha256 (the registry
 * client) into a pipe, read by the extractor in a thread of its own
 * (decompression, the diff_id's sha256, the tar reader, the entries made
 * under the layer's own scratch directory, overlay whiteouts and all).
 * Up to PULL_JOBS layers at once, each by a thread with its own registry
 * connection; each layer is kept by chain ID (layers.h), made under its
 * lock and renamed into place after its diff_id matched, so a layer
 * already in the store (another image's, or a concurrent pull's) is not
 * fetched again. The manifest and config go to blobs/; the image record
 * is written last, so the image is complete or absent. */
#include "config.h"

#include "pull.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "ctx.h"
#include "image.h"
#include "layers.h"
#include "sha256.h"
#include "image-config.h"
#include "image-record.h"
#include "imgref.h"
#include "layer-extract.h"
#include "manifest.h"
#include "progress.h"
#include "credentials.h"
#include "registries-conf.h"
#include "registry.h"

#define CONFIG_MAX (8u << 20)   /* an image config larger than this is refused */
#define PULL_JOBS 3             /* layers downloaded at once */

static const char *const accept_types[] = {
	"application/vnd.oci.image.index.v1+json",
	"application/vnd.docker.distribution.manifest.list.v2+json",
	"application/vnd.oci.image.manifest.v1+json",
	"application/vnd.docker.distribution.manifest.v2+json",
	NULL,
};

/* ------------------------------------------------------------------------
 * One layer: the download writes into a pipe, the extractor reads it. */

struct extract_job {
	int rootfd, in_fd;
	char diff_id[72];
	struct cg_extract_stats st;
	cg_err_t err;
	int r;
};

static void *extract_thread(void *arg)
{
	struct extract_job *j = arg;
	struct cg_extract_opts o = { .mode = CG_EXTRACT_OVERLAY, .keep_owner = true };

	j->r = cg_layer_extract_fd(j->rootfd, j->in_fd, &o, j->diff_id, &j->st, &j->err);
	/* Whatever the extractor did not read (it failed, or the tar ended
	 * early): the writer must not block on a full pipe. */
	close(steal_fd(&j->in_fd));
	return NULL;
}

struct sink {
	int fd;
	struct cg_progress *prog;
	int slot;
	bool broken;            /* the extractor went away: stop writing */
	bool reset;             /* the registry restarted the blob */
};

static int sink_write(void *arg, const void *buf, size_t n)
{
	struct sink *s = arg;
	const char *p = buf;

	while (n > 0 && !s->broken) {
		ssize_t w = write(s->fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			s->broken = true;  /* EPIPE: the extractor's error says why */
			return -1;
		}
		p += w;
		n -= (size_t)w;
		cg_progress_add(s->prog, s->slot, w);
	}
	return s->broken ? -1 : 0;
}

/* The registry answered a resumed request with the whole blob: what the
 * extractor made of the first bytes cannot be taken back, so the layer
 * fails (and the pull is tried again whole). */
static int sink_reset(void *arg)
{
	struct sink *s = arg;

	s->reset = true;
	return -ESPIPE;
}

static int pull_layer(struct cg_registry *reg, int rootfd, const struct cg_descriptor *layer, const char *diff_id,
		      struct cg_progress *prog, int slot, uint64_t *size, cg_err_t *err)
{
	struct extract_job job = { .rootfd = rootfd, .in_fd = -1 };
	int pfd[2], r, e;
	pthread_t th;
	struct sink s;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return cg_error(err, errno, "pipe");
	job.in_fd = pfd[0];
	if ((e = pthread_create(&th, NULL, extract_thread, &job)) != 0) {
		close(pfd[0]);
		close(pfd[1]);
		return cg_error(err, e, "starting the layer's extractor");
	}
	s = (struct sink){ .fd = pfd[1], .prog = prog, .slot = slot };
	r = cg_registry_get_blob(reg, layer->digest, layer->size, sink_write, sink_reset, &s, err);
	close(pfd[1]);
	pthread_join(th, NULL);
	if (r < 0 && s.reset)
		return cg_error(err, ESPIPE, "layer %s: the registry sent it again from the start after a resumed request; pull again",
				layer->digest);
	if (r < 0 && !s.broken)
		return cg_error_wrap(err, "layer %s", layer->digest);
	if (job.r < 0) {
		/* The extractor's error is the cause: the download stopped
		 * only because it closed the pipe. */
		*err = job.err;
		return cg_error_wrap(err, "layer %s", layer->digest);
	}
	if (r < 0)
		return cg_error_wrap(err, "layer %s", layer->digest);
	if (strcmp(job.diff_id, diff_id) != 0)
		return cg_error(err, 0, "layer %s: its content is %s, but the image's config says %s", layer->digest,
				job.diff_id, diff_id);
	*size = job.st.tar_bytes;
	return 0;
}

/* ------------------------------------------------------------------------
 * Manifests and the config. */

struct membuf {
	char *data;
	size_t len, max;
};

static int mem_reset(void *arg)
{
	((struct membuf *)arg)->len = 0;
	return 0;
}

static int mem_sink(void *arg, const void *buf, size_t n)
{
	struct membuf *m = arg;

	if (m->len + n > m->max)
		return -1;
	m->data = realloc(m->data, m->len + n + 1);
	if (m->data == NULL)
		abort();
	memcpy(m->data + m->len, buf, n);
	m->len += n;
	m->data[m->len] = '\0';
	return 0;
}

/* The image manifest for the platform: ref's, or the one its index names. */
static int resolve_manifest(struct cg_registry *reg, const struct cg_imgref *ref, const char *platform,
			    struct cg_manifest *m, char **digest, char **body_out, cg_err_t *err)
{
	cleanup_free char *body = NULL, *ctype = NULL, *os = NULL, *arch = NULL, *variant = NULL;
	const struct cg_descriptor *d;
	size_t len;

	if (cg_registry_get_manifest(reg, ref->digest ? ref->digest : ref->tag, accept_types, &body, &len, &ctype,
				     digest, err) < 0)
		return -1;
	if (cg_manifest_parse(body, len, ctype, m, err) < 0)
		return -1;
	if (m->kind == CG_MF_IMAGE) {
		*body_out = steal_pointer(&body);
		return 0;
	}
	if (platform) {
		if (cg_platform_parse(platform, &os, &arch, &variant, err) < 0)
			return -1;
	} else {
		cg_platform_host(&os, &arch, &variant);
	}
	if ((d = cg_index_pick(m, os, arch, variant, err)) == NULL)
		return -1;
	cleanup_free char *pick = xstrdup(d->digest);

	cg_manifest_free(m);
	free(steal_pointer(&body));
	free(steal_pointer(&ctype));
	free(steal_pointer(digest));
	if (cg_registry_get_manifest(reg, pick, accept_types, &body, &len, &ctype, digest, err) < 0)
		return -1;
	if (cg_manifest_parse(body, len, ctype, m, err) < 0)
		return -1;
	if (m->kind != CG_MF_IMAGE)
		return cg_error(err, 0, "%s: the index's entry for %s/%s is itself an index", pick, os, arch);
	*body_out = steal_pointer(&body);
	return 0;
}

static struct cg_registry *open_registry(const struct cg_imgref *ref, const struct cg_pull_opts *o,
					 cg_err_t *err)
{
	cleanup_free char *user = NULL, *pass = NULL;
	struct cg_registry_opts ro = { .tls_verify = o->tls_verify, .ca_file = o->ca_file };
	enum cg_reg_security sec = CG_REG_SECURE;

	if (o->registries_conf && cg_registries_conf_lookup(o->registries_conf, ref->domain, &sec, err) < 0)
		return NULL;
	if (sec == CG_REG_INSECURE_TLS)
		ro.tls_verify = false;
	ro.plain_http = sec == CG_REG_PLAIN_HTTP;
	if ((o->creds_files ? cg_creds_lookup_in(o->creds_files, ref->domain, &user, &pass, err)
			    : cg_creds_lookup(ref->domain, &user, &pass, err)) < 0)
		return NULL;
	ro.user = user;
	ro.pass = pass;
	return cg_registry_new(ref->api_host, ref->path, &ro, err);
}

/* ------------------------------------------------------------------------
 * The layers, PULL_JOBS at a time. */

struct pull_state {
	const struct cg_ctx *ctx;
	const struct cg_imgref *ref;
	const struct cg_pull_opts *o;
	const struct cg_manifest *m;
	const struct cg_image_config *cfg;
	struct cg_progress *prog;
	char (*chain)[65];          /* each layer's chain ID's hex */
	pthread_mutex_t mu;
	size_t next;
	bool failed;
	cg_err_t err;
};

/* Layer i into layers/<chain>, unless it is there already. */
static int fetch_layer(struct pull_state *ps, struct cg_registry **reg, size_t i, cg_err_t *err)
{
	const struct cg_descriptor *layer = &ps->m->layers[i];
	const char *hex = ps->chain[i];
	cleanup_close int lock = -1, rootfd = -1;
	cleanup_free char *tmp = NULL, *diff = NULL;
	char id[24];
	uint64_t size = 0;
	int r, slot;

	snprintf(id, sizeof(id), "%.12s", layer->digest + strlen("sha256:"));
	/* A concurrent pull of a layer waits here, then finds it made. */
	if ((lock = cg_layer_lock(ps->ctx, hex, err)) < 0)
		return -1;
	if (cg_layer_present(ps->ctx, hex)) {
		cg_progress_exists(ps->prog, id);
		cg_layer_unlock(ps->ctx, hex, steal_fd(&lock));
		return 0;
	}
	if (*reg == NULL && (*reg = open_registry(ps->ref, ps->o, err)) == NULL)
		return -1;
	if (cg_layer_begin(ps->ctx, hex, &tmp, err) < 0)
		return -1;
	diff = xasprintf("%s/diff", tmp);
	rootfd = open(diff, O_PATH | O_DIRECTORY | O_CLOEXEC);
	slot = cg_progress_start(ps->prog, id, (int64_t)layer->size);
	if (rootfd < 0)
		r = cg_error(err, errno, "open %s", diff);
	else
		r = pull_layer(*reg, rootfd, layer, ps->cfg->diff_ids[i], ps->prog, slot, &size, err);
	if (r == 0)
		r = cg_layer_commit(ps->ctx, hex, tmp, size, err);
	cg_progress_done(ps->prog, slot, r == 0);
	if (r < 0) {
		rm_rf(tmp, NULL);
		if (err->code == ENOSPC) {
			cg_error(err, 0, "no space left on device in %s while extracting layer %s; free space or run 'cgrun image prune'",
				 ps->ctx->store_dir, layer->digest);
			err->code = ENOSPC;
		}
		return -1;
	}
	cg_layer_unlock(ps->ctx, hex, steal_fd(&lock));
	return 0;
}

static void *layer_worker(void *arg)
{
	struct pull_state *ps = arg;
	struct cg_registry *reg = NULL;

	for (;;) {
		cg_err_t e = { 0 };
		size_t i;

		pthread_mutex_lock(&ps->mu);
		i = ps->next++;
		if (ps->failed || i >= ps->m->nlayers) {
			pthread_mutex_unlock(&ps->mu);
			break;
		}
		pthread_mutex_unlock(&ps->mu);
		if (fetch_layer(ps, &reg, i, &e) < 0) {
			pthread_mutex_lock(&ps->mu);
			if (!ps->failed) {
				ps->failed = true;
				ps->err = e;
			}
			pthread_mutex_unlock(&ps->mu);
			break;
		}
	}
	if (reg)
		cg_registry_free(reg);
	return NULL;
}

static int fetch_layers(struct pull_state *ps, cg_err_t *err)
{
	pthread_t th[PULL_JOBS];
	size_t n = ps->m->nlayers < PULL_JOBS ? ps->m->nlayers : PULL_JOBS, started = 0;
	int e = 0;

	pthread_mutex_init(&ps->mu, NULL);
	for (; started < n; started++)
		if ((e = pthread_create(&th[started], NULL, layer_worker, ps)) != 0)
			break;
	if (started == 0) {
		pthread_mutex_destroy(&ps->mu);
		return cg_error(err, e, "starting the layers' downloads");
	}
	for (size_t i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	pthread_mutex_destroy(&ps->mu);
	if (ps->failed) {
		*err = ps->err;
		return -1;
	}
	return 0;
}

int cg_pull(const struct cg_ctx *ctx, const char *ref_s, const struct cg_pull_opts *o, char **name, cg_err_t *err)
{
	struct cg_imgref ref;
	struct cg_registry *reg = NULL;
	struct cg_manifest m = { 0 };
	struct cg_image_config cfg = { 0 };
	struct membuf conf = { .max = CONFIG_MAX };
	cleanup_free char *canon = NULL, *key = NULL, *digest = NULL, *source = NULL, *body = NULL;
	cleanup_free char (*chain)[65] = NULL;
	cleanup_close int store_lock = -1;
	struct cg_image have = { 0 };
	cg_err_t ignore = { 0 };
	int r = -1;

	if (cg_imgref_parse(ref_s, &ref, err) < 0)
		return -1;
	canon = cg_imgref_string(&ref);
	key = cg_image_dirname(canon);
	cg_image_stage_clean(ctx);
	if ((reg = open_registry(&ref, o, err)) == NULL)
		goto out;
	if (resolve_manifest(reg, &ref, o->platform, &m, &digest, &body, err) < 0)
		goto out;
	/* Present with this very manifest: nothing to fetch. */
	if (cg_image_lookup(ctx, canon, &have, &ignore) == 0 && have.digest && !strcmp(have.digest, digest)) {
		if (!o->quiet)
			fprintf(o->out, "Image is up to date for %s\n", canon);
		r = 0;
		goto done;
	}
	if (cg_registry_get_blob(reg, m.config.digest, m.config.size, mem_sink, mem_reset, &conf, err) < 0 ||
	    cg_image_config_parse(conf.data, conf.len, &cfg, err) < 0) {
		cg_error_wrap(err, "image config %s", m.config.digest);
		goto out;
	}
	if (cfg.ndiff_ids != m.nlayers) {
		cg_error(err, 0, "%s: the manifest has %zu layers but its config %zu", canon, m.nlayers, cfg.ndiff_ids);
		goto out;
	}
	if (m.nlayers == 0 || m.nlayers > CG_MAX_LAYERS) {
		cg_error(err, 0, "%s: %zu layers (an image has 1 to %d)", canon, m.nlayers, CG_MAX_LAYERS);
		goto out;
	}
	chain = xcalloc(m.nlayers, sizeof(*chain));
	if (cg_chain_ids(&cfg, chain, err) < 0)
		goto out;
	if (!o->quiet)
		fprintf(o->out, "Pulling %s (%zu layer%s)\n", canon, m.nlayers, m.nlayers == 1 ? "" : "s");
	/* Held until the image is recorded: no collector takes the layers
	 * placed meanwhile, which no image names yet. */
	if ((store_lock = cg_layers_lock(ctx, LOCK_SH, false, err)) < 0)
		goto out;
	{
		struct pull_state ps = { .ctx = ctx, .ref = &ref, .o = o, .m = &m, .cfg = &cfg, .chain = chain };

		if ((ps.prog = cg_progress_new(o->out, o->quiet, m.nlayers, err)) == NULL)
			goto out;
		r = fetch_layers(&ps, err);
		/* Its last drawing before any other line. */
		cg_progress_free(ps.prog);
		if (r < 0)
			goto out;
		r = -1;
	}
	if (cg_blob_put(ctx, digest, body, strlen(body), err) < 0 ||
	    cg_blob_put(ctx, m.config.digest, conf.data, conf.len, err) < 0)
		goto out;
	source = xasprintf("%s@%s", canon, digest);
	if (cg_image_record(ctx, &(struct cg_image_record){ .key = key, .name = canon, .source = source, .digest = digest,
							 .config_digest = m.config.digest, .cfg = &cfg, .chain = chain },
			    err) < 0)
		goto out;
	if (!o->quiet)
		fprintf(o->out, "Digest: %s\nDownloaded newer image for %s\n", digest, canon);
	r = 0;
done:
	if (name)
		*name = xstrdup(canon);
out:
	if (r < 0 && err->code == ENOSPC && strncmp(err->msg, "no space left", 13) != 0) {
		cg_error(err, 0, "no space left on device in %s while pulling %s; free space or run 'cgrun image prune'",
			 ctx->store_dir, canon);
		err->code = ENOSPC;
	}
	cg_image_free(&have);
	cg_image_config_free(&cfg);
	cg_manifest_free(&m);
	free(conf.data);
	if (reg)
		cg_registry_free(reg);
	cg_imgref_free(&ref);
	return r;
}
