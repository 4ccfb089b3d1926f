#!/usr/bin/env bats
# cgrund: every command through the socket, restart policies, foreground
# runs, readiness (sd_notify), socket activation, garbage on the socket.
# Runs as root against a cgrund of its own (see daemon_helpers.bash).

load daemon_helpers

# Run -d and remember the id in ID.
run_d()
{
	ID=$(timeout 30 "$CGRUN" run -d "$@") || return 1
	[[ $ID =~ ^[0-9a-f]{64}$ ]] || { echo "run -d printed '$ID', not a 64-hex id" >&2; return 1; }
}

log_has()
{
	grep -q -- "$2" "$CGRUN_STORE_DIR/containers/$1/container.log" 2>/dev/null
}

log_count()
{
	grep -c -- "$2" "$CGRUN_STORE_DIR/containers/$1/container.log" 2>/dev/null || true
}

# Polled conditions (arguments are evaluated on every try).
log_count_ge()
{
	[ "$(log_count "$1" "$2")" -ge "$3" ]
}

lines_ge()
{
	[ "$(dt_log_lines "$1")" -ge "$2" ]
}

restarts_are()
{
	[ "$(dt_field "$1" restarts)" = "$2" ]
}

gone()
{
	! dt_same_proc "$1" "$(dt_start_time "$1")"
}

# The pid of a process in a container's cgroup (controller $1) whose
# cmdline is exactly $3 (NUL-separated words given as spaces).
proc_in_cgroup()
{
	local dir p
	dir=$(dt_cgdir "$1" "$2") || return 1
	while read -r p; do
		[ "$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)" = "$3 " ] && { echo "$p"; return 0; }
	done <"$dir/cgroup.procs"
	return 1
}

@test "run -d prints the full id; ps, inspect and logs show the container; rm -f removes it" {
	run_d --name dt-hello busybox sh -c 'echo hello from dt; sleep 60'
	[ "$(dt_id_of dt-hello)" = "$ID" ]
	dt_wait_until 10 log_has "$ID" 'hello from dt'
	run -0 "$CGRUN" logs dt-hello
	[ "$output" = "hello from dt" ]
	run -0 "$CGRUN" ps
	[[ $output == *"${ID:0:12}"*running*dt-hello* ]]
	run -0 "$CGRUN" inspect dt-hello
	[[ $output == *"\"state\":\"running\""* ]]
	[[ $output == *"\"owner\":\"cgrund\""* ]]
	[[ $output == *"\"cgroup_paths\""* ]]
	pid=$(dt_pid_of "$ID")
	[ -d "/proc/$pid" ]
	# The init is in the container's cgroups, below cgrun-dtest.
	grep -qxF "$pid" "$(dt_cgdir pids "$ID")/cgroup.procs"
	grep -qxF "$pid" "$(dt_cgdir memory "$ID")/cgroup.procs"
	run -0 "$CGRUN" rm -f dt-hello
	[ ! -e "$CGRUN_STORE_DIR/containers/$ID" ]
	[ ! -e "$CGRUN_STORE_DIR/names/dt-hello" ]
	[ ! -d "$(dt_cgdir pids "$ID")" ]
	run -0 "$CGRUN" ps -a
	[[ $output != *"${ID:0:12}"* ]]
}

@test "logs -f follows the output and ends when the container exits" {
	run_d busybox sh -c 'echo first; sleep 1; echo second; sleep 1; echo third'
	SECONDS=0
	run -0 timeout 20 "$CGRUN" logs -f "$ID"
	[ "${lines[*]}" = "first second third" ]
	# It waited for the container (about 2 s), then ended by itself.
	[ "$SECONDS" -ge 1 ]
	dt_state_is "$ID" exited
	run -0 "$CGRUN" rm "$ID"
}

