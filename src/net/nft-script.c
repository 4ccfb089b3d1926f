/* nft-script.c - generate cgrun's nft scripts; read its JSON listings. */
#include "config.h"

#include "nft-script.h"

#include <arpa/inet.h>
#include <errno.h>
#include <json-c/json.h>
#include <net/if.h>
#include <string.h>

#define T "inet " CGNET_NFT_TABLE

bool cgnet_ctr_id_valid(const char *id)
{
	size_t len = id ? strlen(id) : 0;

	if (len == 0 || len > 64)
		return false;
	return strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == len;
}

/* Interface names go into the script inside quotes: no quote, backslash or
 * space may end the string early (the kernel allows almost any byte). */
static bool ifname_valid(const char *s)
{
	size_t len = s ? strlen(s) : 0;

	return len > 0 && len < IFNAMSIZ &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") == len;
}

static char *take(FILE *f, char **buf)
{
	if (fclose(f) != 0) {
		free(*buf);
		return NULL;
	}
	return *buf;
}

static FILE *memstream(char **buf, size_t *len)
{
	FILE *f = open_memstream(buf, len);

	if (f == NULL)
		abort();  /* out of memory, as xasprintf */
	return f;
}

char *cgnet_nft_setup_script(const struct cgnet_fw_net *nets, size_t n, cg_err_t *err)
{
	static const char *const base[] = { "prerouting", "output", "postrouting", "forward", "guard" };
	char *buf = NULL;
	size_t len;
	FILE *f;

	for (size_t i = 0; i < n; i++)
		if (!ifname_valid(nets[i].bridge) || nets[i].prefix < 1 || nets[i].prefix > 32)
			return cg_error(err, 0, "network %zu: invalid bridge name or prefix", i), NULL;
	f = memstream(&buf, &len);
	fputs("add table " T "\n"
	      "add map " T " publish { type inet_proto . inet_service : verdict; }\n"
	      "add chain " T " prerouting { type nat hook prerouting priority dstnat; policy accept; }\n"
	      /* dstnat is not a valid name at the output hook in nft 1.0.6. */
	      "add chain " T " output { type nat hook output priority -100; policy accept; }\n"
	      "add chain " T " postrouting { type nat hook postrouting priority srcnat; policy accept; }\n"
	      "add chain " T " forward { type filter hook forward priority filter; policy accept; }\n"
	      "add chain " T " guard { type filter hook prerouting priority raw; policy accept; }\n", f);
	for (size_t i = 0; i < ARRAY_SIZE(base); i++)
		fprintf(f, "flush chain " T " %s\n", base[i]);
	/* Published ports: only packets for one of the host's own addresses,
	 * from outside (prerouting) or from the host itself (output). */
	for (size_t i = 0; i < 2; i++)
		fprintf(f, "add rule " T " %s meta nfproto ipv4 fib daddr type local meta l4proto { tcp, udp } "
			"meta l4proto . th dport vmap @publish\n", base[i]);
	for (size_t i = 0; i < n; i++) {
		char net[INET_ADDRSTRLEN];
		const char *br = nets[i].bridge;
		struct in_addr a = { .s_addr = nets[i].subnet.s_addr &
				     htonl(nets[i].prefix == 32 ? 0xffffffffu : ~(0xffffffffu >> nets[i].prefix)) };

		inet_ntop(AF_INET, &a, net, sizeof(net));
		/* Egress: the subnet leaves with the host's address. */
		fprintf(f, "add rule " T " postrouting oifname != \"%s\" ip saddr %s/%u masquerade\n", br, net,
			nets[i].prefix);
		/* Hairpin: a container reaching a published port (of another
		 * container on this bridge, or its own) is DNATed back into the
		 * bridge. Without this masquerade the server would answer the
		 * client directly over the bridge from its own address, which the
		 * client does not expect; with it the reply comes back through
		 * the host's conntrack and is un-NATed. */
		fprintf(f, "add rule " T " postrouting oifname \"%s\" ip saddr %s/%u ct status dnat masquerade\n", br,
			net, nets[i].prefix);
		/* The host's own 127.0.0.1:PORT, DNATed in output, leaves with
		 * source 127.0.0.1: the kernel routes such a packet out of a
		 * non-loopback device only with net.ipv4.conf.<bridge>.
		 * route_localnet=1 (fw-sysctl.c), and the container could not
		 * answer 127.0.0.1 (its own loopback): masquerade to the bridge's
		 * address. podman's netavark does the same. */
		fprintf(f, "add rule " T " postrouting oifname \"%s\" ip saddr 127.0.0.0/8 masquerade\n", br);
	}
	/* A packet for 127.0.0.0/8 that comes in by a bridge is an attack:
	 * with route_localnet=1 on the bridge (published ports need it, see
	 * above) the host would take it and hand it to services bound to its
	 * loopback (CVE-2020-8558). Dropped before conntrack and NAT see it;
	 * what the host DNATed from 127.0.0.1 comes back to the bridge's
	 * address, never to 127/8. */
	for (size_t i = 0; i < n; i++)
		fprintf(f, "add rule " T " guard iifname \"%s\" ip daddr 127.0.0.0/8 drop\n", nets[i].bridge);
	/* Forwarding. Into a bridge: replies, what a published port DNATed,
	 * and what comes from the bridge itself (containers of one network
	 * when br_netfilter hands bridged frames to this hook); the rest is
	 * dropped: someone routing to the subnet directly, and new connections
	 * from another network (networks are isolated, as docker's are). Out
	 * of a bridge: anything, once the drops above had their say. */
	for (size_t i = 0; i < n; i++) {
		const char *br = nets[i].bridge;

		fprintf(f, "add rule " T " forward oifname \"%s\" ct state established,related accept\n", br);
		fprintf(f, "add rule " T " forward oifname \"%s\" ct status dnat accept\n", br);
		fprintf(f, "add rule " T " forward oifname \"%s\" iifname != \"%s\" drop\n", br, br);
	}
	for (size_t i = 0; i < n; i++)
		fprintf(f, "add rule " T " forward iifname \"%s\" accept\n", nets[i].bridge);
	return take(f, &buf);
}

