# registry_helpers.bash - an offline OCI registry for tests/image/*.bats.
#
# Sourced by a bats file; its setup_file calls reg_setup (and reg_build_images,
# reg_push_images when it wants images), its teardown_file calls reg_teardown.
# Everything runs inside a network namespace of the test file's own (a
# holding process made by `unshare -n`): the registries listen on 127.0.0.1
# there, so nothing touches the host's network. Run commands there with
# `reg_ns CMD...`.
#
# What reg_setup makes, under $REG_DIR (a temp dir):
#   ca.crt/ca.key        a test CA;  server.crt/key: for 127.0.0.1 and localhost
#   other-ca.crt         a CA that signed nothing (for "wrong CA" tests)
#   sign.crt/sign.key    the token signing certificate (the registry's rootcertbundle)
#   htpasswd             user $REG_USER, password $REG_PASS (bcrypt)
#   storage/             the registries' shared storage
# and starts four docker-registry instances over that one storage:
#   $REG_ANON  (127.0.0.1:5000)  anonymous
#   $REG_BASIC (127.0.0.1:5001)  htpasswd Basic auth
#   $REG_TOKEN (127.0.0.1:5002)  token auth, realm https://127.0.0.1:5100/token
#   $REG_PLAIN (127.0.0.1:5003)  anonymous, plain http (an "insecure registry")
# reg_token_server [OPTIONS] starts tests/image/token-server.py on 5100 (the
# token realm, and a fault-injecting front of a registry at $REG_FRONT);
# reg_stop_token_server stops it (call it from teardown).

# need_tool as tests/integration/common.bash has it, when that is not loaded.
if ! declare -F need_tool >/dev/null; then
	need_tool()
	{
		command -v "$1" >/dev/null && return 0
		if [ "${CGRUN_TESTS_NO_SKIP:-0}" = 1 ]; then
			echo "$1 is missing ($2), and CGRUN_TESTS_NO_SKIP=1 makes that a failure" >&2
			return 1
		fi
		skip "$1 is missing ($2)"
	}
fi

REG_IMAGE_DIR=${BATS_TEST_DIRNAME:-$(dirname "${BASH_SOURCE[0]}")}
REG_PY=/usr/bin/python3
REG_USER=tester
REG_PASS=s3cret-pass
REG_ANON=127.0.0.1:5000
REG_BASIC=127.0.0.1:5001
REG_TOKEN=127.0.0.1:5002
REG_PLAIN=127.0.0.1:5003
REG_FRONT=127.0.0.1:5100
REG_CDN_PORT=5101
REG_REPO=test/busybox
# token-server.py logs every request it sees here (reg_token_server empties it).
REG_LOG_NAME=requests.log

# reg_ns CMD...: run CMD in the test file's network namespace.
reg_ns()
{
	nsenter -t "$REG_NS_PID" -n -- "$@"
}

# reg_bg NAME CMD...: start CMD in the namespace in the background, output in
# $REG_DIR/NAME.log, its pid recorded for reg_teardown (and in REG_BG_PID).
reg_bg()
{
	local name=$1
	shift
	nsenter -t "$REG_NS_PID" -n -- "$@" >"$REG_DIR/$name.log" 2>&1 </dev/null &
	REG_BG_PID=$!
	echo "$REG_BG_PID $name" >>"$REG_DIR/pids"
}

