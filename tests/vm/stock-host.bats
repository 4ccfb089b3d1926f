#!/usr/bin/env bats
# systemd mode only (tests/vm/guest-tests): cgrun where most users are, on a stock systemd host
# (cgroup v2 only, systemd as PID 1), installed by `make install` (the DESTDIR tree tests/vm/run
# puts in the share). Every command runs from where a user types it: a transient scope in
# user.slice made by `systemd-run --scope --slice=user.slice` (what a login shell's session
# scope is: no delegation, no controllers of its own) or a plain service without Delegate=, with
# no cgrund first, then through cgrund.socket, as root and as a member of group cgrun.
# The suite itself runs in cgrun-tests.service (Delegate=yes): nothing here may rely on that.

load systemd_helpers

setup() {
	set +T
	BG=
}

setup_file() {
	install_cgrun
	id tester > /dev/null 2>&1 || useradd -m -G cgrun tester
	systemctl stop cgrund.service cgrund.socket 2> /dev/null || true
}

teardown_file() {
	systemctl stop cgrund.service cgrund.socket 2> /dev/null || true
	systemctl disable cgrund.socket 2> /dev/null || true
	systemctl stop 'cgrun-*.scope' 2> /dev/null || true
}

teardown() {
	clean_up_after_test
}

@test "from a login shell's scope: the quick start prints 2000 100000 through a machine.slice scope, and nothing is left" {
	run user cgrun --rm --cpu-quota=2000 busybox sh -c 'cat /sys/fs/cgroup/cpu.max; cat /proc/self/cgroup'
	echo "$output"
	[ "$status" = 0 ]
	[ "${lines[0]}" = "2000 100000" ]
	# its cgroup namespace is rooted at its own scope
	[ "${lines[1]}" = "0::/" ]
	nothing_left
	# as an attacker inside: the scope's view is read-only, the slice above out of reach,
	# systemd's sockets absent, so no way to ask systemd for anything
	run user cgrun --rm busybox sh -c '
		{ echo 1 > /sys/fs/cgroup/cgroup.procs; } 2>/dev/null && echo "wrote cgroup.procs"
		{ echo max > /sys/fs/cgroup/cpu.max; } 2>/dev/null && echo "wrote cpu.max"
		mkdir /sys/fs/cgroup/x 2>/dev/null && echo "made a cgroup"
		ls /sys/fs/cgroup/../machine.slice 2>/dev/null && echo "saw machine.slice"
		[ -e /run/systemd/private ] && echo "saw systemd private socket"
		[ -e /run/dbus/system_bus_socket ] && echo "saw the system bus"
		echo done'
	echo "$output"
	[ "$status" = 0 ]
	[ "$output" = done ]
	# and again: a second run of the quick start, import included
	run user sh -c 'cgrun image import --replace --busybox busybox && cgrun --rm --cpu-quota=2000 busybox cat /sys/fs/cgroup/cpu.max'
	echo "$output"
	[ "$status" = 0 ]
	[ "${lines[-1]}" = "2000 100000" ]
	nothing_left
}

@test "from a login shell's scope: every limit is a property of the scope and in its cgroup files" {
	local sync=$BATS_TEST_TMPDIR unit cg
	user cgrun --rm --name=lim --cpu-quota=3000 --cpu-period=50000 --memory=64m --memory-swap=96m \
		--pids-limit=40 --cpu-shares=512 --cpuset-cpus=0 -v "$sync:/sync" busybox \
		sh -c 'touch /sync/up; while [ ! -e /sync/stop ]; do sleep 0.1; done' &
	BG=$!
	wait_for 30 test -e "$sync/up"
	unit=$(scope_units)
	echo "unit: $unit"
	[[ $unit =~ ^cgrun-[0-9a-f]{64}\.scope$ ]]
	cg=/sys/fs/cgroup/machine.slice/$unit
	[ "$(cat "$cg/cpu.max")" = "3000 50000" ]
	[ "$(cat "$cg/memory.max")" = 67108864 ]
	[ "$(cat "$cg/memory.swap.max")" = 33554432 ]
	[ "$(cat "$cg/pids.max")" = 40 ]
	[ "$(cat "$cg/cpu.weight")" = 20 ]
	[ "$(cat "$cg/cpuset.cpus")" = 0 ]
	[ "$(systemctl show -P Delegate "$unit")" = yes ]
	[ "$(systemctl show -P Slice "$unit")" = machine.slice ]
	[ "$(systemctl show -P MemoryMax "$unit")" = 67108864 ]
	[ "$(systemctl show -P TasksMax "$unit")" = 40 ]
	[ "$(systemctl show -P CPUQuotaPeriodUSec "$unit")" = 50ms ]
	# the container's init is the scope's process
	systemctl show -P ControlGroup "$unit" | grep -qx "/machine.slice/$unit"
	# exec, in-process: the command joins the same scope and sees the same limits
	run user cgrun exec lim sh -c 'cat /sys/fs/cgroup/cpu.max; cat /proc/self/cgroup'
	echo "$output"
	[ "${lines[0]}" = "3000 50000" ]
	[ "${lines[1]}" = "0::/" ]
	touch "$sync/stop"
	wait "$BG"
	BG=
	wait_for 10 nothing_left
}