@test "exec runs in the container's UTS and PID namespaces and cgroups; -i passes stdin; exit code comes back" {
	run_d --hostname dt-box busybox sleep 120
	init=$(dt_pid_of "$ID")
	run -0 "$CGRUN" exec "$ID" hostname
	[ "$output" = dt-box ]
	run -0 "$CGRUN" exec "$ID" readlink /proc/self/ns/pid
	[ "$output" = "$(readlink "/proc/$init/ns/pid")" ]
	[ "$output" != "$(readlink /proc/self/ns/pid)" ]
	run -0 "$CGRUN" exec "$ID" readlink /proc/self/ns/mnt
	[ "$output" = "$(readlink "/proc/$init/ns/mnt")" ]
	# PID 1 in there is the container's init, not the host's.
	run -0 "$CGRUN" exec "$ID" cat /proc/1/cmdline
	[ "$output" != "$(tr -d '\0' </proc/1/cmdline)" ]
	# In every cgroup of the container, seen from the host.
	timeout 30 "$CGRUN" exec "$ID" sleep 4242 </dev/null >/dev/null 2>&1 3>&- &
	ex=$!
	dt_track "$ex"
	dt_wait_until 10 proc_in_cgroup pids "$ID" "sleep 4242"
	p=$(proc_in_cgroup pids "$ID" "sleep 4242")
	for c in cpu cpuacct memory pids unified; do
		dir=$(dt_cgdir "$c" "$ID") || continue
		grep -qxF "$p" "$dir/cgroup.procs" || { echo "exec'd process not in $dir" >&2; false; }
	done
	# Inside, its cgroup is the namespace root.
	run -0 "$CGRUN" exec "$ID" cat /proc/self/cgroup
	while IFS=: read -r _ ctrl path; do
		case $ctrl in *cpu* | *memory* | *pids* | '') [ "$path" = / ] ;; esac
	done <<<"$output"
	kill "$p"
	wait "$ex" || true
	echo from-stdin | {
		run -0 "$CGRUN" exec -i "$ID" cat
		[ "$output" = from-stdin ]
	}
	run -5 "$CGRUN" exec "$ID" sh -c 'exit 5'
	run -127 "$CGRUN" exec "$ID" /no/such/command
	if command -v script >/dev/null; then
		run -0 script -qec "$CGRUN exec -t $ID tty" /dev/null </dev/null
		[[ $output == */dev/pts/* ]]
	fi
	run -0 "$CGRUN" rm -f "$ID"
}

# Freeze (1) or thaw (0) a container's cgroup behind cgrund's back: the v1
# freezer where there is one, else cgroup.freeze (v2).
freeze_behind()
{
	local fz u
	if fz=$(dt_cgdir freezer "$1") && [ -e "$fz/freezer.state" ]; then
		[ "$2" = 1 ] && echo FROZEN >"$fz/freezer.state" || echo THAWED >"$fz/freezer.state"
	else
		u=$(dt_cgdir unified "$1") && echo "$2" >"$u/cgroup.freeze"
	fi
}

# Processes in a container's freezer (or unified) cgroup.
procs_in()
{
	local dir
	dir=$(dt_cgdir freezer "$1") || dir=$(dt_cgdir unified "$1") || return 1
	wc -l <"$dir/cgroup.procs"
}

procs_ge()
{
	[ "$(procs_in "$1")" -ge "$2" ]
}

# The exec's middle process joins the container's cgroups before its
# command runs: in a frozen cgroup it stops there, and the start stalls
# until the thaw. cgrund must go on serving others meanwhile.
@test "an exec whose start stalls (its container frozen behind cgrund's back) holds up no other client: ps answers meanwhile; the exec goes on after the thaw" {
	local ep rc t0 ms out=$BATS_TEST_TMPDIR/exec.out
	run_d busybox sleep 1000
	freeze_behind "$ID" 1
	"$CGRUN" exec "$ID" sh -c 'echo started; exit 7' </dev/null >"$out" 2>&1 &
	ep=$!
	dt_track "$ep"
	# The init, sleep, and now the exec's middle process, frozen.
	dt_wait_until 10 procs_ge "$ID" 3
	t0=$EPOCHREALTIME
	run -0 timeout 10 "$CGRUN" ps
	ms=$(( (${EPOCHREALTIME/./} - ${t0/./}) / 1000 ))
	[[ $output == *"${ID:0:12}"* ]]
	# The issue asks for 50 ms; the margin is for a loaded machine or a
	# TCG VM (cgrund that waits in the exec answers only after the thaw).
	[ "$ms" -lt 2000 ]
	# The exec is still waiting: its command has not run.
	kill -0 "$ep"
	[ ! -s "$out" ]
	freeze_behind "$ID" 0
	rc=0
	wait "$ep" || rc=$?
	[ "$rc" -eq 7 ]
	[ "$(cat "$out")" = started ]
	run -0 timeout 20 "$CGRUN" rm -f "$ID"
}

@test "stop sends SIGTERM, then SIGKILL after -t" {
	# This one shrugs off SIGTERM.
	run_d busybox sh -c 'trap "echo got-term" TERM; echo ready; while :; do sleep 0.1; done'
	dt_wait_until 10 log_has "$ID" ready
	SECONDS=0
	run -0 timeout 30 "$CGRUN" stop -t 2 "$ID"
	elapsed=$SECONDS
	[ "$elapsed" -ge 2 ] && [ "$elapsed" -le 6 ]
	log_has "$ID" got-term
	dt_state_is "$ID" exited
	[ "$(dt_field "$ID" exit_code)" = 137 ]
	run -0 "$CGRUN" rm "$ID"
	# This one does not: it stops at once with 128+15.
	run_d busybox sleep 120
	SECONDS=0
	run -0 timeout 30 "$CGRUN" stop -t 10 "$ID"
	[ "$SECONDS" -le 3 ]
	[ "$(dt_field "$ID" exit_code)" = 143 ]
	run -0 "$CGRUN" rm "$ID"
}

@test "kill -s delivers the signal; kill without -s kills" {
	run_d busybox sh -c 'trap "echo got-usr1" USR1; echo ready; while :; do sleep 0.1; done'
	dt_wait_until 10 log_has "$ID" ready
	run -0 "$CGRUN" kill -s USR1 "$ID"
	dt_wait_until 10 log_has "$ID" got-usr1
	dt_state_is "$ID" running
	run -0 "$CGRUN" kill -s 10 "$ID"
	dt_wait_until 10 log_count_ge "$ID" got-usr1 2
	run -125 "$CGRUN" kill -s NOSUCHSIG "$ID"
	run -0 "$CGRUN" kill "$ID"
	run -0 timeout 10 "$CGRUN" wait "$ID"
	[ "$output" = 137 ]
	run -0 "$CGRUN" rm "$ID"
}

@test "wait prints the exit code, also of a container that already ended" {
	run_d busybox sh -c 'sleep 1; exit 3'
	run -0 timeout 20 "$CGRUN" wait "$ID"
	[ "$output" = 3 ]
	run -0 timeout 20 "$CGRUN" wait "$ID"
	[ "$output" = 3 ]
	run -0 "$CGRUN" ps -a
	[[ $output == *"${ID:0:12}"*"exited (3)"* ]]
	run -0 "$CGRUN" rm "$ID"
}

@test "pause freezes the container (a counter stops), unpause resumes it" {
	run_d busybox sh -c 'i=0; while :; do i=$((i+1)); echo $i; sleep 0.05; done'
	dt_wait_until 10 lines_ge "$ID" 3
	run -0 "$CGRUN" pause "$ID"
	dt_state_is "$ID" paused
	# Frozen through cgroup.freeze (v2, or the tracking cgroup of a hybrid
	# host) or the v1 freezer.
	u=$(dt_cgdir unified "$ID") || u=''
	fz=$(dt_cgdir freezer "$ID") || fz=''
	grep -qx 'frozen 1' "$u/cgroup.events" 2>/dev/null || grep -qx FROZEN "$fz/freezer.state"
	run -0 "$CGRUN" ps
	[[ $output == *"${ID:0:12}"*paused* ]]
	n1=$(dt_log_lines "$ID")
	sleep 1
	n2=$(dt_log_lines "$ID")
	[ "$n1" -eq "$n2" ]
	run -125 "$CGRUN" pause "$ID"
	run -125 "$CGRUN" exec "$ID" true
	run -0 "$CGRUN" unpause "$ID"
	dt_state_is "$ID" running
	dt_wait_until 10 lines_ge "$ID" $((n2 + 5))
	run -125 "$CGRUN" unpause "$ID"
	# A paused container can still be stopped.
	run -0 "$CGRUN" pause "$ID"
	run -0 timeout 20 "$CGRUN" stop -t 1 "$ID"
	dt_state_is "$ID" exited
	run -0 "$CGRUN" rm "$ID"
}

@test "pause returns once every task is frozen and unpause once thawed, even with 40 busy processes to freeze" {
	local u i fz
	run_d busybox sh -c 'for i in $(seq 40); do (while :; do :; done) & done; echo up; wait'
	dt_wait_until 10 lines_ge "$ID" 1
	# No cgroup2 hierarchy (legacy hosts): the v1 freezer, whose pause
	# does not wait, freezes them too, and unpause thaws them.
	if ! u=$(dt_cgdir unified "$ID"); then
		fz=$(dt_cgdir freezer "$ID")
		run -0 "$CGRUN" pause "$ID"
		dt_state_is "$ID" paused
		dt_wait_until 10 grep -qx FROZEN "$fz/freezer.state"
		run -0 "$CGRUN" unpause "$ID"
		dt_state_is "$ID" running
		dt_wait_until 10 grep -qx THAWED "$fz/freezer.state"
		run -0 timeout 20 "$CGRUN" rm -f "$ID"
		return
	fi
	for i in 1 2 3; do
		# The kernel freezes each task as it next runs, so 40 runnable
		# ones take a moment. Without the wait for cgroup.events pause
		# returned before they were all frozen: seldom seen on this host,
		# but the same check in vm/stock-host.bats failed that way in the
		# emulated (TCG) systemd VM.
		run -0 "$CGRUN" pause "$ID"
		grep -qx 'frozen 1' "$u/cgroup.events"
		run -0 "$CGRUN" unpause "$ID"
		grep -qx 'frozen 0' "$u/cgroup.events"
	done
	run -0 timeout 20 "$CGRUN" rm -f "$ID"
}

# A container's CPU quota in µs and memory limit in bytes, from the v1 or
# v2 files of its cgroup on the host.
quota_of()
{
	local q
	if [ "$CG_MODE" = unified ]; then
		read -r q _ <"$(dt_cgdir cpu "$1")/cpu.max"
	else
		read -r q <"$(dt_cgdir cpu "$1")/cpu.cfs_quota_us"
	fi
	echo "$q"
}

memory_limit_of()
{
	local f=memory.limit_in_bytes
	[ "$CG_MODE" = unified ] && f=memory.max
	cat "$(dt_cgdir memory "$1")/$f"
}

@test "update changes cpu quota, memory and pids limits live" {
	run_d --cpu-quota=50000 --memory=128m --pids-limit=100 busybox sleep 120
	pids=$(dt_cgdir pids "$ID")
	[ "$(quota_of "$ID")" = 50000 ]
	[ "$(memory_limit_of "$ID")" = $((128 << 20)) ]
	[ "$(cat "$pids/pids.max")" = 100 ]
	run -0 "$CGRUN" update --cpu-quota=20000 --memory=64m --pids-limit=50 "$ID"
	[ "$(quota_of "$ID")" = 20000 ]
	[ "$(memory_limit_of "$ID")" = $((64 << 20)) ]
	[ "$(cat "$pids/pids.max")" = 50 ]
	# One at a time leaves the others alone.
	run -0 "$CGRUN" update --pids-limit=max "$ID"
	[ "$(cat "$pids/pids.max")" = max ]
	[ "$(quota_of "$ID")" = 20000 ]
	[ "$(memory_limit_of "$ID")" = $((64 << 20)) ]
	run -0 "$CGRUN" update --cpus=0.5 "$ID"
	[ "$(quota_of "$ID")" = 50000 ]
	# Inside the container, the limits are the new ones too.
	run -0 "$CGRUN" exec "$ID" cat "/sys/fs/cgroup/$(cg_inside_file pids.max pids.max)"
	[ "$output" = max ]
	# And the new limits take effect: 3 more processes than allowed fail.
	run -0 "$CGRUN" update --pids-limit=3 "$ID"
	[ "$(cat "$pids/pids.max")" = 3 ]
	run "$CGRUN" exec "$ID" sh -c 'for i in 1 2 3 4 5; do sleep 1 & done; wait'
	[[ $output == *fork* || $output == *navailable* ]]
	run -125 --separate-stderr "$CGRUN" update --memory=bogus "$ID"
	run -0 "$CGRUN" rm -f "$ID"
	run -125 --separate-stderr "$CGRUN" update --memory=64m "$ID"
}

@test "rm refuses a running container without -f; rm -f removes it" {
	run_d --name dt-rm busybox sleep 120
	run -125 --separate-stderr "$CGRUN" rm dt-rm
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ ${stderr_lines[0]} == "cgrun: "*running* ]]
	dt_state_is "$ID" running
	[ -d "/proc/$(dt_pid_of "$ID")" ]
	run -0 "$CGRUN" rm -f dt-rm
	[ ! -e "$CGRUN_STORE_DIR/containers/$ID" ]
	run -125 --separate-stderr "$CGRUN" rm dt-rm
	[[ ${stderr_lines[0]} == "cgrun: "* ]]
}

@test "names are unique; a unique id prefix works wherever a name does" {
	run_d --name dt-uniq busybox sleep 120
	first=$ID
	run -125 --separate-stderr "$CGRUN" run -d --name dt-uniq busybox sleep 120
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ ${stderr_lines[0]} == "cgrun: "* ]]
	[ "$(ls "$CGRUN_STORE_DIR/containers" | wc -l)" -eq 1 ]
	[ "$(dt_id_of dt-uniq)" = "$first" ]
	p=${first:0:10}
	run -0 "$CGRUN" inspect "$p"
	[[ $output == *"$first"* ]]
	run -0 "$CGRUN" exec "$p" hostname
	run -0 "$CGRUN" pause "$p"
	run -0 "$CGRUN" unpause "$p"
	run -0 "$CGRUN" update --pids-limit=77 "$p"
	[ "$(cat "$(dt_cgdir pids "$first")/pids.max")" = 77 ]
	run -0 "$CGRUN" logs "$p"
	run -0 "$CGRUN" kill -s HUP "$p"
	run -0 timeout 10 "$CGRUN" wait "$p"
	[ "$output" = 129 ]
	# A name freed by rm can be used again.
	run -0 "$CGRUN" rm "$p"
	run_d --name dt-uniq busybox true
	run -0 timeout 10 "$CGRUN" wait dt-uniq
	run -0 "$CGRUN" rm dt-uniq
	run -125 "$CGRUN" inspect "$p"
}

@test "inspect and ps show the same through cgrund and from the store, running and exited" {
	run_d --name dt-insp --memory=64m busybox sleep 60
	mkdir -p "$BATS_TEST_TMPDIR/no-daemon"
	for pass in running exited; do
		for verb in "ps -a --no-trunc" "ps -a --format json" "inspect dt-insp"; do
			# shellcheck disable=SC2086
			run -0 "$CGRUN" $verb
			via_daemon=$output
			# No cgrund answers on an empty run dir: the CLI reads the store itself.
			# shellcheck disable=SC2086
			run -0 env CGRUN_RUN_DIR="$BATS_TEST_TMPDIR/no-daemon" "$CGRUN" $verb
			[ "$output" = "$via_daemon" ]
			[[ $output == *dt-insp* ]]
		done
		[[ $output == *"\"state\":\"$pass\""* ]]
		[[ $output == *'"log_path"'* ]]
		if [ "$pass" = running ]; then
			[[ $output == *'"cgroup_paths":{'*'"memory":'* ]]
			run -0 "$CGRUN" kill dt-insp
			run -0 timeout 10 "$CGRUN" wait dt-insp
		fi
	done
	run -0 "$CGRUN" rm dt-insp
}

@test "an ambiguous id prefix is refused" {
	# Keep starting containers until two ids share their first digit (the
	# birthday bound: about five of them).
	local -A first=()
	a=''
	for i in $(seq 17); do
		run_d busybox sleep 120
		[ -n "${first[${ID:0:1}]:-}" ] && { a=$ID; break; }
		first[${ID:0:1}]=$ID
	done
	[ -n "$a" ]
	run -125 --separate-stderr "$CGRUN" stop "${a:0:1}"
	[[ ${stderr_lines[0]} == "cgrun: "*"more than one"* ]]
	for c in "$CGRUN_STORE_DIR"/containers/*; do "$CGRUN" rm -f "${c##*/}" >/dev/null; done
}

