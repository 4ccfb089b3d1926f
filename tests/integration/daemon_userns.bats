#!/usr/bin/env bats
# cgrund and --userns=auto: `userns = auto` in cgrund.conf gives every
# container a user namespace of its own unless the run says --userns=host;
# the blocks of ids are in the store, so a restarted cgrund re-adopts the
# containers with theirs and gives no one else a block still held.
# (tests/security/userns.bats has the rest, in-process.)

load daemon_helpers

FIRST=2100000000
BLOCK=65536

setup_file()
{
	DT_NO_DAEMON=1 dt_setup_file || return 1
	printf 'cgrun:%s:%s\n' "$FIRST" $((4 * BLOCK)) >"$DT_DIR/subuid"
	cp "$DT_DIR/subuid" "$DT_DIR/subgid"
	export CGRUN_SUBUID_FILE=$DT_DIR/subuid CGRUN_SUBGID_FILE=$DT_DIR/subgid
	echo 'userns = auto' >>"$DT_CONF"
	dt_start_daemon
}

setup()
{
	dt_setup
	dt_answers || dt_start_daemon
}

# cgroup v1 only: every run is refused, cgrund's answer the documented line
# (each test checks that there and ends; a skip would prove nothing, and
# the VMs count skips as failures).
v1_only_refused()
{
	run -125 --separate-stderr "$CGRUN" run -d busybox true
	[[ $stderr == *"--userns=auto needs a cgroup2 hierarchy"*"cgroup v1 only"* ]]
	[ -z "$(ls -A "$CGRUN_STORE_DIR/containers")" ]
}

teardown() { dt_teardown; }
teardown_file() { dt_teardown_file; }

map_of()
{
	timeout 30 "$CGRUN" exec "$1" cat /proc/self/uid_map | tr -s ' '
}

@test "userns = auto in cgrund.conf: detached containers get a block each, --userns=host none" {
	if [ "$CG_MODE" = legacy ]; then v1_only_refused; return; fi
	run -0 "$CGRUN" run -d --name dun-a busybox sleep 120
	run -0 "$CGRUN" run -d --name dun-b busybox sleep 120
	run -0 "$CGRUN" run -d --name dun-h --userns=host busybox sleep 120
	run -0 map_of dun-a
	[ "$output" = " 0 $FIRST $BLOCK" ]
	run -0 map_of dun-b
	[ "$output" = " 0 $((FIRST + BLOCK)) $BLOCK" ]
	run -0 map_of dun-h
	[ "$output" = " 0 0 4294967295" ]
	# An attached run through cgrund too.
	run -0 "$CGRUN" run --rm busybox sh -c 'cat /proc/self/uid_map; id -u'
	[ "$(echo "${lines[0]}" | tr -s ' ')" = " 0 $((FIRST + 2 * BLOCK)) $BLOCK" ]
	[ "${lines[1]}" = 0 ]
	run -0 "$CGRUN" rm -f dun-a dun-b dun-h
	[ -z "$(ls -A "$CGRUN_STORE_DIR/userns" | grep -v '^\.lock$')" ]
}

@test "a restarted cgrund re-adopts containers with their blocks and gives a held block to no one" {
	if [ "$CG_MODE" = legacy ]; then v1_only_refused; return; fi
	local pid start a
	run -0 "$CGRUN" run -d --name dun-keep busybox sleep 120
	a=$(dt_id_of dun-keep)
	[ "$(readlink "$CGRUN_STORE_DIR/userns/$a")" = "$FIRST:$FIRST:$BLOCK" ]
	pid=$(dt_daemon_pid)
	start=$(dt_start_time "$pid")
	kill -KILL "$pid"
	dt_wait_until 10 eval '! dt_same_proc '"$pid $start"
	wait "$pid" 2>/dev/null || true
	dt_start_daemon
	dt_wait_until 10 dt_state_is "$a" running
	run -0 map_of dun-keep
	[ "$output" = " 0 $FIRST $BLOCK" ]
	# The next container gets the next block, not the held one.
	run -0 "$CGRUN" run --rm busybox cat /proc/self/uid_map
	[ "$(echo "$output" | tr -s ' ')" = " 0 $((FIRST + BLOCK)) $BLOCK" ]
	run -0 "$CGRUN" rm -f dun-keep
	[ ! -L "$CGRUN_STORE_DIR/userns/$a" ]
}
