#!/usr/bin/env bats
# --userns=auto: each container in a user namespace of its own, root
# inside being a block of 65536 ids of user cgrun's subordinate range
# outside; image layers idmapped (root:root inside, never chown -R);
# blocks that never overlap, recorded in the store, given back on rm; and
# the confinement still holds inside. The tests use subuid/subgid files of
# their own (CGRUN_SUBUID_FILE, CGRUN_SUBGID_FILE), never the host's.
#
# On a cgroup v1-only host (the legacy VM: CGRUN_VM_TESTS=security/userns.bats
# tests/vm/run legacy) --userns=auto is refused: there every test checks
# that refusal for its own run and ends (a skip would prove nothing, and the
# VMs count skips as failures); the decision is unit-tested too
# (tests/unit/test_subid.c, userns_decisions).

load security_helpers

# Three blocks: 2000000000, 2000065536, 2000131072.
FIRST=2000000000
BLOCK=65536

setup_file()
{
	cg_setup_file || return 1
	PROBE_DIR=$(mktemp -d /var/tmp/cgrun-bats-probe.XXXXXX)
	chmod 755 "$PROBE_DIR"
	local built
	built=$(dirname "$CGRUN")/cgrun-security-probe
	if [ -x "$built" ]; then
		cp "$built" "$PROBE_DIR/probe"
	else
		gcc -static -O1 -o "$PROBE_DIR/probe" "$BATS_TEST_DIRNAME/probe.c"
	fi
	SUBID_DIR=$(mktemp -d /var/tmp/cgrun-bats-subid.XXXXXX)
	export PROBE_DIR SUBID_DIR
}

teardown_file()
{
	[ -z "${PROBE_DIR:-}" ] || rm -rf "$PROBE_DIR"
	[ -z "${SUBID_DIR:-}" ] || rm -rf "$SUBID_DIR"
	cg_teardown_file
}

setup()
{
	cg_setup
	# Other users' lines, a comment and a numeric line around ours.
	printf '# test file\nalice:100000:65536\ncgrun:%s:%s\n4294967:5:5\n' "$FIRST" $((3 * BLOCK)) \
		>"$SUBID_DIR/subuid"
	cp "$SUBID_DIR/subuid" "$SUBID_DIR/subgid"
	export CGRUN_SUBUID_FILE=$SUBID_DIR/subuid CGRUN_SUBGID_FILE=$SUBID_DIR/subgid
}

teardown()
{
	local c
	# A failed test may leave kept containers (and their blocks): the leak
	# check (helpers.bash) counts both, store/userns/* included.
	for c in "$CGRUN_STORE_DIR"/containers/*; do
		[ -d "$c" ] && timeout 20 "$CGRUN" rm -f "${c##*/}" >/dev/null 2>&1
	done
	cg_teardown
}

# On a cgroup v1-only host, what a test can check: --userns=auto refused,
# with the documented line and nothing left (each test calls it there and
# ends).
v1_only_refused()
{
	run -125 --separate-stderr cg_run --rm --userns=auto busybox true
	assert_one_error_line
	[[ $stderr == *"--userns=auto needs a cgroup2 hierarchy"*"cgroup v1 only"* ]]
	[ -z "$(ls -A "$CGRUN_STORE_DIR/containers")" ]
}

# The field of a kept container's record: the block's uid or gid.
idmap_of()
{
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["idmap"][sys.argv[2]])' \
		"$CGRUN_STORE_DIR/containers/$1/config.json" "$2"
}

@test "inside, root is uid 0 and gid 0; the maps say the block's first id outside" {
	if [ "$CG_MODE" = legacy ]; then v1_only_refused; return; fi
	run -0 --separate-stderr cg_run --rm --userns=auto busybox sh -c \
		'cat /proc/self/uid_map /proc/self/gid_map; grep -E "^(Uid|Gid):" /proc/self/status; id -u; id -g'
	[ "$(echo "${lines[0]}" | tr -s ' ')" = " 0 $FIRST $BLOCK" ]
	[ "$(echo "${lines[1]}" | tr -s ' ')" = " 0 $FIRST $BLOCK" ]
	[ "$(echo "${lines[2]}" | tr -s '\t' ' ')" = "Uid: 0 0 0 0" ]
	[ "$(echo "${lines[3]}" | tr -s '\t' ' ')" = "Gid: 0 0 0 0" ]
	[ "${lines[4]}" = 0 ]
	[ "${lines[5]}" = 0 ]
	# --userns=host (the default) is what it was: no map of its own.
	run -0 cg_run --rm busybox cat /proc/self/uid_map
	[ "$(echo "$output" | tr -s ' ')" = " 0 0 4294967295" ]
}

