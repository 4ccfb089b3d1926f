# shellcheck shell=bash
# daemon_helpers.bash - set-up and leak check for the cgrund tests
# (daemon.bats, daemon_restart.bats, daemon_access.bats). They run as
# root, for real, each file against its own cgrund:
#
#   CGRUN    the client (default: `command -v cgrun`)
#   CGRUND   the supervisor (default: `command -v cgrund`)
#
# setup_file makes a private run dir and store (mktemp -d under /var/tmp),
# the group cgrun-dtest-XXXXXX, a cgrund.conf (cgroup_parent and
# socket_group both cgrun-dtest-XXXXXX: XXXXXX is the run's own, so runs
# that overlap never see, count or clean up each other's containers, nor
# remove each other's group), imports busybox and starts cgrund. Every
# cgrund a test starts is recorded (pid + start time) in $DT_DIR/pids and
# only those are ever killed. teardown runs the leak check after each
# test; teardown_file removes the containers, stops our cgrund(s), the
# parent cgroups, the directories and the group.

bats_require_minimum_version 1.5.0

: "${CGRUN:=$(command -v cgrun || true)}"
: "${CGRUND:=$(command -v cgrund || true)}"
[ -z "$CGRUN" ] || [ "${CGRUN#/}" != "$CGRUN" ] || CGRUN=$(realpath "$CGRUN")
[ -z "$CGRUND" ] || [ "${CGRUND#/}" != "$CGRUND" ] || CGRUND=$(realpath "$CGRUND")
export CGRUN CGRUND

# The base names; setup_file adds the run's suffix (DT_SUFFIX, exported, so
# every test of the file sees the same names).
DT_PARENT=cgrun-dtest${DT_SUFFIX:+-$DT_SUFFIX}
DT_GROUP=cgrun-dtest${DT_SUFFIX:+-$DT_SUFFIX}

# ---------------------------------------------------------------------------
# Where cgrun-dtest lives in every cgroup hierarchy (common.bash computes
# it as cgrun does).

# shellcheck source=tests/integration/common.bash
source "$(dirname "${BASH_SOURCE[0]}")/common.bash"

# Detect once per process, and again if a file changed DT_PARENT after
# loading us (stats.bats does).
dt_detect()
{
	[ "${_DT_DETECTED:-}" = "$DT_PARENT" ] && return 0
	CGRUN_PARENT=$DT_PARENT cg_detect
	_DT_DETECTED=$DT_PARENT
}

# The parent's directory in every hierarchy, one a line.
dt_parent_dirs()
{
	dt_detect
	printf '%s\n' "${CG_PARENT_DIRS[@]}"
}

# dt_cgdir CTRL ID: host directory of a container's cgroup in the
# hierarchy of CTRL ("unified" for the cgroup2 one; on a unified host every
# CTRL is there). Fails when no hierarchy has CTRL.
dt_cgdir()
{
	dt_detect
	cg_host_dir "$1" "$2"
}

# ---------------------------------------------------------------------------
# Our cgrund.

