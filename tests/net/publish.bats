#!/usr/bin/env bats
# NAT and published ports of containers on a bridge network (issue 18
# parts 2, 3 and 5), through cgrund and in-process (cgrun-fw): egress
# masqueraded, -p from a peer, from 127.0.0.1 and from another container
# (hairpin), -p CONTAINERPORT and cgrun port, a host port in use refused,
# rules gone with their container on every path, kept for the live ones
# across a kill -9 of cgrund.
#
# Nothing here touches the host's network: cgrund and in-process cgrun run
# in a network namespace of the test's own ("host", nsenter --net as
# bridge.bats does), joined by a veth to a fake "internet" peer namespace:
#
#   peer 192.0.2.2 ---- vp 192.0.2.1 [host ns] cgrun0 10.77.0.1/24 -- containers
#
# After each test the namespace's nft ruleset, links and leases equal the
# baseline taken once cgrund set up its table.
#
#   CGRUN=$PWD/cgrun CGRUND=$PWD/cgrund bats tests/net/publish.bats

load ../integration/daemon_helpers
load net_helpers

SUBNET=10.77.0.0/24
GW=10.77.0.1

setup_file()
{
	net_setup_file "network_subnet = $SUBNET" || return 1
	LEASES=$CGRUN_RUN_DIR/networks/bridge/leases
	export LEASES
	# The baseline: cgrun0 made and the table set up once.
	"$CGRUN" run --rm --network=bridge busybox true || return 1
	ns nft list ruleset >"$DT_DIR/ruleset.baseline"
	grep -q 'table inet cgrun' "$DT_DIR/ruleset.baseline" || return 1
}

setup()
{
	dt_setup
	dt_answers || dt_start_daemon
}

net_leaks()
{
	local n=0 l
	while read -r l; do
		echo "leaked link: $l"
		n=$((n + 1))
	done < <(ns ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | grep -vxE 'lo|cgrun0|vp' || true)
	for l in "$CGRUN_RUN_DIR"/networks/*/leases/*; do
		[ -e "$l" ] || continue
		echo "leaked lease: ${l##*/} ($(cat "$l"))"
		n=$((n + 1))
	done
	if ! diff <(ns nft list ruleset) "$DT_DIR/ruleset.baseline" >&2; then
		echo "the ruleset differs from the baseline"
		n=$((n + 1))
	fi
	[ "$n" -eq 0 ]
}

