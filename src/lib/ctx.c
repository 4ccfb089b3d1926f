/* ctx.c - the context of library calls (see ctx.h). */
#include "config.h"

#include "ctx.h"

#include "cgroup.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void cg_ctx_init(struct cg_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->store_dir = CGRUN_STORE_DIR;
	ctx->run_dir = CGRUN_RUN_DIR;
	ctx->exec_tramp_fd = -1;
	ctx->subuid_file = "/etc/subuid";
	ctx->subgid_file = "/etc/subgid";
	ctx->subid_user = "cgrun";
}

const struct cg_layout *cg_ctx_layout(struct cg_ctx *ctx, cg_err_t *err)
{
	struct cg_layout *l;

	if (ctx->layout)
		return ctx->layout;
	l = xcalloc(1, sizeof(*l));
	if (cg_layout_detect(l, err) < 0) {
		free(l);
		return NULL;
	}
	ctx->layout = ctx->layout_own = l;
	return l;
}

void cg_ctx_free(struct cg_ctx *ctx)
{
	for (size_t i = 0; i < ARRAY_SIZE(ctx->managers); i++)
		if (ctx->managers[i] && cg_manager_bus_if_open(ctx->managers[i]) == NULL) {
			free(ctx->managers[i]);
			ctx->managers[i] = NULL;
		}
	if (ctx->exec_tramp_made && ctx->exec_tramp_fd >= 0)
		close(ctx->exec_tramp_fd);
	ctx->exec_tramp_fd = -1;
	ctx->exec_tramp_made = false;
	free(ctx->layout_own);
	ctx->layout_own = NULL;
	ctx->layout = NULL;
}

void cg_log(const struct cg_ctx *ctx, int level, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (ctx == NULL || ctx->log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ctx->log(ctx->log_data, level, msg);
}
