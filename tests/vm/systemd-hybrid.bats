#!/usr/bin/env bats
# systemd-hybrid mode only (tests/vm/guest-tests): systemd as PID 1 on a hybrid host (v1
# controllers, cgroup2 at /sys/fs/cgroup/unified for tracking), where auto picks the systemd
# cgroup manager: the scope is made in every v1 hierarchy systemd runs and in the cgroup2 one,
# the limits land in the v1 files, cgrund learns of exits from the scope's cgroup2
# cgroup.events, and what systemd cannot set on v1 is refused plainly.

load systemd_helpers

setup() {
	set +T
	BG=
}

setup_file() {
	install_cgrun
}

teardown_file() {
	systemctl stop cgrund.service cgrund.socket 2> /dev/null || true
}

teardown() {
	clean_up_after_test
}

@test "hybrid: the quick start from a login scope, the limits in the scope's v1 cgroups" {
	local sync=$BATS_TEST_TMPDIR unit
	run user cgrun --rm --cpu-quota=2000 busybox sh -c 'cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us 2>/dev/null || cat /sys/fs/cgroup/cpu.max'
	echo "$output"
	[ "$status" = 0 ]
	[ "$output" = 2000 ]
	user cgrun --rm --cpu-quota=3000 --memory=64m --pids-limit=30 --cpu-shares=512 -v "$sync:/sync" busybox \
		sh -c 'touch /sync/up; while [ ! -e /sync/stop ]; do sleep 0.1; done' &
	BG=$!
	wait_for 30 test -e "$sync/up"
	unit=$(scope_units)
	echo "unit: $unit"
	[[ $unit =~ ^cgrun-[0-9a-f]{64}\.scope$ ]]
	[ "$(cat "/sys/fs/cgroup/cpu,cpuacct/machine.slice/$unit/cpu.cfs_quota_us")" = 3000 ]
	[ "$(cat "/sys/fs/cgroup/cpu,cpuacct/machine.slice/$unit/cpu.shares")" = 512 ]
	[ "$(cat "/sys/fs/cgroup/memory/machine.slice/$unit/memory.limit_in_bytes")" = 67108864 ]
	[ "$(cat "/sys/fs/cgroup/pids/machine.slice/$unit/pids.max")" = 30 ]
	# the tracking cgroup in the cgroup2 mount holds the container too
	grep -q "populated 1" "/sys/fs/cgroup/unified/machine.slice/$unit/cgroup.events"
	touch "$sync/stop"
	wait "$BG"
	BG=
	wait_for 10 nothing_left
}

@test "hybrid: what systemd cannot set on v1 is refused in one line, naming the way out" {
	run user cgrun --rm --cpuset-cpus=0 busybox true
	echo "$output"
	[ "$status" = 125 ]
	[ "$output" = "cgrun: cannot apply --cpuset-cpus with the systemd cgroup manager on a hybrid host (systemd sets no v1 cpuset); use --cgroup-manager=cgroupfs" ]
	run user cgrun --rm --cgroup-manager=cgroupfs --cpuset-cpus=0 busybox cat /sys/fs/cgroup/cpuset/cpuset.cpus
	echo "$output"
	[ "$status" = 0 ]
	[ "$output" = 0 ]
	nothing_left
}

@test "hybrid: through cgrund.socket, a detached container's end is seen in its scope's cgroup.events" {
	local id
	systemctl start cgrund.socket
	id=$(user cgrun run -d --memory=32m busybox sh -c 'sleep 1; exit 4')
	wait_for 30 sh -c "cgrun inspect $id | jq -e '.[0].state == \"exited\"' > /dev/null"
	cgrun inspect "$id" | jq -e '.[0].exit_code == 4'
	journalctl --no-pager -o cat -u cgrund.service | grep -q 'cgroup manager: systemd'
	cgrun rm "$id"
	wait_for 10 nothing_left
}
