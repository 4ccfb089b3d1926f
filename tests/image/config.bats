#!/usr/bin/env bats
# The image config beyond the command, end to end: StopSignal (what stop
# sends, in-process and through cgrund), Labels and ExposedPorts (inspect's
# Config), and run --entrypoint. The images come from registry_helpers.bash
# (layered: Entrypoint ["/bin/sh","-c"], Cmd ["echo hello"], StopSignal
# SIGUSR1, labels org.cgrun.test=layered and k=v, ports 8080/tcp 53/udp),
# pulled from a registry in this file's own network namespace.

load ../integration/daemon_helpers
load registry_helpers

IMG=$REG_ANON/$REG_REPO:oci
# Waits for USR1 (exit 42) or TERM (exit 43), saying which it got.
TRAPS='trap "echo got USR1; exit 42" USR1; trap "echo got TERM; exit 43" TERM; echo ready; while :; do sleep 0.1; done'

setup_file()
{
	# The first test stops a container with no cgrund; the others start it.
	DT_NO_DAEMON=1 dt_setup_file || return 1
	reg_need_image_tool || return 1
	reg_setup_images
	reg_ns env CGRUN_REGISTRY_CA="$REG_DIR/ca.crt" timeout 120 "$CGRUN" pull -q "$IMG" >/dev/null
}

teardown_file()
{
	reg_teardown
	dt_teardown_file
}

daemon_up()
{
	[ -f "$DT_DIR/cgrund.pid" ] && dt_same_proc "$(dt_daemon_pid)" "$(dt_start_time "$(dt_daemon_pid)")" ||
		dt_start_daemon
}

has_ready() { grep -q ready "$1"; }

restarted_and_exited() { [ "$(dt_field "$1" restarts)" = 1 ] && dt_state_is "$1" exited; }

teardown()
{
	local n
	# What a failed test left: removed before the leak check.
	for n in cfg-fg cfg-d cfg-term cfg-ep; do
		[ -L "$CGRUN_STORE_DIR/names/$n" ] && timeout 30 "$CGRUN" rm -f "$n" >/dev/null 2>&1
	done
	dt_teardown
}

@test "stop without cgrund sends the image's StopSignal (SIGUSR1), not SIGTERM" {
	local out=$BATS_TEST_TMPDIR/fg.out
	timeout 60 "$CGRUN" run --name cfg-fg --rm "$IMG" "$TRAPS" >"$out" 2>&1 </dev/null 3>&- &
	local pid=$!
	dt_track "$pid"
	dt_wait_until 20 has_ready "$out"
	run -0 timeout 30 "$CGRUN" stop -t 10 cfg-fg
	local st=0
	wait "$pid" || st=$?
	cat "$out"
	grep -qx 'got USR1' "$out"
	[ "$st" = 42 ]
}

@test "stop through cgrund sends the image's StopSignal; inspect shows Labels, ExposedPorts, StopSignal" {
	daemon_up
	run -0 timeout 30 "$CGRUN" run -d --name cfg-d "$IMG" "$TRAPS"
	local id=$output
	dt_wait_until 20 log_has "$id" ready
	run -0 "$CGRUN" inspect cfg-d
	local j=$output
	[ "$(jq -c '(if type == "array" then .[0] else . end).Config.Labels' <<<"$j")" = '{"k":"v","org.cgrun.test":"layered"}' ] ||
		[ "$(jq -c '(if type == "array" then .[0] else . end).Config.Labels' <<<"$j")" = '{"org.cgrun.test":"layered","k":"v"}' ]
	[ "$(jq -c '(if type == "array" then .[0] else . end).Config.ExposedPorts | keys' <<<"$j")" = '["53/udp","8080/tcp"]' ]
	[ "$(jq -r '(if type == "array" then .[0] else . end).Config.StopSignal' <<<"$j")" = SIGUSR1 ]
	run -0 timeout 30 "$CGRUN" stop -t 10 cfg-d
	[ "$(dt_field "$id" exit_code)" = 42 ]
	grep -qx 'got USR1' "$CGRUN_STORE_DIR/containers/$id/container.log"
	run -0 "$CGRUN" rm cfg-d
}

log_has()
{
	grep -q -- "$2" "$CGRUN_STORE_DIR/containers/$1/container.log" 2>/dev/null
}

@test "an image without StopSignal is stopped with SIGTERM; its inspect has empty Labels and ExposedPorts" {
	daemon_up
	run -0 timeout 30 "$CGRUN" run -d --name cfg-term busybox sh -c "$TRAPS"
	local id=$output
	dt_wait_until 20 log_has "$id" ready
	run -0 "$CGRUN" inspect cfg-term
	[ "$(jq -c '(if type == "array" then .[0] else . end).Config' <<<"$output")" = '{"Labels":{},"ExposedPorts":{}}' ]
	run -0 timeout 30 "$CGRUN" stop -t 10 cfg-term
	[ "$(dt_field "$id" exit_code)" = 43 ]
	run -0 "$CGRUN" rm cfg-term
}

@test "--entrypoint=PROG replaces the image's Entrypoint and drops its Cmd; \"\" clears it" {
	daemon_up
	# The image alone: /bin/sh -c 'echo hello'.
	run -0 timeout 30 "$CGRUN" run --rm "$IMG"
	[ "$output" = hello ]
	run -0 timeout 30 "$CGRUN" run --rm --entrypoint=/bin/echo "$IMG" one two
	[ "$output" = "one two" ]
	# Cmd dropped: echo with no arguments prints an empty line.
	run -0 timeout 30 "$CGRUN" run --rm --entrypoint=/bin/echo "$IMG"
	[ "$output" = "" ]
	run -0 timeout 30 "$CGRUN" run --rm --entrypoint= "$IMG" /bin/echo no entrypoint
	[ "$output" = "no entrypoint" ]
	# No Entrypoint and no command: the Cmd alone, here the one word
	# "echo hello", which is no program.
	run -127 --separate-stderr timeout 30 "$CGRUN" run --rm --entrypoint= "$IMG"
	[[ $stderr == *"'echo hello' not found"* ]]
}

@test "--entrypoint travels to cgrund and is recorded: run -d, inspect, a restart of the container" {
	daemon_up
	run -0 timeout 30 "$CGRUN" run -d --name cfg-ep --restart=on-failure:1 --entrypoint=/bin/sh "$IMG" \
		-c 'echo run; exit 3'
	local id=$output
	dt_wait_until 30 restarted_and_exited "$id"
	[ "$(grep -c '^run$' "$CGRUN_STORE_DIR/containers/$id/container.log")" = 2 ]
	[ "$(jq -r .spec.entrypoint "$CGRUN_STORE_DIR/containers/$id/config.json")" = /bin/sh ]
	run -0 "$CGRUN" inspect cfg-ep
	[ "$(jq -r '(if type == "array" then .[0] else . end).spec.entrypoint' <<<"$output")" = /bin/sh ]
	run -0 "$CGRUN" rm cfg-ep
}