@test "seen from the host, the container's processes run as the block's first id, its cgroup is delegated to it" {
	if [ "$CG_MODE" = legacy ]; then v1_only_refused; return; fi
	local sync=$BATS_TEST_TMPDIR/sync id pid cgdir
	mkdir "$sync"
	chown "$FIRST:$FIRST" "$sync"
	start_bg sleeper "$CGRUN" run --cgroup-parent="$CGRUN_PARENT" --rm --name uns-host --userns=auto \
		-v "$sync:/sync" busybox sh -c 'touch /sync/ready; exec sleep 120'
	wait_ready "$sync/ready"
	id=$(cg_id_of uns-host)
	pid=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["pid"])' \
		"$CGRUN_STORE_DIR/containers/$id/config.json")
	[ "$(tr -s ' ' <"/proc/$pid/uid_map")" = " 0 $FIRST $BLOCK" ]
	[ "$(awk '$1 == "Uid:" { print $2, $3, $4, $5 }' "/proc/$pid/status")" = "$FIRST $FIRST $FIRST $FIRST" ]
	[ "$(awk '$1 == "Gid:" { print $2, $3, $4, $5 }' "/proc/$pid/status")" = "$FIRST $FIRST $FIRST $FIRST" ]
	# Its cgroup2 directory and the files that delegate it are its root's.
	if [ -n "${CG2_MNT:-}" ]; then
		cgdir=$(cg_host_dir unified "$id")
		[ "$(stat -c %u:%g "$cgdir")" = "$FIRST:$FIRST" ]
		[ "$(stat -c %u "$cgdir/cgroup.procs")" = "$FIRST" ]
		[ "$(stat -c %u "$cgdir/cgroup.subtree_control")" = "$FIRST" ]
		# ... and nothing else there.
		[ "$(stat -c %u "$cgdir/cgroup.type")" = 0 ]
	fi
	kill -TERM "$BG_PID"
	wait_bg "$BG_PID" 20
	[ "$BG_STATUS" -eq 143 ]
}

@test "image files show as root:root inside; what the container writes lands with its block's ids on the host" {
	if [ "$CG_MODE" = legacy ]; then v1_only_refused; return; fi
	local vol=$BATS_TEST_TMPDIR/vol id
	mkdir "$vol"
	chown "$FIRST:$FIRST" "$vol"
	run -0 cg_run --name uns-files --userns=auto -v "$vol:/vol" busybox sh -c \
		'stat -c "%u:%g" /bin/busybox /etc /; echo x > /vol/file; mkdir /vol/dir; echo y > /new; echo z >> /etc/hostname'
	[ "${lines[0]}" = 0:0 ]
	[ "${lines[1]}" = 0:0 ]
	[ "${lines[2]}" = 0:0 ]
	# On the host the image is root's still, never chown'ed ...
	[ "$(stat -c %u:%g "$CGRUN_STORE_DIR/images/busybox/rootfs/bin/busybox")" = 0:0 ]
	# ... and what the container made is the block's.
	[ "$(stat -c %u:%g "$vol/file")" = "$FIRST:$FIRST" ]
	[ "$(stat -c %u:%g "$vol/dir")" = "$FIRST:$FIRST" ]
	id=$(cg_id_of uns-files)
	[ "$(stat -c %u:%g "$CGRUN_STORE_DIR/containers/$id/upper/new")" = "$FIRST:$FIRST" ]
	# A copied-up file of the init layer keeps its (mapped) owner.
	[ "$(stat -c %u:%g "$CGRUN_STORE_DIR/containers/$id/upper/etc/hostname")" = "$FIRST:$FIRST" ]
	run -0 "$CGRUN" rm uns-files
}

@test "a host directory not given to the container's ids is not writable by its root" {
	if [ "$CG_MODE" = legacy ]; then v1_only_refused; return; fi
	local vol=$BATS_TEST_TMPDIR/vol
	mkdir "$vol"
	run -1 --separate-stderr cg_run --rm --userns=auto -v "$vol:/vol" busybox sh -c \
		'stat -c %u:%g /vol; echo x > /vol/file'
	[ "${lines[0]}" = 65534:65534 ]
	[ ! -e "$vol/file" ]
}

