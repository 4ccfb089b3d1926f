# shellcheck shell=bash
# security_helpers.bash - what every tests/security/*.bats file shares: the
# integration suite's set-up and leak check (../integration/helpers.bash),
# and the static attacker's probe (probe.c) in $PROBE_DIR/probe, which
# `probe` runs inside a busybox container.
#
# The VMs have no compiler: tests/vm/run builds the probe on the host and
# puts it beside cgrun as cgrun-security-probe, which is used when present.

# tests/vm/guest-tests runs this suite beside systemd-hybrid.bats, whose
# tests need auto's systemd manager: ours get the manager it names.
[ -z "${CGRUN_SECURITY_CGROUP_MANAGER:-}" ] || export CGRUN_CGROUP_MANAGER=$CGRUN_SECURITY_CGROUP_MANAGER

# shellcheck source=tests/integration/helpers.bash
source "$BATS_TEST_DIRNAME/../integration/helpers.bash"

# The hooks' work, for a file that wraps them (exec_path.bats does).
security_setup_file()
{
	cg_setup_file || return 1
	PROBE_DIR=$(mktemp -d /var/tmp/cgrun-bats-probe.XXXXXX)
	chmod 755 "$PROBE_DIR"  # for -u 1000 too
	export PROBE_DIR
	local built
	built=$(dirname "$CGRUN")/cgrun-security-probe
	if [ -x "$built" ]; then
		cp "$built" "$PROBE_DIR/probe"
	else
		gcc -static -O1 -o "$PROBE_DIR/probe" "$BATS_TEST_DIRNAME/probe.c"
	fi
}

security_teardown_file()
{
	[ -z "${PROBE_DIR:-}" ] || rm -rf "$PROBE_DIR"
	cg_teardown_file
}

setup_file() { security_setup_file; }
teardown_file() { security_teardown_file; }

# probe [RUN-OPTIONS...] -- ARGS...: the probe in a busybox container.
probe()
{
	local opts=()
	while [ "$1" != -- ]; do opts+=("$1"); shift; done
	shift
	cg_run --rm "${opts[@]}" -v "$PROBE_DIR:/probe:ro" busybox /probe/probe "$@"
}
