/* psformat.h - `cgrun ps --format`: docker's Go-template subset
 * ("{{.ID}} {{.Names}} {{.Status}}", "table ...", "\t" and "\n"), or
 * "json" (one object a line, as `docker ps --format json`). Pure. */
#ifndef CGRUN_PSFORMAT_H
#define CGRUN_PSFORMAT_H

#include <stdbool.h>
#include <sys/types.h>

#include "state.h"
#include "util.h"

struct cg_ps_row {
	const char *id;        /* 64 hex digits */
	const char *name;      /* NULL: none */
	const char *image;
	const char *command;
	enum cg_state state;
	int exit_code;
	pid_t pid;
	long long created;     /* seconds since the epoch */
};

enum cg_ps_kind { CG_PS_TABLE, CG_PS_JSON, CG_PS_TEMPLATE };

#define CG_PS_MAX_PARTS 32

/* A parsed template: literal text and fields, in order. */
struct cg_ps_format {
	enum cg_ps_kind kind;
	bool header;                   /* "table ...": a header line first */
	char *text;                    /* the literals, NUL-separated */
	struct {
		const char *lit;           /* into text */
		int field;                 /* -1: none after lit */
	} part[CG_PS_MAX_PARTS];
	int nparts;
};

/* Parse --format's value; an unknown field or a malformed action is an
 * error naming the fields there are. NULL or "" is the default table. */
int cg_ps_format_parse(const char *s, struct cg_ps_format *f, cg_err_t *err);
void cg_ps_format_free(struct cg_ps_format *f);
/* The header line (without newline) of a table, or NULL. */
char *cg_ps_format_header(const struct cg_ps_format *f);
/* One row, without the final newline. trunc: 12-digit ids. */
char *cg_ps_format_row(const struct cg_ps_format *f, const struct cg_ps_row *r, bool trunc);
/* The status column: "running", "exited (3)". */
void cg_ps_status(const struct cg_ps_row *r, char *buf, size_t n);

#endif
