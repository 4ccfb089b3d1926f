#!/usr/bin/env bats
# Images: import (busybox, directory, tarballs), ls, rm, and the errors.

load helpers

setup()
{
	cg_setup
	ls -A "$CGRUN_STORE_DIR/images" >"$BATS_TEST_TMPDIR/images-before"
}

# A rootfs directory made from the busybox image plus a marker file.
make_rootfs()
{
	local dir=$1 marker=$2
	mkdir -p "$dir"
	cp -a "$CGRUN_STORE_DIR/images/busybox/rootfs/." "$dir/"
	echo "$marker" >"$dir/marker"
}

image_listed()
{
	"$CGRUN" image ls | awk 'NR > 1 { print $1 }' | grep -qxF -- "$1"
}

# The store's images directory holds exactly the images named: no leftover
# of an import or a removal (of this test: earlier tests' leftovers are
# theirs to report).
images_are()
{
	local got want
	got=$(ls -A "$CGRUN_STORE_DIR/images" | grep -vxF -f "$BATS_TEST_TMPDIR/images-before" -e busybox | sort | tr '\n' ' ')
	want=$(printf '%s\n' "$@" | grep -vx busybox | sort | tr '\n' ' ')
	echo "new entries in images/: [$got], expected [$want]"
	[ "$got" = "$want" ]
}

# import_and_check NAME SOURCE: import, list, run, remove.
import_and_check()
{
	local name=$1 src=$2 marker=$3
	run -0 "$CGRUN" image import "$name" "$src"
	image_listed "$name"
	run -0 cg_run --rm "$name" cat /marker
	[ "$output" = "$marker" ]
	run -0 "$CGRUN" image rm "$name"
	! image_listed "$name" || false
	[ ! -e "$CGRUN_STORE_DIR/images/$name" ]
	images_are busybox
}

@test "import --busybox builds a working image" {
	image_listed busybox
	[ -x "$CGRUN_STORE_DIR/images/busybox/rootfs/bin/sh" ]
	run -0 "$CGRUN" image import --busybox bb2
	image_listed bb2
	run -0 cg_run --rm bb2 sh -c 'echo $((6 * 7))'
	[ "$output" = 42 ]
	run -0 "$CGRUN" image rm bb2
	images_are busybox
}

@test "import from a directory" {
	make_rootfs "$BATS_TEST_TMPDIR/dir" from-dir
	import_and_check fromdir "$BATS_TEST_TMPDIR/dir" from-dir
	# the source directory is untouched
	[ "$(cat "$BATS_TEST_TMPDIR/dir/marker")" = from-dir ]
}

@test "import from .tar" {
	make_rootfs "$BATS_TEST_TMPDIR/dir" from-tar
	tar -C "$BATS_TEST_TMPDIR/dir" -cf "$BATS_TEST_TMPDIR/root.tar" .
	import_and_check fromtar "$BATS_TEST_TMPDIR/root.tar" from-tar
}

@test "import from .tar.gz" {
	make_rootfs "$BATS_TEST_TMPDIR/dir" from-tar-gz
	tar -C "$BATS_TEST_TMPDIR/dir" -czf "$BATS_TEST_TMPDIR/root.tar.gz" .
	import_and_check fromtargz "$BATS_TEST_TMPDIR/root.tar.gz" from-tar-gz
}

@test "import from .tar.xz" {
	need_tool xz "Debian package xz-utils"
	make_rootfs "$BATS_TEST_TMPDIR/dir" from-tar-xz
	tar -C "$BATS_TEST_TMPDIR/dir" -cJf "$BATS_TEST_TMPDIR/root.tar.xz" .
	import_and_check fromtarxz "$BATS_TEST_TMPDIR/root.tar.xz" from-tar-xz
}

@test "import from .tar.zst" {
	need_tool zstd "Debian package zstd"
	make_rootfs "$BATS_TEST_TMPDIR/dir" from-tar-zst
	tar -C "$BATS_TEST_TMPDIR/dir" --zstd -cf "$BATS_TEST_TMPDIR/root.tar.zst" .
	import_and_check fromtarzst "$BATS_TEST_TMPDIR/root.tar.zst" from-tar-zst
}

@test "image ls lists every image" {
	make_rootfs "$BATS_TEST_TMPDIR/dir" x
	run -0 "$CGRUN" image import lsone "$BATS_TEST_TMPDIR/dir"
	run -0 "$CGRUN" image import lstwo "$BATS_TEST_TMPDIR/dir"
	run -0 "$CGRUN" image ls
	echo "$output"
	[[ ${lines[0]} == "REPOSITORY "*" TAG "*" IMAGE ID "*" CREATED "*" SIZE" ]]
	[ "$(awk 'NR > 1 { print $1 }' <<<"$output" | sort | tr '\n' ' ')" = "busybox lsone lstwo " ]
	run -0 "$CGRUN" image rm lsone lstwo
	images_are busybox
}

@test "duplicate import fails with 125 and one line" {
	run -125 --separate-stderr "$CGRUN" image import --busybox busybox
	assert_one_error_line
	[[ $stderr == *busybox* ]]
	make_rootfs "$BATS_TEST_TMPDIR/dir" x
	run -125 --separate-stderr "$CGRUN" image import busybox "$BATS_TEST_TMPDIR/dir"
	assert_one_error_line
	images_are busybox
	# the existing image still works
	run -0 cg_run --rm busybox true
}

@test "invalid image names are rejected" {
	local n
	make_rootfs "$BATS_TEST_TMPDIR/dir" x
	for n in Upper 'a/b' '../escape' .hidden '' 'sp ace'; do
		run -125 --separate-stderr "$CGRUN" image import "$n" "$BATS_TEST_TMPDIR/dir"
		echo "name [$n]: $stderr"
		assert_one_error_line
	done
	images_are busybox
	[ ! -e "$CGRUN_STORE_DIR/escape" ]
}

@test "a broken tarball or a missing source fails cleanly" {
	printf 'this is not a tar archive' >"$BATS_TEST_TMPDIR/bad.tar.gz"
	run -125 --separate-stderr "$CGRUN" image import bad "$BATS_TEST_TMPDIR/bad.tar.gz"
	assert_one_error_line
	run -125 --separate-stderr "$CGRUN" image import bad2 "$BATS_TEST_TMPDIR/missing.tar"
	assert_one_error_line
	images_are busybox
}

@test "image rm of an unknown image fails with one line" {
	run -125 --separate-stderr "$CGRUN" image rm nosuchimage
	assert_one_error_line
}

@test "image rm refuses while a kept container uses the image" {
	make_rootfs "$BATS_TEST_TMPDIR/dir" used
	run -0 "$CGRUN" image import inuse "$BATS_TEST_TMPDIR/dir"
	run -0 cg_run --name=user1 inuse true
	run -125 --separate-stderr "$CGRUN" image rm inuse
	assert_one_error_line
	[[ $stderr == *user1* ]]
	image_listed inuse
	run -0 cg_run --rm inuse cat /marker
	[ "$output" = used ]
	run -0 "$CGRUN" rm user1
	run -0 "$CGRUN" image rm inuse
	images_are busybox
}
