#!/usr/bin/env bats
# cgrun pull and run --pull, end to end: images built with umoci, pushed
# with skopeo to docker-registry in a network namespace of this file's own
# (registry_helpers.bash), pulled by cgrun (cgrun-image) run inside that
# namespace, then run as containers. Nothing leaves the machine.

load ../integration/helpers
load registry_helpers

IMG=$REG_ANON/$REG_REPO

setup_file()
{
	cg_setup_file
	reg_need_image_tool || return 1
	reg_setup_images
}

teardown_file()
{
	reg_teardown
	cg_teardown_file
}

teardown()
{
	local ret=0
	reg_stop_token_server
	# A pull leaves nothing half-made in the store, whatever became of it.
	if compgen -G "$CGRUN_STORE_DIR/images/.tmp-*" >/dev/null ||
		compgen -G "$CGRUN_STORE_DIR/layers/.tmp-*" >/dev/null; then
		echo "leaked staging dir: $(echo "$CGRUN_STORE_DIR"/images/.tmp-* "$CGRUN_STORE_DIR"/layers/.tmp-*)" >&2
		ret=1
	fi
	rm -rf "$CGRUN_STORE_DIR"/images/127.0.0.1* "$CGRUN_STORE_DIR"/images/.tmp-* "$CGRUN_STORE_DIR"/images/.rm-*
	"$CGRUN" image prune >/dev/null || ret=1
	cg_teardown || ret=1
	return "$ret"
}

# pull ARGS...: cgrun pull in the registries' namespace, trusting the test CA.
pull()
{
	reg_ns env CGRUN_REGISTRY_CA="$REG_DIR/ca.crt" timeout 120 "$CGRUN" pull "$@"
}

# The store's key of a reference pulled from the anonymous registry.
key_of() { echo "$1" | sed 's|/|+|g; s|:|=|g'; }

# Manifest requests the front (token-server.py before the anonymous
# registry) logged.
manifest_gets() { grep -c '/v2/test/busybox/manifests/' "$REG_LOG" || true; }
FRONT=$REG_FRONT/$REG_REPO

@test "pull an OCI image (gzip layers) and run it: layers, whiteouts, opaque dir, hardlink, setuid, xattr, config" {
	run -0 --separate-stderr pull "$IMG:oci"
	[ "$output" = "$IMG:oci" ]
	[[ $stderr == *"Pulling $IMG:oci (3 layers)"* ]]
	[[ $stderr == *"Downloaded newer image for $IMG:oci"* ]]
	run -0 "$CGRUN" image ls
	[[ $output == *"$IMG "*" oci "* ]]
	# Entrypoint + Cmd, Env, WorkingDir from the image's config.
	run -0 cg_run --rm --pull=never "$IMG:oci"
	[ "$output" = hello ]
	run -0 cg_run --rm --pull=never "$IMG:oci" 'echo $CGRUN_TEST $PATH; pwd'
	[ "$output" = $'layered /bin\n/data' ]
	# -e and -w win over the image's.
	run -0 cg_run --rm --pull=never -e CGRUN_TEST=mine -w / "$IMG:oci" 'echo $CGRUN_TEST; pwd'
	[ "$output" = $'mine\n/' ]
	# The layers as the container sees them, stacked in order.
	run -0 cg_run --rm --pull=never -w / "$IMG:oci" \
		'test ! -e /etc/gone && ls /opq && stat -c %h /data/file && stat -c %i /data/file /data/hardlink | uniq | wc -l; readlink /data/symlink; stat -c %a:%u /bin/suid'
	[ "$output" = $'d\n2\n1\n../data/file\n4755:0' ]
	# Stored as three layers, each a directory of its own with overlay's
	# whiteouts: a 0:0 device for the deleted file, the opaque xattr.
	local l layers=() json=$CGRUN_STORE_DIR/images/$(key_of "$IMG:oci")/image.json
	mapfile -t layers < <(jq -r '.layers[]' "$json")
	[ "${#layers[@]}" = 3 ]
	for l in "${layers[@]}"; do [ -d "$CGRUN_STORE_DIR/layers/$l/diff" ]; done
	[ ! -e "$CGRUN_STORE_DIR/images/$(key_of "$IMG:oci")/rootfs" ]
	[ "$(stat -c %t:%T:%F "$CGRUN_STORE_DIR/layers/${layers[1]}/diff/etc/gone")" = "0:0:character special file" ]
	[ "$(getfattr --only-values -n trusted.overlay.opaque "$CGRUN_STORE_DIR/layers/${layers[2]}/diff/opq")" = y ]
	[ "$(getfattr --only-values -n user.cgrun "$CGRUN_STORE_DIR/layers/${layers[1]}/diff/data/file")" = layered ]
	[ -z "$(find "$CGRUN_STORE_DIR/layers/" -name '.wh.*')" ]
	# The chain IDs are the OCI spec's, from the config's diff_ids.
	local cfg=$CGRUN_STORE_DIR/blobs/sha256/$(jq -r .config_digest "$json" | cut -d: -f2) d c
	mapfile -t d < <(jq -r '.rootfs.diff_ids[]' "$cfg")
	[ "${layers[0]}" = "${d[0]#sha256:}" ]
	c=$(printf '%s %s' "${d[0]}" "${d[1]}" | sha256sum | cut -d' ' -f1)
	[ "${layers[1]}" = "$c" ]
	c=$(printf 'sha256:%s %s' "$c" "${d[2]}" | sha256sum | cut -d' ' -f1)
	[ "${layers[2]}" = "$c" ]
}

