#!/usr/bin/env bats
# Mount hardening: images (and volumes) that try to send cgrun's mounts
# out of the container's root (CVE-2021-30465 class; runc's 2025
# advisories CVE-2025-31133 on masked paths, CVE-2025-52565 on
# /dev/console). Each image is built here from the busybox image, with
# links aimed at a decoy directory in the test's own temp dir; every test
# checks that the decoy is exactly as it was (contents, mtime, ctime,
# listing), beside the refusal or the safe result.

load security_helpers

setup()
{
	cg_setup
	DECOY=$BATS_TEST_TMPDIR/decoy
	mkdir -p "$DECOY/a" "$DECOY/b"
	echo "decoy, never to be touched" >"$DECOY/secret"
	echo a >"$DECOY/a/secret"
	echo b >"$DECOY/b/secret"
	decoy_state >"$BATS_TEST_TMPDIR/decoy.before"
	IMAGES=()
}

teardown()
{
	local i
	for i in "${IMAGES[@]}"; do "$CGRUN" image rm "$i" >/dev/null 2>&1 || true; done
	decoy_unchanged
	cg_teardown
}

# Everything that says the decoy was touched: each entry's type, size,
# mtime, ctime and checksum (and the directories' listings, by their
# entries).
decoy_state()
{
	find "$DECOY" -printf '%p %y %s %T@ %C@\n' | sort
	find "$DECOY" -type f -exec sha256sum {} + | sort
}

decoy_unchanged()
{
	if ! diff -u "$BATS_TEST_TMPDIR/decoy.before" <(decoy_state) >&2; then
		echo "the decoy outside the container changed" >&2
		return 1
	fi
}

# make_image NAME: a copy of the busybox image in $IMG, to change; then
# import_image NAME imports it.
make_image()
{
	IMG=$BATS_TEST_TMPDIR/img-$1
	cp -a "$CGRUN_STORE_DIR/images/busybox/rootfs" "$IMG"
}

import_image()
{
	run -0 "$CGRUN" image import "$1" "$IMG"
	IMAGES+=("$1")
}

# A link that leads to the decoy from anywhere on the host: ".." climbs to
# / and stops there, so the absolute path follows.
out_link()
{
	echo "../../../../../../../..$DECOY$1"
}

@test "an image whose /proc, /sys or /dev is a symlink out of it is refused, naming the path" {
	local d
	for d in proc sys dev; do
		make_image "link-$d"
		rm -rf "${IMG:?}/$d"
		ln -s "/$(out_link)" "$IMG/$d"
		import_image "link-$d"
		run -125 --separate-stderr cg_run --rm "link-$d" true
		echo "$d: $stderr"
		assert_one_error_line
		[[ $stderr == *"the image's /$d is a symlink"* ]]
	done
}

@test "an image without /proc, /sys and /dev gets them, made inside its root" {
	make_image no-dirs
	rm -rf "${IMG:?}/proc" "${IMG:?}/sys" "${IMG:?}/dev"
	import_image no-dirs
	run -0 cg_run --rm no-dirs sh -c 'stat -c "%n %t:%T" /dev/null; ls -d /proc/self /sys/fs/cgroup'
	[ "${lines[0]}" = "/dev/null 1:3" ]
	[ "${lines[1]}" = /proc/self ]
	[ "${lines[2]}" = /sys/fs/cgroup ]
}

@test "an image whose /proc is a file is refused too" {
	make_image file-proc
	rm -rf "${IMG:?}/proc"
	echo not-a-dir >"$IMG/proc"
	import_image file-proc
	run -125 --separate-stderr cg_run --rm file-proc true
	assert_one_error_line
	[[ $stderr == *"the image's /proc is not a directory"* ]]
}

@test "an image's /dev/null as a symlink or a plain file: /dev/null and the masked files are the host's null device" {
	local masked=/proc/keys
	[ -e "$masked" ] || skip "no /proc/keys on this kernel"
	make_image devnull
	mkdir -p "$IMG/dev"
	ln -sf "$(out_link /secret)" "$IMG/dev/null"
	echo plain >"$IMG/dev/zero"
	import_image devnull
	run -0 cg_run --rm devnull sh -c '
		stat -c "%n %F %t:%T" /dev/null /dev/zero '"$masked"'
		echo overwrite >/dev/null
		head -c 1 '"$masked"' | wc -c'
	echo "$output"
	[ "${lines[0]}" = "/dev/null character special file 1:3" ]
	[ "${lines[1]}" = "/dev/zero character special file 1:5" ]
	[ "${lines[2]}" = "$masked character special file 1:3" ]
	[ "${lines[3]}" = 0 ]
}

@test "a host whose /dev/null is not the null device: the run is refused, nothing is bound from it" {
	need_tool unshare util-linux
	local fake=$BATS_TEST_TMPDIR/fake-null
	echo "a plain file" >"$fake"
	# The fake /dev/null exists only in a private mount namespace of this
	# test's own: the host's /dev/null is never touched.
	run -125 --separate-stderr unshare --mount --propagation private sh -c \
		'mount --bind "$1" /dev/null && shift && exec "$@"' _ "$fake" \
		timeout -k 5 "$CG_TIMEOUT" "$CGRUN" run --cgroup-parent="$CGRUN_PARENT" --rm busybox true
	echo "$stderr"
	assert_one_error_line
	[[ $stderr == *"the host's /dev/null is not the character device 1:3"* ]]
	[ "$(cat "$fake")" = "a plain file" ]
	[ -c /dev/null ]
}

