#!/usr/bin/env bats
# --network=bridge|none|host|container: (issue 18 parts 1, 2 and 5): a
# container on the default bridge gets eth0 with an address of the subnet
# and a default route via the gateway on cgrun0; leases and veths go on
# every path (rm, kill -9 of the container, kill -9 of cgrund, a failed
# start, an in-process run).
#
# Nothing here touches the host's network: cgrund runs in a network
# namespace of the test's own (nsenter --net: its mounts stay the host's,
# where `ip netns exec` would hide the cgroup mounts under a fresh /sys),
# so cgrun0 and every veth live only there; in-process runs enter it the
# same way. The subnet is the test's (network_subnet in its cgrund.conf,
# CGRUN_CONFIG for in-process runs), a /24 of 10.77. After each test the
# namespace's links and the lease directory are back to the baseline.
#
#   CGRUN=$PWD/cgrun CGRUND=$PWD/cgrund bats tests/net/bridge.bats

load ../integration/daemon_helpers
load net_helpers

SUBNET=10.77.0.0/24
GW=10.77.0.1

setup_file()
{
	NET_NS=cgrun-test-$$-$RANDOM
	export NET_NS
	ip netns add "$NET_NS" || return 1
	ns ip link set lo up
	# cgrund in the namespace (net_helpers.bash), a subordinate id range
	# of our own for --userns=auto.
	net_daemon_files "network_subnet = $SUBNET" || return 1
	LEASES=$CGRUN_RUN_DIR/networks/bridge/leases
	export LEASES
	dt_start_daemon || return 1
}

setup()
{
	dt_setup
	dt_answers || dt_start_daemon
}

# No veth of a container left in the namespace and no lease: the baseline
# (lo, and cgrun0 once made, which stays as docker0 does).
net_leaks()
{
	local n=0 l
	while read -r l; do
		echo "leaked link: $l"
		n=$((n + 1))
	done < <(ns ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | grep -vxE 'lo|cgrun0' || true)
	for l in "$CGRUN_STORE_DIR"/networks/*; do
		[ -e "$l" ] || continue
		echo "leaked network definition: ${l##*/}"
		n=$((n + 1))
	done
	for l in "$CGRUN_RUN_DIR"/networks/*/leases/*; do
		[ -e "$l" ] || continue
		echo "leaked lease: ${l##*/} ($(cat "$l"))"
		n=$((n + 1))
	done
	[ "$n" -eq 0 ]
}

net_clean()
{
	rm -f "$CGRUN_RUN_DIR"/networks/*/leases/* "$CGRUN_STORE_DIR"/networks/*
	ns ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | grep -E '^cg-|^cg[0-9a-f]{12}$' |
		while read -r l; do ns ip link del "$l"; done
}

teardown() { net_teardown net_leaks net_clean; }

teardown_file()
{
	local ret=0
	dt_teardown_file || ret=1
	[ -z "${NET_NS:-}" ] || ip netns del "$NET_NS" || ret=1
	return "$ret"
}

bridge_has_no_port()
{
	[ -z "$(ns ip -o link show master cgrun0)" ]
}

# The IPv4 address of eth0 in the output of `ip -o -4 addr`.
eth0_addr()
{
	awk '$2 == "eth0" && $3 == "inet" { sub(/\/.*/, "", $4); print $4 }'
}

# inspect's NetworkSettings.KEY of container $1.
net_setting()
{
	"$CGRUN" inspect "$1" | jq -r ".[0].NetworkSettings.$2"
}

@test "bridge: eth0 has an address of the subnet, a default route via the gateway, and reaches it" {
	run -0 "$CGRUN" run --rm --network=bridge busybox sh -c \
		'ip -o -4 addr; ip route; ping -c 1 -W 2 '"$GW"' >/dev/null && echo GATEWAY-OK'
	[[ $output == *"eth0    inet 10.77.0."*"/24 "* ]]
	[[ $output == *"default via $GW dev eth0"* ]]
	[[ $output == *GATEWAY-OK* ]]
	# The bridge holds the gateway, in the test's namespace only.
	run -0 ns ip -o -4 addr show dev cgrun0
	[[ $output == *"inet $GW/24"* ]]
	[ "$(ns cat /proc/sys/net/ipv4/ip_forward)" = 1 ]
}

