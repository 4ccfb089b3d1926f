#!/usr/bin/env bats
# The layered image store (issue 17 part 4): layers kept by chain ID and
# shared by every image, one overlay lowerdir per layer, image rm and
# prune, concurrent pulls, many layers, a full disk. Images are built here
# on top of registry_helpers.bash's layered image and served by its
# registries in a network namespace of this file's own.

load ../integration/helpers
load registry_helpers

IMG=$REG_ANON/$REG_REPO
FRONT=$REG_FRONT/$REG_REPO

# add_layers LAYOUT FROM TAG N WORD: tag TAG = FROM plus N layers of one
# small file each, /layers/WORD-I holding "WORD I".
add_layers()
{
	local L=$1 from=$2 tag=$3 n=$4 word=$5 t=$REG_DIR/addl i mdig cdig m cfg diffid ldig lsize
	mdig=$(jq -r --arg f "$from" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $f) | .digest' "$L/index.json")
	m=$(cat "$L/blobs/sha256/${mdig#sha256:}")
	cdig=$(jq -r .config.digest <<<"$m")
	cfg=$(cat "$L/blobs/sha256/${cdig#sha256:}")
	for ((i = 1; i <= n; i++)); do
		rm -rf "$t"
		mkdir -p "$t/layers"
		echo "$word $i" >"$t/layers/$word-$i"
		tar -C "$t" --numeric-owner --owner=0 --group=0 --mtime=@0 -cf "$REG_DIR/l.tar" layers
		diffid=sha256:$(sha256sum <"$REG_DIR/l.tar" | cut -d' ' -f1)
		gzip -n <"$REG_DIR/l.tar" >"$REG_DIR/l.tar.gz"
		lsize=$(stat -c %s "$REG_DIR/l.tar.gz")
		ldig=$(reg_blob_put "$L" "$REG_DIR/l.tar.gz")
		cfg=$(jq -c --arg d "$diffid" '.rootfs.diff_ids += [$d]' <<<"$cfg")
		m=$(jq -c --arg l "$ldig" --argjson ls "$lsize" '.layers += [{
			mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: $l, size: $ls}]' <<<"$m")
	done
	rm -rf "$t" "$REG_DIR/l.tar"
	printf '%s' "$cfg" >"$REG_DIR/cfg"
	m=$(jq -c --arg c "$(reg_blob_put "$L" "$REG_DIR/cfg")" --argjson cs "${#cfg}" \
		'.config.digest = $c | .config.size = $cs' <<<"$m")
	printf '%s' "$m" >"$REG_DIR/m"
	jq -c --arg d "$(reg_blob_put "$L" "$REG_DIR/m")" --argjson s "${#m}" --arg t "$tag" '.manifests += [{
		mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $d, size: $s,
		annotations: {"org.opencontainers.image.ref.name": $t}}]' "$L/index.json" >"$REG_DIR/index.json"
	mv "$REG_DIR/index.json" "$L/index.json"
}

setup_file()
{
	cg_setup_file
	reg_need_image_tool || return 1
	reg_setup
	reg_build_images
	add_layers "$REG_DIR/layout" layered child1 1 one
	add_layers "$REG_DIR/layout" layered child2 1 two
	add_layers "$REG_DIR/layout" layered many 60 many
	local t sk=(skopeo --insecure-policy copy -q --dest-cert-dir "$REG_DIR/certs.d")
	for t in child1 child2 many; do
		reg_ns "${sk[@]}" "oci:$REG_DIR/layout:$t" "docker://$REG_ANON/$REG_REPO:$t"
	done
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
	if [ -n "${SMALL:-}" ]; then
		umount "$SMALL" || ret=1
		SMALL=
	fi
	if compgen -G "$CGRUN_STORE_DIR/layers/.tmp-*" >/dev/null || compgen -G "$CGRUN_STORE_DIR/images/.tmp-*" >/dev/null; then
		echo "leaked staging dir" >&2
		ret=1
	fi
	rm -rf "$CGRUN_STORE_DIR"/images/127.0.0.1*
	"$CGRUN" image prune >/dev/null || ret=1
	if [ -n "$(layer_dirs)" ]; then
		echo "layers left after prune: $(layer_dirs)" >&2
		ret=1
	fi
	cg_teardown || ret=1
	return "$ret"
}

