#!/usr/bin/env bats
# extract.bats - the layer extractor (src/image/layer-extract.h) through its
# test driver: what a layer makes (files, owners, modes, times, xattrs), the
# diff_id of gzip, zstd and plain layers, whiteouts in both modes, malicious
# layers refused with nothing written outside the root, and the memory a
# 1 GiB layer takes. Host, root. Fixtures are made here with mktar.py.

bats_require_minimum_version 1.5.0

setup()
{
	set +T
	[ "$(id -u)" = 0 ] || skip "needs root (owners, devices, trusted xattrs)"
	EXTRACT=${EXTRACT_LAYER:-$BATS_TEST_DIRNAME/extract-layer}
	[ -x "$EXTRACT" ] || {
		echo "$EXTRACT is missing: build it with 'make tests/image/extract-layer'" >&2
		return 1
	}
	T=$(mktemp -d /tmp/cg-extract.XXXXXX)
	mkdir "$T/root" "$T/sentinel"
	echo host-data >"$T/hostfile"
	HOST_SUM=$(sha256sum <"$T/hostfile")
}

teardown()
{
	if [ -n "${T:-}" ]; then
		! mountpoint -q "$T/merged" 2>/dev/null || umount "$T/merged"
		rm -rf -- "$T"
	fi
	# Nothing a malicious layer named was made on the host.
	[ ! -e /etc/cg-extract-evil ]
}

# mktar OUT: a tar from the spec on stdin (mktar.py says how).
mktar()
{
	python3 "$BATS_TEST_DIRNAME/mktar.py" "$1"
}

# extract [--flatten] LAYER: run the driver on the root.
extract()
{
	local flags=()
	if [ "$1" = --flatten ]; then
		flags=(--flatten)
		shift
	fi
	run --separate-stderr timeout 60 "$EXTRACT" "${flags[@]}" "$T/root" <"$1"
}

# refused LAYER PATTERN: the layer fails with one line matching PATTERN,
# and nothing outside the root was touched.
refused()
{
	extract "$1"
	echo "status=$status stdout=$output stderr=$stderr" >&2
	[ "$status" = 1 ]
	[ -z "$output" ]
	[ "$(printf '%s\n' "$stderr" | wc -l)" = 1 ]
	[[ "$stderr" == "extract-layer: "*$2* ]]
	untouched
}

untouched()
{
	[ -z "$(ls -A "$T/sentinel")" ]
	[ "$(sha256sum <"$T/hostfile")" = "$HOST_SUM" ]
	[ "$(stat -c %h "$T/hostfile")" = 1 ]
	[ ! -e "$T/pwned" ]
	[ ! -e /etc/cg-extract-evil ]
}

# A file capability (cap_net_raw, permitted and effective) as the kernel
# stores it: vfs_cap_data revision 2.
CAP_HEX=0100000200200000000000000000000000000000

basic_spec()
{
	cat <<SPEC
dir ./ mode=0755
dir ./etc mode=0750 mtime=1100000000
file ./etc/hello data=hello mode=0640 mtime=1200000000 xattr.user.x=ux xattr.trusted.overlay.opaque=y xattr.security.selinux=system_u:object_r:etc_t:s0
file ./etc/setuid data=suid mode=04755 uid=0 gid=0
file etc/owned data=owned uid=1234 gid=5678 mode=0600
file ./bin/ping data=ELF mode=0755 xattrhex.security.capability=$CAP_HEX
symlink ./etc/link target=/etc/hello mtime=1300000000
symlink ./etc/rel target=hello
hardlink ./etc/hard target=./etc/hello
fifo ./run/fifo mode=0620 uid=1234 gid=5678
dir ./opaquedir mode=0755 xattr.trusted.overlay.opaque=y
SPEC
}

check_basic()
{
	local r=$T/root
	[ "$(cat "$r/etc/hello")" = hello ]
	[ "$(stat -c '%a %u:%g %Y' "$r/etc/hello")" = "640 0:0 1200000000" ]
	[ "$(stat -c '%a %Y' "$r/etc")" = "750 1100000000" ]
	[ "$(stat -c '%a %u:%g' "$r/etc/setuid")" = "4755 0:0" ]
	[ "$(stat -c '%a %u:%g' "$r/etc/owned")" = "600 1234:5678" ]
	[ "$(readlink "$r/etc/link")" = /etc/hello ]
	[ "$(stat -c %Y "$r/etc/link")" = 1300000000 ]
	[ "$(readlink "$r/etc/rel")" = hello ]
	[ "$(stat -c %i "$r/etc/hard")" = "$(stat -c %i "$r/etc/hello")" ]
	[ "$(stat -c '%F %a %u:%g' "$r/run/fifo")" = "fifo 620 1234:5678" ]
	[ "$(getfattr --only-values -n user.x "$r/etc/hello")" = ux ]
	# trusted.* and security.selinux from a tar are never applied.
	run getfattr --absolute-names -d -m '^trusted\.|^security\.selinux' "$r/etc/hello" "$r/opaquedir"
	[ -z "$output" ]
	[[ "$(getcap "$r/bin/ping")" == *cap_net_raw=ep ]]
}