@test "two containers get distinct addresses, recorded and shown by inspect, and reach each other" {
	"$CGRUN" run -d --name a --network=bridge busybox sleep 600
	"$CGRUN" run -d --name b --network=bridge busybox sleep 600
	a=$(net_setting a IPAddress)
	b=$(net_setting b IPAddress)
	[[ $a == 10.77.0.* ]] && [[ $b == 10.77.0.* ]] && [ "$a" != "$b" ]
	[ "$(net_setting a Gateway)" = "$GW" ]
	[ "$(net_setting a IPPrefixLen)" = 24 ]
	[ "$(net_setting a NetworkMode)" = bridge ]
	[[ $(net_setting a MacAddress) == 02:42:0a:4d:00:* ]]
	# What eth0 has is what the record says.
	run -0 "$CGRUN" exec a ip -o -4 addr
	[ "$(eth0_addr <<<"$output")" = "$a" ]
	run -0 "$CGRUN" exec b ip -o -4 addr
	[ "$(eth0_addr <<<"$output")" = "$b" ]
	# A lease per container, holding its id; their host veths in the bridge.
	[ "$(cat "$LEASES/$a" | cut -d' ' -f1)" = "$(dt_id_of a)" ]
	[ -f "$LEASES/$b" ]
	run -0 ns ip -o link show master cgrun0
	[[ $output == *"cg$(dt_id_of a | cut -c1-12)"* ]]
	[[ $output == *"cg$(dt_id_of b | cut -c1-12)"* ]]
	run -0 "$CGRUN" exec a ping -c 1 -W 2 "$b"
	run -0 "$CGRUN" exec b ping -c 1 -W 2 "$a"
	"$CGRUN" rm -f a b >/dev/null
	# rm -f gave both back; the veths go with the containers' namespaces
	# (the kernel deletes them a moment later).
	[ ! -e "$LEASES/$a" ] && [ ! -e "$LEASES/$b" ]
	dt_wait_until 5 bridge_has_no_port
}

@test "the lowest free address is given again after a release" {
	"$CGRUN" run -d --name a --network=bridge busybox sleep 600
	"$CGRUN" run -d --name b --network=bridge busybox sleep 600
	a=$(net_setting a IPAddress)
	"$CGRUN" rm -f a >/dev/null
	"$CGRUN" run -d --name c --network=bridge busybox sleep 600
	[ "$(net_setting c IPAddress)" = "$a" ]
	"$CGRUN" rm -f b c >/dev/null
}

@test "--network=none has loopback only" {
	run -0 "$CGRUN" run --rm --network=none busybox ip -o link
	[ "${#lines[@]}" -eq 1 ] && [[ ${lines[0]} == *" lo: "* ]]
	run -0 "$CGRUN" run --rm --network=none busybox ping -c 1 -W 1 127.0.0.1
	"$CGRUN" run -d --name n --network=none busybox sleep 600
	[ "$(net_setting n NetworkMode)" = none ]
	[ "$(net_setting n IPAddress)" = null ]
	"$CGRUN" rm -f n >/dev/null
}

