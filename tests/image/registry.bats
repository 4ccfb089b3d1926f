#!/usr/bin/env bats
# The registry client (src/image/registry.c) through its driver
# tests/image/registry-get (make check builds it; `make tests/image/registry-get`
# alone is enough) against docker-registry in a network namespace of this
# file's own (registry_helpers.bash). Run: bats tests/image/registry.bats

load registry_helpers

OCI=application/vnd.oci.image.manifest.v1+json
V2S2=application/vnd.docker.distribution.manifest.v2+json
INDEX=application/vnd.oci.image.index.v1+json

setup_file()
{
	GET=${REGISTRY_GET:-$BATS_TEST_DIRNAME/registry-get}
	[ -x "$GET" ] || { echo "$GET is not built: make tests/image/registry-get" >&2; return 1; }
	export GET
	reg_setup_images
	# The OCI image's manifest and its first layer, from the registry's files.
	MDIG=$(reg_tag_manifest oci)
	LAYER=$(jq -r '.layers[0].digest' "$(reg_blob_path "$MDIG")")
	LAYER_SIZE=$(jq -r '.layers[0].size' "$(reg_blob_path "$MDIG")")
	export MDIG LAYER LAYER_SIZE
}

teardown_file()
{
	reg_teardown
}

teardown()
{
	reg_stop_token_server
	rm -f "$BATS_TEST_TMPDIR"/out*
}

# get [OPTIONS] HOST STEP...: the driver in the namespace, trusting the test CA.
get()
{
	reg_ns "$GET" --ca "$REG_DIR/ca.crt" --accept "$OCI" --accept "$V2S2" --accept "$INDEX" "$@"
}

# blob_ok FILE: FILE holds exactly the layer.
blob_ok()
{
	cmp "$1" "$(reg_blob_path "$LAYER")"
	[ "sha256:$(sha256sum <"$1" | cut -d' ' -f1)" = "$LAYER" ]
}

@test "anonymous: manifests by tag and by digest, with the digest of the exact bytes" {
	run get "$REG_ANON" "$REG_REPO" manifest oci
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "content-type: $OCI" ]
	[ "${lines[1]}" = "digest: $MDIG" ]
	get "$REG_ANON" "$REG_REPO" manifest oci | tail -n +3 | head -c -1 | cmp - "$(reg_blob_path "$MDIG")"
	run get "$REG_ANON" "$REG_REPO" manifest "$MDIG"
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = "digest: $MDIG" ]
	run get "$REG_ANON" "$REG_REPO" manifest v2s2
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "content-type: $V2S2" ]
	[ "${lines[1]}" = "digest: $(reg_tag_manifest v2s2)" ]
	run get "$REG_ANON" "$REG_REPO" manifest multi
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "content-type: $INDEX" ]
	[ "$(tail -n +3 <<<"$output" | jq -r '[.manifests[].platform.architecture] | join(",")')" = amd64,arm64 ]
	run get "$REG_ANON" "$REG_REPO" manifest zstd
	[ "$status" -eq 0 ]
	[ "$(tail -n +3 <<<"$output" | jq -r '.layers[0].mediaType')" = application/vnd.oci.image.layer.v1.tar+zstd ]
}

@test "anonymous: an unknown tag is one clear line from the registry's errors body" {
	run get "$REG_ANON" "$REG_REPO" manifest nosuchtag
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == "registry-get: registry $REG_ANON: manifest unknown"*"HTTP 404"* ]]
}

@test "anonymous: a blob streamed, its size and sha256 checked" {
	get "$REG_ANON" "$REG_REPO" blob "$LAYER" "$LAYER_SIZE" >"$BATS_TEST_TMPDIR/out"
	blob_ok "$BATS_TEST_TMPDIR/out"
	# Size unknown (-1): still the whole blob, digest checked.
	get "$REG_ANON" "$REG_REPO" blob "$LAYER" -1 >"$BATS_TEST_TMPDIR/out"
	blob_ok "$BATS_TEST_TMPDIR/out"
	# A wrong size is refused.
	run get "$REG_ANON" "$REG_REPO" blob "$LAYER" $((LAYER_SIZE - 1))
	[ "$status" -eq 1 ]
	[[ "$output" == *"more than the $((LAYER_SIZE - 1)) bytes expected"* ]]
}

@test "a blob or manifest whose bytes do not hash to the digest asked for is refused" {
	# A real manifest's bytes (the registry parses manifests it serves).
	cp "$(reg_blob_path "$MDIG")" "$BATS_TEST_TMPDIR/planted"
	bad=$(reg_plant_blob "$BATS_TEST_TMPDIR/planted")
	run reg_ns "$GET" --ca "$REG_DIR/ca.crt" "$REG_ANON" "$REG_REPO" blob "$bad" -1
	[ "$status" -eq 1 ]
	[[ "$output" == *"blob $bad: the bytes received have digest sha256:"* ]]
	run get "$REG_ANON" "$REG_REPO" manifest "$bad"
	[ "$status" -eq 1 ]
	[[ "$output" == *"manifest $bad: the bytes received have digest sha256:"* ]]
}