@test "a plain tar: files, directories, links, owners, modes, times, xattrs, a fifo; diff_id is its sha256" {
	basic_spec | mktar "$T/l.tar"
	extract "$T/l.tar"
	echo "$stderr"
	[ "$status" = 0 ]
	[ "$output" = "sha256:$(sha256sum <"$T/l.tar" | cut -d' ' -f1)" ]
	check_basic
	untouched
}

@test "a gzip layer: the diff_id is the uncompressed tar's sha256, not the blob's" {
	basic_spec | mktar "$T/l.tar"
	gzip -9 -c "$T/l.tar" >"$T/l.tgz"
	extract "$T/l.tgz"
	echo "$stderr"
	[ "$status" = 0 ]
	[ "$output" = "sha256:$(sha256sum <"$T/l.tar" | cut -d' ' -f1)" ]
	[ "$output" != "sha256:$(sha256sum <"$T/l.tgz" | cut -d' ' -f1)" ]
	check_basic
}

@test "a zstd layer, read from a pipe" {
	basic_spec | mktar "$T/l.tar"
	zstd -q -19 -c "$T/l.tar" >"$T/l.tzst"
	run --separate-stderr bash -c 'cat "$1" | timeout 60 "$2" "$3"' _ "$T/l.tzst" "$EXTRACT" "$T/root"
	echo "$stderr"
	[ "$status" = 0 ]
	[ "$output" = "sha256:$(sha256sum <"$T/l.tar" | cut -d' ' -f1)" ]
	check_basic
}

@test "the diff_id covers bytes after the tar's end; gzip members one after another are one stream" {
	printf 'file a data=1\n' | mktar "$T/a.tar"
	cp "$T/a.tar" "$T/l.tar"
	head -c 3000 /dev/urandom >>"$T/l.tar"
	head -c 5000 "$T/l.tar" | gzip -c >"$T/l.tgz"
	tail -c +5001 "$T/l.tar" | gzip -c >>"$T/l.tgz"
	extract "$T/l.tgz"
	echo "$stderr"
	[ "$status" = 0 ]
	[ "$output" = "sha256:$(sha256sum <"$T/l.tar" | cut -d' ' -f1)" ]
	[ "$output" != "sha256:$(sha256sum <"$T/a.tar" | cut -d' ' -f1)" ]
	[ "$(cat "$T/root/a")" = 1 ]
}

@test "owners are shifted by --shift, or left to the extracting user with --no-owner" {
	printf 'file f data=x uid=1234 gid=5678\ndir d uid=1 gid=2\nsymlink l target=f uid=3 gid=4\n' | mktar "$T/l.tar"
	run --separate-stderr "$EXTRACT" --shift=100000 "$T/root" <"$T/l.tar"
	[ "$status" = 0 ]
	[ "$(stat -c %u:%g "$T/root/f")" = 101234:105678 ]
	[ "$(stat -c %u:%g "$T/root/d")" = 100001:100002 ]
	[ "$(stat -c %u:%g "$T/root/l")" = 100003:100004 ]
	mkdir "$T/root2"
	run --separate-stderr "$EXTRACT" --no-owner "$T/root2" <"$T/l.tar"
	[ "$status" = 0 ]
	[ "$(stat -c %u:%g "$T/root2/f" "$T/root2/d" "$T/root2/l" | sort -u)" = 0:0 ]
}

@test "writes through a symlink that stays inside land inside; directory times are set last" {
	mktar "$T/l.tar" <<'SPEC'
dir sub mtime=1111111111
symlink rel target=sub
symlink abs-in target=../sub
file rel/a data=A
file sub/b data=B
SPEC
	extract "$T/l.tar"
	echo "$stderr"
	[ "$status" = 0 ]
	[ "$(cat "$T/root/sub/a")" = A ]
	[ "$(stat -c %Y "$T/root/sub")" = 1111111111 ]
	untouched
}

