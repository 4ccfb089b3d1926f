#!/usr/bin/env bats
# systemd mode only (tests/vm/guest-tests runs it last, inside cgrun-tests.service): the suite
# ran in the service's delegated cgroup, containers sit below that cgroup (seen from
# /proc/PID/cgroup and systemctl status), and nothing is left below it afterwards.

# Helpers called from a test run without bats' DEBUG trap (see cg_untrace in
# tests/integration/common.bash: the trap makes every command of a helper cost ~5 ms here).
setup() {
	set +T
}

setup_file() {
	# A run dir of our own too: no cgrund the VM may run serves these tests.
	CGRUN_STORE_DIR=$(mktemp -d /var/tmp/cgrun-vm-systemd.XXXXXX)
	CGRUN_RUN_DIR=$(mktemp -d /var/tmp/cgrun-vm-systemd-run.XXXXXX)
	export CGRUN_STORE_DIR CGRUN_RUN_DIR
	"$CGRUN" image import --busybox busybox > /dev/null
	SVC=$CGRUN_VM_SERVICE_CGROUP
	export SVC
}

teardown_file() {
	rm -rf "$CGRUN_STORE_DIR" "$CGRUN_RUN_DIR"
}

own_cgroup() {
	sed -n 's/^0:://p' "/proc/${1:-self}/cgroup"
}

# All descendants of pid $1.
descendants() {
	local c
	for c in $(ps -o pid= --ppid "$1"); do
		echo "$c"
		descendants "$c"
	done
}

@test "the suite runs in a leaf of cgrun-tests.service's delegated cgroup" {
	echo "service cgroup: $SVC, ours: $(own_cgroup)"
	[ "$SVC" = /system.slice/cgrun-tests.service ]
	[ "$(own_cgroup)" = "$SVC/runner" ]
	[ "$(systemctl show -P Delegate cgrun-tests.service)" = yes ]
	getfattr -d -m '^(trusted|user)\.delegate$' --absolute-names "/sys/fs/cgroup$SVC" || true
	run getfattr -n trusted.delegate --only-values --absolute-names "/sys/fs/cgroup$SVC"
	[ "$output" = 1 ]
}

@test "a container's processes sit below the service's cgroup" {
	local pid p cg found=0 i status_text
	"$CGRUN" run --rm -v "$BATS_TEST_TMPDIR:/shared" busybox \
		sh -c 'touch /shared/up; while [ ! -e /shared/stop ]; do sleep 0.1; done' \
		> "$BATS_TEST_TMPDIR/out" 2>&1 &
	pid=$!
	for i in $(seq 300); do
		[ -e "$BATS_TEST_TMPDIR/up" ] && break
		kill -0 "$pid" 2> /dev/null || break
		sleep 0.1
	done
	cat "$BATS_TEST_TMPDIR/out"
	[ -e "$BATS_TEST_TMPDIR/up" ]
	status_text=$(systemctl status --no-pager -l cgrun-tests.service || true)
	echo "$status_text"
	for p in $(descendants "$pid"); do
		cg=$(own_cgroup "$p") || continue
		echo "pid $p ($(cat "/proc/$p/comm")): $cg"
		case $cg in
		"$SVC"/*/[0-9a-f]*)
			[[ ${cg##*/} =~ ^[0-9a-f]{64}$ ]] || continue
			found=$((found + 1))
			# systemctl status lists it in the service's cgroup tree
			grep -q "[^0-9]$p " <<< "$status_text"
			grep -q "${cg##*/}" <<< "$status_text"
			;;
		esac
	done
	touch "$BATS_TEST_TMPDIR/stop"
	wait "$pid"
	[ "$found" -ge 1 ]
}

@test "nothing is left below the service once the suite is done" {
	local d p cg bad=0 status_text
	status_text=$(systemctl status --no-pager -l cgrun-tests.service || true)
	echo "$status_text"
	# no container cgroup below the service
	d=$(find "/sys/fs/cgroup$SVC" -mindepth 1 -type d -regextype egrep -regex '.*/[0-9a-f]{64}')
	echo "container cgroups left: $d"
	[ -z "$d" ]
	# every process of the service is in the runner leaf, and systemctl shows no other
	for d in $(find "/sys/fs/cgroup$SVC" -mindepth 1 -type d); do
		[ "$d" = "/sys/fs/cgroup$SVC/runner" ] && continue
		p=$(cat "$d/cgroup.procs")
		[ -z "$p" ] || { echo "processes left in $d: $p"; bad=1; }
	done
	for p in $(grep -oE '[├└]─[0-9]+ ' <<< "$status_text" | grep -oE '[0-9]+'); do
		cg=$(own_cgroup "$p") || continue
		[ "$cg" = "$SVC/runner" ] || { echo "pid $p in $cg"; bad=1; }
	done
	[ "$bad" = 0 ]
	[ -z "$(grep -F "$CGRUN_STORE_DIR" /proc/self/mountinfo)" ]
}