@test "docker v2 schema 2 and zstd-compressed OCI layers: the same layers, stored once" {
	local a b
	pull -q "$IMG:v2s2"
	pull -q "$IMG:zstd"
	# The same diff_ids: the same layers, stored once.
	a=$(jq -c .layers "$CGRUN_STORE_DIR/images/$(key_of "$IMG:v2s2")/image.json")
	b=$(jq -c .layers "$CGRUN_STORE_DIR/images/$(key_of "$IMG:zstd")/image.json")
	[ "$a" = "$b" ]
	[ "$(find "$CGRUN_STORE_DIR/layers" -mindepth 1 -maxdepth 1 -type d -not -name '.*' | wc -l)" = 3 ]
	run -0 cg_run --rm --pull=never "$IMG:zstd"
	[ "$output" = hello ]
}

@test "a multi-platform index: this host's platform, or --platform's" {
	local d
	run -0 --separate-stderr pull "$IMG:multi"
	d=$(jq -r .digest "$CGRUN_STORE_DIR/images/$(key_of "$IMG:multi")/image.json")
	# The amd64 entry of the index the registry holds.
	[ "$d" = "$(jq -r '.manifests[] | select(.platform.architecture == "amd64") | .digest' \
		"$(reg_blob_path "$(reg_tag_manifest multi)")")" ]
	run -0 --separate-stderr pull --platform=linux/arm64 "$IMG:multi"
	d=$(jq -r .digest "$CGRUN_STORE_DIR/images/$(key_of "$IMG:multi")/image.json")
	[ "$d" = "$(jq -r '.manifests[] | select(.platform.architecture == "arm64") | .digest' \
		"$(reg_blob_path "$(reg_tag_manifest multi)")")" ]
	run -125 --separate-stderr pull --platform=linux/s390x "$IMG:multi"
	assert_one_error_line
	[[ $stderr == *linux/amd64* && $stderr == *linux/arm64* ]]
}

@test "an image already pulled costs one manifest request" {
	local before nlog
	reg_token_server --upstream "$REG_ANON"
	pull -q "$FRONT:oci"
	before=$(manifest_gets)
	nlog=$(wc -l <"$REG_LOG")
	[ "$before" -ge 1 ]
	run -0 --separate-stderr pull "$FRONT:oci"
	[[ $stderr == *"Image is up to date for $FRONT:oci"* ]]
	[ "$(manifest_gets)" -eq $((before + 1)) ]
	# ... and nothing else: no token, no blob.
	[ "$(wc -l <"$REG_LOG")" -eq $((nlog + 1)) ]
}

