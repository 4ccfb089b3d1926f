/* platform.c - platform names and matching, as containerd's platforms
 * package (database.go's normalizeArch, compare.go's platformVector). */
#include "config.h"

#include "platform.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <sys/utsname.h>

struct plat {
	char os[32], arch[32], variant[16];
};

static void lower_copy(char *dst, size_t cap, const char *s)
{
	size_t i = 0;

	for (; s && s[i] && i + 1 < cap; i++)
		dst[i] = (char)tolower((unsigned char)s[i]);
	dst[i] = '\0';
}

static bool in(const char *s, const char *const *set)
{
	for (; *set; set++)
		if (strcmp(s, *set) == 0)
			return true;
	return false;
}

/* normalizeArch; but arm64's default variant is spelt v8 (as in docker
 * hub's indexes) instead of left empty. */
static void normalize(struct plat *p, const char *os, const char *arch, const char *variant)
{
	lower_copy(p->os, sizeof(p->os), os);
	lower_copy(p->arch, sizeof(p->arch), arch);
	lower_copy(p->variant, sizeof(p->variant), variant);
	if (strcmp(p->os, "macos") == 0)
		strcpy(p->os, "darwin");
	if (in(p->arch, (const char *const[]){ "i386", "i486", "i586", "i686", "386", NULL })) {
		strcpy(p->arch, "386");
		p->variant[0] = '\0';
	} else if (in(p->arch, (const char *const[]){ "x86_64", "x86-64", "amd64", NULL })) {
		strcpy(p->arch, "amd64");
		if (strcmp(p->variant, "v1") == 0)
			p->variant[0] = '\0';
	} else if (strcmp(p->arch, "aarch64") == 0 || strcmp(p->arch, "arm64") == 0) {
		strcpy(p->arch, "arm64");
		if (in(p->variant, (const char *const[]){ "", "8", "v8", "v8.0", NULL }))
			strcpy(p->variant, "v8");
		else if (in(p->variant, (const char *const[]){ "9", "9.0", "v9.0", NULL }))
			strcpy(p->variant, "v9");
	} else if (strcmp(p->arch, "armhf") == 0) {
		strcpy(p->arch, "arm");
		strcpy(p->variant, "v7");
	} else if (strcmp(p->arch, "armel") == 0) {
		strcpy(p->arch, "arm");
		strcpy(p->variant, "v6");
	} else if (strcmp(p->arch, "arm") == 0) {
		if (in(p->variant, (const char *const[]){ "", "7", NULL }))
			strcpy(p->variant, "v7");
		else if (in(p->variant, (const char *const[]){ "5", "6", "8", NULL }))
			snprintf(p->variant, sizeof(p->variant), "v%c", p->variant[0]);
	}
}

/* "v7" -> 7; -1 for anything else. */
static int variant_number(const char *v)
{
	if (v[0] != 'v' || !isdigit((unsigned char)v[1]) || v[2] != '\0')
		return -1;
	return v[1] - '0';
}

