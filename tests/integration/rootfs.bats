#!/usr/bin/env bats
# Root filesystem: isolation from the host, the scratch layer's lifetime,
# the standard mounts and devices, volumes, no leaked fds.

load helpers

@test "host files are invisible" {
	local marker
	marker=$(mktemp /var/tmp/cgrun-bats-marker.XXXXXX)
	run cg_run --rm busybox sh -c '
		test -e "$1" && echo "marker visible"
		ls "/proc/1/root$1" >/dev/null 2>&1 && echo "marker via /proc/1/root"
		test -e "$2" && echo "store visible"
		ls /proc/1/root/ >/dev/null 2>&1 && [ "$(stat -c %i /proc/1/root/)" != "$(stat -c %i /)" ] && echo "/proc/1/root is not the container root"
		echo done' sh "$marker" "$CGRUN_STORE_DIR"
	rm -f "$marker"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "done" ]
}

@test "the old root is gone: no host filesystem is mounted inside" {
	local hostdev
	# the device of the host's root filesystem (which also holds the store)
	hostdev=$(awk '$5 == "/" { d = $3 } END { print d }' /proc/self/mountinfo)
	[ -n "$hostdev" ]
	run -0 cg_run --rm busybox cat /proc/self/mountinfo
	echo "$output"
	[ -z "$(awk -v d="$hostdev" '$3 == d' <<<"$output")" ]
	# exactly one root mount, the overlay
	[ "$(awk '$5 == "/"' <<<"$output" | wc -l)" -eq 1 ]
	awk '$5 == "/"' <<<"$output" | grep -q ' - overlay '
	# made private first: nothing propagates to or from the host
	! grep -q 'shared:' <<<"$output" || false
}

@test "writes vanish with --rm" {
	run -0 cg_run --rm --name=w1 busybox sh -c 'echo hello >/etc/written; cat /etc/written'
	[ "$output" = hello ]
	[ ! -e "$CGRUN_STORE_DIR/names/w1" ]
	[ -z "$(ls -A "$CGRUN_STORE_DIR/containers")" ]
	[ ! -e "$CGRUN_STORE_DIR/images/busybox/rootfs/etc/written" ]
	run -0 cg_run --rm busybox sh -c 'test ! -e /etc/written && echo absent'
	[ "$output" = absent ]
}

@test "without --rm the container is kept, listed by ps -a and removed by rm" {
	local id
	run -0 cg_run --name=keeper busybox true
	run -4 cg_run --name=keeper2 busybox sh -c 'echo kept >/kept-file; exit 4'
	id=$(cg_id_of keeper2)
	[[ $id =~ ^[0-9a-f]{64}$ ]]
	[ -d "$CGRUN_STORE_DIR/containers/$id" ]
	[ "$(cat "$CGRUN_STORE_DIR/containers/$id/upper/kept-file")" = kept ]
	run -0 "$CGRUN" ps -a
	echo "$output"
	grep -E "^${id:0:12} .*busybox.*exited \(4\).* keeper2\$" <<<"$output"
	grep -E "^[0-9a-f]{12} .*exited \(0\).* keeper\$" <<<"$output"
	run -0 "$CGRUN" ps
	! grep -q keeper <<<"$output" || false
	run -0 "$CGRUN" rm keeper2 keeper
	[ ! -e "$CGRUN_STORE_DIR/containers/$id" ]
	[ ! -e "$CGRUN_STORE_DIR/names/keeper2" ]
	run -0 "$CGRUN" ps -a
	! grep -q keeper <<<"$output" || false
}

# overlayfs splits its options at ',' and lowerdir at ':': a store path
# holding either must reach it escaped (\, and \:), a backslash too.
@test "a store whose path holds ':', ',' and a backslash runs containers, kept and --rm" {
	local store=$CGRUN_STORE_DIR/odd:dir,with\\back
	mkdir "$store"
	CGRUN_STORE_DIR=$store run -0 "$CGRUN" image import --busybox busybox
	CGRUN_STORE_DIR=$store run -0 cg_run --rm busybox sh -c 'echo written >/w; cat /w'
	[ "$output" = written ]
	CGRUN_STORE_DIR=$store run -0 cg_run --name odd busybox sh -c 'echo kept >/k'
	[ "$(cat "$store"/containers/*/upper/k)" = kept ]
	CGRUN_STORE_DIR=$store run -0 "$CGRUN" rm odd
	[ -z "$(ls -A "$store/containers")" ]
	! grep -F "$store" /proc/self/mountinfo || false
}

@test "/sys is read-only" {
	run cg_run --rm busybox sh -c '
		grep " /sys " /proc/self/mountinfo
		mkdir /sys/fs/cgroup/x 2>&1 && echo "mkdir in /sys/fs/cgroup worked"
		touch /sys/x 2>&1 && echo "touch in /sys worked"
		exit 0'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == *" /sys ro,"* ]]
	! grep -q worked <<<"$output" || false
}

