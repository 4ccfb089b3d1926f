#!/usr/bin/env bats
# cgrun image load and save (issue 17 part 6), against Debian's skopeo and
# podman: archives skopeo writes (oci-archive:, docker-archive:, an OCI
# layout in a tar; plain, gzip, zstd, xz) loaded and run; what cgrun saves
# read by skopeo and loaded by podman (a private storage, removed after),
# and loaded back. Malicious or broken archives: one line, 125, the store
# as it was. Images are built with umoci by registry_helpers.bash's
# reg_build_images; no registry, no network.

load ../integration/helpers
load registry_helpers

REF=docker.io/test/app

setup_file()
{
	cg_setup_file
	[ -x "$(dirname "$CGRUN")/cgrun-image" ] || { echo "no cgrun-image beside $CGRUN: make" >&2; return 1; }
	local t
	for t in skopeo umoci podman jq setfattr zstd xz; do
		need_tool "$t" "tests/image/archive.bats needs skopeo umoci podman jq attr zstd xz-utils"
	done
	REG_DIR=$(mktemp -d /tmp/cgrun-archive.XXXXXX)
	export REG_DIR
	reg_build_images
	local L=$REG_DIR/layout sk=(skopeo --insecure-policy copy -q)
	"${sk[@]}" "oci:$L:layered" "oci-archive:$REG_DIR/oci.tar:test/app:oci"
	"${sk[@]}" "oci:$L:layered" "docker-archive:$REG_DIR/docker.tar:test/app:docker"
	tar -C "$L" -cf "$REG_DIR/layout.tar" .
}

teardown_file()
{
	[ -z "${REG_DIR:-}" ] || rm -rf "$REG_DIR"
	cg_teardown_file
}

setup()
{
	cg_setup
	T=$BATS_TEST_TMPDIR
	PODMAN_DIR=$(mktemp -d /var/tmp/cgrun-podman.XXXXXX)
}

teardown()
{
	local ret=0
	if compgen -G "$CGRUN_STORE_DIR/images/.tmp-*" >/dev/null ||
		compgen -G "$CGRUN_STORE_DIR/layers/.tmp-*" >/dev/null; then
		echo "leaked staging dir: $(echo "$CGRUN_STORE_DIR"/images/.tmp-* "$CGRUN_STORE_DIR"/layers/.tmp-*)" >&2
		ret=1
	fi
	if [ -n "${PODMAN_DIR:-}" ]; then
		podman_cmd image unmount --all >/dev/null 2>&1 || true
		rm -rf "$PODMAN_DIR"
		[ ! -e "$PODMAN_DIR" ] || { echo "leak: $PODMAN_DIR" >&2; ret=1; }
		if grep -qF -- "$PODMAN_DIR" /proc/self/mountinfo; then
			echo "leak: mounts under $PODMAN_DIR" >&2
			ret=1
		fi
	fi
	cg_teardown || ret=1
	return "$ret"
}

# podman_cmd ARGS...: podman with a storage of this test's own.
podman_cmd()
{
	timeout 120 podman --root "$PODMAN_DIR/root" --runroot "$PODMAN_DIR/runroot" --storage-driver vfs \
		--cgroup-manager cgroupfs --events-backend none "$@"
}

# store_files: every path in the store but the layers' insides, sorted.
store_files() { find "$CGRUN_STORE_DIR" -path "$CGRUN_STORE_DIR/layers/*/diff/*" -prune -o -print | sort; }

# The layered image's files as a container sees them (registry_helpers.bash
# says what its layers hold), and its config applied.
check_layered()
{
	run -0 cg_run --rm --pull=never "$1"
	[ "$output" = hello ]
	run -0 cg_run --rm --pull=never "$1" 'echo $CGRUN_TEST $PATH; pwd'
	[ "$output" = $'layered /bin\n/data' ]
	run -0 cg_run --rm --pull=never -w / "$1" \
		'test ! -e /etc/gone && ls /opq && stat -c %h /data/file && stat -c %i /data/file /data/hardlink | uniq | wc -l; readlink /data/symlink; stat -c %a:%u /bin/suid; cat /data/file'
	[ "$output" = $'d\n2\n1\n../data/file\n4755:0\ndata' ]
}