@test "an OOM-killed container shows state oom-killed in ps -a and inspect" {
	run_d --memory=32m busybox sh -c 'echo start; tail /dev/zero'
	run -0 timeout 60 "$CGRUN" wait "$ID"
	[ "$output" = 137 ]
	run -0 "$CGRUN" ps -a
	[[ $output == *"${ID:0:12}"*oom-killed* ]]
	run -0 "$CGRUN" inspect "$ID"
	[[ $output == *'"state":"oom-killed"'* ]]
	[[ $output == *'"oom_killed":true'* ]]
	run -0 "$CGRUN" rm "$ID"
}

@test "foreground cgrun run goes through cgrund: the command's stdout and exit status" {
	before=$(grep -c 'started (' "$DT_LOG")
	run -7 --separate-stderr timeout 30 "$CGRUN" run --rm busybox sh -c 'echo out-line; echo err-line >&2; exit 7'
	[ "$output" = out-line ]
	[ "$stderr" = err-line ]
	[ "$(grep -c 'started (' "$DT_LOG")" -eq $((before + 1)) ]
	run -0 --separate-stderr timeout 30 "$CGRUN" run --name dt-fg busybox sh -c 'echo ok'
	[ "$output" = ok ]
	ID=$(dt_id_of dt-fg)
	[ "$(dt_field "$ID" owner)" = cgrund ]
	[ "$(dt_field "$ID" exit_code)" = 0 ]
	run -0 "$CGRUN" rm dt-fg
	# stdin reaches the command; a signal death is 128+N.
	run -0 bash -c 'echo piped | timeout 30 "$CGRUN" run --rm -i busybox cat'
	[ "$output" = piped ]
	run -137 timeout 30 "$CGRUN" run --rm busybox sh -c 'kill -KILL $$'
}