@test "the default network is the bridge, through cgrund and in-process; cgrund.conf's network changes it" {
	run -0 "$CGRUN" run --rm busybox ip -o -4 addr show dev eth0
	[[ $output == *"inet 10.77.0."*"/24 "* ]]
	"$CGRUN" run -d --name d busybox sleep 600
	[ "$(net_setting d NetworkMode)" = bridge ]
	[[ $(net_setting d IPAddress) == 10.77.0.* ]]
	"$CGRUN" rm -f d >/dev/null
	# In-process (no cgrund), in the test's namespace.
	dt_stop_daemons
	! dt_answers
	run -0 ns "$CGRUN" run --rm --cgroup-parent="$DT_PARENT" busybox ip -o -4 addr show dev eth0
	[[ $output == *"inet 10.77.0."*"/24 "* ]]
	# One read of the file gives both the default network and the
	# bridge's subnet (ctx.h: network_subnet_buf).
	ns strace -f -qq -e trace=openat -o "$BATS_TEST_TMPDIR/opens" \
		"$CGRUN" run --rm --cgroup-parent="$DT_PARENT" busybox true
	[ "$(grep -cF "\"$DT_CONF\"" "$BATS_TEST_TMPDIR/opens")" -eq 1 ]
	# network = none in the file that in-process runs read.
	cp "$DT_CONF" "$BATS_TEST_TMPDIR/none.conf"
	echo 'network = none' >>"$BATS_TEST_TMPDIR/none.conf"
	CGRUN_CONFIG=$BATS_TEST_TMPDIR/none.conf run -0 ns "$CGRUN" run --rm --cgroup-parent="$DT_PARENT" busybox ip -o link
	[ "${#lines[@]}" -eq 1 ] && [[ ${lines[0]} == *" lo: "* ]]
	# A bad value is one line naming the file's line, and nothing is made.
	echo 'network = container:x' >>"$BATS_TEST_TMPDIR/none.conf"
	CGRUN_CONFIG=$BATS_TEST_TMPDIR/none.conf run -125 ns "$CGRUN" run --rm --cgroup-parent="$DT_PARENT" busybox true
	[ "${#lines[@]}" -eq 1 ]
	[[ $output == *"cgrund.conf line "*": network must be bridge, none, host or a network's name, not 'container:x'"* ]]
}

@test "--network=host sees the namespace cgrund runs in" {
	ns ip link add cgtest-a type veth peer name cgtest-b
	run "$CGRUN" run --rm --network=host busybox ip -o link
	ns ip link del cgtest-a
	[ "$status" -eq 0 ]
	[[ $output == *" cgtest-a@cgtest-b: "* ]]
	[ -z "$(ls -A "$LEASES" 2>/dev/null)" ]
}

@test "--network=container:NAME shares that container's namespace; it must be running" {
	"$CGRUN" run -d --name a --network=bridge busybox sleep 600
	a=$(net_setting a IPAddress)
	run -0 "$CGRUN" run --rm --network=container:a busybox ip -o -4 addr
	[ "$(eth0_addr <<<"$output")" = "$a" ]
	# By id prefix too.
	run -0 "$CGRUN" run --rm --network="container:$(dt_id_of a | cut -c1-12)" busybox ip -o -4 addr
	[ "$(eth0_addr <<<"$output")" = "$a" ]
	# While a joiner runs, a's end takes its eth0 away (its veth deleted):
	# the address it gives back is on no live interface when the next
	# container gets it.
	"$CGRUN" run -d --name j --network=container:a busybox sleep 600
	run -0 "$CGRUN" exec j ip -o -4 addr
	[ "$(eth0_addr <<<"$output")" = "$a" ]
	"$CGRUN" stop -t 0 a >/dev/null
	[ ! -e "$LEASES/$a" ]
	run -0 "$CGRUN" exec j ip -o link
	[[ $output != *eth0* ]]
	"$CGRUN" run -d --name b --network=bridge busybox sleep 600
	[ "$(net_setting b IPAddress)" = "$a" ]
	run -0 "$CGRUN" exec j ip -o -4 addr
	[[ $output != *"$a"* ]]
	"$CGRUN" rm -f j b >/dev/null
	[ -z "$(ls -A "$CGRUN_RUN_DIR/networks/joined")" ]
	run -125 "$CGRUN" run --rm --network=container:a busybox true
	[[ $output == *"container:a: container "*" is not running"* ]]
	run -125 "$CGRUN" run --rm --network=container:nosuch busybox true
	[[ $output == *"no such container 'nosuch'"* ]]
	"$CGRUN" rm -f a >/dev/null
}

