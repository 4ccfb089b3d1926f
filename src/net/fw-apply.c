/* fw-apply.c - the firewall hooks with libcgfw (fw-apply.h). */
#include "config.h"

#include "fw-apply.h"

#include <arpa/inet.h>
#include <string.h>

#include "hostport.h"

int cgnet_fwa_setup(struct cgnet_fw *fw, const struct cg_fw_attach *a, bool force, char **warning, cg_err_t *err)
{
	cleanup_free struct cgnet_fw_net *nets = NULL;

	*warning = NULL;
	if (!force && cg_fw_stamp_is(a->stamp, a->nets_key))
		return 0;
	nets = xcalloc(a->nnets, sizeof(*nets));
	for (size_t i = 0; i < a->nnets; i++) {
		nets[i].bridge = a->nets[i].bridge;
		nets[i].subnet.s_addr = htonl(a->nets[i].subnet.net);
		nets[i].prefix = a->nets[i].subnet.prefix;
	}
	if (cgnet_fw_setup(fw, nets, a->nnets, err) < 0 || cgnet_fw_forward_check(fw, nets, a->nnets, warning, err) < 0)
		return -1;
	return write_file_atomic(a->stamp, a->nets_key, 0644, err);
}

int cgnet_fwa_attach(struct cgnet_fw *fw, const struct cg_fw_attach *a, char **warning, cg_err_t *err)
{
	struct cgnet_fw_ctr c = { .id = a->id, .ip.s_addr = htonl(a->addr), .ports = a->ports, .nports = a->nports };
	cleanup_free bool *picked = xcalloc(a->nports + 1, sizeof(bool));
	bool forced = false, repicked = false;

	if (cgnet_fwa_setup(fw, a, false, warning, err) < 0)
		return -1;
	for (size_t i = 0; i < a->nports; i++)
		picked[i] = a->ports[i].host_port == 0;
	if (cgnet_hostport_assign(a->ports, a->nports, err) < 0)
		return -1;
	while (a->nports && cgnet_fw_ctr_add(fw, &c, err) < 0) {
		bool any_picked = false;

		for (size_t i = 0; i < a->nports; i++)
			any_picked |= picked[i];
		if (strstr(err->msg, "is already published by container") && any_picked && !repicked) {
			/* Another start picked the same port at the same time. */
			for (size_t i = 0; i < a->nports; i++)
				if (picked[i])
					a->ports[i].host_port = 0;
			if (cgnet_hostport_assign(a->ports, a->nports, err) < 0)
				return -1;
			repicked = true;
		} else if (!forced && !strstr(err->msg, "is already published by container")) {
			char *w = NULL;

			memset(err, 0, sizeof(*err));
			if (cgnet_fwa_setup(fw, a, true, &w, err) < 0) {
				free(w);
				return -1;
			}
			free(*warning);
			*warning = w;
			forced = true;
		} else {
			return -1;
		}
		memset(err, 0, sizeof(*err));
	}
	return 0;
}

int cgnet_fwa_detach(struct cgnet_fw *fw, const struct cg_fw_detach *d, cg_err_t *err)
{
	struct cgnet_fw_ctr c = { .id = d->id, .ip.s_addr = htonl(d->addr), .ports = d->ports, .nports = d->nports };

	return cgnet_fw_ctr_del(fw, &c, err);
}
