/* fw-apply.h - the firewall hooks (fw-hooks.h) done with libcgfw: what
 * cgrund does in-process and cgrun-fw does for an in-process cgrun. */
#ifndef CGRUN_NET_FW_APPLY_H
#define CGRUN_NET_FW_APPLY_H

#include "fw-hooks.h"
#include "nft.h"

/* The base chains for a->nets, when the stamp does not hold a->nets_key
 * (or always with force), then *warning: NULL or the forward-drop warning
 * (cgnet_fw_forward_check), only when set up now. The stamp is written. */
int cgnet_fwa_setup(struct cgnet_fw *fw, const struct cg_fw_attach *a, bool force, char **warning, cg_err_t *err);
/* setup, then the container's host ports checked and picked
 * (cgnet_hostport_assign, a->ports changed in place) and its DNAT chain
 * added. A picked port that another container publishes is picked again,
 * once; a failed add is tried again after a forced setup (the table may
 * have gone since the stamp was written). */
int cgnet_fwa_attach(struct cgnet_fw *fw, const struct cg_fw_attach *a, char **warning, cg_err_t *err);
/* The container's chain and map elements removed (none: no error). */
int cgnet_fwa_detach(struct cgnet_fw *fw, const struct cg_fw_detach *d, cg_err_t *err);

#endif
