#!/usr/bin/env bats
# Every state of a container is recoverable: cgrund killed (SIGKILL, by
# its recorded pid) while containers start, stop and go, then started
# again, leaves each container either running and usable (exec, stop) or
# gone with nothing left behind: cgroups, mounts, records, names, run
# directories, processes (daemon_helpers.bash's leak check, after each
# test). Runs as root against a cgrund of its own.

load daemon_helpers

setup_file()
{
	dt_setup_file
}

# A test that killed cgrund and failed before starting it again: the next
# one starts with one.
setup()
{
	dt_setup
	dt_answers || dt_start_daemon
}

teardown()
{
	dt_teardown
}

teardown_file()
{
	dt_teardown_file
}

proc_gone()
{
	! dt_same_proc "$1" "$2"
}

# kill -9 our cgrund (its recorded pid) and wait until it is gone.
kill9_daemon()
{
	local pid start
	pid=$(dt_daemon_pid)
	start=$(dt_start_time "$pid")
	[ -n "$start" ] || return 0
	kill -KILL "$pid"
	dt_wait_until 10 proc_gone "$pid" "$start"
	wait "$pid" 2>/dev/null || true
}

# nap_ms MS
nap_ms()
{
	nap "$(printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)))"
}

# The clients a round started (pids in CLIENTS) are all gone, or killed
# after SECONDS: a foreground client whose cgrund died may wait on.
reap_clients()
{
	local limit=$1 p end=$((SECONDS + $1))
	for p in "${CLIENTS[@]}"; do
		while kill -0 "$p" 2>/dev/null && [ "$SECONDS" -lt "$end" ]; do
			nap 0.05
		done
		kill -KILL "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	CLIENTS=()
}

# Every container the store lists is running and usable: exec answers
# from inside, then stop (or rm -f) makes it go, and with it everything.
# Prints what it found, one "id state" a line.
check_all_usable_then_remove()
{
	local id state c
	for c in "$CGRUN_STORE_DIR"/containers/*; do
		[ -d "$c" ] || continue
		id=${c##*/}
		state=$(dt_state "$id")
		echo "after restart: ${id:0:12} $state"
		if [ "$state" != running ]; then
			echo "container ${id:0:12} was left $state" >&2
			return 1
		fi
		run -0 timeout 20 "$CGRUN" exec "$id" cat /proc/1/cmdline
		[[ $output == *sleep* ]] || [[ $output == *cgrun-init* ]] ||
			{ echo "exec in ${id:0:12}: $output" >&2; return 1; }
		run -0 timeout 20 "$CGRUN" rm -f "$id"
	done
}

# start_clients N: N clients at once, half `run -d --rm`, half foreground
# `run --rm` (their stdio on /dev/null), each sleeping long.
start_clients()
{
	local n=$1 i
	CLIENTS=()
	for i in $(seq "$n"); do
		if [ $((i % 2)) = 0 ]; then
			"$CGRUN" run -d --rm busybox sleep 1000 </dev/null >/dev/null 2>&1 &
		else
			"$CGRUN" run --rm busybox sleep 1000 </dev/null >/dev/null 2>&1 &
		fi
		CLIENTS+=("$!")
		dt_track "$!"
	done
}

@test "kill -9 of cgrund during 8 concurrent run --rm starts: after the restart each container runs and is usable, or is gone" {
	local round delay
	# Delays from 0 to 280 ms after the clients went off: the kill lands
	# before, during and after the starts (a start takes some 15 to 60 ms
	# here, 8 at once on 2 cores longer).
	for round in $(seq 0 7); do
		delay=$((round * 40))
		echo "round $round: kill -9 after ${delay} ms"
		start_clients 8
		nap_ms "$delay"
		kill9_daemon
		dt_start_daemon
		reap_clients 5
		check_all_usable_then_remove
		dt_leaks
	done
}
