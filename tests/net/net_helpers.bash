# net_helpers.bash - a network namespace of the test's own ("host") for
# cgrund and in-process runs, joined by a veth to a fake "internet" peer
# namespace, and the peer's listeners (nft-peer.py):
#
#   peer 192.0.2.2 ---- vp 192.0.2.1 [host ns $NET_NS] -- containers
#
# cgrund runs in $NET_NS (nsenter --net: its mounts stay the host's, where
# `ip netns exec` would hide the cgroup mounts under a fresh /sys), exec'd
# by nsenter so its pid is the one the daemon helpers record and kill.
# Nothing here touches the host's own interfaces, routes or nft tables.
# Load after ../integration/daemon_helpers.

PEER_PY=$BATS_TEST_DIRNAME/nft-peer.py

ns() { nsenter --net="/run/netns/$NET_NS" "$@"; }
peer() { nsenter --net="/run/netns/$PEER_NS" "$@"; }
# ask NS-CMD tcp|udp HOST PORT: the answer of a listener (nft-peer.py).
ask() { "$1" /usr/bin/python3 "$PEER_PY" ask "${@:2}"; }
# answers NS-CMD PROTO HOST PORT WANT
answers() { [ "$(ask "${@:1:4}" 2>/dev/null)" = "$5" ]; }

# net_setup_file [CONF-LINE...]: the namespaces, the daemon helpers' files
# (each CONF-LINE appended to cgrund.conf, CGRUN_CONFIG for in-process
# runs), a subordinate id range of the test's for --userns=auto, cgrund
# started in $NET_NS, and a listener on the peer's TCP port 7000
# answering "peer SOURCE_IP".
net_setup_file()
{
	NET_NS=cgrun-test-$$-$RANDOM
	PEER_NS=$NET_NS-p
	export NET_NS PEER_NS
	ip netns add "$NET_NS" || return 1
	ip netns add "$PEER_NS" || return 1
	ns ip link set lo up
	peer ip link set lo up
	ns ip link add vp type veth peer name eth0 netns "$PEER_NS"
	ns ip addr add 192.0.2.1/24 dev vp
	ns ip link set vp up
	peer ip addr add 192.0.2.2/24 dev eth0
	peer ip link set eth0 up
	net_daemon_files "$@" || return 1
	dt_start_daemon || return 1
	(exec nsenter --net="/run/netns/$PEER_NS" /usr/bin/python3 "$PEER_PY" serve tcp 7000 peer) &
	echo $! >"$DT_DIR/peer.pid"
	dt_wait_until 5 answers ns tcp 192.0.2.2 7000 "peer 192.0.2.1"
}

# net_daemon_files [CONF-LINE...]: the daemon helpers' files (each
# CONF-LINE appended to cgrund.conf, CGRUN_CONFIG for in-process runs), a
# subordinate id range of the test's for --userns=auto, and $CGRUND
# wrapped to run in $NET_NS (exec'd: the same pid).
net_daemon_files()
{
	local line
	# DT_NETWORK=: no network line, so the default (bridge) is tested.
	DT_NETWORK= DT_NO_DAEMON=1 dt_setup_file || return 1
	for line in "$@"; do
		printf '%s\n' "$line" >>"$DT_CONF"
	done
	printf 'cgrun:%s:%s\n' 2200000000 $((2 * 65536)) >"$DT_DIR/subuid"
	cp "$DT_DIR/subuid" "$DT_DIR/subgid"
	export CGRUN_SUBUID_FILE=$DT_DIR/subuid CGRUN_SUBGID_FILE=$DT_DIR/subgid
	REAL_CGRUND=$CGRUND
	CGRUND=$DT_DIR/cgrund-in-ns
	printf '#!/bin/sh\nexec nsenter --net=/run/netns/%s %s "$@"\n' "$NET_NS" "$REAL_CGRUND" >"$CGRUND"
	chmod 755 "$CGRUND"
	CGRUN_CONFIG=$DT_CONF
	export REAL_CGRUND CGRUND CGRUN_CONFIG
}

# net_teardown CHECK CLEAN: the test's background process (bg.pid) killed,
# the daemon helpers' leak check, then CHECK (a function printing what
# leaked, true when nothing did; given 5 s), CLEAN run when it fails.
net_teardown()
{
	local leaks ret=0
	[ ! -f "$BATS_TEST_TMPDIR/bg.pid" ] || kill "$(cat "$BATS_TEST_TMPDIR/bg.pid")" 2>/dev/null || true
	dt_teardown || ret=1
	if ! leaks=$(dt_wait_until 5 "$1" >/dev/null 2>&1 || "$1" 2>&1); then
		printf 'NETWORK LEAK CHECK FAILED:\n%s\n' "$leaks" >&2
		"$2"
		ret=1
	fi
	return "$ret"
}

net_teardown_file()
{
	local ret=0
	[ ! -f "${DT_DIR:-/nonexistent}/peer.pid" ] || kill "$(cat "$DT_DIR/peer.pid")" 2>/dev/null || true
	dt_teardown_file || ret=1
	[ -z "${NET_NS:-}" ] || ip netns del "$NET_NS" || ret=1
	[ -z "${PEER_NS:-}" ] || ip netns del "$PEER_NS" || ret=1
	return "$ret"
}
