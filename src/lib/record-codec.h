/* record-codec.h - a container's record, <store>/containers/<id>/config.json,
 * as a typed struct and back: the one place that reads or writes its JSON.
 * Pure apart from cg_record_read and cg_record_write. */
#ifndef CGRUN_RECORD_CODEC_H
#define CGRUN_RECORD_CODEC_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "network.h"
#include "spec.h"
#include "state.h"
#include "subid.h"
#include "util.h"

struct json_object;

struct cg_record {
	char id[65];
	char hostname[65];
	struct cg_spec spec;         /* its strings belong to the record */
	char **argv;                 /* the command as run (spec's or the image's) */
	enum cg_state state;
	int exit_code;               /* -1 until known */
	bool oom_killed;
	int restarts;
	int64_t created, started, finished;
	pid_t pid;                   /* its init, 0 when none */
	unsigned long long pid_start;
	bool by_cgrund;              /* owner: cgrund (re-adopted) or a foreground cgrun */
	pid_t owner_pid;
	unsigned long long owner_start;
	const char *cgroup_mode;     /* "hybrid", "unified", ... as the record says */
	const char *cgroup_manager;  /* NULL in records older than the managers */
	const char *scope;           /* the systemd unit, NULL for cgroupfs */
	const char *events;          /* its cgroup.events directory (v2), or NULL */
	const char **cgroups;        /* its cgroup directories, NULL-terminated */
	struct cg_idmap idmap;       /* --userns=auto: its ids outside; count 0: none */
	struct cg_net_attachment net; /* on a bridge network while it runs; addr 0: none */
	struct cgnet_ports ports;     /* published while it runs, host ports chosen */
	struct json_object *json;    /* what the strings above point into */
};

void cg_record_init(struct cg_record *r);
/* Frees what r holds; r may be given to cg_record_from_json again. */
void cg_record_free(struct cg_record *r);
/* The record's JSON; the strings are copied. */
struct json_object *cg_record_to_json(const struct cg_record *r);
/* Published ports as docker's NetworkSettings.Ports shows them:
 * {"80/tcp": [{"HostIp": "0.0.0.0", "HostPort": "8080"}], ...}. */
struct json_object *cg_ports_to_json(const struct cgnet_port *v, size_t n);
/* And back, appended to ports (cgrun port reads inspect's). */
int cg_ports_from_json(struct json_object *o, struct cgnet_ports *ports, cg_err_t *err);
/* From JSON into an initialised r, taking the reference o holds (freed with
 * r even on failure): a damaged record is refused with err, a missing field
 * takes its default. */
int cg_record_from_json(struct json_object *o, struct cg_record *r, cg_err_t *err);
/* Read containers/<id>/config.json in ctx's store. */
struct cg_ctx;
int cg_record_read(const struct cg_ctx *ctx, const char *id, struct cg_record *r, cg_err_t *err);
/* Write <dir>/config.json atomically. */
int cg_record_write(const char *dir, const struct cg_record *r, cg_err_t *err);

#endif