@test "/proc/kcore, /proc/sysrq-trigger and /proc/sys are masked or read-only" {
	local want_kcore=absent want_sysrq=absent
	[ -e /proc/kcore ] && want_kcore=masked
	[ -e /proc/sysrq-trigger ] && want_sysrq=blocked
	run -0 cg_run --rm busybox sh -c '
		if [ -e /proc/kcore ]; then
			# masked: /dev/null (char 1:3) bound over it, or empty
			[ "$(stat -c %t:%T /proc/kcore)" = 1:3 ] && echo kcore=masked || echo kcore=readable
		else
			echo kcore=absent
		fi
		if [ -e /proc/sysrq-trigger ]; then
			# "h" only prints help, should the write ever get through
			echo h 2>/dev/null >/proc/sysrq-trigger && echo sysrq=written || echo sysrq=blocked
		else
			echo sysrq=absent
		fi
		grep -q " /proc/sys ro," /proc/self/mountinfo && echo procsys=ro || echo procsys=rw'
	echo "$output"
	[ "${lines[0]}" = "kcore=$want_kcore" ]
	[ "${lines[1]}" = "sysrq=$want_sysrq" ]
	[ "${lines[2]}" = procsys=ro ]
}

# The quoted paths of one list of src/lib/rootfs-paths.h, one a line: the
# very list rootfs.c masks or makes read-only. (tests/vm/run takes the
# header into the VM at the same place relative to the tests.)
rootfs_paths()
{
	awk -v name="$1" '
		$1 == "#define" && $2 == name { on = 1; next }
		on {
			more = /\\$/
			while (match($0, /"[^"]*"/)) {
				print substr($0, RSTART + 1, RLENGTH - 2)
				$0 = substr($0, RSTART + RLENGTH)
			}
			if (!more) exit
		}' "$BATS_TEST_DIRNAME/../../src/lib/rootfs-paths.h"
}

# Run in the container with the paths as arguments: a line for each,
# "PATH dir ENTRIES", "PATH file MAJOR:MINOR BYTES" (of at most one read)
# or "PATH absent"; then "--" and the container's mountinfo.
# shellcheck disable=SC2016
ROOTFS_PROBE='
	for p in "$@"; do
		if [ -d "$p" ]; then
			echo "$p dir $(ls -A "$p" | wc -l)"
		elif [ -e "$p" ]; then
			echo "$p file $(stat -c %t:%T "$p") $(head -c 1 "$p" 2>/dev/null | wc -c)"
		else
			echo "$p absent"
		fi
	done
	echo --
	cat /proc/self/mountinfo'

# What the probe ($output) said of PATH.
probe_of()
{
	awk -v p="$1" '$1 == "--" { exit } $1 == p { $1 = ""; sub(/^ /, ""); print }' <<<"$output"
}

# "FSTYPE OPTIONS" of the topmost mount at PATH in the probe's mountinfo,
# empty if none.
mount_of()
{
	awk -v p="$1" '
		on && $5 == p { for (i = 7; $i != "-"; i++) ; m = $(i + 1) " " $6 }
		$1 == "--" { on = 1 }
		END { print m }' <<<"$output"
}

@test "every path of rootfs-paths.h is masked or read-only inside the container, and none with --privileged" {
	local -a masked ro
	local p got m
	mapfile -t masked < <(rootfs_paths CG_MASKED_PATHS)
	mapfile -t ro < <(rootfs_paths CG_READONLY_PATHS)
	echo "masked: ${masked[*]}"
	echo "read-only: ${ro[*]}"
	[ "${#masked[@]}" -gt 0 ]
	[ "${#ro[@]}" -gt 0 ]
	run -0 cg_run --rm busybox sh -c "$ROOTFS_PROBE" sh "${masked[@]}" "${ro[@]}"
	echo "$output"
	for p in "${masked[@]}"; do
		got=$(probe_of "$p") m=$(mount_of "$p")
		echo "masked $p: $got; mount: $m"
		if [ -d "$p" ]; then
			# an empty read-only tmpfs
			[ "$got" = "dir 0" ]
			[[ $m == "tmpfs ro,"* ]]
		elif [ -e "$p" ]; then
			# /dev/null (char 1:3) bound over it: nothing to read
			[ "$got" = "file 1:3 0" ]
			[ -n "$m" ]
		else
			# not on this kernel: nothing made there either
			[ "$got" = absent ]
			[ -z "$m" ]
		fi
	done
	for p in "${ro[@]}"; do
		got=$(probe_of "$p") m=$(mount_of "$p")
		echo "read-only $p: $got; mount: $m"
		if [ -e "$p" ]; then
			[ "$got" != absent ]
			[[ $m == "proc ro,"* ]]
		else
			[ "$got" = absent ]
			[ -z "$m" ]
		fi
	done
	# --privileged: the same paths as on the host, none a mount point.
	run -0 cg_run --rm --privileged busybox sh -c "$ROOTFS_PROBE" sh "${masked[@]}" "${ro[@]}"
	for p in "${masked[@]}" "${ro[@]}"; do
		got=$(probe_of "$p") m=$(mount_of "$p")
		echo "privileged $p: $got; mount: $m"
		[ -z "$m" ]
		if [ -e "$p" ]; then [ "$got" != absent ]; else [ "$got" = absent ]; fi
	done
}