# refused ARCHIVE PATTERN: image load fails with one line matching
# PATTERN, 125, and the store is as it was.
refused()
{
	store_files >"$T/before"
	run --separate-stderr "$CGRUN" image load -q -i "$1"
	echo "status=$status stdout=$output stderr=$stderr" >&2
	[ "$status" = 125 ]
	[ -z "$output" ]
	[ "$(printf '%s\n' "$stderr" | wc -l)" = 1 ]
	[[ $stderr == *$2* ]]
	store_files >"$T/after"
	diff "$T/before" "$T/after"
}

# pytar OUT NAME=FILE...: a tar holding FILE as member NAME, whatever NAME is.
pytar()
{
	python3 - "$@" <<'PY'
import sys, tarfile
with tarfile.open(sys.argv[1], "w", format=tarfile.PAX_FORMAT) as t:
    for arg in sys.argv[2:]:
        name, path = arg.split("=", 1)
        ti = t.gettarinfo(path, arcname="x")
        ti.name = name
        with open(path, "rb") as f:
            t.addfile(ti, f)
PY
}

# legacy_archive OUT LAYER.tar: a docker save archive (legacy layout) of one
# layer, its config's diff_id the layer's sha256 (or $DIFF_ID when set).
legacy_archive()
{
	local d=$T/legacy diff
	rm -rf "$d"
	mkdir -p "$d/l"
	cp "$2" "$d/l/layer.tar"
	diff=${DIFF_ID:-sha256:$(sha256sum <"$2" | cut -d' ' -f1)}
	printf '{"architecture":"amd64","os":"linux","config":{"Cmd":["/bin/sh"]},"rootfs":{"type":"layers","diff_ids":["%s"]}}' \
		"$diff" >"$d/cfg"
	local hex
	hex=$(sha256sum <"$d/cfg" | cut -d' ' -f1)
	mv "$d/cfg" "$d/$hex.json"
	printf '[{"Config":"%s.json","RepoTags":["evil:1"],"Layers":["l/layer.tar"]}]' "$hex" >"$d/manifest.json"
	tar -C "$d" -cf "$1" manifest.json "$hex.json" l
}

@test "skopeo's oci-archive and docker-archive load (from a file and stdin) and run: layers, whiteouts, config" {
	run -0 --separate-stderr "$CGRUN" image load -i "$REG_DIR/oci.tar"
	[ "$output" = "Loaded image: $REF:oci" ]
	[[ $stderr == *": loaded"* ]]
	check_layered "$REF:oci"
	# The same layers again, from stdin, quiet: nothing new in layers/.
	ls "$CGRUN_STORE_DIR/layers" >"$T/layers-before"
	run -0 --separate-stderr "$CGRUN" image load -q <"$REG_DIR/docker.tar"
	[ "$output" = "Loaded image: $REF:docker" ]
	[ -z "$stderr" ]
	ls "$CGRUN_STORE_DIR/layers" >"$T/layers-after"
	diff "$T/layers-before" "$T/layers-after"
	check_layered test/app:docker
	# What image ls and inspect say of it.
	run -0 "$CGRUN" image inspect "$REF:docker"
	[ "$(jq -r '.[0].Config.Env | join(",")' <<<"$output")" = "PATH=/bin,CGRUN_TEST=layered" ]
	[ "$(jq -r '.[0].RootFS.Layers | length' <<<"$output")" = 3 ]
	"$CGRUN" image rm "$REF:oci" "$REF:docker" >/dev/null
}

@test "an OCI layout in a tar: nameless entries stored by ID, an index resolved to this platform, zstd layers" {
	run -0 --separate-stderr "$CGRUN" image load -q -i "$REG_DIR/layout.tar"
	# base, layered, multi (its amd64 manifest is layered's) and zstd (layered's config).
	[ "$(grep -c '^Loaded image ID: sha256:[0-9a-f]\{64\}$' <<<"$output")" = 4 ]
	[ "$(sort -u <<<"$output" | wc -l)" = 2 ]
	local L=$REG_DIR/layout mdig cfg
	mdig=$(jq -r '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == "layered") | .digest' "$L/index.json")
	cfg=$(jq -r .config.digest "$L/blobs/sha256/${mdig#sha256:}")
	grep -qx "Loaded image ID: $cfg" <<<"$output"
	local ids
	ids=$(sed 's/.*sha256://' <<<"$output" | sort -u)
	check_layered "${cfg#sha256:}"
	# shellcheck disable=SC2086
	"$CGRUN" image rm $ids >/dev/null
}