char *cgnet_nft_ctr_add_script(const struct cgnet_fw_ctr *c, cg_err_t *err)
{
	char ip[INET_ADDRSTRLEN];
	char *buf = NULL;
	size_t len;
	FILE *f;

	if (!cgnet_ctr_id_valid(c->id))
		return cg_error(err, 0, "container id '%s' cannot name an nft chain", c->id ? c->id : ""), NULL;
	for (size_t i = 0; i < c->nports; i++)
		if (c->ports[i].host_port == 0 || c->ports[i].ctr_port == 0)
			return cg_error(err, 0, "container %s: port %zu has no host port chosen", c->id, i), NULL;
	inet_ntop(AF_INET, &c->ip, ip, sizeof(ip));
	f = memstream(&buf, &len);
	fprintf(f, "add chain " T " " CGNET_NFT_CTR_PREFIX "%s\n", c->id);
	fprintf(f, "flush chain " T " " CGNET_NFT_CTR_PREFIX "%s\n", c->id);
	for (size_t i = 0; i < c->nports; i++) {
		const struct cgnet_port *p = &c->ports[i];
		const char *proto = cgnet_proto_name(p->proto);

		fprintf(f, "add rule " T " " CGNET_NFT_CTR_PREFIX "%s ", c->id);
		if (p->host_ip.s_addr != htonl(INADDR_ANY)) {
			char hip[INET_ADDRSTRLEN];

			inet_ntop(AF_INET, &p->host_ip, hip, sizeof(hip));
			fprintf(f, "ip daddr %s ", hip);
		}
		fprintf(f, "%s dport %u dnat ip to %s:%u\n", proto, p->host_port, ip, p->ctr_port);
	}
	/* Two ports of one container with the same key (host IPs differ)
	 * need one element only; add is idempotent for an identical one. */
	for (size_t i = 0; i < c->nports; i++)
		fprintf(f, "add element " T " publish { %s . %u : jump " CGNET_NFT_CTR_PREFIX "%s }\n",
			cgnet_proto_name(c->ports[i].proto), c->ports[i].host_port, c->id);
	return take(f, &buf);
}