@test "a volume whose target is a symlink out of the root (absolute or ../..) lands inside the root" {
	local v1=$BATS_TEST_TMPDIR/v1 v2=$BATS_TEST_TMPDIR/v2
	mkdir "$v1" "$v2"
	make_image vol-links
	# The same path exists inside the image: a mount that escaped would
	# land on the host's, one resolved in the root on the image's.
	mkdir -p "$IMG$DECOY/a" "$IMG$DECOY/b"
	ln -s "/$(out_link /a)" "$IMG/abs"
	ln -s "$(out_link /b)" "$IMG/rel"
	import_image vol-links
	run -0 cg_run --rm -v "$v1:/abs" -v "$v2:/rel" vol-links sh -c '
		echo one >/abs/w1; echo two >/rel/w2
		cat "$1/a/w1" "$1/b/w2"; ls "$1/a" "$1/b"' sh "$DECOY"
	echo "$output"
	[ "$(cat "$v1/w1")" = one ]
	[ "$(cat "$v2/w2")" = two ]
	# Seen at the links' targets inside the root: the volumes themselves.
	[ "${lines[0]}" = one ]
	[ "${lines[1]}" = two ]
	! grep -qx secret <<<"$output" || false
}

@test "a volume whose target's parent is a symlink out of the root lands inside the root" {
	local v=$BATS_TEST_TMPDIR/v
	mkdir "$v"
	make_image vol-parent
	mkdir -p "$IMG$DECOY/a"
	ln -s "$(out_link /a)" "$IMG/up"
	import_image vol-parent
	# /up/new does not exist: made inside the root, under the link's target there.
	run -0 cg_run --rm -v "$v:/up/new" vol-parent sh -c 'echo w >/up/new/f; ls "$1/a"' sh "$DECOY"
	echo "$output"
	[ "$output" = new ]
	[ "$(cat "$v/f")" = w ]
	[ ! -e "$DECOY/a/new" ]
}

@test "-t with an image whose /dev/console is a symlink: the terminal is the container's own /dev/console" {
	make_image console
	mkdir -p "$IMG/dev"
	ln -sf "$(out_link /secret)" "$IMG/dev/console"
	import_image console
	run -0 cg_run --rm -t console sh -c 'stat -c "%F %t" /dev/console; echo hi >/dev/console'
	mapfile -t lines < <(tr -d '\r' <<<"$output")
	printf '%s\n' "${lines[@]}"
	# A pty slave: character device, major 136 (0x88).
	[ "${lines[0]}" = "character special file 88" ]
	[ "${lines[1]}" = hi ]
}

@test "-t with a volume that puts a symlink at /dev/console is refused before any terminal is made" {
	local fakedev=$BATS_TEST_TMPDIR/fakedev
	mkdir "$fakedev"
	ln -s "$(out_link /secret)" "$fakedev/console"
	run -125 --separate-stderr cg_run --rm -t -v "$fakedev:/dev" busybox true
	echo "$stderr"
	assert_one_error_line
	[[ $stderr == *"/dev/console in the container is a symlink"* ]]
	[ -L "$fakedev/console" ]
}

@test "a volume over a masked path is refused: the mask is never silently skipped" {
	local v=$BATS_TEST_TMPDIR/v
	mkdir "$v"
	run -125 --separate-stderr cg_run --rm -v "$v:/proc/acpi" busybox true
	echo "$stderr"
	assert_one_error_line
	[[ $stderr == *"/proc/acpi: a volume is mounted over it"* ]]
	# --privileged masks nothing, so the same volume is fine there.
	run -0 cg_run --rm --privileged -v "$v:/proc/acpi" busybox true
}

# CVE-2021-30465: a volume's directory swapped for a link out of the root
# while cgrun resolves a target below it (another container sharing the
# volume could do that). Here the host side swaps it, as fast as a shell
# can, during every run: each run must either mount inside the root or
# fail with one line, and nothing may appear in the decoy.
@test "a volume target swapped for a link out of the root during the runs never leaves the root" {
	local shared=$BATS_TEST_TMPDIR/shared v=$BATS_TEST_TMPDIR/v i plain=0 linked=0 refused=0
	mkdir -p "$shared/x" "$v"
	make_image race
	mkdir -p "$IMG$DECOY/a"
	import_image race
	(
		set +e
		cd "$shared" || exit 1
		link=$(out_link /a)
		# Renamed, never deleted: deleting the directory would also
		# detach a mount made on it in the container's namespace.
		while :; do
			mv -T x x.dir; ln -s "$link" x
			rm -f x; mv -T x.dir x
		done 2>/dev/null
	) &
	local racer=$!
	track_pid "$racer"
	# The volume's mount point as the container sees it: /mnt/x/sub (a
	# directory was there), or the link's target inside the root. Its
	# mountinfo line is the one whose root is $v in its filesystem.
	local fsmnt vroot
	fsmnt=$(findmnt -n -o TARGET -T "$v")
	vroot=/${v#"${fsmnt%/}"/}
	for i in $(seq 30); do
		run --separate-stderr cg_run --rm -v "$shared:/mnt" -v "$v:/mnt/x/sub" race \
			awk -v r="$vroot" '$4 == r { print $5 }' /proc/self/mountinfo
		case $status:$output in
		0:/mnt/x/sub | 0:/mnt/x.dir/sub) plain=$((plain + 1)) ;;
		"0:$DECOY/a/sub") linked=$((linked + 1)) ;;
		125:*) assert_one_error_line && refused=$((refused + 1)) ;;
		*) echo "run $i: status $status: $output $stderr" >&2 ;;
		esac
	done
	kill "$racer"
	wait "$racer" || true
	echo "mounted on the directory: $plain, through the link inside the root: $linked, refused: $refused" >&3
	[ $((plain + linked + refused)) -eq 30 ]
	[ ! -e "$DECOY/a/sub" ]
}