@test "gzip, zstd and xz-compressed archives load alike" {
	gzip -c "$REG_DIR/docker.tar" >"$T/a.tar.gz"
	zstd -q -c "$REG_DIR/oci.tar" >"$T/a.tar.zst"
	xz -c "$REG_DIR/docker.tar" >"$T/a.tar.xz"
	local f
	for f in a.tar.gz a.tar.zst a.tar.xz; do
		run -0 "$CGRUN" image load -q -i - <"$T/$f"
		[[ $output == "Loaded image: $REF:"* ]]
	done
	check_layered "$REF:docker"
	"$CGRUN" image rm "$REF:oci" "$REF:docker" >/dev/null
}

@test "image save: skopeo reads it, podman loads it with the same files and config, cgrun loads it back" {
	"$CGRUN" image load -q -i "$REG_DIR/oci.tar" >/dev/null
	run -0 --separate-stderr "$CGRUN" image save -o "$T/s.tar" "$REF:oci"
	[ -z "$output" ]
	[ ! -e "$T/s.tar.tmp-"* ]
	run -0 tar -tf "$T/s.tar"
	[[ $output == *oci-layout*index.json*manifest.json* ]]
	[ "$(tar -xOf "$T/s.tar" index.json | jq -r '.manifests[0].annotations["org.opencontainers.image.ref.name"]')" = "$REF:oci" ]
	[ "$(tar -xOf "$T/s.tar" index.json | jq -r '.manifests[0].annotations["io.containerd.image.name"]')" = "$REF:oci" ]
	# skopeo: the layout and its blobs (it checks every digest on copy).
	run -0 skopeo inspect "oci-archive:$T/s.tar:$REF:oci"
	[ "$(jq -r '.Layers | length' <<<"$output")" = 3 ]
	run -0 skopeo inspect --config "oci-archive:$T/s.tar:$REF:oci"
	[ "$(jq -r '.config.Entrypoint | join(" ")' <<<"$output")" = "/bin/sh -c" ]
	[ "$(jq -r '.config.WorkingDir' <<<"$output")" = /data ]
	skopeo --insecure-policy copy -q "oci-archive:$T/s.tar:$REF:oci" "dir:$T/dir"
	skopeo --insecure-policy copy -q "docker-archive:$T/s.tar" "dir:$T/dir2"
	# podman: loaded, its config and files as cgrun had them.
	run -0 podman_cmd load -q -i "$T/s.tar"
	[[ $output == *"Loaded image"*"$REF:oci"* ]]
	run -0 podman_cmd image inspect --format '{{json .Config}}' "$REF:oci"
	[[ $(jq -r '.Env | join(",")' <<<"$output") == "PATH=/bin,CGRUN_TEST=layered" ]]
	[[ $(jq -r '.Cmd | join(" ")' <<<"$output") == "echo hello" ]]
	local m
	m=$(podman_cmd image mount "$REF:oci")
	[ -d "$m/data" ]
	[ ! -e "$m/etc/gone" ]
	[ "$(ls "$m/opq")" = d ]
	[ "$(stat -c %i "$m/data/file")" = "$(stat -c %i "$m/data/hardlink")" ]
	[ "$(readlink "$m/data/symlink")" = ../data/file ]
	[ "$(stat -c %a:%u "$m/bin/suid")" = 4755:0 ]
	[ "$(getfattr --only-values -n user.cgrun "$m/data/file")" = layered ]
	podman_cmd image unmount "$REF:oci" >/dev/null
	# What podman saves of it (docker-archive, its default, and oci-archive) loads into cgrun.
	podman_cmd save -q -o "$T/p-docker.tar" "$REF:oci"
	podman_cmd save -q --format oci-archive -o "$T/p-oci.tar" "$REF:oci"
	"$CGRUN" image rm "$REF:oci" >/dev/null
	run -0 "$CGRUN" image load -q -i "$T/p-docker.tar"
	[ "$output" = "Loaded image: $REF:oci" ]
	check_layered "$REF:oci"
	"$CGRUN" image rm "$REF:oci" >/dev/null
	run -0 "$CGRUN" image load -q -i "$T/p-oci.tar"
	[ "$output" = "Loaded image: $REF:oci" ]  # podman's ref.name is the whole name
	check_layered "$REF:oci"
	# Back into cgrun, under the same name: the same files.
	"$CGRUN" image rm "$REF:oci" >/dev/null
	run -0 "$CGRUN" image load -q -i "$T/s.tar"
	[ "$output" = "Loaded image: $REF:oci" ]
	check_layered "$REF:oci"
	# Saved twice, the same bytes; to a pipe as to a file.
	"$CGRUN" image save "$REF:oci" | cat >"$T/s2.tar"
	"$CGRUN" image save -o "$T/s3.tar" "$REF:oci"
	cmp "$T/s2.tar" "$T/s3.tar"
	"$CGRUN" image rm "$REF:oci" >/dev/null
}

