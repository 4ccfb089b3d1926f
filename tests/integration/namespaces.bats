#!/usr/bin/env bats
# Namespaces: every one new, PID 1, hostname, cgroup view, loopback only.

load helpers

@test "every namespace is new: mnt pid uts ipc net cgroup" {
	local ns host
	run -0 cg_run --rm busybox sh -c \
		'for n in mnt pid uts ipc net cgroup; do echo "$n $(readlink /proc/self/ns/$n)"; done'
	[ "${#lines[@]}" -eq 6 ]
	for ns in mnt pid uts ipc net cgroup; do
		host=$(readlink "/proc/self/ns/$ns")
		inside=$(sed -n "s/^$ns //p" <<<"$output")
		echo "$ns: host $host, container $inside"
		[[ $inside == "$ns:["[0-9]*"]" ]]
		[ "$inside" != "$host" ]
	done
}

@test "the command is PID 2 under an init that is PID 1 and not the command" {
	run -0 cg_run --rm busybox sh -c \
		'echo "pid=$$ ppid=$PPID"; tr "\0" " " </proc/1/cmdline; echo; tr "\0" " " </proc/$$/cmdline; echo; :'
	echo "$output"
	[ "${lines[0]}" = "pid=2 ppid=1" ]
	# /proc/1 exists and is not the command itself
	[ -n "${lines[1]}" ]
	[ "${lines[1]}" != "${lines[2]}" ]
	[[ ${lines[2]} == "sh -c "* ]]
}

@test "only the container's processes are visible" {
	run -0 cg_run --rm busybox sh -c 'for p in /proc/[0-9]*; do echo "${p#/proc/}"; done; :'
	echo "$output"
	# init (1) and sh (2): nothing of the host's
	[ "${lines[*]}" = "1 2" ]
}

@test "hostname defaults to the first 12 hex digits of the id" {
	local id
	run -0 cg_run --name=nshost busybox sh -c 'hostname; cat /etc/hostname'
	id=$(cg_id_of nshost)
	echo "id=$id output=$output"
	[[ $id =~ ^[0-9a-f]{64}$ ]]
	[ "${lines[0]}" = "${id:0:12}" ]
	[ "${lines[1]}" = "${id:0:12}" ]
	[ "$(hostname)" != "${id:0:12}" ]
	run -0 "$CGRUN" rm nshost
}

@test "--hostname sets the host name" {
	run -0 cg_run --rm --hostname=box-one busybox sh -c 'hostname; uname -n'
	[ "${lines[0]}" = box-one ]
	[ "${lines[1]}" = box-one ]
	[ "$(hostname)" != box-one ]
}

@test "/proc/self/cgroup shows / in every hierarchy (cgroup namespace)" {
	run -0 cg_run --rm busybox cat /proc/self/cgroup
	echo "$output"
	[ "${#lines[@]}" -ge 1 ]
	local l
	for l in "${lines[@]}"; do
		[[ $l == *:/ ]]
	done
}

@test "the network namespace has only lo, and it is up" {
	run -0 cg_run --rm busybox sh -c \
		'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "; echo "flags=$(cat /sys/class/net/lo/flags)"; ls /sys/class/net'
	echo "$output"
	[ "${lines[0]}" = lo ]
	[[ ${lines[1]} == flags=0x* ]]
	local flags=${lines[1]#flags=}
	# IFF_UP
	(( (flags & 1) == 1 ))
	[ "${lines[2]}" = lo ]
	[ "${#lines[@]}" -eq 3 ]
}

@test "loopback carries traffic" {
	run -0 cg_run --rm busybox ping -c 1 -W 2 127.0.0.1
	[[ $output == *"1 packets received"* ]]
}
