/* inspect.c - what `cgrun inspect` shows of a container, the same whether
 * the CLI reads the store itself or asks cgrund: its record as the codec
 * reads it, its image's Labels, ExposedPorts and StopSignal (docker's
 * "Config"), where its cgroups are, and where its log goes. */
#include "config.h"

#include "inspect.h"

#include <json-c/json.h>
#include <string.h>

#include "netmode.h"
#include "secopt.h"

/* The security options as docker users look for them; the profile's text
 * itself stays out (it is in the record, config.json): its file and digest
 * say which one it is. */
static struct json_object *security_json(const struct cg_spec *s)
{
	struct json_object *o = json_object_new_object();
	cleanup_free char *digest = cg_spec_seccomp_digest(s);

	json_object_object_add(o, "seccomp", json_object_new_string(cg_spec_seccomp_mode(s)));
	if (digest) {
		json_object_object_add(o, "seccomp_profile",
				       json_object_new_string(s->seccomp_path ? s->seccomp_path : ""));
		json_object_object_add(o, "seccomp_digest", json_object_new_string(digest));
	}
	json_object_object_add(o, "no_new_privileges", json_object_new_boolean(s->no_new_privs));
	return o;
}

/* What its image's config says beyond the command, as docker's inspect
 * shows it (Config.Labels, Config.ExposedPorts, Config.StopSignal). */
static struct json_object *image_config_json(const struct cg_container *c)
{
	struct json_object *o = json_object_new_object();
	struct json_object *labels = json_object_new_object(), *ports = json_object_new_object();

	for (size_t i = 0; c->image.labels && c->image.labels[i]; i++) {
		const char *kv = c->image.labels[i], *eq = strchr(kv, '=');
		cleanup_free char *k = xasprintf("%.*s", eq ? (int)(eq - kv) : (int)strlen(kv), kv);

		json_object_object_add(labels, k, json_object_new_string(eq ? eq + 1 : ""));
	}
	for (size_t i = 0; c->image.exposed_ports && c->image.exposed_ports[i]; i++)
		json_object_object_add(ports, c->image.exposed_ports[i], json_object_new_object());
	json_object_object_add(o, "Labels", labels);
	json_object_object_add(o, "ExposedPorts", ports);
	if (c->image.stop_signal)
		json_object_object_add(o, "StopSignal", json_object_new_string(c->image.stop_signal));
	return o;
}

/* Its network as docker's NetworkSettings shows it: the mode always, the
 * address, gateway and MAC while it has them (a bridge network, running),
 * and its published ports (on slirp4netns too, which gives it no address
 * of ours). */
static struct json_object *network_json(const struct cg_record *r)
{
	struct json_object *o = json_object_new_object();
	const struct cg_net_attachment *n = &r->net;
	char a[CG_IP4_STRLEN], mac[CG_MAC_STRLEN];

	json_object_object_add(o, "NetworkMode",
			       json_object_new_string(r->spec.network ? r->spec.network : CG_NETWORK_UNRECORDED));
	if (n->addr == 0) {
		if (r->ports.n)
			json_object_object_add(o, "Ports", cg_ports_to_json(r->ports.v, r->ports.n));
		return o;
	}
	json_object_object_add(o, "Bridge", json_object_new_string(n->bridge[0] ? n->bridge : CG_BRIDGE_LINK));
	json_object_object_add(o, "IPAddress", json_object_new_string(cg_ip4_format(n->addr, a)));
	json_object_object_add(o, "IPPrefixLen", json_object_new_int((int)n->prefix));
	json_object_object_add(o, "Gateway", json_object_new_string(cg_ip4_format(n->gateway, a)));
	json_object_object_add(o, "MacAddress", json_object_new_string(cg_mac_format(n->mac, mac)));
	json_object_object_add(o, "HostVeth", json_object_new_string(n->host_veth));
	json_object_object_add(o, "Ports", cg_ports_to_json(r->ports.v, r->ports.n));
	return o;
}

struct json_object *cg_container_inspect(const struct cg_container *c, cg_err_t *err)
{
	struct cg_record r;
	struct json_object *o, *paths, *spec;

	cg_record_init(&r);
	if (cg_record_read(c->ctx, c->id, &r, err) < 0) {
		cg_record_free(&r);
		return NULL;
	}
	o = cg_record_to_json(&r);
	json_object_object_add(o, "security", security_json(&r.spec));
	json_object_object_add(o, "Config", image_config_json(c));
	json_object_object_add(o, "NetworkSettings", network_json(&r));
	if (json_object_object_get_ex(o, "spec", &spec))
		json_object_object_del(spec, "seccomp_profile");
	cg_record_free(&r);
	paths = json_object_new_object();
	if (c->made_cgroup) {
		for (int i = 0; i < CG_NCTRL; i++)
			if (c->cg.path[i])
				json_object_object_add(paths, cg_ctrl_name(i), json_object_new_string(c->cg.path[i]));
		if (c->cg.unified_path)
			json_object_object_add(paths, "unified", json_object_new_string(c->cg.unified_path));
	}
	json_object_object_add(o, "cgroup_paths", paths);
	cleanup_free char *log = xasprintf("%s/container.log", c->dir);

	json_object_object_add(o, "log_path", json_object_new_string(log));
	return o;
}