int cg_platform_rank(const char *want_os, const char *want_arch, const char *want_variant,
		     const char *os, const char *arch, const char *variant)
{
	struct plat w, h;
	int wn, hn;

	if (want_os == NULL || want_arch == NULL || os == NULL || arch == NULL)
		return -1;
	normalize(&w, want_os, want_arch, want_variant);
	normalize(&h, os, arch, variant);
	if (strcmp(w.os, h.os) != 0)
		return -1;
	if (strcmp(w.arch, h.arch) == 0 && strcmp(w.variant, h.variant) == 0)
		return 0;
	wn = variant_number(w.variant);
	hn = variant_number(h.variant);
	if (strcmp(w.arch, "arm") == 0 && strcmp(h.arch, "arm") == 0) {
		/* arm/vN runs vN-1 ... v5. */
		return (wn > 5 && hn >= 5 && hn < wn) ? wn - hn : -1;
	}
	if (strcmp(w.arch, "amd64") == 0) {
		/* amd64/vN runs vN-1 ... v1 (spelt without a variant), then 386. */
		int level = wn > 0 ? wn : 1;

		if (strcmp(h.arch, "amd64") == 0) {
			int have = h.variant[0] ? hn : 1;

			return (have >= 1 && have < level) ? level - have : -1;
		}
		return strcmp(h.arch, "386") == 0 ? level : -1;
	}
	if (strcmp(w.arch, "arm64") == 0) {
		/* A later arm64 runs v8; arm64 runs 32-bit arm v8 ... v5. */
		if (strcmp(h.arch, "arm64") == 0)
			return strcmp(h.variant, "v8") == 0 ? 1 : -1;
		if (strcmp(h.arch, "arm") == 0 && hn >= 5 && hn <= 8)
			return 2 + (8 - hn);
	}
	return -1;
}

void cg_platform_from_machine(const char *machine, char **arch, char **variant)
{
	const char *a = machine, *v = NULL;

	if (strcmp(machine, "x86_64") == 0)
		a = "amd64";
	else if (strcmp(machine, "aarch64") == 0 || strcmp(machine, "arm64") == 0)
		a = "arm64", v = "v8";
	else if (strncmp(machine, "armv", 4) == 0 && machine[4] >= '5' && machine[4] <= '8')
		a = "arm", v = (const char *[]){ "v5", "v6", "v7", "v8" }[machine[4] - '5'];
	else if (strcmp(machine, "arm") == 0)
		a = "arm", v = "v7";
	else if (strlen(machine) == 4 && machine[0] == 'i' && strcmp(machine + 2, "86") == 0)
		a = "386";
	else if (strcmp(machine, "loongarch64") == 0)
		a = "loong64";
	*arch = xstrdup(a);
	*variant = v ? xstrdup(v) : NULL;
}

void cg_platform_host(char **os, char **arch, char **variant)
{
	struct utsname u;

	/* uname cannot fail with a valid buffer. */
	uname(&u);
	*os = xstrdup("linux");
	cg_platform_from_machine(u.machine, arch, variant);
}

static bool name_valid(const char *s, size_t n)
{
	if (n == 0 || n >= 16)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("._-", s[i]))
			return false;
	return true;
}

int cg_platform_parse(const char *s, char **os, char **arch, char **variant, cg_err_t *err)
{
	const char *parts[3] = { NULL, NULL, NULL };
	size_t lens[3] = { 0, 0, 0 }, n = 0;
	char buf[3][16];
	struct plat p;

	*os = *arch = *variant = NULL;
	for (const char *c = s;; n++) {
		const char *slash = strchr(c, '/');

		if (n == 3)
			goto bad;
		parts[n] = c;
		lens[n] = slash ? (size_t)(slash - c) : strlen(c);
		if (!name_valid(parts[n], lens[n]))
			goto bad;
		if (slash == NULL) {
			n++;
			break;
		}
		c = slash + 1;
	}
	if (n < 2)
		goto bad;
	for (size_t i = 0; i < 3; i++)
		snprintf(buf[i], sizeof(buf[i]), "%.*s", (int)lens[i], parts[i] ? parts[i] : "");
	normalize(&p, buf[0], buf[1], buf[2]);
	*os = xstrdup(p.os);
	*arch = xstrdup(p.arch);
	*variant = p.variant[0] ? xstrdup(p.variant) : NULL;
	return 0;
bad:
	return cg_error(err, 0, "invalid platform \"%s\": expected OS/ARCH[/VARIANT], e.g. linux/arm64/v8", s);
}

char *cg_platform_string(const char *os, const char *arch, const char *variant)
{
	return xasprintf("%s/%s%s%s", os ? os : "?", arch ? arch : "?",
			 variant && *variant ? "/" : "", variant && *variant ? variant : "");
}
