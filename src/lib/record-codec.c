/* record-codec.c - config.json <-> struct cg_record (see record-codec.h). */
#include "config.h"

#include "record-codec.h"

#include <arpa/inet.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "json-util.h"
#include "netmode.h"
#include "proto.h"
#include "store.h"

void cg_record_init(struct cg_record *r)
{
	memset(r, 0, sizeof(*r));
	cg_spec_init(&r->spec);
	r->exit_code = -1;
	r->state = CG_STATE_CREATED;
}

void cg_record_free(struct cg_record *r)
{
	cg_spec_free(&r->spec);
	free(r->argv);
	free(r->cgroups);
	cgnet_ports_free(&r->ports);
	json_object_put(r->json);
	memset(r, 0, sizeof(*r));
	r->exit_code = -1;
}

static void add_str(struct json_object *o, const char *k, const char *v)
{
	if (v)
		json_object_object_add(o, k, json_object_new_string(v));
}

/* Its bridge network, as inspect shows it (docker's NetworkSettings). */
static struct json_object *net_json(const struct cg_net_attachment *n, const char *network)
{
	struct json_object *o = json_object_new_object();
	char a[CG_IP4_STRLEN], mac[CG_MAC_STRLEN];

	add_str(o, "name", network ? network : CG_NETWORK_BRIDGE);
	json_object_object_add(o, "ip_address", json_object_new_string(cg_ip4_format(n->addr, a)));
	json_object_object_add(o, "prefix", json_object_new_int((int)n->prefix));
	json_object_object_add(o, "gateway", json_object_new_string(cg_ip4_format(n->gateway, a)));
	json_object_object_add(o, "mac_address", json_object_new_string(cg_mac_format(n->mac, mac)));
	json_object_object_add(o, "host_veth", json_object_new_string(n->host_veth));
	add_str(o, "bridge", n->bridge[0] ? n->bridge : NULL);
	return o;
}

struct json_object *cg_ports_to_json(const struct cgnet_port *v, size_t n)
{
	struct json_object *o = json_object_new_object();

	for (size_t i = 0; i < n; i++) {
		char key[16], ip[INET_ADDRSTRLEN], port[8];
		struct json_object *a, *b = json_object_new_object();

		snprintf(key, sizeof(key), "%u/%s", v[i].ctr_port, cgnet_proto_name(v[i].proto));
		snprintf(port, sizeof(port), "%u", v[i].host_port);
		inet_ntop(AF_INET, &v[i].host_ip, ip, sizeof(ip));
		json_object_object_add(b, "HostIp", json_object_new_string(ip));
		json_object_object_add(b, "HostPort", json_object_new_string(port));
		if (!json_object_object_get_ex(o, key, &a)) {
			a = json_object_new_array();
			json_object_object_add(o, key, a);
		}
		json_object_array_add(a, b);
	}
	return o;
}

