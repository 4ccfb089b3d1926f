/* psformat.c - `cgrun ps --format` (psformat.h). */
#include "config.h"

#include "psformat.h"

#include <json-c/json.h>
#include <string.h>
#include <time.h>

enum { F_ID, F_NAMES, F_IMAGE, F_COMMAND, F_STATE, F_STATUS, F_CREATED, F_EXIT, F_PID, F_N };

static const char *const field_names[F_N] = {
	[F_ID] = "ID", [F_NAMES] = "Names", [F_IMAGE] = "Image", [F_COMMAND] = "Command",
	[F_STATE] = "State", [F_STATUS] = "Status", [F_CREATED] = "CreatedAt",
	[F_EXIT] = "ExitCode", [F_PID] = "Pid",
};

/* The default table's header titles, as `cgrun ps` has always printed. */
static const char *const titles[F_N] = {
	[F_ID] = "CONTAINER ID", [F_NAMES] = "NAMES", [F_IMAGE] = "IMAGE", [F_COMMAND] = "COMMAND",
	[F_STATE] = "STATE", [F_STATUS] = "STATUS", [F_CREATED] = "CREATED AT",
	[F_EXIT] = "EXIT CODE", [F_PID] = "PID",
};

void cg_ps_status(const struct cg_ps_row *r, char *buf, size_t n)
{
	if (cg_state_ended(r->state))
		snprintf(buf, n, "%s (%d)", cg_state_name(r->state), r->exit_code);
	else
		snprintf(buf, n, "%s", cg_state_name(r->state));
}

void cg_ps_format_free(struct cg_ps_format *f)
{
	free(f->text);
	memset(f, 0, sizeof(*f));
}

static int bad(cg_err_t *err, const char *s, const char *why)
{
	char names[160] = "";

	for (int i = 0; i < F_N; i++) {
		strcat(names, i ? " ." : ".");
		strcat(names, field_names[i]);
	}
	return cg_error(err, 0, "invalid --format '%s': %s; use 'json', or a template of {{.FIELD}} with FIELD one of %s",
			s, why, names);
}

int cg_ps_format_parse(const char *s, struct cg_ps_format *f, cg_err_t *err)
{
	const char *p;
	char *out;

	memset(f, 0, sizeof(*f));
	if (s == NULL || s[0] == '\0' || !strcmp(s, "table")) {
		f->kind = CG_PS_TABLE;
		return 0;
	}
	if (!strcmp(s, "json") || !strcmp(s, "{{json .}}")) {
		f->kind = CG_PS_JSON;
		return 0;
	}
	f->kind = CG_PS_TEMPLATE;
	p = s;
	if (!strncmp(p, "table ", 6)) {
		f->header = true;
		p += 6;
	}
	/* Literals are copied with docker's \t and \n turned into the real
	 * characters; each ends with a NUL where a field follows. */
	f->text = out = xcalloc(1, strlen(p) + CG_PS_MAX_PARTS + 1);
	f->part[0].lit = out;
	f->part[0].field = -1;
	while (*p) {
		if (p[0] == '\\' && (p[1] == 't' || p[1] == 'n')) {
			*out++ = p[1] == 't' ? '\t' : '\n';
			p += 2;
			continue;
		}
		if (p[0] != '{' || p[1] != '{') {
			*out++ = *p++;
			continue;
		}
		const char *end = strstr(p, "}}");
		const char *a = p + 2, *b;
		int fi = -1;

		if (end == NULL) {
			cg_ps_format_free(f);
			return bad(err, s, "'{{' without '}}'");
		}
		while (*a == ' ')
			a++;
		for (b = end; b > a && b[-1] == ' '; b--)
			;
		if (*a == '.')
			for (int i = 0; i < F_N; i++)
				if ((size_t)(b - a - 1) == strlen(field_names[i]) &&
				    !strncmp(a + 1, field_names[i], (size_t)(b - a - 1)))
					fi = i;
		if (fi < 0) {
			char why[96];

			snprintf(why, sizeof(why), "unknown field '%.*s'", (int)(b - a > 40 ? 40 : b - a), a);
			cg_ps_format_free(f);
			return bad(err, s, why);
		}
		if (f->nparts + 1 >= CG_PS_MAX_PARTS) {
			cg_ps_format_free(f);
			return bad(err, s, "too many fields");
		}
		*out++ = '\0';
		f->part[f->nparts].field = fi;
		f->nparts++;
		f->part[f->nparts].lit = out;
		f->part[f->nparts].field = -1;
		p = end + 2;
	}
	*out = '\0';
	f->nparts++;
	return 0;
}

static void field_text(int fi, const struct cg_ps_row *r, bool trunc, char *buf, size_t n)
{
	switch (fi) {
	case F_ID: snprintf(buf, n, "%.*s", trunc ? 12 : 64, r->id); break;
	case F_NAMES: snprintf(buf, n, "%s", r->name ? r->name : ""); break;
	case F_IMAGE: snprintf(buf, n, "%s", r->image ? r->image : ""); break;
	case F_COMMAND: snprintf(buf, n, "%s", r->command ? r->command : ""); break;
	case F_STATE: snprintf(buf, n, "%s", cg_state_name(r->state)); break;
	case F_STATUS: cg_ps_status(r, buf, n); break;
	case F_CREATED: {
		time_t t = (time_t)r->created;
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(buf, n, "%Y-%m-%d %H:%M:%S +0000 UTC", &tm);
		break;
	}
	case F_EXIT: snprintf(buf, n, "%d", r->exit_code); break;
	case F_PID: snprintf(buf, n, "%d", r->pid > 0 ? (int)r->pid : 0); break;
	default: buf[0] = '\0';
	}
}

static char *append(char *acc, const char *s)
{
	char *n = xasprintf("%s%s", acc, s);

	free(acc);
	return n;
}

char *cg_ps_format_header(const struct cg_ps_format *f)
{
	char *line;

	if (f->kind == CG_PS_TABLE)
		return xasprintf("%-12s  %-16s  %-24s  %-16s  %s", "CONTAINER ID", "IMAGE", "COMMAND", "STATUS", "NAME");
	if (f->kind != CG_PS_TEMPLATE || !f->header)
		return NULL;
	line = xstrdup("");
	for (int i = 0; i < f->nparts; i++) {
		line = append(line, f->part[i].lit);
		if (f->part[i].field >= 0)
			line = append(line, titles[f->part[i].field]);
	}
	return line;
}

char *cg_ps_format_row(const struct cg_ps_format *f, const struct cg_ps_row *r, bool trunc)
{
	char buf[4096], status[48];

	if (f->kind == CG_PS_TABLE) {
		cg_ps_status(r, status, sizeof(status));
		return xasprintf("%-12.*s  %-16s  %-24.24s  %-16s  %s", trunc ? 12 : 64, r->id, r->image ? r->image : "",
				 r->command ? r->command : "", status, r->name ? r->name : "");
	}
	if (f->kind == CG_PS_JSON) {
		struct json_object *o = json_object_new_object();
		char *line;

		for (int i = 0; i < F_N; i++) {
			field_text(i, r, trunc, buf, sizeof(buf));
			json_object_object_add(o, field_names[i],
					       i == F_EXIT || i == F_PID ? json_object_new_int(atoi(buf)) :
					       json_object_new_string(buf));
		}
		line = xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
		return line;
	}
	char *line = xstrdup("");

	for (int i = 0; i < f->nparts; i++) {
		line = append(line, f->part[i].lit);
		if (f->part[i].field >= 0) {
			field_text(f->part[i].field, r, trunc, buf, sizeof(buf));
			line = append(line, buf);
		}
	}
	return line;
}
