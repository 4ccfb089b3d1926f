/* scopes.c - cgrund's side of systemd scopes: whether to use them, and
 * starting one over sd-bus (registered with cg_systemd_set_scope_starter,
 * so the cgrun client does not load libsystemd and its dependencies). */
#include "config.h"

#include "scopes.h"

#include <errno.h>
#include <string.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-login.h>
#include <time.h>
#include <unistd.h>

#include "cgroup-systemd.h"

bool cg_systemd_scopes_possible(void)
{
	return sd_booted() > 0 && access("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0;
}

bool cg_systemd_scopes_wanted(void)
{
	cleanup_free char *unit = NULL;

	if (!cg_systemd_scopes_possible() || getppid() != 1)
		return false;
	if (sd_pid_get_unit(0, &unit) < 0 || unit == NULL)
		return false;
	return strlen(unit) > 8 && !strcmp(unit + strlen(unit) - 8, ".service");
}

static sd_bus *bus;

/* How long systemd may take to move a container into its new scope. */
#define SCOPE_MOVE_TIMEOUT_S 10

static bool in_scope(pid_t pid, const char *rel)
{
	cleanup_free char *path = xasprintf("/proc/%d/cgroup", (int)pid);
	cleanup_free char *text = NULL, *want = xasprintf("0::/%s\n", rel);
	cg_err_t ignore = { 0 };

	return read_file(path, &text, 65536, &ignore) == 0 && strstr(text, want) != NULL;
}

int cgrund_start_scope(const char *unit, const char *description, pid_t pid, cg_err_t *err)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	sd_bus_message *m = NULL, *reply = NULL;
	char rel[160];
	int r;

	snprintf(rel, sizeof(rel), "%s/%s", CG_SCOPE_SLICE, unit);
	if (bus == NULL && (r = sd_bus_open_system(&bus)) < 0)
		return cg_error(err, -r, "connecting to systemd over D-Bus");
	r = sd_bus_message_new_method_call(bus, &m, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
					   "org.freedesktop.systemd1.Manager", "StartTransientUnit");
	if (r >= 0)
		r = sd_bus_message_append(m, "ss", unit, "fail");
	if (r >= 0)
		r = sd_bus_message_open_container(m, 'a', "(sv)");
	if (r >= 0)
		r = sd_bus_message_append(m, "(sv)(sv)(sv)(sv)(sv)",
					  "Description", "s", description,
					  "Slice", "s", CG_SCOPE_SLICE,
					  "Delegate", "b", 1,
					  "CollectMode", "s", "inactive-or-failed",
					  "PIDs", "au", 1, (uint32_t)pid);
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	if (r >= 0)
		r = sd_bus_message_append(m, "a(sa(sv))", 0);
	if (r >= 0)
		r = sd_bus_call(bus, m, 0, &error, &reply);
	if (r < 0) {
		cg_error(err, 0, "asking systemd for scope %s: %s", unit,
			 error.message ? error.message : strerror(-r));
		sd_bus_error_free(&error);
		sd_bus_message_unref(m);
		sd_bus_message_unref(reply);
		/* A broken connection is reopened next time. */
		bus = sd_bus_flush_close_unref(bus);
		return -1;
	}
	sd_bus_message_unref(m);
	sd_bus_message_unref(reply);
	/* The job moves the pid; wait for the kernel to show it. Usually well
	 * under a millisecond, but a loaded systemd can take seconds (a restart
	 * failed here with the old 1 s bound, three test VMs sharing two CPUs):
	 * look again after 0.5 ms, doubling up to 20 ms, for at most 10 s. */
	struct timespec start, now;
	long nap_ns = 500 * 1000;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		if (in_scope(pid, rel))
			return 0;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec >= SCOPE_MOVE_TIMEOUT_S)
			break;
		nanosleep(&(struct timespec){ .tv_nsec = nap_ns }, NULL);
		if (nap_ns < 20 * 1000 * 1000)
			nap_ns *= 2;
	}
	return cg_error(err, ETIMEDOUT, "systemd did not move the container into %s within %d s", unit,
			SCOPE_MOVE_TIMEOUT_S);
}
