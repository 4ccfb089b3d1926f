#!/usr/bin/env bats
# nft.bats - cgrun's nftables table `inet cgrun` (src/net/nft*.c) and -p
# publishing, through tests/net/nft-tool, in network namespaces made here:
#
#   peer 192.0.2.2 ---- vp 192.0.2.1 [host] cgrun0 10.88.0.1/16 --+-- c1 10.88.0.2
#   ("internet": no route to 10.88/16)                           +-- c2 10.88.0.3
#
# The host's own network, interfaces and tables are never touched: every
# nft and ip command runs with `ip netns exec` / `ip -n` in these.
# Run as root: bats tests/net/nft.bats (after make).

bats_require_minimum_version 1.5.0

TOOL=${NFT_TOOL:-$BATS_TEST_DIRNAME/nft-tool}
PEER="/usr/bin/python3 $BATS_TEST_DIRNAME/nft-peer.py"

setup() {
	[ "$(id -u)" = 0 ] || skip "needs root (network namespaces)"
	[ -x "$TOOL" ] || skip "$TOOL not built (make)"
	N=cgrun-test-nft$$
	H=$N-host C1=$N-c1 C2=$N-c2 P=$N-peer
	PIDS=()
	for ns in $H $C1 $C2 $P; do
		ip netns add "$ns"
		ip -n "$ns" link set lo up
	done
	ip netns exec $H sysctl -qw net.ipv4.ip_forward=1
	ip -n $H link add cgrun0 type bridge
	ip -n $H addr add 10.88.0.1/16 dev cgrun0
	ip -n $H link set cgrun0 up
	local i=1 ns
	for ns in $C1 $C2; do
		ip -n $H link add v$i type veth peer name eth0 netns "$ns"
		ip -n $H link set v$i master cgrun0 up
		ip -n "$ns" addr add 10.88.0.$((i + 1))/16 dev eth0
		ip -n "$ns" link set eth0 up
		ip -n "$ns" route add default via 10.88.0.1
		i=$((i + 1))
	done
	ip -n $H link add vp type veth peer name eth0 netns $P
	ip -n $H addr add 192.0.2.1/24 dev vp
	ip -n $H link set vp up
	ip -n $P addr add 192.0.2.2/24 dev eth0
	ip -n $P link set eth0 up
	# Someone else's table, which must come out byte for byte the same.
	ip netns exec $H nft -f - <<-'NFT'
	table ip other {
		chain myforward {
			type filter hook forward priority 10; policy accept;
			ip saddr 198.51.100.7 tcp dport 22 accept
		}
	}
	NFT
	BASELINE=$(ip netns exec $H nft list ruleset)
}

teardown() {
	local pid ns
	for pid in "${PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	for ns in $H $C1 $C2 $P; do
		ip netns del "$ns" 2>/dev/null || true
	done
	# The leak check: no namespace of this test left.
	run ip netns list
	[[ "$output" != *"$N-"* ]]
}

tool() { ip netns exec $H "$TOOL" "$@"; }
ask() { local ns=$1; shift; ip netns exec "$ns" $PEER ask "$@"; }

# serve NS tcp|udp PORT NAME: a listener answering "NAME SOURCE_IP".
serve() {
	ip netns exec "$1" $PEER serve "$2" "$3" "$4" &
	PIDS+=($!)
	local flag=-ltn i
	[ "$2" = udp ] && flag=-lun
	for i in $(seq 100); do
		ip netns exec "$1" ss -H $flag "sport = :$3" | grep -q . && return 0
		sleep 0.05
	done
	echo "listener $2/$3 in $1 did not start" >&2
	return 1
}

table() { ip netns exec $H nft list table inet cgrun; }
other_unchanged() {
	run ip netns exec $H nft list table ip other
	[ "$output" = "$(printf '%s\n' "$BASELINE" | sed -n '/^table ip other/,/^}/p')" ]
}