@test "--restart=on-failure:2 restarts twice, then stops" {
	run_d --restart=on-failure:2 busybox sh -c 'echo run; exit 3'
	run -0 timeout 30 "$CGRUN" wait "$ID"
	[ "$output" = 3 ]
	# Restarts may be spaced out (back-off): wait for the third run.
	dt_wait_until 20 log_count_ge "$ID" run 3
	dt_wait_until 10 restarts_are "$ID" 2
	dt_wait_until 10 dt_state_is "$ID" exited
	sleep 2
	[ "$(log_count "$ID" run)" -eq 3 ]
	[ "$(dt_field "$ID" restarts)" = 2 ]
	dt_state_is "$ID" exited
	[ "$(dt_field "$ID" exit_code)" = 3 ]
	run -0 "$CGRUN" rm "$ID"
	# A clean exit is not a failure.
	run_d --restart=on-failure:2 busybox sh -c 'echo run; exit 0'
	run -0 timeout 30 "$CGRUN" wait "$ID"
	[ "$output" = 0 ]
	sleep 1
	[ "$(log_count "$ID" run)" -eq 1 ]
	run -0 "$CGRUN" rm "$ID"
}

@test "--restart=always restarts until stopped" {
	run_d --restart=always busybox sh -c 'echo run; sleep 0.2'
	dt_wait_until 20 log_count_ge "$ID" run 4
	run -0 timeout 20 "$CGRUN" stop -t 2 "$ID"
	dt_state_is "$ID" exited
	n=$(log_count "$ID" run)
	sleep 3
	[ "$(log_count "$ID" run)" -eq "$n" ]
	dt_state_is "$ID" exited
	[ "$(dt_field "$ID" restarts)" -ge 3 ]
	run -0 "$CGRUN" rm "$ID"
	# Stopped while it waits to be restarted (a crash loop backs off):
	# it stays stopped.
	run_d --restart=always busybox sh -c 'echo run; exit 1'
	dt_wait_until 20 log_count_ge "$ID" run 5
	run -0 timeout 20 "$CGRUN" stop -t 2 "$ID"
	n=$(log_count "$ID" run)
	sleep 5
	[ "$(log_count "$ID" run)" -eq "$n" ]
	dt_state_is "$ID" exited
	run -0 "$CGRUN" rm "$ID"
}