@test "overlay mode: whiteouts become 0:0 devices, .wh..wh..opq the opaque xattr, before or after the entries" {
	mktar "$T/l.tar" <<'SPEC'
dir etc
file etc/.wh.passwd
file .wh.olddir
dir after
file after/keep data=k
file after/.wh..wh..opq
file before/.wh..wh..opq
file before/keep data=k
dir before mode=0711
file deep/er/.wh.gone
chr already-whiteout dev=0:0
SPEC
	extract "$T/l.tar"
	echo "$stderr"
	[ "$status" = 0 ]
	local r=$T/root
	[ "$(stat -c '%F %t:%T' "$r/etc/passwd")" = "character special file 0:0" ]
	[ "$(stat -c '%F %t:%T' "$r/olddir")" = "character special file 0:0" ]
	[ "$(stat -c '%F %t:%T' "$r/deep/er/gone")" = "character special file 0:0" ]
	[ "$(stat -c '%F %t:%T' "$r/already-whiteout")" = "character special file 0:0" ]
	[ "$(getfattr --only-values -n trusted.overlay.opaque "$r/after")" = y ]
	[ "$(getfattr --only-values -n trusted.overlay.opaque "$r/before")" = y ]
	[ "$(cat "$r/after/keep")" = k ]
	[ "$(cat "$r/before/keep")" = k ]
	[ "$(stat -c %a "$r/before")" = 711 ]
	# No .wh. name is left as a file.
	[ -z "$(find "$r" -name '.wh.*')" ]
	untouched
}

@test "overlay mode: the layer's own whiteouts mount as deletions over a lower layer" {
	mkdir "$T/lower" "$T/upper" "$T/work" "$T/merged"
	mkdir -p "$T/lower/etc" "$T/lower/opq"
	echo old >"$T/lower/etc/passwd"
	echo lower >"$T/lower/opq/lowerfile"
	mktar "$T/l.tar" <<'SPEC'
file etc/.wh.passwd
file opq/.wh..wh..opq
file opq/mine data=m
SPEC
	run --separate-stderr timeout 60 "$EXTRACT" "$T/upper" <"$T/l.tar"
	[ "$status" = 0 ]
	mount -t overlay overlay -o "lowerdir=$T/upper:$T/lower" "$T/merged"
	local ok=0
	[ ! -e "$T/merged/etc/passwd" ] && [ ! -e "$T/merged/opq/lowerfile" ] &&
		[ "$(cat "$T/merged/opq/mine")" = m ] && ok=1
	umount "$T/merged"
	[ "$ok" = 1 ]
}

@test "flatten mode: whiteouts delete what lower layers made, opaque directories keep only this layer's entries" {
	mktar "$T/l1.tar" <<'SPEC'
file etc/passwd data=old
dir olddir
file olddir/sub/f data=x
file after/lower1 data=l
dir after/lowerdir
file after/lowerdir/l data=l
file before/lower data=l
file wasdir/f data=x
file wasfile data=x
symlink wasdir2 target=/etc
file lowerfile data=lf
file gone-by-dev data=x
SPEC
	mktar "$T/l2.tar" <<'SPEC'
file etc/.wh.passwd
file .wh.olddir
file .wh.never-there
file nodir/.wh.x
dir after
file after/new data=n
dir after/lowerdir
file after/.wh..wh..opq
file before/.wh..wh..opq
file before/new data=n
file wasdir data=nowfile
dir wasfile
dir wasdir2
file wasdir2/in data=i
hardlink tolower target=lowerfile
chr gone-by-dev dev=0:0
SPEC
	extract --flatten "$T/l1.tar"
	[ "$status" = 0 ]
	extract --flatten "$T/l2.tar"
	echo "$stderr"
	[ "$status" = 0 ]
	local r=$T/root
	[ ! -e "$r/etc/passwd" ] && [ -d "$r/etc" ]
	[ ! -e "$r/olddir" ]
	[ ! -e "$r/nodir" ]
	[ "$(ls -A "$r/after" | sort | tr '\n' ' ')" = "lowerdir new " ]
	[ -z "$(ls -A "$r/after/lowerdir")" ]
	[ "$(ls -A "$r/before")" = new ]
	[ "$(cat "$r/wasdir")" = nowfile ]
	[ -d "$r/wasfile" ]
	[ -d "$r/wasdir2" ] && [ ! -L "$r/wasdir2" ] && [ "$(cat "$r/wasdir2/in")" = i ]
	# A hardlink may name a file of a lower layer; a 0:0 device deletes.
	[ "$(stat -c %i "$r/tolower")" = "$(stat -c %i "$r/lowerfile")" ]
	[ ! -e "$r/gone-by-dev" ]
	# Flatten mode makes no overlay whiteouts or xattrs.
	[ -z "$(find "$r" -type c -o -name '.wh.*')" ]
	run getfattr -R --absolute-names -d -m trusted. "$r"
	[ -z "$output" ]
	untouched
}

