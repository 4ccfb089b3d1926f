#!/usr/bin/env bats
# Confinement, tried from inside a container as an attacker would, with a
# static probe (security-probe.c, built here): the session keyring, and the
# default seccomp filter against --privileged (unconfined), so that each
# refusal is shown to come from the confinement and not from the kernel.

load helpers

setup_file()
{
	cg_setup_file || return 1
	PROBE_DIR=$(mktemp -d /var/tmp/cgrun-bats-probe.XXXXXX)
	export PROBE_DIR
	gcc -static -O1 -o "$PROBE_DIR/probe" "$BATS_TEST_DIRNAME/security-probe.c"
}

teardown_file()
{
	[ -z "${PROBE_DIR:-}" ] || rm -rf "$PROBE_DIR"
	cg_teardown_file
}

# probe [RUN-OPTIONS...] -- ARGS...: the probe in a busybox container.
probe()
{
	local opts=()
	while [ "$1" != -- ]; do opts+=("$1"); shift; done
	shift
	cg_run --rm "${opts[@]}" -v "$PROBE_DIR:/probe:ro" busybox /probe/probe "$@"
}

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