@test "egress is masqueraded to the host's address; ingress, 127.0.0.1, own addresses and hairpin reach a published port" {
	serve $P tcp 7000 peer
	serve $C1 tcp 80 c1
	serve $C1 udp 53 c1
	run -0 tool setup cgrun0=10.88.0.0/16
	[ -z "$output" ]
	[ "$(ip netns exec $H sysctl -n net.ipv4.conf.cgrun0.route_localnet)" = 1 ]
	run -0 tool add c1id 10.88.0.2 8080:80 5353:53/udp
	[ "$output" = $'80/tcp -> 0.0.0.0:8080\n53/udp -> 0.0.0.0:5353' ]

	# Egress: the peer sees the host's address, not 10.88.0.2.
	run -0 ask $C1 tcp 192.0.2.2 7000
	[ "$output" = "peer 192.0.2.1" ]
	# Ingress from the peer: DNATed, the source kept.
	run -0 ask $P tcp 192.0.2.1 8080
	[ "$output" = "c1 192.0.2.2" ]
	run -0 ask $P udp 192.0.2.1 5353
	[ "$output" = "c1 192.0.2.2" ]
	# The host itself: 127.0.0.1 (route_localnet + masquerade), its own addresses.
	run -0 ask $H tcp 127.0.0.1 8080
	[ "$output" = "c1 10.88.0.1" ]
	run -0 ask $H udp 127.0.0.1 5353
	[ "$output" = "c1 10.88.0.1" ]
	# (from its own address: the source stays that address, which the
	# container reaches through its default route)
	run -0 ask $H tcp 192.0.2.1 8080
	[ "$output" = "c1 192.0.2.1" ]
	run -0 ask $H tcp 10.88.0.1 8080
	[ "$output" = "c1 10.88.0.1" ]
	# Hairpin: the other container, and the container itself, through the
	# host's addresses; the answer comes back through the host's NAT.
	run -0 ask $C2 tcp 192.0.2.1 8080
	[ "$output" = "c1 10.88.0.1" ]
	run -0 ask $C2 tcp 10.88.0.1 8080
	[ "$output" = "c1 10.88.0.1" ]
	run -0 ask $C2 udp 10.88.0.1 5353
	[ "$output" = "c1 10.88.0.1" ]
	# The container itself: br_netfilter (loaded wherever docker is) DNATs
	# while bridging and the frame must go back out of the port it came in
	# by: hairpin mode on that port (src/net/hairpin.h). Without
	# br_netfilter the packet is routed and works either way.
	if [ "$(ip netns exec $H sysctl -n net.bridge.bridge-nf-call-iptables 2>/dev/null)" = 1 ]; then
		run -1 ask $C1 tcp 10.88.0.1 8080
	fi
	run -0 tool hairpin v1
	[[ "$(ip -n $H -d link show v1)" == *"hairpin on"* ]]
	[[ "$(ip -n $H -d link show v2)" == *"hairpin off"* ]]
	run -0 ask $C1 tcp 10.88.0.1 8080
	[ "$output" = "c1 10.88.0.1" ]
	# A port nobody published stays unreachable, and the peer cannot reach
	# the container's own address (no route; and forward would drop it).
	run -1 ask $P tcp 192.0.2.1 8081
	# Containers of one bridge reach each other directly.
	run -0 ask $C2 tcp 10.88.0.2 80
	[ "$output" = "c1 10.88.0.3" ]
	other_unchanged
}

