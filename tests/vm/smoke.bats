#!/usr/bin/env bats
# The test VM's own smoke test (runs first in every mode, before tests/integration): the VM is
# the host mode it claims to be, and cgrun can import the busybox image and run a container
# with limits there. CGRUN_VM_MODE (unified, legacy, systemd) is set by tests/vm/guest-tests.

# Helpers called from a test run without bats' DEBUG trap (see cg_untrace in
# tests/integration/common.bash: the trap makes every command of a helper cost ~5 ms here).
setup() {
	set +T
}

setup_file() {
	# A run dir of our own too: no cgrund the VM may run serves these tests.
	CGRUN_STORE_DIR=$(mktemp -d /var/tmp/cgrun-vm-smoke.XXXXXX)
	CGRUN_RUN_DIR=$(mktemp -d /var/tmp/cgrun-vm-smoke-run.XXXXXX)
	export CGRUN_STORE_DIR CGRUN_RUN_DIR
}

teardown_file() {
	rm -rf "$CGRUN_STORE_DIR" "$CGRUN_RUN_DIR"
}

# "fstype mountpoint superoptions" of every cgroup mount.
cgroup_mounts() {
	awk '{ for (i = 7; $i != "-"; i++) ; if ($(i + 1) ~ /^cgroup/) print $(i + 1), $5, $(i + 3) }' \
		/proc/self/mountinfo
}

@test "the VM is in the cgroup mode it claims ($CGRUN_VM_MODE)" {
	cgroup_mounts
	case $CGRUN_VM_MODE in
	unified | systemd)
		[ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]
		[ -z "$(cgroup_mounts | grep '^cgroup ')" ]
		for c in cpu cpuset memory pids; do
			grep -qw "$c" /sys/fs/cgroup/cgroup.controllers
		done
		;;
	systemd-hybrid)
		[ "$(stat -fc %T /sys/fs/cgroup/unified)" = cgroup2fs ]
		for c in cpu cpuacct memory pids; do
			cgroup_mounts | grep -q "^cgroup .*[ ,]$c\(,\|$\)"
		done
		;;
	legacy)
		[ -z "$(grep cgroup2 /proc/self/mountinfo)" ]
		for c in cpu cpuacct cpuset memory pids; do
			cgroup_mounts | grep -q "^cgroup .*[ ,]$c\(,\|$\)"
		done
		;;
	*)
		echo "unknown CGRUN_VM_MODE '$CGRUN_VM_MODE'"
		return 1
		;;
	esac
	if [ "${CGRUN_VM_MODE%-hybrid}" = systemd ]; then
		[ "$(cat /proc/1/comm)" = systemd ]
	else
		[ "$(cat /proc/1/comm)" != systemd ]
	fi
}

@test "cgrun image import --busybox busybox" {
	run "$CGRUN" image import --busybox busybox
	echo "$output"
	[ "$status" -eq 0 ]
	[ -x "$CGRUN_STORE_DIR/images/busybox/rootfs/bin/busybox" ] ||
		[ -e "$CGRUN_STORE_DIR/images/busybox/rootfs/bin/sh" ]
}

@test "cgrun run --rm busybox true" {
	run "$CGRUN" run --rm busybox true
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "the command's exit status comes back" {
	run "$CGRUN" run --rm busybox sh -c 'exit 7'
	echo "$output"
	[ "$status" -eq 7 ]
}

@test "the container sees its own limits in /sys/fs/cgroup" {
	run "$CGRUN" run --rm --cpu-quota=20000 --memory=64m --pids-limit=50 busybox sh -c '
		if [ -e /sys/fs/cgroup/cgroup.controllers ]; then
			cat /sys/fs/cgroup/cpu.max /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max
		else
			cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/memory/memory.limit_in_bytes \
				/sys/fs/cgroup/pids/pids.max
		fi'
	echo "$output"
	[ "$status" -eq 0 ]
	if [ "$CGRUN_VM_MODE" = legacy ] || [ "$CGRUN_VM_MODE" = systemd-hybrid ]; then
		[ "${lines[0]}" = 20000 ]
	else
		[ "${lines[0]}" = "20000 100000" ]
	fi
	[ "${lines[1]}" = 67108864 ]
	[ "${lines[2]}" = 50 ]
}

@test "the default network (bridge) on this host mode: eth0 on cgrun0, a route via the gateway that answers; nothing left after" {
	# The VM is a machine of its own: its network namespace is the test's.
	run "$CGRUN" run --rm busybox sh -c 'ip -o -4 addr show dev eth0; ip route; ping -c 1 -W 5 10.88.0.1 >/dev/null && echo GW-OK'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"eth0    inet 10.88.0."*"/16 "* ]]
	[[ $output == *"default via 10.88.0.1 dev eth0"* ]]
	[[ $output == *GW-OK* ]]
	[ -z "$(ls -A "$CGRUN_RUN_DIR/networks/bridge/leases")" ]
	# Only lo and cgrun0 (the bridge stays, as docker0 does), once the
	# container's namespace has gone with its veth.
	for _ in $(seq 50); do
		[ "$(ip -o link | grep -vc -e ' lo:' -e ' cgrun0:' -e ' eth[0-9]*:' -e ' ens[0-9]*:' -e ' enp[0-9s]*:')" = 0 ] && break
		sleep 0.1
	done
	ip -o link
	[ "$(ip -o link | grep -vc -e ' lo:' -e ' cgrun0:' -e ' eth[0-9]*:' -e ' ens[0-9]*:' -e ' enp[0-9s]*:')" = 0 ]
}

@test "no container cgroup, mount or process is left" {
	local left
	left=$(find /sys/fs/cgroup/ -type d -regextype egrep -regex '.*/[0-9a-f]{64}' 2> /dev/null)
	echo "cgroups: $left"
	[ -z "$left" ]
	left=$(grep -F "$CGRUN_STORE_DIR" /proc/self/mountinfo || true)
	echo "mounts: $left"
	[ -z "$left" ]
	left=$(ls "$CGRUN_STORE_DIR/containers" 2> /dev/null || true)
	echo "containers: $left"
	[ -z "$left" ]
}