@test "flatten mode: a whiteout behind a lower layer's link out deletes nothing outside" {
	echo keep >"$T/sentinel/victim"
	printf 'symlink out target=%s\n' "$T/sentinel" | mktar "$T/l1.tar"
	printf 'file out/.wh.victim\n' | mktar "$T/l2.tar"
	extract --flatten "$T/l1.tar"
	[ "$status" = 0 ]
	extract --flatten "$T/l2.tar"
	echo "$stderr"
	[ "$status" = 1 ]
	[[ "$stderr" == *"out/.wh.victim"*"leads out of the root"* ]]
	[ "$(cat "$T/sentinel/victim")" = keep ]
	rm "$T/sentinel/victim"
	untouched
}

@test "an entry named like a symlink before it replaces the link, writing nothing through it" {
	chmod 0700 "$T/sentinel"
	mktar "$T/l.tar" <<SPEC
symlink f target=$T/hostfile
file f data=evil mode=0666
symlink d target=$T/sentinel
dir d mode=0777 uid=1234
symlink p target=$T/hostfile
fifo p
symlink h target=$T/hostfile
file real data=r
hardlink h target=real
SPEC
	extract "$T/l.tar"
	echo "$stderr"
	[ "$status" = 0 ]
	[ "$(stat -c '%F %s' "$T/root/f")" = "regular file 4" ]
	[ "$(stat -c '%F %a %u' "$T/root/d")" = "directory 777 1234" ]
	[ "$(stat -c %F "$T/root/p")" = fifo ]
	[ "$(stat -c %i "$T/root/h")" = "$(stat -c %i "$T/root/real")" ]
	[ "$(stat -c '%a %u' "$T/sentinel")" = "700 0" ]
	untouched
}

@test "refused: '..' traversal" {
	printf 'file ../../sentinel/pwned data=x\n' | mktar "$T/l.tar"
	refused "$T/l.tar" "layer entry '../../sentinel/pwned': '..' components are refused"
	printf 'file a/../../pwned data=x\n' | mktar "$T/l2.tar"
	refused "$T/l2.tar" "'..' components are refused"
}

@test "refused: an absolute path" {
	printf 'file /etc/cg-extract-evil data=x\n' | mktar "$T/l.tar"
	refused "$T/l.tar" "layer entry '/etc/cg-extract-evil': absolute paths are refused"
	[ -z "$(ls -A "$T/root")" ]
}

@test "refused: a symlink to / and an entry through it" {
	# Aimed at the sentinel, not /etc/passwd: were the check broken, the
	# write would land in the sentinel, not in the host's files.
	mktar "$T/l.tar" <<SPEC
symlink evil target=/
file evil$T/sentinel/pwned data=x
SPEC
	refused "$T/l.tar" "leads out of the root"
	mktar "$T/l2.tar" <<SPEC
symlink evil target=/
dir evil$T/sentinel/pwned
SPEC
	refused "$T/l2.tar" "leads out of the root"
}

@test "refused: a symlink to ../../.. and a write through it" {
	mktar "$T/l.tar" <<SPEC
symlink up target=../../..
file up$T/sentinel/pwned data=x
SPEC
	refused "$T/l.tar" "leads out of the root"
	mktar "$T/l2.tar" <<SPEC
dir d
symlink d/up target=../../../..
symlink d/up2 target=up
file d/up2$T/pwned data=x
SPEC
	refused "$T/l2.tar" "leads out of the root"
}

@test "refused: hardlinks to /etc/shadow, to ../outside, through a link, to a missing or non-regular file" {
	printf 'hardlink h target=/etc/shadow\n' | mktar "$T/l1.tar"
	refused "$T/l1.tar" "layer entry 'h': hardlink to '/etc/shadow': absolute paths are refused"
	printf 'hardlink h target=../hostfile\n' | mktar "$T/l2.tar"
	refused "$T/l2.tar" "hardlink to '../hostfile': '..' components are refused"
	mktar "$T/l3.tar" <<SPEC
symlink lnk target=/
hardlink h target=lnk$T/hostfile
SPEC
	refused "$T/l3.tar" "the target's path goes through a symlink"
	printf 'symlink lnk target=%s\nhardlink h target=lnk\n' "$T/hostfile" | mktar "$T/l4.tar"
	refused "$T/l4.tar" "the target is not a regular file"
	printf 'hardlink h target=nothing\n' | mktar "$T/l5.tar"
	refused "$T/l5.tar" "no such file was extracted before it"
	printf 'dir d\nhardlink h target=d\n' | mktar "$T/l6.tar"
	refused "$T/l6.tar" "the target is not a regular file"
}