@test "from a login shell's scope: --memory OOM gives 137, a bad slice is one clear line, --cgroup-parent names the slice" {
	run user cgrun --rm --memory=32m --memory-swap=32m busybox tail /dev/zero
	echo "$output"
	[ "$status" = 137 ]
	# kept: its record says why it ended, though systemd took the scope and its counters away
	run user cgrun --name=oom --memory=32m --memory-swap=32m busybox tail /dev/zero
	[ "$status" = 137 ]
	cgrun inspect oom | jq -e '.[0].state == "oom-killed" and .[0].exit_code == 137'
	cgrun rm oom
	run user cgrun --rm --cgroup-parent=cgrun busybox true
	echo "$output"
	[ "$status" = 125 ]
	[ "${#lines[@]}" = 1 ]
	[[ ${lines[0]} == "cgrun: invalid cgroup parent 'cgrun' for the systemd cgroup manager: it names a slice"* ]]
	run user cgrun --rm --cgroup-parent=cgrun-jobs.slice busybox cat /proc/1/cgroup
	echo "$output"
	[ "$status" = 0 ]
	# the slice was made by systemd on demand; the scope went into it
	! systemctl is-failed -q cgrun-jobs.slice
	systemctl stop cgrun-jobs.slice cgrun.slice
	nothing_left
}

@test "from a service without Delegate=: the quick start through a machine.slice scope" {
	run systemd-run --quiet --wait --pipe --collect -p Delegate=no -- \
		/usr/local/bin/cgrun --rm --cpu-quota=2000 busybox cat /sys/fs/cgroup/cpu.max
	echo "$output"
	[ "$status" = 0 ]
	[ "$output" = "2000 100000" ]
	nothing_left
}

@test "SIGKILL of an in-process cgrun: its container dies, systemd collects the empty scope" {
	local sync=$BATS_TEST_TMPDIR pid unit
	user cgrun --rm -v "$sync:/sync" busybox sh -c 'touch /sync/up; sleep 1000' &
	BG=$!
	wait_for 30 test -e "$sync/up"
	unit=$(scope_units)
	echo "unit: $unit"
	[ -n "$unit" ]
	# the cgrun process itself, found as the parent of the scope's init
	pid=$(ps -o ppid= -p "$(cat "/sys/fs/cgroup/machine.slice/$unit/cgroup.procs" | head -1)" | tr -d ' ')
	[ "$(cat "/proc/$pid/comm")" = cgrun ]
	kill -KILL "$pid"
	wait "$BG" || true
	BG=
	# nothing asked systemd to stop it: the scope emptied and systemd let it go
	wait_for 10 sh -c '[ -z "$(systemctl list-units --all --plain --no-legend "cgrun-*.scope")" ]'
	[ ! -d "/sys/fs/cgroup/machine.slice/$unit" ]
	# the killed cgrun's record is cleaned up by the next cgrun
	cgrun ps -a > /dev/null
	wait_for 10 nothing_left
}

@test "through cgrund: update goes to systemd (SetUnitProperties), pause freezes the scope, exec joins it" {
	local id unit cg
	systemctl start cgrund.socket
	id=$(user cgrun run -d --cpu-quota=2000 --memory=64m busybox sleep 1000)
	unit=cgrun-$id.scope
	cg=/sys/fs/cgroup/machine.slice/$unit
	wait_for 10 test -e "$cg/cpu.max"
	[ "$(cat "$cg/cpu.max")" = "2000 100000" ]
	cgrun update --cpu-quota=5000 --memory=128m --pids-limit=77 "$id"
	[ "$(cat "$cg/cpu.max")" = "5000 100000" ]
	[ "$(cat "$cg/memory.max")" = 134217728 ]
	[ "$(cat "$cg/pids.max")" = 77 ]
	# systemd holds them as the unit's own: a daemon-reload does not undo them
	[ "$(systemctl show -P MemoryMax "$unit")" = 134217728 ]
	systemctl daemon-reload
	[ "$(cat "$cg/cpu.max")" = "5000 100000" ]
	cgrun inspect "$id" | jq -e '.[0].spec.limits.cpu_quota == 5000'
	cgrun pause "$id"
	grep -q "frozen 1" "$cg/cgroup.events"
	cgrun unpause "$id"
	grep -q "frozen 0" "$cg/cgroup.events"
	run cgrun exec "$id" cat /sys/fs/cgroup/pids.max
	[ "$output" = 77 ]
	# a bad value is refused before systemd is asked
	run cgrun update --cpu-quota=10 "$id"
	[ "$status" = 125 ]
	[ "$(cat "$cg/cpu.max")" = "5000 100000" ]
	cgrun rm -f "$id"
	wait_for 10 nothing_left
}

