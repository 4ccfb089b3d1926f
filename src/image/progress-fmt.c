/* progress-fmt.c - the progress lines' text (progress-fmt.h). */
#include "config.h"

#include "progress-fmt.h"

#include <stdio.h>
#include <string.h>

#define TEXT_MAX 32    /* an id's or a state's characters shown */

void cg_fmt_bytes(char *buf, size_t n, double bytes, bool space)
{
	static const char *const unit[] = { "B", "kB", "MB", "GB", "TB" };
	size_t u = 0;

	if (bytes < 0)
		bytes = 0;
	while (bytes >= 1000 && u + 1 < sizeof(unit) / sizeof(unit[0])) {
		bytes /= 1000;
		u++;
	}
	snprintf(buf, n, u ? "%.1f%s%s" : "%.0f%s%s", bytes, space ? " " : "", unit[u]);
}

void cg_fmt_rate(char *buf, size_t n, double bytes, double secs)
{
	size_t len;

	if (n == 0)
		return;
	cg_fmt_bytes(buf, n, secs > 0 ? bytes / secs : 0, false);
	len = strlen(buf);
	snprintf(buf + len, n - len, "/s");
}

/* s, at most TEXT_MAX characters, printable ASCII only. */
static void clean(char *out, const char *s)
{
	size_t i = 0;

	for (; s && s[i] && i < TEXT_MAX; i++)
		out[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	out[i] = '\0';
}

size_t cg_fmt_tty_line(char *buf, size_t n, int width, const char *id, const char *state, int64_t done,
		       int64_t total, double secs)
{
	char i[TEXT_MAX + 1], st[TEXT_MAX + 1], d[32], t[32], r[32];
	size_t max, len;

	if (n == 0)
		return 0;
	clean(i, id);
	if (state) {
		clean(st, state);
		snprintf(buf, n, "%s: %s", i, st);
	} else {
		cg_fmt_bytes(d, sizeof(d), (double)done, false);
		cg_fmt_bytes(t, sizeof(t), (double)total, false);
		cg_fmt_rate(r, sizeof(r), (double)done, secs);
		snprintf(buf, n, "%s: Downloading  %s/%s  %s", i, d, t, r);
	}
	max = (size_t)(width > 1 ? width - 1 : 79);
	len = strlen(buf);
	if (len > max) {
		buf[max] = '\0';
		len = max;
	}
	return len;
}

size_t cg_fmt_plain_line(char *buf, size_t n, const char *id, int64_t done, int64_t total, double secs)
{
	char i[TEXT_MAX + 1], d[32], t[32], r[32];
	int w;

	clean(i, id);
	cg_fmt_bytes(d, sizeof(d), (double)done, true);
	cg_fmt_bytes(t, sizeof(t), (double)total, true);
	cg_fmt_bytes(r, sizeof(r), secs > 0 ? (double)done / secs : 0, true);
	w = snprintf(buf, n, "%s: done %s/%s (%s/s)", i, d, t, r);
	return w < 0 ? 0 : (size_t)w >= n ? n - 1 : (size_t)w;
}