@test "refused: a block device and a character device 1:3" {
	printf 'blk sda dev=8:0\n' | mktar "$T/l1.tar"
	refused "$T/l1.tar" "layer entry 'sda': device nodes are refused (block device 8:0)"
	printf 'chr null dev=1:3\n' | mktar "$T/l2.tar"
	refused "$T/l2.tar" "device nodes are refused (character device 1:3)"
	[ -z "$(find "$T/root" -type b -o -type c)" ]
}

@test "refused: xz and bzip2 layers, with a clear error" {
	printf 'file a data=x\n' | mktar "$T/l.tar"
	xz -c "$T/l.tar" >"$T/l.txz"
	refused "$T/l.txz" "the layer is xz-compressed: only gzip, zstd and uncompressed layers are supported"
	if command -v bzip2 >/dev/null; then
		bzip2 -c "$T/l.tar" >"$T/l.tbz"
		refused "$T/l.tbz" "bzip2-compressed"
	fi
	[ -z "$(ls -A "$T/root")" ]
}

@test "refused: truncated gzip and zstd layers end with an error, not a hang" {
	printf 'file a zeros=2000000\nfile b data=x\n' | mktar "$T/l.tar"
	gzip -c "$T/l.tar" >"$T/full.tgz"
	zstd -q -c "$T/l.tar" >"$T/full.tzst"
	head -c $(($(stat -c %s "$T/full.tgz") / 2)) "$T/full.tgz" >"$T/l.tgz"
	refused "$T/l.tgz" "truncated gzip layer"
	head -c $(($(stat -c %s "$T/full.tzst") / 2)) "$T/full.tzst" >"$T/l.tzst"
	refused "$T/l.tzst" "truncated zstd layer"
	# Cut inside the compressed stream's trailer: the tar is whole, the
	# stream is not.
	head -c $(($(stat -c %s "$T/full.tgz") - 4)) "$T/full.tgz" >"$T/l2.tgz"
	refused "$T/l2.tgz" "truncated gzip layer"
	# From a pipe whose writer stays silent after the cut: still an error
	# once it closes, and nothing waits on more.
	run --separate-stderr bash -c 'head -c 1000 "$1" | timeout 30 "$2" "$3"' _ "$T/full.tgz" "$EXTRACT" "$T/root"
	[ "$status" = 1 ]
	[[ "$stderr" == *"truncated gzip layer"* ]]
}

@test "refused: garbage, a corrupt gzip, trailing garbage after gzip, an empty stream" {
	head -c 10000 /dev/urandom | tr '\037\050\375B' 'abcd' >"$T/garbage"
	refused "$T/garbage" "not a tar archive"
	printf 'file a data=x\n' | mktar "$T/l.tar"
	gzip -c "$T/l.tar" >"$T/l.tgz"
	# Flip bytes in the middle of the deflate data.
	printf 'XXXXXXXX' | dd of="$T/l.tgz" bs=1 seek=40 conv=notrunc status=none
	refused "$T/l.tgz" "gzip layer"
	{ gzip -c "$T/l.tar"; echo trailing; } >"$T/l2.tgz"
	refused "$T/l2.tgz" "trailing data after the compressed stream"
	: >"$T/empty"
	refused "$T/empty" "the layer is empty"
}

@test "a 1 GiB layer streams through in bounded memory and makes a sparse file" {
	command -v /usr/bin/time >/dev/null || skip "/usr/bin/time is missing (package time)"
	printf 'file big zeros=1073741824 mode=0644\nfile after data=a\n' |
		python3 "$BATS_TEST_DIRNAME/mktar.py" - | gzip -1 >"$T/big.tgz"
	run --separate-stderr /usr/bin/time -f 'maxrss_kb=%M' timeout 300 "$EXTRACT" "$T/root" <"$T/big.tgz"
	echo "$stderr"
	[ "$status" = 0 ]
	[ "$output" = "sha256:$(gzip -dc "$T/big.tgz" | sha256sum | cut -d' ' -f1)" ]
	local rss
	rss=$(printf '%s\n' "$stderr" | sed -n 's/^maxrss_kb=//p')
	[ -n "$rss" ]
	[ "$rss" -lt $((32 * 1024)) ]
	[ "$(stat -c %s "$T/root/big")" = 1073741824 ]
	# Blocks of zeros are holes: a few MiB at most on disk.
	[ "$(stat -c %b "$T/root/big")" -lt 8192 ]
	[ "$(cat "$T/root/after")" = a ]
}