@test "image save of an imported image (a rootfs directory): podman and cgrun load it" {
	mkdir -p "$T/rootfs/bin" "$T/rootfs/etc"
	cp /bin/busybox "$T/rootfs/bin/busybox"
	ln -s busybox "$T/rootfs/bin/sh"
	echo imported >"$T/rootfs/etc/marker"
	"$CGRUN" image import imp "$T/rootfs" >/dev/null
	run -0 "$CGRUN" image save -o "$T/i.tar" imp
	run -0 skopeo inspect --config "oci-archive:$T/i.tar:docker.io/library/imp:latest"
	[ "$(jq -r '.rootfs.diff_ids | length' <<<"$output")" = 1 ]
	run -0 podman_cmd load -q -i "$T/i.tar"
	local m
	m=$(podman_cmd image mount docker.io/library/imp:latest)
	[ "$(cat "$m/etc/marker")" = imported ]
	podman_cmd image unmount docker.io/library/imp:latest >/dev/null
	run -0 "$CGRUN" image load -q -i "$T/i.tar"
	[ "$output" = "Loaded image: docker.io/library/imp:latest" ]
	run -0 cg_run --rm --pull=never docker.io/library/imp:latest /bin/busybox cat /etc/marker
	[ "$output" = imported ]
	"$CGRUN" image rm imp docker.io/library/imp:latest >/dev/null
}

@test "image save refuses a terminal, an unknown image; a failed save leaves no file" {
	run -125 --separate-stderr script -qec "$CGRUN image save busybox" /dev/null
	[[ $output == *"refusing to write an image archive to a terminal"* ]]
	run -125 --separate-stderr "$CGRUN" image save -o "$T/x.tar" no-such-image
	[[ $stderr == *"image 'no-such-image' not found"* ]]
	[ "$(printf '%s\n' "$stderr" | wc -l)" = 1 ]
	! compgen -G "$T/x.tar*"
}

@test "malicious and broken archives: one line, 125, the store as it was, nothing written outside" {
	"$CGRUN" image load -q -i "$REG_DIR/oci.tar" >/dev/null  # the store's dirs exist
	echo hi >"$T/f"
	# Member names that leave the archive.
	pytar "$T/dotdot.tar" "../escape=$T/f"
	refused "$T/dotdot.tar" "archive member '../escape'"
	pytar "$T/abs.tar" "/abs=$T/f"
	refused "$T/abs.tar" "archive member '/abs'"
	# A manifest naming a layer that is not there.
	printf '[{"Config":"c.json","RepoTags":["x:1"],"Layers":["nope/layer.tar"]}]' >"$T/manifest.json"
	echo '{}' >"$T/c.json"
	pytar "$T/missing.tar" "manifest.json=$T/manifest.json" "c.json=$T/c.json"
	refused "$T/missing.tar" "is not in the archive"
	# A blob whose content is not its digest.
	mkdir "$T/bad"
	tar -C "$T/bad" -xf "$REG_DIR/oci.tar"
	local big
	big=$(ls -S "$T/bad/blobs/sha256" | head -1)
	gzip -dc "$T/bad/blobs/sha256/$big" | gzip -1 >"$T/re.gz"
	mv "$T/re.gz" "$T/bad/blobs/sha256/$big"
	tar -C "$T/bad" -cf "$T/wrongdigest.tar" .
	refused "$T/wrongdigest.tar" "its content's digest is"
	# A layer whose diff_id is not its config's.
	python3 "$BATS_TEST_DIRNAME/mktar.py" "$T/ok-layer.tar" <<<"file hello data=hi"
	DIFF_ID=sha256:$(printf '%064d' 0) legacy_archive "$T/diffid.tar" "$T/ok-layer.tar"
	refused "$T/diffid.tar" "but the image's config says"
	# A layer with path traversal, and one with an absolute symlink written through.
	python3 "$BATS_TEST_DIRNAME/mktar.py" "$T/evil-layer.tar" <<<"file ../../../../tmp/cgrun-archive-escape data=x"
	legacy_archive "$T/traversal.tar" "$T/evil-layer.tar"
	refused "$T/traversal.tar" "layer 'l/layer.tar'"
	[ ! -e /tmp/cgrun-archive-escape ]
	printf 'symlink out target=/tmp\nfile out/cgrun-archive-escape2 data=x\n' |
		python3 "$BATS_TEST_DIRNAME/mktar.py" "$T/evil2.tar"
	legacy_archive "$T/symlink.tar" "$T/evil2.tar"
	refused "$T/symlink.tar" "layer 'l/layer.tar'"
	[ ! -e /tmp/cgrun-archive-escape2 ]
	# Not an archive at all; an empty file; a directory; a tar without a manifest.
	head -c 4096 /dev/urandom >"$T/random"
	refused "$T/random" "not an image archive"
	: >"$T/empty"
	refused "$T/empty" "not an image archive"
	refused "$T" "is a directory"
	pytar "$T/nomanifest.tar" "hello=$T/f"
	refused "$T/nomanifest.tar" "neither manifest.json"
	refused "$T/no-such-file" "cannot read"
	"$CGRUN" image rm "$REF:oci" >/dev/null
}

