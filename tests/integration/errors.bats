#!/usr/bin/env bats
# Errors: the documented exit code, exactly one line on stderr starting
# with "cgrun: ", and nothing left behind (the leak check after every test
# covers cgroups, mounts, scratch directories, names and processes).

load helpers

# expect_error CODE ARGS...: `cgrun run` with ARGS fails as documented.
expect_error()
{
	local code=$1
	shift
	run "-$code" --separate-stderr cg_run "$@"
	echo "status=$status stdout=[$output] stderr=[$stderr]"
	assert_one_error_line
	[ -z "$output" ]
}

@test "--cpu-quota=abc: 125" {
	expect_error 125 --rm --cpu-quota=abc busybox true
	[[ $stderr == *cpu-quota* ]]
}

@test "--cpu-quota=500 (under 1000 us): 125" {
	expect_error 125 --rm --cpu-quota=500 busybox true
	[[ $stderr == *cpu-quota* ]]
}

@test "--memory=-1: 125" {
	expect_error 125 --rm --memory=-1 busybox true
	[[ $stderr == *memory* ]]
}

@test "--memory=12x: 125" {
	expect_error 125 --rm --memory=12x busybox true
	[[ $stderr == *memory* ]]
}

@test "--cpus below the minimum quota: 125" {
	expect_error 125 --rm --cpus=0.001 busybox true
}

@test "--pids-limit=0: 125" {
	expect_error 125 --rm --pids-limit=0 busybox true
}

@test "--memory-swap below --memory: 125" {
	expect_error 125 --rm --memory=32m --memory-swap=16m busybox true
}

@test "a CPU the host does not have in --cpuset-cpus: 125, after the cgroup was made" {
	expect_error 125 --rm --cpuset-cpus="$(getconf _NPROCESSORS_CONF)" busybox true
}

@test "unknown image: 125, naming the image and how to pull or import one" {
	# --pull=never: the default would ask docker.io, and tests send
	# nothing outside the machine (tests/image/pull.bats pulls from a
	# registry of its own).
	expect_error 125 --rm --pull=never nosuchimage true
	[[ $stderr == *nosuchimage* ]]
	[[ $stderr == *"cgrun pull nosuchimage"* ]]
	[[ $stderr == *"cgrun image import"* ]]
}

@test "--pull takes missing, always or never" {
	expect_error 125 --rm --pull=sometimes busybox true
	[[ $stderr == *"--pull takes missing, always or never, not 'sometimes'"* ]]
}

@test "missing command: 127" {
	expect_error 127 --rm busybox /nonexistent
	[[ $stderr == */nonexistent* ]]
}

@test "missing command found by PATH: 127" {
	expect_error 127 --rm busybox no-such-command
}

@test "non-executable file: 126" {
	expect_error 126 --rm busybox /etc/passwd
}

@test "a directory as the command: 126" {
	expect_error 126 --rm busybox /etc
}

@test "--name used twice: 125 and the first container is untouched" {
	local id
	run -0 cg_run --name=dup busybox true
	id=$(cg_id_of dup)
	expect_error 125 --rm --name=dup busybox true
	[[ $stderr == *dup* ]]
	[ "$(cg_id_of dup)" = "$id" ]
	[ -d "$CGRUN_STORE_DIR/containers/$id" ]
	[ "$(ls "$CGRUN_STORE_DIR/containers")" = "$id" ]
	run -0 "$CGRUN" rm dup
}

@test "invalid --name: 125" {
	expect_error 125 --rm --name=bad/name busybox true
}

@test "unknown option: 125" {
	expect_error 125 --rm --bogus busybox true
	[[ $stderr == *--bogus* ]]
}

@test "unknown capability: 125" {
	expect_error 125 --rm --cap-add=BOGUS busybox true
}

@test "no image given: 125" {
	expect_error 125 --rm
	run --separate-stderr "$CGRUN" run
	[ "$status" -eq 125 ]
	assert_one_error_line
}

@test "cgrun with no arguments: 125" {
	run "$CGRUN"
	[ "$status" -eq 125 ]
}

@test "unknown user, found only inside the container: 125" {
	expect_error 125 --rm -u nosuchuser busybox true
	[[ $stderr == *nosuchuser* ]]
}

@test "relative working directory: 125" {
	expect_error 125 --rm -w relative busybox true
}

@test "missing volume source, found half-way through set-up: 125" {
	expect_error 125 --rm -v "$BATS_TEST_TMPDIR/nonexistent:/x" busybox true
}

@test "a failing run without --rm leaves nothing either" {
	expect_error 127 --name=failkept busybox /nonexistent
	expect_error 125 --name=failkept2 -v "$BATS_TEST_TMPDIR/nonexistent:/x" busybox true
}
