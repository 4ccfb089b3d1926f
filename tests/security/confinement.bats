#!/usr/bin/env bats
# Confinement, tried from inside a container as an attacker would, with a
# static probe (probe.c, built by security_helpers.bash): the session keyring, and the
# default seccomp filter against --privileged (unconfined), so that each
# refusal is shown to come from the confinement and not from the kernel.

load security_helpers

@test "a key of the caller's session keyring is not reachable from the container" {
	local desc=cgrun-bats-key-$$
	# The probe sees its own key (the check can see one) ...
	run -0 "$PROBE_DIR/probe" session-key "$desc" "$PROBE_DIR/probe" find-key "$desc"
	[ "$output" = found ]
	# ... but not from the container's command, even unconfined (keyctl
	# allowed: only the init's own session keyring keeps it away).
	run -0 "$PROBE_DIR/probe" session-key "$desc" "$CGRUN" run --rm --cgroup-parent="$CGRUN_PARENT" \
		--privileged -v "$PROBE_DIR:/probe:ro" busybox /probe/probe find-key "$desc"
	[ "$output" = ENOKEY ]
}

# start_sleeper NAME [RUN-OPTIONS...]: a container that runs until
# stop_sleeper, with the probe in it; an in-process cgrun in the background.
start_sleeper()
{
	local name=$1
	shift
	mkdir -p "$BATS_TEST_TMPDIR/sync"
	start_bg sleeper "$CGRUN" run --cgroup-parent="$CGRUN_PARENT" --rm --name "$name" "$@" \
		-v "$PROBE_DIR:/probe:ro" -v "$BATS_TEST_TMPDIR/sync:/sync" busybox \
		sh -c 'touch /sync/ready; exec sleep 120'
	wait_ready "$BATS_TEST_TMPDIR/sync/ready"
}

stop_sleeper()
{
	kill -TERM "$BG_PID"
	wait_bg "$BG_PID" 20
	[ "$BG_STATUS" -eq 143 ]
}

@test "an exec'd command has a session keyring of its own too" {
	local desc=cgrun-bats-key-$$
	start_sleeper keyring --privileged
	run -0 "$PROBE_DIR/probe" session-key "$desc" timeout 30 "$CGRUN" exec keyring /probe/probe find-key "$desc"
	[ "$output" = ENOKEY ]
	stop_sleeper
}

# expect NAME RESULT: the probe's line for NAME (in $output) says RESULT.
expect()
{
	local got
	got=$(printf '%s\n' "$output" | awk -v n="$1" '$1 == n { print $2 }')
	if [ "$got" != "$2" ]; then
		echo "$1: expected $2, got '${got}'" >&2
		return 1
	fi
}

# i386_or RESULT: RESULT, or "crash" where the kernel has no i386 entry
# (ia32 emulation off, as on 6.x kernels built without it or booted with
# ia32_emulation=0): int 0x80 then faults before seccomp sees it, on the
# host as in a container.
i386_or()
{
	if [ -z "${I386_HOST:-}" ]; then
		I386_HOST=$("$PROBE_DIR/probe" syscalls | awk '$1 == "i386-keyctl" { print $2 }')
	fi
	if [ "$I386_HOST" = crash ]; then echo crash; else echo "$1"; fi
}

# What the default filter refuses, each with its errno; every one of them
# succeeds (or fails differently) unconfined, in the next test.
assert_confined()
{
	expect seccomp 2
	expect keyctl EPERM
	expect add_key EPERM
	expect request_key EPERM
	expect unshare-user EPERM
	expect clone-newuser EPERM
	expect io_uring_setup EPERM
	expect userfaultfd EPERM
	expect clone3 ENOSYS
	expect socket-alg EPERM
	expect socket-vsock EPERM
	# With a high word set, which the kernel does not read (libseccomp's
	# program compared 64 bits and let these through).
	expect socket-alg-hi EPERM
	expect socket-vsock-hi EPERM
	expect socket-unix ok
	expect personality-weird EPERM
	expect personality-query ok
	# Newer than the profile: ENOSYS (the default would be EPERM).
	expect beyond ENOSYS
	expect mseal ENOSYS
	expect x32-beyond ENOSYS
	expect i386-beyond "$(i386_or ENOSYS)"
	# The other two entries of x86_64 are filtered too.
	expect x32-keyctl EPERM
	expect i386-keyctl "$(i386_or EPERM)"
}