@test "stop and rm -f answer once the container's cgroups (and for rm, its record) are gone" {
	for i in 1 2 3 4 5; do
		run_d busybox sleep 120
		run -0 timeout 20 "$CGRUN" stop -t 5 "$ID"
		for c in pids memory cpu unified; do
			dir=$(dt_cgdir "$c" "$ID") || continue
			[ ! -d "$dir" ] || { echo "stop answered before $dir was removed" >&2; false; }
		done
		run -0 "$CGRUN" rm "$ID"
		run_d busybox sleep 120
		run -0 timeout 20 "$CGRUN" rm -f "$ID"
		[ ! -e "$CGRUN_STORE_DIR/containers/$ID" ] || { echo "rm -f answered before the record was removed" >&2; false; }
		[ ! -d "$(dt_cgdir pids "$ID")" ]
	done
}

# A second cgrund on a private run dir and store, for the readiness and
# activation tests; its pid is recorded so teardown_file can stop it.
other_dirs()
{
	OTHER_RUN=$(mktemp -d /var/tmp/cgrun-dtest-run2.XXXXXX)
	OTHER_STORE=$(mktemp -d /var/tmp/cgrun-dtest-store2.XXXXXX)
}

stop_other()
{
	local pid=$1
	kill -TERM "$pid" 2>/dev/null
	dt_wait_until 10 gone "$pid"
	wait "$pid" 2>/dev/null || true
	rm -rf "$OTHER_RUN" "$OTHER_STORE"
}

