#!/usr/bin/env bats
# unified mode only (tests/vm/guest-tests): cgroup v2 with no systemd, where the cgroupfs
# manager is auto's choice. cgrun started from a cgroup that is not the root and holds another
# process too (a CI job's cgroup, a container with a private cgroup namespace): cgroup v2 lets
# such a cgroup hand no controllers down, so cgrun moves its processes into a leaf below it
# first, as podman does, instead of failing with "Device or resource busy".

setup() {
	set +T
	# A run dir of our own too: no cgrund the VM may run serves these tests.
	CGRUN_STORE_DIR=$(mktemp -d /var/tmp/cgrun-vm-unified.XXXXXX)
	CGRUN_RUN_DIR=$(mktemp -d /var/tmp/cgrun-vm-unified-run.XXXXXX)
	export CGRUN_STORE_DIR CGRUN_RUN_DIR
	"$CGRUN" image import --busybox busybox > /dev/null
	JOB=/sys/fs/cgroup/cgrun-vm-job
	OTHER=
}

teardown() {
	if [ -n "$OTHER" ]; then
		kill "$OTHER" 2> /dev/null || true
		wait "$OTHER" 2> /dev/null || true
	fi
	# Only what this test made: the job cgroup, its leaf and cgrun's parent in it.
	local d
	for d in "$JOB/cgrun" "$JOB/leaf" "$JOB"; do
		[ -d "$d" ] && rmdir "$d"
	done
	rm -rf "$CGRUN_STORE_DIR" "$CGRUN_RUN_DIR"
	[ ! -d "$JOB" ]
}

@test "the auto manager here is cgroupfs" {
	run "$CGRUN" --rm busybox cat /proc/self/cgroup
	echo "$output"
	[ "$status" = 0 ]
	[ "$output" = "0::/" ]
	# and the systemd one says plainly why it cannot be had
	run "$CGRUN" --rm --cgroup-manager=systemd busybox true
	echo "$output"
	[ "$status" = 125 ]
	[ "$output" = "cgrun: the systemd cgroup manager needs systemd as PID 1 and a cgroup2 hierarchy (this is a unified host without systemd); use --cgroup-manager=cgroupfs" ]
}

@test "from a non-root cgroup that holds another process: cgrun moves them to a leaf and the limits apply" {
	local c
	# What a CI runner does for a job: a cgroup of its own, controllers handed to it.
	for c in cpu memory pids; do
		echo "+$c" > /sys/fs/cgroup/cgroup.subtree_control
	done
	mkdir "$JOB"
	sleep 1000 &
	OTHER=$!
	echo "$OTHER" > "$JOB/cgroup.procs"
	run sh -c 'echo $$ > "$1/cgroup.procs" && exec "$2" run --rm --cpu-quota=2000 --memory=64m --pids-limit=20 \
		busybox sh -c "cat /sys/fs/cgroup/cpu.max /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max"' \
		_ "$JOB" "$CGRUN"
	echo "$output"
	[ "$status" = 0 ]
	[ "${lines[0]}" = "2000 100000" ]
	[ "${lines[1]}" = 67108864 ]
	[ "${lines[2]}" = 20 ]
	# the other process was moved, not touched otherwise; the job cgroup holds none now
	kill -0 "$OTHER"
	[ "$(sed -n 's/^0:://p' "/proc/$OTHER/cgroup")" = /cgrun-vm-job/leaf ]
	[ -z "$(cat "$JOB/cgroup.procs")" ]
	grep -qw cpu "$JOB/cgroup.subtree_control"
	# the container's cgroup went with it
	[ -z "$(find "$JOB/cgrun" -mindepth 1 -type d)" ]
}
