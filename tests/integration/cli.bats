#!/usr/bin/env bats
# The command line: help, version, the default verb, exit status, env,
# workdir, user, stdin.

load helpers

@test "--help and --version exit 0" {
	run -0 "$CGRUN" --help
	[[ $output == *Usage:* ]]
	run -0 "$CGRUN" run --help
	[[ $output == *--cpu-quota* ]]
	run -0 "$CGRUN" image --help
	[[ $output == *import* ]]
	run -0 "$CGRUN" --version
	[[ $output =~ ^cgrun\ [0-9]+\.[0-9]+ ]]
}

@test "run is the default verb" {
	run -0 timeout 60 "$CGRUN" --cgroup-parent="$CGRUN_PARENT" --rm busybox echo default-verb
	[ "$output" = default-verb ]
	run -0 timeout 60 "$CGRUN" --cgroup-parent="$CGRUN_PARENT" --rm --cpu-quota=2000 busybox true
}

@test "options after the image belong to the command" {
	run -0 cg_run --rm busybox echo --rm -e x --help
	[ "$output" = "--rm -e x --help" ]
}

@test "the image's default command is /bin/sh" {
	run -0 cg_run --rm -i busybox <<<'echo from-default-shell'
	[ "$output" = from-default-shell ]
}

@test "exit status passes through" {
	run -3 cg_run --rm busybox sh -c 'exit 3'
	run -0 cg_run --rm busybox true
	run -1 cg_run --rm busybox false
	run -255 cg_run --rm busybox sh -c 'exit 255'
}

@test "a command killed by signal N exits 128+N" {
	run -137 cg_run --rm busybox sh -c 'kill -KILL $$'
	run -143 cg_run --rm busybox sh -c 'kill -TERM $$'
}

@test "-e KEY=VAL sets the environment, -e KEY copies ours" {
	export CGRUN_BATS_COPIED="copied value"
	run -0 cg_run --rm -e FOO=bar -e 'SPACED=a b  c' --env=EMPTY= -e CGRUN_BATS_COPIED busybox \
		sh -c 'echo "$FOO|$SPACED|${EMPTY-unset}|$CGRUN_BATS_COPIED"'
	[ "$output" = "bar|a b  c||copied value" ]
}

@test "the default environment has PATH, HOME and HOSTNAME" {
	run -0 cg_run --rm --hostname=envhost busybox sh -c 'echo "$PATH"; echo "$HOME"; echo "$HOSTNAME"'
	[[ ${lines[0]} == */bin* ]]
	[ "${lines[1]}" = /root ]
	[ "${lines[2]}" = envhost ]
	# nothing of ours leaks in
	export CGRUN_BATS_SECRET=leak
	run -0 cg_run --rm busybox sh -c 'echo "${CGRUN_BATS_SECRET-unset}"'
	[ "$output" = unset ]
}

@test "-w sets the working directory and creates it" {
	run -0 cg_run --rm -w /new/work/dir busybox sh -c 'pwd; test -d /new/work/dir && echo exists'
	[ "${lines[0]}" = /new/work/dir ]
	[ "${lines[1]}" = exists ]
	run -0 cg_run --rm --workdir=/etc busybox pwd
	[ "$output" = /etc ]
}

@test "-u nobody runs as the image's nobody" {
	local want
	want=$(awk -F: '$1 == "nobody" { print $3 ":" $4 }' "$CGRUN_STORE_DIR/images/busybox/rootfs/etc/passwd")
	[ -n "$want" ]
	run -0 cg_run --rm -u nobody busybox sh -c 'echo "$(id -u):$(id -g)"'
	[ "$output" = "$want" ]
}

@test "-u 1000:1000 sets uid and gid" {
	run -0 cg_run --rm -u 1000:1000 busybox sh -c 'id -u; id -g; id -G'
	[ "${lines[0]}" = 1000 ]
	[ "${lines[1]}" = 1000 ]
	[ "${lines[2]}" = 1000 ]
	run -0 cg_run --rm --user=1000 busybox id -u
	[ "$output" = 1000 ]
}

@test "a non-root user cannot write where root can" {
	run cg_run --rm -u 1000:1000 busybox sh -c 'touch /etc/x'
	[ "$status" -ne 0 ]
	run -0 cg_run --rm -u 1000:1000 -w /tmp busybox sh -c 'touch /tmp/x && echo ok'
	[ "$output" = ok ]
}

@test "without -i the command's stdin is /dev/null; -i passes it" {
	run -0 cg_run --rm busybox sh -c 'cat; echo end' <<<'piped-in'
	[ "$output" = end ]
	run -0 cg_run --rm -i busybox sh -c 'cat; echo end' <<<'piped-in'
	[ "${lines[0]}" = piped-in ]
	[ "${lines[1]}" = end ]
}

@test "stdout and stderr stay apart" {
	run -0 --separate-stderr cg_run --rm busybox sh -c 'echo out; echo err >&2'
	[ "$output" = out ]
	[ "$stderr" = err ]
}

# helpers.bash gives each test file a run dir of its own (CGRUN_RUN_DIR):
# a cgrund the host runs on the default socket must never serve the suite's
# commands (they would run with its cgroup parent, store and clean-up, not
# the file's). Shown with a fake cgrund on the default socket that counts
# connections, in a mount namespace of our own (a tmpfs over the default
# run dir there: nothing of the host's is touched, a real cgrund included).
# The control: with CGRUN_RUN_DIR unset, cgrun does connect to it.
@test "the suite's cgrun never reaches a cgrund on the default socket (its run dir is private)" {
	local def=${CGRUN_DEFAULT_RUN_DIR:-/run/cgrun} log=$BATS_TEST_TMPDIR/connections
	[ -n "${CGRUN_RUN_DIR:-}" ] && [ -d "$CGRUN_RUN_DIR" ]
	[ "$CGRUN_RUN_DIR" != "$def" ]
	: >"$log"
	# shellcheck disable=SC2016
	run -0 timeout 60 unshare --mount --propagation private bash -c '
		def=$1 log=$2
		if [ -d "$def" ]; then
			mount -t tmpfs -o size=1m cgrun-fake "$def" || exit 1
		else
			mount -t tmpfs -o size=1m cgrun-fake "${def%/*}" && mkdir "$def" || exit 1
		fi
		python3 -c "
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1] + \"/cgrun.sock\")
s.listen(16)
open(sys.argv[2] + \".ready\", \"w\").close()
while True:
    c, _ = s.accept()
    with open(sys.argv[2], \"a\") as f:
        f.write(\"connection\n\")
    c.close()
" "$def" "$log" </dev/null 3>&- &
		fake=$!
		trap "kill $fake; wait $fake" EXIT
		for _ in $(seq 100); do [ -e "$log.ready" ] && break; sleep 0.1; done
		[ -e "$log.ready" ] || { echo "the fake cgrund did not start"; exit 1; }
		env -u CGRUN_RUN_DIR "$CGRUN" ps >/dev/null 2>&1
		echo "control: $(wc -l <"$log")"
		"$CGRUN" ps -a >/dev/null || exit 1
		"$CGRUN" run --cgroup-parent="$CGRUN_PARENT" --rm busybox true || exit 1
		echo "suite: $(wc -l <"$log")"' _ "$def" "$log"
	echo "$output"
	# The fake was where cgrun looks by default (else set CGRUN_DEFAULT_RUN_DIR)...
	[ "${lines[0]}" = "control: 1" ]
	# ... and the suite's ps and run went nowhere near it.
	[ "${lines[1]}" = "suite: 1" ]
}