char *cgnet_nft_ctr_del_known_script(const struct cgnet_fw_ctr *c, cg_err_t *err)
{
	char *buf = NULL;
	size_t len;
	FILE *f;

	if (!cgnet_ctr_id_valid(c->id))
		return cg_error(err, 0, "container id '%s' cannot name an nft chain", c->id ? c->id : ""), NULL;
	f = memstream(&buf, &len);
	fprintf(f, "add chain " T " " CGNET_NFT_CTR_PREFIX "%s\n", c->id);
	for (size_t i = 0; i < c->nports; i++)
		fprintf(f, "add element " T " publish { %s . %u : jump " CGNET_NFT_CTR_PREFIX "%s }\n",
			cgnet_proto_name(c->ports[i].proto), c->ports[i].host_port, c->id);
	/* One delete per key: two ports of one container may share a key. */
	for (size_t i = 0; i < c->nports; i++) {
		bool seen = false;

		for (size_t j = 0; j < i && !seen; j++)
			seen = c->ports[j].proto == c->ports[i].proto && c->ports[j].host_port == c->ports[i].host_port;
		if (!seen)
			fprintf(f, "delete element " T " publish { %s . %u }\n", cgnet_proto_name(c->ports[i].proto),
				c->ports[i].host_port);
	}
	fprintf(f, "flush chain " T " " CGNET_NFT_CTR_PREFIX "%s\n", c->id);
	fprintf(f, "delete chain " T " " CGNET_NFT_CTR_PREFIX "%s\n", c->id);
	return take(f, &buf);
}

char *cgnet_nft_ctr_del_script(const struct cgnet_nft_state *st, const char *const *del, size_t n)
{
	char *buf = NULL;
	size_t len;
	FILE *f = memstream(&buf, &len);

	for (size_t i = 0; i < n; i++) {
		char chain[80];
		bool found = false;

		snprintf(chain, sizeof(chain), CGNET_NFT_CTR_PREFIX "%s", del[i]);
		for (size_t j = 0; j < st->nchains && !found; j++)
			found = strcmp(st->chains[j], chain) == 0;
		if (!found)
			continue;
		/* Elements first: a chain still jumped to cannot be deleted. */
		for (size_t j = 0; j < st->nelems; j++)
			if (strcmp(st->elems[j].target, chain) == 0)
				fprintf(f, "delete element " T " publish { %s . %u }\n",
					cgnet_proto_name(st->elems[j].proto), st->elems[j].port);
		fprintf(f, "flush chain " T " %s\n", chain);
		fprintf(f, "delete chain " T " %s\n", chain);
	}
	return take(f, &buf);
}

char *cgnet_nft_teardown_script(void)
{
	/* nft 1.0.6 has no `destroy table`: adding it first makes the delete
	 * succeed when it is absent, in the same transaction. */
	return xstrdup("add table " T "\ndelete table " T "\n");
}

static const char *jstr(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string) ?
		       json_object_get_string(v) : NULL;
}

/* [ {"concat": ["tcp", 8080]}, {"jump": {"target": "ctr-x"}} ] */
static int parse_elem(json_object *e, struct cgnet_nft_elem *out)
{
	json_object *key, *concat, *verdict, *jump, *target;
	const char *proto, *t;

	if (!json_object_is_type(e, json_type_array) || json_object_array_length(e) != 2)
		return -1;
	key = json_object_array_get_idx(e, 0);
	verdict = json_object_array_get_idx(e, 1);
	if (!json_object_object_get_ex(key, "concat", &concat) || !json_object_is_type(concat, json_type_array) ||
	    json_object_array_length(concat) != 2 ||
	    !json_object_object_get_ex(verdict, "jump", &jump) ||
	    !json_object_object_get_ex(jump, "target", &target))
		return -1;
	proto = json_object_get_string(json_object_array_get_idx(concat, 0));
	t = json_object_get_string(target);
	if (proto == NULL || t == NULL || strlen(t) >= sizeof(out->target))
		return -1;
	out->proto = strcmp(proto, "udp") == 0 ? IPPROTO_UDP : IPPROTO_TCP;
	out->port = (uint16_t)json_object_get_int(json_object_array_get_idx(concat, 1));
	strcpy(out->target, t);
	return 0;
}

static int state_add(json_object *item, struct cgnet_nft_state *st)
{
	json_object *o, *elems;

	if (json_object_object_get_ex(item, "table", &o)) {
		st->present = true;
	} else if (json_object_object_get_ex(item, "chain", &o)) {
		const char *name = jstr(o, "name");

		if (name && strncmp(name, CGNET_NFT_CTR_PREFIX, strlen(CGNET_NFT_CTR_PREFIX)) == 0 &&
		    strlen(name) < sizeof(st->chains[0])) {
			st->chains = realloc(st->chains, (st->nchains + 1) * sizeof(st->chains[0]));
			if (st->chains == NULL)
				return -ENOMEM;
			strcpy(st->chains[st->nchains++], name);
		}
	} else if (json_object_object_get_ex(item, "map", &o) && jstr(o, "name") &&
		   strcmp(jstr(o, "name"), "publish") == 0 && json_object_object_get_ex(o, "elem", &elems) &&
		   json_object_is_type(elems, json_type_array)) {
		size_t n = json_object_array_length(elems);

		st->elems = realloc(st->elems, (st->nelems + n) * sizeof(*st->elems));
		if (st->elems == NULL)
			return -ENOMEM;
		for (size_t i = 0; i < n; i++)
			if (parse_elem(json_object_array_get_idx(elems, i), &st->elems[st->nelems]) == 0)
				st->nelems++;
	}
	return 0;
}

