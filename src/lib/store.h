/* store.h - where images and containers live on disk (below the
 * directories of a struct cg_ctx), and container ids. */
#ifndef CGRUN_STORE_H
#define CGRUN_STORE_H

/* 64 lowercase hex digits from getrandom(2); buf has room for 65. */
int cg_new_id(char buf[65]);
/* Where records and run state live. */
struct cg_ctx;
char *cg_containers_dir(const struct cg_ctx *ctx);
char *cg_names_dir(const struct cg_ctx *ctx);
char *cg_run_containers_dir(const struct cg_ctx *ctx);

#endif