@test "a host IP in -p limits the port to that address" {
	serve $C1 tcp 80 c1
	run -0 tool setup cgrun0=10.88.0.0/16
	run -0 tool add c1id 10.88.0.2 127.0.0.1:8080:80
	[ "$output" = "80/tcp -> 127.0.0.1:8080" ]
	run -0 ask $H tcp 127.0.0.1 8080
	[ "$output" = "c1 10.88.0.1" ]
	run -1 ask $P tcp 192.0.2.1 8080
	# The same port on two addresses of one container: both, to each its port.
	serve $C1 tcp 81 c1-81
	run -0 tool del c1id
	run -0 tool add c1id 10.88.0.2 127.0.0.1:8080:80 192.0.2.1:8080:81
	run -0 ask $H tcp 127.0.0.1 8080
	[ "$output" = "c1 10.88.0.1" ]
	run -0 ask $P tcp 192.0.2.1 8080
	[ "$output" = "c1-81 192.0.2.2" ]
	# An address the host does not have is refused before any rule.
	run -1 tool add c2id 10.88.0.3 203.0.113.9:8080:80
	[ "$output" = "nft-tool: host address 203.0.113.9 of port 8080/tcp is not an address of this host" ]
	run ip netns exec $H nft list chain inet cgrun ctr-c2id
	[ "$status" -ne 0 ]
}

@test "removing a container leaves the others working and the table as it was; reconcile drops stale chains" {
	serve $C1 tcp 80 c1
	serve $C2 tcp 80 c2
	run -0 tool setup cgrun0=10.88.0.0/16
	SETUP=$(table)
	run -0 tool add c2id 10.88.0.3 9090:80
	WITH_C2=$(table)
	run -0 tool add c1id 10.88.0.2 8080:80 5353:53/udp
	run -0 ask $P tcp 192.0.2.1 8080
	[ "$output" = "c1 192.0.2.2" ]
	# Removal knowing the ports: the table is not read.
	run -0 tool del c1id 8080:80 5353:53/udp
	[ "$(table)" = "$WITH_C2" ]
	run -1 ask $P tcp 192.0.2.1 8080
	run -0 ask $P tcp 192.0.2.1 9090
	[ "$output" = "c2 192.0.2.2" ]
	# Removing what is not there is not an error (every teardown path).
	run -0 tool del c1id
	[ "$(table)" = "$WITH_C2" ]

	# Setup again (a cgrund restart) keeps the containers' rules.
	run -0 tool setup cgrun0=10.88.0.0/16
	[ "$(table)" = "$WITH_C2" ]

	# Removal with ports that are not the container's (a record lost or
	# stale): it reads the table and removes what is really there; a port
	# of another container is left to it.
	run -0 tool add c1id 10.88.0.2 8080:80 5353:53/udp
	run -0 tool del c1id 8080:80 9090:80
	[ "$(table)" = "$WITH_C2" ]
	run -0 ask $P tcp 192.0.2.1 9090
	[ "$output" = "c2 192.0.2.2" ]

	# c1 added again, then cgrund re-adopts only c2.
	run -0 tool add c1id 10.88.0.2 8080:80
	run -0 tool reconcile c2id
	[ "$output" = "removed 1" ]
	[ "$(table)" = "$WITH_C2" ]
	run -0 ask $P tcp 192.0.2.1 9090
	[ "$output" = "c2 192.0.2.2" ]
	run -0 tool reconcile c2id
	[ "$output" = "removed 0" ]
	run -0 tool reconcile
	[ "$output" = "removed 1" ]
	[ "$(table)" = "$SETUP" ]
	other_unchanged

	run -0 tool teardown
	[ "$(ip netns exec $H nft list ruleset)" = "$BASELINE" ]
	# Teardown of an absent table is fine too; so is reconcile.
	run -0 tool teardown
	run -0 tool reconcile
	[ "$output" = "removed 0" ]
	[ "$(ip netns exec $H nft list ruleset)" = "$BASELINE" ]
}