int cgnet_nft_parse_state(const char *json, struct cgnet_nft_state *st, cg_err_t *err)
{
	json_object *root, *items;
	int r = 0;

	*st = (struct cgnet_nft_state){ 0 };
	if (json == NULL || json[0] == '\0')
		return 0;
	root = json_tokener_parse(json);
	if (root == NULL || !json_object_object_get_ex(root, "nftables", &items) ||
	    !json_object_is_type(items, json_type_array)) {
		json_object_put(root);
		return cg_error(err, 0, "nft listing of table " T ": not the JSON expected");
	}
	for (size_t i = 0; i < json_object_array_length(items) && r == 0; i++)
		r = state_add(json_object_array_get_idx(items, i), st);
	json_object_put(root);
	if (r < 0) {
		cgnet_nft_state_free(st);
		return cg_error(err, -r, "nft listing of table " T);
	}
	return 0;
}

void cgnet_nft_state_free(struct cgnet_nft_state *st)
{
	free(st->chains);
	free(st->elems);
	*st = (struct cgnet_nft_state){ 0 };
}

size_t cgnet_nft_stale(const struct cgnet_nft_state *st, const char *const *live, size_t nlive,
		       const char **out)
{
	size_t n = 0;

	for (size_t i = 0; i < st->nchains; i++) {
		const char *id = st->chains[i] + strlen(CGNET_NFT_CTR_PREFIX);
		bool alive = false;

		for (size_t j = 0; j < nlive && !alive; j++)
			alive = strcmp(live[j], id) == 0;
		if (!alive)
			out[n++] = id;
	}
	return n;
}

char *cgnet_nft_forward_warning(const char *chains_json, const struct cgnet_fw_net *nets, size_t n)
{
	json_object *root = json_tokener_parse(chains_json ? chains_json : ""), *items;
	char *buf = NULL;
	size_t len;
	FILE *f;
	bool any = false;

	if (root == NULL || !json_object_object_get_ex(root, "nftables", &items) ||
	    !json_object_is_type(items, json_type_array)) {
		json_object_put(root);
		return NULL;
	}
	f = memstream(&buf, &len);
	for (size_t i = 0; i < json_object_array_length(items); i++) {
		json_object *c;
		const char *fam, *table, *name, *hook, *policy;

		if (!json_object_object_get_ex(json_object_array_get_idx(items, i), "chain", &c))
			continue;
		fam = jstr(c, "family"), table = jstr(c, "table"), name = jstr(c, "name");
		hook = jstr(c, "hook"), policy = jstr(c, "policy");
		if (!fam || !table || !name || !hook || !policy || strcmp(hook, "forward") != 0 ||
		    strcmp(policy, "drop") != 0 || (strcmp(fam, "ip") != 0 && strcmp(fam, "inet") != 0) ||
		    (strcmp(fam, "inet") == 0 && strcmp(table, CGNET_NFT_TABLE) == 0))
			continue;
		for (size_t j = 0; j < n; j++) {
			const char *br = nets[j].bridge;

			/* oifname accept is enough: cgrun's own forward chain still
			 * drops what comes into the bridge unasked. */
			fprintf(f, "%sthe forward chain '%s %s %s' has policy drop, so it drops the forwarded traffic "
				"of network bridge %s whatever cgrun's own table accepts (docker sets this policy); "
				"to let it through, add: nft insert rule %s %s %s iifname %s accept; "
				"nft insert rule %s %s %s oifname %s accept",
				any ? "\n" : "", fam, table, name, br, fam, table, name, br, fam, table, name, br);
			if (strcmp(fam, "ip") == 0 && strcmp(table, "filter") == 0 && strcmp(name, "FORWARD") == 0)
				fprintf(f, " (with docker, in its DOCKER-USER chain instead: iptables -I DOCKER-USER "
					"-i %s -j ACCEPT; iptables -I DOCKER-USER -o %s -j ACCEPT)", br, br);
			any = true;
		}
	}
	json_object_put(root);
	buf = take(f, &buf);
	if (!any) {
		free(buf);
		return NULL;
	}
	return buf;
}
