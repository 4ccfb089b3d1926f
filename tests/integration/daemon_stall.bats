#!/usr/bin/env bats
# cgrund never blocks: a start that stalls (in cgrund's own reading of the
# store, or in the container's init before its command runs) delays no
# other client, and can be cancelled with rm -f, leaving nothing behind.
# Runs as root against a cgrund of its own (see daemon_helpers.bash).

load daemon_helpers

# Each `cgrun ps` through cgrund must answer within PS_MS (the issue's
# figure); one that exceeds PS_SLACK_MS at all is a stall, not noise on a
# shared 2-core machine. Exact figures are printed on failure.
PS_MS=50
PS_SLACK_MS=1000
PS_TRIES=5

setup_file()
{
	dt_setup_file
}

setup()
{
	dt_setup
	dt_answers || dt_start_daemon
}

teardown()
{
	thaw_parent
	dt_teardown
}

teardown_file()
{
	dt_teardown_file
}

now_ms()
{
	local t
	t=$(date +%s%N)
	echo $((t / 1000000))
}

# ps_is_quick: PS_TRIES clients run `cgrun ps -a` through cgrund one after
# the other; each answers within PS_SLACK_MS and the median within PS_MS.
ps_is_quick()
{
	local i t0 t1 ms
	local -a all=()
	dt_answers
	for i in $(seq "$PS_TRIES"); do
		t0=$(now_ms)
		timeout 10 "$CGRUN" ps -a >/dev/null || { echo "ps $i failed or timed out" >&2; return 1; }
		t1=$(now_ms)
		ms=$((t1 - t0))
		all+=("$ms")
	done
	echo "ps answered in: ${all[*]} ms" >&2
	for ms in "${all[@]}"; do
		[ "$ms" -lt "$PS_SLACK_MS" ] || { echo "a ps took ${ms} ms" >&2; return 1; }
	done
	ms=$(printf '%s\n' "${all[@]}" | sort -n | sed -n "$(((PS_TRIES + 1) / 2))p")
	[ "$ms" -lt "$PS_MS" ] || { echo "median ps ${ms} ms, over ${PS_MS} ms" >&2; return 1; }
}

# The parent's cgroup2 directory (the tracking cgroups on a hybrid host).
parent2()
{
	dt_detect
	echo "$CG2_PARENT"
}

# cgroup v2's freezer on our own parent (below it only this file's
# containers): a process cloned into a frozen cgroup stops before it runs
# a single instruction, yet SIGKILL still ends it (unlike v1's freezer).
freeze_parent()
{
	local d
	d=$(parent2)
	# cgrund makes it with its first container; made here it is the same.
	mkdir -p "$d"
	echo 1 >"$d/cgroup.freeze"
}

thaw_parent()
{
	local f
	dt_detect
	f=$CG2_PARENT/cgroup.freeze
	[ ! -e "$f" ] || echo 0 >"$f"
}

name_reserved()
{
	[ -L "$CGRUN_STORE_DIR/names/$1" ]
}

pid_gone()
{
	! kill -0 "$1" 2>/dev/null
}

@test "a start whose container stalls before its command runs delays no other client, and rm -f cancels it" {
	dt_detect
	[ -n "$CG2_PARENT" ] || skip "no cgroup2 hierarchy for the v2 freezer"
	ps_is_quick
	freeze_parent
	"$CGRUN" run -d --name dt-stall busybox sleep 1000 >"$BATS_TEST_TMPDIR/run.out" 2>&1 &
	local client=$!
	dt_track "$client"
	dt_wait_until 10 name_reserved dt-stall
	local id
	id=$(dt_id_of dt-stall)
	# cgrund has cloned the init (frozen): the start is under way.
	dt_wait_until 10 test -e "$CGRUN_STORE_DIR/containers/$id/config.json"
	nap 0.2
	ps_is_quick
	# Still stalled, still listed as created.
	! pid_gone "$client"
	dt_state_is "$id" created
	run -0 timeout 10 "$CGRUN" rm -f dt-stall
	dt_wait_until 10 pid_gone "$client"
	run -125 wait "$client"
	cat "$BATS_TEST_TMPDIR/run.out"
	[ ! -e "$CGRUN_STORE_DIR/containers/$id" ]
	thaw_parent
	ps_is_quick
}

@test "a start whose image file is a FIFO delays no other client" {
	"$CGRUN" image import --busybox dt-fifo >/dev/null
	local meta=$CGRUN_STORE_DIR/images/dt-fifo/image.json
	[ -f "$meta" ]
	mv "$meta" "$BATS_TEST_TMPDIR/image.json"
	mkfifo "$meta"
	"$CGRUN" run -d --name dt-fifo dt-fifo true >"$BATS_TEST_TMPDIR/run.out" 2>&1 &
	local client=$!
	dt_track "$client"
	nap 0.3
	ps_is_quick
	dt_wait_until 10 pid_gone "$client"
	run -125 wait "$client"
	cat "$BATS_TEST_TMPDIR/run.out"
	grep -q "image.json is not a regular file" "$BATS_TEST_TMPDIR/run.out"
	mv -f "$BATS_TEST_TMPDIR/image.json" "$meta"
	"$CGRUN" image rm dt-fifo
}
