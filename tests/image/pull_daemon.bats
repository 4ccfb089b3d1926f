#!/usr/bin/env bats
# cgrun pull and run --pull by a member of cgrund's group (not root): cgrund
# runs cgrun-image for it, with the member's stdout and stderr and the
# member's own auth file, never root's. And the progress display on a
# terminal (script(1) gives the pull one).
#
# cgrund runs inside the registries' network namespace (registry_helpers.bash)
# so that the cgrun-image it starts reaches them; its own auth file (the
# REGISTRY_AUTH_FILE of its environment) holds good credentials for the
# htpasswd registry, which a member's pull must never use. Two throwaway
# users: cgpd-in (in the socket group, as a supplementary group) and
# cgpd-out (not).

load ../integration/daemon_helpers
load registry_helpers

IN_USER=cgpd-in
OUT_USER=cgpd-out
IMG=$REG_ANON/$REG_REPO
FRONT=$REG_FRONT/$REG_REPO

# The daemon's environment: the test CA, and root's own credentials.
pd_start_daemon()
{
	dt_detached nsenter -t "$REG_NS_PID" -n -- env CGRUN_REGISTRY_CA="$REG_DIR/ca.crt" \
		REGISTRY_AUTH_FILE="$DT_DIR/root-auth.json" "$CGRUND" --config "$DT_CONF" \
		</dev/null >>"$DT_LOG" 2>&1 &
	DT_PID=$!
	dt_record_pid "$DT_PID"
	echo "$DT_PID" >"$DT_DIR/cgrund.pid"
	dt_wait_until 10 dt_answers || {
		echo "cgrund did not come up; its log:" >&2
		cat "$DT_LOG" >&2
		return 1
	}
}

# An auth file entry for REGISTRY with USER:PASS.
pd_auth_json()
{
	printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$1" "$(printf '%s' "$2" | base64 -w0)"
}

setup_file()
{
	DT_NO_DAEMON=1 dt_setup_file || return 1
	[ -x "$(dirname "$CGRUN")/cgrun-image" ] || { echo "no cgrun-image beside $CGRUN: make" >&2; return 1; }
	command -v script >/dev/null || { echo "script (util-linux) is needed" >&2; return 1; }
	local u d=$CGRUN
	for u in "$IN_USER" "$OUT_USER"; do
		id "$u" >/dev/null 2>&1 || useradd -M -N -s /usr/sbin/nologin "$u" || return 1
	done
	while [ "$d" != / ]; do
		d=$(dirname "$d")
		case $(stat -c %A "$d" | cut -c10) in x | t) ;; *)
			echo "$d is not searchable by other users: put cgrun elsewhere" >&2
			return 1
			;;
		esac
	done
	reg_setup || return 1
	reg_build_images || return 1
	reg_push_images || return 1
	pd_auth_json "$REG_BASIC" "$REG_USER:$REG_PASS" >"$DT_DIR/root-auth.json"
	chmod 600 "$DT_DIR/root-auth.json"
	pd_start_daemon
}

teardown_file()
{
	local u ret=0
	# cgrund first: it lives in the registries' namespace, which
	# reg_teardown expects empty.
	dt_teardown_file || ret=1
	reg_teardown || ret=1
	for u in "$IN_USER" "$OUT_USER"; do
		id "$u" >/dev/null 2>&1 && userdel "$u"
	done
	return "$ret"
}

setup()
{
	dt_setup
	PD_FDS=$(pd_daemon_fds)
	PD_HOME=$DT_DIR/home-$BATS_TEST_NUMBER
	mkdir -p "$PD_HOME/xdg"
	chown -R "$IN_USER" "$PD_HOME"
	chmod 700 "$PD_HOME/xdg"
}

