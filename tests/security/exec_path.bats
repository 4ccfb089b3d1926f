#!/usr/bin/env bats
# exec_path.bats - the exec path never reaches a host binary
# (CVE-2019-5736 class; src/lib/exec-tramp.c).
#
# The attack: a command that is a script "#!/proc/self/exe". If the
# process that execs it still has cgrun's (or cgrund's) binary as its
# /proc/self/exe, the kernel runs that binary inside the container; with
# a dynamic loader in the image it starts there, a container process opens
# its /proc/PID/exe with O_PATH and, once nothing runs the binary any more,
# reopens it for writing. Every test runs COPIES of cgrun and cgrund that it
# made itself, and checks their sha256 afterwards.
#
# To catch the process that the script starts, its stderr is a FIFO whose
# pipe the test has filled (probe hold-fifo, on the host): whatever it is,
# it blocks on its first write to stderr (the dynamic loader's "cannot
# load library" from cgrun's binary, the trampoline's refusal with the
# fix) until the test drains the pipe. Meanwhile the test reads its exe
# from the host and an attacker in the container (probe reopen-exe) tries
# what the exploit does.

load security_helpers

# A static busybox, as `image import --busybox` uses.
BUSYBOX_BIN=${BUSYBOX:-$(command -v busybox || echo /bin/busybox)}

# The image: the dynamic loader and libc (those cgrun itself runs with,
# found by the loader's --list, not ldd: the VMs' initramfs has no ldd),
# dash as /bin/sh where the host has it, busybox for sleep, and /evil.sh.
setup_file()
{
	local root lib loader=/lib64/ld-linux-x86-64.so.2
	security_setup_file || return 1
	[ -x "$loader" ] || { echo "no dynamic loader at $loader" >&2; return 1; }
	root=$(mktemp -d /var/tmp/cgrun-bats-dyn.XXXXXX)
	mkdir -p "$root/bin" "$root/tmp" "$root/proc" "$root/sys" "$root/dev" "$root/etc" "$root/lib64"
	[ ! -x /bin/dash ] || cp /bin/dash "$root/bin/sh"
	cp "$BUSYBOX_BIN" "$root/bin/busybox"
	cp -L "$loader" "$root$loader"
	lib=$("$loader" --list "$CGRUN" | grep -o '/[^ ]*/libc\.so\.[0-9]*' | head -1)
	[ -n "$lib" ] || { echo "cgrun's libc not found by $loader --list" >&2; return 1; }
	mkdir -p "$root$(dirname "$lib")"
	cp -L "$lib" "$root$lib"
	printf '#!/proc/self/exe\n' >"$root/evil.sh"
	chmod 755 "$root/evil.sh"
	tar -C "$root" -cf "$root.tar" . && "$CGRUN" image import dyn "$root.tar" >/dev/null
	local r=$?
	rm -rf "$root" "$root.tar"
	return "$r"
}

setup()
{
	cg_setup
	EP=$(mktemp -d /var/tmp/cgrun-bats-ep.XXXXXX)
	# The binaries under attack: the test's own copies.
	cp "$CGRUN" "$EP/cgrun"
	cp "${CGRUND:-$(dirname "$CGRUN")/cgrund}" "$EP/cgrund"
	sha256sum "$EP/cgrun" "$EP/cgrund" >"$EP/sums"
	mkdir "$EP/ctl"
	mkfifo "$EP/err"
}

teardown()
{
	local pid
	[ ! -d "${EP:-}/ctl" ] || touch "$EP/ctl/drain" "$EP/ctl/stop"
	for pid in ${EP_CTRS:-}; do
		"$CGRUN" kill "$pid" >/dev/null 2>&1
		"$CGRUN" rm -f "$pid" >/dev/null 2>&1
	done
	[ -z "${EP_DAEMON:-}" ] || ep_stop_daemon
	for pid in $(cut -d' ' -f1 "$BATS_TEST_TMPDIR/.cg-pids"); do wait_bg "$pid" 10 || true; done
	rm -rf "$EP"
	cg_teardown
}