# reg_wait_port PORT [PID]: until something listens on 127.0.0.1:PORT (10 s);
# fails at once if PID died.
reg_wait_port()
{
	local port=$1 pid=${2:-} i
	for ((i = 0; i < 200; i++)); do
		if reg_ns bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null; then
			return 0
		fi
		if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
			echo "process $pid died before listening on $port:" >&2
			cat "$REG_DIR"/*.log >&2
			return 1
		fi
		sleep 0.05
	done
	echo "nothing listens on 127.0.0.1:$port after 10 s" >&2
	return 1
}

reg_make_certs()
{
	local d=$REG_DIR
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=cgrun test CA" \
		-keyout "$d/ca.key" -out "$d/ca.crt" \
		-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=cgrun other CA" \
		-keyout "$d/other-ca.key" -out "$d/other-ca.crt" 2>/dev/null
	openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
		-keyout "$d/server.key" -out "$d/server.csr" 2>/dev/null
	printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >"$d/server.ext"
	openssl x509 -req -in "$d/server.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial \
		-days 2 -extfile "$d/server.ext" -out "$d/server.crt" 2>/dev/null
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=cgrun token signer" \
		-keyout "$d/sign.key" -out "$d/sign.crt" 2>/dev/null
	# skopeo's --dest-cert-dir: a directory of *.crt CAs.
	mkdir "$d/certs.d"
	cp "$d/ca.crt" "$d/certs.d/ca.crt"
}

# reg_start_registry NAME PORT none|htpasswd|token [plain]: plain: http://
reg_start_registry()
{
	local name=$1 port=$2 auth=$3 cfg=$REG_DIR/$1.yml
	cat >"$cfg" <<-EOF
	version: 0.1
	log:
	  level: warn
	  accesslog:
	    disabled: true
	storage:
	  filesystem:
	    rootdirectory: $REG_DIR/storage
	  delete:
	    enabled: true
	http:
	  addr: 127.0.0.1:$port
	  secret: cgrun-test-secret
	  tls:
	    certificate: $REG_DIR/server.crt
	    key: $REG_DIR/server.key
	EOF
	if [ "${4:-}" = plain ]; then
		sed -i '/^  tls:$/,$d' "$cfg"
	fi
	case $auth in
	none) ;;
	htpasswd)
		printf 'auth:\n  htpasswd:\n    realm: cgrun-test\n    path: %s\n' "$REG_DIR/htpasswd" >>"$cfg" ;;
	token)
		printf 'auth:\n  token:\n    realm: https://%s/token\n    service: cgrun-test-registry\n    issuer: cgrun-test-issuer\n    rootcertbundle: %s\n' \
			"$REG_FRONT" "$REG_DIR/sign.crt" >>"$cfg" ;;
	esac
	reg_bg "$name" docker-registry serve "$cfg"
	reg_wait_port "$port" "$REG_BG_PID"
}

# reg_need_image_tool: cgrun-image is built beside $CGRUN (cgrun execs it).
reg_need_image_tool()
{
	[ -x "$(dirname "$CGRUN")/cgrun-image" ] || { echo "no cgrun-image beside $CGRUN: make" >&2; return 1; }
}

# reg_setup_images: the registries of reg_setup with the test images built
# and pushed to them: what a file that pulls needs in its setup_file. Plain
# lines, not an && list: errexit (bats' setup_file) must stop each step.
reg_setup_images()
{
	reg_setup
	reg_build_images
	reg_push_images
}

# reg_setup: namespace, certificates, credentials, the three registries.
reg_setup()
{
	local t
	for t in docker-registry skopeo umoci htpasswd openssl nsenter unshare jq; do
		need_tool "$t" "tests/image needs docker-registry skopeo umoci apache2-utils openssl util-linux jq"
	done
	[ -x "$REG_PY" ] && "$REG_PY" -c 'import cryptography' ||
		{ echo "$REG_PY with python3-cryptography is needed" >&2; return 1; }
	REG_DIR=$(mktemp -d /tmp/cgrun-reg.XXXXXX)
	REG_LOG=$REG_DIR/$REG_LOG_NAME
	export REG_DIR REG_LOG
	: >"$REG_DIR/pids"
	unshare -n -- sleep infinity </dev/null >/dev/null 2>&1 &
	REG_NS_PID=$!
	export REG_NS_PID
	echo "$REG_NS_PID netns" >>"$REG_DIR/pids"
	# unshare execs sleep once the namespace is made: wait for that.
	for t in $(seq 100); do
		[ "$(readlink "/proc/$REG_NS_PID/ns/net")" != "$(readlink /proc/self/ns/net)" ] && break
		sleep 0.02
	done
	REG_NETNS=$(readlink "/proc/$REG_NS_PID/ns/net")
	[ "$REG_NETNS" != "$(readlink /proc/self/ns/net)" ] || { echo "no network namespace" >&2; return 1; }
	echo "$REG_NETNS" >"$REG_DIR/netns"
	export REG_NETNS
	reg_ns ip link set lo up
	reg_make_certs
	htpasswd -Bbc "$REG_DIR/htpasswd" "$REG_USER" "$REG_PASS" 2>/dev/null
	mkdir "$REG_DIR/storage"
	reg_start_registry anon 5000 none
	reg_start_registry basic 5001 htpasswd
	reg_start_registry token 5002 token
	reg_start_registry plain 5003 none plain
}

# reg_token_server [token-server.py OPTIONS]: on 5100 (cdn on 5101 when
# --redirect-port is given by the caller), requests logged in $REG_LOG.
reg_token_server()
{
	: >"$REG_LOG"
	reg_bg token-server "$REG_PY" "$REG_IMAGE_DIR/token-server.py" --port "${REG_FRONT#*:}" \
		--cert "$REG_DIR/server.crt" --key "$REG_DIR/server.key" --ca "$REG_DIR/ca.crt" \
		--sign-key "$REG_DIR/sign.key" --sign-cert "$REG_DIR/sign.crt" \
		--storage "$REG_DIR/storage" --log "$REG_LOG" "$@"
	REG_TOKEN_PID=$REG_BG_PID
	reg_wait_port "${REG_FRONT#*:}" "$REG_TOKEN_PID"
}

reg_stop_token_server()
{
	[ -n "${REG_TOKEN_PID:-}" ] || return 0
	kill "$REG_TOKEN_PID" 2>/dev/null || true
	wait "$REG_TOKEN_PID" 2>/dev/null || true
	if reg_alive "$REG_TOKEN_PID"; then
		echo "token server $REG_TOKEN_PID still running" >&2
		return 1
	fi
	REG_TOKEN_PID=
}

# reg_build_images: an OCI layout $REG_DIR/layout with tags
#   base     busybox-static (/bin/busybox and links), /etc/gone, /opq/{a,b}
#   layered  on base, a second layer (umoci's): /etc/gone deleted (whiteout),
#            /opq/a and /opq/b deleted (whiteouts), /opq/c added, a hardlink, a
#            symlink, a setuid file (/bin/suid), a user.* xattr (kept by umoci);
#            config env, entrypoint, cmd, working dir, user, stop signal
#            (SIGUSR1), labels (org.cgrun.test=layered, k=v), exposed
#            ports (8080/tcp, 53/udp); and a third
#            layer (ours): /opq made opaque (.wh..wh..opq) holding only d
#   multi    an index of layered (amd64) and an arm64 twin (same layers, own config)
reg_build_images()
{
	local L=$REG_DIR/layout b=$REG_DIR/bundle a
	umoci init --layout "$L"
	umoci new --image "$L:base"
	umoci unpack --image "$L:base" "$b"
	mkdir -p "$b/rootfs/bin" "$b/rootfs/etc" "$b/rootfs/opq" "$b/rootfs/data"
	cp /bin/busybox "$b/rootfs/bin/busybox"
	for a in sh ls cat echo env id true false sleep stat readlink; do
		ln -s busybox "$b/rootfs/bin/$a"
	done
	echo 'root:x:0:0:root:/root:/bin/sh' >"$b/rootfs/etc/passwd"
	echo 'root:x:0:' >"$b/rootfs/etc/group"
	echo gone >"$b/rootfs/etc/gone"
	echo a >"$b/rootfs/opq/a"
	echo b >"$b/rootfs/opq/b"
	umoci repack --image "$L:base" "$b"
	rm -rf "$b"
	umoci unpack --image "$L:base" "$b"
	rm "$b/rootfs/etc/gone"
	rm -rf "$b/rootfs/opq"
	mkdir "$b/rootfs/opq"
	echo c >"$b/rootfs/opq/c"
	echo data >"$b/rootfs/data/file"
	ln "$b/rootfs/data/file" "$b/rootfs/data/hardlink"
	ln -s ../data/file "$b/rootfs/data/symlink"
	cp /bin/busybox "$b/rootfs/bin/suid"
	chmod 4755 "$b/rootfs/bin/suid"
	setfattr -n user.cgrun -v layered "$b/rootfs/data/file"
	umoci repack --image "$L:layered" "$b"
	rm -rf "$b"
	umoci config --image "$L:layered" --config.env PATH=/bin --config.env CGRUN_TEST=layered \
		--config.entrypoint /bin/sh --config.entrypoint -c --config.cmd 'echo hello' \
		--config.workingdir /data --config.user 0:0 --architecture amd64 --os linux \
		--config.stopsignal SIGUSR1 --config.label org.cgrun.test=layered --config.label k=v \
		--config.exposedports 8080/tcp --config.exposedports 53/udp
	reg_add_opaque_layer "$L"
	reg_make_multi "$L"
	reg_make_zstd "$L"
}

# reg_add_opaque_layer LAYOUT: umoci writes a whiteout per removed file, never
# an opaque marker: append to layered a layer of our own making /opq opaque
# (opq/.wh..wh..opq) with one new file opq/d, so /opq ends up holding d only.
reg_add_opaque_layer()
{
	local L=$1 t=$REG_DIR/opaque mdig cdig diffid ldig lsize csize msize
	mkdir -p "$t/opq"
	: >"$t/opq/.wh..wh..opq"
	echo d >"$t/opq/d"
	tar -C "$t" --numeric-owner --owner=0 --group=0 --mtime=@0 -cf "$REG_DIR/opaque.tar" opq
	diffid=sha256:$(sha256sum <"$REG_DIR/opaque.tar" | cut -d' ' -f1)
	gzip -n <"$REG_DIR/opaque.tar" >"$REG_DIR/opaque.tar.gz"
	lsize=$(stat -c %s "$REG_DIR/opaque.tar.gz")
	ldig=$(reg_blob_put "$L" "$REG_DIR/opaque.tar.gz")
	rm -rf "$t" "$REG_DIR/opaque.tar"
	mdig=$(jq -r '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == "layered") | .digest' "$L/index.json")
	cdig=$(jq -r .config.digest "$L/blobs/sha256/${mdig#sha256:}")
	jq -c --arg d "$diffid" '.rootfs.diff_ids += [$d] |
		.history += [{created: "1970-01-01T00:00:00Z", created_by: "registry_helpers.bash: opaque /opq"}]' \
		"$L/blobs/sha256/${cdig#sha256:}" >"$REG_DIR/cfg"
	csize=$(stat -c %s "$REG_DIR/cfg")
	cdig=$(reg_blob_put "$L" "$REG_DIR/cfg")
	jq -c --arg c "$cdig" --argjson cs "$csize" --arg l "$ldig" --argjson ls "$lsize" \
		'.config.digest = $c | .config.size = $cs | .layers += [{
		mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: $l, size: $ls}]' \
		"$L/blobs/sha256/${mdig#sha256:}" >"$REG_DIR/m"
	msize=$(stat -c %s "$REG_DIR/m")
	mdig=$(reg_blob_put "$L" "$REG_DIR/m")
	jq -c --arg d "$mdig" --argjson s "$msize" '.manifests |= map(
		if .annotations["org.opencontainers.image.ref.name"] == "layered" then .digest = $d | .size = $s else . end)' \
		"$L/index.json" >"$REG_DIR/index.json"
	mv "$REG_DIR/index.json" "$L/index.json"
}

# reg_make_zstd LAYOUT: tag zstd, layered with its layers recompressed with zstd.
reg_make_zstd()
{
	local L=$1 mdig m d dz sz
	mdig=$(jq -r '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == "layered") | .digest' "$L/index.json")
	m=$(cat "$L/blobs/sha256/${mdig#sha256:}")
	for d in $(jq -r '.layers[].digest' <<<"$m"); do
		gzip -dc "$L/blobs/sha256/${d#sha256:}" | zstd -q -c >"$REG_DIR/layer.zst"
		sz=$(stat -c %s "$REG_DIR/layer.zst")
		dz=$(reg_blob_put "$L" "$REG_DIR/layer.zst")
		m=$(jq -c --arg d "$d" --arg dz "$dz" --argjson sz "$sz" '.layers |= map(if .digest == $d then
			.digest = $dz | .size = $sz | .mediaType = "application/vnd.oci.image.layer.v1.tar+zstd" else . end)' <<<"$m")
	done
	printf '%s' "$m" >"$REG_DIR/mz"
	sz=$(stat -c %s "$REG_DIR/mz")
	d=$(reg_blob_put "$L" "$REG_DIR/mz")
	jq -c --arg d "$d" --argjson s "$sz" '.manifests += [{
		mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $d, size: $s,
		annotations: {"org.opencontainers.image.ref.name": "zstd"}}]' "$L/index.json" >"$REG_DIR/index.json"
	mv "$REG_DIR/index.json" "$L/index.json"
}

# reg_blob_put LAYOUT FILE: move FILE into LAYOUT's blobs; prints its digest.
reg_blob_put()
{
	local hex
	hex=$(sha256sum "$2" | cut -d' ' -f1)
	mv "$2" "$1/blobs/sha256/$hex"
	echo "sha256:$hex"
}

reg_make_multi()
{
	local L=$1 mdesc mdig cfg cfg2 m2 idx
	mdesc=$(jq -c '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == "layered")' "$L/index.json")
	mdig=$(jq -r .digest <<<"$mdesc")
	cfg=$(jq -r .config.digest "$L/blobs/sha256/${mdig#sha256:}")
	jq -c '.architecture = "arm64" | .variant = "v8"' "$L/blobs/sha256/${cfg#sha256:}" >"$REG_DIR/cfg2"
	cfg2=$(reg_blob_put "$L" "$REG_DIR/cfg2")
	jq -c --arg d "$cfg2" --argjson s "$(stat -c %s "$L/blobs/sha256/${cfg2#sha256:}")" \
		'.config.digest = $d | .config.size = $s' "$L/blobs/sha256/${mdig#sha256:}" >"$REG_DIR/m2"
	local m2size
	m2size=$(stat -c %s "$REG_DIR/m2")
	m2=$(reg_blob_put "$L" "$REG_DIR/m2")
	jq -n -c --argjson m1 "$mdesc" --arg d2 "$m2" --argjson s2 "$m2size" '{
		schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json",
		manifests: [
			($m1 | del(.annotations) | .platform = {architecture: "amd64", os: "linux"}),
			{mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $d2, size: $s2,
			 platform: {architecture: "arm64", os: "linux", variant: "v8"}}]}' >"$REG_DIR/idx"
	local isize
	isize=$(stat -c %s "$REG_DIR/idx")
	idx=$(reg_blob_put "$L" "$REG_DIR/idx")
	jq -c --arg d "$idx" --argjson s "$isize" '.manifests += [{
		mediaType: "application/vnd.oci.image.index.v1+json", digest: $d, size: $s,
		annotations: {"org.opencontainers.image.ref.name": "multi"}}]' "$L/index.json" >"$REG_DIR/index.json"
	mv "$REG_DIR/index.json" "$L/index.json"
}

# reg_push_images: into $REG_REPO on the anonymous registry (all three
# registries share the storage), tags:
#   v2s2 (docker v2 schema 2, gzip), oci (OCI, gzip), zstd (OCI, zstd),
#   multi (the two-platform OCI index, every platform copied).
reg_push_images()
{
	local L=$REG_DIR/layout dst="docker://$REG_ANON/$REG_REPO"
	local sk=(skopeo --insecure-policy copy -q --dest-cert-dir "$REG_DIR/certs.d")
	reg_ns "${sk[@]}" --format v2s2 "oci:$L:layered" "$dst:v2s2"
	reg_ns "${sk[@]}" --format oci "oci:$L:layered" "$dst:oci"
	# skopeo 1.9.3 has --dest-compress-format zstd but reuses the gzip layer
	# the registry already has instead: the layout's zstd tag is pushed as is.
	reg_ns "${sk[@]}" "oci:$L:zstd" "$dst:zstd"
	reg_ns "${sk[@]}" --all --format oci "oci:$L:multi" "$dst:multi"
}

# reg_blob_path DIGEST: the blob's file in the registries' storage.
reg_blob_path()
{
	local hex=${1#sha256:}
	echo "$REG_DIR/storage/docker/registry/v2/blobs/sha256/${hex:0:2}/$hex/data"
}

# reg_alive PID: running (a zombie nobody reaped yet is not).
reg_alive()
{
	local st
	st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$st" ] && [ "$st" != Z ]
}

# reg_tag_manifest TAG: the digest TAG points to in the storage (read from
# the registry's own files, not through the client under test).
reg_tag_manifest()
{
	cat "$REG_DIR/storage/docker/registry/v2/repositories/$REG_REPO/_manifests/tags/$1/current/link"
}

# reg_plant_blob CONTENT_FILE: store CONTENT_FILE's bytes in the storage under
# a digest that is NOT theirs, linked into $REG_REPO as a layer and as a
# manifest revision (the registry serves stored bytes without re-hashing).
# Prints that digest.
reg_plant_blob()
{
	local hex st=$REG_DIR/storage/docker/registry/v2
	hex=$( (cat "$1"; echo planted) | sha256sum | cut -d' ' -f1)
	mkdir -p "$st/blobs/sha256/${hex:0:2}/$hex" "$st/repositories/$REG_REPO/_layers/sha256/$hex" \
		"$st/repositories/$REG_REPO/_manifests/revisions/sha256/$hex"
	cp "$1" "$st/blobs/sha256/${hex:0:2}/$hex/data"
	printf 'sha256:%s' "$hex" >"$st/repositories/$REG_REPO/_layers/sha256/$hex/link"
	printf 'sha256:%s' "$hex" >"$st/repositories/$REG_REPO/_manifests/revisions/sha256/$hex/link"
	echo "sha256:$hex"
}

# reg_teardown: stop every process started, check none is left in the
# namespace, remove the temp dir. Safe to call after a failed reg_setup.
reg_teardown()
{
	local pid name leaked=0 p
	[ -n "${REG_DIR:-}" ] && [ -d "$REG_DIR" ] || return 0
	if [ -f "$REG_DIR/pids" ]; then
		while read -r pid name; do
			kill "$pid" 2>/dev/null || true
		done <"$REG_DIR/pids"
		while read -r pid name; do
			for ((p = 0; p < 100; p++)); do
				reg_alive "$pid" || break
				sleep 0.05
			done
			wait "$pid" 2>/dev/null || true
			if reg_alive "$pid"; then
				echo "leak: $name ($pid) still running after SIGTERM" >&2
				kill -KILL "$pid" 2>/dev/null || true
				leaked=1
			fi
		done <"$REG_DIR/pids"
	fi
	# Anything still in our namespace was started by this file's tests.
	if [ -n "${REG_NETNS:-}" ]; then
		for p in /proc/[0-9]*; do
			if [ "$(readlink "$p/ns/net" 2>/dev/null)" = "$REG_NETNS" ]; then
				echo "leak: ${p#/proc/} ($(cat "$p/comm" 2>/dev/null)) left in the test namespace" >&2
				kill -KILL "${p#/proc/}" 2>/dev/null || true
				leaked=1
			fi
		done
	fi
	rm -rf "$REG_DIR"
	[ ! -e "$REG_DIR" ] || { echo "leak: $REG_DIR not removed" >&2; leaked=1; }
	return "$leaked"
}
