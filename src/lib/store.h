/* store.h - where images and containers live on disk. */
#ifndef CGRUN_STORE_H
#define CGRUN_STORE_H

/* CGRUN_STORE_DIR from the environment, else the configured default
 * (/var/lib/cgrun). */
const char *cg_store_dir(void);
/* CGRUN_RUN_DIR from the environment, else the configured default
 * (/run/cgrun): the socket, runtime state, stats. */
const char *cg_run_dir(void);
/* 64 lowercase hex digits from getrandom(2); buf has room for 65. */
int cg_new_id(char buf[65]);
/* Where records and run state live. */
char *cg_containers_dir(void);
char *cg_names_dir(void);
char *cg_run_containers_dir(void);

#endif