@test "a volume with :idmap shows the host's owners with the container's ids, and is written as them" {
	if [ "$CG_MODE" = legacy ]; then v1_only_refused; return; fi
	# On /var/tmp (ext4 here and in the VMs): /tmp may be a tmpfs, which
	# Linux before 6.3 cannot idmap.
	local vol=$SUBID_DIR/vol
	mkdir "$vol"
	echo host >"$vol/hostfile"
	chown 1000:1000 "$vol/hostfile"
	run -0 cg_run --rm --userns=auto -v "$vol:/vol:idmap" busybox sh -c \
		'stat -c %u:%g /vol /vol/hostfile; echo x > /vol/file'
	[ "${lines[0]}" = 0:0 ]
	[ "${lines[1]}" = 1000:1000 ]
	# Root inside writes as the host's root there: what :idmap is for.
	[ "$(stat -c %u:%g "$vol/file")" = 0:0 ]
	# Read-only with idmap: readable, not writable.
	run -1 cg_run --rm --userns=auto -v "$vol:/vol:ro,idmap" busybox sh -c 'cat /vol/hostfile; echo y > /vol/file2'
	[ "${lines[0]}" = host ]
	[ ! -e "$vol/file2" ]
	# Without --userns=auto there are no ids to map to.
	run -125 --separate-stderr cg_run --rm -v "$vol:/vol:idmap" busybox true
	assert_one_error_line
	[[ $stderr == *"idmap needs --userns=auto"* ]]
}

@test "two containers get blocks that do not overlap; rm gives a block back for the next" {
	if [ "$CG_MODE" = legacy ]; then v1_only_refused; return; fi
	local a b ua ub
	run -0 cg_run --name uns-a --userns=auto busybox true
	run -0 cg_run --name uns-b --userns=auto busybox true
	a=$(cg_id_of uns-a)
	b=$(cg_id_of uns-b)
	ua=$(idmap_of "$a" uid)
	ub=$(idmap_of "$b" uid)
	[ "$ua" = "$FIRST" ]
	[ "$ub" = $((FIRST + BLOCK)) ]
	[ "$(idmap_of "$b" gid)" = $((FIRST + BLOCK)) ]
	[ "$(readlink "$CGRUN_STORE_DIR/userns/$a")" = "$FIRST:$FIRST:$BLOCK" ]
	# The first block, given back, is the next one's.
	run -0 "$CGRUN" rm uns-a
	[ ! -L "$CGRUN_STORE_DIR/userns/$a" ]
	run -0 cg_run --rm --userns=auto busybox cat /proc/self/uid_map
	[ "$(echo "$output" | tr -s ' ')" = " 0 $FIRST $BLOCK" ]
	run -0 "$CGRUN" rm uns-b
}

@test "concurrent runs never share a block" {
	if [ "$CG_MODE" = legacy ]; then v1_only_refused; return; fi
	local i
	for i in 1 2 3; do
		start_bg "r$i" "$CGRUN" run --cgroup-parent="$CGRUN_PARENT" --name "uns-c$i" --userns=auto busybox true
		eval "p$i=$BG_PID"
	done
	# shellcheck disable=SC2154
	for p in "$p1" "$p2" "$p3"; do
		wait_bg "$p" 30
		[ "$BG_STATUS" -eq 0 ]
	done
	run -0 sort -u < <(for i in 1 2 3; do idmap_of "$(cg_id_of "uns-c$i")" uid; done)
	[ "${#lines[@]}" -eq 3 ]
	for i in 1 2 3; do "$CGRUN" rm "uns-c$i"; done
}

@test "an exhausted range is a clear error, and nothing is left behind" {
	if [ "$CG_MODE" = legacy ]; then v1_only_refused; return; fi
	printf 'cgrun:%s:%s\n' "$FIRST" "$BLOCK" >"$SUBID_DIR/subuid"
	cp "$SUBID_DIR/subuid" "$SUBID_DIR/subgid"
	run -0 cg_run --name uns-holder --userns=auto busybox true
	run -125 --separate-stderr cg_run --rm --userns=auto busybox true
	assert_one_error_line
	[[ $stderr == *"no free block of 65536 ids"*"1 containers hold one"* ]]
	[ "$(ls "$CGRUN_STORE_DIR/containers" | wc -l)" -eq 1 ]
	run -0 "$CGRUN" rm uns-holder
	run -0 cg_run --rm --userns=auto busybox true
}

