#!/usr/bin/env bats
# The DNS responder (src/net/dns-responder.c) for real, in network
# namespaces this file makes and removes (never the host's network or
# resolver): a "gateway" namespace where tests/net/dns-tool runs the
# responder on 10.89.0.1 (a bridge, as a user network's gateway), joined
# by a veth (198.51.100.0/24, a documentation range) to an "upstream"
# namespace where dnsmasq answers *.example.test with 192.0.2.7.
#
#   bats tests/net/dns.bats      (as root; DNS_TOOL: the built dns-tool)

bats_require_minimum_version 1.5.0

: "${DNS_TOOL:=$BATS_TEST_DIRNAME/dns-tool}"

setup_file()
{
	[ "$(id -u)" = 0 ] || skip "needs root (network namespaces)"
	[ -x "$DNS_TOOL" ] || skip "no $DNS_TOOL: build it with 'make tests/net/dns-tool'"
	command -v dnsmasq >/dev/null || skip "no dnsmasq"
}

setup()
{
	local tag
	tag=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
	NS_GW=cgrun-test-dns-$tag-g
	NS_UP=cgrun-test-dns-$tag-u
	PIDS=()
	ip netns add "$NS_GW"
	ip netns add "$NS_UP"
	ip -n "$NS_GW" link set lo up
	ip -n "$NS_UP" link set lo up
	# Made inside the namespace, its peer moved straight to the other:
	# nothing of it ever is in the host's.
	ip -n "$NS_GW" link add gw0 type veth peer name up0 netns "$NS_UP"
	ip -n "$NS_GW" addr add 198.51.100.1/24 dev gw0
	ip -n "$NS_UP" addr add 198.51.100.2/24 dev up0
	ip -n "$NS_GW" link set gw0 up
	ip -n "$NS_UP" link set up0 up
	ip -n "$NS_GW" link add br0 type bridge
	ip -n "$NS_GW" addr add 10.89.0.1/24 dev br0
	ip -n "$NS_GW" link set br0 up
	ip netns exec "$NS_UP" dnsmasq --no-daemon --conf-file=/dev/null --no-resolv --no-hosts \
		--address=/example.test/192.0.2.7 --listen-address=198.51.100.2 --bind-interfaces \
		--pid-file="$BATS_TEST_TMPDIR/dnsmasq.pid" --log-queries --log-facility="$BATS_TEST_TMPDIR/dnsmasq.log" \
		2>"$BATS_TEST_TMPDIR/dnsmasq.err" &
	PIDS+=($!)
	wait_for 'ip netns exec "$NS_UP" ss -Hlun | grep -q 198.51.100.2:53'
}

teardown()
{
	local p
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	for p in "${PIDS[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	if [ -n "${CMD_FD:-}" ]; then exec 7>&-; fi
	ip netns del "$NS_GW" 2>/dev/null || true
	ip netns del "$NS_UP" 2>/dev/null || true
	# Nothing left: no namespace of this test, no process of it.
	! ip netns list | grep -q -e "$NS_GW" -e "$NS_UP"
	for p in "${PIDS[@]}"; do
		! kill -0 "$p" 2>/dev/null
	done
}

wait_for()
{
	local i
	for i in $(seq 50); do
		eval "$1" && return 0
		sleep 0.1
	done
	echo "timed out waiting for: $1" >&2
	return 1
}

# serve ARGS...: the responder in the gateway namespace on 10.89.0.1,
# commands through fd 7 (bats has 3), answers in $BATS_TEST_TMPDIR/serve.out.
serve()
{
	mkfifo "$BATS_TEST_TMPDIR/cmd"
	ip netns exec "$NS_GW" "$DNS_TOOL" serve --listen 10.89.0.1 --allow 10.89.0.0/24 "$@" \
		<"$BATS_TEST_TMPDIR/cmd" >"$BATS_TEST_TMPDIR/serve.out" 2>"$BATS_TEST_TMPDIR/serve.err" &
	PIDS+=($!)
	exec 7>"$BATS_TEST_TMPDIR/cmd"
	CMD_FD=7
	wait_for 'grep -q ready "$BATS_TEST_TMPDIR/serve.out"'
}

# cmd LINE: one command to the responder; waits for its answer line.
cmd()
{
	local n
	n=$(wc -l <"$BATS_TEST_TMPDIR/serve.out")
	echo "$1" >&7
	wait_for "[ \$(wc -l <\"$BATS_TEST_TMPDIR/serve.out\") -gt $n ]"
	tail -n 1 "$BATS_TEST_TMPDIR/serve.out"
}

q()
{
	ip netns exec "$NS_GW" "$DNS_TOOL" query 10.89.0.1 "$@"
}

@test "answers the names set in it, NAME and NAME.dns.cgrun; AAAA empty, unknown in its domain NXDOMAIN" {
	serve --upstream 198.51.100.2 --set web=10.89.0.2 --set 0123456789ab=10.89.0.2
	run -0 q web
	[ "$output" = $'NOERROR\n10.89.0.2' ]
	run -0 q WEB.dns.cgrun
	[ "$output" = $'NOERROR\n10.89.0.2' ]
	run -0 q 0123456789ab
	[ "$output" = $'NOERROR\n10.89.0.2' ]
	run -0 q web AAAA
	[ "$output" = NOERROR ]
	run -0 q nope.dns.cgrun
	[ "$output" = NXDOMAIN ]
	# None of these went upstream.
	! grep -q 'query.*web' "$BATS_TEST_TMPDIR/dnsmasq.log"
}