struct json_object *cg_record_to_json(const struct cg_record *r)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "id", json_object_new_string(r->id));
	add_str(o, "name", r->spec.name);
	add_str(o, "image", r->spec.image);
	json_object_object_add(o, "argv", cg_json_new_strv((const char *const *)r->argv));
	json_object_object_add(o, "hostname", json_object_new_string(r->hostname));
	json_object_object_add(o, "spec", cg_spec_to_json(&r->spec));
	json_object_object_add(o, "state", json_object_new_string(cg_state_name(r->state)));
	json_object_object_add(o, "exit_code", json_object_new_int(r->exit_code));
	json_object_object_add(o, "oom_killed", json_object_new_boolean(r->oom_killed));
	json_object_object_add(o, "restarts", json_object_new_int(r->restarts));
	json_object_object_add(o, "created", json_object_new_int64(r->created));
	json_object_object_add(o, "started", json_object_new_int64(r->started));
	json_object_object_add(o, "finished", json_object_new_int64(r->finished));
	json_object_object_add(o, "pid", json_object_new_int(r->pid > 0 ? r->pid : 0));
	json_object_object_add(o, "pid_start", json_object_new_int64((int64_t)r->pid_start));
	/* Who looks after the container. A foreground cgrun's container dies
	 * with it (PDEATHSIG) and the next cgrun cleans up; cgrund's outlive
	 * it and are re-adopted. */
	json_object_object_add(o, "owner", json_object_new_string(r->by_cgrund ? "cgrund" : "cgrun"));
	json_object_object_add(o, "owner_pid", json_object_new_int(r->owner_pid));
	json_object_object_add(o, "owner_start", json_object_new_int64((int64_t)r->owner_start));
	json_object_object_add(o, "cgroup_mode", json_object_new_string(r->cgroup_mode ? r->cgroup_mode : "unknown"));
	add_str(o, "cgroup_manager", r->cgroup_manager);
	if (r->idmap.count) {
		struct json_object *m = json_object_new_object();

		json_object_object_add(m, "uid", json_object_new_int64(r->idmap.uid));
		json_object_object_add(m, "gid", json_object_new_int64(r->idmap.gid));
		json_object_object_add(m, "count", json_object_new_int64(r->idmap.count));
		json_object_object_add(o, "idmap", m);
	}
	if (r->net.addr)
		json_object_object_add(o, "network", net_json(&r->net, r->spec.network));
	if (r->ports.n)
		json_object_object_add(o, "ports", cg_ports_to_json(r->ports.v, r->ports.n));
	if (r->cgroups) {
		json_object_object_add(o, "cgroups", cg_json_new_strv(r->cgroups));
		add_str(o, "events", r->events);
		add_str(o, "scope", r->scope);
	}
	return o;
}

/* Field readers: a missing or null field leaves *out as it is; a field of
 * the wrong type damages the record. */
static int str_field(struct json_object *o, const char *k, const char **out, cg_err_t *err)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, k, &v) || json_object_is_type(v, json_type_null))
		return 0;
	if (!json_object_is_type(v, json_type_string))
		return cg_error(err, 0, "field '%s' is not a string", k);
	*out = json_object_get_string(v);
	return 0;
}

static int int_field(struct json_object *o, const char *k, int64_t *out, cg_err_t *err)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, k, &v) || json_object_is_type(v, json_type_null))
		return 0;
	if (!json_object_is_type(v, json_type_int))
		return cg_error(err, 0, "field '%s' is not an integer", k);
	*out = json_object_get_int64(v);
	return 0;
}

static int bool_field(struct json_object *o, const char *k, bool *out, cg_err_t *err)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, k, &v) || json_object_is_type(v, json_type_null))
		return 0;
	if (!json_object_is_type(v, json_type_boolean))
		return cg_error(err, 0, "field '%s' is not true or false", k);
	*out = json_object_get_boolean(v);
	return 0;
}

/* A NULL-terminated array of the strings of array field k (borrowed). */
static int strv_field(struct json_object *o, const char *k, bool want, char ***out, cg_err_t *err)
{
	struct json_object *v;
	size_t n;

	if (!json_object_object_get_ex(o, k, &v) || json_object_is_type(v, json_type_null)) {
		*out = want ? xcalloc(1, sizeof(char *)) : NULL;
		return 0;
	}
	if (!json_object_is_type(v, json_type_array))
		return cg_error(err, 0, "field '%s' is not an array", k);
	n = json_object_array_length(v);
	*out = xcalloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(v, i);

		if (!json_object_is_type(e, json_type_string))
			return cg_error(err, 0, "field '%s' holds a non-string", k);
		(*out)[i] = (char *)json_object_get_string(e);
	}
	return 0;
}

/* "idmap": {"uid", "gid", "count"}, ids of 32 bits, count > 0. */
static int idmap_field(struct json_object *o, struct cg_idmap *m, cg_err_t *err)
{
	struct json_object *v;
	int64_t uid = -1, gid = -1, count = -1;

	if (!json_object_object_get_ex(o, "idmap", &v) || json_object_is_type(v, json_type_null))
		return 0;
	if (!json_object_is_type(v, json_type_object))
		return cg_error(err, 0, "field 'idmap' is not an object");
	if (int_field(v, "uid", &uid, err) < 0 || int_field(v, "gid", &gid, err) < 0 ||
	    int_field(v, "count", &count, err) < 0)
		return -1;
	if (uid < 0 || gid < 0 || count <= 0 || uid + count > (int64_t)UINT32_MAX + 1 ||
	    gid + count > (int64_t)UINT32_MAX + 1)
		return cg_error(err, 0, "field 'idmap' does not hold a range of ids");
	*m = (struct cg_idmap){ (uint32_t)uid, (uint32_t)gid, (uint32_t)count };
	return 0;
}