# Start time (field 22 of /proc/PID/stat) of a pid, empty if gone.
dt_start_time()
{
	local s
	read -r s 2>/dev/null <"/proc/$1/stat" || return 0
	s=${s##*) }
	# shellcheck disable=SC2086
	set -- $s
	echo "${20}"
}

# Is pid $1 still the process recorded with start time $2 (and not a zombie)?
dt_same_proc()
{
	local s want=$2
	read -r s 2>/dev/null <"/proc/$1/stat" || return 1
	s=${s##*) }
	# shellcheck disable=SC2086
	set -- $s
	[ "$1" != Z ] && [ "${20}" = "$want" ]
}

dt_record_pid()
{
	echo "$1 $(dt_start_time "$1")" >>"$DT_DIR/pids"
}

# Does cgrund answer on $CGRUN_RUN_DIR/cgrun.sock? (A ping; `cgrun ps`
# would answer from the store without a daemon.)
dt_answers()
{
	timeout 5 python3 - "$CGRUN_RUN_DIR/cgrun.sock" <<'EOF' >/dev/null 2>&1
import socket, struct, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
m = b'{"v":1,"cmd":"ping"}'
s.sendall(struct.pack(">I", len(m)) + m)
h = s.recv(4)
n = struct.unpack(">I", h)[0]
b = b""
while len(b) < n:
    c = s.recv(n - len(b))
    if not c:
        break
    b += c
sys.exit(0 if b'"ok":true' in b else 1)
EOF
}

# dt_detached CMD...: exec CMD with every fd above 2 closed (bats waits
# for the pipes it keeps on fd 3 and others; a daemon must not hold them).
dt_detached()
{
	local fd
	for fd in "/proc/$BASHPID"/fd/*; do
		fd=${fd##*/}
		[ "$fd" -gt 2 ] 2>/dev/null && eval "exec $fd>&-" 2>/dev/null
	done
	exec "$@"
}

# dt_start_daemon: start our cgrund in the background
# (stderr appended to $DT_LOG), record it, wait until it answers. Sets
# DT_PID and writes it to $DT_DIR/cgrund.pid.
dt_start_daemon()
{
	dt_detached "$CGRUND" --config "$DT_CONF" </dev/null >>"$DT_LOG" 2>&1 &
	DT_PID=$!
	dt_record_pid "$DT_PID"
	echo "$DT_PID" >"$DT_DIR/cgrund.pid"
	dt_wait_until 10 dt_answers || {
		echo "cgrund did not come up; its log:" >&2
		cat "$DT_LOG" >&2
		return 1
	}
}

dt_daemon_pid()
{
	cat "$DT_DIR/cgrund.pid"
}

# Stop every cgrund this file started (by pid, checked against its start
# time), TERM then KILL.
dt_stop_daemons()
{
	local pid start
	[ -f "$DT_DIR/pids" ] || return 0
	while read -r pid start; do
		[ -n "$start" ] || continue
		dt_same_proc "$pid" "$start" || continue
		kill -TERM "$pid" 2>/dev/null
		for _ in $(seq 50); do
			dt_same_proc "$pid" "$start" || break
			nap 0.1
		done
		dt_same_proc "$pid" "$start" && kill -KILL "$pid" 2>/dev/null
	done <"$DT_DIR/pids"
	return 0
}

# ---------------------------------------------------------------------------
# Small tools.

# dt_wait_until SECONDS CMD...: poll CMD every 50 ms, at most SECONDS.
dt_wait_until()
{
	local limit=$1
	shift
	local end=$((SECONDS + limit))
	until "$@"; do
		if [ "$SECONDS" -ge "$end" ]; then
			echo "timed out after ${limit}s waiting for: $*" >&2
			return 1
		fi
		nap "$CG_POLL"
	done
}

# A top-level field of a container's record (config.json, one field a line).
dt_field()
{
	local id=$1 key=$2 line v
	local -a lines
	mapfile -t lines <"$CGRUN_STORE_DIR/containers/$id/config.json" || return 0
	# Builtins only: this runs in polling loops, and a fork costs ~40 ms in
	# a TCG VM.
	for line in "${lines[@]}"; do
		[[ $line == "  \"$key\":"* ]] || continue
		v=${line#*\":}
		v=${v#"${v%%[! ]*}"}
		v=${v%,}
		v=${v#\"}
		v=${v%\"}
		echo "$v"
		return 0
	done
}

dt_state()
{
	dt_field "$1" state
}

dt_id_of()
{
	readlink "$CGRUN_STORE_DIR/names/$1"
}

# Lines in a detached container's log.
dt_log_lines()
{
	local f=$CGRUN_STORE_DIR/containers/$1/container.log
	[ -f "$f" ] || { echo 0; return 0; }
	wc -l <"$f"
}

# dt_state_is ID STATE
dt_state_is()
{
	[ "$(dt_state "$1")" = "$2" ]
}

# The host pid of a container's init (from its record).
dt_pid_of()
{
	dt_field "$1" pid
}

# ---------------------------------------------------------------------------
# The leak check: no child cgroup below cgrun-dtest in any hierarchy, no
# mount mentioning the store, no process rooted in the store, no container
# record left (tests remove what they made), no process the test tracked.

dt_track()
{
	echo "$1 $(dt_start_time "$1")" >>"$BATS_TEST_TMPDIR/.dt-pids"
}

# Pids of the processes whose root is in our store (containers), one a
# line. One find for all of /proc: a readlink per process costs an exec
# each, seconds per test in a TCG VM.
dt_store_rooted_pids()
{
	find /proc/[0-9]*/root -maxdepth 0 -lname "$CGRUN_STORE_DIR/*" 2>/dev/null |
		sed 's|^/proc/\([0-9]*\)/root$|\1|'
}

# No removed container's directory is left in containers/.rm-*.
dt_no_trash()
{
	local c
	for c in "$CGRUN_STORE_DIR"/containers/.rm-*; do
		[ -e "$c" ] && return 1
	done
	return 0
}

dt_leaks()
{
	local d c n=0 line p root pid start
	while IFS= read -r d; do
		[ -d "$d" ] || continue
		for c in "$d"/*/; do
			[ -d "$c" ] || continue
			echo "leaked cgroup: ${c%/}"
			n=$((n + 1))
		done
	done < <(dt_parent_dirs)
	while IFS= read -r line; do
		echo "leaked mount: $line"
		n=$((n + 1))
	done < <(grep -F -- "$CGRUN_STORE_DIR" /proc/self/mountinfo || true)
	for p in $(dt_store_rooted_pids); do
		echo "leaked container process: $p ($(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null))"
		n=$((n + 1))
	done
	for c in "$CGRUN_STORE_DIR"/containers/* "$CGRUN_STORE_DIR"/names/* "$CGRUN_STORE_DIR"/userns/*; do
		[ -e "$c" ] || [ -L "$c" ] || continue
		echo "leaked store entry: $c"
		n=$((n + 1))
	done
	# A removed container's directory, moved aside as containers/.rm-ID, is
	# deleted by cgrund just after it answered: give it a moment.
	if ! dt_wait_until 5 dt_no_trash 2>/dev/null; then
		for c in "$CGRUN_STORE_DIR"/containers/.rm-*; do
			echo "leaked store entry: $c"
			n=$((n + 1))
		done
	fi
	if [ -f "$BATS_TEST_TMPDIR/.dt-pids" ]; then
		while read -r pid start; do
			[ -n "$start" ] || continue
			dt_same_proc "$pid" "$start" || continue
			echo "leaked process: $pid ($(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null))"
			n=$((n + 1))
		done <"$BATS_TEST_TMPDIR/.dt-pids"
	fi
	cg_host_net_leaks || n=$((n + 1))
	[ "$n" -eq 0 ]
}

# Remove what a failed test left: first through cgrund (rm -f), then by
# force, touching only our pids, cgroups below cgrun-dtest, mounts of our
# store and our store's entries.
dt_clean()
{
	local c d pid start p root
	if [ -f "$BATS_TEST_TMPDIR/.dt-pids" ]; then
		while read -r pid start; do
			[ -n "$start" ] && dt_same_proc "$pid" "$start" && kill -KILL "$pid" 2>/dev/null
		done <"$BATS_TEST_TMPDIR/.dt-pids"
	fi
	if dt_answers; then
		for c in "$CGRUN_STORE_DIR"/containers/*; do
			[ -d "$c" ] || continue
			timeout 15 "$CGRUN" rm -f "${c##*/}" >/dev/null 2>&1
		done
	fi
	for p in $(dt_store_rooted_pids); do
		kill -KILL "$p" 2>/dev/null
	done
	while IFS= read -r d; do
		[ -d "$d" ] || continue
		for c in "$d"/*/; do
			[ -d "$c" ] || continue
			for _ in $(seq 20); do
				[ ! -e "$c/freezer.state" ] || echo THAWED >"$c/freezer.state" 2>/dev/null
				find "$c" -name cgroup.procs -exec cat {} + 2>/dev/null |
					while read -r pid; do kill -KILL "$pid" 2>/dev/null; done
				find "$c" -depth -type d -exec rmdir {} + 2>/dev/null
				[ -d "$c" ] || break
				nap 0.1
			done
		done
	done < <(dt_parent_dirs)
	awk -v s="$CGRUN_STORE_DIR" 'index($5, s) == 1 { print $5 }' /proc/self/mountinfo |
		sort -r | while read -r d; do umount -l "$d" 2>/dev/null; done
	rm -rf "${CGRUN_STORE_DIR:?}"/containers/* "${CGRUN_STORE_DIR:?}"/names/* "${CGRUN_STORE_DIR:?}"/userns/*
}

# ---------------------------------------------------------------------------
# bats hooks (a file may wrap them).

dt_setup_file()
{
	cg_untrace
	[ "$(id -u)" = 0 ] || { echo "the cgrund tests run as root" >&2; return 1; }
	[ -x "$CGRUN" ] || { echo "no cgrun binary (set CGRUN=)" >&2; return 1; }
	[ -x "$CGRUND" ] || { echo "no cgrund binary (set CGRUND=)" >&2; return 1; }
	command -v python3 >/dev/null || { echo "the cgrund tests need python3 (raw socket clients)" >&2; return 1; }
	DT_DIR=$(mktemp -d /var/tmp/cgrun-dtest.XXXXXX)
	DT_SUFFIX=${DT_DIR##*.}
	DT_PARENT=$DT_PARENT-$DT_SUFFIX
	DT_GROUP=$DT_GROUP-$DT_SUFFIX
	export DT_SUFFIX
	CGRUN_RUN_DIR=$(mktemp -d /var/tmp/cgrun-dtest-run.XXXXXX)
	CGRUN_STORE_DIR=$(mktemp -d /var/tmp/cgrun-dtest-store.XXXXXX)
	# Members of the group must reach the socket inside.
	chmod 755 "$DT_DIR" "$CGRUN_RUN_DIR"
	DT_CONF=$DT_DIR/cgrund.conf
	DT_LOG=$DT_DIR/cgrund.log
	export DT_DIR CGRUN_RUN_DIR CGRUN_STORE_DIR DT_CONF DT_LOG
	: >"$DT_DIR/pids"
	if ! getent group "$DT_GROUP" >/dev/null; then
		groupadd "$DT_GROUP" || return 1
	fi
	# cgroupfs: these tests look for their containers below cgrund's own
	# cgroup (cgrun-dtest/ID); the systemd manager has tests/vm/ of its own.
	printf '# written by %s\ncgroup_manager = cgroupfs\ncgroup_parent = %s\nsocket_group = %s\n' \
		"${BATS_TEST_FILENAME##*/}" "$DT_PARENT" "$DT_GROUP" >"$DT_CONF"
	# Containers without --network get loopback only: the default bridge
	# would make cgrun0, NAT rules and ip_forward in the host's own
	# network namespace. tests/net, whose cgrund runs in a namespace of
	# its own, sets DT_NETWORK= to test the built-in default (bridge).
	if [ -n "${DT_NETWORK-none}" ]; then
		printf 'network = %s\n' "${DT_NETWORK-none}" >>"$DT_CONF"
	fi
	# In-process runs read the same file.
	CGRUN_CONFIG=$DT_CONF
	export CGRUN_CONFIG
	cg_host_net_mark
	"$CGRUN" image import --busybox busybox >/dev/null || return 1
	if [ "${DT_NO_DAEMON:-0}" != 1 ]; then
		dt_start_daemon || return 1
	fi
}

dt_setup()
{
	cg_untrace
	dt_detect
	: >"$BATS_TEST_TMPDIR/.dt-pids"
}

dt_teardown()
{
	local leaks
	if ! leaks=$(dt_leaks); then
		printf 'LEAK CHECK FAILED:\n%s\n' "$leaks" >&2
		dt_clean
		return 1
	fi
}

dt_teardown_file()
{
	local d ret=0
	[ -n "${DT_DIR:-}" ] || return 0
	dt_clean
	dt_stop_daemons
	while IFS= read -r d; do
		[ -d "$d" ] || continue
		rmdir "$d" 2>/dev/null || { echo "cannot remove $d" >&2; ret=1; }
	done < <(dt_parent_dirs)
	rm -rf "$CGRUN_STORE_DIR" "$CGRUN_RUN_DIR" "$DT_DIR"
	getent group "$DT_GROUP" >/dev/null && groupdel "$DT_GROUP"
	return "$ret"
}

setup_file() { dt_setup_file; }
setup() { dt_setup; }
teardown() { dt_teardown; }
teardown_file() { dt_teardown_file; }
