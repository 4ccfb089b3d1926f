/* fw.c - cgrund's firewall hooks (fw-hooks.h) with libcgfw: one table
 * handle for the daemon's life, the base chains set up at start. */
#include "config.h"

#include "cgrund.h"
#include "log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "container-net.h"
#include "fw-apply.h"

static void warn(char *warning)
{
	if (warning)
		log_msg(4, "%s", warning);
	free(warning);
}

static int attach(void *data, const struct cg_fw_attach *a, cg_err_t *err)
{
	char *warning = NULL;
	int r = cgnet_fwa_attach(data, a, &warning, err);

	warn(warning);
	return r;
}

static int detach(void *data, const struct cg_fw_detach *dt, cg_err_t *err)
{
	return cgnet_fwa_detach(data, dt, err);
}

static int reconcile(void *data, const char *const *live, size_t nlive, cg_err_t *err)
{
	size_t removed = 0;

	if (cgnet_fw_reconcile(data, live, nlive, &removed, err) < 0)
		return -1;
	if (removed)
		log_msg(6, "removed the published ports of %zu container%s that are gone", removed,
			removed == 1 ? "" : "s");
	return 0;
}

static const struct cg_fw_hooks hooks = { attach, detach, reconcile };

void fw_init(struct daemon *d)
{
	struct cgnet_fw *fw = NULL;
	struct cg_fw_netlist l;
	cg_err_t err = { 0 };
	char *warning = NULL;

	if (cg_fw_netlist_get(&d->ctx, &l, &err) < 0 || cgnet_fw_open(&fw, &err) < 0) {
		log_msg(4, "no NAT or published ports for bridge networks: %s", err.msg);
		cg_fw_netlist_free(&l);
		return;
	}
	struct cg_fw_attach a = { .nets = l.nets, .nnets = l.n, .nets_key = l.key, .stamp = l.stamp };
	int exists = cgnet_fw_exists(fw, &err);

	/* The table is made by the first start on a bridge (fw-apply.h):
	 * a host whose containers never leave --network=none|host keeps its
	 * ruleset as it was. One a cgrund before made is brought up to
	 * date now, for networks added or removed while none ran. */
	if (exists == 0) {
		if (unlink(l.stamp) < 0 && errno != ENOENT)
			log_msg(4, "%s: %s", l.stamp, strerror(errno));
		d->ctx.fw = &hooks;
		d->ctx.fw_data = fw;
	} else if (exists < 0 || cgnet_fwa_setup(fw, &a, true, &warning, &err) < 0) {
		log_msg(4, "no NAT or published ports for bridge networks: %s", err.msg);
		cgnet_fw_close(fw);
	} else {
		d->ctx.fw = &hooks;
		d->ctx.fw_data = fw;
	}
	warn(warning);
	cg_fw_netlist_free(&l);
}

void fw_close(struct daemon *d)
{
	if (d->ctx.fw_data)
		cgnet_fw_close(d->ctx.fw_data);
	d->ctx.fw = NULL;
	d->ctx.fw_data = NULL;
}

int fw_reconcile_all(struct daemon *d, cg_err_t *err)
{
	size_t n = 0, i = 0;
	int r;

	for (struct ctr *t = d->ctrs; t; t = t->next)
		n++;
	const char **live = xcalloc(n + 1, sizeof(*live));

	for (struct ctr *t = d->ctrs; t; t = t->next)
		if (t->c.state == CG_STATE_RUNNING || t->c.state == CG_STATE_PAUSED)
			live[i++] = t->c.id;
	r = cg_net_reconcile_all(&d->ctx, live, i, err);
	free(live);
	return r;
}