@test "TLS: another CA is refused with a clear error naming --tls-verify=false" {
	run reg_ns "$GET" --ca "$REG_DIR/other-ca.crt" "$REG_ANON" "$REG_REPO" manifest oci
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"registry $REG_ANON: TLS: "*"--tls-verify=false"* ]]
	# The system's CAs alone do not know the test CA either.
	run reg_ns "$GET" "$REG_ANON" "$REG_REPO" manifest oci
	[ "$status" -eq 1 ]
	[[ "$output" == *"TLS: "* ]]
	run reg_ns "$GET" --tls-verify=false --accept "$OCI" "$REG_ANON" "$REG_REPO" manifest oci
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = "digest: $MDIG" ]
}

@test "plain http only when asked for (--plain-http)" {
	run get --plain-http "$REG_PLAIN" "$REG_REPO" manifest oci blob "$LAYER" "$LAYER_SIZE"
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = "digest: $MDIG" ]
	run get "$REG_PLAIN" "$REG_REPO" manifest oci
	[ "$status" -eq 1 ]
	[[ "$output" == *"registry $REG_PLAIN: TLS: "* ]]
}

@test "htpasswd Basic auth: the right password pulls, a wrong one is a clear 401" {
	run get "$REG_BASIC" "$REG_REPO" manifest oci
	[ "$status" -eq 1 ]
	[[ "$output" == *"registry $REG_BASIC: authentication required"* ]]
	run get --user "$REG_USER" --pass "$REG_PASS" "$REG_BASIC" "$REG_REPO" manifest oci blob "$LAYER" "$LAYER_SIZE"
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = "digest: $MDIG" ]
	run get --user "$REG_USER" --pass wrong "$REG_BASIC" "$REG_REPO" manifest oci
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"registry $REG_BASIC: unauthorized"*"HTTP 401): check the user name and password" ]]
}

@test "token auth: an anonymous bearer token from the realm" {
	reg_token_server
	get "$REG_TOKEN" "$REG_REPO" manifest oci blob "$LAYER" "$LAYER_SIZE" >"$BATS_TEST_TMPDIR/out"
	head -2 "$BATS_TEST_TMPDIR/out" | grep -qx "digest: $MDIG"
	tail -c "$LAYER_SIZE" "$BATS_TEST_TMPDIR/out" >"$BATS_TEST_TMPDIR/out.blob"
	blob_ok "$BATS_TEST_TMPDIR/out.blob"
	# One token for the whole pull, asked for the registry's service and scope.
	[ "$(grep -c '^token ' "$REG_LOG")" -eq 1 ]
	grep -qx "token user=- service=cgrun-test-registry scope=repository:$REG_REPO:pull" "$REG_LOG"
}

@test "token auth: credentials go to the token server; access_token is understood" {
	reg_token_server --user "$REG_USER:$REG_PASS" --access-token
	run get --user "$REG_USER" --pass "$REG_PASS" "$REG_TOKEN" "$REG_REPO" manifest oci
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = "digest: $MDIG" ]
	grep -q "^token user=$REG_USER " "$REG_LOG"
	run get --user "$REG_USER" --pass wrong "$REG_TOKEN" "$REG_REPO" manifest oci
	[ "$status" -eq 1 ]
	[[ "$output" == *"registry $REG_TOKEN: "*"token server: HTTP 401"* ]]
}

@test "token auth: a token that expires mid-pull is refreshed" {
	reg_token_server --ttl 2
	get "$REG_TOKEN" "$REG_REPO" manifest oci sleep 3 blob "$LAYER" "$LAYER_SIZE" >"$BATS_TEST_TMPDIR/out"
	tail -c "$LAYER_SIZE" "$BATS_TEST_TMPDIR/out" >"$BATS_TEST_TMPDIR/out.blob"
	blob_ok "$BATS_TEST_TMPDIR/out.blob"
	# The second token was asked for because the registry refused the first.
	[ "$(grep -c '^token ' "$REG_LOG")" -eq 2 ]
}

@test "redirects: blobs fetched from the CDN port without the Authorization header" {
	reg_token_server --upstream "$REG_TOKEN" --redirect-port "$REG_CDN_PORT"
	get "$REG_FRONT" "$REG_REPO" manifest oci blob "$LAYER" "$LAYER_SIZE" >"$BATS_TEST_TMPDIR/out"
	tail -c "$LAYER_SIZE" "$BATS_TEST_TMPDIR/out" >"$BATS_TEST_TMPDIR/out.blob"
	blob_ok "$BATS_TEST_TMPDIR/out.blob"
	# The registry saw the token; the CDN did not.
	grep -q "^GET /v2/$REG_REPO/blobs/$LAYER auth=yes" "$REG_LOG"
	grep -q "^cdn /cdn/$LAYER auth=no" "$REG_LOG"
	! grep -q AUTH-SEEN "$REG_LOG"
}

