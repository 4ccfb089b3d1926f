/* nft.c - run nft-script.c's scripts through libnftables.
 *
 * Scripts, not the JSON command API: a script is one transaction already
 * (nft_run_cmd_from_buffer sends the whole buffer as one netlink batch, all
 * or nothing), its text is what an administrator reads in `nft list
 * ruleset` and what the unit tests compare, and nft reports errors against
 * it by line. JSON is used only to read listings (json-c). */
#include "config.h"

#include "nft.h"

#include <errno.h>
#include <nftables/libnftables.h>
#include <string.h>

struct cgnet_fw {
	struct nft_ctx *nft;
};

int cgnet_fw_open(struct cgnet_fw **out, cg_err_t *err)
{
	struct cgnet_fw *fw = xcalloc(1, sizeof(*fw));

	fw->nft = nft_ctx_new(NFT_CTX_DEFAULT);
	if (fw->nft == NULL) {
		free(fw);
		return cg_error(err, ENOMEM, "nft_ctx_new");
	}
	if (nft_ctx_buffer_output(fw->nft) < 0 || nft_ctx_buffer_error(fw->nft) < 0) {
		cgnet_fw_close(fw);
		return cg_error(err, ENOMEM, "libnftables output buffers");
	}
	*out = fw;
	return 0;
}

void cgnet_fw_close(struct cgnet_fw *fw)
{
	if (fw == NULL)
		return;
	nft_ctx_free(fw->nft);
	free(fw);
}

/* nft's error buffer is several lines (message, the script line, carets):
 * the first line is the message. */
static int nft_fail(struct cgnet_fw *fw, const char *what, cg_err_t *err)
{
	const char *e = nft_ctx_get_error_buffer(fw->nft);
	size_t len;

	if (e && strncmp(e, "Error: ", 7) == 0)
		e += 7;
	len = e ? strcspn(e, "\n") : 0;
	return cg_error(err, 0, "nft: %s: %.*s", what, (int)len, len ? e : "failed");
}

/* One nft command or script. The error and output buffers accumulate until
 * read: empty them first so that what is read after is this command's. */
static int nft_cmd(struct cgnet_fw *fw, unsigned flags, const char *cmd)
{
	(void)nft_ctx_get_error_buffer(fw->nft);
	(void)nft_ctx_get_output_buffer(fw->nft);
	nft_ctx_output_set_flags(fw->nft, flags);
	return nft_run_cmd_from_buffer(fw->nft, cmd);
}

static int run(struct cgnet_fw *fw, const char *script, const char *what, cg_err_t *err)
{
	if (script == NULL)
		return -(err->code ? err->code : ENOMEM);
	if (script[0] == '\0')
		return 0;
	if (nft_cmd(fw, 0, script) != 0)
		return nft_fail(fw, what, err);
	return 0;
}

/* Lists cgrun's table as JSON; an absent table is an empty state. */
static int list_state(struct cgnet_fw *fw, struct cgnet_nft_state *st, cg_err_t *err)
{
	if (nft_cmd(fw, NFT_CTX_OUTPUT_JSON, "list table inet " CGNET_NFT_TABLE) != 0) {
		const char *e = nft_ctx_get_error_buffer(fw->nft);

		*st = (struct cgnet_nft_state){ 0 };
		if (e && strstr(e, "No such file or directory"))
			return 0;
		return nft_fail(fw, "listing table inet " CGNET_NFT_TABLE, err);
	}
	return cgnet_nft_parse_state(nft_ctx_get_output_buffer(fw->nft), st, err);
}

int cgnet_fw_exists(struct cgnet_fw *fw, cg_err_t *err)
{
	const char *e;

	if (nft_cmd(fw, 0, "list table inet " CGNET_NFT_TABLE) == 0)
		return 1;
	e = nft_ctx_get_error_buffer(fw->nft);
	if (e && strstr(e, "No such file or directory"))
		return 0;
	return nft_fail(fw, "listing table inet " CGNET_NFT_TABLE, err);
}

int cgnet_fw_setup(struct cgnet_fw *fw, const struct cgnet_fw_net *nets, size_t n, cg_err_t *err)
{
	cleanup_free char *s = cgnet_nft_setup_script(nets, n, err);

	return run(fw, s, "setting up table inet " CGNET_NFT_TABLE, err);
}