@test "one archive, two names: both stored; a load killed mid-archive leaves nothing the next one trips on" {
	"$CGRUN" image load -q -i "$REG_DIR/oci.tar" >/dev/null
	"$CGRUN" image load -q -i "$REG_DIR/docker.tar" >/dev/null
	"$CGRUN" image save -o "$T/two.tar" "$REF:oci" "$REF:docker"
	"$CGRUN" image rm "$REF:oci" "$REF:docker" >/dev/null
	# Killed while it reads: a writer that stops half-way and waits.
	mkfifo "$T/fifo"
	{ head -c 1500000 "$T/two.tar"; exec sleep 60; } >"$T/fifo" &
	local writer=$! loader i
	echo "$writer" >>"$BATS_TEST_TMPDIR/.cg-pids"
	"$CGRUN" image load -q -i "$T/fifo" &
	loader=$!
	for ((i = 0; i < 100; i++)); do
		compgen -G "$CGRUN_STORE_DIR/layers/.tmp-load-*/0/diff/*" >/dev/null && break
		sleep 0.1
	done
	compgen -G "$CGRUN_STORE_DIR/layers/.tmp-load-*" >/dev/null
	kill -KILL "$loader"
	wait "$loader" || true
	kill "$writer"
	wait "$writer" || true
	# The next load cleans up after it, and stores both names.
	run -0 "$CGRUN" image load -q -i "$T/two.tar"
	[ "$output" = "Loaded image: $REF:oci"$'\n'"Loaded image: $REF:docker" ]
	! compgen -G "$CGRUN_STORE_DIR/layers/.tmp-load-*"
	check_layered "$REF:docker"
	"$CGRUN" image rm "$REF:oci" "$REF:docker" >/dev/null
}

@test "memory stays bounded: a 96 MiB layer before its manifest, gzip-compressed, through a pipe" {
	local d=$T/big diff rss
	mkdir -p "$d/l"
	python3 "$BATS_TEST_DIRNAME/mktar.py" "$d/l/layer.tar" <<<"file big zeros=100663296"
	diff=sha256:$(sha256sum <"$d/l/layer.tar" | cut -d' ' -f1)
	printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["%s"]}}' "$diff" >"$d/c.json"
	printf '[{"Config":"c.json","RepoTags":["big:1"],"Layers":["l/layer.tar"]}]' >"$d/manifest.json"
	tar -C "$d" -cf - l c.json manifest.json | gzip -1 >"$T/big.tar.gz"
	rm -rf "$d"
	run --separate-stderr /usr/bin/time -f 'maxrss_kb=%M' "$CGRUN" image load -q -i - <"$T/big.tar.gz"
	[ "$status" = 0 ]
	[ "$output" = "Loaded image: docker.io/library/big:1" ]
	rss=$(printf '%s\n' "$stderr" | sed -n 's/^maxrss_kb=//p')
	echo "peak RSS ${rss} kB" >&2
	[ "$rss" -lt 32768 ]
	"$CGRUN" image rm big:1 >/dev/null
}