static int net_field(struct json_object *o, struct cg_net_attachment *n, cg_err_t *err)
{
	struct json_object *v;
	const char *ip = NULL, *gw = NULL, *mac = NULL, *veth = NULL, *bridge = CG_BRIDGE_LINK;
	int64_t prefix = -1;
	unsigned m[6];
	int end = 0;

	if (!json_object_object_get_ex(o, "network", &v) || json_object_is_type(v, json_type_null))
		return 0;
	if (!json_object_is_type(v, json_type_object))
		return cg_error(err, 0, "field 'network' is not an object");
	if (str_field(v, "ip_address", &ip, err) < 0 || str_field(v, "gateway", &gw, err) < 0 ||
	    str_field(v, "mac_address", &mac, err) < 0 || str_field(v, "host_veth", &veth, err) < 0 ||
	    str_field(v, "bridge", &bridge, err) < 0 || strlen(bridge) >= sizeof(n->bridge) ||
	    int_field(v, "prefix", &prefix, err) < 0)
		return -1;
	if (ip == NULL || gw == NULL || mac == NULL || veth == NULL || strlen(veth) >= sizeof(n->host_veth) ||
	    prefix < 8 || prefix > 30 || cg_ip4_parse(ip, &n->addr, err) < 0 || cg_ip4_parse(gw, &n->gateway, err) < 0 ||
	    sscanf(mac, "%2x:%2x:%2x:%2x:%2x:%2x%n", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5], &end) != 6 ||
	    mac[end] != '\0') {
		memset(n, 0, sizeof(*n));
		return cg_error(err, 0, "field 'network' does not hold an address, gateway, mac and veth");
	}
	n->prefix = (unsigned)prefix;
	for (int i = 0; i < 6; i++)
		n->mac[i] = (unsigned char)m[i];
	snprintf(n->host_veth, sizeof(n->host_veth), "%s", veth);
	snprintf(n->bridge, sizeof(n->bridge), "%s", bridge);
	return 0;
}

/* cg_ports_to_json's, back: each entry becomes "IP:HOSTPORT:CTRPORT/PROTO"
 * for cgnet_port_parse, the one reader of ports. */
int cg_ports_from_json(struct json_object *v, struct cgnet_ports *ports, cg_err_t *err)
{
	if (!json_object_is_type(v, json_type_object))
		return cg_error(err, 0, "field 'ports' is not an object");
	json_object_object_foreach(v, key, a) {
		if (!json_object_is_type(a, json_type_array))
			return cg_error(err, 0, "field 'ports' holds a port that is not a list");
		for (size_t i = 0; i < json_object_array_length(a); i++) {
			struct json_object *b = json_object_array_get_idx(a, i);
			const char *ip = NULL, *hp = NULL;
			cleanup_free char *spec = NULL;

			if (str_field(b, "HostIp", &ip, err) < 0 || str_field(b, "HostPort", &hp, err) < 0)
				return -1;
			if (ip == NULL || hp == NULL)
				return cg_error(err, 0, "field 'ports' has an entry without HostIp and HostPort");
			spec = xasprintf("%s:%s:%s", ip, hp, key);
			if (cgnet_port_parse(spec, ports, err) < 0)
				return cg_error_wrap(err, "field 'ports'");
		}
	}
	return 0;
}

static int ports_field(struct json_object *o, struct cgnet_ports *ports, cg_err_t *err)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, "ports", &v) || json_object_is_type(v, json_type_null))
		return 0;
	return cg_ports_from_json(v, ports, err);
}

