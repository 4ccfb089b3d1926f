#!/usr/bin/env bats
# --security-opt through cgrund: the profile's text travels in the request
# and stays in the container's record, so exec through cgrund, a
# --restart, and a cgrund that was killed and re-adopts the container all
# use the filter read at `run -d`, even once the file is gone.

# helpers.bash for assert_one_error_line and cap_field; daemon_helpers.bash
# (loaded last) for the hooks: this file runs against a cgrund of its own.
load ../integration/helpers
load ../integration/daemon_helpers

setup_file()
{
	dt_setup_file || return 1
	PROBE_DIR=$(mktemp -d /var/tmp/cgrun-dtest-probe.XXXXXX)
	chmod 755 "$PROBE_DIR"
	export PROBE_DIR
	local built
	built=$(dirname "$CGRUN")/cgrun-security-probe
	if [ -x "$built" ]; then
		cp "$built" "$PROBE_DIR/probe"
	else
		gcc -static -O1 -o "$PROBE_DIR/probe" "$BATS_TEST_DIRNAME/probe.c"
	fi
}

teardown_file()
{
	[ -z "${PROBE_DIR:-}" ] || rm -rf "$PROBE_DIR"
	dt_teardown_file
}

# A test that failed half-way may have left no cgrund running.
setup()
{
	dt_setup
	dt_answers || dt_start_daemon
}

# expect NAME RESULT: the probe's line for NAME (in $output) says RESULT.
expect()
{
	local got
	got=$(printf '%s\n' "$output" | awk -v n="$1" '$1 == n { print $2 }')
	if [ "$got" != "$2" ]; then
		echo "$1: expected $2, got '${got}'" >&2
		return 1
	fi
}

kill9_daemon()
{
	local pid start
	pid=$(dt_daemon_pid)
	start=$(dt_start_time "$pid")
	[ -n "$start" ]
	kill -KILL "$pid"
	dt_wait_until 10 eval "! dt_same_proc $pid $start"
	wait "$pid" 2>/dev/null || true
}

@test "through cgrund: exec, a --restart and a re-adopting cgrund keep the profile and no_new_privs read at run -d" {
	local sync=$BATS_TEST_TMPDIR/sync p=$BATS_TEST_TMPDIR/p.json id
	mkdir -p "$sync"
	cat >"$p" <<-'JSON'
	{ "defaultAction": "SCMP_ACT_ALLOW",
	  "syscalls": [ { "names": ["keyctl"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13 } ] }
	JSON
	# The first run waits for go and fails; the restart probes and stays.
	id=$(timeout 30 "$CGRUN" run -d --name dsec --restart=on-failure:3 \
		--security-opt "seccomp=$p" --security-opt no-new-privileges \
		-v "$PROBE_DIR:/probe:ro" -v "$sync:/sync" busybox sh -c '
		if [ -e /sync/first ]; then
			{ /probe/probe syscalls; grep NoNewPrivs /proc/self/status; } >/sync/second.tmp
			mv /sync/second.tmp /sync/second
			exec sleep 120
		fi
		touch /sync/first
		while [ ! -e /sync/go ]; do sleep 0.05; done
		exit 1')
	[[ $id =~ ^[0-9a-f]{64}$ ]]
	dt_wait_until 20 test -e "$sync/first"
	rm "$p"
	touch "$sync/go"
	dt_wait_until 20 test -e "$sync/second"
	run -0 cat "$sync/second"
	echo "$output"
	expect keyctl EACCES
	expect add_key ENODEV
	[ "$(cap_field NoNewPrivs "$output")" = 1 ]
	[ "$(dt_field "$id" restarts)" = 1 ]
	# exec through cgrund
	run -0 timeout 30 "$CGRUN" exec dsec /probe/probe syscalls
	expect keyctl EACCES
	run -0 timeout 30 "$CGRUN" exec dsec grep NoNewPrivs /proc/self/status
	[ "$(cap_field NoNewPrivs "$output")" = 1 ]
	# cgrund killed and started again: it re-adopts from the record.
	kill9_daemon
	dt_start_daemon
	run -0 timeout 30 "$CGRUN" exec dsec /probe/probe syscalls
	expect keyctl EACCES
	run -0 "$CGRUN" inspect dsec
	[ "$(jq -r '.[0].security.seccomp' <<<"$output")" = profile ]
	[ "$(jq -r '.[0].security.no_new_privileges' <<<"$output")" = true ]
	run -0 timeout 30 "$CGRUN" rm -f dsec
}

@test "through cgrund: a bad profile is refused with exit 125 and one line, and nothing is left" {
	local p=$BATS_TEST_TMPDIR/bad.json
	echo '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["keyctl"], "action": "SCMP_ACT_ERRNO", "errnoRet": 99999}]}' >"$p"
	run --separate-stderr -125 timeout 30 "$CGRUN" run -d --name dbad --security-opt "seccomp=$p" busybox true
	assert_one_error_line
	[[ "${stderr_lines[0]}" == *"seccomp profile $p: syscalls[0].errnoRet: 99999 is over 4095"* ]]
	[ ! -e "$CGRUN_STORE_DIR/names/dbad" ]
	# cgrund answers as before.
	dt_answers
}

# What cgrun checks, cgrund checks again: a spec sent by another client.
@test "through cgrund: a raw request with a broken profile gets an error reply, and cgrund goes on" {
	run -0 timeout 10 python3 - "$CGRUN_RUN_DIR/cgrun.sock" <<'PY'
import json, socket, struct, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
spec = {"image": "busybox", "argv": ["true"], "seccomp_path": "/x.json",
        "seccomp_profile": "{\"defaultAction\": \"SCMP_ACT_NOPE\"}"}
m = json.dumps({"v": 1, "cmd": "run", "spec": spec, "detach": True}).encode()
s.sendall(struct.pack(">I", len(m)) + m)
n = struct.unpack(">I", s.recv(4))[0]
b = b""
while len(b) < n:
    c = s.recv(n - len(b))
    if not c:
        break
    b += c
r = json.loads(b)
print(r["ok"], r["exit_code"], r["error"])
PY
	echo "$output"
	[[ $output == "False 125 "* ]]
	[[ $output == *"seccomp profile /x.json: defaultAction: unknown action 'SCMP_ACT_NOPE'"* ]]
	dt_answers
}