pull() { reg_ns env CGRUN_REGISTRY_CA="$REG_DIR/ca.crt" timeout 120 "$CGRUN" pull "$@"; }
key_of() { echo "$1" | sed 's|/|+|g; s|:|=|g'; }
json_of() { echo "$CGRUN_STORE_DIR/images/$(key_of "$1")/image.json"; }
# The store's layer directories, one a line.
layer_dirs() { find "$CGRUN_STORE_DIR/layers" -mindepth 1 -maxdepth 1 -type d -not -name '.*' 2>/dev/null | sort; }

@test "two images share their base layers: stored once; rm of one keeps the other; the last rm takes them all" {
	pull -q "$IMG:child1"
	pull -q "$IMG:child2"
	# layered's three layers, then one of each child's own.
	[ "$(layer_dirs | wc -l)" = 5 ]
	[ "$(jq -c '.layers[:3]' "$(json_of "$IMG:child1")")" = "$(jq -c '.layers[:3]' "$(json_of "$IMG:child2")")" ]
	[ "$(jq -r '.layers[3]' "$(json_of "$IMG:child1")")" != "$(jq -r '.layers[3]' "$(json_of "$IMG:child2")")" ]
	run -0 cg_run --rm --pull=never "$IMG:child1" 'cat /layers/*; ls /opq'
	[ "$output" = $'one 1\nd' ]
	run -0 cg_run --rm --pull=never "$IMG:child2" 'cat /layers/*'
	[ "$output" = "two 1" ]
	# A container's overlay: one lowerdir per layer, the init layer on top.
	run -0 "$CGRUN" image inspect "$IMG:child1"
	[ "$(jq -r '.[0].GraphDriver.Data.LowerDir' <<<"$output" | tr ':' '\n' | wc -l)" = 4 ]
	[ "$(jq -r '.[0].RootFS.Layers | length' <<<"$output")" = 4 ]
	[ "$(jq -r '.[0].Config.Entrypoint[0]' <<<"$output")" = /bin/sh ]
	[ "$(jq -r '.[0].RepoTags[0]' <<<"$output")" = "$IMG:child1" ]
	[[ $(jq -r '.[0].Id' <<<"$output") == sha256:* ]]
	run -0 "$CGRUN" image rm "$IMG:child1"
	[ "$(layer_dirs | wc -l)" = 4 ]
	run -0 cg_run --rm --pull=never "$IMG:child2" 'cat /layers/*; ls /opq'
	[ "$output" = $'two 1\nd' ]
	run -0 "$CGRUN" image rm "$IMG:child2"
	[ -z "$(layer_dirs)" ]
	[ -z "$(find "$CGRUN_STORE_DIR/l" -mindepth 1)" ]
	[ -z "$(find "$CGRUN_STORE_DIR/blobs/sha256" -mindepth 1)" ]
}

@test "images lists REPOSITORY TAG IMAGE ID CREATED SIZE; -q the IDs; image ls is the same" {
	local id
	pull -q "$IMG:child1"
	id=$(jq -r .config_digest "$(json_of "$IMG:child1")")
	run -0 "$CGRUN" images
	[[ ${lines[0]} == "REPOSITORY "*" TAG "*" IMAGE ID "*" CREATED "*" SIZE" ]]
	grep -E "^$IMG +child1 +${id:7:12} +[0-9]+ (year|month|week|day|hour|minute|second)s? ago +[0-9.]+[kM]B$" <<<"$output"
	grep -E '^busybox +- +- ' <<<"$output"
	run -0 "$CGRUN" image ls
	grep -F "${id:7:12}" <<<"$output"
	run -0 "$CGRUN" images -q
	grep -qx "${id:7:12}" <<<"$output"
	run -125 --separate-stderr "$CGRUN" images extra
	assert_one_error_line
	run -125 --separate-stderr "$CGRUN" image inspect no-such-image
	assert_one_error_line
}

