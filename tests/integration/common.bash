# shellcheck shell=bash
# common.bash - for helpers.bash and daemon_helpers.bash: where a cgroup
# parent of cgrun's lives on this host, in every hierarchy, computed the way
# cgrun computes it (set CGRUN_PARENT, then call cg_detect); and nap, a
# sleep without a process.

# nap SECONDS: sleep with a builtin. Polling loops nap between tries; an
# exec of sleep costs ~40 ms in a TCG VM, more than the nap itself.
# How often polling loops look again. 50 ms by default; on a slow machine
# (TCG VMs side by side) CG_POLL=0.2 polls less, so the polling itself does
# not take the CPU the awaited work needs.
: "${CG_POLL:=0.05}"

nap()
{
	[ -n "${_CG_NAP_FD:-}" ] || exec {_CG_NAP_FD}<> <(:)
	read -r -t "$1" -u "$_CG_NAP_FD" _ || :
}

# need_tool CMD WHERE: skip the test when the command CMD is missing (WHERE
# says which package has it), unless CGRUN_TESTS_NO_SKIP=1: .ci/run sets
# it, as CI installs every tool a test uses, so there a missing tool fails
# the test instead of hiding what it checks.
need_tool()
{
	command -v "$1" >/dev/null && return 0
	if [ "${CGRUN_TESTS_NO_SKIP:-0}" = 1 ]; then
		echo "$1 is missing ($2), and CGRUN_TESTS_NO_SKIP=1 makes that a failure" >&2
		return 1
	fi
	skip "$1 is missing ($2)"
}

# cg_untrace: called first in every setup() and setup_file(). bats runs a
# test with functrace (set -T) and a DEBUG trap that records a stack trace
# before every simple command; that makes a loop of builtins about 40 times
# slower (in a TCG VM, 5 ms a command: a helper reading a file line by line
# took seconds, and the trap was most of the VM suite's time). With set +T
# the functions called from here on (our helpers, bats' run) no longer
# carry the trap; the test body, entered before setup(), still does, so a
# failure is still reported at the test's own line.
cg_untrace()
{
	set +T
}

# ---------------------------------------------------------------------------
# cgroup layout: mode (legacy, hybrid, unified) from /proc/self/mountinfo,
# our own cgroup from /proc/self/cgroup, and where the parent lives on the
# host in each hierarchy.

# "fstype mountpoint root superoptions" for every mount.
_cg_mounts()
{
	awk '{ for (i = 7; $i != "-"; i++) ; print $(i + 1), $5, $4, $(i + 3) }' /proc/self/mountinfo
}

# The controllers a container's cgroups are made in on v1.
CG_V1_CTRLS=(cpu cpuacct cpuset memory pids)

# Our own cgroup in the hierarchy of controller $1 ("" = cgroup2).
_cg_own()
{
	local want=$1 h ctrls path c
	local -a cs
	while IFS=: read -r h ctrls path; do
		if [ -z "$want" ]; then
			if [ "$h" = 0 ] && [ -z "$ctrls" ]; then
				echo "$path"
				return 0
			fi
			continue
		fi
		IFS=, read -ra cs <<<"$ctrls"
		for c in "${cs[@]}"; do
			if [ "$c" = "$want" ]; then
				echo "$path"
				return 0
			fi
		done
	done </proc/self/cgroup
	return 1
}

