/* spawnerd.c - cgrund's side of its spawner (src/lib/spawner.h): started
 * before any container is loaded, its pid in RUN_DIR/spawner.pid and the
 * log, started again when it ends. */
#include "config.h"

#include "cgrund.h"
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void note_pid(struct daemon *d, pid_t pid)
{
	cleanup_free char *path = xasprintf("%s/spawner.pid", d->ctx.run_dir);
	char buf[32];
	cg_err_t err = { 0 };

	if (pid <= 0) {
		unlink(path);
		return;
	}
	snprintf(buf, sizeof(buf), "%d\n", (int)pid);
	if (write_file_atomic(path, buf, 0644, &err) < 0)
		log_msg(4, "%s", err.msg);
}

static void on_restart(void *data, pid_t pid, const char *why)
{
	struct daemon *d = data;

	note_pid(d, pid);
	if (pid > 0)
		log_msg(4, "%s: spawner restarted (pid %d)", why, (int)pid);
	else
		log_msg(3, "%s: the spawner could not be restarted; the next start tries again", why);
}

int spawner_up(struct daemon *d, cg_err_t *err)
{
	d->spawner.on_restart = on_restart;
	d->spawner.on_restart_data = d;
	if (cg_spawner_start(&d->spawner, err) < 0)
		return -1;
	d->ctx.spawner = &d->spawner;
	note_pid(d, d->spawner.pid);
	log_msg(6, "spawner up (pid %d)", (int)d->spawner.pid);
	return 0;
}

bool spawner_reaped(struct daemon *d, pid_t pid, int wstatus)
{
	return d->ctx.spawner && cg_spawner_reaped(&d->spawner, pid, wstatus);
}

void spawner_down(struct daemon *d)
{
	if (d->ctx.spawner == NULL)
		return;
	d->ctx.spawner = NULL;
	cg_spawner_stop(&d->spawner);
	note_pid(d, -1);
}
