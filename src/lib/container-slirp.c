/* container-slirp.c - --network=slirp4netns for a container
 * (container-slirp.h). */
#include "config.h"

#include "container-slirp.h"

#include <dirent.h>
#include <string.h>
#include <syslog.h>

#include "slirp-proc.h"
#include "store.h"

/* c's -p ports published through its slirp4netns, which is up (c->ports
 * on success, host ports chosen); on error slirp4netns is stopped. */
static int publish(struct cg_container *c, cg_err_t *err)
{
	struct cgnet_ports ports = { 0 };

	if (c->spec->ports.n) {
		ports.v = xcalloc(c->spec->ports.n, sizeof(*ports.v));
		memcpy(ports.v, c->spec->ports.v, c->spec->ports.n * sizeof(*ports.v));
		ports.n = c->spec->ports.n;
		if (cg_slirp_publish(c->rundir, ports.v, ports.n, err) < 0) {
			cgnet_ports_free(&ports);
			cg_slirp_stop(c->rundir);
			return -1;
		}
	}
	cgnet_ports_free(&c->ports);
	c->ports = ports;
	return 0;
}

int cg_container_slirp_attach(struct cg_container *c, cg_err_t *err)
{
	if (cg_slirp_start(CGRUN_SLIRP4NETNS, c->rundir, c->spawning.pid, err) < 0)
		return -1;
	return publish(c, err);
}

int cg_container_slirp_launch(struct cg_container *c, struct cg_slirp_proc *p, cg_err_t *err)
{
	return cg_slirp_launch(CGRUN_SLIRP4NETNS, c->rundir, c->spawning.pid, p, err);
}

int cg_container_slirp_ready(struct cg_container *c, struct cg_slirp_proc *p, bool timed_out, cg_err_t *err)
{
	if (cg_slirp_complete(c->rundir, p, timed_out, err) < 0)
		return -1;
	return publish(c, err);
}

void cg_container_slirp_release(struct cg_container *c)
{
	/* Its host ports close with it. */
	if (c->rundir)
		cg_slirp_stop(c->rundir);
	cgnet_ports_free(&c->ports);
}

static bool listed(const char *id, const char *const *live, size_t nlive)
{
	for (size_t i = 0; i < nlive; i++)
		if (!strcmp(live[i], id))
			return true;
	return false;
}

int cg_slirp_reconcile(const struct cg_ctx *ctx, const char *const *live, size_t nlive)
{
	cleanup_free char *rd = cg_run_containers_dir(ctx);
	cleanup_closedir DIR *d = opendir(rd);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || listed(e->d_name, live, nlive))
			continue;
		cleanup_free char *dir = xasprintf("%s/%s", rd, e->d_name);

		if (cg_slirp_stop(dir)) {
			cg_log(ctx, LOG_INFO, "container %.12s: its slirp4netns ended", e->d_name);
			n++;
		}
	}
	return n;
}