@test "readiness: cgrund sends READY=1 and STATUS= to NOTIFY_SOCKET" {
	need_tool python3 "Debian package python3; it listens on a datagram socket"
	other_dirs
	sock=$BATS_TEST_TMPDIR/notify.sock
	out=$BATS_TEST_TMPDIR/notify.out
	python3 - "$sock" "$out" 3>&- <<'EOF' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(15)
end = time.time() + 15
with open(sys.argv[2], "a") as f:
    while time.time() < end:
        try:
            m = s.recv(4096)
        except socket.timeout:
            break
        f.write(m.decode(errors="replace").replace("\n", "|") + "\n")
        f.flush()
        seen = open(sys.argv[2]).read()
        if "READY=1" in seen and "STATUS=" in seen:
            break
EOF
	lis=$!
	dt_track "$lis"
	dt_wait_until 10 test -S "$sock"
	CGRUN_RUN_DIR=$OTHER_RUN CGRUN_STORE_DIR=$OTHER_STORE NOTIFY_SOCKET=$sock \
		"$CGRUND" --config "$DT_CONF" </dev/null >"$BATS_TEST_TMPDIR/other.log" 2>&1 3>&- &
	pid=$!
	dt_record_pid "$pid"
	dt_wait_until 10 grep -q READY=1 "$out"
	wait "$lis" || true
	# Ready means ready: the socket answers.
	CGRUN_RUN_DIR=$OTHER_RUN CGRUN_STORE_DIR=$OTHER_STORE run -0 timeout 5 "$CGRUN" ps
	grep -q '^STATUS=' "$out"
	stop_other "$pid"
	cat "$out"
	grep -q '^<[0-7]>' "$BATS_TEST_TMPDIR/other.log"
}

@test "socket activation: the first cgrun ps starts cgrund on the socket systemd-socket-activate made" {
	need_tool systemd-socket-activate "Debian package systemd"
	other_dirs
	systemd-socket-activate -l "$OTHER_RUN/cgrun.sock" \
		-E CGRUN_RUN_DIR="$OTHER_RUN" -E CGRUN_STORE_DIR="$OTHER_STORE" -E PATH \
		"$CGRUND" --config "$DT_CONF" </dev/null >"$BATS_TEST_TMPDIR/act.log" 2>&1 3>&- &
	pid=$!
	dt_record_pid "$pid"
	dt_wait_until 10 test -S "$OTHER_RUN/cgrun.sock"
	# Nothing runs cgrund yet.
	[ "$(readlink "/proc/$pid/exe")" != "$CGRUND" ]
	CGRUN_RUN_DIR=$OTHER_RUN CGRUN_STORE_DIR=$OTHER_STORE run -0 timeout 10 "$CGRUN" ps
	[[ ${lines[0]} == "CONTAINER ID"* ]]
	[ "$(readlink "/proc/$pid/exe")" = "$CGRUND" ]
	CGRUN_RUN_DIR=$OTHER_RUN CGRUN_STORE_DIR=$OTHER_STORE run -0 timeout 10 "$CGRUN" ps -a
	grep -q 'ready on' "$BATS_TEST_TMPDIR/act.log"
	stop_other "$pid"
}