# Our copy of cgrund, on the file's run dir and store, its containers in
# the file's cgroup parent. Sets EP_DAEMON.
ep_start_daemon()
{
	# network = none: its containers run in the host's own network namespace.
	printf 'cgroup_manager = cgroupfs\ncgroup_parent = %s\nsocket_group = root\nnetwork = none\n' "$CGRUN_PARENT" >"$EP/cgrund.conf"
	"$EP/cgrund" --config "$EP/cgrund.conf" </dev/null >"$EP/cgrund.log" 2>&1 3>&- &
	EP_DAEMON=$!
	track_pid "$EP_DAEMON"
	for _ in $(seq 200); do
		[ -S "$CGRUN_RUN_DIR/cgrun.sock" ] && "$CGRUN" ps >/dev/null 2>&1 && return 0
		nap 0.05
	done
	echo "cgrund did not come up: $(cat "$EP/cgrund.log")" >&2
	return 1
}

ep_stop_daemon()
{
	kill -TERM "$EP_DAEMON"
	wait_bg "$EP_DAEMON" 10
	EP_DAEMON=
}

# The holder of the FIFO's read end, on the host; the pipe full once
# this returns.
ep_hold_fifo()
{
	"$PROBE_DIR/probe" hold-fifo "$EP/err" "$EP/ctl" </dev/null >/dev/null 2>&1 3>&- &
	track_pid $!
	EP_HOLDER=$!
	for _ in $(seq 200); do [ -e "$EP/ctl/full" ] && return 0; nap 0.05; done
	echo "the FIFO was not filled" >&2
	return 1
}

# The pid (ours) of the process blocked writing its stderr to the FIFO,
# other than those listed in $1.
ep_blocked()
{
	local not=" $1 " p
	for _ in $(seq 200); do
		for p in /proc/[0-9]*; do
			p=${p#/proc/}
			case "$not" in *" $p "*) continue ;; esac
			[ "$p" = "$EP_HOLDER" ] && continue
			[ "$(readlink "/proc/$p/fd/2" 2>/dev/null)" = "$EP/err" ] || continue
			# Blocked in the write, not still on its way there.
			grep -q pipe_write "/proc/$p/stack" 2>/dev/null || [ "$(pid_state "$p")" = S ] || continue
			echo "$p"
			return 0
		done
		nap 0.05
	done
	echo "no process blocked on the FIFO" >&2
	return 1
}

# Its pid in the container's PID namespace.
ep_nspid()
{
	awk '$1 == "NSpid:" { print $NF }' "/proc/$1/status"
}

# The attacker, in container $1, against the blocked process $2 (our pid):
# reopen-exe, then the pipe drained so that the process can finish.
# $EP/attack gets the attacker's lines.
ep_attack()
{
	local ctr=$1 evil=$2 nspid
	nspid=$(ep_nspid "$evil")
	EP_EXE=$(readlink "/proc/$evil/exe")
	start_bg attack "$CGRUN" exec "$ctr" /probe/probe reopen-exe "$nspid" "${3:-15}"
	EP_ATTACKER=$BG_PID
	for _ in $(seq 200); do
		grep -qE '^(exe|open-exe) ' "$BATS_TEST_TMPDIR/attack.out" 2>/dev/null && break
		nap 0.05
	done
	touch "$EP/ctl/drain"
}

# The attack failed: no write, the copies unchanged, the process that the
# script started never had a copy of ours as its exe.
ep_assert_safe()
{
	echo "exe of the script's process: $EP_EXE"
	echo "attacker: $(tr '\n' ';' <"$BATS_TEST_TMPDIR/attack.out")"
	[ -n "$EP_EXE" ]
	[ "$EP_EXE" != "$EP/cgrun" ] && [ "$EP_EXE" != "$EP/cgrund" ]
	[ "$EP_EXE" = "/memfd:cgrun-exec-trampoline (deleted)" ]
	grep -qE '^(exe|open-exe) ' "$BATS_TEST_TMPDIR/attack.out"
	! grep -q '^write ok' "$BATS_TEST_TMPDIR/attack.out"
	! grep -q '^reopen ok' "$BATS_TEST_TMPDIR/attack.out" || grep -q '^write E' "$BATS_TEST_TMPDIR/attack.out"
	sha256sum -c --quiet "$EP/sums"
	# The trampoline refused the script's start, once, in one line.
	[ "$(grep -c . "$EP/ctl/drained")" -ge 1 ]
	grep -q '^cgrun-exec-trampoline: not started by cgrun' "$EP/ctl/drained"
}

