#!/usr/bin/env bats
# Who may talk to cgrund: root and members of its socket group (here
# cgrun-dtest, from cgrund.conf). Two throwaway users: cgdt-in (a member,
# through a supplementary group) and cgdt-out (not a member).

load daemon_helpers

IN_USER=cgdt-in
OUT_USER=cgdt-out

setup_file()
{
	dt_setup_file || return 1
	local u
	for u in "$IN_USER" "$OUT_USER"; do
		id "$u" >/dev/null 2>&1 || useradd -M -N -s /usr/sbin/nologin "$u" || return 1
	done
	# The client must be reachable for them.
	local d=$CGRUN
	while [ "$d" != / ]; do
		d=$(dirname "$d")
		case $(stat -c %A "$d" | cut -c10) in x | t) ;; *)
			echo "$d is not searchable by other users: put cgrun elsewhere" >&2
			return 1
			;;
		esac
	done
}

teardown_file()
{
	local u
	for u in "$IN_USER" "$OUT_USER"; do
		id "$u" >/dev/null 2>&1 && userdel "$u"
	done
	dt_teardown_file
}

gid_of_group()
{
	getent group "$DT_GROUP" | cut -d: -f3
}

# as_member CMD...: CMD as cgdt-in, primary group its own, cgrun-dtest
# only as a supplementary group.
as_member()
{
	setpriv --reuid="$(id -u "$IN_USER")" --regid="$(id -g "$IN_USER")" \
		--groups="$(gid_of_group)" "$@"
}

# as_member_primary CMD...: cgrun-dtest as the primary group.
as_member_primary()
{
	setpriv --reuid="$(id -u "$IN_USER")" --regid="$(gid_of_group)" --groups="$(gid_of_group)" "$@"
}

as_outsider()
{
	setpriv --reuid="$(id -u "$OUT_USER")" --regid="$(id -g "$OUT_USER")" --clear-groups "$@"
}

@test "the socket is mode 0660, owned by root and group cgrun-dtest" {
	run -0 stat -c '%a %U %G %F' "$CGRUN_RUN_DIR/cgrun.sock"
	[ "$output" = "660 root $DT_GROUP socket" ]
}

@test "a uid outside the group is refused with one clear error line" {
	run -125 --separate-stderr as_outsider "$CGRUN" ps
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ ${stderr_lines[0]} == "cgrun: "* ]]
	[[ ${stderr_lines[0],,} == *"permission denied"* ]]
	[ -z "$output" ]
	run -125 --separate-stderr as_outsider "$CGRUN" run -d busybox sleep 100
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ ${stderr_lines[0],,} == "cgrun: "*"permission denied"* ]]
	[ -z "$(ls "$CGRUN_STORE_DIR/containers")" ]
}

@test "cgrund itself refuses and logs a uid outside the group (socket opened to everyone)" {
	# With mode 0660 the kernel refuses such a caller before cgrund sees
	# it; open the socket to check cgrund's own SO_PEERCRED check.
	chmod 0666 "$CGRUN_RUN_DIR/cgrun.sock"
	before=$(grep -c 'refused connection' "$DT_LOG" || true)
	run -125 --separate-stderr as_outsider "$CGRUN" ps
	chmod 0660 "$CGRUN_RUN_DIR/cgrun.sock"
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ ${stderr_lines[0]} == "cgrun: "*"permission denied"*"members of its group"* ]]
	# The message says it once.
	[ "$(grep -o -i 'permission denied' <<<"${stderr_lines[0]}" | wc -l)" -eq 1 ]
	[ -z "$output" ]
	uid=$(id -u "$OUT_USER")
	grep -q "refused connection from uid $uid" "$DT_LOG"
	[ "$(grep -c 'refused connection' "$DT_LOG")" -gt "$before" ]
	# And cgrund still serves the others.
	run -0 "$CGRUN" ps
}

@test "a member of the group (supplementary) is admitted: ps, run -d, exec, logs, stop, rm" {
	run -0 --separate-stderr as_member "$CGRUN" ps
	[[ ${lines[0]} == "CONTAINER ID"* ]]
	run -0 as_member "$CGRUN" run -d --name dt-member busybox sh -c 'echo member-was-here; sleep 100'
	[[ $output =~ ^[0-9a-f]{64}$ ]]
	id=$output
	run -0 as_member "$CGRUN" exec dt-member hostname
	[ "$output" = "${id:0:12}" ]
	dt_wait_until 10 grep -q member-was-here "$CGRUN_STORE_DIR/containers/$id/container.log"
	# logs hands over the fd: the member needs no access to the store.
	run -0 as_member "$CGRUN" logs dt-member
	[ "$output" = member-was-here ]
	run -0 as_member "$CGRUN" ps
	[[ $output == *running*dt-member* ]]
	run -0 as_member timeout 20 "$CGRUN" stop -t 1 dt-member
	run -0 as_member "$CGRUN" rm dt-member
	[ ! -e "$CGRUN_STORE_DIR/containers/$id" ]
	! grep -q "refused connection from uid $(id -u "$IN_USER")" "$DT_LOG"
}

@test "a member through its primary group is admitted; foreground run works" {
	run -0 as_member_primary "$CGRUN" ps
	run -3 --separate-stderr as_member_primary timeout 30 "$CGRUN" run --rm busybox sh -c 'echo fg-out; exit 3'
	[ "$output" = fg-out ]
}
