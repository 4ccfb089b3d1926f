#!/usr/bin/env bats
# cgrund's spawner (src/lib/spawner.h): a small process, forked by cgrund
# before it loads any container, that clones the containers' inits with
# CLONE_PARENT. Its pid is in RUN_DIR/spawner.pid; the inits are cgrund's
# children; a spawner that is killed or stops answering is replaced and
# starts go on; it ends with cgrund.

load daemon_helpers

# Each test starts with a cgrund (one may have stopped it).
setup()
{
	dt_setup
	dt_answers || dt_start_daemon
}

# The parent pid of $1 (field 4 of /proc/PID/stat), empty if gone.
ppid_of()
{
	local s
	read -r s 2>/dev/null <"/proc/$1/stat" || return 0
	s=${s##*) }
	# shellcheck disable=SC2086
	set -- $s
	echo "$2"
}

spawner_pid()
{
	cat "$CGRUN_RUN_DIR/spawner.pid"
}

# The spawner in spawner.pid is alive, cgrund's child and not $1 (an old
# one).
spawner_is_new()
{
	local sp
	sp=$(spawner_pid 2>/dev/null) || return 1
	[ -n "$sp" ] && [ "$sp" != "${1:-}" ] && [ "$(ppid_of "$sp")" = "$(dt_daemon_pid)" ]
}

now_ms()
{
	local t
	t=$(date +%s%N)
	echo $((t / 1000000))
}

gone()
{
	! kill -0 "$1" 2>/dev/null
}

@test "the spawner is cgrund's child, named in spawner.pid and the log; a container's init is cgrund's child too" {
	local sp d init id
	d=$(dt_daemon_pid)
	sp=$(spawner_pid)
	[ "$(ppid_of "$sp")" = "$d" ]
	run -0 cat "/proc/$sp/comm"
	[[ "$output" == cgrund* ]]
	grep -q "spawner up (pid $sp)" "$DT_LOG"
	run -0 "$CGRUN" run -d --name ds-parent busybox sleep 100
	id=$(dt_id_of ds-parent)
	init=$(dt_pid_of "$id")
	[ -n "$init" ]
	# Cloned by the spawner with CLONE_PARENT: the parent is cgrund.
	[ "$(ppid_of "$init")" = "$d" ]
	# It ends as cgrund's child: its exit is collected (status 137).
	run -0 "$CGRUN" kill ds-parent
	run -0 timeout 10 "$CGRUN" wait ds-parent
	[ "$output" = 137 ]
	run -0 "$CGRUN" rm ds-parent
}

@test "a spawner killed with SIGKILL is restarted, and the next start works at once" {
	local old
	old=$(spawner_pid)
	kill -KILL "$old"
	# At once, before or after cgrund has seen its end: either path works.
	run -0 timeout 10 "$CGRUN" run --rm busybox echo after-kill
	[ "$output" = after-kill ]
	dt_wait_until 5 spawner_is_new "$old"
	dt_wait_until 5 gone "$old"
	grep -q "spawner restarted (pid $(spawner_pid))" "$DT_LOG"
	run -0 timeout 10 "$CGRUN" run --rm busybox echo again
	[ "$output" = again ]
}

@test "a spawner that stops answering fails one start within its timeout, is replaced, and starts go on" {
	local old t0 t1
	old=$(spawner_pid)
	kill -STOP "$old"
	t0=$(now_ms)
	run -125 timeout 20 "$CGRUN" run --rm busybox true
	t1=$(now_ms)
	[[ "$output" == *"spawner did not answer"* ]]
	# cgrund's bound (CG_SPAWNER_TIMEOUT_MS, 2 s) and some slack, not 20 s.
	[ $((t1 - t0)) -lt 8000 ]
	dt_wait_until 5 gone "$old"
	spawner_is_new "$old"
	run -0 timeout 10 "$CGRUN" run --rm busybox echo replaced
	[ "$output" = replaced ]
	# The failed start left nothing (the leak check says the rest).
	run -0 "$CGRUN" ps -a -q
	[ -z "$output" ]
}

@test "the spawner ends with cgrund, and the next cgrund starts its own" {
	local sp d start
	sp=$(spawner_pid)
	d=$(dt_daemon_pid)
	start=$(dt_start_time "$d")
	kill -KILL "$d"
	dt_wait_until 10 eval '! dt_same_proc '"$d"' '"$start"
	# PR_SET_PDEATHSIG: no spawner outlives its cgrund.
	dt_wait_until 5 gone "$sp"
	dt_start_daemon
	spawner_is_new "$sp"
	run -0 timeout 10 "$CGRUN" run --rm busybox echo next
	[ "$output" = next ]
}

# The inode of process $1's namespace $2 (net, ipc, uts).
ns_of()
{
	readlink "/proc/$1/ns/$2"
}

@test "every init gets network, IPC and UTS namespaces of its own, made ahead by the spawner; host and container: networks share as asked" {
	local d sp k id ids=() warm
	d=$(dt_daemon_pid)
	sp=$(spawner_pid)
	# Between starts the spawner waits in fresh namespaces of its own
	# (src/lib/warm-ns.h), not cgrund's.
	dt_wait_until 5 eval '[ "$(ns_of '"$sp"' net)" != "$(ns_of '"$d"' net)" ]'
	for k in 1 2 3; do
		warm=$(ns_of "$sp" net)
		run -0 "$CGRUN" run -d --name "ds-ns$k" busybox sleep 100
		id=$(dt_id_of "ds-ns$k")
		ids+=("$(dt_pid_of "$id")")
		# It got the namespace the spawner had made for it ...
		[ "$(ns_of "${ids[-1]}" net)" = "$warm" ]
		# ... and the spawner has left it for a fresh one.
		dt_wait_until 5 eval '[ "$(ns_of '"$sp"' net)" != "'"$warm"'" ]'
		# Its loopback is up, its hostname its own.
		run -0 "$CGRUN" exec "ds-ns$k" cat /sys/class/net/lo/flags
		[ $((output & 1)) = 1 ]
		run -0 "$CGRUN" exec "ds-ns$k" hostname
		[ "$output" = "${id:0:12}" ]
	done
	# No two inits, nor an init and the spawner or cgrund, share one.
	for k in net ipc uts; do
		run -0 bash -c "for p in ${ids[*]} $sp $d; do readlink /proc/\$p/ns/$k; done | sort | uniq -d"
		[ -z "$output" ]
	done
	# --network=host shares cgrund's network namespace, nothing else.
	run -0 "$CGRUN" run --rm --network=host busybox sh -c 'readlink /proc/self/ns/net; readlink /proc/self/ns/uts'
	[ "${lines[0]}" = "$(ns_of "$d" net)" ]
	[ "${lines[1]}" != "$(ns_of "$d" uts)" ]
	[ "${lines[1]}" != "$(ns_of "$sp" uts)" ]
	# --network=container:X shares X's, not the spawner's.
	run -0 "$CGRUN" run --rm --network=container:ds-ns1 busybox readlink /proc/self/ns/net
	[ "$output" = "$(ns_of "${ids[0]}" net)" ]
	[ "$output" != "$(ns_of "$sp" net)" ]
	for k in 1 2 3; do
		run -0 "$CGRUN" rm -f "ds-ns$k"
	done
}