# A container that sleeps, with the probe, started in-process (foreground,
# in the background) by the build's cgrun, not by the copy under attack:
# its init runs the binary it was cloned from as long as it lives, which
# would keep the copy busy (ETXTBSY) and hide the attack (as in the
# report: the container was started by cgrund, exec'd into by cgrun).
ep_sleeper()
{
	start_bg ctr "$CGRUN" run --rm --cgroup-parent="$CGRUN_PARENT" --name "$1" \
		-v "$PROBE_DIR:/probe:ro" dyn /bin/busybox sleep 1000
	EP_CTR_PID=$BG_PID
	EP_CTRS="$EP_CTRS $1"
	for _ in $(seq 200); do
		"$CGRUN" exec "$1" /bin/busybox true 2>/dev/null && return 0
		nap 0.05
	done
	echo "the container did not start: $(cat "$BATS_TEST_TMPDIR/ctr.err")" >&2
	return 1
}

@test "exec: in-process cgrun exec of a #!/proc/self/exe script never exposes cgrun's binary" {
	ep_sleeper ep-inproc
	ep_hold_fifo
	# stderr to the full FIFO, for the script's process (and the client).
	"$EP/cgrun" exec ep-inproc /evil.sh </dev/null >/dev/null 2>"$EP/err" 3>&- &
	local client=$! evil
	track_pid "$client"
	evil=$(ep_blocked "$client")
	ep_attack ep-inproc "$evil"
	wait_bg "$client" 20
	local status=$BG_STATUS
	wait_bg "$EP_ATTACKER" 20
	ep_assert_safe
	[ "$status" = 126 ]
	# The container's init, seen from inside: non-dumpable, no exe to open.
	run "$CGRUN" exec ep-inproc /probe/probe reopen-exe 1 1
	echo "$output"
	[ "$output" = "open-exe EACCES" ]
	"$CGRUN" kill ep-inproc >/dev/null
	wait_bg "$EP_CTR_PID" 20
}

@test "run: a #!/proc/self/exe command never exposes cgrun's binary" {
	ep_hold_fifo
	"$EP/cgrun" run --rm --cgroup-parent="$CGRUN_PARENT" --name ep-run -v "$PROBE_DIR:/probe:ro" \
		dyn /evil.sh </dev/null >/dev/null 2>"$EP/err" 3>&- &
	local client=$! evil
	track_pid "$client"
	EP_CTRS=ep-run
	evil=$(ep_blocked "$client")
	# The attacker exec'd into the same container; it dies with it (the
	# script's process is the container's command).
	ep_attack ep-run "$evil" 2
	wait_bg "$client" 20
	local status=$BG_STATUS
	wait_bg "$EP_ATTACKER" 20
	ep_assert_safe
	[ "$status" = 126 ]
}

@test "exec through cgrund: a #!/proc/self/exe script never exposes cgrund's binary" {
	ep_start_daemon
	EP_CTRS=ep-d
	"$CGRUN" run -d --name ep-d -v "$PROBE_DIR:/probe:ro" dyn /bin/busybox sleep 1000 >/dev/null
	ep_hold_fifo
	"$CGRUN" exec ep-d /evil.sh </dev/null >/dev/null 2>"$EP/err" 3>&- &
	local client=$! evil
	track_pid "$client"
	evil=$(ep_blocked "$client")
	# cgrund and the container's init (cloned from it) run the copy as
	# long as they live (ETXTBSY): the attacker does not wait for them.
	ep_attack ep-d "$evil" 2
	wait_bg "$client" 20
	local status=$BG_STATUS
	wait_bg "$EP_ATTACKER" 20
	ep_assert_safe
	[ "$status" = 126 ]
	run "$CGRUN" exec ep-d /probe/probe reopen-exe 1 1
	echo "$output"
	[ "$output" = "open-exe EACCES" ]
	"$CGRUN" rm -f ep-d >/dev/null
	EP_CTRS=
	ep_stop_daemon
}