@test "prune removes the layers and blobs no image uses and dead pulls' leftovers, nothing else" {
	local dead live
	pull -q "$IMG:child1"
	pull -q "$IMG:child2"
	# child1's record gone behind the store's back: its own layer is
	# unreferenced now, and so are its manifest and config.
	rm -rf "$CGRUN_STORE_DIR/images/$(key_of "$IMG:child1")"
	# What a killed pull leaves: a scratch layer of a dead process; and one
	# of a live process, which stays.
	sleep 100 &
	live=$!
	track_pid "$live"
	bash -c 'exit 0' &
	dead=$!
	wait "$dead"
	mkdir -p "$CGRUN_STORE_DIR/layers/.tmp-$(printf 'a%.0s' {1..64})-$dead/diff"
	mkdir -p "$CGRUN_STORE_DIR/layers/.tmp-$(printf 'b%.0s' {1..64})-$live/diff"
	run -0 "$CGRUN" image prune
	[[ $output == "Deleted 1 layer ("*"), 2 blobs, 1 leftover" ]]
	[ "$(layer_dirs | wc -l)" = 4 ]
	[ ! -e "$CGRUN_STORE_DIR/layers/.tmp-$(printf 'a%.0s' {1..64})-$dead" ]
	[ -e "$CGRUN_STORE_DIR/layers/.tmp-$(printf 'b%.0s' {1..64})-$live" ]
	rm -rf "$CGRUN_STORE_DIR/layers/.tmp-$(printf 'b%.0s' {1..64})-$live"
	kill "$live"
	wait "$live" || true
	run -0 cg_run --rm --pull=never "$IMG:child2" 'cat /layers/*'
	[ "$output" = "two 1" ]
	run -0 "$CGRUN" image prune
	[ "$output" = "Deleted 0 layers (0B), 0 blobs, 0 leftovers" ]
}

@test "two pulls of one image at once: both succeed, each layer blob fetched once" {
	local p1 p2 d s1 s2
	reg_token_server --upstream "$REG_ANON" --slow-blobs 400000
	reg_ns env CGRUN_REGISTRY_CA="$REG_DIR/ca.crt" timeout 120 "$CGRUN" pull -q "$FRONT:child1" >"$BATS_TEST_TMPDIR/1" 2>&1 &
	p1=$!
	track_pid "$p1"
	reg_ns env CGRUN_REGISTRY_CA="$REG_DIR/ca.crt" timeout 120 "$CGRUN" pull -q "$FRONT:child1" >"$BATS_TEST_TMPDIR/2" 2>&1 &
	p2=$!
	track_pid "$p2"
	wait "$p1" && s1=0 || s1=$?
	wait "$p2" && s2=0 || s2=$?
	cat "$BATS_TEST_TMPDIR/1" "$BATS_TEST_TMPDIR/2"
	[ "$s1" = 0 ] && [ "$s2" = 0 ]
	for d in $(jq -r '.layers[].digest' "$CGRUN_STORE_DIR/blobs/sha256/$(jq -r .digest "$(json_of "$FRONT:child1")" | cut -d: -f2)"); do
		[ "$(grep -c "GET /v2/$REG_REPO/blobs/$d " "$REG_LOG")" = 1 ] || { grep blobs "$REG_LOG" >&2; false; }
	done
	[ "$(layer_dirs | wc -l)" = 4 ]
	run -0 cg_run --rm --pull=never "$FRONT:child1" 'cat /layers/*'
	[ "$output" = "one 1" ]
}

@test "an image of 63 layers runs: the overlay's options name them by short links" {
	local lower
	run -0 --separate-stderr pull "$IMG:many"
	[[ $stderr == *"(63 layers)"* ]]
	# Their full paths would not fit mount(2)'s page ...
	lower=$("$CGRUN" image inspect "$IMG:many" | jq -r '.[0].GraphDriver.Data.LowerDir')
	[ "$(tr ':' '\n' <<<"$lower" | wc -l)" = 63 ]
	[ "${#lower}" -gt 4096 ]
	# ... "l/" and 26 hex digits each do.
	[ "$(find "$CGRUN_STORE_DIR/l" -mindepth 1 -type l | wc -l)" = 63 ]
	run -0 cg_run --rm --pull=never "$IMG:many" 'cat /layers/many-1 /layers/many-60; ls /layers | wc -l'
	[ "$output" = $'many 1\nmany 60\n60' ]
}

