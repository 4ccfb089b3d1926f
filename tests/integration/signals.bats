#!/usr/bin/env bats
# Signals reach the command through cgrun and the container's init; the
# init reaps orphans.

load helpers

# start_container TAG ARGS...: cgrun run in the background (BG_PID is
# cgrun itself). Like any background job of a shell without job control it
# starts with SIGINT and SIGQUIT ignored; cgrun blocks them and reads them
# from a signalfd, so they still arrive (a blocked signal is queued even
# when ignored).
start_container()
{
	local tag=$1
	shift
	start_bg "$tag" "$CGRUN" run --cgroup-parent="$CGRUN_PARENT" "$@"
}

# The command is running once the ready file shows up in the sync volume.
sync_dir()
{
	mkdir -p "$BATS_TEST_TMPDIR/sync"
	echo "$BATS_TEST_TMPDIR/sync"
}

@test "SIGTERM to cgrun ends 'sleep 100' quickly with 143" {
	local sync start
	sync=$(sync_dir)
	start_container term --rm -v "$sync:/sync" busybox sh -c 'touch /sync/ready; exec sleep 100'
	wait_ready "$sync/ready"
	start=$SECONDS
	kill -TERM "$BG_PID"
	wait_bg "$BG_PID" 10
	cat "$BATS_TEST_TMPDIR/term.err"
	[ "$BG_STATUS" -eq 143 ]
	[ $((SECONDS - start)) -le 3 ]
}

@test "SIGTERM reaches the command's own handler" {
	local sync
	sync=$(sync_dir)
	# the command handles TERM itself: proof that the signal got to it
	start_container term2 --rm -v "$sync:/sync" busybox sh -c \
		'trap "echo got-TERM; exit 9" TERM; touch /sync/ready; sleep 100 & wait'
	wait_ready "$sync/ready"
	kill -TERM "$BG_PID"
	wait_bg "$BG_PID" 10
	[ "$BG_STATUS" -eq 9 ]
	[ "$(cat "$BATS_TEST_TMPDIR/term2.out")" = got-TERM ]
}

@test "SIGINT is forwarded" {
	local sync
	sync=$(sync_dir)
	start_container int --rm -v "$sync:/sync" busybox sh -c \
		'trap "echo got-INT; exit 7" INT; touch /sync/ready; sleep 100 & wait'
	wait_ready "$sync/ready"
	kill -INT "$BG_PID"
	wait_bg "$BG_PID" 10
	cat "$BATS_TEST_TMPDIR/int.err"
	[ "$BG_STATUS" -eq 7 ]
	[ "$(cat "$BATS_TEST_TMPDIR/int.out")" = got-INT ]
}

@test "SIGINT to a plain sleep ends it with 130" {
	local sync
	sync=$(sync_dir)
	start_container int2 --rm -v "$sync:/sync" busybox sh -c 'touch /sync/ready; exec sleep 100'
	wait_ready "$sync/ready"
	kill -INT "$BG_PID"
	wait_bg "$BG_PID" 10
	[ "$BG_STATUS" -eq 130 ]
}

@test "SIGHUP is forwarded" {
	local sync
	sync=$(sync_dir)
	start_container hup --rm -v "$sync:/sync" busybox sh -c 'touch /sync/ready; exec sleep 100'
	wait_ready "$sync/ready"
	kill -HUP "$BG_PID"
	wait_bg "$BG_PID" 10
	[ "$BG_STATUS" -eq 129 ]
}

@test "orphans are reaped: no zombies" {
	run -0 cg_run --rm busybox sh -c '
		(sleep 0.1 &)
		for i in 1 2 3 4 5 6 7 8 9 10; do (true &) ; done
		sleep 1
		ps -o stat,pid,ppid,comm; :'
	echo "$output"
	[[ ${lines[0]} == STAT* ]]
	! awk 'NR > 1 { print $1 }' <<<"$output" | grep -q Z || false
	# the orphans are gone, not merely not zombies: only init, sh and ps
	[ "${#lines[@]}" -eq 4 ]
}

@test "an orphan is re-parented to the container's init" {
	run -0 cg_run --rm busybox sh -c '(sleep 2 &); sleep 0.3; ps -o ppid,comm | grep " sleep$" | sort | head -n 1'
	echo "$output"
	[ "$(echo "$output" | awk '{ print $1 }')" = 1 ]
}

@test "when the command exits, the rest of the container goes too" {
	# a daemonised sleep would keep the cgroup busy; the init's exit ends it
	run -0 cg_run --rm busybox sh -c '(exec sleep 100 &); true'
	# the leak check (cgroup removed, no processes) does the rest
}

# Ignored signals outlive exec: what cgrun was started with (nohup, a
# background job's SIGINT and SIGQUIT) must not reach the command; the
# container's init, which ignores nothing either, still reaps it.
@test "the command starts with no signal ignored, even when cgrun's caller ignores some" {
	run -3 bash -c 'trap "" HUP INT QUIT PIPE USR1 CHLD; exec "$1" run --rm --cgroup-parent="$2" busybox sh -c "grep -E \"^Sig(Ign|Cgt)\" /proc/self/status /proc/1/status; exit 3"; ' _ "$CGRUN" "$CGRUN_PARENT"
	echo "$output"
	grep -q "^/proc/self/status:SigIgn:.*0000000000000000$" <<<"$output"
	grep -q "^/proc/1/status:SigIgn:.*0000000000000000$" <<<"$output"
	grep -q "^/proc/1/status:SigCgt:.*0000000000000000$" <<<"$output"
}
