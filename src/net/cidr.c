/* cidr.c - IPv4 addresses and subnets: parsing, gateway, overlap. */
#include "config.h"

#include "cidr.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Strict dotted quad: four decimal parts of 0..255, no leading zeros
 * (inet_aton would take "10.1" and octal "010"). */
int cg_ip4_parse(const char *s, uint32_t *out, cg_err_t *err)
{
	uint32_t a = 0;
	const char *p = s;

	for (int i = 0; i < 4; i++) {
		unsigned v = 0;
		int digits = 0;

		while (*p >= '0' && *p <= '9' && digits < 4) {
			v = v * 10 + (unsigned)(*p++ - '0');
			digits++;
		}
		if (digits == 0 || digits > 3 || v > 255 || (digits > 1 && p[-digits] == '0'))
			return cg_error(err, EINVAL, "'%s' is not an IPv4 address", s);
		a = (a << 8) | v;
		if (i < 3 && *p++ != '.')
			return cg_error(err, EINVAL, "'%s' is not an IPv4 address", s);
	}
	if (*p != '\0')
		return cg_error(err, EINVAL, "'%s' is not an IPv4 address", s);
	*out = a;
	return 0;
}

char *cg_ip4_format(uint32_t a, char *buf)
{
	snprintf(buf, CG_IP4_STRLEN, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
	return buf;
}

uint32_t cg_cidr_mask(unsigned prefix)
{
	return prefix == 0 ? 0 : 0xffffffffu << (32 - prefix);
}

int cg_cidr_parse(const char *s, struct cg_cidr *out, cg_err_t *err)
{
	char addr[CG_IP4_STRLEN];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : 0;
	unsigned prefix = 0;
	uint32_t a;
	const char *p;

	if (slash == NULL || n == 0 || n >= sizeof(addr))
		return cg_error(err, EINVAL, "'%s' is not a subnet (A.B.C.D/N)", s);
	memcpy(addr, s, n);
	addr[n] = '\0';
	if (cg_ip4_parse(addr, &a, err) < 0)
		return cg_error(err, EINVAL, "'%s' is not a subnet (A.B.C.D/N)", s);
	for (p = slash + 1; *p >= '0' && *p <= '9' && prefix <= 32; p++)
		prefix = prefix * 10 + (unsigned)(*p - '0');
	if (p == slash + 1 || *p != '\0' || (p - slash > 2 && slash[1] == '0'))
		return cg_error(err, EINVAL, "'%s' is not a subnet (A.B.C.D/N)", s);
	if (prefix < 8 || prefix > 30)
		return cg_error(err, EINVAL, "subnet '%s': the prefix length must be from 8 to 30", s);
	if (a & ~cg_cidr_mask(prefix))
		return cg_error(err, EINVAL, "subnet '%s' has host bits set", s);
	out->net = a;
	out->prefix = prefix;
	return 0;
}

char *cg_cidr_format(const struct cg_cidr *c, char *buf)
{
	char a[CG_IP4_STRLEN];

	snprintf(buf, CG_CIDR_STRLEN, "%s/%u", cg_ip4_format(c->net, a), c->prefix);
	return buf;
}

uint32_t cg_cidr_gateway(const struct cg_cidr *c)
{
	return c->net + 1;
}

uint32_t cg_cidr_broadcast(const struct cg_cidr *c)
{
	return c->net | ~cg_cidr_mask(c->prefix);
}

bool cg_cidr_contains(const struct cg_cidr *c, uint32_t a)
{
	return (a & cg_cidr_mask(c->prefix)) == c->net;
}

bool cg_cidr_overlap(const struct cg_cidr *a, const struct cg_cidr *b)
{
	unsigned p = a->prefix < b->prefix ? a->prefix : b->prefix;

	return (a->net & cg_cidr_mask(p)) == (b->net & cg_cidr_mask(p));
}