@test "names come and go while it runs" {
	serve --upstream 198.51.100.2
	run -0 q db.dns.cgrun
	[ "$output" = NXDOMAIN ]
	run -0 cmd "set db 10.89.0.3"
	[ "$output" = ok ]
	run -0 q db.dns.cgrun
	[ "$output" = $'NOERROR\n10.89.0.3' ]
	run -0 cmd "set db 10.89.0.4"
	run -0 q db
	[ "$output" = $'NOERROR\n10.89.0.4' ]
	run -0 cmd "rm db"
	run -0 q db.dns.cgrun
	[ "$output" = NXDOMAIN ]
	run -0 cmd "set bad_name! 10.89.0.5"
	[[ "$output" == error:*"not a host name"* ]]
}

@test "forwards other names to the upstream and relays its answer" {
	serve --upstream 198.51.100.2
	run -0 q www.example.test
	[ "$output" = $'NOERROR\n192.0.2.7' ]
	# dnsmasq saw it, from the gateway's side of the veth.
	grep -q 'query\[A\] www.example.test from 198.51.100.1' "$BATS_TEST_TMPDIR/dnsmasq.log"
	run -0 cmd stats
	[[ "$output" == *"forwarded 1 relayed 1 timeouts 0"* ]]
}

@test "glibc's resolver in the namespace finds names and forwarded names through it" {
	serve --upstream 198.51.100.2 --set web=10.89.0.2
	printf 'search dns.cgrun\nnameserver 10.89.0.1\noptions timeout:2 attempts:1\n' >"$BATS_TEST_TMPDIR/resolv.conf"
	# A private mount namespace inside the network namespace: the bind
	# mount over /etc/resolv.conf is seen by this shell alone.
	run -0 ip netns exec "$NS_GW" unshare -m --propagation private sh -c \
		'mount --bind "$1" /etc/resolv.conf && getent ahostsv4 web && getent ahostsv4 www.example.test' \
		sh "$BATS_TEST_TMPDIR/resolv.conf"
	[[ "$output" == *"10.89.0.2"*"web"* ]]
	[[ "$output" == *"192.0.2.7"*"www.example.test"* ]]
}

@test "over TCP too (a resolver's retry after a truncated answer): glibc with use-vc" {
	serve --upstream 198.51.100.2 --set web=10.89.0.2
	printf 'nameserver 10.89.0.1\noptions use-vc timeout:2 attempts:1\n' >"$BATS_TEST_TMPDIR/resolv.conf"
	run -0 ip netns exec "$NS_GW" unshare -m --propagation private sh -c \
		'mount --bind "$1" /etc/resolv.conf && getent ahostsv4 web && getent ahostsv4 www.example.test' \
		sh "$BATS_TEST_TMPDIR/resolv.conf"
	[[ "$output" == *"10.89.0.2"*"web"* ]]
	[[ "$output" == *"192.0.2.7"*"www.example.test"* ]]
	run -0 cmd stats
	echo "$output"
	# Every query came over TCP (ahostsv4 asks A only: one connection a name).
	[[ "$output" == "tcp 2 queries 2 answered 1 forwarded 1 relayed 1 "* ]]
}

@test "garbage is dropped and the responder goes on answering" {
	serve --upstream 198.51.100.2 --set web=10.89.0.2
	ip netns exec "$NS_GW" "$DNS_TOOL" garbage 10.89.0.1
	run -0 q web
	[ "$output" = $'NOERROR\n10.89.0.2' ]
	kill -0 "${PIDS[-1]}"
	run -0 cmd stats
	echo "$output"
	dropped=${output##*dropped }
	[ "$dropped" -ge 400 ]
}

@test "a dead upstream: SERVFAIL after the timeout, the loop never stalls meanwhile" {
	# Nothing listens on 198.51.100.2#5353: the query is lost there.
	serve --upstream 198.51.100.2#5353 --timeout-ms 1500 --set web=10.89.0.2
	start=$(date +%s%N)
	q nope.example.test --wait 6000 >"$BATS_TEST_TMPDIR/slow.out" &
	slow=$!
	PIDS+=($slow)
	sleep 0.3
	# Meanwhile local names are answered at once.
	run -0 q web --wait 500
	[ "$output" = $'NOERROR\n10.89.0.2' ]
	wait "$slow"
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	[ "$(cat "$BATS_TEST_TMPDIR/slow.out")" = SERVFAIL ]
	[ "$ms" -ge 1400 ] && [ "$ms" -lt 5000 ]
}

@test "clients outside the allowed subnet get nothing" {
	serve --upstream 198.51.100.2 --set web=10.89.0.2
	# From the upstream's side (198.51.100.2): routed to 10.89.0.1 through
	# the veth, refused by the allow list.
	ip -n "$NS_UP" route add 10.89.0.0/24 via 198.51.100.1
	run -2 ip netns exec "$NS_UP" "$DNS_TOOL" query 10.89.0.1 web --wait 500
	[ "$output" = TIMEOUT ]
}

@test "it refuses to start on an address it cannot bind, with one clear line" {
	run -1 ip netns exec "$NS_GW" "$DNS_TOOL" serve --listen 10.99.0.1 --upstream 198.51.100.2 </dev/null
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"bind 10.99.0.1"*"Cannot assign requested address"* ]]
}