@test "the default seccomp filter refuses keyrings, user namespaces, io_uring, userfaultfd, AF_ALG, AF_VSOCK" {
	run -0 probe -- syscalls
	echo "$output"
	assert_confined
}

@test "--privileged runs without a filter: the same attempts are not refused" {
	run -0 probe --privileged -- syscalls
	echo "$output"
	expect seccomp 0
	expect keyctl ok
	expect add_key ENODEV
	expect request_key ENOKEY
	expect unshare-user ok
	expect clone-newuser ok
	expect userfaultfd ok
	expect clone3 EINVAL
	expect personality-weird ok
	expect i386-keyctl "$(i386_or ok)"
	# Kernel-dependent: io_uring may be disabled (io_uring_disabled), AF_ALG
	# and AF_VSOCK missing, mseal older than the kernel.
	[ "$(awk '$1 == "io_uring_setup" { print $2 }' <<<"$output")" != EPERM ] ||
		[ "$(cat /proc/sys/kernel/io_uring_disabled 2>/dev/null)" != 0 ]
	[ "$(awk '$1 == "socket-alg" { print $2 }' <<<"$output")" != EPERM ]
	[ "$(awk '$1 == "socket-vsock" { print $2 }' <<<"$output")" != EPERM ]
	[ "$(awk '$1 == "socket-vsock-hi" { print $2 }' <<<"$output")" != EPERM ]
	[ "$(awk '$1 == "mseal" { print $2 }' <<<"$output")" != ENOSYS ] ||
		! printf '6.10\n%s\n' "$(uname -r)" | sort -VC
}

@test "CAP_SYS_ADMIN in the bounding set unlocks unshare and clone3, not keyrings or io_uring" {
	run -0 probe --cap-add=SYS_ADMIN -- syscalls
	echo "$output"
	expect seccomp 2
	expect unshare-user ok
	expect clone-newuser ok
	expect clone3 EINVAL
	expect keyctl EPERM
	expect add_key EPERM
	expect io_uring_setup EPERM
	expect userfaultfd EPERM
	expect socket-alg EPERM
}

@test "a command run as another user is filtered too" {
	run -0 probe -u 1000 -- syscalls
	echo "$output"
	assert_confined
}

@test "an exec'd command gets the container's filter" {
	start_sleeper confined
	run -0 timeout 30 "$CGRUN" exec confined /probe/probe syscalls
	echo "$output"
	assert_confined
	stop_sleeper
}

@test "the compiled filter is cached in the run directory and used again" {
	rm -rf "$CGRUN_RUN_DIR/seccomp"
	run -0 probe -- syscalls
	run -0 find "$CGRUN_RUN_DIR/seccomp" -name '*.bpf'
	[ "${#lines[@]}" -eq 1 ]
	local f=${lines[0]} before
	before=$(stat -c %i "$f")
	# Another set of capabilities, another filter; the same set, the file as it was.
	run -0 probe --cap-add=SYS_ADMIN -- syscalls
	run -0 probe -- syscalls
	assert_confined
	run -0 find "$CGRUN_RUN_DIR/seccomp" -name '*.bpf'
	[ "${#lines[@]}" -eq 2 ]
	[ "$(stat -c %i "$f")" = "$before" ]
	# A damaged entry is compiled again, not loaded.
	printf 'garbage' >"$f"
	run -0 probe -- syscalls
	assert_confined
	[ "$(stat -c %s "$f")" -gt 1000 ]
}