# garbage BYTES-AS-PYTHON-EXPR [NFDS]: send them on a connection of their
# own (with NFDS fds of /dev/null attached), print what comes back: "reply
# <json>" for a frame, "closed" for EOF, "timeout" if nothing within 8 s.
# Several requests: give none, and one "NFDS<TAB>EXPR" a line on stdin; one
# answer a line comes back for each (one python for all: it takes a
# quarter of a second to start in a TCG VM).
garbage()
{
	local reqs
	if [ $# -gt 0 ]; then
		reqs=$(printf '%s\t%s' "${2:-0}" "$1")
	else
		reqs=$(cat)
	fi
	python3 -c '
import os, socket, struct, sys
def one(nfds, data):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sys.argv[1])
    if nfds:
        fds = [os.open("/dev/null", os.O_RDONLY) for _ in range(nfds)]
        socket.send_fds(s, [data], fds)
        for fd in fds:
            os.close(fd)
    else:
        s.sendall(data)
    s.settimeout(8)
    buf = b""
    try:
        while True:
            c = s.recv(65536)
            if not c:
                break
            buf += c
            if len(buf) >= 4 and len(buf) >= 4 + struct.unpack(">I", buf[:4])[0]:
                break
    except socket.timeout:
        if not buf:
            return "timeout"
    except ConnectionResetError:
        pass
    finally:
        s.close()
    if len(buf) >= 4:
        n = struct.unpack(">I", buf[:4])[0]
        return "reply " + buf[4:4 + n].decode()
    return "closed"
for line in sys.argv[2].split("\n"):
    nfds, expr = line.split("\t", 1)
    print(one(int(nfds), eval(expr)), flush=True)
' "$CGRUN_RUN_DIR/cgrun.sock" "$reqs"
}

frame()
{
	printf 'struct.pack(">I", len(%s)) + %s' "$1" "$1"
}

# The reply is an error (ok false, with a message) or the connection closed.
refused()
{
	case $output in
	closed) ;;
	"reply "*'"ok":false'*'"error":'*) ;;
	*) echo "unexpected answer: $output" >&2; return 1 ;;
	esac
}

# cgrun ps answers well before the 5 s after which cgrund cuts a stalled
# client off (so it was not held up by one); a loose bound, for slow VMs.
ps_quick()
{
	local t0=${EPOCHREALTIME/./} ms
	run -0 timeout 5 "$CGRUN" ps
	ms=$(((${EPOCHREALTIME/./} - t0) / 1000))
	echo "cgrun ps took $ms ms"
	[ "$ms" -le 3500 ]
}

