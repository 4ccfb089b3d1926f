/* dns-msg.c - DNS message handling for the responder (see dns-msg.h). */
#include "config.h"

#include "dns-msg.h"

#include <resolv.h>
#include <string.h>
#include <strings.h>

#define HDR 12
#define FLAG_QR 0x8000
#define FLAG_AA 0x0400
#define FLAG_RD 0x0100
#define FLAG_RA 0x0080
#define OPCODE(f) (((f) >> 11) & 0xf)

int cg_dns_parse(const uint8_t *msg, size_t len, bool response, struct cg_dns_question *q)
{
	ns_msg h;
	ns_rr rr;
	int qlen;

	memset(q, 0, sizeof(*q));
	if (len < HDR || len > 65535 || ns_initparse(msg, (int)len, &h) < 0)
		return -1;
	q->id = ns_msg_id(h);
	q->flags = (uint16_t)(msg[2] << 8 | msg[3]);
	if (!!(q->flags & FLAG_QR) != response || ns_msg_count(h, ns_s_qd) != 1)
		return -1;
	if (ns_parserr(&h, ns_s_qd, 0, &rr) < 0)
		return -1;
	qlen = ns_skiprr(msg + HDR, msg + len, ns_s_qd, 1);
	if (qlen <= 0 || (size_t)qlen > len - HDR)
		return -1;
	q->end = HDR + (size_t)qlen;
	q->type = ns_rr_type(rr);
	q->class = ns_rr_class(rr);
	/* ns_parserr gives "." for the root; names here have no trailing dot. */
	snprintf(q->name, sizeof(q->name), "%s", strcmp(ns_rr_name(rr), ".") ? ns_rr_name(rr) : "");
	return 0;
}

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

size_t cg_dns_build_reply(const uint8_t *msg, const struct cg_dns_question *q, int rcode,
			  const struct in_addr *addr, uint8_t *out, size_t outsz)
{
	size_t n = q->end + (addr ? 16 : 0);
	unsigned flags = (q->flags & (0xf << 11 | FLAG_RD)) | FLAG_QR | FLAG_AA | FLAG_RA | (rcode & 0xf);

	if (outsz < n)
		return 0;
	memcpy(out, msg, q->end);
	put16(out + 2, flags);
	put16(out + 4, 1);                 /* QDCOUNT */
	put16(out + 6, addr ? 1 : 0);      /* ANCOUNT */
	put16(out + 8, 0);                 /* NSCOUNT */
	put16(out + 10, 0);                /* ARCOUNT: no EDNS in our answers */
	if (addr) {
		uint8_t *a = out + q->end;

		put16(a, 0xc000 | HDR);    /* the question's name */
		put16(a + 2, ns_t_a);
		put16(a + 4, ns_c_in);
		put16(a + 6, 0);
		put16(a + 8, CG_DNS_TTL);
		put16(a + 10, 4);
		memcpy(a + 12, &addr->s_addr, 4);
	}
	return n;
}

/* name without ".domain" when it ends so; NULL when it is not ours. */
static const char *local_part(const char *name, const char *domain, char *buf, size_t bufsz)
{
	size_t n = strlen(name), d = strlen(domain);

	if (n > d + 1 && name[n - d - 1] == '.' && !strcasecmp(name + n - d, domain) && n - d <= bufsz) {
		memcpy(buf, name, n - d - 1);
		buf[n - d - 1] = '\0';
		return buf;
	}
	return NULL;
}

enum cg_dns_action cg_dns_handle_query(const struct cg_dns_names *t, const char *domain,
				       const uint8_t *msg, size_t len, struct cg_dns_question *q,
				       uint8_t *out, size_t outsz, size_t *outlen)
{
	char buf[NS_MAXDNAME];
	const char *local;
	const struct in_addr *addr;
	bool in_domain;

	*outlen = 0;
	if (len > CG_DNS_QUERY_MAX || cg_dns_parse(msg, len, false, q) < 0)
		return CG_DNS_DROP;
	if (OPCODE(q->flags) != ns_o_query) {
		*outlen = cg_dns_build_reply(msg, q, ns_r_notimpl, NULL, out, outsz);
		return *outlen ? CG_DNS_REPLY : CG_DNS_DROP;
	}
	local = local_part(q->name, domain, buf, sizeof(buf));
	in_domain = local != NULL || !strcasecmp(q->name, domain);
	addr = cg_dns_names_get(t, local ? local : q->name);
	if (addr == NULL && !in_domain)
		return CG_DNS_FORWARD;
	if (addr == NULL)
		/* Our domain's apex exists (no data), nothing else in it does. */
		*outlen = cg_dns_build_reply(msg, q, local ? ns_r_nxdomain : ns_r_noerror, NULL, out, outsz);
	else if ((q->class == ns_c_in || q->class == ns_c_any) && (q->type == ns_t_a || q->type == ns_t_any))
		*outlen = cg_dns_build_reply(msg, q, ns_r_noerror, addr, out, outsz);
	else
		/* AAAA and the rest: the name exists with no such record.
		 * NXDOMAIN would tell a resolver the name has no A either. */
		*outlen = cg_dns_build_reply(msg, q, ns_r_noerror, NULL, out, outsz);
	return *outlen ? CG_DNS_REPLY : CG_DNS_DROP;
}

bool cg_dns_same_question(const struct cg_dns_question *a, const struct cg_dns_question *b)
{
	return a->type == b->type && a->class == b->class && !strcasecmp(a->name, b->name);
}
