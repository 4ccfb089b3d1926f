# shellcheck shell=bash
# helpers.bash - shared set-up, cgroup layout detection and the leak check
# for cgrun's bats integration tests. They run as root, for real.
#
#   CGRUN          the binary (default: `command -v cgrun`)
#   CGRUN_PARENT   the cgroup parent every test container goes under
#                  (default cgrun-bats-XXXXXX, one per test file: runs
#                  that overlap, e.g. two people's, must never see, count
#                  or clean up each other's containers)
#
# Every .bats file loads this file; it defines setup_file, setup, teardown
# and teardown_file (calling cg_setup_file, cg_setup, cg_teardown and
# cg_teardown_file). setup_file makes a private store (CGRUN_STORE_DIR), a
# private run dir (CGRUN_RUN_DIR: no cgrund listens there, so the file's
# cgrun never talks to one the host runs on the default socket) and the
# busybox image; teardown runs the leak check after every test and fails
# the test if anything was left behind (then cleans it, so the next test
# starts clean).

bats_require_minimum_version 1.5.0

: "${CGRUN:=$(command -v cgrun || true)}"
if [ -n "$CGRUN" ] && [ "${CGRUN#/}" = "$CGRUN" ]; then
	CGRUN=$(realpath "$CGRUN")
fi
export CGRUN

# Upper bound on any one container run.
CG_TIMEOUT=${CG_TIMEOUT:-60}


# cgroup layout detection: cg_detect, cg_host_dir, cg_inside_file.
# shellcheck source=tests/integration/common.bash
source "$(dirname "${BASH_SOURCE[0]}")/common.bash"

# setup_file picks the parent (and exports it) when the user did not.
if [ -n "${CGRUN_PARENT:-}" ]; then
	cg_detect
fi

# ---------------------------------------------------------------------------
# Running things.

# Every container goes through here: the dedicated parent and a time bound.
cg_run()
{
	timeout -k 5 "$CG_TIMEOUT" "$CGRUN" run --cgroup-parent="$CGRUN_PARENT" "$@"
}

# The id of a named container (names/<name> is a symlink to it).
cg_id_of()
{
	readlink "$CGRUN_STORE_DIR/names/$1"
}