teardown()
{
	local ret=0 p
	reg_stop_token_server || ret=1
	# No cgrun-image left running, cgrund answers with no descriptor more
	# than before the test, nothing half-made in the store.
	if ! dt_wait_until 10 pd_no_tool 2>/dev/null; then
		for p in $(pd_tool_pids); do echo "leaked cgrun-image: $p" >&2; kill -KILL "$p"; done
		ret=1
	fi
	dt_answers || { echo "cgrund does not answer" >&2; ret=1; }
	dt_wait_until 5 pd_fds_back 2>/dev/null || { echo "cgrund holds $(pd_daemon_fds) fds, had $PD_FDS" >&2; ret=1; }
	if compgen -G "$CGRUN_STORE_DIR/images/.tmp-*" >/dev/null || compgen -G "$CGRUN_STORE_DIR/layers/.tmp-*" >/dev/null; then
		echo "leaked staging dir: $(echo "$CGRUN_STORE_DIR"/images/.tmp-* "$CGRUN_STORE_DIR"/layers/.tmp-*)" >&2
		ret=1
	fi
	rm -rf "$CGRUN_STORE_DIR"/images/127.0.0.1* "$CGRUN_STORE_DIR"/images/.tmp-* "$CGRUN_STORE_DIR"/layers/.tmp-* \
		"$CGRUN_STORE_DIR"/images/.rm-* "$PD_HOME"
	"$CGRUN" image prune >/dev/null || ret=1
	dt_teardown || ret=1
	return "$ret"
}

# cgrund's descriptors, but for the exec trampoline's memfd (made at its
# first container's start, then kept).
pd_daemon_fds()
{
	local f n=0
	for f in "/proc/$(dt_daemon_pid)/fd"/*; do
		[[ $(readlink "$f") == /memfd:cgrun-exec-trampoline* ]] || n=$((n + 1))
	done
	echo "$n"
}

pd_fds_back()
{
	[ "$(pd_daemon_fds)" -le "$PD_FDS" ]
}

# The cgrun-image processes cgrund started.
pd_tool_pids()
{
	local p
	for p in /proc/[0-9]*; do
		[ "$(awk '{print $4}' "$p/stat" 2>/dev/null)" = "$(dt_daemon_pid)" ] || continue
		[[ $(readlink "$p/exe" 2>/dev/null) == */cgrun-image ]] && echo "${p#/proc/}"
	done
	return 0
}

pd_no_tool()
{
	[ -z "$(pd_tool_pids)" ]
}

gid_of_group()
{
	getent group "$DT_GROUP" | cut -d: -f3
}

# as_member CMD...: CMD as cgpd-in (the socket group a supplementary one),
# with an environment of its own: HOME and XDG_RUNTIME_DIR under $PD_HOME.
as_member()
{
	setpriv --reuid="$(id -u "$IN_USER")" --regid="$(id -g "$IN_USER")" --groups="$(gid_of_group)" \
		env -i PATH="$PATH" HOME="$PD_HOME" XDG_RUNTIME_DIR="$PD_HOME/xdg" \
		CGRUN_RUN_DIR="$CGRUN_RUN_DIR" CGRUN_STORE_DIR="$CGRUN_STORE_DIR" "$@"
}

as_outsider()
{
	setpriv --reuid="$(id -u "$OUT_USER")" --regid="$(id -g "$OUT_USER")" --clear-groups \
		env -i PATH="$PATH" HOME="$PD_HOME" CGRUN_RUN_DIR="$CGRUN_RUN_DIR" CGRUN_STORE_DIR="$CGRUN_STORE_DIR" "$@"
}

key_of() { echo "$1" | sed 's|/|+|g; s|:|=|g'; }

assert_one_line()
{
	if [ "${#stderr_lines[@]}" -ne 1 ] || [[ ${stderr_lines[0]} != "cgrun: "?* ]]; then
		echo "expected one 'cgrun: ' line on stderr, got:" >&2
		printf '  | %s\n' "${stderr_lines[@]}" >&2
		return 1
	fi
}

# A member's pull is stored as root's would be: the image record and every
# layer it names, owned by root.
assert_pulled_as_root()
{
	local dir=$CGRUN_STORE_DIR/images/$(key_of "$1") l
	[ -f "$dir/image.json" ]
	[ "$(stat -c %u "$dir")" = 0 ]
	[ "$(stat -c %u "$dir/image.json")" = 0 ]
	for l in $(jq -r '.layers[]' "$dir/image.json"); do
		[ "$(stat -c %u "$CGRUN_STORE_DIR/layers/$l")" = 0 ]
		[ -d "$CGRUN_STORE_DIR/layers/$l/diff/bin" ] || [ -d "$CGRUN_STORE_DIR/layers/$l/diff" ]
	done
}

# Wait until a pull is mid-layer.
pd_wait_mid_layer()
{
	local i
	for ((i = 0; i < 400; i++)); do
		compgen -G "$CGRUN_STORE_DIR/layers/.tmp-*/diff/bin" >/dev/null && return 0
		sleep 0.05
	done
	echo "no pull got mid-layer in 20 s" >&2
	return 1
}