@test "--userns=auto on the bridge: the same network; container: is refused with it" {
	# A host with cgroup v1 only refuses --userns=auto whatever the network.
	[ -n "$(find /sys/fs/cgroup -maxdepth 2 -name cgroup.controllers -print -quit)" ] || {
		run -125 "$CGRUN" run --rm --userns=auto --network=bridge busybox true
		[[ $output == *"--userns=auto needs a cgroup2 hierarchy"* ]]
		return 0
	}
	run -0 "$CGRUN" run --rm --userns=auto --network=bridge busybox sh -c \
		'ip -o -4 addr; ping -c 1 -W 2 '"$GW"' >/dev/null && echo GATEWAY-OK'
	[[ $(eth0_addr <<<"$output") == 10.77.0.* ]]
	[[ $output == *GATEWAY-OK* ]]
	"$CGRUN" run -d --name a --network=bridge busybox sleep 600
	run -125 "$CGRUN" run --rm --userns=auto --network=container:a busybox true
	[[ $output == *"--network=container: cannot be combined with --userns=auto"* ]]
	"$CGRUN" rm -f a >/dev/null
}

@test "bad --network values are refused with one line and exit 125" {
	run -125 "$CGRUN" run --rm --network=Bogus! busybox true
	[ "${#lines[@]}" -eq 1 ]
	[[ $output == *"--network 'Bogus!': expected none, host, bridge, slirp4netns, container:NAME|ID or a network's name"* ]]
	run -125 "$CGRUN" run --rm --network=bogus busybox true
	[ "${#lines[@]}" -eq 1 ]
	[[ $output == *"no such network 'bogus'"* ]]
	run -125 "$CGRUN" run --rm --network=container: busybox true
	[ "${#lines[@]}" -eq 1 ]
}

@test "kill -9 of a container's init: its veth and lease go" {
	"$CGRUN" run -d --name k --network=bridge busybox sleep 600
	a=$(net_setting k IPAddress)
	[ -f "$LEASES/$a" ]
	kill -KILL "$(dt_pid_of "$(dt_id_of k)")"
	dt_wait_until 10 dt_state_is "$(dt_id_of k)" exited
	[ ! -e "$LEASES/$a" ]
	[ "$(net_setting k IPAddress)" = null ]
	"$CGRUN" rm k >/dev/null
}

@test "a failed start leaves no veth and no lease" {
	# The command cannot be executed: the init had its veth by then.
	run -126 "$CGRUN" run --rm --network=bridge busybox /etc/passwd
	# A link named cgrun0 that is not a bridge: refused before anything is made.
	ns ip link add cgrun0 type veth peer name cgtest-peer 2>/dev/null || {
		ns ip link del cgrun0
		ns ip link add cgrun0 type veth peer name cgtest-peer
	}
	run -125 "$CGRUN" run --rm --network=bridge busybox true
	ns ip link del cgrun0
	[[ $output == *"link cgrun0 exists and is not a bridge (veth)"* ]]
	[ -z "$(ls -A "$LEASES" 2>/dev/null)" ]
}

