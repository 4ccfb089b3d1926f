#!/usr/bin/env bats
# The verbs that act on an existing container, with no cgrund answering
# (every suite has a run dir of its own): stop, kill, pause, unpause, update
# and wait on a foreground cgrun's container are done by the CLI itself
# (src/lib/container-ops.c) and print what they print through cgrund.

load helpers

# A foreground container named $1 whose command is $2 (sh -c), started in
# the background; it touches /sync/ready once it runs. Sets BG_PID, ID.
start_fg()
{
	mkdir -p "$BATS_TEST_TMPDIR/sync"
	start_bg "$1" "$CGRUN" run --cgroup-parent="$CGRUN_PARENT" --name "$1" \
		-v "$BATS_TEST_TMPDIR/sync:/sync" busybox sh -c "touch /sync/ready; $2"
	wait_ready "$BATS_TEST_TMPDIR/sync/ready"
	ID=$(cg_id_of "$1")
}

# Frozen through cgroup.freeze (v2, or the tracking cgroup of a hybrid
# host) or the v1 freezer.
frozen()
{
	local u fz
	u=$(cg_host_dir unified "$1") || u=''
	fz=$(cg_host_dir freezer "$1") || fz=''
	grep -qx 'frozen 1' "$u/cgroup.events" 2>/dev/null || grep -qx FROZEN "$fz/freezer.state" 2>/dev/null
}

pids_max()
{
	if [ "$CG_MODE" = unified ]; then
		cat "$(cg_host_dir "" "$1")/pids.max"
	else
		cat "$(cg_host_dir pids "$1")/pids.max"
	fi
}

@test "without cgrund, pause, unpause, update and kill act on a foreground container and print its name" {
	start_fg lv-a 'trap "exit 3" HUP; while :; do sleep 0.1; done'
	run -0 "$CGRUN" pause lv-a
	[ "$output" = lv-a ]
	frozen "$ID"
	run -0 "$CGRUN" ps
	[[ $output == *paused*lv-a* ]]
	# Pausing twice is refused, in one line.
	run -125 --separate-stderr "$CGRUN" pause lv-a
	assert_one_error_line
	run -0 "$CGRUN" unpause lv-a
	[ "$output" = lv-a ]
	! frozen "$ID"
	run -0 "$CGRUN" update --pids-limit=77 --memory=96m lv-a
	[ "$output" = lv-a ]
	[ "$(pids_max "$ID")" = 77 ]
	run -0 "$CGRUN" inspect lv-a
	[[ $output == *'"pids_limit":77'* ]]
	[[ $output == *'"memory":100663296'* ]]
	# The record still names the foreground cgrun as its owner.
	[[ $output == *"\"owner_pid\":$BG_PID"* ]]
	run -0 "$CGRUN" kill -s HUP lv-a
	[ "$output" = lv-a ]
	wait_bg "$BG_PID"
	[ "$BG_STATUS" = 3 ]
	run -0 "$CGRUN" rm lv-a
}

@test "without cgrund, stop -t 1 kills a container that ignores TERM, and wait prints how it ended" {
	start_fg lv-b 'trap "" TERM; while :; do sleep 0.1; done'
	fg=$BG_PID
	start_bg waiter "$CGRUN" wait lv-b
	waiter=$BG_PID
	t0=$SECONDS
	run -0 timeout 30 "$CGRUN" stop -t 1 lv-b
	[ "$output" = lv-b ]
	# TERM was ignored: the SIGKILL came after the second given.
	[ $((SECONDS - t0)) -ge 1 ]
	wait_bg "$fg"
	[ "$BG_STATUS" = 137 ]
	wait_bg "$waiter"
	[ "$BG_STATUS" = 0 ]
	[ "$(cat "$BATS_TEST_TMPDIR/waiter.out")" = 137 ]
	# An ended container: stop is a no-op, kill and pause are refused,
	# wait answers at once.
	run -0 "$CGRUN" stop lv-b
	run -125 --separate-stderr "$CGRUN" kill lv-b
	assert_one_error_line
	run -125 --separate-stderr "$CGRUN" pause lv-b
	assert_one_error_line
	run -0 timeout 10 "$CGRUN" wait lv-b
	[ "$output" = 137 ]
	run -0 "$CGRUN" rm lv-b
}

@test "without cgrund, stop with the default timeout ends a container that exits on TERM" {
	start_fg lv-c 'trap "exit 0" TERM; while :; do sleep 0.1; done'
	run -0 timeout 30 "$CGRUN" stop lv-c
	[ "$output" = lv-c ]
	wait_bg "$BG_PID"
	[ "$BG_STATUS" = 0 ]
	run -0 "$CGRUN" ps -a
	[[ $output == *"exited (0)"*lv-c* ]]
	run -0 "$CGRUN" rm lv-c
}

@test "without cgrund, the verbs refuse an unknown container in one line" {
	for v in stop kill pause unpause wait; do
		run -125 --separate-stderr "$CGRUN" "$v" no-such-ctr
		assert_one_error_line
		[[ ${stderr_lines[0]} == *"no such container 'no-such-ctr'"* ]]
	done
	run -125 --separate-stderr "$CGRUN" update --pids-limit=5 no-such-ctr
	assert_one_error_line
	run -125 --separate-stderr "$CGRUN" logs no-such-ctr
	assert_one_error_line
}
