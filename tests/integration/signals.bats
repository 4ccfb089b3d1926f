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

# ---------------------------------------------------------------------------
# A foreground cgrun killed outright (SIGKILL: no handler, no clean-up).
# Its container dies with it (the init's PDEATHSIG, then the PID
# namespace), and what is left (record, cgroups, run dir) is collected by
# the next cgrun that looks: cg_container_gc, run by `ps` and by a
# foreground `run` (record.c).

# killed_run TAG NAME RUN-ARGS...: a foreground run of `sleep` and a
# background `sleep` in its own shell, SIGKILLed once both run. Sets ID,
# KILLED (cgrun's pid) and CPIDS (the container's pids, seen from here).
killed_run()
{
	local tag=$1 name=$2 sync d pid
	shift 2
	sync=$(sync_dir)
	start_container "$tag" --name "$name" -v "$sync:/sync" "$@" busybox \
		sh -c 'sleep 300 & touch /sync/ready; exec sleep 301'
	wait_ready "$sync/ready"
	KILLED=$BG_PID
	ID=$(cg_id_of "$name")
	[ -n "$ID" ] || return 1
	CPIDS=()
	for d in "${CG_USED_DIRS[@]}"; do
		while read -r pid; do
			track_pid "$pid"
			CPIDS+=("$pid")
		done < <(find "$d/$ID" -name cgroup.procs -exec cat {} +)
	done
	mapfile -t CPIDS < <(printf '%s\n' "${CPIDS[@]}" | sort -u)
	echo "cgrun $KILLED, container pids: ${CPIDS[*]}"
	# the init, the shell (exec'd into sleep 301) and sleep 300
	[ "${#CPIDS[@]}" -eq 3 ] || return 1
	kill -KILL "$KILLED"
	wait_bg "$KILLED" 10
	[ "$BG_STATUS" -eq 137 ] || return 1
}

# Every pid of CPIDS is gone (or a zombie nobody reaped yet) within 10 s.
container_gone()
{
	local pid end=$((SECONDS + 10)) st
	for pid in "${CPIDS[@]}"; do
		while st=$(pid_state "$pid"); [ -n "$st" ] && [ "$st" != Z ]; do
			if [ "$SECONDS" -ge "$end" ]; then
				echo "container process $pid ($st) outlived its cgrun" >&2
				return 1
			fi
			nap "$CG_POLL"
		done
	done
}

# What cgrun left: its record naming it as owner, and the cgroups.
left_by_killed()
{
	local d
	jq -e --argjson pid "$KILLED" '.owner_pid == $pid and .state == "running"' \
		"$CGRUN_STORE_DIR/containers/$ID/config.json"
	for d in "${CG_USED_DIRS[@]}"; do
		[ -d "$d/$ID" ] || { echo "no cgroup $d/$ID before the collection" >&2; return 1; }
	done
	[ -d "$CGRUN_RUN_DIR/containers/$ID" ]
}

# No cgroup or mount of the container is left (a kept one keeps its record
# and run dir, with the exit status, until rm).
collected()
{
	local d
	for d in "${CG_PARENT_DIRS[@]}"; do
		[ ! -e "$d/$ID" ] || { echo "cgroup $d/$ID left" >&2; return 1; }
	done
	! grep -F "$ID" /proc/self/mountinfo || return 1
}

@test "SIGKILL of a foreground cgrun kills its container (PDEATHSIG); the next 'cgrun ps' collects a --rm one" {
	killed_run k1 gc-rm --rm
	container_gone
	left_by_killed
	run -0 "$CGRUN" ps -a
	echo "$output"
	! grep -q "${ID:0:12}" <<<"$output" || false
	collected
	[ ! -e "$CGRUN_STORE_DIR/containers/$ID" ]
	[ ! -L "$CGRUN_STORE_DIR/names/gc-rm" ]
	[ ! -e "$CGRUN_RUN_DIR/containers/$ID" ]
}

@test "SIGKILL of a foreground cgrun: the next foreground 'cgrun run' collects a kept container, left as exited" {
	killed_run k2 gc-kept
	container_gone
	left_by_killed
	run -0 cg_run --rm busybox true
	collected
	# The init was SIGKILLed: it left no status, and 137 says so.
	jq -e '.state == "exited" and .exit_code == 137' "$CGRUN_STORE_DIR/containers/$ID/config.json"
	run -0 "$CGRUN" ps -a
	echo "$output"
	grep -E "^${ID:0:12} .* exited \(137\) .* gc-kept\$" <<<"$output"
	run -0 "$CGRUN" rm gc-kept
	[ ! -e "$CGRUN_STORE_DIR/containers/$ID" ]
}