@test "kill -9 of cgrund with 10 networked containers: the next keeps their addresses, all reachable, and releases what is gone" {
	local ri pid start  # not i: bats' run sets an i of its own
	declare -A addr
	for ri in $(seq 10); do
		"$CGRUN" run -d --name "r$ri" --network=bridge busybox sleep 600
		addr[$ri]=$(net_setting "r$ri" IPAddress)
	done
	pid=$(dt_daemon_pid)
	start=$(dt_start_time "$pid")
	kill -KILL "$pid"
	dt_wait_until 10 eval '! dt_same_proc '"$pid $start"
	# While no cgrund runs: r10 ends (its init killed), and a lease of a
	# container long gone is left behind (a dead pid).
	kill -KILL "$(dt_pid_of "$(dt_id_of r10)")"
	printf '%064d 999999 1\n' 7 >"$LEASES/10.77.0.200"
	# ... with its host veth still there (something held its namespace).
	ns ip link add cg000000000000 type veth peer name cgtest-p0
	dt_start_daemon
	for ri in $(seq 9); do
		[ "$(net_setting "r$ri" IPAddress)" = "${addr[$ri]}" ]
		[ -f "$LEASES/${addr[$ri]}" ]
		# Reachable from the bridge's side, through its kept veth.
		ns busybox ping -c 1 -W 2 "${addr[$ri]}" >/dev/null
	done
	run -0 "$CGRUN" exec r1 ip -o -4 addr
	[ "$(eth0_addr <<<"$output")" = "${addr[1]}" ]
	run -0 "$CGRUN" exec r1 ping -c 1 -W 2 "${addr[9]}"
	[ "$(dt_state "$(dt_id_of r10)")" = exited ]
	[ ! -e "$LEASES/${addr[10]}" ]
	[ ! -e "$LEASES/10.77.0.200" ]
	! ns ip link show cg000000000000 2>/dev/null
	! ns ip link show cgtest-p0 2>/dev/null
	# shellcheck disable=SC2046
	"$CGRUN" rm -f $(printf 'r%s ' $(seq 10)) >/dev/null
	# Nothing left: no lease, and only lo and cgrun0 in the namespace.
	[ -z "$(ls -A "$LEASES")" ]
	run -0 ns ip -o link
	[ "${#lines[@]}" -eq 2 ]
}

restarted_twice()
{
	[ "$(dt_field "$1" restarts)" = 2 ] && dt_state_is "$1" exited
}

@test "--restart: each run of the container is on the bridge, and the last gives its address back" {
	id=$("$CGRUN" run -d --restart=on-failure:2 --network=bridge busybox sh -c \
		'ip -o -4 addr show eth0 | grep -q "inet 10.77.0." && echo ADDR-OK; exit 3')
	dt_wait_until 30 restarted_twice "$id"
	run -0 "$CGRUN" logs "$id"
	[ "$(grep -c ADDR-OK <<<"$output")" -eq 3 ]
	[ -z "$(ls -A "$LEASES")" ]
	"$CGRUN" rm "$id" >/dev/null
}

