/* dns-msg.h - the DNS messages a responder handles, pure: a query from a
 * client parsed and answered from the name table or marked for
 * forwarding; a reply from upstream matched to its query.
 *
 * Parsing is glibc's libresolv (ns_initparse checks every section fits
 * the message, ns_parserr/ns_name_uncompress expand names with their
 * bounds and compression-loop checks): a hand-written parser of compressed
 * names is where DNS servers have had their bugs. Replies are built by
 * copying the client's header and question (checked by that parse) and
 * appending at most one fixed-size A record that points at the question
 * name (offset 12), so no name is ever compressed by hand. */
#ifndef CGRUN_NET_DNS_MSG_H
#define CGRUN_NET_DNS_MSG_H

#include <arpa/nameser.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns-names.h"

/* Queries longer than this are dropped: a question and an EDNS record
 * take a fraction of it, and a pending forward keeps the whole query. */
#define CG_DNS_QUERY_MAX 512
/* TTL of the names answered: containers come and go. */
#define CG_DNS_TTL 10

struct cg_dns_question {
	uint16_t id;
	uint16_t flags;          /* the header's second word */
	uint16_t type, class;
	size_t end;              /* offset just past the question section */
	char name[NS_MAXDNAME];  /* presentation form, no trailing dot ("" for the root) */
};

/* msg as a client's query (response false: QR clear) or an upstream's
 * reply (response true: QR set): one question, every section within the
 * message. 0, or -1 for something to drop. */
int cg_dns_parse(const uint8_t *msg, size_t len, bool response, struct cg_dns_question *q);

enum cg_dns_action {
	CG_DNS_DROP,             /* malformed, or not a query: no answer */
	CG_DNS_REPLY,            /* out holds the answer */
	CG_DNS_FORWARD,          /* not ours: ask upstream */
};

/* What to do with a client's query msg: answer a name of t (NAME or
 * NAME.domain) with its address (type A or ANY) or an empty answer (other
 * types: the name exists, so never NXDOMAIN), answer NXDOMAIN for other
 * names under domain, NOTIMP for other opcodes, or forward. q gets the
 * parsed question; out (at least CG_DNS_QUERY_MAX + 16 bytes) the reply. */
enum cg_dns_action cg_dns_handle_query(const struct cg_dns_names *t, const char *domain,
				       const uint8_t *msg, size_t len, struct cg_dns_question *q,
				       uint8_t *out, size_t outsz, size_t *outlen);

/* A reply to q (parsed from msg): msg's header and question with the
 * given rcode, AA and RA set, and one A record when addr is given. The
 * length, or 0 if out is too small. */
size_t cg_dns_build_reply(const uint8_t *msg, const struct cg_dns_question *q, int rcode,
			  const struct in_addr *addr, uint8_t *out, size_t outsz);

/* The same question (name case-insensitively, type, class). */
bool cg_dns_same_question(const struct cg_dns_question *a, const struct cg_dns_question *b);

#endif