# Remember a pid the test started; the leak check insists it is gone.
track_pid()
{
	local s
	read -r s 2>/dev/null <"/proc/$1/stat" || return 0
	s=${s##*) }
	# shellcheck disable=SC2086
	set -- "$1" $s
	echo "$1 ${21}" >>"$BATS_TEST_TMPDIR/.cg-pids"
}

# State letter of a pid (empty if gone).
pid_state()
{
	local s
	read -r s 2>/dev/null <"/proc/$1/stat" || return 0
	s=${s##*) }
	echo "${s%% *}"
}

# start_bg TAG CMD...: CMD in the background, stdout/stderr in
# $BATS_TEST_TMPDIR/TAG.{out,err}; sets BG_PID (CMD itself for an external
# command) and tracks it.
start_bg()
{
	local tag=$1
	shift
	"$@" >"$BATS_TEST_TMPDIR/$tag.out" 2>"$BATS_TEST_TMPDIR/$tag.err" </dev/null 3>&- &
	BG_PID=$!
	track_pid "$BG_PID"
}

# wait_bg PID [SECONDS]: wait (bounded) for a background child; sets
# BG_STATUS. Fails if it is still running after SECONDS (default 30).
wait_bg()
{
	local pid=$1 limit=${2:-30} st
	local end=$((SECONDS + limit))
	while :; do
		st=$(pid_state "$pid")
		[ -z "$st" ] || [ "$st" = Z ] && break
		if [ "$SECONDS" -ge "$end" ]; then
			echo "process $pid still running after ${limit}s" >&2
			return 1
		fi
		nap "$CG_POLL"
	done
	BG_STATUS=0
	wait "$pid" || BG_STATUS=$?
}

# wait_ready PATH [SECONDS]: wait (bounded) until the background container
# (BG_PID, started by start_bg TAG) creates PATH; fail at once if it ends
# first, showing what it printed.
wait_ready()
{
	local path=$1 limit=${2:-30} st
	local end=$((SECONDS + limit))
	until [ -e "$path" ]; do
		st=$(pid_state "$BG_PID")
		if [ -z "$st" ] || [ "$st" = Z ]; then
			echo "the container ended before it was ready:" >&2
			cat "$BATS_TEST_TMPDIR"/*.err >&2
			return 1
		fi
		if [ "$SECONDS" -ge "$end" ]; then
			echo "timed out after ${limit}s waiting for $path" >&2
			return 1
		fi
		nap "$CG_POLL"
	done
}

# The documented error shape: exactly one line on stderr, "cgrun: ...".
# Use after `run --separate-stderr`.
assert_one_error_line()
{
	if [ "${#stderr_lines[@]}" -ne 1 ]; then
		echo "expected exactly one line on stderr, got ${#stderr_lines[@]}:" >&2
		printf '  | %s\n' "${stderr_lines[@]}" >&2
		return 1
	fi
	case ${stderr_lines[0]} in
	"cgrun: "?*) ;;
	*)
		echo "stderr line does not start with 'cgrun: ': ${stderr_lines[0]}" >&2
		return 1
		;;
	esac
}

# A field of /proc/PID/status text: cap_field CapEff "$output"
cap_field()
{
	local field=$1 text=$2
	sed -n "s/^$field:[[:space:]]*//p" <<<"$text"
}

# ---------------------------------------------------------------------------
# The leak check.

# Prints one line per leak; returns 1 if there is any.
cg_leaks()
{
	local d c pid start st s n=0 line
	for d in "${CG_PARENT_DIRS[@]}"; do
		[ -d "$d" ] || continue
		for c in "$d"/*/; do
			[ -d "$c" ] || continue
			echo "leaked cgroup: ${c%/}"
			n=$((n + 1))
		done
	done
	if [ -n "${CGRUN_STORE_DIR:-}" ]; then
		while IFS= read -r line; do
			echo "leaked mount: $line"
			n=$((n + 1))
		done < <(grep -F -- "$CGRUN_STORE_DIR" /proc/self/mountinfo || true)
		for c in "$CGRUN_STORE_DIR"/containers/* "$CGRUN_STORE_DIR"/names/* "$CGRUN_STORE_DIR"/userns/*; do
			[ -e "$c" ] || [ -L "$c" ] || continue
			echo "leaked store entry: $c"
			n=$((n + 1))
		done
	fi
	if [ -n "${CGRUN_RUN_DIR:-}" ]; then
		for c in "$CGRUN_RUN_DIR"/containers/*; do
			[ -e "$c" ] || continue
			echo "leaked run dir entry: $c"
			n=$((n + 1))
		done
	fi
	if [ -f "$BATS_TEST_TMPDIR/.cg-pids" ]; then
		while read -r pid start; do
			read -r s 2>/dev/null <"/proc/$pid/stat" || continue
			s=${s##*) }
			st=${s%% *}
			# shellcheck disable=SC2086
			set -- $s
			[ "${20}" = "$start" ] || continue
			[ "$st" = Z ] && continue
			echo "leaked process: $pid ($(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null))"
			n=$((n + 1))
		done <"$BATS_TEST_TMPDIR/.cg-pids"
	fi
	cg_host_net_leaks || n=$((n + 1))
	[ "$n" -eq 0 ]
}

# Undo whatever a failed test left, so the next test starts clean. Only
# touches what the tests made: our pids, cgroups below our parent, mounts
# of our store, our store's entries.
cg_clean_leaks()
{
	local d c pid start s i
	if [ -f "$BATS_TEST_TMPDIR/.cg-pids" ]; then
		while read -r pid start; do
			read -r s 2>/dev/null <"/proc/$pid/stat" || continue
			s=${s##*) }
			# shellcheck disable=SC2086
			set -- $s
			[ "${20}" = "$start" ] && kill -KILL "$pid" 2>/dev/null
		done <"$BATS_TEST_TMPDIR/.cg-pids"
	fi
	for d in "${CG_PARENT_DIRS[@]}"; do
		[ -d "$d" ] || continue
		for c in "$d"/*/; do
			[ -d "$c" ] || continue
			for i in 1 2 3 4 5 6 7 8 9 10; do
				find "$c" -name cgroup.procs -exec cat {} + 2>/dev/null |
					while read -r pid; do kill -KILL "$pid" 2>/dev/null; done
				find "$c" -depth -type d -exec rmdir {} + 2>/dev/null
				[ -d "$c" ] || break
				nap 0.1
			done
		done
	done
	if [ -n "${CGRUN_STORE_DIR:-}" ]; then
		awk -v s="$CGRUN_STORE_DIR" 'index($5, s) == 1 { print $5 }' /proc/self/mountinfo |
			sort -r | while read -r d; do umount -l "$d" 2>/dev/null; done
		rm -rf "$CGRUN_STORE_DIR"/containers/* "$CGRUN_STORE_DIR"/names/* "$CGRUN_STORE_DIR"/userns/*
	fi
	[ -z "${CGRUN_RUN_DIR:-}" ] || rm -rf "$CGRUN_RUN_DIR"/containers/*
}

# ---------------------------------------------------------------------------
# bats hooks.

cg_setup_file()
{
	local d
	cg_untrace
	[ "$(id -u)" = 0 ] || {
		echo "the integration tests run as root" >&2
		return 1
	}
	[ -x "$CGRUN" ] || {
		echo "no cgrun binary (set CGRUN=/path/to/cgrun)" >&2
		return 1
	}
	CGRUN_STORE_DIR=$(mktemp -d /var/tmp/cgrun-bats.XXXXXX)
	CGRUN_RUN_DIR=$(mktemp -d /var/tmp/cgrun-bats-run.XXXXXX)
	export CGRUN_STORE_DIR CGRUN_RUN_DIR
	# Loopback only for containers without --network: the default bridge
	# would make cgrun0, NAT rules and ip_forward in the host's own network
	# namespace (tests/net tests it in namespaces of its own).
	CGRUN_CONFIG=$BATS_FILE_TMPDIR/cgrund.conf
	printf 'network = none\n' >"$CGRUN_CONFIG"
	export CGRUN_CONFIG
	cg_host_net_mark
	if [ -z "${CGRUN_PARENT:-}" ]; then
		CGRUN_PARENT=cgrun-bats-${CGRUN_STORE_DIR##*.}
		export CGRUN_PARENT
	fi
	cg_detect
	# Which parent cgroups exist already: teardown_file removes only the
	# ones this file created.
	: >"$BATS_FILE_TMPDIR/.cg-preexisting"
	for d in "${CG_PARENT_DIRS[@]}"; do
		if [ -d "$d" ]; then echo "$d" >>"$BATS_FILE_TMPDIR/.cg-preexisting"; fi
	done
	"$CGRUN" image import --busybox busybox >/dev/null
}

cg_setup()
{
	cg_untrace
	: >"$BATS_TEST_TMPDIR/.cg-pids"
}

cg_teardown()
{
	local leaks
	if ! leaks=$(cg_leaks); then
		printf 'LEAK CHECK FAILED:\n%s\n' "$leaks" >&2
		cg_clean_leaks
		return 1
	fi
}

cg_teardown_file()
{
	local d ret=0
	if [ -n "${CGRUN_STORE_DIR:-}" ] && [ -d "$CGRUN_STORE_DIR" ]; then
		cg_clean_leaks
		rm -rf "$CGRUN_STORE_DIR"
	fi
	[ -z "${CGRUN_RUN_DIR:-}" ] || rm -rf "$CGRUN_RUN_DIR"
	for d in "${CG_PARENT_DIRS[@]}"; do
		[ -d "$d" ] || continue
		grep -qxF -- "$d" "$BATS_FILE_TMPDIR/.cg-preexisting" 2>/dev/null && continue
		if ! rmdir "$d"; then
			echo "cannot remove parent cgroup $d (not empty?)" >&2
			ret=1
		fi
	done
	return "$ret"
}

# The hooks; a .bats file that needs more redefines one after `load
# helpers` and calls the cg_ function from it.
setup_file() { cg_setup_file; }
setup() { cg_setup; }
teardown() { cg_teardown; }
teardown_file() { cg_teardown_file; }
