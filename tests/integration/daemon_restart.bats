#!/usr/bin/env bats
# cgrund loses nothing across its own restarts: killed with SIGKILL (or
# stopped with SIGTERM) while detached containers run, the next cgrund
# re-adopts them: listed, exec works, exit codes collected (also of those
# that ended while no cgrund ran), cgroups cleaned up.

load daemon_helpers

N=20

# A test that failed or timed out half-way may have left no cgrund running:
# each test starts with one, so one failure does not fail the rest.
setup()
{
	dt_setup
	dt_answers || dt_start_daemon
}

running_count()
{
	"$CGRUN" ps | grep -c ' running ' || true
}

init_gone()
{
	local pid=$1 start=$2
	! dt_same_proc "$pid" "$start"
}

# No process left in cgroup directory $1.
cgroup_empty()
{
	! read -r _ 2>/dev/null <"$1/cgroup.procs"
}

# kill -9 our cgrund (by pid) and wait until it is gone.
kill9_daemon()
{
	local pid start
	pid=$(dt_daemon_pid)
	start=$(dt_start_time "$pid")
	[ -n "$start" ]
	kill -KILL "$pid"
	dt_wait_until 10 init_gone "$pid" "$start"
	wait "$pid" 2>/dev/null || true
	! dt_answers
}

@test "kill -9 of cgrund with $N detached containers running: all re-adopted, usable, then stopped with no leak" {
	local i id
	declare -A pid start
	for i in $(seq $N); do
		id=$(timeout 30 "$CGRUN" run -d --name "dt-r$i" busybox sh -c "echo up $i; exec sleep 1000")
		[[ $id =~ ^[0-9a-f]{64}$ ]]
	done
	# One that ends while no cgrund is running, one that ends after the
	# restart (its init is no longer cgrund's child). Each waits for its
	# go file in a shared directory, so the order does not hang on timing;
	# its pid and start time are taken at once.
	sync=$BATS_TEST_TMPDIR/sync
	mkdir "$sync"
	for i in -early -late; do
		code=42
		[ "$i" = -late ] && code=7
		timeout 30 "$CGRUN" run -d --name "dt-r$i" -v "$sync:/sync" busybox sh -c \
			"while [ ! -e /sync/go$i ]; do sleep 0.1; done; exit $code" >/dev/null
		id=$(dt_id_of "dt-r$i")
		pid[$i]=$(dt_pid_of "$id")
		start[$i]=$(dt_start_time "${pid[$i]}")
		[ -n "${start[$i]}" ]
	done
	[ "$(running_count)" -eq $((N + 2)) ]
	for i in $(seq $N); do
		id=$(dt_id_of "dt-r$i")
		pid[$i]=$(dt_pid_of "$id")
		start[$i]=$(dt_start_time "${pid[$i]}")
		[ -n "${start[$i]}" ]
	done

	kill9_daemon
	# The containers do not depend on cgrund.
	for i in $(seq $N) -late; do
		dt_same_proc "${pid[$i]}" "${start[$i]}"
	done
	touch "$sync/go-early"
	dt_wait_until 15 init_gone "${pid[-early]}" "${start[-early]}"
	dt_wait_until 5 cgroup_empty "$(dt_cgdir pids "$(dt_id_of dt-r-early)")"

	dt_start_daemon
	grep -q "re-adopted $((N + 1)) running containers, collected 1" "$DT_LOG" || { cat "$DT_LOG" >&3; false; }
	# All N (and the late one) still listed as running, under the same pids.
	run -0 "$CGRUN" ps
	[ "$(grep -c ' running ' <<<"$output")" -eq $((N + 1)) ]
	for i in $(seq $N); do
		[[ $output == *"dt-r$i"* ]]
		dt_same_proc "${pid[$i]}" "${start[$i]}"
	done
	# The one that ended meanwhile shows its real exit code.
	run -0 "$CGRUN" ps -a
	[[ $output == *"exited (42)"*dt-r-early* ]]
	run -0 timeout 10 "$CGRUN" wait dt-r-early
	[ "$output" = 42 ]
	[ ! -d "$(dt_cgdir pids "$(dt_id_of dt-r-early)")" ]
	# exec, logs, inspect, pause, update work on a re-adopted container.
	id=$(dt_id_of dt-r5)
	run -0 "$CGRUN" exec dt-r5 hostname
	[ "$output" = "${id:0:12}" ]
	run -0 "$CGRUN" exec dt-r5 readlink /proc/self/ns/pid
	[ "$output" = "$(readlink "/proc/${pid[5]}/ns/pid")" ]
	run -0 "$CGRUN" logs dt-r5
	[ "$output" = "up 5" ]
	run -0 "$CGRUN" inspect dt-r5
	[[ $output == *'"state":"running"'* ]]
	run -0 "$CGRUN" pause dt-r5
	run -0 "$CGRUN" unpause dt-r5
	run -0 "$CGRUN" update --pids-limit=33 dt-r5
	[ "$(cat "$(dt_cgdir pids "$id")/pids.max")" = 33 ]
	# A container that ends after the restart: its exit code is collected.
	touch "$sync/go-late"
	run -0 timeout 20 "$CGRUN" wait dt-r-late
	[ "$output" = 7 ]
	[ ! -d "$(dt_cgdir pids "$(dt_id_of dt-r-late)")" ]
	# Stop them all: exit codes, cgroups gone.
	for i in $(seq $N); do
		run -0 timeout 20 "$CGRUN" stop -t 5 "dt-r$i"
	done
	for i in $(seq $N); do
		id=$(dt_id_of "dt-r$i")
		dt_state_is "$id" exited
		[ "$(dt_field "$id" exit_code)" = 143 ]
		! dt_same_proc "${pid[$i]}" "${start[$i]}"
		[ ! -d "$(dt_cgdir pids "$id")" ]
		[ ! -d "$(dt_cgdir memory "$id")" ]
	done
	[ "$(running_count)" -eq 0 ]
	for i in $(seq $N) -early -late; do
		run -0 "$CGRUN" rm "dt-r$i"
	done
}

