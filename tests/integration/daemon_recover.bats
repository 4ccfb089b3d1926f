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
		# A removal cgrund is finishing (a killed --rm client's container)
		# may still hold its cgroups for a moment: nothing may stay.
		dt_wait_until 10 dt_leaks >/dev/null || dt_leaks
	done
}

# fi_check_and_clear: after a restart, every container is running and
# usable (exec answers; stop or rm -f makes it go) or, kept without --rm
# after it ended (a stop that was under way), exited with its cgroups gone
# and removable; no other state. Then nothing is left (dt_leaks).
fi_check_and_clear()
{
	local c id state rm_flag
	for c in "$CGRUN_STORE_DIR"/containers/*; do
		[ -d "$c" ] || continue
		id=${c##*/}
		state=$(dt_state "$id")
		rm_flag=false
		! grep -q '"rm": *true' "$c/config.json" || rm_flag=true
		echo "  ${id:0:12} $state (--rm: $rm_flag)"
		case $state in
		running)
			run -0 timeout 20 "$CGRUN" exec "$id" true
			if [ $((RANDOM % 2)) = 0 ]; then
				run -0 timeout 20 "$CGRUN" stop -t 1 "$id"
				[ ! -e "$c" ] || run -0 timeout 20 "$CGRUN" rm "$id"
			else
				run -0 timeout 20 "$CGRUN" rm -f "$id"
			fi
			;;
		exited | oom-killed)
			[ "$rm_flag" != true ] || { echo "an ended --rm container was kept" >&2; return 1; }
			[ ! -d "$(dt_cgdir pids "$id")" ] || { echo "an ended container kept its cgroups" >&2; return 1; }
			run -0 timeout 20 "$CGRUN" rm "$id"
			;;
		*)
			echo "container ${id:0:12} was left $state" >&2
			return 1
			;;
		esac
		[ ! -e "$c" ] || { echo "container ${id:0:12} is still there after it was removed" >&2; return 1; }
	done
	dt_wait_until 10 dt_leaks >/dev/null || dt_leaks
}

# A background client, tracked (its pid in CLIENTS).
fi_client()
{
	"$CGRUN" "$@" </dev/null >/dev/null 2>&1 &
	CLIENTS+=("$!")
	dt_track "$!"
}

@test "fault injection: cgrund killed at random points of concurrent starts, stops and removals; after each restart every container runs and is usable, or is gone" {
	local seed=${CGRUN_FAULT_SEED:-$(( $(date +%s) % 32768 ))}
	local rounds=${CGRUN_FAULT_ROUNDS:-8} round i delay op
	local -a old
	echo "# fault injection: seed $seed (CGRUN_FAULT_SEED=$seed to repeat it), $rounds rounds" >&3
	echo "seed $seed"
	RANDOM=$seed
	for round in $(seq "$rounds"); do
		# Containers already running when the faults begin: some to be
		# stopped, some removed, some left alone.
		old=()
		for i in 1 2 3; do
			if [ $((RANDOM % 2)) = 0 ]; then
				old+=("$(timeout 30 "$CGRUN" run -d --rm busybox sleep 1000)")
			else
				old+=("$(timeout 30 "$CGRUN" run -d busybox sleep 1000)")
			fi
		done
		CLIENTS=()
		for i in 1 2 3 4 5; do
			case $((RANDOM % 3)) in
			0) fi_client run -d --rm busybox sleep 1000 ;;
			1) fi_client run -d busybox sleep 1000 ;;
			2) fi_client run --rm busybox sleep 1000 ;;
			esac
		done
		for id in "${old[@]}"; do
			op=$((RANDOM % 3))
			case $op in
			0) fi_client stop -t 0 "$id" ;;
			1) fi_client rm -f "$id" ;;
			2) ;;
			esac
		done
		delay=$((RANDOM % 300))
		echo "round $round: kill -9 after ${delay} ms"
		nap_ms "$delay"
		kill9_daemon
		dt_start_daemon
		reap_clients 5
		fi_check_and_clear
	done
}