@test "through cgrund: a start systemd is slow to make a scope for delays no other client" {
	local t0 t1 ms id
	# A slice whose start waits 4 s for a service: the scope's job waits for it.
	mkdir -p /run/systemd/system
	printf '[Service]\nType=oneshot\nExecStart=/bin/sleep 4\nRemainAfterExit=yes\n' \
		> /run/systemd/system/cgrun-slow.service
	printf '[Unit]\nRequires=cgrun-slow.service\nAfter=cgrun-slow.service\n' \
		> /run/systemd/system/cgrun-slow.slice
	systemctl daemon-reload
	systemctl start cgrund.socket
	cgrun ps > /dev/null
	cgrun run -d --name=slow --cgroup-parent=cgrun-slow.slice busybox sleep 1000 \
		> "$BATS_TEST_TMPDIR/slow.out" 2>&1 &
	BG=$!
	wait_for 10 sh -c 'systemctl list-jobs --no-legend | grep -q cgrun-slow'
	# cgrund answers others meanwhile: a listing shows the container being created
	t0=$EPOCHREALTIME
	run cgrun ps -a --format '{{.Names}} {{.State}}'
	t1=$EPOCHREALTIME
	ms=$(( (${t1/./} - ${t0/./}) / 1000 ))
	echo "ps answered in $ms ms: $output"
	[ "$status" = 0 ]
	[ "$output" = "slow created" ]
	[ "$ms" -lt 2000 ]
	kill -0 "$BG"
	# the run is answered once systemd is done
	wait "$BG"
	BG=
	cat "$BATS_TEST_TMPDIR/slow.out"
	id=$(cat "$BATS_TEST_TMPDIR/slow.out")
	[[ $id =~ ^[0-9a-f]{64}$ ]]
	cgrun inspect slow | jq -e '.[0].state == "running"'
	[ -d "/sys/fs/cgroup/cgrun.slice/cgrun-slow.slice/cgrun-$id.scope" ]
	cgrun rm -f slow
	systemctl stop cgrun-slow.slice cgrun.slice cgrun-slow.service
	rm -f /run/systemd/system/cgrun-slow.service /run/systemd/system/cgrun-slow.slice
	systemctl daemon-reload
}

@test "through cgrund: a container whose record predates the managers is re-adopted after the upgrade" {
	local id rec
	systemctl start cgrund.socket
	id=$(user cgrun run -d busybox sleep 1000)
	systemctl stop cgrund.service
	# What the cgrund before the cgroup managers wrote: a scope, no manager, the cgroupfs parent.
	rec=/var/lib/cgrun/containers/$id/config.json
	jq 'del(.cgroup_manager) | .spec.cgroup_parent = "cgrun"' "$rec" > "$rec.new"
	mv "$rec.new" "$rec"
	cgrun ps -q | grep -q "^${id:0:12}$"
	cgrun inspect "$id" | jq -e '.[0].state == "running"'
	[ "$(cgrun exec "$id" cat /proc/self/cgroup)" = "0::/" ]
	cgrun rm -f "$id"
	wait_for 10 nothing_left
}

@test "through cgrund.socket: root and a non-root member of group cgrun run the quick start from their login scope" {
	systemctl enable --now cgrund.socket
	run user cgrun --rm --cpu-quota=2000 busybox cat /sys/fs/cgroup/cpu.max
	echo "$output"
	[ "$status" = 0 ]
	[ "$output" = "2000 100000" ]
	[ "$(systemctl is-active cgrund.service)" = active ]
	run tester /usr/local/bin/cgrun --rm --cpu-quota=2000 busybox cat /sys/fs/cgroup/cpu.max
	echo "$output"
	[ "$status" = 0 ]
	[ "$output" = "2000 100000" ]
	# the container was cgrund's, in a scope of its own: gone with the run
	journalctl --no-pager -o cat -u cgrund.service | grep -q 'cgroup manager: systemd'
	wait_for 10 nothing_left
	# without the socket, the non-root user is told exactly what to do
	systemctl disable --now cgrund.socket cgrund.service
	run tester /usr/local/bin/cgrun --rm busybox true
	echo "$output"
	[ "$status" = 125 ]
	[ "$output" = "cgrun: cgrund is not running and only root can run containers without it: start it as root with 'systemctl enable --now cgrund.socket'" ]
}