@test "a full disk: one clear line, 125, nothing half-made left" {
	SMALL=$BATS_TEST_TMPDIR/small
	mkdir "$SMALL"
	mount -t tmpfs -o size=1m tmpfs "$SMALL"
	run -125 --separate-stderr env CGRUN_STORE_DIR="$SMALL" nsenter -t "$REG_NS_PID" -n -- \
		env CGRUN_REGISTRY_CA="$REG_DIR/ca.crt" timeout 120 "$CGRUN" pull -q "$IMG:child1"
	assert_one_error_line
	[[ $stderr == *"no space left on device in $SMALL while extracting layer sha256:"*"; free space or run 'cgrun image prune'"* ]]
	[ -z "$(find "$SMALL/layers" -mindepth 1 -maxdepth 1 -name '.tmp-*')" ]
	[ -z "$(find "$SMALL/images" -mindepth 1 -maxdepth 1 2>/dev/null)" ]
	run -0 env CGRUN_STORE_DIR="$SMALL" "$CGRUN" image prune
}

@test "--userns=auto runs layered images: every layer idmapped, 63 of them too" {
	local d=$BATS_TEST_TMPDIR/subid
	mkdir "$d"
	printf 'cgrun:2000000000:131072\n' >"$d/subuid"
	cp "$d/subuid" "$d/subgid"
	export CGRUN_SUBUID_FILE=$d/subuid CGRUN_SUBGID_FILE=$d/subgid
	pull -q "$IMG:child1"
	pull -q "$IMG:many"
	run -0 cg_run --rm --pull=never --userns=auto "$IMG:child1" \
		'cat /layers/*; stat -c %u:%g /layers/one-1 /bin/suid; ls /opq; cat /proc/self/uid_map'
	[ "${lines[0]}" = "one 1" ]
	[ "${lines[1]}" = 0:0 ] && [ "${lines[2]}" = 0:0 ] && [ "${lines[3]}" = d ]
	[[ ${lines[4]} == *" 2000"*" 65536" ]]
	run -0 cg_run --rm --pull=never --userns=auto "$IMG:many" 'cat /layers/many-1 /layers/many-60'
	[ "$output" = $'many 1\nmany 60' ]
}

@test "a layer gone behind the store's back: run says so in one line, pull mends it, rm removes it" {
	local top
	pull -q "$IMG:child1"
	top=$(jq -r '.layers[3]' "$(json_of "$IMG:child1")")
	rm -rf "$CGRUN_STORE_DIR/layers/$top"
	run -125 --separate-stderr cg_run --rm --pull=never "$IMG:child1" true
	assert_one_error_line
	[[ $stderr == *"is damaged (its layer ${top:0:12} is missing)"* ]]
	pull -q "$IMG:child1"
	run -0 cg_run --rm --pull=never "$IMG:child1" 'cat /layers/*'
	[ "$output" = "one 1" ]
	rm -rf "$CGRUN_STORE_DIR/layers/$top"
	run -0 "$CGRUN" image rm "$IMG:child1"
	[ ! -e "$(json_of "$IMG:child1")" ]
	[ -z "$(layer_dirs)" ]
	# No lock file outlives its pull.
	[ -z "$(find "$CGRUN_STORE_DIR/layers" -name '*.lock' -not -name .lock)" ]
}

@test "an image of 153 layers: past mount(2)'s page, one lowerdir+ a layer (Linux 6.8+), else one clear line" {
	add_layers "$REG_DIR/layout" layered huge 150 huge
	reg_ns skopeo --insecure-policy copy -q --dest-cert-dir "$REG_DIR/certs.d" \
		"oci:$REG_DIR/layout:huge" "docker://$REG_ANON/$REG_REPO:huge"
	pull -q "$IMG:huge"
	local v
	v=$(uname -r)
	v=${v%%-*}
	if [ "${v%%.*}" -gt 6 ] || { [ "${v%%.*}" = 6 ] && [ "$(cut -d. -f2 <<<"$v")" -ge 8 ]; }; then
		run -0 cg_run --rm --pull=never "$IMG:huge" 'cat /layers/huge-1 /layers/huge-150; ls /layers | wc -l'
		[ "$output" = $'huge 1\nhuge 150\n150' ]
	else
		run -125 --separate-stderr cg_run --rm --pull=never "$IMG:huge" true
		assert_one_error_line
		[[ $stderr == *"too many layers for one overlay mount on this kernel"* ]]
	fi
}
