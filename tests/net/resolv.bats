#!/usr/bin/env bats
# A container's /etc/resolv.conf, /etc/hosts and /etc/hostname (the init
# layer, src/net/etc-files.c) with --dns, --dns-search, --dns-option,
# --add-host and --hostname, through cgrund and in-process alike. These
# files are written whatever the network mode: no bridge is needed.
#
#   CGRUN=$PWD/cgrun CGRUND=$PWD/cgrund bats tests/net/resolv.bats

load ../integration/daemon_helpers

# through cgrund (this file's, on its socket in CGRUN_RUN_DIR)
via_daemon()
{
	timeout -k 5 60 "$CGRUN" run "$@"
}

# in-process: a run dir where no cgrund listens, the same store, cgroups
# under the same parent as cgrund's
in_process()
{
	mkdir -p "$BATS_TEST_TMPDIR/run"
	CGRUN_RUN_DIR=$BATS_TEST_TMPDIR/run CGRUN_CGROUP_MANAGER=cgroupfs \
		timeout -k 5 60 "$CGRUN" run --cgroup-parent="$DT_PARENT" "$@"
}

proc_gone()
{
	! dt_same_proc "$1" "$2"
}

RESOLV_OPTS=(--dns 192.0.2.1 --dns 2001:db8::53 --dns-search a.test --dns-search b.test
	--dns-option ndots:3 --dns-option rotate)
RESOLV_WANT=$'search a.test b.test\nnameserver 192.0.2.1\nnameserver 2001:db8::53\noptions ndots:3 rotate'

@test "--dns, --dns-search and --dns-option make the resolv.conf, through cgrund and in-process" {
	local how
	for how in via_daemon in_process; do
		run -0 $how --rm "${RESOLV_OPTS[@]}" busybox cat /etc/resolv.conf
		echo "$how: $output"
		[ "$output" = "$RESOLV_WANT" ]
	done
}

@test "--dns-search=. leaves no search line; --dns alone keeps the host's search and options" {
	run -0 via_daemon --rm --dns 192.0.2.1 --dns-search . busybox cat /etc/resolv.conf
	[ "$output" = "nameserver 192.0.2.1" ]
	run -0 in_process --rm --dns 192.0.2.7 busybox cat /etc/resolv.conf
	grep -q '^nameserver 192.0.2.7$' <<<"$output"
	[ "$(grep -c '^nameserver' <<<"$output")" -eq 1 ]
	want_search=$(grep -E '^(search|domain)' /etc/resolv.conf | tail -n 1 | cut -d' ' -f2- || true)
	if [ -n "$want_search" ]; then
		grep -qxF "search $want_search" <<<"$output"
	fi
}

# fake_host STUB [UPSTREAM]: run cgrun in-process in a private mount
# namespace whose /etc/resolv.conf is STUB and whose
# /run/systemd/resolve/resolv.conf is UPSTREAM (none if not given), on a
# tmpfs over /run/systemd (or over /run where there is no /run/systemd):
# the host's own files are never touched. Prints the container's resolv.conf.
fake_host()
{
	mkdir -p "$BATS_TEST_TMPDIR/run"
	unshare -m --propagation private sh -c '
		set -e
		mount --bind "$1" /etc/resolv.conf
		if [ -d /run/systemd ]; then mount -t tmpfs tmpfs /run/systemd; else mount -t tmpfs tmpfs /run; fi
		if [ -n "$2" ]; then
			mkdir -p /run/systemd/resolve
			cp "$2" /run/systemd/resolve/resolv.conf
		fi
		CGRUN_RUN_DIR=$3/run CGRUN_CGROUP_MANAGER=cgroupfs "$4" run --rm --cgroup-parent="$5" busybox cat /etc/resolv.conf
	' sh "$1" "${2:-}" "$BATS_TEST_TMPDIR" "$CGRUN" "$DT_PARENT"
}

@test "the host's systemd-resolved stub is replaced by its upstream servers, else docker's fallback" {
	printf 'nameserver 127.0.0.53\noptions edns0 trust-ad\nsearch corp.test\n' >"$BATS_TEST_TMPDIR/stub"
	printf 'nameserver 192.0.2.10\nnameserver 127.0.0.1\nnameserver 192.0.2.11\nsearch corp.test\n' >"$BATS_TEST_TMPDIR/upstream"
	run -0 fake_host "$BATS_TEST_TMPDIR/stub" "$BATS_TEST_TMPDIR/upstream"
	echo "$output"
	[ "$output" = $'search corp.test\nnameserver 192.0.2.10\nnameserver 192.0.2.11\noptions edns0 trust-ad' ]
	run -0 fake_host "$BATS_TEST_TMPDIR/stub"
	echo "$output"
	[ "$output" = $'search corp.test\nnameserver 8.8.8.8\nnameserver 8.8.4.4\noptions edns0 trust-ad' ]
	# A host with usable servers: kept as they are, stub or not beside them.
	printf 'nameserver 192.0.2.20\nnameserver 127.0.0.54\n' >"$BATS_TEST_TMPDIR/plain"
	run -0 fake_host "$BATS_TEST_TMPDIR/plain" "$BATS_TEST_TMPDIR/upstream"
	[ "$output" = $'search corp.test\nnameserver 192.0.2.20\nnameserver 192.0.2.10\nnameserver 192.0.2.11' ]
}