@test "cgrund stopped with SIGTERM leaves its containers running; the next one re-adopts them" {
	id=$(timeout 30 "$CGRUN" run -d --name dt-term busybox sleep 1000)
	pid=$(dt_pid_of "$id")
	start=$(dt_start_time "$pid")
	d=$(dt_daemon_pid)
	kill -TERM "$d"
	dt_wait_until 10 init_gone "$d" "$(dt_start_time "$d")"
	wait "$d" 2>/dev/null || true
	dt_same_proc "$pid" "$start"
	# What a cgrund that died while deleting a removed container's
	# directory leaves behind: the next one deletes it.
	local trash=$CGRUN_STORE_DIR/containers/.rm-$(printf '%064d' 7)
	mkdir -p "$trash/upper/etc"
	echo x >"$trash/upper/etc/file"
	dt_start_daemon
	dt_wait_until 5 dt_no_trash
	run -0 "$CGRUN" ps
	[[ $output == *running*dt-term* ]]
	run -0 "$CGRUN" exec dt-term true
	run -0 timeout 20 "$CGRUN" stop dt-term
	! dt_same_proc "$pid" "$start"
	run -0 "$CGRUN" rm dt-term
}

@test "with cgrund stopped, the CLI reads the log of, pauses and stops its container itself; the next cgrund records the end" {
	id=$(timeout 30 "$CGRUN" run -d --name dt-local busybox sh -c 'echo hi-local; trap "exit 5" TERM; while :; do sleep 0.1; done')
	pid=$(dt_pid_of "$id")
	start=$(dt_start_time "$pid")
	dt_wait_until 10 grep -q hi-local "$CGRUN_STORE_DIR/containers/$id/container.log"
	d=$(dt_daemon_pid)
	kill -TERM "$d"
	dt_wait_until 10 init_gone "$d" "$(dt_start_time "$d")"
	wait "$d" 2>/dev/null || true
	run -0 "$CGRUN" logs dt-local
	[ "$output" = hi-local ]
	run -0 "$CGRUN" pause dt-local
	run -0 "$CGRUN" unpause dt-local
	run -0 timeout 30 "$CGRUN" stop -t 10 dt-local
	[ "$output" = dt-local ]
	! dt_same_proc "$pid" "$start"
	# The next cgrund re-adopts the record and finds how it ended.
	dt_start_daemon
	run -0 timeout 10 "$CGRUN" wait dt-local
	[ "$output" = 5 ]
	run -0 "$CGRUN" rm dt-local
}

