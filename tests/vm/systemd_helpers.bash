# shellcheck shell=bash
# systemd_helpers.bash - what the systemd-mode VM files share (stock-host.bats,
# systemd-hybrid.bats, systemd-units.bats): the installed cgrun, commands run from where
# users are, waiting, and the check that nothing of a container is left.

INSTALL=/mnt/cgrun/install

# What `make install` puts on a machine (tests/vm/run puts a DESTDIR install of the build in
# the share), then what its install hook does: the group. The user's own cgrun, from PATH,
# with its own choice of manager. (tar, not cp -a: /lib is a symlink to usr/lib on a
# merged-/usr Debian.)
install_cgrun() {
	[ -d "$INSTALL" ] || skip "no install tree in the share (tests/vm/run makes one)"
	tar -C "$INSTALL" -cf - . | tar -C / -xf - --keep-directory-symlink --no-overwrite-dir
	getent group cgrun > /dev/null || groupadd -r cgrun
	systemctl daemon-reload
	export PATH=/usr/local/bin:/usr/local/sbin:$PATH
	unset CGRUN_CGROUP_MANAGER CGRUN_STORE_DIR CGRUN_RUN_DIR
	cgrun image import --replace --busybox busybox > /dev/null
}

# user CMD...: CMD as a user types it at a login shell, in a scope of user.slice (no
# delegation, no controllers of its own: what a session scope is).
user() {
	systemd-run --quiet --scope --slice=user.slice --collect -- "$@"
}

# tester CMD...: the same as the non-root member of group cgrun, "tester".
tester() {
	user setpriv --reuid=tester --regid=tester --init-groups --reset-env -- "$@"
}

scope_units() { systemctl list-units --all --plain --no-legend 'cgrun-*.scope' | awk '{ print $1 }'; }

# wait_for SECONDS COMMAND...: until COMMAND succeeds, at most SECONDS.
wait_for() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.1
	done
}

# nothing_left: no container record, state dir, scope unit, container cgroup (a scope's in any
# hierarchy, or a cgroupfs one) or overlay mount.
nothing_left() {
	local left
	left=$(ls /var/lib/cgrun/containers /run/cgrun/containers 2> /dev/null | grep -E '^[0-9a-f]{64}$' || true)
	[ -z "$left" ] || { echo "records left: $left"; return 1; }
	left=$(find /sys/fs/cgroup -type d -regextype egrep -regex '.*/(cgrun-[0-9a-f]{64}.*\.scope|[0-9a-f]{64})' 2> /dev/null)
	[ -z "$left" ] || { echo "cgroups left: $left"; return 1; }
	left=$(grep -F /var/lib/cgrun/containers /proc/self/mountinfo || true)
	[ -z "$left" ] || { echo "mounts left: $left"; return 1; }
	left=$(scope_units)
	[ -z "$left" ] || { echo "scopes left: $left"; return 1; }
}

# A test's background jobs (pids in BG) and containers go, even when it failed.
clean_up_after_test() {
	local id
	touch "$BATS_TEST_TMPDIR/stop"
	for id in ${BG:-}; do
		kill "$id" 2> /dev/null || true
		wait "$id" 2> /dev/null || true
	done
	for id in $(cgrun ps -a -q 2> /dev/null); do
		cgrun rm -f "$id" > /dev/null 2>&1 || true
	done
	wait_for 10 nothing_left || true
}