@test "run --pull=missing pulls a missing image; never does not; always pulls again" {
	local before IMG=$FRONT
	reg_token_server --upstream "$REG_ANON"
	run -125 --separate-stderr reg_ns "$CGRUN" run --rm --pull=never "$IMG:oci" true
	assert_one_error_line
	[[ $stderr == *"cgrun pull $IMG:oci"* ]]
	[ "$(manifest_gets)" -eq 0 ]
	run -0 --separate-stderr reg_ns env CGRUN_REGISTRY_CA="$REG_DIR/ca.crt" timeout 120 \
		"$CGRUN" run --cgroup-parent="$CGRUN_PARENT" --rm "$IMG:oci"
	[ "$output" = hello ]  # the pull's progress went to stderr, not the command's stdout
	[[ $stderr == *"Pulling $IMG:oci"* ]]
	before=$(manifest_gets)
	run -0 --separate-stderr reg_ns env CGRUN_REGISTRY_CA="$REG_DIR/ca.crt" timeout 120 \
		"$CGRUN" run --cgroup-parent="$CGRUN_PARENT" --rm --pull=always "$IMG:oci"
	[ "$output" = hello ]
	[ "$(manifest_gets)" -eq $((before + 1)) ]
	# Missing is the default: present, no request at all.
	run -0 reg_ns "$CGRUN" run --cgroup-parent="$CGRUN_PARENT" --rm "$IMG:oci"
	[ "$(manifest_gets)" -eq $((before + 1)) ]
}

@test "an unknown tag, an untrusted registry and a bad reference: one line each, 125, nothing stored" {
	run -125 --separate-stderr pull "$IMG:nosuchtag"
	assert_one_error_line
	[[ $stderr == *"manifest unknown"* ]]
	run -125 --separate-stderr reg_ns timeout 60 "$CGRUN" pull "$IMG:oci"
	assert_one_error_line
	[[ $stderr == *"--tls-verify=false"* ]]
	run -0 --separate-stderr reg_ns timeout 60 "$CGRUN" pull --tls-verify=false -q "$IMG:oci"
	run -125 --separate-stderr pull 'Bad/Name'
	assert_one_error_line
	run -125 --separate-stderr pull --tls-verify=maybe "$IMG:oci"
	assert_one_error_line
	# A failed run-pull is one line too, and says what else to do.
	run -125 --separate-stderr reg_ns "$CGRUN" run --rm "$IMG:nosuchtag" true
	assert_one_error_line
	[[ $stderr == *"cgrun image import"* ]]
	[ -z "$(ls "$CGRUN_STORE_DIR/images" | grep -v '^busybox$' | grep -v "$(key_of "$IMG:oci")")" ]
}

@test "a layer whose bytes are not its digest fails the pull and leaves nothing" {
	local m l bad
	# A manifest naming a planted blob as its layer (the registry serves it
	# without checking): the client must refuse it.
	m=$(reg_blob_path "$(reg_tag_manifest oci)")
	bad=$(reg_plant_blob "$(reg_blob_path "$(jq -r '.layers[0].digest' "$m")")")
	jq -c --arg d "$bad" '.layers[0].digest = $d' "$m" >"$BATS_TEST_TMPDIR/m"
	l=$(reg_plant_blob "$BATS_TEST_TMPDIR/m")
	run -125 --separate-stderr pull "$IMG@$l"
	assert_one_error_line
	[ ! -e "$CGRUN_STORE_DIR/images/$(key_of "$IMG@$l")" ]
}

@test "credentials from REGISTRY_AUTH_FILE on the htpasswd registry; none: a clear 401" {
	local auth=$BATS_TEST_TMPDIR/auth.json
	run -125 --separate-stderr pull "$REG_BASIC/$REG_REPO:oci"
	assert_one_error_line
	printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$REG_BASIC" "$(printf '%s:%s' "$REG_USER" "$REG_PASS" | base64 -w0)" >"$auth"
	run -0 --separate-stderr reg_ns env REGISTRY_AUTH_FILE="$auth" CGRUN_REGISTRY_CA="$REG_DIR/ca.crt" \
		timeout 120 "$CGRUN" pull "$REG_BASIC/$REG_REPO:oci"
	[ "$output" = "$REG_BASIC/$REG_REPO:oci" ]
}