@test "no subordinate range for user cgrun: the error gives the line to add" {
	if [ "$CG_MODE" = legacy ]; then v1_only_refused; return; fi
	printf 'alice:100000:65536\n' >"$SUBID_DIR/subuid"
	run -125 --separate-stderr cg_run --rm --userns=auto busybox true
	assert_one_error_line
	[[ $stderr == *"$SUBID_DIR/subuid has no subordinate uid range for user cgrun; add a line such as 'cgrun:"* ]]
	# A missing file says the same.
	export CGRUN_SUBGID_FILE=$SUBID_DIR/none
	printf 'cgrun:%s:%s\n' "$FIRST" "$BLOCK" >"$SUBID_DIR/subuid"
	run -125 --separate-stderr cg_run --rm --userns=auto busybox true
	assert_one_error_line
	[[ $stderr == *"$SUBID_DIR/none has no subordinate gid range for user cgrun"* ]]
	# Our own line malformed: which line.
	printf 'alice:1:2\ncgrun:%s\n' "$FIRST" >"$SUBID_DIR/subgid"
	export CGRUN_SUBGID_FILE=$SUBID_DIR/subgid
	run -125 --separate-stderr cg_run --rm --userns=auto busybox true
	assert_one_error_line
	[[ $stderr == *"$SUBID_DIR/subgid: line 2 for user cgrun is not USER:START:COUNT"* ]]
}

@test "a command run as another user is that user's id in the block" {
	if [ "$CG_MODE" = legacy ]; then v1_only_refused; return; fi
	local vol=$BATS_TEST_TMPDIR/vol
	mkdir "$vol"
	chown "$((FIRST + 1000)):$FIRST" "$vol"
	run -0 cg_run --rm --userns=auto -u 1000 -v "$vol:/vol" busybox sh -c 'id -u; touch /vol/f'
	[ "$output" = 1000 ]
	[ "$(stat -c %u:%g "$vol/f")" = "$((FIRST + 1000)):$FIRST" ]
}

@test "on a host with cgroup v1 only, --userns=auto is refused with a clear error; with cgroup2 it runs" {
	if [ "$CG_MODE" = legacy ]; then
		v1_only_refused
	else
		run -0 cg_run --rm --userns=auto busybox true
	fi
}

@test "--userns takes auto or host only" {
	run -125 --separate-stderr cg_run --rm --userns=keep-id busybox true
	assert_one_error_line
	[[ $stderr == *"invalid --userns 'keep-id': use auto or host"* ]]
}

@test "exec joins the container's user namespace" {
	if [ "$CG_MODE" = legacy ]; then v1_only_refused; return; fi
	local sync=$BATS_TEST_TMPDIR/sync
	mkdir "$sync"
	chown "$FIRST:$FIRST" "$sync"
	start_bg sleeper "$CGRUN" run --cgroup-parent="$CGRUN_PARENT" --rm --name uns-exec --userns=auto \
		-v "$sync:/sync" busybox sh -c 'touch /sync/ready; exec sleep 120'
	wait_ready "$sync/ready"
	run -0 timeout 30 "$CGRUN" exec uns-exec sh -c 'cat /proc/self/uid_map; id -u; touch /sync/exec'
	[ "$(echo "${lines[0]}" | tr -s ' ')" = " 0 $FIRST $BLOCK" ]
	[ "${lines[1]}" = 0 ]
	[ "$(stat -c %u "$sync/exec")" = "$FIRST" ]
	kill -TERM "$BG_PID"
	wait_bg "$BG_PID" 20
	[ "$BG_STATUS" -eq 143 ]
}

# The probe's line for NAME (in $output) says RESULT (as in confinement.bats).
expect()
{
	local got
	got=$(printf '%s\n' "$output" | awk -v n="$1" '$1 == n { print $2 }')
	if [ "$got" != "$2" ]; then
		echo "$1: expected $2, got '${got}'" >&2
		return 1
	fi
}

i386_or()
{
	local host
	host=$("$PROBE_DIR/probe" syscalls | awk '$1 == "i386-keyctl" { print $2 }')
	if [ "$host" = crash ]; then echo crash; else echo "$1"; fi
}

@test "under --userns=auto the default seccomp filter refuses what it refuses without one" {
	if [ "$CG_MODE" = legacy ]; then v1_only_refused; return; fi
	run -0 probe --userns=auto -- syscalls
	echo "$output"
	expect seccomp 2
	expect keyctl EPERM
	expect add_key EPERM
	expect request_key EPERM
	expect unshare-user EPERM
	expect clone-newuser EPERM
	expect io_uring_setup EPERM
	expect userfaultfd EPERM
	expect clone3 ENOSYS
	expect socket-alg EPERM
	expect socket-vsock EPERM
	expect socket-unix ok
	expect personality-weird EPERM
	expect beyond ENOSYS
	expect x32-keyctl EPERM
	expect i386-keyctl "$(i386_or EPERM)"
}
