/* parse.c - pure parsers for command-line values. */
#include "config.h"

#include "parse.h"

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int parse_int_range(const char *what, const char *s, int64_t min, int64_t max,
		    int64_t *out, cg_err_t *err)
{
	int64_t v = 0;
	bool neg = false;
	const char *p = s;

	if (*p == '-') {
		neg = true;
		p++;
	}
	if (*p == '\0')
		return cg_error(err, 0, "invalid %s '%s': expected a number", what, s);
	for (; *p; p++) {
		if (!isdigit((unsigned char)*p))
			return cg_error(err, 0, "invalid %s '%s': expected a number", what, s);
		if (v > (INT64_MAX - (*p - '0')) / 10)
			return cg_error(err, 0, "invalid %s '%s': number too large", what, s);
		v = v * 10 + (*p - '0');
	}
	if (neg)
		v = -v;
	if (v < min || v > max)
		return cg_error(err, 0, "invalid %s '%s': must be between %lld and %lld",
				what, s, (long long)min, (long long)max);
	*out = v;
	return 0;
}

int parse_size(const char *s, int64_t *out, cg_err_t *err)
{
	const char *p = s;
	uint64_t v = 0, mult = 1;

	if (!isdigit((unsigned char)*p))
		return cg_error(err, 0, "invalid size '%s': expected a number with an optional k, m or g suffix", s);
	for (; isdigit((unsigned char)*p); p++) {
		if (v > (UINT64_MAX / 10) - 9)
			return cg_error(err, 0, "invalid size '%s': too large", s);
		v = v * 10 + (uint64_t)(*p - '0');
	}
	switch (tolower((unsigned char)*p)) {
	case '\0': break;
	case 'b': mult = 1; p++; break;
	case 'k': mult = 1ULL << 10; p++; break;
	case 'm': mult = 1ULL << 20; p++; break;
	case 'g': mult = 1ULL << 30; p++; break;
	default:
		return cg_error(err, 0, "invalid size '%s': unknown suffix (use b, k, m or g)", s);
	}
	if (mult > 1 && tolower((unsigned char)*p) == 'b')
		p++;
	if (*p != '\0')
		return cg_error(err, 0, "invalid size '%s': unknown suffix (use b, k, m or g)", s);
	if (v > (uint64_t)INT64_MAX / mult)
		return cg_error(err, 0, "invalid size '%s': too large", s);
	*out = (int64_t)(v * mult);
	return 0;
}

int parse_cpus(const char *s, int64_t period, int64_t *quota, cg_err_t *err)
{
	/* Fixed point with 6 fractional digits: 1.5 -> 1500000 millionths. */
	int64_t whole = 0, frac = 0, scale = 1000000;
	const char *p = s;

	if (!isdigit((unsigned char)*p) && *p != '.')
		return cg_error(err, 0, "invalid --cpus '%s': expected a decimal such as 0.5 or 1.5", s);
	for (; isdigit((unsigned char)*p); p++) {
		whole = whole * 10 + (*p - '0');
		if (whole > 4096)
			return cg_error(err, 0, "invalid --cpus '%s': too many CPUs", s);
	}
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return cg_error(err, 0, "invalid --cpus '%s': expected a decimal such as 0.5 or 1.5", s);
		for (; isdigit((unsigned char)*p); p++) {
			if (scale > 1) {
				scale /= 10;
				frac += (*p - '0') * scale;
			}
		}
	}
	if (*p != '\0')
		return cg_error(err, 0, "invalid --cpus '%s': expected a decimal such as 0.5 or 1.5", s);
	int64_t millionths = whole * 1000000 + frac;

	if (millionths == 0)
		return cg_error(err, 0, "invalid --cpus '%s': must be greater than 0", s);
	*quota = millionths * period / 1000000;
	return 0;
}

int parse_cpu_list(const char *s, cg_err_t *err)
{
	const char *p = s;

	if (*p == '\0')
		goto bad;
	while (*p) {
		long a = 0, b;

		if (!isdigit((unsigned char)*p))
			goto bad;
		for (; isdigit((unsigned char)*p); p++)
			if ((a = a * 10 + (*p - '0')) >= 4096)
				goto bad;
		b = a;
		if (*p == '-') {
			p++;
			if (!isdigit((unsigned char)*p))
				goto bad;
			for (b = 0; isdigit((unsigned char)*p); p++)
				if ((b = b * 10 + (*p - '0')) >= 4096)
					goto bad;
			if (b < a)
				goto bad;
		}
		if (*p == ',') {
			p++;
			if (*p == '\0')
				goto bad;
		} else if (*p != '\0') {
			goto bad;
		}
	}
	return 0;
bad:
	return cg_error(err, 0, "invalid CPU list '%s': expected a list such as 0-2,4", s);
}

static bool clean_abs_path(const char *p)
{
	if (p[0] != '/')
		return false;
	/* No ".." component: the destination is resolved inside the rootfs,
	 * but refusing it outright gives a clearer error. */
	for (const char *c = p; (c = strstr(c, "..")) != NULL; c += 2) {
		bool start = c == p || c[-1] == '/';
		bool end = c[2] == '\0' || c[2] == '/';

		if (start && end)
			return false;
	}
	return true;
}