@test "/etc/hosts: localhost, --add-host entries, the container's --hostname" {
	local how
	for how in via_daemon in_process; do
		run -0 $how --rm --hostname web.example --add-host db:192.0.2.9 --add-host v6:2001:db8::9 \
			busybox sh -c 'cat /etc/hosts; echo "hostname=$(hostname) file=$(cat /etc/hostname)"'
		echo "$how: $output"
		grep -qxF $'127.0.0.1\tlocalhost' <<<"$output"
		grep -qxF $'192.0.2.9\tdb' <<<"$output"
		grep -qxF $'2001:db8::9\tv6' <<<"$output"
		grep -qxF $'127.0.0.1\tweb.example' <<<"$output"
		grep -qxF 'hostname=web.example file=web.example' <<<"$output"
		# busybox resolves through /etc/hosts (the ping itself goes nowhere)
		run $how --rm --add-host db:192.0.2.9 busybox ping -c1 -W1 db
		[[ "$output" == *"PING db (192.0.2.9)"* ]]
	done
}

@test "the options are in the record and inspect, and outlive a kill -9 of cgrund" {
	run -0 via_daemon -d --name rs-rec "${RESOLV_OPTS[@]}" --add-host db:192.0.2.9 busybox sleep 60
	id=$output
	dt_track "$id"
	grep -q '"add_hosts"' "$CGRUN_STORE_DIR/containers/$id/config.json"
	run -0 "$CGRUN" inspect rs-rec
	[[ "$output" == *'"dns": ['*'"192.0.2.1"'* ]] || [[ "$output" == *'"dns":['*'"192.0.2.1"'* ]]
	[[ "$output" == *'"db:192.0.2.9"'* ]]
	run -0 "$CGRUN" exec rs-rec cat /etc/resolv.conf
	[ "$output" = "$RESOLV_WANT" ]
	# kill -9 of cgrund; the next one re-adopts the container from its record.
	pid=$(dt_daemon_pid)
	start=$(dt_start_time "$pid")
	kill -KILL "$pid"
	dt_wait_until 10 proc_gone "$pid" "$start"
	wait "$pid" 2>/dev/null || true
	dt_start_daemon
	run -0 "$CGRUN" inspect rs-rec
	[[ "$output" == *'"db:192.0.2.9"'* ]]
	[[ "$output" == *'"ndots:3"'* ]]
	run -0 "$CGRUN" exec rs-rec cat /etc/resolv.conf /etc/hosts
	[[ "$output" == "$RESOLV_WANT"* ]]
	grep -qxF $'192.0.2.9\tdb' <<<"$output"
	run -0 "$CGRUN" rm -f rs-rec
}

@test "bad values: one clear line, exit 125, nothing left behind (CLI and wire)" {
	local bad
	for bad in "--dns=nonsense" "--dns=192.0.2" "--dns-search=a b" "--dns-search=" "--dns-option=" \
		"--dns-option=a b" "--add-host=db" "--add-host=db:nonsense" "--add-host=d b:192.0.2.1" \
		"--hostname=a b" "--hostname=-x" $'--hostname=a\nb'; do
		run -125 --separate-stderr via_daemon --rm "$bad" busybox true
		echo "$bad: $stderr"
		[ "${#stderr_lines[@]}" -eq 1 ]
		[[ "$stderr" == "cgrun: invalid "* ]]
	done
	# The same refused by cgrund when a client sends them unchecked.
	run -0 python3 - "$CGRUN_RUN_DIR/cgrun.sock" <<'PY'
import json, socket, struct, sys
for spec in ({"dns": ["nonsense"]}, {"add_hosts": ["db"]}, {"dns_search": ["a\nb"]},
             {"dns_options": ["x y"]}, {"dns": "192.0.2.1"}, {"hostname": "a b"}):
    spec.update({"image": "busybox", "argv": ["true"]})
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sys.argv[1])
    m = json.dumps({"v": 1, "cmd": "run", "detach": True, "spec": spec}).encode()
    s.sendall(struct.pack(">I", len(m)) + m)
    n = struct.unpack(">I", s.recv(4))[0]
    b = b""
    while len(b) < n:
        b += s.recv(n - len(b))
    r = json.loads(b)
    assert r["ok"] is False and r["exit_code"] == 125, r
    print(r["error"])
PY
	echo "$output"
	[ "${#lines[@]}" -eq 6 ]
	dt_answers
}