/* After a failed add: which published port is someone else's? */
static int explain_conflict(struct cgnet_fw *fw, const struct cgnet_fw_ctr *c, cg_err_t *err)
{
	struct cgnet_nft_state st;
	cg_err_t e2 = { 0 };
	char mine[80];

	snprintf(mine, sizeof(mine), CGNET_NFT_CTR_PREFIX "%s", c->id);
	if (list_state(fw, &st, &e2) < 0)
		return -err->code;
	for (size_t i = 0; i < c->nports; i++)
		for (size_t j = 0; j < st.nelems; j++)
			if (st.elems[j].proto == c->ports[i].proto && st.elems[j].port == c->ports[i].host_port &&
			    strcmp(st.elems[j].target, mine) != 0) {
				cg_error(err, 0, "host port %u/%s is already published by container %s",
					 c->ports[i].host_port, cgnet_proto_name(c->ports[i].proto),
					 st.elems[j].target + strlen(CGNET_NFT_CTR_PREFIX));
				cgnet_nft_state_free(&st);
				return -1;
			}
	cgnet_nft_state_free(&st);
	return -err->code;
}

int cgnet_fw_ctr_add(struct cgnet_fw *fw, const struct cgnet_fw_ctr *c, cg_err_t *err)
{
	cleanup_free char *s = cgnet_nft_ctr_add_script(c, err);
	int r;

	if (s == NULL)
		return -err->code;
	r = run(fw, s, "adding the published ports", err);
	if (r < 0)
		r = explain_conflict(fw, c, err);
	if (r < 0)
		return cg_error_wrap(err, "container %s", c->id);
	return 0;
}

static int del_ids(struct cgnet_fw *fw, const char *const *ids, size_t n, cg_err_t *err)
{
	struct cgnet_nft_state st;
	char *s;
	int r;

	r = list_state(fw, &st, err);
	if (r < 0)
		return r;
	s = cgnet_nft_ctr_del_script(&st, ids, n);
	cgnet_nft_state_free(&st);
	r = run(fw, s, "removing container chains", err);
	free(s);
	return r;
}

int cgnet_fw_ctr_del(struct cgnet_fw *fw, const struct cgnet_fw_ctr *c, cg_err_t *err)
{
	cleanup_free char *s = cgnet_nft_ctr_del_known_script(c, err);

	if (s == NULL)
		return -err->code;
	if (nft_cmd(fw, 0, s) == 0)
		return 0;
	if (del_ids(fw, &c->id, 1, err) < 0)
		return cg_error_wrap(err, "container %s", c->id);
	return 0;
}

int cgnet_fw_reconcile(struct cgnet_fw *fw, const char *const *live, size_t nlive, size_t *removed,
		       cg_err_t *err)
{
	struct cgnet_nft_state st;
	cleanup_free const char **stale = NULL;
	size_t n;
	int r;

	if (removed)
		*removed = 0;
	r = list_state(fw, &st, err);
	if (r < 0)
		return r;
	stale = xcalloc(st.nchains + 1, sizeof(*stale));
	n = cgnet_nft_stale(&st, live, nlive, stale);
	if (n > 0) {
		cleanup_free char *s = cgnet_nft_ctr_del_script(&st, stale, n);

		r = run(fw, s, "removing the chains of containers gone", err);
		if (r == 0 && removed)
			*removed = n;
	}
	cgnet_nft_state_free(&st);
	return r;
}

int cgnet_fw_teardown(struct cgnet_fw *fw, cg_err_t *err)
{
	cleanup_free char *s = cgnet_nft_teardown_script();

	return run(fw, s, "deleting table inet " CGNET_NFT_TABLE, err);
}

int cgnet_fw_forward_check(struct cgnet_fw *fw, const struct cgnet_fw_net *nets, size_t n, char **warning,
			   cg_err_t *err)
{
	*warning = NULL;
	if (nft_cmd(fw, NFT_CTX_OUTPUT_JSON, "list chains") != 0)
		return nft_fail(fw, "listing chains", err);
	*warning = cgnet_nft_forward_warning(nft_ctx_get_output_buffer(fw->nft), nets, n);
	return 0;
}
