/* slirp.c - slirp4netns's argv, API JSON and record (slirp.h). */
#include "config.h"

#include "slirp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

char **cg_slirp_argv(const struct cg_slirp_args *a)
{
	char **v = NULL;
	char buf[64];

	cg_strv_push(&v, a->prog);
	cg_strv_push(&v, "--configure");
	snprintf(buf, sizeof(buf), "--mtu=%d", CG_SLIRP_MTU);
	cg_strv_push(&v, buf);
	/* 10.0.2.2 would otherwise reach the host's loopback services. */
	cg_strv_push(&v, "--disable-host-loopback");
	if (a->sandbox) {
		cg_strv_push(&v, "--enable-sandbox");
		cg_strv_push(&v, "--enable-seccomp");
	}
	cg_strv_push(&v, "--api-socket");
	cg_strv_push(&v, a->api_socket);
	snprintf(buf, sizeof(buf), "--exit-fd=%d", a->exit_fd);
	cg_strv_push(&v, buf);
	snprintf(buf, sizeof(buf), "--ready-fd=%d", a->ready_fd);
	cg_strv_push(&v, buf);
	/* A path, not a pid: slirp4netns then joins the network namespace
	 * only, never the container's user namespace. */
	cg_strv_push(&v, "--netns-type=path");
	cg_strv_push(&v, a->netns);
	cg_strv_push(&v, CG_SLIRP_TAP);
	return v;
}

char *cg_slirp_hostfwd_request(const struct cgnet_port *p)
{
	struct json_object *o = json_object_new_object(), *args = json_object_new_object();
	char ip[INET_ADDRSTRLEN];
	char *text;

	inet_ntop(AF_INET, &p->host_ip, ip, sizeof(ip));
	json_object_object_add(o, "execute", json_object_new_string("add_hostfwd"));
	json_object_object_add(args, "proto", json_object_new_string(cgnet_proto_name(p->proto)));
	json_object_object_add(args, "host_addr", json_object_new_string(ip));
	json_object_object_add(args, "host_port", json_object_new_int(p->host_port));
	json_object_object_add(args, "guest_port", json_object_new_int(p->ctr_port));
	json_object_object_add(o, "arguments", args);
	text = xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return text;
}

int cg_slirp_reply_parse(const char *text, cg_err_t *err)
{
	struct json_object *o = json_tokener_parse(text), *v, *desc;
	int r;

	if (o == NULL || !json_object_is_type(o, json_type_object))
		r = cg_error(err, 0, "slirp4netns: a reply that is not a JSON object");
	else if (json_object_object_get_ex(o, "return", &v))
		r = 0;
	else if (json_object_object_get_ex(o, "error", &v) && json_object_object_get_ex(v, "desc", &desc) &&
		 json_object_is_type(desc, json_type_string))
		r = cg_error(err, 0, "slirp4netns: %s", json_object_get_string(desc));
	else
		r = cg_error(err, 0, "slirp4netns: a reply with neither return nor error.desc");
	json_object_put(o);
	return r;
}

char *cg_slirp_record_format(pid_t pid, unsigned long long start)
{
	return xasprintf("%d %llu\n", (int)pid, start);
}

int cg_slirp_record_parse(const char *text, pid_t *pid, unsigned long long *start, cg_err_t *err)
{
	int p, n = 0;
	unsigned long long s;

	if (sscanf(text, "%d %llu%n", &p, &s, &n) != 2 || p <= 0 || (text[n] != '\0' && strcmp(text + n, "\n")))
		return cg_error(err, 0, "slirp4netns record '%.40s': expected 'PID START'", text);
	*pid = p;
	*start = s;
	return 0;
}