int parse_volume(const char *s, struct volume_spec *out, char **buf, cg_err_t *err)
{
	char *copy = xstrdup(s), *c1, *c2;

	out->readonly = false;
	out->idmap = false;
	c1 = strchr(copy, ':');
	if (c1 == NULL)
		goto bad;
	*c1++ = '\0';
	c2 = strchr(c1, ':');
	if (c2 != NULL) {
		char *save = NULL;

		*c2++ = '\0';
		/* No empty option (strtok_r would skip it). */
		if (*c2 == '\0' || *c2 == ',' || c2[strlen(c2) - 1] == ',' || strstr(c2, ",,"))
			goto bad;
		for (char *o = strtok_r(c2, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
			if (!strcmp(o, "ro"))
				out->readonly = true;
			else if (!strcmp(o, "idmap"))
				out->idmap = true;
			else if (strcmp(o, "rw") != 0)
				goto bad;
		}
	}
	if (!clean_abs_path(copy) || !clean_abs_path(c1) || !strcmp(c1, "/"))
		goto bad;
	out->src = copy;
	out->dst = c1;
	*buf = copy;
	return 0;
bad:
	free(copy);
	return cg_error(err, 0, "invalid volume '%s': expected /HOST/PATH:/CONTAINER/PATH[:OPTIONS], OPTIONS ro, rw, idmap (comma-separated)", s);
}

static bool valid_name(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n > max)
		return false;
	if (!islower((unsigned char)s[0]) && !isdigit((unsigned char)s[0]))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!islower(c) && !isdigit(c) && c != '_' && c != '.' && c != '-')
			return false;
	}
	return strstr(s, "..") == NULL;
}

bool valid_image_name(const char *s)
{
	return valid_name(s, 128);
}

bool valid_container_name(const char *s)
{
	/* docker allows upper case in container names; so do we. */
	size_t n = strlen(s);

	if (n == 0 || n > 128 || !isalnum((unsigned char)s[0]))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!isalnum(c) && c != '_' && c != '.' && c != '-')
			return false;
	}
	return true;
}

bool parse_id(const char *s, uint32_t *out)
{
	uint64_t v = 0;

	if (*s == '\0')
		return false;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v >= UINT32_MAX)
			return false;
	}
	*out = (uint32_t)v;
	return true;
}

int parse_user(const char *s, struct user_spec *out, char **buf, cg_err_t *err)
{
	char *copy = xstrdup(s), *colon;

	colon = strchr(copy, ':');
	if (colon)
		*colon++ = '\0';
	if (copy[0] == '\0' || (colon && colon[0] == '\0') || (colon && strchr(colon, ':'))) {
		free(copy);
		return cg_error(err, 0, "invalid user '%s': expected USER[:GROUP] or UID[:GID]", s);
	}
	out->user = copy;
	out->group = colon;
	*buf = copy;
	return 0;
}

/* Fill a 4096-bit map from a CPU list; false if it does not parse. */
static bool cpu_list_bits(const char *s, uint64_t bits[64])
{
	memset(bits, 0, 64 * sizeof(uint64_t));
	while (*s && *s != '\n') {
		char *end;
		long a = strtol(s, &end, 10), b = a;

		if (end == s || a < 0 || a >= 4096)
			return false;
		s = end;
		if (*s == '-') {
			b = strtol(s + 1, &end, 10);
			if (end == s + 1 || b < a || b >= 4096)
				return false;
			s = end;
		}
		for (long i = a; i <= b; i++)
			bits[i / 64] |= 1ULL << (i % 64);
		if (*s == ',')
			s++;
		else if (*s && *s != '\n')
			return false;
	}
	return true;
}

bool cpu_list_subset(const char *want, const char *have)
{
	uint64_t w[64], h[64];

	if (!cpu_list_bits(want, w) || !cpu_list_bits(have, h))
		return false;
	for (int i = 0; i < 64; i++)
		if (w[i] & ~h[i])
			return false;
	return true;
}

int cg_signal_parse(const char *s)
{
	static const struct { const char *name; int sig; } sigs[] = {
		{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT }, { "KILL", SIGKILL },
		{ "USR1", SIGUSR1 }, { "USR2", SIGUSR2 }, { "TERM", SIGTERM }, { "CONT", SIGCONT },
		{ "STOP", SIGSTOP }, { "ALRM", SIGALRM }, { "WINCH", SIGWINCH }, { "PIPE", SIGPIPE },
	};
	int64_t n;

	if (parse_int_range("signal", s, 1, 64, &n, NULL) == 0)
		return (int)n;
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		if (!strcasecmp(s, sigs[i].name))
			return sigs[i].sig;
	/* RTMIN, RTMIN+N, RTMAX, RTMAX-N (systemd images stop with RTMIN+3). */
	if (!strncasecmp(s, "RTMIN", 5) || !strncasecmp(s, "RTMAX", 5)) {
		bool min = !strncasecmp(s, "RTMIN", 5);
		int base = min ? SIGRTMIN : SIGRTMAX;

		s += 5;
		if (*s == '\0')
			return base;
		if (*s != (min ? '+' : '-') || parse_int_range("signal", s + 1, 1, SIGRTMAX - SIGRTMIN, &n, NULL) < 0)
			return -1;
		return min ? base + (int)n : base - (int)n;
	}
	return -1;
}

bool parse_sigign(const char *status, uint64_t *mask)
{
	const char *p = status ? strstr(status, "\nSigIgn:") : NULL;
	char *end;

	if (p == NULL)
		return false;
	p += strlen("\nSigIgn:");
	while (*p == ' ' || *p == '\t')
		p++;
	errno = 0;
	*mask = strtoull(p, &end, 16);
	return errno == 0 && end != p && (*end == '\n' || *end == '\0');
}
