#!/usr/bin/env bats
# Capabilities and the cgroup escape hatches.

load helpers

# Bit numbers from linux/capability.h.
declare -gA CAPBIT=(
	[CHOWN]=0 [DAC_OVERRIDE]=1 [FOWNER]=3 [FSETID]=4 [KILL]=5 [SETGID]=6 [SETUID]=7
	[SETPCAP]=8 [NET_BIND_SERVICE]=10 [NET_ADMIN]=12 [NET_RAW]=13 [SYS_CHROOT]=18
	[MKNOD]=27 [AUDIT_WRITE]=29 [SETFCAP]=31
)
DOCKER_DEFAULT=(CHOWN DAC_OVERRIDE FSETID FOWNER MKNOD NET_RAW SETGID SETUID SETFCAP SETPCAP
	NET_BIND_SERVICE SYS_CHROOT KILL AUDIT_WRITE)

default_mask()
{
	local c m=0
	for c in "${DOCKER_DEFAULT[@]}"; do m=$((m | (1 << CAPBIT[$c]))); done
	echo "$m"
}

# Checks that CapInh/CapPrm/CapEff/CapBnd in $output all equal mask $1.
assert_all_sets()
{
	local want=$1 f v
	for f in CapInh CapPrm CapEff CapBnd; do
		v=$(cap_field "$f" "$output")
		if [ $((16#$v)) -ne "$want" ]; then
			printf '%s is %s, expected %016x\n' "$f" "$v" "$want" >&2
			return 1
		fi
	done
	[ $((16#$(cap_field CapAmb "$output"))) -eq 0 ]
}

@test "the capability sets are docker's default set" {
	# docker's documented default mask
	[ "$(default_mask)" -eq $((0x00000000a80425fb)) ]
	run -0 cg_run --rm busybox grep ^Cap /proc/self/status
	echo "$output"
	assert_all_sets "$(default_mask)"
}

@test "--cap-add=NET_ADMIN adds bit 12" {
	run -0 cg_run --rm --cap-add=NET_ADMIN busybox grep ^Cap /proc/self/status
	echo "$output"
	assert_all_sets $(($(default_mask) | (1 << 12)))
}

@test "--cap-drop=CHOWN removes bit 0" {
	run -0 cg_run --rm --cap-drop=CHOWN busybox grep ^Cap /proc/self/status
	echo "$output"
	assert_all_sets $(($(default_mask) & ~1))
	# and it is really gone
	run cg_run --rm --cap-drop=CHOWN busybox sh -c 'touch /f && chown 1000 /f'
	[ "$status" -ne 0 ]
}

@test "--privileged keeps every capability we have" {
	local host
	host=$(sed -n 's/^CapBnd:[[:space:]]*//p' /proc/self/status)
	run -0 cg_run --rm --privileged busybox grep ^Cap /proc/self/status
	echo "$output (host bounding set $host)"
	for f in CapPrm CapEff CapBnd; do
		[ $((16#$(cap_field "$f" "$output"))) -eq $((16#$host)) ]
	done
}

@test "-u 1000 runs as uid 1000 with no effective capabilities" {
	run -0 cg_run --rm -u 1000 busybox sh -c 'id -u; grep ^Cap /proc/self/status'
	echo "$output"
	[ "${lines[0]}" = 1000 ]
	[ $((16#$(cap_field CapEff "$output"))) -eq 0 ]
	[ $((16#$(cap_field CapPrm "$output"))) -eq 0 ]
	[ $((16#$(cap_field CapBnd "$output"))) -eq "$(default_mask)" ]
}

@test "release_agent cannot be written from inside and cgroupfs cannot be mounted" {
	local -A before
	local f
	for f in /sys/fs/cgroup/*/release_agent; do
		[ -f "$f" ] && before[$f]=$(cat "$f")
	done
	run cg_run --rm busybox sh -c '
		for f in /sys/fs/cgroup/release_agent /sys/fs/cgroup/*/release_agent; do
			echo /tmp/x 2>/dev/null >"$f" && echo "wrote $f"
		done
		mkdir -p /mnt/cg
		for t in "cgroup -o memory" "cgroup -o cpu" cgroup2; do
			mount -t $t none /mnt/cg 2>/dev/null && echo "mounted $t"
		done
		echo 1 2>/dev/null >/sys/fs/cgroup/cgroup.procs && echo "wrote cgroup.procs"
		echo 1 2>/dev/null >/sys/fs/cgroup/cpu/notify_on_release && echo "wrote notify_on_release"
		echo end'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = end ]
	for f in "${!before[@]}"; do
		[ "$(cat "$f")" = "${before[$f]}" ]
	done
}

# Ambient capabilities survive exec: one the caller has must not reach the
# command (a root command keeps NET_RAW anyway; a setuid-less program it
# starts as another user would not lose it).
@test "an ambient capability of cgrun's caller does not reach the command" {
	need_tool capsh "Debian package libcap2-bin"
	run -0 capsh --inh=cap_net_raw --addamb=cap_net_raw -- -c \
		'grep ^CapAmb /proc/self/status; exec "$0" run --rm --cgroup-parent="$1" busybox grep ^CapAmb /proc/self/status' \
		"$CGRUN" "$CGRUN_PARENT"
	echo "$output"
	[ "$(sed -n 1p <<<"$output")" = "CapAmb:	0000000000002000" ]
	[ "$(sed -n 2p <<<"$output")" = "CapAmb:	0000000000000000" ]
}