net_clean()
{
	rm -f "$CGRUN_RUN_DIR"/networks/*/leases/*
	ns nft -f - <<<"flush ruleset"
	ns nft -f "$DT_DIR/ruleset.baseline"
	ns ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | grep -E '^cg[0-9a-f]{12}$' |
		while read -r l; do ns ip link del "$l"; done
}

teardown() { net_teardown net_leaks net_clean; }

teardown_file() { net_teardown_file; }

net_setting() { "$CGRUN" inspect "$1" | jq -r ".[0].NetworkSettings.$2"; }
chain_of() { ns nft list chain inet cgrun "ctr-$(dt_id_of "$1")" >/dev/null 2>&1; }
publish_map() { ns nft list map inet cgrun publish; }
# A container answering "NAME" on every TCP connection to port 80.
listener() { "$CGRUN" run -d --name "$1" --network=bridge "${@:2}" busybox nc -ll -p 80 -e echo "$1"; }

@test "egress from a container reaches the peer with the namespace's address as its source" {
	run -0 "$CGRUN" run --rm --network=bridge busybox nc -w 3 192.0.2.2 7000 </dev/null
	[ "$output" = "peer 192.0.2.1" ]
}

@test "-p HOST:CTR: reachable from the peer, from 127.0.0.1 and from another container (hairpin)" {
	listener w -p 8080:80
	dt_wait_until 5 answers peer tcp 192.0.2.1 8080 w
	run -0 ask ns tcp 127.0.0.1 8080
	[ "$output" = w ]
	run -0 ask ns tcp 192.0.2.1 8080
	[ "$output" = w ]
	run -0 "$CGRUN" run --rm --network=bridge busybox nc -w 3 "$GW" 8080 </dev/null
	[ "$output" = w ]
	# The container itself, through the host's address.
	run -0 "$CGRUN" exec w nc -w 3 "$GW" 8080 </dev/null
	[ "$output" = w ]
	# A port nobody published is not reachable.
	run -1 ask peer tcp 192.0.2.1 8081
	[ "$(ns sysctl -n net.ipv4.conf.cgrun0.route_localnet)" = 1 ]
	[ "$(net_setting w 'Ports["80/tcp"][0].HostPort')" = 8080 ]
	[ "$(net_setting w 'Ports["80/tcp"][0].HostIp')" = 0.0.0.0 ]
	"$CGRUN" rm -f w >/dev/null
}

@test "-p CONTAINERPORT picks a free host port, shown by cgrun port; bad uses are refused with one line" {
	listener e -p 80 -p 127.0.0.1:9053:53/udp
	run -0 "$CGRUN" port e 80
	[[ $output =~ ^"80/tcp -> 0.0.0.0:"([0-9]+)$ ]]
	hp=${BASH_REMATCH[1]}
	[ "$hp" -ge "$(ns cut -f1 /proc/sys/net/ipv4/ip_local_port_range)" ]
	dt_wait_until 5 answers peer tcp 192.0.2.1 "$hp" e
	run -0 "$CGRUN" port e
	[ "${lines[0]}" = "80/tcp -> 0.0.0.0:$hp" ]
	[ "${lines[1]}" = "53/udp -> 127.0.0.1:9053" ]
	run -0 "$CGRUN" port e 53/udp
	[ "$output" = "53/udp -> 127.0.0.1:9053" ]
	run -125 "$CGRUN" port e eighty
	[ "${#lines[@]}" = 1 ] && [[ $output == *"eighty"* ]]
	run -125 "$CGRUN" run --rm -p 80 --network=none busybox true
	[ "$output" = "cgrun: -p/--publish needs --network=bridge, slirp4netns or a user network, not --network=none" ]
	run -125 "$CGRUN" run --rm -p 80:70000 --network=bridge busybox true
	[ "${#lines[@]}" = 1 ]
	"$CGRUN" rm -f e >/dev/null
	run -125 "$CGRUN" port e
}

@test "a host port in use is refused with one line, exit 125, nothing left" {
	(exec nsenter --net="/run/netns/$NET_NS" /usr/bin/python3 "$PEER_PY" serve tcp 9000 busy) &
	echo $! >"$BATS_TEST_TMPDIR/bg.pid"
	dt_wait_until 5 answers ns tcp 127.0.0.1 9000 "busy 127.0.0.1"
	run -125 "$CGRUN" run -d --name u --network=bridge -p 9000:80 busybox sleep 60
	[ "${#lines[@]}" = 1 ]
	[[ $output == *"host port 0.0.0.0:9000/tcp is already in use"* ]]
	# Published by another container: refused too, naming it.
	listener x -p 9001:80
	run -125 "$CGRUN" run --rm --network=bridge -p 9001:81 busybox true
	[ "${#lines[@]}" = 1 ]
	[[ $output == *"9001/tcp is already published by container $(dt_id_of x)"* ]]
	"$CGRUN" rm -f x >/dev/null
	"$CGRUN" rm u >/dev/null 2>&1 || true
	[ -z "$(ls -A "$LEASES")" ]
}

@test "rm -f removes the container's chain and map elements" {
	listener r -p 8090:80 -p 8091:80
	chain_of r
	run -0 publish_map
	[[ $output == *"8090 : jump ctr-$(dt_id_of r)"* ]]
	id=$(dt_id_of r)
	"$CGRUN" rm -f r >/dev/null
	! ns nft list chain inet cgrun "ctr-$id" 2>/dev/null
	run -0 publish_map
	[[ $output != *"ctr-$id"* ]]
	run -1 ask peer tcp 192.0.2.1 8090
}

@test "kill -9 of cgrund: the rules of live containers kept, those of dead ones removed" {
	local pid start
	listener k1 -p 8101:80
	listener k2 -p 8102:80
	dt_wait_until 5 answers peer tcp 192.0.2.1 8101 k1
	pid=$(dt_daemon_pid)
	start=$(dt_start_time "$pid")
	kill -KILL "$pid" || { cat "$DT_LOG" >&2; false; }
	dt_wait_until 10 eval '! dt_same_proc '"$pid $start"
	# While no cgrund runs: k2 dies, and a chain of a container never known
	# is in the table.
	kill -KILL "$(dt_pid_of "$(dt_id_of k2)")"
	ns "$BATS_TEST_DIRNAME/nft-tool" add ghost 10.77.0.250 8199:80
	dt_start_daemon
	dt_wait_until 5 answers peer tcp 192.0.2.1 8101 k1
	chain_of k1
	! chain_of k2
	! ns nft list chain inet cgrun ctr-ghost 2>/dev/null
	run -0 publish_map
	[[ $output != *8102* ]] && [[ $output != *8199* ]]
	"$CGRUN" rm -f k1 k2 >/dev/null
}

@test "a user network: masqueraded and published as the default one; its rules go with it" {
	"$CGRUN" network create --subnet=10.66.2.0/24 pub >/dev/null
	listener un -p 8120:80 --network=pub
	dt_wait_until 5 answers peer tcp 192.0.2.1 8120 un
	run -0 "$CGRUN" run --rm --network=pub busybox nc -w 3 192.0.2.2 7000 </dev/null
	[ "$output" = "peer 192.0.2.1" ]
	run -0 ns nft list chain inet cgrun postrouting
	[[ $output == *10.66.2.0/24* ]]
	"$CGRUN" rm -f un >/dev/null
	ns "$CGRUN" network rm pub >/dev/null
	# The next start sets the base chains up for the networks left.
	"$CGRUN" run --rm --network=bridge busybox true
	run -0 ns nft list chain inet cgrun postrouting
	[[ $output != *10.66.2.0/24* ]]
}

@test "in-process run with -p (no cgrund): cgrun-fw publishes it, and its rules go at exit" {
	dt_stop_daemons
	! dt_answers
	(exec nsenter --net="/run/netns/$NET_NS" "$CGRUN" run --rm --cgroup-parent="$DT_PARENT" --network=bridge \
		-p 8110:80 busybox nc -l -p 80 -e echo inproc >"$BATS_TEST_TMPDIR/out" 2>&1) &
	echo $! >"$BATS_TEST_TMPDIR/bg.pid"
	dt_wait_until 10 answers peer tcp 192.0.2.1 8110 inproc
	# nc served one connection: the container ends, its rules with it.
	dt_wait_until 10 eval '! kill -0 $(cat "$BATS_TEST_TMPDIR/bg.pid") 2>/dev/null'
	run -0 publish_map
	[[ $output != *8110* ]]
	[ -z "$(ls -A "$LEASES")" ]
	# Without cgrun-fw: one line.
	cp "$CGRUN" "$DT_DIR/cgrun-alone"
	run -125 ns "$DT_DIR/cgrun-alone" run --rm --cgroup-parent="$DT_PARENT" --network=bridge -p 8111:80 busybox true
	rm -f "$DT_DIR/cgrun-alone"
	[ "${#lines[@]}" = 1 ]
	[[ $output == *"cannot run "*"cgrun-fw"* ]]
}