@test "a member pulls through cgrund: progress on its stderr, the name on stdout, the image root's in the store" {
	run -0 --separate-stderr as_member timeout 120 "$CGRUN" pull "$IMG:oci"
	[ "$output" = "$IMG:oci" ]
	[[ $stderr == *"Pulling $IMG:oci (3 layers)"* ]]
	[[ $stderr == *"Downloaded newer image for $IMG:oci"* ]]
	# Not a terminal: one plain line per layer, bytes and rate, no escapes.
	[ "$(grep -cE '^[0-9a-f]{12}: done [0-9.]+ [kMG]?B/[0-9.]+ [kMG]?B \([0-9.]+ [kMG]?B/s\)$' <<<"$stderr")" = 3 ]
	[[ $stderr != *$'\033'* ]]
	assert_pulled_as_root "$IMG:oci"
	grep -q "pull of $IMG:oci for uid $(id -u "$IN_USER"): cgrun-image pid" "$DT_LOG"
	# The image is there: root sees it, and a second pull costs a manifest.
	run -0 "$CGRUN" image ls
	[[ $output == *"$IMG "*" oci "* ]]
	run -0 --separate-stderr as_member timeout 60 "$CGRUN" pull "$IMG:oci"
	[[ $stderr == *"Image is up to date for $IMG:oci"* ]]
	# --quiet: the name only; --platform passes through (arm64 of the index).
	run -0 --separate-stderr as_member timeout 120 "$CGRUN" pull -q --platform=linux/arm64/v8 "$IMG:multi"
	[ "$output" = "$IMG:multi" ]
	[ -z "$stderr" ]
	[ "$(jq -r .digest "$CGRUN_STORE_DIR/images/$(key_of "$IMG:multi")/image.json")" = \
		"$(jq -r '.manifests[] | select(.platform.architecture == "arm64") | .digest' \
			"$(reg_blob_path "$(reg_tag_manifest multi)")")" ]
	grep -q "pull of $IMG:multi for uid $(id -u "$IN_USER"): cgrun-image pid [0-9]*: .* --platform=linux/arm64/v8 --quiet -- $IMG:multi\$" "$DT_LOG"
	# --tls-verify=false passes through.
	run -0 --separate-stderr as_member timeout 120 "$CGRUN" pull -q --tls-verify=false "$IMG:v2s2"
	grep -q "pull of $IMG:v2s2 for uid $(id -u "$IN_USER"): cgrun-image pid [0-9]*: .* --tls-verify=false --quiet -- $IMG:v2s2\$" "$DT_LOG"
}

@test "a member's run --pull=missing pulls through cgrund, then runs" {
	[ ! -e "$CGRUN_STORE_DIR/images/$(key_of "$IMG:v2s2")" ]
	run -0 --separate-stderr as_member timeout 120 "$CGRUN" run --rm "$IMG:v2s2"
	[ "$output" = hello ]
	[[ $stderr == *"Pulling $IMG:v2s2 (3 layers)"* ]]
	assert_pulled_as_root "$IMG:v2s2"
	# An image there that the member cannot see (the store is root's, 0700):
	# cgrund looks, and does not pull; an imported one is never pulled over.
	[ "$(stat -c %a "$CGRUN_STORE_DIR")" = 700 ]
	run -0 --separate-stderr as_member timeout 60 "$CGRUN" run --rm "$IMG:v2s2"
	[ "$output" = hello ]
	[ -z "$stderr" ]
	run -0 --separate-stderr as_member timeout 60 "$CGRUN" run --rm --pull=always busybox echo imported
	[ "$output" = imported ]
	[ -z "$stderr" ]
	# --pull=never of an image that is not there: no pull.
	run -125 --separate-stderr as_member timeout 60 "$CGRUN" run --rm --pull=never "$IMG:oci"
	[[ $stderr != *Pulling* ]]
	[ ! -e "$CGRUN_STORE_DIR/images/$(key_of "$IMG:oci")" ]
	# A pull that fails: the run stops with cgrun-image's one line.
	run -125 --separate-stderr as_member timeout 60 "$CGRUN" run --rm "$IMG:no-such-tag"
	assert_one_line
	[[ $stderr == *"pulling it failed"* ]]
}