@test "a host port in use is refused; -p CONTAINERPORT picks a free one" {
	serve $H tcp 7777 hostsvc
	serve $H udp 7778 hostsvc
	serve $C1 tcp 80 c1
	# Before setup: nft's reason, and nothing made.
	run -1 tool add c1id 10.88.0.2 8080:80
	[ "$output" = "nft-tool: container c1id: nft: adding the published ports: No such file or directory" ]
	run -0 tool del c1id 8080:80
	[ "$(ip netns exec $H nft list ruleset)" = "$BASELINE" ]
	run -0 tool setup cgrun0=10.88.0.0/16
	SETUP=$(table)
	run -1 tool add c1id 10.88.0.2 7777:80
	[ "$output" = "nft-tool: host port 0.0.0.0:7777/tcp is already in use" ]
	run -1 tool add c1id 10.88.0.2 8080:80 7778:53/udp
	[ "$output" = "nft-tool: host port 0.0.0.0:7778/udp is already in use" ]
	# The same number in the other protocol is free.
	run -0 tool add c1id 10.88.0.2 7778:80
	run -0 tool del c1id
	[ "$(table)" = "$SETUP" ]
	# Published by another container (no socket holds it): refused, named.
	run -0 tool add c2id 10.88.0.3 9090:80
	run -1 tool add c1id 10.88.0.2 8080:80 9090:80
	[ "$output" = "nft-tool: container c1id: host port 9090/tcp is already published by container c2id" ]
	run ip netns exec $H nft list chain inet cgrun ctr-c1id
	[ "$status" -ne 0 ]
	run -0 tool del c2id

	run -0 tool add c1id 10.88.0.2 80
	[[ "$output" =~ ^80/tcp\ -\>\ 0\.0\.0\.0:([0-9]+)$ ]]
	port=${BASH_REMATCH[1]}
	read -r lo hi < <(ip netns exec $H sysctl -n net.ipv4.ip_local_port_range)
	[ "$port" -ge "$lo" ] && [ "$port" -le "$hi" ]
	run -0 ask $P tcp 192.0.2.1 "$port"
	[ "$output" = "c1 192.0.2.2" ]
	# Bad specs: one line, nothing done.
	run -1 tool add c2id 10.88.0.3 80/sctp
	[ "$output" = "nft-tool: invalid port spec '80/sctp': protocol 'sctp' is not tcp or udp" ]
	run -0 tool teardown
	[ "$(ip netns exec $H nft list ruleset)" = "$BASELINE" ]
}

@test "another table's forward drop policy is explained, not changed" {
	ip netns exec $H nft -f - <<-'NFT'
	table ip filter {
		chain FORWARD {
			type filter hook forward priority 0; policy drop;
		}
	}
	NFT
	BEFORE=$(ip netns exec $H nft list table ip filter)
	serve $P tcp 7000 peer
	run -0 tool setup cgrun0=10.88.0.0/16
	[[ "$output" == "warning: the forward chain 'ip filter FORWARD' has policy drop, so it drops the forwarded traffic of network bridge cgrun0 "* ]]
	[[ "$output" == *"nft insert rule ip filter FORWARD iifname cgrun0 accept; nft insert rule ip filter FORWARD oifname cgrun0 accept"* ]]
	[ "$(ip netns exec $H nft list table ip filter)" = "$BEFORE" ]
	# It is what it says: egress is dropped, and passes once those rules are in.
	run -1 ask $C1 tcp 192.0.2.2 7000
	ip netns exec $H nft insert rule ip filter FORWARD iifname cgrun0 accept
	ip netns exec $H nft insert rule ip filter FORWARD oifname cgrun0 accept
	run -0 ask $C1 tcp 192.0.2.2 7000
	[ "$output" = "peer 192.0.2.1" ]
	run -0 tool teardown
	other_unchanged
}