int cg_record_from_json(struct json_object *o, struct cg_record *r, cg_err_t *err)
{
	struct json_object *spec;
	const char *s = NULL, *state = NULL, *owner = NULL;
	int64_t exit_code = -1, restarts = 0, pid = 0, pid_start = 0, owner_pid = 0, owner_start = 0;

	cg_record_free(r);
	r->json = o;
	if (!json_object_is_type(o, json_type_object))
		return cg_error(err, 0, "not a JSON object");
	if (!json_object_object_get_ex(o, "spec", &spec))
		return cg_error(err, 0, "no field 'spec'");
	if (cg_spec_from_json(spec, &r->spec, err) < 0)
		return -1;
	if (str_field(o, "id", &s, err) < 0)
		return -1;
	if (s == NULL || strlen(s) != 64)
		return cg_error(err, 0, "field 'id' is not a container id");
	memcpy(r->id, s, 65);
	s = NULL;
	if (str_field(o, "hostname", &s, err) < 0 || str_field(o, "state", &state, err) < 0 ||
	    str_field(o, "owner", &owner, err) < 0 ||
	    str_field(o, "cgroup_mode", &r->cgroup_mode, err) < 0 ||
	    str_field(o, "cgroup_manager", &r->cgroup_manager, err) < 0 ||
	    str_field(o, "scope", &r->scope, err) < 0 || str_field(o, "events", &r->events, err) < 0 ||
	    int_field(o, "exit_code", &exit_code, err) < 0 || int_field(o, "restarts", &restarts, err) < 0 ||
	    int_field(o, "created", &r->created, err) < 0 || int_field(o, "started", &r->started, err) < 0 ||
	    int_field(o, "finished", &r->finished, err) < 0 || int_field(o, "pid", &pid, err) < 0 ||
	    int_field(o, "pid_start", &pid_start, err) < 0 ||
	    int_field(o, "owner_pid", &owner_pid, err) < 0 ||
	    int_field(o, "owner_start", &owner_start, err) < 0 ||
	    bool_field(o, "oom_killed", &r->oom_killed, err) < 0 ||
	    strv_field(o, "argv", true, &r->argv, err) < 0 ||
	    strv_field(o, "cgroups", false, (char ***)&r->cgroups, err) < 0)
		return -1;
	if (idmap_field(o, &r->idmap, err) < 0 || net_field(o, &r->net, err) < 0 || ports_field(o, &r->ports, err) < 0)
		return -1;
	snprintf(r->hostname, sizeof(r->hostname), "%s", s ? s : "");
	r->state = cg_state_from_name(state);
	r->exit_code = (int)exit_code;
	r->restarts = (int)restarts;
	if (pid < 0 || pid > INT32_MAX || owner_pid < 0 || owner_pid > INT32_MAX)
		return cg_error(err, 0, "field 'pid' or 'owner_pid' is not a pid");
	r->pid = (pid_t)pid;
	r->pid_start = (unsigned long long)pid_start;
	r->by_cgrund = owner && !strcmp(owner, "cgrund");
	r->owner_pid = (pid_t)owner_pid;
	r->owner_start = (unsigned long long)owner_start;
	return 0;
}

int cg_record_read(const struct cg_ctx *ctx, const char *id, struct cg_record *r, cg_err_t *err)
{
	cleanup_free char *dir = cg_containers_dir(ctx);
	cleanup_free char *path = xasprintf("%s/%s/config.json", dir, id);
	cleanup_free char *text = NULL;
	struct json_object *o;

	cg_record_init(r);
	if (strlen(id) != 64 || strchr(id, '/'))
		return cg_error(err, ENOENT, "no container record %.64s", id);
	if (read_file(path, &text, 1 << 20, err) < 0)
		return -1;
	if ((o = json_tokener_parse(text)) == NULL)
		return cg_error(err, 0, "damaged container record %s: not JSON", path);
	if (cg_record_from_json(o, r, err) < 0)
		return cg_error_wrap(err, "damaged container record %s", path);
	return 0;
}

int cg_record_write(const char *dir, const struct cg_record *r, cg_err_t *err)
{
	cleanup_free char *path = xasprintf("%s/config.json", dir);
	struct json_object *o = cg_record_to_json(r);
	int ret = write_file_atomic(path, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY),
				    0600, err);

	json_object_put(o);
	return ret;
}