@test "credentials: the member's own auth file, never cgrund's (root's)" {
	local img=$REG_BASIC/$REG_REPO:oci xdg=$PD_HOME/xdg
	# No file of the member's: anonymous, refused (root's good one unused).
	run -125 --separate-stderr as_member timeout 60 "$CGRUN" pull "$img"
	assert_one_line
	[[ $stderr == *"authentication required"* ]]
	[ ! -e "$CGRUN_STORE_DIR/images/$(key_of "$img")" ]
	# Wrong credentials in ${XDG_RUNTIME_DIR}/containers/auth.json: refused.
	mkdir -p "$xdg/containers"
	pd_auth_json "$REG_BASIC" "$REG_USER:wrong-pass" >"$xdg/containers/auth.json"
	chown -R "$IN_USER" "$xdg/containers"
	chmod 600 "$xdg/containers/auth.json"
	run -125 --separate-stderr as_member timeout 60 "$CGRUN" pull "$img"
	assert_one_line
	[[ $stderr == *"HTTP 401"* ]]
	[ ! -e "$CGRUN_STORE_DIR/images/$(key_of "$img")" ]
	# A file the member cannot read (root's): opened as the member, refused.
	chown root "$xdg/containers/auth.json"
	run -125 --separate-stderr as_member timeout 60 "$CGRUN" pull "$img"
	assert_one_line
	[[ $stderr == *"auth.json cannot be read"* ]]
	# Good ones in ~/.docker/config.json (the first file names another
	# registry only): pulled.
	pd_auth_json "$REG_ANON" "x:y" >"$xdg/containers/auth.json"
	chown "$IN_USER" "$xdg/containers/auth.json"
	mkdir -p "$PD_HOME/.docker"
	pd_auth_json "$REG_BASIC" "$REG_USER:$REG_PASS" >"$PD_HOME/.docker/config.json"
	chown -R "$IN_USER" "$PD_HOME/.docker"
	run -0 --separate-stderr as_member timeout 120 "$CGRUN" pull -q "$img"
	[ "$output" = "$img" ]
	assert_pulled_as_root "$img"
}

@test "a non-member is refused; without cgrund a member is told pulls need root or cgrund" {
	run -125 --separate-stderr as_outsider timeout 60 "$CGRUN" pull "$IMG:oci"
	assert_one_line
	[[ ${stderr,,} == *"permission denied"* ]]
	[ ! -e "$CGRUN_STORE_DIR/images/$(key_of "$IMG:oci")" ]
	mkdir "$PD_HOME/run"
	run -125 --separate-stderr as_member env CGRUN_RUN_DIR="$PD_HOME/run" timeout 60 "$CGRUN" pull "$IMG:oci"
	assert_one_line
	[[ $stderr == *"pulling needs root or cgrund"* ]]
	[ ! -e "$CGRUN_STORE_DIR/images/$(key_of "$IMG:oci")" ]
	# A request whose image is a path is refused by cgrund itself.
	run python3 - "$CGRUN_RUN_DIR/cgrun.sock" <<'EOF'
import os, socket, struct, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
m = b'{"v":1,"cmd":"pull","image":"/etc/shadow"}'
fds = [1, 2]
s.sendmsg([struct.pack(">I", len(m)) + m], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, struct.pack("ii", *fds))])
n = struct.unpack(">I", s.recv(4))[0]
print(s.recv(n).decode())
EOF
	[[ $output == *'"ok":false'* ]]
	[[ $output == *"not an image reference"* ]]
}