# Host directory of cgroup $3 in a hierarchy mounted at $1 with root $2.
_cg_hostdir()
{
	local mnt=$1 root=$2 own=$3 rel
	if [ "$root" = / ]; then
		rel=$own
	elif [ "${own#"$root"}" != "$own" ]; then
		rel=${own#"$root"}
	else
		rel=$own
	fi
	rel=${rel%/}
	echo "$mnt$rel"
}

# Where cgrun bases its cgroup2 cgroups: like cgrun (cgroup-mode.c), the
# nearest cgroup from ours upwards that systemd marked as the top of a
# delegated subtree (xattr trusted.delegate or user.delegate), else our own.
# $1 mount point, $2 mount root. Computed once and exported (CG_UNIFIED_OWN):
# every test loads this file again.
_cg_unified_own()
{
	local mnt=$1 root=$2 own rel
	if [ -n "${CG_UNIFIED_OWN+set}" ]; then
		echo "$CG_UNIFIED_OWN"
		return 0
	fi
	own=$(_cg_own "") || return 1
	rel=$own
	if command -v getfattr >/dev/null; then
		while [ -n "$rel" ] && [ "$rel" != / ]; do
			if getfattr --absolute-names -n trusted.delegate "$(_cg_hostdir "$mnt" "$root" "$rel")" >/dev/null 2>&1 ||
				getfattr --absolute-names -n user.delegate "$(_cg_hostdir "$mnt" "$root" "$rel")" >/dev/null 2>&1; then
				own=$rel
				break
			fi
			rel=${rel%/*}
		done
	fi
	echo "$own"
}

# cg_detect: the layout for CGRUN_PARENT. Every test loads the helpers
# again, so the first call of a file saves the result in BATS_FILE_TMPDIR
# and later ones read it back (a dozen forks less per test).
cg_detect()
{
	local cache=${BATS_FILE_TMPDIR:+$BATS_FILE_TMPDIR/.cg-layout-$CGRUN_PARENT}
	if [ -n "$cache" ] && [ -s "$cache" ]; then
		# shellcheck disable=SC1090
		source "$cache"
		return 0
	fi
	_cg_detect
	if [ -n "$cache" ]; then
		declare -p CG_MODE CG2_MNT CG2_ROOT CG2_PARENT CG_V1_ALL CG_V1_MNT CG_V1_ROOT \
			CG_V1_PARENT CG_PARENT_DIRS CG_USED_DIRS |
			sed -e 's/^declare -- /declare -g /' -e 's/^declare -\([aAirx]*\) /declare -g\1 /' \
				>"$cache.tmp" && mv "$cache.tmp" "$cache"
	fi
}

_cg_detect()
{
	local fstype mnt root opts c x d
	local -a o
	CG2_MNT='' CG2_ROOT=''
	CG_V1_ALL=()
	declare -gA CG_V1_MNT=() CG_V1_ROOT=() CG_V1_PARENT=()
	while read -r fstype mnt root opts; do
		case $fstype in
		cgroup2)
			if [ -z "$CG2_MNT" ]; then
				CG2_MNT=$mnt
				CG2_ROOT=$root
			fi
			;;
		cgroup)
			CG_V1_ALL+=("$mnt $root $opts")
			IFS=, read -ra o <<<"$opts"
			for c in "${CG_V1_CTRLS[@]}"; do
				for x in "${o[@]}"; do
					if [ "$x" = "$c" ] && [ -z "${CG_V1_MNT[$c]:-}" ]; then
						CG_V1_MNT[$c]=$mnt
						CG_V1_ROOT[$c]=$root
					fi
				done
			done
			;;
		esac
	done < <(_cg_mounts)
	if [ "${#CG_V1_MNT[@]}" -gt 0 ]; then
		if [ -n "$CG2_MNT" ]; then CG_MODE=hybrid; else CG_MODE=legacy; fi
	elif [ -n "$CG2_MNT" ]; then
		CG_MODE=unified
	else
		CG_MODE=none
	fi
	# Where the parent is on the host: CG_USED_DIRS in each hierarchy a
	# container must be in (v1: cpu cpuacct cpuset memory pids, plus the
	# cgroup2 tracking cgroup on hybrid; v2: the one), CG_PARENT_DIRS in
	# every hierarchy there is (the leak check's list).
	CG_PARENT_DIRS=()
	CG_USED_DIRS=()
	CG2_PARENT=''
	if [ -n "$CG2_MNT" ]; then
		CG_UNIFIED_OWN=$(_cg_unified_own "$CG2_MNT" "$CG2_ROOT")
		export CG_UNIFIED_OWN
		CG2_PARENT=$(_cg_hostdir "$CG2_MNT" "$CG2_ROOT" "$CG_UNIFIED_OWN")/$CGRUN_PARENT
	fi
	if [ "$CG_MODE" = unified ]; then
		CG_PARENT_DIRS+=("$CG2_PARENT")
		CG_USED_DIRS+=("$CG2_PARENT")
		return 0
	fi
	for c in "${CG_V1_CTRLS[@]}"; do
		[ -n "${CG_V1_MNT[$c]:-}" ] || continue
		CG_V1_PARENT[$c]=$(_cg_hostdir "${CG_V1_MNT[$c]}" "${CG_V1_ROOT[$c]}" "$(_cg_own "$c")")/$CGRUN_PARENT
		_cg_in_list "${CG_V1_PARENT[$c]}" "${CG_USED_DIRS[@]}" || CG_USED_DIRS+=("${CG_V1_PARENT[$c]}")
	done
	if [ "$CG_MODE" = hybrid ]; then
		CG_USED_DIRS+=("$CG2_PARENT")
	fi
	# The leak check looks in every v1 hierarchy (freezer, devices, ... as
	# well): whichever cgrun uses, nothing may stay under the parent.
	local entry own
	for entry in "${CG_V1_ALL[@]}"; do
		read -r mnt root opts <<<"$entry"
		IFS=, read -ra o <<<"$opts"
		own=''
		for x in "${o[@]}"; do
			[ "$x" = rw ] || [ "$x" = ro ] && continue
			own=$(_cg_own "$x") && break
		done
		[ -n "$own" ] || continue
		d=$(_cg_hostdir "$mnt" "$root" "$own")/$CGRUN_PARENT
		_cg_in_list "$d" "${CG_PARENT_DIRS[@]}" || CG_PARENT_DIRS+=("$d")
		# freezer, devices, ...: where the parent is for them too.
		for x in "${o[@]}"; do
			[ "$x" = rw ] || [ "$x" = ro ] && continue
			[ -n "${CG_V1_PARENT[$x]:-}" ] || CG_V1_PARENT[$x]=$d
		done
	done
	# hybrid: the tracking cgroup in the cgroup2 mount
	if [ "$CG_MODE" = hybrid ]; then
		CG_PARENT_DIRS+=("$CG2_PARENT")
	fi
}

_cg_in_list()
{
	local want=$1 x
	shift
	for x in "$@"; do [ "$x" = "$want" ] && return 0; done
	return 1
}

# Host directory of container $2's cgroup for controller $1 ("" on a
# unified host; "unified" for the cgroup2 cgroup on any host that has one).
# Fails for a controller no hierarchy has.
cg_host_dir()
{
	if [ "$CG_MODE" = unified ] || [ "$1" = unified ]; then
		[ -n "$CG2_PARENT" ] || return 1
		echo "$CG2_PARENT/$2"
	else
		[ -n "${CG_V1_PARENT[$1]:-}" ] || return 1
		echo "${CG_V1_PARENT[$1]}/$2"
	fi
}

# The name of a limit file for this mode: cg_inside_file V1NAME V2NAME prints the
# path relative to a container's /sys/fs/cgroup (v1: CTRL/FILE).
cg_inside_file()
{
	local v1=$1 v2=$2
	if [ "$CG_MODE" = unified ]; then
		echo "$v2"
	else
		echo "${v1%%.*}/$v1"
	fi
}

# The host's network namespace keeps no cgrun bridge because of a test:
# cg_host_net_mark (setup_file) notes whether cgrun0 is there already,
# cg_host_net_leaks (the leak checks) says so if one appeared since (the
# suites run containers with network = none; tests/net in namespaces of
# its own).
# Likewise cgrun's nftables table, where the nft command is there to look.
cg_host_net_mark()
{
	if [ -e /sys/class/net/cgrun0 ]; then CG_HOST_CGRUN0=1; else CG_HOST_CGRUN0=0; fi
	CG_HOST_NFT=1
	if command -v nft >/dev/null && ! nft list table inet cgrun >/dev/null 2>&1; then CG_HOST_NFT=0; fi
	export CG_HOST_CGRUN0 CG_HOST_NFT
}

cg_host_net_leaks()
{
	local ret=0
	if [ "${CG_HOST_CGRUN0:-1}" = 0 ] && [ -e /sys/class/net/cgrun0 ]; then
		echo "leaked: bridge cgrun0 made in the host's own network namespace"
		ret=1
	fi
	if [ "${CG_HOST_NFT:-1}" = 0 ] && nft list table inet cgrun >/dev/null 2>&1; then
		echo "leaked: nftables table inet cgrun made in the host's own network namespace"
		ret=1
	fi
	return "$ret"
}
