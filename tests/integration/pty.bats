#!/usr/bin/env bats
# Terminals: with a terminal on both ends and neither -i nor -t the run is
# interactive on a pty; -t allocates one anyway. util-linux `script` gives
# cgrun a terminal.

load helpers

# in_terminal "SHELL COMMANDS": run them under script(1), on a pty; the
# output has its carriage returns removed, and the "^@" a tty echoes for
# the NUL that script(1) types when its own stdin is at EOF (not cgrun's
# doing). The commands can call `cg ARGS...` for
# `cgrun run --cgroup-parent=... --rm ARGS...`.
in_terminal()
{
	local cg
	cg=$(printf '%q ' "$CGRUN" run --cgroup-parent="$CGRUN_PARENT" --rm)
	timeout -k 5 "$CG_TIMEOUT" script -qec "cg() { $cg\"\$@\"; }
$1" /dev/null | tr -d '\r' | sed 's/\^@//g'
	return "${PIPESTATUS[0]}"
}

@test "with a terminal and no -i/-t the command sees a tty" {
	run -0 in_terminal 'cg busybox sh -c "test -t 0 && test -t 1 && test -t 2 && echo all-tty; tty"' </dev/null
	echo "$output"
	grep -qx all-tty <<<"$output"
	grep -qxE '/dev/(pts/[0-9]+|console)' <<<"$output"
}

@test "the tty the command sees is its controlling terminal" {
	run -0 in_terminal 'cg busybox sh -c "cat /proc/self/stat; echo; ps -o pid,tty,comm; :"' </dev/null
	echo "$output"
	# field 7: tty_nr is not 0
	[ "$(awk 'NR == 1 { sub(/.*\) /, ""); print $5 }' <<<"$output")" != 0 ]
}

@test "without a terminal and without -t there is no tty" {
	run -0 cg_run --rm busybox sh -c 'test -t 0 || test -t 1 || echo no-tty'
	[ "$output" = no-tty ]
}

@test "-t allocates a pty even without a terminal" {
	run -0 cg_run --rm -t busybox sh -c 'test -t 0 && test -t 1 && echo tty; echo "TERM=$TERM"'
	output=$(tr -d '\r' <<<"$output")
	echo "$output"
	[ "$(sed -n 1p <<<"$output")" = tty ]
	[ "$(sed -n 2p <<<"$output")" = TERM=xterm ]
}

@test "-t under a terminal" {
	run -0 in_terminal 'cg -t busybox sh -c "test -t 0 && echo tty"' </dev/null
	grep -qx tty <<<"$output"
}

@test "exit codes pass through a pty" {
	run -5 in_terminal 'cg busybox sh -c "exit 5"' </dev/null
	run -137 in_terminal 'cg busybox sh -c "kill -KILL \$\$"' </dev/null
	run -3 cg_run --rm -t busybox sh -c 'exit 3'
}

@test "keyboard input reaches an interactive shell" {
	run -4 in_terminal 'cg busybox' < <(printf 'echo in-$((40 + 2))\nexit 4\n')
	echo "$output"
	grep -qx 'in-42' <<<"$output"
}

@test "the terminal size is passed on" {
	run -0 in_terminal 'stty rows 33 cols 101; cg busybox stty size' </dev/null
	echo "$output"
	grep -qx "33 101" <<<"$output"
}

@test "a resize of the terminal reaches the container (SIGWINCH)" {
	local sync=$BATS_TEST_TMPDIR/sync
	mkdir "$sync"
	# cgrun -t in the background of the terminal's session; stty changes
	# the size, the kernel sends SIGWINCH to the foreground group (cgrun
	# among it), cgrun resizes the container's pty, the command's trap
	# prints the new size. (A background job's stdin is /dev/null unless
	# redirected; cgrun reads the new size from its stdin terminal.)
	run -0 in_terminal 'stty rows 20 cols 80
		cg -t -v '"$sync"':/sync busybox sh -c "trap \"stty size; exit 0\" WINCH; touch /sync/ready
			i=0; while [ \$i -lt 400 ]; do sleep 0.05; i=\$((i + 1)); done; echo no-winch" </dev/tty &
		p=$!
		i=0; while [ ! -e '"$sync"'/ready ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done
		stty rows 41 cols 97
		wait $p' </dev/null
	echo "$output"
	grep -qx "41 97" <<<"$output"
}

@test "/dev/console is the container's terminal" {
	run -0 in_terminal 'cg busybox sh -c "test -c /dev/console && echo console; ls -l /proc/self/fd/0"' </dev/null
	echo "$output"
	grep -qx console <<<"$output"
}