@test "cgrund serves others while pulls run (slow blobs), several pulls at once" {
	local a b t0 i
	reg_token_server --upstream "$REG_ANON" --slow-blobs 50000
	(exec setpriv --reuid="$(id -u "$IN_USER")" --regid="$(id -g "$IN_USER")" --groups="$(gid_of_group)" \
		env -i PATH="$PATH" HOME="$PD_HOME" CGRUN_RUN_DIR="$CGRUN_RUN_DIR" \
		timeout 120 "$CGRUN" pull "$FRONT:oci" >"$BATS_TEST_TMPDIR/a.out" 2>"$BATS_TEST_TMPDIR/a.err") &
	a=$!
	(exec setpriv --reuid="$(id -u "$IN_USER")" --regid="$(id -g "$IN_USER")" --groups="$(gid_of_group)" \
		env -i PATH="$PATH" HOME="$PD_HOME" CGRUN_RUN_DIR="$CGRUN_RUN_DIR" \
		timeout 120 "$CGRUN" pull "$FRONT:v2s2" >"$BATS_TEST_TMPDIR/b.out" 2>"$BATS_TEST_TMPDIR/b.err") &
	b=$!
	dt_track "$a"
	dt_track "$b"
	pd_wait_mid_layer
	[ "$(pd_tool_pids | wc -l)" -ge 1 ]
	for i in 1 2 3; do
		t0=$(date +%s%N)
		run -0 as_member timeout 5 "$CGRUN" ps
		[ $(( ($(date +%s%N) - t0) / 1000000 )) -lt 1000 ]
		# ... while a pull was still going.
		[ -n "$(pd_tool_pids)" ]
	done
	wait "$a"
	wait "$b"
	# Both went through cgrund, one of them waiting for the other's layers.
	[ "$(grep -c "pull of $FRONT:.* for uid $(id -u "$IN_USER"): cgrun-image pid" "$DT_LOG")" = 2 ]
	grep -q ': already exists$' "$BATS_TEST_TMPDIR/a.err" "$BATS_TEST_TMPDIR/b.err"
	[ "$(cat "$BATS_TEST_TMPDIR/a.out")" = "$FRONT:oci" ]
	[ "$(cat "$BATS_TEST_TMPDIR/b.out")" = "$FRONT:v2s2" ]
	assert_pulled_as_root "$FRONT:oci"
	assert_pulled_as_root "$FRONT:v2s2"
}

@test "a client killed mid-pull: its pull is cancelled, cgrund healthy, nothing leaked" {
	local c tool
	reg_token_server --upstream "$REG_ANON" --slow-blobs 200000
	(exec setpriv --reuid="$(id -u "$IN_USER")" --regid="$(id -g "$IN_USER")" --groups="$(gid_of_group)" \
		env -i PATH="$PATH" HOME="$PD_HOME" CGRUN_RUN_DIR="$CGRUN_RUN_DIR" \
		"$CGRUN" pull "$FRONT:oci" >/dev/null 2>&1) &
	c=$!
	dt_track "$c"
	pd_wait_mid_layer
	tool=$(pd_tool_pids)
	[ -n "$tool" ]
	# The client: the member's cgrun-image (cgrun execs it), talking to cgrund.
	[[ $(readlink "/proc/$c/exe") == */cgrun-image ]]
	[ "$(stat -c %u "/proc/$c")" = "$(id -u "$IN_USER")" ]
	kill -KILL "$c"
	wait "$c" || true
	dt_wait_until 10 pd_no_tool
	grep -q "pull $tool ($FRONT:oci): its client went away; cancelled" "$DT_LOG"
	dt_answers
	dt_wait_until 5 pd_fds_back
	[ ! -e "$CGRUN_STORE_DIR/images/$(key_of "$FRONT:oci")" ]
	# What the cancelled pull left, the next one clears; it pulls whole.
	reg_stop_token_server
	reg_token_server --upstream "$REG_ANON"
	run -0 --separate-stderr as_member timeout 120 "$CGRUN" pull -q "$FRONT:oci"
	[ "$output" = "$FRONT:oci" ]
	! compgen -G "$CGRUN_STORE_DIR/layers/.tmp-*" || false
	run -0 --separate-stderr as_member timeout 60 "$CGRUN" run --rm --pull=never "$FRONT:oci"
	[ "$output" = hello ]
}