@test "two networks: each masqueraded, isolated from each other, published ports open to both" {
	# c2 moves to a second bridge, br1 10.89.0.0/24.
	ip -n $H link del v2
	ip -n $H link add br1 type bridge
	ip -n $H addr add 10.89.0.1/24 dev br1
	ip -n $H link set br1 up
	ip -n $H link add v2 type veth peer name eth0 netns $C2
	ip -n $H link set v2 master br1 up
	ip -n $C2 addr add 10.89.0.2/24 dev eth0
	ip -n $C2 link set eth0 up
	ip -n $C2 route add default via 10.89.0.1
	serve $P tcp 7000 peer
	serve $C1 tcp 80 c1
	# Routed straight across before the table is there.
	run -0 ask $C2 tcp 10.88.0.2 80
	[ "$output" = "c1 10.89.0.2" ]
	run -0 tool setup cgrun0=10.88.0.0/16 br1=10.89.0.0/24
	run -0 tool add c1id 10.88.0.2 8080:80
	run -0 ask $C2 tcp 192.0.2.2 7000
	[ "$output" = "peer 192.0.2.1" ]
	run -0 ask $C1 tcp 192.0.2.2 7000
	[ "$output" = "peer 192.0.2.1" ]
	# Straight across: dropped. Through the published port: in, masqueraded.
	run -1 ask $C2 tcp 10.88.0.2 80
	run -0 ask $C2 tcp 192.0.2.1 8080
	[ "$output" = "c1 10.88.0.1" ]
	# Back to one network: br1's rules go, the container's stay.
	run -0 tool setup cgrun0=10.88.0.0/16
	run ip netns exec $H nft list table inet cgrun
	[[ "$output" != *br1* ]]
	[[ "$output" == *"tcp . 8080 : jump ctr-c1id"* ]]
	run -0 tool teardown
	[ "$(ip netns exec $H nft list ruleset)" = "$BASELINE" ]
}

@test "a removed container's connections are forgotten: a UDP flow goes to the port's next owner" {
	serve $C1 udp 53 c1
	serve $C2 udp 53 c2
	run -0 tool setup cgrun0=10.88.0.0/16
	run -0 tool add c1id 10.88.0.2 5353:53/udp
	run -0 ask $P udp 192.0.2.1 5353 40000
	[ "$output" = "c1 192.0.2.2" ]
	run -0 tool del c1id 5353:53/udp
	run -0 tool add c2id 10.88.0.3 5353:53/udp
	# conntrack still sends the peer's flow (same source port) to c1.
	run -0 ask $P udp 192.0.2.1 5353 40000
	[ "$output" = "c1 192.0.2.2" ]
	run -0 tool forget 10.88.0.2
	[ "$output" = "forgot 1" ]
	run -0 ask $P udp 192.0.2.1 5353 40000
	[ "$output" = "c2 192.0.2.2" ]
	run -0 tool forget 10.88.0.2
	[ "$output" = "forgot 0" ]
	run -1 tool forget 10.88.0
	[ "$output" = "nft-tool: '10.88.0': not an IPv4 address" ]
}

@test "a container cannot reach the host's 127.0.0.1 through the bridge, though route_localnet is on for published ports (CVE-2020-8558)" {
	serve $H tcp 7100 host-loopback 127.0.0.1
	run -0 tool setup cgrun0=10.88.0.0/16
	run -0 tool add c1id 10.88.0.2 8080:80
	[ "$(ip netns exec $H sysctl -n net.ipv4.conf.cgrun0.route_localnet)" = 1 ]
	# The attacker, root in c1 (as with CAP_NET_ADMIN, or frames written
	# with CAP_NET_RAW): 127.0.0.1 routed out of eth0 to the gateway.
	ip -n $C1 addr flush dev lo
	ip netns exec $C1 sysctl -qw net.ipv4.conf.eth0.route_localnet=1
	ip -n $C1 route add 127.0.0.1/32 via 10.88.0.1 dev eth0
	run -1 ask $C1 tcp 127.0.0.1 7100
	# The published port and the host's own 127.0.0.1 still work.
	run -0 ip netns exec $H $PEER ask tcp 127.0.0.1 7100
	[ "$output" = "host-loopback 127.0.0.1" ]
	run -0 tool teardown
	# Without cgrun's table the same packets reach it: the test can fail.
	ip netns exec $H sysctl -qw net.ipv4.conf.cgrun0.route_localnet=1
	run -0 ask $C1 tcp 127.0.0.1 7100
	[ "$output" = "host-loopback 10.88.0.2" ]
	other_unchanged
}
