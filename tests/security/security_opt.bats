#!/usr/bin/env bats
# --security-opt as docker spells it: seccomp=unconfined (the default
# filter is what refuses keyrings, user namespaces and io_uring: without it
# they are not refused), seccomp=FILE in docker's JSON format (moby's own
# default profile; small handmade ones with errnoRet, argument rules and
# includes / excludes), no-new-privileges, --privileged with a profile, the
# profile kept with the container (exec, a vanished file, the cache), bad
# options and profiles refused with one line and nothing left, and the
# cgrun@.service definition's security-opt= lines.

load security_helpers

MOBY=$BATS_TEST_DIRNAME/fixtures/moby-default.json

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

# A handmade profile: everything allowed but what its rules say, each with
# an errno of its own (EACCES, 13) so that the refusal is the profile's.
handmade()
{
	cat <<-'JSON'
	{
	  "defaultAction": "SCMP_ACT_ALLOW",
	  "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
	  "syscalls": [
	    { "names": ["keyctl"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13 },
	    { "name": "mkdir", "action": "SCMP_ACT_ERRNO", "errnoRet": 13,
	      "args": [ { "index": 1, "value": 448, "op": "SCMP_CMP_EQ" } ] },
	    { "names": ["add_key"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13,
	      "includes": { "caps": ["CAP_SYS_ADMIN"] } },
	    { "names": ["request_key"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13,
	      "excludes": { "caps": ["CAP_SYS_ADMIN"] } },
	    { "names": ["unshare"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13,
	      "excludes": { "minKernel": "99.0" } },
	    { "names": ["userfaultfd"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13,
	      "includes": { "minKernel": "99.0" } },
	    { "names": ["personality"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13,
	      "includes": { "arches": ["arm64"] } },
	    { "names": ["no_such_call_anywhere"], "action": "SCMP_ACT_KILL" }
	  ]
	}
	JSON
}

@test "seccomp=unconfined: keyrings, user namespaces, io_uring and userfaultfd are no longer refused" {
	run -0 probe --security-opt seccomp=unconfined -- syscalls
	echo "$output"
	expect seccomp 0
	expect keyctl ok
	expect add_key ENODEV
	expect request_key ENOKEY
	expect unshare-user ok
	expect clone-newuser ok
	expect userfaultfd ok
	expect clone3 EINVAL
	expect personality-weird ok
	# io_uring may be off on the host (io_uring_disabled): then the kernel refuses it.
	[ "$(awk '$1 == "io_uring_setup" { print $2 }' <<<"$output")" != EPERM ] ||
		[ "$(cat /proc/sys/kernel/io_uring_disabled 2>/dev/null)" != 0 ]
	# The same container without the option: the filter refuses them.
	run -0 probe -- syscalls
	expect seccomp 2
	expect keyctl EPERM
	expect unshare-user EPERM
	expect io_uring_setup EPERM
}

@test "seccomp=FILE with moby's own default profile refuses what docker refuses" {
	run -0 probe --security-opt "seccomp=$MOBY" -- syscalls
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
	expect personality-query ok
	expect beyond ENOSYS
	expect x32-keyctl EPERM
	expect x32-beyond ENOSYS
	# CAP_SYS_ADMIN unlocks what the profile gives it (includes / excludes caps).
	run -0 probe --cap-add=SYS_ADMIN --security-opt "seccomp=$MOBY" -- syscalls
	expect unshare-user ok
	expect clone3 EINVAL
	expect keyctl EPERM
}

@test "a handmade profile: errnoRet, an argument rule, includes and excludes by capability, kernel and architecture" {
	handmade >"$BATS_TEST_TMPDIR/p.json"
	run -0 probe --security-opt "seccomp=$BATS_TEST_TMPDIR/p.json" -- syscalls
	echo "$output"
	expect seccomp 2
	expect keyctl EACCES
	expect request_key EACCES     # excludes CAP_SYS_ADMIN: applies
	expect add_key ENODEV         # includes CAP_SYS_ADMIN: does not
	expect unshare-user EACCES    # excludes minKernel 99.0: applies
	expect userfaultfd ok         # includes minKernel 99.0: does not
	expect personality-weird ok   # includes arches arm64: does not
	# Not in the profile: allowed, so what the kernel says unconfined
	# (EAFNOSUPPORT without AF_ALG, as on the developers' host; ok in the VMs).
	local unconfined
	unconfined=$(probe --privileged -- syscalls)
	expect socket-alg "$(awk '$1 == "socket-alg" { print $2 }' <<<"$unconfined")"
	# Default ALLOW: no ENOSYS stub in front.
	expect mseal "$(awk '$1 == "mseal" { print $2 }' <<<"$unconfined")"
	run -0 probe --security-opt "seccomp=$BATS_TEST_TMPDIR/p.json" -- mkdir /tmp/d 0700
	[ "$output" = EACCES ]
	run -0 probe --security-opt "seccomp=$BATS_TEST_TMPDIR/p.json" -- mkdir /tmp/d 0755
	[ "$output" = ok ]
	run -0 probe --cap-add=SYS_ADMIN --security-opt "seccomp=$BATS_TEST_TMPDIR/p.json" -- syscalls
	expect add_key EACCES
	expect request_key ENOKEY
}

@test "--privileged is unconfined, and takes the filter of a profile given with it" {
	handmade >"$BATS_TEST_TMPDIR/p.json"
	run -0 probe --privileged -- syscalls
	expect seccomp 0
	expect keyctl ok
	run -0 probe --privileged --security-opt "seccomp=$BATS_TEST_TMPDIR/p.json" -- syscalls
	echo "$output"
	expect seccomp 2
	expect keyctl EACCES
	# every capability: the includes rule applies, the excludes one not
	expect add_key EACCES
	expect request_key ENOKEY
}

@test "no-new-privileges sets NoNewPrivs; =false and the default leave it off" {
	run -0 cg_run --rm --security-opt no-new-privileges busybox grep NoNewPrivs /proc/self/status
	[ "$(cap_field NoNewPrivs "$output")" = 1 ]
	run -0 cg_run --rm --security-opt no-new-privileges=true -u 1000 busybox grep NoNewPrivs /proc/self/status
	[ "$(cap_field NoNewPrivs "$output")" = 1 ]
	run -0 cg_run --rm --security-opt no-new-privileges=false busybox grep NoNewPrivs /proc/self/status
	[ "$(cap_field NoNewPrivs "$output")" = 0 ]
	run -0 cg_run --rm busybox grep NoNewPrivs /proc/self/status
	[ "$(cap_field NoNewPrivs "$output")" = 0 ]
}

# start_sleeper NAME [RUN-OPTIONS...]: a container that runs until
# stop_sleeper, with the probe in it; an in-process cgrun in the background.
start_sleeper()
{
	local name=$1
	shift
	mkdir -p "$BATS_TEST_TMPDIR/sync"
	start_bg sleeper "$CGRUN" run --cgroup-parent="$CGRUN_PARENT" --rm --name "$name" "$@" \
		-v "$PROBE_DIR:/probe:ro" -v "$BATS_TEST_TMPDIR/sync:/sync" busybox \
		sh -c 'touch /sync/ready; exec sleep 120'
	wait_ready "$BATS_TEST_TMPDIR/sync/ready"
}

stop_sleeper()
{
	kill -TERM "$BG_PID"
	wait_bg "$BG_PID" 20
	[ "$BG_STATUS" -eq 143 ]
}

@test "exec gets the container's profile and no_new_privs, read when it started: the file may change or vanish" {
	handmade >"$BATS_TEST_TMPDIR/p.json"
	start_sleeper secopt --security-opt "seccomp=$BATS_TEST_TMPDIR/p.json" --security-opt no-new-privileges
	# inspect says so
	run -0 "$CGRUN" inspect secopt
	[ "$(jq -r '.[0].security.seccomp' <<<"$output")" = profile ]
	[ "$(jq -r '.[0].security.seccomp_profile' <<<"$output")" = "$BATS_TEST_TMPDIR/p.json" ]
	[[ "$(jq -r '.[0].security.seccomp_digest' <<<"$output")" =~ ^fnv1a64:[0-9a-f]{16}$ ]]
	[ "$(jq -r '.[0].security.no_new_privileges' <<<"$output")" = true ]
	[ "$(jq -r '.[0].spec.seccomp_profile' <<<"$output")" = null ]
	# The file changes (keyctl EFAULT now), then vanishes: exec keeps the first.
	sed -i 's/"errnoRet": 13 }/"errnoRet": 14 }/' "$BATS_TEST_TMPDIR/p.json"
	run -0 timeout 30 "$CGRUN" exec secopt /probe/probe syscalls
	echo "$output"
	expect keyctl EACCES
	rm "$BATS_TEST_TMPDIR/p.json"
	run -0 timeout 30 "$CGRUN" exec secopt /probe/probe syscalls
	expect seccomp 2
	expect keyctl EACCES
	expect request_key EACCES
	run -0 timeout 30 "$CGRUN" exec secopt /probe/probe mkdir /tmp/x 0700
	[ "$output" = EACCES ]
	run -0 timeout 30 "$CGRUN" exec secopt grep NoNewPrivs /proc/self/status
	[ "$(cap_field NoNewPrivs "$output")" = 1 ]
	stop_sleeper
}

@test "inspect: default, unconfined, --privileged" {
	run -0 cg_run --name sd busybox true
	run -0 "$CGRUN" inspect sd
	[ "$(jq -c '.[0].security' <<<"$output")" = '{"seccomp":"default","no_new_privileges":false}' ]
	run -0 cg_run --name su --security-opt seccomp=unconfined busybox true
	run -0 "$CGRUN" inspect su
	[ "$(jq -r '.[0].security.seccomp' <<<"$output")" = unconfined ]
	run -0 cg_run --name sp --privileged busybox true
	run -0 "$CGRUN" inspect sp
	[ "$(jq -r '.[0].security.seccomp' <<<"$output")" = unconfined ]
	run -0 "$CGRUN" rm sd su sp
}

@test "the cache is keyed by the profile's content: a changed profile is compiled again" {
	handmade >"$BATS_TEST_TMPDIR/p.json"
	rm -rf "$CGRUN_RUN_DIR/seccomp"
	run -0 probe --security-opt "seccomp=$BATS_TEST_TMPDIR/p.json" -- syscalls
	expect keyctl EACCES
	run -0 find "$CGRUN_RUN_DIR/seccomp" -name '*.bpf'
	[ "${#lines[@]}" -eq 1 ]
	run -0 probe --security-opt "seccomp=$BATS_TEST_TMPDIR/p.json" -- syscalls
	run -0 find "$CGRUN_RUN_DIR/seccomp" -name '*.bpf'
	[ "${#lines[@]}" -eq 1 ]
	sed -i 's/"errnoRet": 13 }/"errnoRet": 14 }/' "$BATS_TEST_TMPDIR/p.json"
	run -0 probe --security-opt "seccomp=$BATS_TEST_TMPDIR/p.json" -- syscalls
	expect keyctl EFAULT
	run -0 find "$CGRUN_RUN_DIR/seccomp" -name '*.bpf'
	[ "${#lines[@]}" -eq 2 ]
}

# refused OPT... EXPECTED: cgrun run with OPT exits 125 with one line that
# holds EXPECTED, and leaves nothing (the teardown's leak check).
refused()
{
	local want=${*: -1}
	run --separate-stderr -125 cg_run --rm --name refused "${@:1:$#-1}" busybox true
	assert_one_error_line
	if [[ "${stderr_lines[0]}" != *"$want"* ]]; then
		echo "stderr: ${stderr_lines[0]}; expected: $want" >&2
		return 1
	fi
	[ -z "$output" ]
	[ ! -e "$CGRUN_STORE_DIR/names/refused" ]
}

@test "a bad option or profile: exit 125, one line naming the file and the field, nothing left" {
	local p=$BATS_TEST_TMPDIR/bad.json
	echo '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_DENY"}]}' >"$p"
	refused --security-opt "seccomp=$p" "seccomp profile $p: syscalls[0].action: unknown action 'SCMP_ACT_DENY'"
	echo '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 1, "value": 1, "op": "SCMP_CMP_IS"}]}]}' >"$p"
	refused --security-opt "seccomp=$p" "seccomp profile $p: syscalls[0].args[0].op: unknown operator 'SCMP_CMP_IS'"
	echo '{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_AMD64"]}' >"$p"
	refused --security-opt "seccomp=$p" "seccomp profile $p: architectures[0]: unknown architecture 'SCMP_ARCH_AMD64'"
	# Known to docker's format, not to this libseccomp: refused at create, not at start.
	echo '{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_SH"]}' >"$p"
	if python3 -c 'import ctypes, sys; l = ctypes.CDLL("libseccomp.so.2"); sys.exit(l.seccomp_arch_resolve_name(b"sh") != 0)'; then
		refused --security-opt "seccomp=$p" "seccomp profile $p: architecture sh is unknown to this libseccomp"
	fi
	echo '{"defaultAction": "SCMP_ACT_NOTIFY"}' >"$p"
	refused --security-opt "seccomp=$p" "seccomp profile $p: defaultAction: SCMP_ACT_NOTIFY is not supported"
	echo '{"defaultAction": "SCMP_ACT_ALLOW",' >"$p"
	refused --security-opt "seccomp=$p" "seccomp profile $p: not JSON"
	refused --security-opt "seccomp=$BATS_TEST_TMPDIR/none.json" "seccomp profile: "
	refused --security-opt apparmor=unconfined "not supported"
	refused --security-opt label=disable "not supported"
	refused --security-opt no-new-privileges=maybe "takes true or false"
	refused --security-opt seccomp= "seccomp needs a value"
	refused --security-opt bogus "invalid --security-opt 'bogus'"
}

# The ExecStart= script of cgrun@.service, with this file's definition
# directory and cgrun.
unit_script()
{
	local in=$BATS_TEST_DIRNAME/../../systemd/cgrun@.service.in
	sed -n "/^ExecStart=/,/' sh %i\$/p" "$in" |
		sed -e "1s/^ExecStart=\/bin\/sh -c '//" -e "\$s/' sh %i\$//" -e 's/\\$//' -e 's/\$\$/$/g' \
			-e "s|@CGRUN_CONF_DIR@|$BATS_TEST_TMPDIR/conf|g" -e "s|@bindir@/cgrun|$CGRUN|g"
}

@test "cgrun@.service: security-opt= lines of a definition become --security-opt options" {
	# tests/vm/run puts it beside the tests in the VMs too.
	[ -f "$BATS_TEST_DIRNAME/../../systemd/cgrun@.service.in" ]
	handmade >"$BATS_TEST_TMPDIR/p.json"
	mkdir -p "$BATS_TEST_TMPDIR/conf/containers"
	printf '%s\n' image=busybox "cgroup-parent=$CGRUN_PARENT" \
		"security-opt=seccomp=$BATS_TEST_TMPDIR/p.json" security-opt=no-new-privileges \
		"arg=/probe/probe" arg=syscalls >"$BATS_TEST_TMPDIR/conf/containers/unit-t.conf"
	unit_script >"$BATS_TEST_TMPDIR/start.sh"
	# The probe comes in through a volume= line.
	echo "volume=$PROBE_DIR:/probe:ro" >>"$BATS_TEST_TMPDIR/conf/containers/unit-t.conf"
	run -0 timeout 60 sh "$BATS_TEST_TMPDIR/start.sh" unit-t
	echo "$output"
	expect keyctl EACCES
	expect request_key EACCES
	printf '%s\n' image=busybox "cgroup-parent=$CGRUN_PARENT" security-opt=no-new-privileges \
		arg=grep arg=NoNewPrivs arg=/proc/self/status >"$BATS_TEST_TMPDIR/conf/containers/unit-t.conf"
	run -0 timeout 60 sh "$BATS_TEST_TMPDIR/start.sh" unit-t
	[ "$(cap_field NoNewPrivs "$output")" = 1 ]
	echo 'security-opt=apparmor=x' >>"$BATS_TEST_TMPDIR/conf/containers/unit-t.conf"
	run -125 timeout 60 sh "$BATS_TEST_TMPDIR/start.sh" unit-t
	[[ "$output" == *"not supported"* ]]
}