@test "one connection carries the whole pull" {
	reg_token_server --upstream "$REG_ANON"
	get "$REG_FRONT" "$REG_REPO" manifest oci manifest v2s2 blob "$LAYER" "$LAYER_SIZE" >/dev/null
	[ "$(grep -c "^GET " "$REG_LOG")" -eq 3 ]
	[ "$(grep "^GET " "$REG_LOG" | sed 's/.* conn=//' | sort -u | wc -l)" -eq 1 ]
}

@test "429: Retry-After is waited for, then the request succeeds" {
	reg_token_server --upstream "$REG_ANON" --429 1 --retry-after 2
	start=$(date +%s%N)
	run get "$REG_FRONT" "$REG_REPO" manifest oci
	end=$(date +%s%N)
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = "digest: $MDIG" ]
	[ $(((end - start) / 1000000)) -ge 2000 ]
	[ "$(grep -c "^GET /v2/$REG_REPO/manifests/oci" "$REG_LOG")" -eq 2 ]
}

@test "429 on a blob is waited for too; a Retry-After over a minute fails at once" {
	reg_token_server --upstream "$REG_ANON" --429 1 --retry-after 1
	start=$(date +%s%N)
	get "$REG_FRONT" "$REG_REPO" blob "$LAYER" "$LAYER_SIZE" >"$BATS_TEST_TMPDIR/out"
	end=$(date +%s%N)
	blob_ok "$BATS_TEST_TMPDIR/out"
	[ $(((end - start) / 1000000)) -ge 1000 ]
	reg_stop_token_server
	reg_token_server --upstream "$REG_ANON" --429 1 --retry-after 3600
	start=$(date +%s)
	run get "$REG_FRONT" "$REG_REPO" manifest oci
	end=$(date +%s)
	[ "$status" -eq 1 ]
	[[ "$output" == *"asked to retry after 3600s: registry $REG_FRONT: toomanyrequests: slow down (manifest oci: HTTP 429)"* ]]
	[ $((end - start)) -lt 10 ]
}

@test "TLS: the test certificate names localhost as well as 127.0.0.1" {
	run get "localhost:5000" "$REG_REPO" manifest oci
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = "digest: $MDIG" ]
}

@test "5xx: retried with back-off, then success; endless 5xx gives up" {
	reg_token_server --upstream "$REG_ANON" --5xx 2
	run get "$REG_FRONT" "$REG_REPO" manifest oci
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = "digest: $MDIG" ]
	[ "$(grep -c "^GET /v2/$REG_REPO/manifests/oci" "$REG_LOG")" -eq 3 ]
	reg_stop_token_server
	reg_token_server --upstream "$REG_ANON" --5xx 100
	run get "$REG_FRONT" "$REG_REPO" manifest oci
	[ "$status" -eq 1 ]
	[[ "$output" == *"registry $REG_FRONT: upstream busy (manifest oci: HTTP 503)"* ]]
	[ "$(grep -c "^GET /v2/$REG_REPO/manifests/oci" "$REG_LOG")" -eq 5 ]
}

@test "a connection closed without an answer is tried again" {
	reg_token_server --upstream "$REG_ANON" --drop 2
	run get "$REG_FRONT" "$REG_REPO" manifest oci
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = "digest: $MDIG" ]
	[ "$(grep -c '^dropped' "$REG_LOG")" -eq 2 ]
	[ "$(grep -c "^GET /v2/$REG_REPO/manifests/oci" "$REG_LOG")" -eq 3 ]
}

@test "a connection cut mid-blob is resumed with Range" {
	reg_token_server --upstream "$REG_ANON" --cut-after 100000
	get "$REG_FRONT" "$REG_REPO" blob "$LAYER" "$LAYER_SIZE" >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/out.err"
	blob_ok "$BATS_TEST_TMPDIR/out"
	grep -q "^cut after 100000" "$REG_LOG"
	grep -q "^GET /v2/$REG_REPO/blobs/$LAYER auth=no range=bytes=100000-" "$REG_LOG"
	! grep -q restart "$BATS_TEST_TMPDIR/out.err"
}

@test "a server that ignores Range: the blob starts again and the sink is reset" {
	reg_token_server --upstream "$REG_ANON" --cut-after 100000 --ignore-range
	get "$REG_FRONT" "$REG_REPO" blob "$LAYER" "$LAYER_SIZE" >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/out.err"
	blob_ok "$BATS_TEST_TMPDIR/out"
	grep -q "^GET /v2/$REG_REPO/blobs/$LAYER auth=no range=bytes=100000-" "$REG_LOG"
	grep -qx restart "$BATS_TEST_TMPDIR/out.err"
}
