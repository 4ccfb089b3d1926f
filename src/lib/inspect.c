/* inspect.c - what `cgrun inspect` shows of a container, the same whether
 * the CLI reads the store itself or asks cgrund: its record as the codec
 * reads it, where its cgroups are, and where its log goes. */
#include "config.h"

#include "inspect.h"

#include <json-c/json.h>

struct json_object *cg_container_inspect(const struct cg_container *c, cg_err_t *err)
{
	struct cg_record r;
	struct json_object *o, *paths;

	cg_record_init(&r);
	if (cg_record_read(c->ctx, c->id, &r, err) < 0) {
		cg_record_free(&r);
		return NULL;
	}
	o = cg_record_to_json(&r);
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
