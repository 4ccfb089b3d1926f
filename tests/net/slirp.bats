#!/usr/bin/env bats
# --network=slirp4netns (issue 18 part 6): a container's own network
# namespace served by slirp4netns, through cgrund and in-process, plain
# and with --userns=auto: egress to a peer (which sees the namespace's
# address: slirp4netns opens the sockets itself), ingress to -p ports
# (add_hostfwd on its API socket), cgrun port, a host port in use refused,
# resolv.conf naming 10.0.2.3; slirp4netns ended on every path (rm -f,
# kill -9 of the init, a failed start, kill -9 of cgrund and a restart),
# checked by the pid its container's run directory records, and no file
# of it left behind.
#
# slirp4netns runs in the network namespace of cgrund (or of the
# in-process cgrun), which is the test's own (net_helpers.bash): nothing
# leaves the test's namespaces.
#
#   CGRUN=$PWD/cgrun CGRUND=$PWD/cgrund bats tests/net/slirp.bats

load ../integration/daemon_helpers
load net_helpers

SLIRP_FILES='slirp4netns slirp4netns.sock slirp4netns.log'

setup_file() { net_setup_file; }
teardown_file() { net_teardown_file; }

setup()
{
	dt_setup
	dt_answers || dt_start_daemon
}

# Pids of the slirp4netns processes in the test's namespace.
slirp_procs()
{
	local want p
	want="net:[$(stat -L -c %i "/run/netns/$NET_NS")]"
	for p in /proc/[0-9]*; do
		[ "$(cat "$p/comm" 2>/dev/null)" = slirp4netns ] || continue
		[ "$(readlink "$p/ns/net" 2>/dev/null)" = "$want" ] && echo "${p#/proc/}"
	done
	return 0
}

# The slirp4netns a container's run directory records: "PID START".
slirp_record() { cat "$CGRUN_RUN_DIR/containers/$(dt_id_of "$1")/slirp4netns"; }
# Is the recorded process gone (or a zombie)?
slirp_gone() { ! dt_same_proc $1; }