@test "run through cgrund: the init its spawner clones execs a #!/proc/self/exe command through the trampoline too" {
	ep_start_daemon
	# The spawner is up: the init is its clone, not cgrund's. (cgrund
	# writes its pid just after the socket is there: wait, in a slow VM.)
	local i
	for i in $(seq 200); do [ -s "$CGRUN_RUN_DIR/spawner.pid" ] && break; nap 0.05; done
	[ -s "$CGRUN_RUN_DIR/spawner.pid" ]
	ep_hold_fifo
	"$CGRUN" run --rm --name ep-drun -v "$PROBE_DIR:/probe:ro" \
		dyn /evil.sh </dev/null >/dev/null 2>"$EP/err" 3>&- &
	local client=$! evil
	track_pid "$client"
	EP_CTRS=ep-drun
	evil=$(ep_blocked "$client")
	ep_attack ep-drun "$evil" 2
	wait_bg "$client" 20
	local status=$BG_STATUS
	wait_bg "$EP_ATTACKER" 20
	ep_assert_safe
	[ "$status" = 126 ]
	EP_CTRS=
	ep_stop_daemon
}

# PID 1, seen with CAP_SYS_PTRACE
# (which lets the container open /proc/1/exe despite non-dumpable), is the
# trampoline's init, not cgrun's or cgrund's binary.
@test "PID 1 is the trampoline's init: even with CAP_SYS_PTRACE the container finds no host binary there" {
	run -0 "$CGRUN" run --rm --cgroup-parent="$CGRUN_PARENT" --cap-add SYS_PTRACE -v "$PROBE_DIR:/probe:ro" \
		dyn /probe/probe reopen-exe 1 1
	echo "$output"
	[ "${lines[0]}" = "exe /memfd:cgrun-exec-trampoline (deleted)" ]
	[ "${lines[1]}" = "reopen timeout" ]
	# Its name and its exit status path are the init's as before.
	run -0 "$CGRUN" run --rm --cgroup-parent="$CGRUN_PARENT" dyn /bin/busybox cat /proc/1/comm
	[ "$output" = cgrun-init ]
	run -3 "$CGRUN" run --rm --cgroup-parent="$CGRUN_PARENT" dyn /bin/busybox sh -c 'exit 3'
}

@test "through cgrund too: the init its spawner cloned becomes the trampoline's init" {
	ep_start_daemon
	run -0 "$CGRUN" run --rm --cap-add SYS_PTRACE -v "$PROBE_DIR:/probe:ro" dyn /probe/probe reopen-exe 1 1
	echo "$output"
	[ "${lines[0]}" = "exe /memfd:cgrun-exec-trampoline (deleted)" ]
	"$CGRUN" run -d --name ep-init dyn /bin/busybox sleep 1000 >/dev/null
	EP_CTRS=ep-init
	local pid
	pid=$("$CGRUN" inspect ep-init | grep -oE '"pid": *[0-9]+' | grep -oE '[0-9]+$')
	[ -n "$pid" ]
	# From the host: the init's exe and its memory (a few pages, not a copy
	# of cgrund's).
	[ "$(readlink "/proc/$pid/exe")" = "/memfd:cgrun-exec-trampoline (deleted)" ]
	[ "$(awk '$1 == "VmRSS:" { print $2 }' "/proc/$pid/status")" -lt 512 ]
	run -0 "$CGRUN" rm -f ep-init
	EP_CTRS=
	ep_stop_daemon
}