@test "kill -9 of a pull mid-layer leaves nothing a later pull or run trips on" {
	local pid i
	# The front serves blobs slowly enough to be caught mid-layer.
	reg_token_server --upstream "$REG_ANON" --slow-blobs 200000
	# exec all the way: $! is the pull itself (nsenter, env, cgrun and
	# cgrun-image each exec the next).
	(exec nsenter -t "$REG_NS_PID" -n -- env CGRUN_REGISTRY_CA="$REG_DIR/ca.crt" "$CGRUN" pull \
		"$REG_FRONT/$REG_REPO:oci" >"$BATS_TEST_TMPDIR/out" 2>&1) &
	pid=$!
	track_pid "$pid"
	for ((i = 0; i < 200; i++)); do
		compgen -G "$CGRUN_STORE_DIR/layers/.tmp-*/diff/bin" >/dev/null && break
		sleep 0.05
	done
	compgen -G "$CGRUN_STORE_DIR/layers/.tmp-*" >/dev/null
	[[ $(readlink "/proc/$pid/exe") == */cgrun-image ]]
	kill -KILL "$pid"
	wait "$pid" || true
	# What the killed pull left, until the next one clears it.
	compgen -G "$CGRUN_STORE_DIR/layers/.tmp-*" >/dev/null
	[ ! -e "$CGRUN_STORE_DIR/images/$(key_of "$REG_FRONT/$REG_REPO:oci")" ]
	reg_stop_token_server
	reg_token_server --upstream "$REG_ANON"
	run -0 --separate-stderr pull -q "$REG_FRONT/$REG_REPO:oci"
	! compgen -G "$CGRUN_STORE_DIR/layers/.tmp-*" || false
	! compgen -G "$CGRUN_STORE_DIR/images/.tmp-*" || false
	run -0 cg_run --rm --pull=never "$REG_FRONT/$REG_REPO:oci"
	[ "$output" = hello ]
}

@test "a manifest by tag whose bytes are not the digest the registry names is refused" {
	reg_token_server --upstream "$REG_ANON" --tamper-manifests
	run -125 --separate-stderr pull "$FRONT:oci"
	assert_one_error_line
	[[ $stderr == *"the registry says its digest is sha256:"* ]]
	grep -q tampered "$REG_LOG"
	[ ! -e "$CGRUN_STORE_DIR/images/$(key_of "$FRONT:oci")" ]
}

@test "registries.conf: insecure HOST skips certificate checks, insecure http://HOST speaks plain HTTP" {
	local conf=$BATS_TEST_TMPDIR/registries.conf
	# Without the test CA and without an entry: refused.
	run -125 --separate-stderr reg_ns env CGRUN_REGISTRIES_CONF="$conf" timeout 60 "$CGRUN" pull -q "$IMG:oci"
	assert_one_error_line
	printf '# test\ninsecure %s\n' "$REG_ANON" >"$conf"
	run -0 --separate-stderr reg_ns env CGRUN_REGISTRIES_CONF="$conf" timeout 60 "$CGRUN" pull -q "$IMG:oci"
	# The plain-HTTP registry: TLS to it fails, an http:// entry reaches it.
	run -125 --separate-stderr reg_ns env CGRUN_REGISTRIES_CONF="$conf" timeout 60 "$CGRUN" pull -q "$REG_PLAIN/$REG_REPO:oci"
	assert_one_error_line
	printf 'insecure http://%s\n' "$REG_PLAIN" >>"$conf"
	run -0 --separate-stderr reg_ns env CGRUN_REGISTRIES_CONF="$conf" timeout 60 "$CGRUN" pull -q "$REG_PLAIN/$REG_REPO:oci"
	[ "$output" = "$REG_PLAIN/$REG_REPO:oci" ]
	# A malformed file: one line naming it and the line.
	printf 'insecure\n' >"$conf"
	run -125 --separate-stderr reg_ns env CGRUN_REGISTRIES_CONF="$conf" timeout 60 "$CGRUN" pull -q "$IMG:oci"
	assert_one_error_line
	[[ $stderr == *"$conf:1: "* ]]
}