@test "cgrund stopping cancels the pulls it runs; its client is told" {
	local c tool old
	reg_token_server --upstream "$REG_ANON" --slow-blobs 100000
	(exec setpriv --reuid="$(id -u "$IN_USER")" --regid="$(id -g "$IN_USER")" --groups="$(gid_of_group)" \
		env -i PATH="$PATH" HOME="$PD_HOME" CGRUN_RUN_DIR="$CGRUN_RUN_DIR" \
		timeout 120 "$CGRUN" pull "$FRONT:oci" >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err") &
	c=$!
	dt_track "$c"
	pd_wait_mid_layer
	tool=$(pd_tool_pids)
	[ -n "$tool" ]
	old=$(dt_daemon_pid)
	kill -TERM "$old"
	dt_wait_until 10 eval '! kill -0 '"$old"' 2>/dev/null'
	local st=0
	wait "$c" || st=$?
	[ "$st" = 125 ]
	grep -q "cgrund closed the connection" "$BATS_TEST_TMPDIR/err"
	grep -q "pull $tool ($FRONT:oci): cgrund is stopping; cancelled" "$DT_LOG"
	dt_wait_until 10 eval '! kill -0 '"$tool"' 2>/dev/null'
	[ ! -e "$CGRUN_STORE_DIR/images/$(key_of "$FRONT:oci")" ]
	pd_start_daemon
	# A new cgrund, a new baseline; the next pull clears what the
	# cancelled one left.
	PD_FDS=$(pd_daemon_fds)
	reg_stop_token_server
	reg_token_server --upstream "$REG_ANON"
	run -0 --separate-stderr as_member timeout 120 "$CGRUN" pull -q "$FRONT:oci"
	[ "$output" = "$FRONT:oci" ]
}

# pd_tty CMD: CMD's output on a pseudo-terminal of 60 columns (script(1)),
# in $BATS_TEST_TMPDIR/tty.out.
pd_tty()
{
	local t0=$SECONDS
	timeout 120 script -qfec "stty cols 60 rows 24; $*" /dev/null >"$BATS_TEST_TMPDIR/tty.out" 2>&1
	PD_TTY_SECS=$((SECONDS - t0 + 1))
}

# The terminal's output: live lines with bytes and a rate, redrawn in place
# (cursor up), each at most 59 columns, a final "Pull complete" per layer.
assert_live_progress()
{
	local f=$BATS_TEST_TMPDIR/tty.out
	grep -aqE '[0-9a-f]{12}: Downloading  [0-9.]+[kMG]?B/[0-9.]+[kMG]?B  [0-9.]+[kMG]?B/s' "$f"
	# Redrawn in place (cursor up), at most 10 times a second.
	local ups
	ups=$(grep -ao $'\033\\[[0-9]*A' "$f" | wc -l)
	[ "$ups" -ge 1 ]
	[ "$ups" -le $((10 * PD_TTY_SECS + 1)) ] || { echo "$ups redraws in ${PD_TTY_SECS}s" >&2; false; }
	[ "$(grep -aoE '[0-9a-f]{12}: Pull complete' "$f" | sort -u | wc -l)" = 3 ]
	# Width-safe: every drawn line (between the escapes) fits in 59 columns.
	! sed 's/\x1b\[[0-9]*[A-Za-z]/\n/g; s/\r/\n/g' "$f" | grep -a 'Downloading' | awk 'length($0) > 59 { bad = 1 } END { exit !bad }'
}

@test "on a terminal: live per-layer progress lines (bytes, rate) redrawn in place, as root and through cgrund" {
	reg_token_server --upstream "$REG_ANON" --slow-blobs 400000
	# Root: cgrun-image in-process, in the registries' namespace.
	pd_tty nsenter -t "$REG_NS_PID" -n -- env CGRUN_REGISTRY_CA="$REG_DIR/ca.crt" CGRUN_STORE_DIR="$CGRUN_STORE_DIR" "$CGRUN" pull "$FRONT:oci"
	assert_live_progress
	grep -aq "Downloaded newer image for $FRONT:oci" "$BATS_TEST_TMPDIR/tty.out"
	rm -rf "$CGRUN_STORE_DIR"/images/127.0.0.1*
	"$CGRUN" image prune >/dev/null
	# A member: the terminal travels to cgrund's cgrun-image as a descriptor.
	pd_tty setpriv --reuid="$(id -u "$IN_USER")" --regid="$(id -g "$IN_USER")" --groups="$(gid_of_group)" \
		env -i PATH="$PATH" HOME="$PD_HOME" CGRUN_RUN_DIR="$CGRUN_RUN_DIR" "$CGRUN" pull "$FRONT:oci"
	assert_live_progress
	assert_pulled_as_root "$FRONT:oci"
	# Quiet on a terminal too: the name only.
	pd_tty setpriv --reuid="$(id -u "$IN_USER")" --regid="$(id -g "$IN_USER")" --groups="$(gid_of_group)" \
		env -i PATH="$PATH" HOME="$PD_HOME" CGRUN_RUN_DIR="$CGRUN_RUN_DIR" "$CGRUN" pull -q "$FRONT:oci"
	[ "$(tr -d '\r' <"$BATS_TEST_TMPDIR/tty.out")" = "$FRONT:oci" ]
}