slirp_leaks()
{
	local n=0 p f
	# slirp4netns's sandbox, run from the host's mount namespace, unmounts
	# every ip netns bind mount (slirp-proc.c): ours must still be there.
	for p in "$NET_NS" "$PEER_NS"; do
		grep -q " /run/netns/$p " /proc/self/mountinfo && continue
		echo "the bind mount of /run/netns/$p is gone"
		n=$((n + 1))
	done
	for p in $(slirp_procs); do
		echo "slirp4netns left: $p ($(tr '\0' ' ' <"/proc/$p/cmdline"))"
		n=$((n + 1))
	done
	for f in $SLIRP_FILES; do
		for p in "$CGRUN_RUN_DIR"/containers/*/"$f"; do
			[ -e "$p" ] || continue
			echo "file left: $p"
			n=$((n + 1))
		done
	done
	[ "$n" -eq 0 ]
}

slirp_clean()
{
	local p
	for p in $(slirp_procs); do kill -KILL "$p"; done
}

teardown()
{
	# A cgrund with the slirp4netns wrapper: the next test gets a plain one.
	[ ! -f "$BATS_TEST_TMPDIR/wrapped" ] || dt_stop_daemons
	net_teardown slirp_leaks slirp_clean
}

# The slirp4netns binary cgrund runs (configure's SLIRP4NETNS).
slirp_bin()
{
	local b
	b=$(sed -n 's/^#define CGRUN_SLIRP4NETNS "\(.*\)"$/\1/p' "$BATS_TEST_DIRNAME/../../config.h" 2>/dev/null)
	echo "${b:-/usr/bin/slirp4netns}"
}

# wrapped_daemon: cgrund restarted in a private mount namespace of its own
# (nothing mounted there reaches the host's) where the slirp4netns binary
# is a wrapper doing what $DT_DIR/slirp-mode says ("sleep SECONDS", then
# the real one, copied aside; "fail": ends at once with a message), as one
# process, so that the pid cgrund records is all there is of it.
wrapped_daemon()
{
	local bin wrap=$DT_DIR/slirp-wrap
	bin=$(slirp_bin)
	touch "$BATS_TEST_TMPDIR/wrapped"
	cp "$bin" "$DT_DIR/slirp4netns.real"
	{
		echo '#!/usr/bin/python3'
		echo 'import os, sys, time'
		echo "mode = open('$DT_DIR/slirp-mode').read().split()"
		echo 'if mode[0] == "fail":'
		echo '    print("slirp-wrap: no network today", file=sys.stderr)'
		echo '    sys.exit(1)'
		echo 'time.sleep(float(mode[1]))'
		echo "os.execv('$DT_DIR/slirp4netns.real', ['$DT_DIR/slirp4netns.real'] + sys.argv[1:])"
	} >"$wrap"
	chmod 755 "$wrap"
	# in-wrapped-ns CMD...: CMD there, exec'd all the way down (the pid
	# started is CMD's).
	{
		echo '#!/bin/sh'
		echo "exec unshare -m --propagation private sh -c 'mount --bind \"\$0\" \"\$1\" && shift && exec \"\$@\"' \\"
		echo "	'$wrap' '$bin' \"\$@\""
	} >"$DT_DIR/in-wrapped-ns"
	printf '#!/bin/sh\nexec %s %s "$@"\n' "$DT_DIR/in-wrapped-ns" "$CGRUND" >"$DT_DIR/cgrund-wrapped"
	chmod 755 "$DT_DIR/in-wrapped-ns" "$DT_DIR/cgrund-wrapped"
	dt_stop_daemons
	CGRUND=$DT_DIR/cgrund-wrapped dt_start_daemon
	# The host's binary is untouched.
	cmp -s "$bin" "$DT_DIR/slirp4netns.real"
}

# Pids of the wrapper (or the real slirp4netns it became) in the test's
# namespace, whatever their name.
wrapped_procs()
{
	local want p c
	want="net:[$(stat -L -c %i "/run/netns/$NET_NS")]"
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/ns/net" 2>/dev/null)" = "$want" ] || continue
		c=$(tr '\0' ' ' <"$p/cmdline" 2>/dev/null) || continue
		[[ $c == *slirp4netns* ]] && echo "${p#/proc/}"
	done
	return 0
}

# bg_run NAME CGRUN-ARGS...: cgrun in the background, its output in
# NAME.out and its status in NAME.rc once it ends.
bg_run()
{
	local f=$BATS_TEST_TMPDIR/$1
	shift
	(rc=0; "$CGRUN" "$@" >"$f.out" 2>&1 || rc=$?; echo "$rc" >"$f.rc") &
	echo $! >"$BATS_TEST_TMPDIR/bg.pid"
}

# Nothing left of a start that waited for the wrapper: no process of it,
# no container, no file of slirp4netns in any run directory.
nothing_left()
{
	[ -z "$(wrapped_procs)" ] && [ -z "$("$CGRUN" ps -aq)" ] && slirp_leaks
}

# A container answering "NAME" on every TCP connection to port 80.
listener() { "$CGRUN" run -d --name "$1" --network=slirp4netns "${@:2}" busybox nc -ll -p 80 -e echo "$1"; }

needs_userns()
{
	if [ "$DT_MODE" = legacy ]; then
		skip "--userns=auto needs a cgroup2 hierarchy"
	fi
}

@test "egress reaches the peer from the namespace's address; tap0, its route and resolv.conf are slirp4netns's" {
	run -0 "$CGRUN" run --rm --network=slirp4netns busybox sh -c \
		'nc -w 3 192.0.2.2 7000 </dev/null; ip -o -4 addr show tap0; ip route; cat /etc/resolv.conf'
	[ "${lines[0]}" = "peer 192.0.2.1" ]
	[[ $output == *"inet 10.0.2.100/24"* ]]
	[[ $output == *"default via 10.0.2.2 dev tap0"* ]]
	[ "$(grep -c '^nameserver' <<<"$output")" = 1 ]
	[[ $output == *"nameserver 10.0.2.3"* ]]
	# --dns still wins.
	run -0 "$CGRUN" run --rm --network=slirp4netns --dns 192.0.2.53 busybox cat /etc/resolv.conf
	[[ $output == *"nameserver 192.0.2.53"* ]] && [[ $output != *10.0.2.3* ]]
}

@test "-p HOST:CTR, -p CTR and a UDP port through add_hostfwd: reachable from the peer, shown by cgrun port" {
	listener w -p 8080:80 -p 80 -p 9053:53/udp
	dt_wait_until 5 answers peer tcp 192.0.2.1 8080 w
	run -0 ask ns tcp 127.0.0.1 8080
	[ "$output" = w ]
	run -0 "$CGRUN" port w
	[ "${lines[0]}" = "80/tcp -> 0.0.0.0:8080" ]
	[[ ${lines[1]} =~ ^"80/tcp -> 0.0.0.0:"([0-9]+)$ ]]
	hp=${BASH_REMATCH[1]}
	[ "$hp" -ge "$(ns cut -f1 /proc/sys/net/ipv4/ip_local_port_range)" ]
	dt_wait_until 5 answers peer tcp 192.0.2.1 "$hp" w
	[ "${lines[2]}" = "53/udp -> 0.0.0.0:9053" ]
	# Every host port is slirp4netns's own socket (no firewall rule).
	read -r pid start < <(slirp_record w)
	dt_same_proc "$pid" "$start"
	run -0 ns ss -Hlnptu
	[[ $output == *":9053 "*"pid=$pid,"* ]]
	[[ $output == *":8080 "*"pid=$pid,"* ]]
	! ns nft list tables | grep -q cgrun
	run -1 ask peer tcp 192.0.2.1 8081
	"$CGRUN" rm -f w >/dev/null
	dt_wait_until 5 slirp_gone "$pid" "$start"
	run -1 ask peer tcp 192.0.2.1 8080
}

@test "--userns=auto: egress and a published port work the same" {
	needs_userns
	run -0 "$CGRUN" run --rm --userns=auto --network=slirp4netns busybox sh -c \
		'nc -w 3 192.0.2.2 7000 </dev/null; cat /proc/self/uid_map'
	[ "${lines[0]}" = "peer 192.0.2.1" ]
	[[ ${lines[1]} == *2200000000* ]]
	listener u --userns=auto -p 8082:80
	dt_wait_until 5 answers peer tcp 192.0.2.1 8082 u
	"$CGRUN" rm -f u >/dev/null
}

@test "a host port in use is refused with one line, exit 125, nothing left" {
	(exec nsenter --net="/run/netns/$NET_NS" /usr/bin/python3 "$PEER_PY" serve tcp 9000 busy) &
	echo $! >"$BATS_TEST_TMPDIR/bg.pid"
	dt_wait_until 5 answers ns tcp 127.0.0.1 9000 "busy 127.0.0.1"
	run -125 "$CGRUN" run --rm --network=slirp4netns -p 9000:80 busybox true
	[ "${#lines[@]}" = 1 ]
	[[ $output == "cgrun: "*"host port 0.0.0.0:9000/tcp is already in use" ]]
	# Published by another slirp4netns container: in use as well.
	listener x -p 9001:80
	run -125 "$CGRUN" run -d --name y --network=slirp4netns -p 9001:81 busybox sleep 60
	[ "${#lines[@]}" = 1 ]
	[[ $output == *"host port 0.0.0.0:9001/tcp is already in use" ]]
	[ "$(slirp_procs | wc -l)" = 1 ]
	"$CGRUN" rm -f x >/dev/null
	"$CGRUN" rm y >/dev/null 2>&1 || true
}

@test "rm -f and kill -9 of the init end slirp4netns (the recorded pid) and leave no file" {
	listener r -p 8090:80
	read -r pid start < <(slirp_record r)
	dt_same_proc "$pid" "$start"
	[ "$(slirp_procs)" = "$pid" ]
	"$CGRUN" rm -f r >/dev/null
	dt_wait_until 5 slirp_gone "$pid" "$start"

	listener k -p 8091:80
	read -r pid start < <(slirp_record k)
	dt_wait_until 5 answers peer tcp 192.0.2.1 8091 k
	kill -KILL "$(dt_pid_of "$(dt_id_of k)")"
	dt_wait_until 10 dt_state_is "$(dt_id_of k)" exited
	dt_wait_until 5 slirp_gone "$pid" "$start"
	for f in $SLIRP_FILES; do
		[ ! -e "$CGRUN_RUN_DIR/containers/$(dt_id_of k)/$f" ]
	done
	run -0 "$CGRUN" port k
	[ -z "$output" ]
	"$CGRUN" rm k >/dev/null
}

@test "a failed start leaves no slirp4netns" {
	run -126 "$CGRUN" run --rm --network=slirp4netns -p 8092:80 busybox /etc/passwd
	[ -z "$(slirp_procs)" ]
	run -127 "$CGRUN" run --rm --network=slirp4netns busybox /no/such/command
	[ -z "$(slirp_procs)" ]
}

@test "kill -9 of cgrund: the next keeps the slirp4netns of live containers and ends what is left of dead ones" {
	listener a -p 8093:80
	listener b -p 8094:80
	read -r apid astart < <(slirp_record a)
	read -r bpid bstart < <(slirp_record b)
	pid=$(dt_daemon_pid)
	start=$(dt_start_time "$pid")
	kill -KILL "$pid"
	dt_wait_until 10 eval '! dt_same_proc '"$pid $start"
	# Without cgrund: a's ports still answer; b's init killed, its
	# slirp4netns ends with it (its exit fd is a pidfd of the init).
	dt_wait_until 5 answers peer tcp 192.0.2.1 8093 a
	kill -KILL "$(dt_pid_of "$(dt_id_of b)")"
	dt_wait_until 5 slirp_gone "$bpid" "$bstart"
	[ -e "$CGRUN_RUN_DIR/containers/$(dt_id_of b)/slirp4netns" ]
	dt_start_daemon
	dt_same_proc "$apid" "$astart"
	dt_wait_until 5 answers peer tcp 192.0.2.1 8093 a
	[ "$(dt_state "$(dt_id_of b)")" = exited ]
	for f in $SLIRP_FILES; do
		[ ! -e "$CGRUN_RUN_DIR/containers/$(dt_id_of b)/$f" ]
	done
	# The next cgrund ends a's slirp4netns with a (not its child any more).
	"$CGRUN" rm -f a b >/dev/null
	dt_wait_until 5 slirp_gone "$apid" "$astart"
}

@test "in-process run (no cgrund): egress, a published port, nothing left at exit" {
	dt_stop_daemons
	! dt_answers
	run -0 ns "$CGRUN" run --rm --cgroup-parent="$DT_PARENT" --network=slirp4netns busybox \
		nc -w 3 192.0.2.2 7000 </dev/null
	[ "$output" = "peer 192.0.2.1" ]
	(exec nsenter --net="/run/netns/$NET_NS" "$CGRUN" run --rm --cgroup-parent="$DT_PARENT" \
		--network=slirp4netns -p 8095:80 busybox nc -l -p 80 -e echo inproc >/dev/null 2>&1) &
	bg=$!
	echo "$bg" >"$BATS_TEST_TMPDIR/bg.pid"
	# nc -l answers once, then the container and cgrun end.
	dt_wait_until 10 answers peer tcp 192.0.2.1 8095 inproc
	dt_wait_until 10 eval '! kill -0 '"$bg"' 2>/dev/null'
	[ -z "$(slirp_procs)" ]
}

@test "a slirp4netns slow to come up does not stall cgrund: other requests are answered meanwhile" {
	wrapped_daemon
	echo "sleep 5" >"$DT_DIR/slirp-mode"
	begin=$(date +%s%N)
	bg_run slow run -d --name slow --network=slirp4netns -p 8096:80 busybox nc -ll -p 80 -e echo slow
	dt_wait_until 5 eval '[ -n "$(wrapped_procs)" ]'
	# cgrund waits for it, and answers meanwhile (with the wait in its
	# loop, not before 5 s).
	run -0 timeout 1 "$CGRUN" ps -a
	[[ $output == *slow* ]]
	run -0 timeout 2 "$CGRUN" run --rm --network=none busybox true
	[ ! -e "$BATS_TEST_TMPDIR/slow.rc" ]
	# Then it comes up and works.
	dt_wait_until 10 test -e "$BATS_TEST_TMPDIR/slow.rc"
	[ $((($(date +%s%N) - begin) / 1000000)) -ge 4500 ]
	[ "$(cat "$BATS_TEST_TMPDIR/slow.rc")" = 0 ] || { cat "$BATS_TEST_TMPDIR/slow.out"; false; }
	dt_wait_until 5 answers peer tcp 192.0.2.1 8096 slow
	read -r pid start < <(slirp_record slow)
	"$CGRUN" rm -f slow >/dev/null
	dt_wait_until 5 slirp_gone "$pid" "$start"
	dt_stop_daemons
}

@test "a slirp4netns that ends at once or never comes up: that start fails with one line, nothing left" {
	wrapped_daemon
	echo fail >"$DT_DIR/slirp-mode"
	run -125 "$CGRUN" run --rm --network=slirp4netns busybox true
	[ "${#lines[@]}" = 1 ]
	[[ $output == "cgrun: "*"slirp4netns ended before its network was up: slirp-wrap: no network today" ]]
	run -125 "$CGRUN" run -d --name f --network=slirp4netns -p 8097:80 busybox true
	[ "${#lines[@]}" = 1 ]
	[[ $output == *"slirp4netns ended before its network was up: slirp-wrap: no network today" ]]
	dt_wait_until 5 nothing_left

	# Hangs: the 10 s deadline, then the same.
	echo "sleep 1000" >"$DT_DIR/slirp-mode"
	SECONDS=0
	run -125 timeout 20 "$CGRUN" run --rm --network=slirp4netns busybox true
	[ "$SECONDS" -ge 9 ] && [ "$SECONDS" -le 15 ]
	[ "${#lines[@]}" = 1 ]
	[[ $output == "cgrun: "*"slirp4netns did not configure its network within 10 s" ]]
	dt_wait_until 5 nothing_left
	grep -q "slirp4netns did not configure its network within 10 s" "$DT_LOG"

	# In-process (no cgrund: cg_slirp_start's wait): the same line.
	dt_stop_daemons
	echo fail >"$DT_DIR/slirp-mode"
	run -125 "$DT_DIR/in-wrapped-ns" nsenter --net="/run/netns/$NET_NS" "$CGRUN" run --rm \
		--cgroup-parent="$DT_PARENT" --network=slirp4netns busybox true
	[ "${#lines[@]}" = 1 ]
	[[ $output == "cgrun: "*"slirp4netns ended before its network was up: slirp-wrap: no network today" ]]
	nothing_left
}

@test "rm -f of a container waiting for its slirp4netns, or cgrund stopped meanwhile: nothing left" {
	wrapped_daemon
	echo "sleep 1000" >"$DT_DIR/slirp-mode"
	bg_run w run --name w --network=slirp4netns busybox true
	dt_wait_until 5 eval '[ -n "$(wrapped_procs)" ]'
	run -0 timeout 2 "$CGRUN" rm -f w
	dt_wait_until 5 test -e "$BATS_TEST_TMPDIR/w.rc"
	[ "$(cat "$BATS_TEST_TMPDIR/w.rc")" != 0 ]
	[ "$(wc -l <"$BATS_TEST_TMPDIR/w.out")" = 1 ]
	dt_wait_until 5 nothing_left
	rm "$BATS_TEST_TMPDIR/w.rc"

	# cgrund told to stop: the start fails, its slirp4netns is killed and
	# reaped, nothing of the container left for the next cgrund.
	bg_run w run -d --name s --network=slirp4netns busybox true
	dt_wait_until 5 eval '[ -n "$(wrapped_procs)" ]'
	id=$(dt_id_of s)
	pid=$(dt_daemon_pid)
	start=$(dt_start_time "$pid")
	kill -TERM "$pid"
	dt_wait_until 5 eval '! dt_same_proc '"$pid $start"
	dt_wait_until 5 test -e "$BATS_TEST_TMPDIR/w.rc"
	[ "$(cat "$BATS_TEST_TMPDIR/w.rc")" != 0 ]
	[ "$(cat "$BATS_TEST_TMPDIR/w.out")" = "cgrun: container $(cut -c1-12 <<<"$id"): cgrund stopped while it was starting: Operation canceled" ]
	[ -z "$(wrapped_procs)" ]
	slirp_leaks
	dt_start_daemon
	run -0 "$CGRUN" ps -aq
	[ -z "$output" ]
}