@test "/dev has the standard nodes and nothing of the host's" {
	run -0 cg_run --rm busybox sh -c '
		for n in null zero full random urandom tty; do test -c /dev/$n || echo "no char dev $n"; done
		test -e /dev/ptmx || echo "no ptmx"
		test -d /dev/pts || echo "no pts"
		test -d /dev/shm || echo "no shm"
		echo x >/dev/null || echo "null not writable"
		[ "$(head -c 4 /dev/urandom | wc -c)" = 4 ] || echo "urandom unreadable"
		[ "$(head -c 3 /dev/zero | wc -c)" = 3 ] || echo "zero unreadable"
		echo x 2>/dev/null >/dev/full && echo "full accepted a write"
		find /dev -type b | sed "s/^/block device: /"
		grep -q " /dev/pts .* devpts " /proc/self/mountinfo || echo "pts not devpts"
		grep -q " /dev/shm .* tmpfs " /proc/self/mountinfo || echo "shm not tmpfs"
		echo ok'
	echo "$output"
	[ "$output" = ok ]
}

@test "/etc/hostname and /etc/hosts name the host" {
	run -0 cg_run --rm --hostname=etc-host busybox sh -c \
		'cat /etc/hostname; grep -c "etc-host" /etc/hosts; grep -c localhost /etc/hosts; test -f /etc/resolv.conf && echo resolv'
	[ "${lines[0]}" = etc-host ]
	[ "${lines[1]}" -ge 1 ]
	[ "${lines[2]}" -ge 1 ]
	[ "${lines[3]}" = resolv ]
	# the image itself is untouched
	[ ! -e "$CGRUN_STORE_DIR/images/busybox/rootfs/etc/hostname" ]
}

@test "-v SRC:DST binds a host directory read-write" {
	local vol=$BATS_TEST_TMPDIR/vol
	mkdir "$vol"
	echo from-host >"$vol/in"
	run -0 cg_run --rm -v "$vol:/data" busybox sh -c 'cat /data/in; echo from-container >/data/out'
	[ "$output" = from-host ]
	[ "$(cat "$vol/out")" = from-container ]
}

@test "-v SRC:DST:ro is read-only" {
	local vol=$BATS_TEST_TMPDIR/vol
	mkdir "$vol"
	echo from-host >"$vol/in"
	run -0 cg_run --rm -v "$vol:/data:ro" busybox sh -c '
		cat /data/in
		echo x 2>/dev/null >/data/out && echo "write worked"
		exit 0'
	[ "$output" = from-host ]
	[ ! -e "$vol/out" ]
}

@test "only fds 0, 1 and 2 reach the command" {
	# The shell itself: `; :` keeps sh from exec'ing ls, so ls lists sh's fds.
	run -0 cg_run --rm busybox sh -c 'ls /proc/$$/fd; :'
	echo "$output"
	[ "${lines[*]}" = "0 1 2" ]
	# An exec'd command: 0 1 2, and 3 only as ls's own directory fd (which
	# is closed again by the time ls reads the link).
	run cg_run --rm busybox ls -l /proc/self/fd
	echo "$output"
	[ "$(awk '/^l[-rwx]/ { printf "%s ", $9 }' <<<"$output")" = "0 1 2 3 " ]
	[ "$(awk '/^l[-rwx]/ && $9 == 3 { print $10 }' <<<"$output")" = "" ]
}

# The spawn puts the fds the init needs in the lowest slots from 3 on for
# a moment (spawn.c, struct fd_slots): a cgrun whose own fds above 2 are
# closed (bats keeps some open; a shell does not) has its cgroup and other
# fds there, which must still work.
@test "a run from a process with no fds above 2 open starts, with only 0, 1 and 2 in the command" {
	run -0 bash -c 'for fd in /proc/$$/fd/*; do fd=${fd##*/}; [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done
		exec timeout -k 5 "$1" "$2" run --rm --cgroup-parent="$3" busybox sh -c "ls /proc/\$\$/fd; :"' \
		_ "$CG_TIMEOUT" "$CGRUN" "$CGRUN_PARENT"
	echo "$output"
	[ "${lines[*]}" = "0 1 2" ]
}

@test "mknod of a block device works but opening it fails (nodev)" {
	local dev
	# a block device that exists on the host
	dev=$(ls /sys/dev/block | head -n 1)
	[ -n "$dev" ]
	run cg_run --rm busybox sh -c '
		mknod /tmp/blk b '"${dev%%:*}"' '"${dev#*:}"' || exit 10
		head -c 1 /tmp/blk >/dev/null 2>/tmp/err && exit 11
		cat /tmp/err; exit 0'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"Permission denied"* ]]
}
