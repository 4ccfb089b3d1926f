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

teardown() { net_teardown slirp_leaks slirp_clean; }

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