@test "a restarted cgrund does not adopt a recycled pid: a record whose init is gone is collected" {
	id=$(timeout 30 "$CGRUN" run -d --name dt-stale busybox sleep 1000)
	pid=$(dt_pid_of "$id")
	start=$(dt_start_time "$pid")
	kill9_daemon
	# The init dies while no cgrund runs, and its record keeps saying
	# "running" with the old pid.
	kill -KILL "$pid"
	dt_wait_until 10 init_gone "$pid" "$start"
	dt_state_is "$id" running
	dt_start_daemon
	run -0 "$CGRUN" ps -a
	[[ $output == *"exited ("*dt-stale* ]]
	[ ! -d "$(dt_cgdir pids "$id")" ]
	run -0 "$CGRUN" rm dt-stale
}

@test "a container whose record never said running (cgrund died half-way through its start) is removed by the next cgrund, its processes killed" {
	local id pid start f
	id=$(timeout 30 "$CGRUN" run -d --name dt-half busybox sleep 1000)
	pid=$(dt_pid_of "$id")
	start=$(dt_start_time "$pid")
	kill9_daemon
	# As if cgrund had been killed after the init started but before it
	# recorded the container as running (so before its client was told).
	f=$CGRUN_STORE_DIR/containers/$id/config.json
	sed -i 's/"state":"running"/"state":"created"/; s/"state": "running"/"state": "created"/' "$f"
	dt_state_is "$id" created
	dt_start_daemon
	# Its processes are gone with the record, the name and the cgroups.
	dt_wait_until 5 init_gone "$pid" "$start"
	# cgrund removes the cgroups once it has seen them empty: on cgroup
	# v1 that can come a moment after the init is gone.
	dt_wait_until 5 eval '[ ! -d "$(dt_cgdir pids "$id")" ]'
	[ ! -e "$CGRUN_STORE_DIR/containers/$id" ]
	[ ! -L "$CGRUN_STORE_DIR/names/dt-half" ]
	run -125 "$CGRUN" rm -f dt-half
}

# TERM our cgrund (by pid) and wait until it is gone.
term_daemon()
{
	local pid start
	pid=$(dt_daemon_pid)
	start=$(dt_start_time "$pid")
	[ -n "$start" ]
	kill -TERM "$pid"
	dt_wait_until 10 init_gone "$pid" "$start"
}

# Start a cgrund as a child of this shell (so that `wait` gives its exit
# status), recorded like every other; its pid in $child.
start_child_daemon()
{
	dt_detached "$CGRUND" --config "$DT_CONF" </dev/null >>"$DT_LOG" 2>&1 &
	child=$!
	dt_record_pid "$child"
	echo "$child" >"$DT_DIR/cgrund.pid"
	dt_wait_until 10 dt_answers
}

# The loop fails for real when the socket file cgrund bound is removed
# (as a cleaned run directory would): it still listens, but no client can
# reach it, and only a new cgrund makes a new socket. So it must exit with
# a failure, for systemd's Restart=on-failure to start that new one.
@test "exit status: 0 after SIGTERM, 3 when its loop fails (its socket file removed); the containers keep running and the next cgrund re-adopts them" {
	local id pid start child rc
	id=$(timeout 30 "$CGRUN" run -d --name dt-loop busybox sleep 1000)
	pid=$(dt_pid_of "$id")
	start=$(dt_start_time "$pid")
	term_daemon

	start_child_daemon
	dt_state_is "$id" running
	kill -TERM "$child"
	rc=0
	wait "$child" || rc=$?
	[ "$rc" -eq 0 ]

	start_child_daemon
	rm "$CGRUN_RUN_DIR/cgrun.sock"
	dt_wait_until 10 init_gone "$child" "$(tail -n 1 "$DT_DIR/pids" | cut -d' ' -f2)"
	rc=0
	wait "$child" || rc=$?
	[ "$rc" -eq 3 ]
	grep -q "cgrun.sock was removed or replaced" "$DT_LOG"
	grep -q "exiting after a failure of its loop" "$DT_LOG"
	! dt_answers

	# The container outlived it; the next cgrund takes it back.
	dt_same_proc "$pid" "$start"
	dt_start_daemon
	run -0 "$CGRUN" ps
	[[ $output == *dt-loop* ]]
	run -0 "$CGRUN" rm -f dt-loop
	dt_wait_until 5 init_gone "$pid" "$start"
}