@test "garbage on the socket gets an error reply or a closed connection; cgrund keeps serving" {
	need_tool python3 "Debian package python3"
	pid=$(dt_daemon_pid)
	run_d --name dt-garbage busybox sleep 120
	# Each request on a connection of its own, all from one python; one
	# answer a line. Every one is refused: an error reply or a close.
	local -a reqs=(
		'os.urandom(4096)'
		'b"\xff\xff\xff\xff" + b"x" * 100'
		'struct.pack(">I", (1 << 20) + 1) + b"{}"'
		'b"\0\0\0\0"'
		"$(frame 'b"{not json"')"
		"$(frame 'b"[1,2,3]"')"
		"$(frame 'b"{\"v\":1,\"cmd\":\"ps\"} trailing"')"
		"$(frame 'b"{\"v\":2,\"cmd\":\"ps\"}"')"
		"$(frame 'b"{\"cmd\":\"ps\"}"')"
		"$(frame 'b"{\"v\":1,\"cmd\":\"format-disk\"}"')"
		# Deeply nested JSON.
		"$(frame 'b"[" * 100000 + b"]" * 100000')"
	)
	for req in '{"v":"1","cmd":"ps"}' '{"v":1,"cmd":7}' '{"v":1,"cmd":"ps","all":"yes"}' \
		'{"v":1,"cmd":"kill","target":"dt-garbage","signal":"KILL"}' \
		'{"v":1,"cmd":"kill","target":"dt-garbage","signal":99}' \
		'{"v":1,"cmd":"stop","target":["dt-garbage"]}' \
		'{"v":1,"cmd":"stop","target":"dt-garbage","timeout":-1}' \
		'{"v":1,"cmd":"stop","target":""}' \
		'{"v":1,"cmd":"exec","target":"dt-garbage","argv":"sh"}' \
		'{"v":1,"cmd":"exec","target":"dt-garbage","argv":[1]}' \
		'{"v":1,"cmd":"exec","target":"dt-garbage","argv":[]}' \
		'{"v":1,"cmd":"run","spec":"busybox"}' \
		'{"v":1,"cmd":"run","detach":true,"spec":{"image":"busybox","argv":["true"],"limits":{"memory":"lots"}}}' \
		'{"v":1,"cmd":"run","detach":true,"spec":{"image":"busybox","argv":["true"],"limits":{"pids_limit":0}}}' \
		'{"v":1,"cmd":"run","detach":true,"spec":{"image":"busybox","argv":["true"],"caps":"all"}}' \
		'{"v":1,"cmd":"run","detach":true,"spec":{"image":"busybox","argv":["true"],"env":["NOEQUALS"]}}' \
		'{"v":1,"cmd":"run","detach":true,"spec":{"image":"no-such-image","argv":["true"]}}' \
		'{"v":1,"cmd":"run","detach":true,"spec":{"image":"busybox","argv":["true"],"name":"dt-garbage"}}' \
		'{"v":1,"cmd":"run","detach":true,"spec":{"image":"busybox","argv":["true"],"name":"../../escape"}}' \
		'{"v":1,"cmd":"run","detach":true,"spec":{"image":"busybox","argv":["true"],"cgroup_parent":"../../escape"}}' \
		'{"v":1,"cmd":"run","detach":true,"spec":{"image":"../../../etc","argv":["true"]}}' \
		'{"v":1,"cmd":"run","detach":true,"spec":{"image":"busybox","argv":["true"],"hostname":"a/b"}}' \
		'{"v":1,"cmd":"run","detach":true,"spec":{"image":"busybox","argv":["true"],"restart":"sometimes"}}' \
		'{"v":1,"cmd":"update","target":"dt-garbage","spec":{"limits":{"cpu_quota":5}}}' \
		'{"v":1,"cmd":"run","spec":{"image":"busybox","argv":["true"]}}'; do
		reqs+=("$(frame "b'$req'")")
	done
	local -a answers
	mapfile -t answers < <(printf '0\t%s\n' "${reqs[@]}" | garbage)
	[ "${#answers[@]}" -eq "${#reqs[@]}" ]
	for i in "${!reqs[@]}"; do
		output=${answers[$i]}
		refused || { echo "request: ${reqs[$i]}" >&2; false; }
	done
	[[ ${answers[1]} == *length* ]] || [ "${answers[1]}" = closed ]
	[[ ${answers[7]} == *version* ]]
	[[ ${answers[9]} == *"unknown command"* ]]
	ps_quick
	# None of those created anything.
	[ "$(ls "$CGRUN_STORE_DIR/containers" | wc -l)" -eq 1 ]
	[ ! -e "$CGRUN_STORE_DIR/escape" ] && [ ! -e "$CGRUN_STORE_DIR/../escape" ]
	# More fds than stdio; then a valid request still works on a raw connection.
	mapfile -t answers < <(printf '%s\t%s\n' 5 "$(frame 'b"{\"v\":1,\"cmd\":\"ps\"}"')" \
		0 "$(frame 'b"{\"v\":1,\"cmd\":\"ping\"}"')" | garbage)
	output=${answers[0]}
	refused
	[[ ${answers[1]} == "reply "*'"ok":true'* ]]
	ps_quick
	# A client that sends half a frame and stalls does not hold up others,
	# and is cut off after 5 s.
	garbage 'struct.pack(">I", 100) + b"{\"v\":1,"' >"$BATS_TEST_TMPDIR/slow.out" 3>&- &
	slow=$!
	dt_track "$slow"
	sleep 0.5
	ps_quick
	run -0 "$CGRUN" exec dt-garbage true
	wait "$slow"
	output=$(cat "$BATS_TEST_TMPDIR/slow.out")
	refused
	# Many connections that never speak: still served, then dropped.
	python3 -c '
import socket, sys, time
ss = []
for i in range(200):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.connect(sys.argv[1]); ss.append(s)
time.sleep(7)
' "$CGRUN_RUN_DIR/cgrun.sock" 3>&- &
	idle=$!
	dt_track "$idle"
	sleep 1
	ps_quick
	wait "$idle"
	# A frame of exactly the maximum size is read whole and answered.
	run -0 garbage '(lambda p: struct.pack(">I", len(p)) + p)((lambda h, t: h + b"a" * ((1 << 20) - len(h) - len(t)) + t)(b"{\"v\":1,\"cmd\":\"ps\",\"pad\":\"", b"\"}"))'
	[[ $output == "reply "*'"ok":true'* ]] || refused
	# Same daemon, still serving, nothing lost.
	[ "$(dt_daemon_pid)" = "$pid" ]
	kill -0 "$pid"
	dt_state_is "$(dt_id_of dt-garbage)" running
	run -0 "$CGRUN" rm -f dt-garbage
	ps_quick
}
