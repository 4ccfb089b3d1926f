#!/usr/bin/env bats
# systemd mode only (tests/vm/guest-tests runs it after the suite): cgrun installed the way
# `make install` does it (tests/vm/run puts a DESTDIR install of the build in the share), then
# its units driven by systemd as PID 1: socket activation by the first `cgrun ps`, READY and
# the watchdog, `systemctl start cgrun@demo` with its limits in a delegated scope,
# `systemctl restart cgrund` and a SIGKILLed cgrund keeping the container, --restart under
# scopes, `systemctl stop cgrun@demo` leaving nothing. Every test cleans up in teardown.

load systemd_helpers

# Helpers called from a test run without bats' DEBUG trap (see cg_untrace in
# tests/integration/common.bash: the trap makes every command of a helper cost ~5 ms here).
setup() {
	set +T
}

setup_file() {
	install_cgrun
}

teardown_file() {
	local id
	if systemctl is-active -q cgrund.service; then
		for id in $(cgrun ps -a 2> /dev/null | awk 'NR > 1 { print $1 }'); do
			cgrun rm -f "$id" > /dev/null 2>&1 || true
		done
	fi
	systemctl stop cgrun@demo.service cgrund.service cgrund.socket 2> /dev/null || true
	rm -rf /etc/systemd/system/cgrund.service.d /etc/cgrun/containers/demo.conf
	systemctl daemon-reload || true
}

# What a failing restart test shows: the container's record and cgrund's log.
restart_state() {
	echo "--- cgrun inspect $1"; cgrun inspect "$1" 2>&1
	echo "--- cgrund's journal"; journalctl --no-pager -o short-monotonic -u cgrund.service | tail -40
}

# What a failing test shows: the containers, the units, their journals.
show_state() {
	echo "--- cgrun ps -a"; cgrun ps -a 2>&1
	echo "--- cgrun inspect demo"; cgrun inspect demo 2>&1 | head -40
	echo "--- systemctl status"; systemctl status --no-pager -l cgrund.service 'cgrun@*' 'cgrun-*.scope' 2>&1 | head -60
	echo "--- journal"; journalctl --no-pager -n 60 -u cgrund.service -u cgrun@demo.service 2>&1
}

# Every test ends with no container and cgrun@demo stopped, whatever happened.
teardown() {
	local id
	systemctl stop cgrun@demo.service 2> /dev/null || true
	if systemctl is-active -q cgrund.service; then
		for id in $(cgrun ps -a 2> /dev/null | awk 'NR > 1 { print $1 }'); do
			cgrun rm -f "$id" > /dev/null 2>&1 || true
		done
	fi
}

main_pid() { systemctl show -P MainPID cgrund.service; }
demo_state() { cgrun inspect demo 2> /dev/null | jq -r '.[0].state'; }
demo_running() { [ "$(demo_state)" = running ]; }

@test "the installed units pass systemd-analyze verify" {
	for u in cgrund.service cgrund.socket cgrun@.service; do
		[ -f "/lib/systemd/system/$u" ] || [ -f "/usr/lib/systemd/system/$u" ]
	done
	# the man pages they point to are installed (the VM has no man(1) to look them up)
	for m in man1/cgrun.1 man8/cgrund.8 man5/cgrund.conf.5; do
		[ -f "/usr/local/share/man/$m" ]
	done
	run systemd-analyze verify --man=no cgrund.socket cgrund.service cgrun@demo.service
	echo "$output"
	[ "$status" = 0 ]
	# verify prints warnings without failing: there must be none about our units
	! grep -E 'cgrun' <<< "$output"
}

@test "the first cgrun ps activates cgrund through cgrund.socket; it reports READY and feeds the watchdog" {
	# A short watchdog so that feeding it shows within the test (the unit says 30 s).
	mkdir -p /etc/systemd/system/cgrund.service.d
	printf '[Service]\nWatchdogSec=2\n' > /etc/systemd/system/cgrund.service.d/watchdog.conf
	systemctl daemon-reload
	systemctl start cgrund.socket
	[ "$(systemctl is-active cgrund.service)" = inactive ]
	[ "$(stat -c '%a %G' /run/cgrun/cgrun.sock)" = "660 cgrun" ]
	run cgrun ps
	echo "$output"
	[ "$status" = 0 ]
	[[ ${lines[0]} == *NAME* ]] || [[ ${lines[0]} == *ID* ]]
	# Type=notify: "active" only after READY=1
	[ "$(systemctl is-active cgrund.service)" = active ]
	systemctl show -P StatusText cgrund.service | grep -E '^[0-9]+ containers? running'
	# WATCHDOG=1 every second: the timestamp moves, and 5 s later (more than twice the
	# watchdog period) the same process still runs
	local pid w1 w2
	pid=$(main_pid)
	w1=$(systemctl show -P WatchdogTimestampMonotonic cgrund.service)
	sleep 5
	w2=$(systemctl show -P WatchdogTimestampMonotonic cgrund.service)
	echo "watchdog timestamps: $w1 -> $w2"
	[ "$w1" != 0 ] && [ "$w2" -gt "$w1" ]
	[ "$(main_pid)" = "$pid" ]
	[ "$(systemctl is-active cgrund.service)" = active ]
	rm -rf /etc/systemd/system/cgrund.service.d
	systemctl daemon-reload
	# The running cgrund keeps the 2 s watchdog until it is restarted.
	systemctl restart cgrund.service
}

