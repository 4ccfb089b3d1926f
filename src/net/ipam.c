/* ipam.c - the address allocator's decisions and the lease record. */
#include "config.h"

#include "ipam.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

uint32_t cg_ipam_lowest_free(const struct cg_cidr *net, const uint32_t *used, size_t n)
{
	uint32_t cand = cg_cidr_gateway(net) + 1, last = cg_cidr_broadcast(net) - 1;
	cleanup_free uint32_t *s = n ? xcalloc(n, sizeof(*s)) : NULL;

	/* Sorted, one pass: the lowest candidate not in the list. */
	if (n)
		memcpy(s, used, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_u32);
	for (size_t i = 0; i < n && cand <= last; i++) {
		if (s[i] == cand)
			cand++;
		else if (s[i] > cand)
			break;
	}
	return cand <= last ? cand : 0;
}

void cg_lease_format(const struct cg_lease *l, char *buf)
{
	snprintf(buf, CG_LEASE_TEXT_MAX, "%s %d %llu\n", l->id, (int)l->pid, l->start);
}

static bool is_id(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

int cg_lease_parse(const char *name, const char *text, struct cg_lease *l, cg_err_t *err)
{
	const char *sp = strchr(text, ' ');
	char *end;
	long pid;

	memset(l, 0, sizeof(*l));
	if (cg_ip4_parse(name, &l->addr, err) < 0)
		return cg_error_wrap(err, "lease");
	if (sp == NULL || sp - text != 64 || !is_id(text, 64))
		return cg_error(err, EINVAL, "lease %s: no container id", name);
	memcpy(l->id, text, 64);
	l->id[64] = '\0';
	errno = 0;
	pid = strtol(sp + 1, &end, 10);
	if (errno || end == sp + 1 || *end != ' ' || pid <= 0 || pid > 0x3fffffff)
		return cg_error(err, EINVAL, "lease %s: bad pid", name);
	l->pid = (pid_t)pid;
	sp = end + 1;
	l->start = strtoull(sp, &end, 10);
	if (errno || end == sp || (*end != '\n' && *end != '\0') || (*end == '\n' && end[1] != '\0'))
		return cg_error(err, EINVAL, "lease %s: bad start time", name);
	return 0;
}

void cg_veth_name(const char *id, char *buf)
{
	snprintf(buf, CG_VETH_NAME_MAX, "cg%.12s", id);
}

char *cg_mac_format(const unsigned char mac[6], char *buf)
{
	snprintf(buf, CG_MAC_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	return buf;
}

void cg_mac_for(uint32_t addr, unsigned char mac[6])
{
	mac[0] = 0x02;
	mac[1] = 0x42;
	mac[2] = (unsigned char)(addr >> 24);
	mac[3] = (unsigned char)(addr >> 16);
	mac[4] = (unsigned char)(addr >> 8);
	mac[5] = (unsigned char)addr;
}
