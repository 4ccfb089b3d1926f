/* spec.h - what a container is asked to be: the parsed `cgrun run` options. */
#ifndef CGRUN_SPEC_H
#define CGRUN_SPEC_H

#include <stdbool.h>
#include <stdint.h>

#include "caps.h"
#include "cgroup-limits.h"
#include "parse.h"
#include "port-spec.h"

struct cg_spec {
	char *image;
	char **argv;            /* NULL-terminated; NULL: the image's default */
	char *name;             /* NULL: none */
	char *hostname;         /* NULL: the first 12 hex digits of the id */
	char **env;             /* "KEY=VALUE", NULL-terminated */
	size_t nenv;
	char *workdir;          /* NULL: the user's home or / */
	char *user;             /* USER[:GROUP], NULL: root */
	char *entrypoint;       /* --entrypoint: NULL: the image's; "": none;
				 * else replaces the image's Entrypoint */
	struct volume_spec *volumes;
	size_t nvolumes;
	char **volume_bufs;
	struct cg_limits limits;
	struct cg_caps caps;
	bool privileged;
	/* --security-opt (secopt.h). No profile: the default filter, none if
	 * unconfined or privileged. The profile is its text, read once. */
	bool seccomp_unconfined;
	const char *seccomp_path;     /* the profile's file, for inspect */
	const char *seccomp_profile;  /* its JSON text; NULL: none */
	bool no_new_privs;
	bool remove;            /* --rm */
	bool interactive;       /* -i: keep stdin attached */
	bool tty;               /* -t: a pty */
	char *cgroup_parent;    /* cgroupfs: below our own cgroup (default "cgrun");
				 * systemd: a slice (default machine.slice) */
	char *cgroup_manager;   /* "systemd" or "cgroupfs" as asked for; NULL: auto */
	char *restart;          /* no | on-failure[:N] | always (cgrund) */
	char *userns;           /* "auto" or "host"; NULL: host (cgrund: its userns setting) */
	char *network;          /* --network (netmode.h); NULL: ctx's default at create (cg_ctx_default_network), CG_NETWORK_UNRECORDED in an old record */
	/* Name resolution (src/net/etc-files.h): --dns, --dns-search,
	 * --dns-option, --add-host; NULL-terminated, NULL: none; owned. */
	char **dns, **dns_search, **dns_options, **add_hosts;
	struct cgnet_ports ports; /* -p/--publish; a host port 0 is picked at start */
	char **argv_owned;      /* argv's array when decoded from JSON */
	char *seccomp_path_owned, *seccomp_profile_owned;  /* when read by cgrun */
};

void cg_spec_init(struct cg_spec *s);
void cg_spec_free(struct cg_spec *s);
/* Add "KEY=VALUE" (the CLI turns -e KEY into KEY=VALUE from its own
 * environment first). */
int cg_spec_add_env(struct cg_spec *s, const char *kv, cg_err_t *err);
/* An image's environment (base) under the run's (over), as docker merges
 * them: base's entries whose key over sets go. A new NULL-terminated
 * array of the strings of both (free the array only). */
char **cg_env_merge(char *const *base, char *const *over);
int cg_spec_add_volume(struct cg_spec *s, const char *v, cg_err_t *err);
/* Check and add one --dns, --dns-search, --dns-option or --add-host. */
enum cg_dns_opt { CG_DNS_SERVER, CG_DNS_SEARCH, CG_DNS_OPTION, CG_ADD_HOST };
int cg_spec_add_dns(struct cg_spec *s, enum cg_dns_opt which, const char *v, cg_err_t *err);

enum cg_restart { CG_RESTART_NO = 0, CG_RESTART_ON_FAILURE, CG_RESTART_ALWAYS };
/* Pure: "no", "on-failure", "on-failure:N", "always". mode/max may be NULL. */
int cg_restart_parse(const char *s, enum cg_restart *mode, int *max, cg_err_t *err);

#endif