@test "user networks: create, ls, inspect; their containers get addresses of their subnet and reach each other; rm" {
	run -0 "$CGRUN" network create --subnet=10.66.1.0/24 front
	[ "$output" = front ]
	run -0 "$CGRUN" network create back
	# Overlaps, names taken or not names, and the default's are refused.
	run -125 "$CGRUN" network create --subnet=10.66.0.0/16 other
	[[ $output == *"overlaps 10.66.1.0/24 of network front"* ]]
	run -125 "$CGRUN" network create --subnet=10.77.0.128/25 other
	[[ $output == *"of network bridge"* ]]
	run -125 "$CGRUN" network create front
	[[ $output == *"network 'front' exists"* ]]
	run -125 "$CGRUN" network create Front
	run -125 "$CGRUN" network create bridge
	run -125 "$CGRUN" network rm bridge
	run -0 "$CGRUN" network ls
	[[ ${lines[1]} == "bridge "*"$SUBNET"*cgrun0 ]]
	[[ $output == *"front "*"10.66.1.0/24"*cg-front* ]]
	[[ $output == *"back "*"10.89.0.0/24"*cg-back* ]]
	"$CGRUN" run -d --name f1 --network=front busybox sleep 600
	"$CGRUN" run -d --name f2 --network=front busybox sleep 600
	f1=$(net_setting f1 IPAddress)
	f2=$(net_setting f2 IPAddress)
	[ "$f1" = 10.66.1.2 ] && [ "$f2" = 10.66.1.3 ]
	[ "$(net_setting f1 Bridge)" = cg-front ]
	[ "$(net_setting f1 Gateway)" = 10.66.1.1 ]
	run -0 "$CGRUN" exec f1 ip -o -4 addr
	[ "$(eth0_addr <<<"$output")" = "$f1" ]
	run -0 "$CGRUN" exec f1 ping -c 1 -W 2 "$f2"
	run -0 "$CGRUN" exec f1 ping -c 1 -W 2 10.66.1.1
	run -0 ns ip -o -4 addr show dev cg-front
	[[ $output == *"inet 10.66.1.1/24"* ]]
	run -0 "$CGRUN" network inspect front
	[ "$(jq -r '.[0].Subnet' <<<"$output")" = 10.66.1.0/24 ]
	[ "$(jq -r '.[0].Gateway' <<<"$output")" = 10.66.1.1 ]
	[ "$(jq -r ".[0].Containers[\"$(dt_id_of f2)\"].IPAddress" <<<"$output")" = "$f2" ]
	# In use: refused; then, with its containers gone, it goes with its bridge.
	run -125 ns "$CGRUN" network rm front
	[[ $output == *"network 'front' is in use by container"* ]]
	"$CGRUN" rm -f f1 f2 >/dev/null
	run -0 ns "$CGRUN" network rm front back
	! ns ip link show cg-front 2>/dev/null
	run -125 "$CGRUN" network inspect front
	[[ $output == *"no such network 'front'"* ]]
	[ ! -e "$CGRUN_RUN_DIR/networks/front" ]
}

# The gateway's port 53 in the test's namespace: listening or not.
dns_listening()
{
	ns ss -Huln "sport = :53" | grep -q "$1:53"
}

@test "a user network's containers find each other by name and short id through cgrund's DNS on its gateway" {
	local id2 pid start
	run -0 "$CGRUN" network create --subnet=10.66.2.0/24 names
	"$CGRUN" run -d --name n1 --network=names busybox sleep 600
	"$CGRUN" run -d --name n2 --network=names busybox sleep 600
	id2=$(dt_id_of n2)
	dns_listening 10.66.2.1
	run -0 "$CGRUN" exec n1 cat /etc/resolv.conf
	[[ ${lines[*]} == *"nameserver 10.66.2.1"* ]]
	[[ $output == *"search dns.cgrun"* ]]
	# Only names the responder knows are asked: nothing is forwarded to
	# the host's resolvers, outside the test's namespace.
	run -0 "$CGRUN" exec n1 nslookup n2
	[[ $output == *"Address: 10.66.2.3"* ]]
	run -0 "$CGRUN" exec n1 nslookup "${id2:0:12}.dns.cgrun"
	[[ $output == *"Address: 10.66.2.3"* ]]
	run -0 "$CGRUN" exec n2 nslookup n1.dns.cgrun
	[[ $output == *"Address: 10.66.2.2"* ]]
	# A cgrund killed and started again names the containers it re-adopts.
	pid=$(dt_daemon_pid)
	start=$(dt_start_time "$pid")
	kill -KILL "$pid"
	dt_wait_until 10 eval '! dt_same_proc '"$pid $start"
	dt_start_daemon
	dns_listening 10.66.2.1
	run -0 "$CGRUN" exec n1 nslookup n2
	[[ $output == *"Address: 10.66.2.3"* ]]
	# A container that ends leaves the DNS; the last one closes it.
	"$CGRUN" rm -f n2 >/dev/null
	run "$CGRUN" exec n1 nslookup n2.dns.cgrun
	[ "$status" -ne 0 ]
	"$CGRUN" rm -f n1 >/dev/null
	! dns_listening 10.66.2.1
	# On the default bridge, the host's resolvers: no gateway nameserver.
	run -0 "$CGRUN" run --rm --network=bridge busybox cat /etc/resolv.conf
	[[ $output != *"nameserver $GW"* ]]
	run -0 ns "$CGRUN" network rm names
}

@test "in-process foreground run (no cgrund): the same network, released at exit" {
	dt_stop_daemons
	! dt_answers
	run -0 ns "$CGRUN" run --rm --cgroup-parent="$DT_PARENT" --network=bridge busybox sh -c \
		'ip -o -4 addr; ping -c 1 -W 2 '"$GW"' >/dev/null && echo GATEWAY-OK'
	[[ $(eth0_addr <<<"$output") == 10.77.0.* ]]
	[[ $output == *GATEWAY-OK* ]]
	[ -z "$(ls -A "$LEASES" 2>/dev/null)" ]
}