@test "cgrun@demo runs a container in its own delegated scope with its limits; restarting or killing cgrund keeps it; stopping the unit leaves nothing" {
	local id pid cg scope old
	mkdir -p /etc/cgrun/containers
	printf '%s\n' image=busybox cpu-quota=2000 memory=64m pids-limit=50 \
		arg=/bin/sh arg=-c 'arg=trap "exit 0" TERM; while :; do sleep 1; done' \
		> /etc/cgrun/containers/demo.conf
	systemctl start cgrund.socket
	systemctl start cgrun@demo.service
	wait_for 30 demo_running || { show_state; false; }
	id=$(cgrun inspect demo | jq -r '.[0].id')
	pid=$(cgrun inspect demo | jq -r '.[0].pid')
	echo "demo: $id pid $pid"
	cg=$(sed -n 's/^0:://p' "/proc/$pid/cgroup")
	scope=cgrun-$id.scope
	echo "cgroup: $cg"
	[ "$cg" = "/machine.slice/$scope" ]
	# a scope systemd knows, delegated, holding the container
	[ "$(systemctl show -P Delegate "$scope")" = yes ]
	systemctl status --no-pager "$scope" | tee /dev/stderr | grep -q "[^0-9]$pid "
	[ "$(cat "/sys/fs/cgroup$cg/cpu.max")" = "2000 100000" ]
	[ "$(cat "/sys/fs/cgroup$cg/memory.max")" = 67108864 ]
	[ "$(cat "/sys/fs/cgroup$cg/pids.max")" = 50 ]
	# the unit's process is the foreground cgrun, in cgrun@demo.service
	systemctl status --no-pager cgrun@demo.service | grep -q 'cgrun run --rm --name=demo'
	[ "$(systemctl is-active cgrun@demo.service)" = active ]

	# systemctl restart cgrund: the container and the unit keep running
	old=$(main_pid)
	systemctl restart cgrund.service
	[ "$(main_pid)" != "$old" ]
	[ "$(systemctl is-active cgrund.service)" = active ]
	kill -0 "$pid"
	wait_for 10 demo_running
	[ "$(cgrun inspect demo | jq -r '.[0].pid')" = "$pid" ]
	[ "$(systemctl is-active cgrun@demo.service)" = active ]

	# SIGKILL: systemd restarts cgrund (Restart=on-failure), which re-adopts the container
	old=$(main_pid)
	kill -KILL "$old"
	wait_for 30 sh -c "[ \"\$(systemctl show -P MainPID cgrund.service)\" != $old ] && [ \"\$(systemctl is-active cgrund.service)\" = active ]"
	wait_for 10 demo_running
	[ "$(cgrun inspect demo | jq -r '.[0].pid')" = "$pid" ]
	[ "$(cgrun exec demo cat /sys/fs/cgroup/cpu.max)" = "2000 100000" ]

	# systemctl stop: the container ends, and with it its scope, cgroup and files
	systemctl stop cgrun@demo.service
	! kill -0 "$pid" 2> /dev/null
	run cgrun inspect demo
	[ "$status" != 0 ]
	wait_for 10 nothing_left || { show_state; false; }
}

@test "--restart=on-failure:2 and --restart=always restart in a new scope each time; rm -f leaves nothing" {
	local id n
	systemctl start cgrund.socket
	id=$(cgrun run -d --restart=on-failure:2 busybox sh -c 'exit 3')
	wait_for 30 sh -c "cgrun inspect $id | jq -e '.[0].state == \"exited\" and .[0].restarts == 2' >/dev/null" ||
		{ restart_state "$id"; false; }
	cgrun inspect "$id" | jq -e '.[0].exit_code == 3'
	# each run had a scope of its own, started by systemd
	for u in "cgrun-$id.scope" "cgrun-$id-1.scope" "cgrun-$id-2.scope"; do
		journalctl --no-pager -o cat -u "$u" | grep -q Started
	done
	cgrun rm "$id"

	id=$(cgrun run -d --restart=always busybox sh -c 'sleep 0.3')
	wait_for 30 sh -c "cgrun inspect $id | jq -e '.[0].restarts >= 3' >/dev/null" ||
		{ restart_state "$id"; false; }
	n=$(cgrun inspect "$id" | jq -r '.[0].restarts')
	echo "restarts: $n"
	cgrun rm -f "$id"
	wait_for 10 nothing_left || { show_state; false; }
}
