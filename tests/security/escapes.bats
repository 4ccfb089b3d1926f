#!/usr/bin/env bats
# The escapes that held before the seccomp filter (issue 16's "what holds"
# list), tried from inside a default container by the static probe's
# `escapes` (probe.c), each refusal asserted with its errno; then the same
# probe --privileged, so each refusal that a capability, the filter or a
# read-only mount makes is shown to be ours and not the kernel's.

load security_helpers

# expect NAME RESULT...: the probe's line for NAME (in $output) says one of RESULT.
expect()
{
	local name=$1 got r
	shift
	got=$(printf '%s\n' "$output" | awk -v n="$name" '$1 == n { print $2 }')
	for r in "$@"; do
		[ "$got" = "$r" ] && return 0
	done
	echo "$name: expected $*, got '${got}'" >&2
	return 1
}

# kernel_has PATH: the host's kernel has this /proc file (a kernel built
# without CONFIG_MAGIC_SYSRQ or CONFIG_PROC_KCORE has not).
kernel_has() { [ -e "$1" ]; }

@test "a default container cannot reach release_agent, /proc/sys, sysrq, kcore, a disk, mount, handles, bpf, perf or PID 1" {
	run -0 probe -- escapes
	echo "$output"
	# v1's release_agent is only in a hierarchy's root, which the cgroup
	# namespace hides; v2 has none.
	expect release_agent ENOENT EROFS
	expect proc-sys EROFS
	if kernel_has /proc/sysrq-trigger; then expect sysrq EROFS; else expect sysrq ENOENT; fi
	# Masked by /dev/null: opens, reads nothing.
	if kernel_has /proc/kcore; then expect kcore ENODATA; else expect kcore ENOENT; fi
	# CAP_MKNOD makes the node; nodev (and no device cgroup rule) keeps it shut.
	expect mknod-sda EACCES EPERM
	expect mknod-vda EACCES EPERM
	expect mount EPERM
	expect open_by_handle_at EPERM
	expect bpf EPERM
	expect perf_event_open EPERM
	# The init is not dumpable, and there is no CAP_SYS_PTRACE.
	expect ptrace-init EPERM
	expect init-mem EACCES
	expect fd-leak EBADF
	expect chroot-escape EPERM
}

@test "a command run as another user meets the same refusals" {
	run -0 probe -u 1000 -- escapes
	echo "$output"
	expect proc-sys EROFS EACCES
	expect mount EPERM
	expect bpf EPERM
	expect perf_event_open EPERM
	expect ptrace-init EPERM
	expect init-mem EACCES
	expect fd-leak EBADF
	expect chroot-escape EPERM
}

@test "--privileged lifts what the capabilities, the filter and the read-only /proc/sys hold" {
	run -0 probe --privileged -- escapes
	echo "$output"
	expect proc-sys ok
	expect mount ok
	expect bpf ok
	expect perf_event_open ok
	expect ptrace-init ok
	expect init-mem ok
	# Allowed now, and refused by the kernel for a handle that is made up.
	expect open_by_handle_at ESTALE EINVAL
	# Still: no descriptor leaks in, nodev still holds, and the double
	# chroot still ends in the container's own root.
	expect fd-leak EBADF
	expect mknod-sda EACCES EPERM
	expect chroot-escape EPERM
}

@test "the probe's checks can fail: on this host, outside any container, several escapes get through" {
	# The same binary where nothing confines it: if these were refused here
	# too, the container tests above would prove nothing.
	run -0 "$PROBE_DIR/probe" escapes 3</dev/null
	echo "$output"
	expect fd-leak ok
	expect proc-sys ok
	expect bpf ok
	expect mount ok
}
