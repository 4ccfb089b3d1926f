#!/usr/bin/env bats
# Stats as files (issue 5): $CGRUN_RUN_DIR/containers/<id>/stats and
# $CGRUN_RUN_DIR/metrics.prom as cgrund writes them every stats_interval,
# checked against the cgroup files on the host (v1, hybrid or v2, read
# from /proc/self/mountinfo), promtool, node_exporter's textfile collector,
# a throttled busy loop, an OOM kill, a hammering reader, removal, and
# `cgrun stats`. Runs as root against a cgrund of its own (daemon_helpers).

load daemon_helpers
load stats_helpers

# Our own parent cgroup and group: other daemon test files use cgrun-dtest,
# and may run at the same time. (Read by daemon_helpers' functions.)
# shellcheck disable=SC2034
DT_PARENT=cgrun-stats${DT_SUFFIX:+-$DT_SUFFIX}
# shellcheck disable=SC2034
DT_GROUP=cgrun-stats${DT_SUFFIX:+-$DT_SUFFIX}

setup_file()
{
	DT_NO_DAEMON=1 dt_setup_file || return 1
	echo 'stats_interval = 1' >>"$DT_CONF"
	dt_start_daemon || return 1
	ST_MODE=$(st_mode)
	export ST_MODE
}

# The interval-0 test restarts cgrund with stats_interval = 0: put back
# stats_interval = 1 whatever happened.
teardown()
{
	local ret=0
	dt_teardown || ret=1
	if [ -f "$DT_DIR/interval0" ]; then
		dt_stop_daemons
		sed -i 's/^stats_interval = .*/stats_interval = 1/' "$DT_CONF"
		dt_start_daemon || ret=1
		rm -f "$DT_DIR/interval0"
	fi
	return "$ret"
}

@test "stats file: every key, and the numbers the cgroup files hold (limits, counters, max where unlimited)" {
	local lim free id A F B k n
	st_run_d --name st-lim --memory=48m --pids-limit=64 --cpu-quota=50000 --cpu-period=200000 \
		busybox sh -c 'while :; do :; done'
	lim=$ID
	st_run_d busybox sleep 300
	free=$ID
	for id in "$lim" "$free"; do
		dt_wait_until 5 test -s "$(st_file "$id")"
		A=$(st_host "$id")
		F=$(st_fresh "$id")
		B=$(st_host "$id")
		echo "# ${id:0:12} ($ST_MODE) file:"$'\n'"$F"$'\n'"# cgroup files before:"$'\n'"$A"
		# Every key once, a number (or max) each, and nothing malformed.
		for k in timestamp "${ST_KEYS[@]}"; do
			n=$(grep -c "^$k " <<<"$F" || true)
			[ "$n" = 1 ] || { echo "key $k appears $n times"; false; }
		done
		! grep -Ev '^(timestamp [0-9]+\.[0-9]{6}|[a-z_]+\.[a-z_]+ ([0-9]+|max)|name st-lim)$' <<<"$F" || false
		[ "$(tail -c1 "$(st_file "$id")" | od -An -c | tr -d ' ')" = '\n' ]
		st_compare "$id" "$A" "$F" "$B"
	done
	# What run was asked for, in the units DESIGN.md gives.
	F=$(cat "$(st_file "$lim")")
	[ "$(st_get "$F" name)" = st-lim ]
	[ "$(st_get "$F" memory.max)" = $((48 * 1024 * 1024)) ]
	[ "$(st_get "$F" pids.max)" = 64 ]
	[ "$(st_get "$F" cpu.quota_usec)" = 50000 ]
	[ "$(st_get "$F" cpu.period_usec)" = 200000 ]
	[ "$(st_get "$F" cpu.usage_usec)" -gt 0 ]
	[ "$(st_get "$F" memory.current)" -gt 0 ]
	[ "$(st_get "$F" pids.current)" -ge 1 ]
	F=$(cat "$(st_file "$free")")
	! st_get "$F" name || false
	[ "$(st_get "$F" memory.max)" = max ]
	[ "$(st_get "$F" pids.max)" = max ]
	[ "$(st_get "$F" cpu.quota_usec)" = max ]
	[ "$(st_get "$F" cpu.period_usec)" = 100000 ]
	# The container's init (PID 1) and sleep.
	[ "$(st_get "$F" pids.current)" = 2 ]
	# The timestamp is the wall clock of the last refresh (every 1 s).
	st_true "$(st_get "$F" timestamp) > $(st_now) - 3 && $(st_get "$F" timestamp) <= $(st_now)"
	st_rm "$lim" "$free"
}

# metrics.prom's format is checked twice: by the rules of the text format
# here (always), and by promtool and node_exporter themselves in the two
# tests after (Debian's prometheus and prometheus-node-exporter: CI installs
# them, elsewhere the tests skip without them).
@test "metrics.prom: the text format's rules; cgrun_ metrics with id and name labels, in base units" {
	local lim free P v
	st_run_d --name st-prom --memory=40m --pids-limit=20 busybox sleep 300
	lim=$ID
	st_run_d busybox sleep 300
	free=$ID
	dt_wait_until 5 grep -q "id=\"$free\"" "$CGRUN_RUN_DIR/metrics.prom"
	P=$(cat "$CGRUN_RUN_DIR/metrics.prom")
	echo "$P"
	st_check_exposition <"$CGRUN_RUN_DIR/metrics.prom"
	# Every sample is cgrun_* with exactly the labels id and name; every
	# family has HELP and TYPE; counters end in _total.
	! grep -v '^#' <<<"$P" | grep -Ev '^cgrun_[a-z_]+\{id="[0-9a-f]{64}",name="[^"]*"\} [-+0-9.e]+$' || false
	[ "$(grep -c '^# HELP cgrun_' <<<"$P")" -eq 14 ]
	[ "$(grep -c '^# TYPE cgrun_' <<<"$P")" -eq 14 ]
	! grep '^# TYPE .* counter$' <<<"$P" | grep -v '_total counter$' || false
	# The numbers are the stats file's, in base units.
	v=$(awk -v l="cgrun_memory_limit_bytes{id=\"$lim\",name=\"st-prom\"}" '$1 == l { print $2 }' <<<"$P")
	st_true "$v == $((40 * 1024 * 1024))"
	v=$(awk -v l="cgrun_pids_limit{id=\"$lim\",name=\"st-prom\"}" '$1 == l { print $2 }' <<<"$P")
	st_true "$v == 20"
	grep -q "^cgrun_cpu_usage_seconds_total{id=\"$free\",name=\"\"} " <<<"$P"
	grep -q "^cgrun_memory_usage_bytes{id=\"$free\",name=\"\"} " <<<"$P"
	# Unlimited: no sample rather than a huge number.
	! grep -E "^cgrun_(memory_limit_bytes|pids_limit|cpu_quota_seconds)\{id=\"$free\"" <<<"$P" || false
	st_rm "$lim" "$free"
}

@test "metrics.prom: promtool check metrics accepts it" {
	need_tool promtool "Debian package prometheus"
	local P
	st_run_d --name st-promtool --memory=40m --pids-limit=20 busybox sleep 300
	dt_wait_until 5 grep -q "id=\"$ID\"" "$CGRUN_RUN_DIR/metrics.prom"
	P=$(cat "$CGRUN_RUN_DIR/metrics.prom")
	echo "$P"
	grep -q "^cgrun_memory_limit_bytes{id=\"$ID\",name=\"st-promtool\"} " <<<"$P"
	run promtool check metrics <<<"$P"
	echo "$output"
	[ "$status" -eq 0 ]
	st_rm "$ID"
}

@test "node_exporter's textfile collector serves the cgrun_ metrics from the run dir (loopback of a private netns)" {
	need_tool prometheus-node-exporter "Debian package prometheus-node-exporter"
	local out=$BATS_TEST_TMPDIR/ne.out v
	st_run_d --name st-ne --memory=40m busybox sleep 300
	dt_wait_until 5 grep -q "id=\"$ID\"" "$CGRUN_RUN_DIR/metrics.prom"
	export -f dt_track dt_start_time dt_detached
	export BATS_TEST_TMPDIR
	# A plain process (no systemd) on 127.0.0.1:9187 of a network namespace
	# of our own: no port clash, no traffic outside it. Killed by its pid.
	# shellcheck disable=SC2016
	run timeout 30 unshare --net bash -c '
		ip link set lo up || exit 1
		( dt_detached prometheus-node-exporter --collector.disable-defaults --collector.textfile \
			--collector.textfile.directory="$CGRUN_RUN_DIR" --web.listen-address=127.0.0.1:9187 \
			</dev/null >"$BATS_TEST_TMPDIR/ne.log" 2>&1 ) &
		pid=$!
		dt_track "$pid"
		ok=1
		for _ in $(seq 100); do
			curl -sf -o "$1" http://127.0.0.1:9187/metrics && { ok=0; break; }
			sleep 0.1
		done
		kill -TERM "$pid"
		wait "$pid"
		exit "$ok"' _ "$out"
	cat "$BATS_TEST_TMPDIR/ne.log"
	[ "$status" -eq 0 ]
	grep '^cgrun_' "$out"
	grep -q '^node_textfile_scrape_error 0$' "$out"
	grep -q "^cgrun_cpu_usage_seconds_total{id=\"$ID\",name=\"st-ne\"} " "$out"
	grep -q "^cgrun_memory_usage_bytes{id=\"$ID\",name=\"st-ne\"} " "$out"
	v=$(awk -v l="cgrun_memory_limit_bytes{id=\"$ID\",name=\"st-ne\"}" '$1 == l { print $2 }' "$out")
	st_true "$v == $((40 * 1024 * 1024))"
	grep -q '^# TYPE cgrun_memory_oom_kills_total counter$' "$out"
	st_rm "$ID"
}

@test "a busy loop under --cpu-quota=2000 uses 2% (+-0.3) of a CPU over 5 s in the stats file; nr_throttled grows" {
	local F1 F2 u1 u2 t1 t2 n1 n2 pct try
	st_run_d --name st-busy --cpu-quota=2000 busybox sh -c 'while :; do :; done'
	dt_wait_until 5 test -s "$(st_file "$ID")"
	F2=$(st_fresh "$ID")
	# A second 5 s window only if the first is off: a TCG VM sharing two
	# cores with two others can be late to throttle now and then; a quota
	# that does not hold fails both.
	for try in 1 2; do
		F1=$F2
		sleep 5
		F2=$(st_fresh "$ID")
		u1=$(st_get "$F1" cpu.usage_usec) t1=$(st_get "$F1" timestamp) n1=$(st_get "$F1" cpu.nr_throttled)
		u2=$(st_get "$F2" cpu.usage_usec) t2=$(st_get "$F2" timestamp) n2=$(st_get "$F2" cpu.nr_throttled)
		pct=$(awk -v u1="$u1" -v u2="$u2" -v t1="$t1" -v t2="$t2" 'BEGIN { printf "%.3f", (u2 - u1) / ((t2 - t1) * 1e6) * 100 }')
		echo "# window $try: usage $u1 -> $u2 us over $t1 -> $t2 s: $pct%; nr_throttled $n1 -> $n2"
		st_true "$pct >= 1.7 && $pct <= 2.3" && break
	done
	st_true "$t2 - $t1 >= 5"
	st_true "$pct >= 1.7 && $pct <= 2.3"
	[ "$n2" -gt "$n1" ]
	# One throttled period each 100 ms at most: about 10 a second.
	st_true "($n2 - $n1) / ($t2 - $t1) >= 5 && ($n2 - $n1) / ($t2 - $t1) <= 11"
	[ "$(st_get "$F2" cpu.quota_usec)" = 2000 ]
	[ "$(st_get "$F2" cpu.throttled_usec)" -gt "$(st_get "$F1" cpu.throttled_usec)" ]
	st_rm "$ID"
}

@test "an OOM kill is counted in memory.oom_kill, as the cgroup files say" {
	local F k
	# tail keeps one endless line of /dev/zero: killed; the shell goes on.
	# It starts once the file has shown no kill: the count must then come
	# from cgrund being told of the OOM event, within a refresh or two (the
	# OOM counter is not read on every tick; see oomwatch.c).
	st_run_d --name st-oom --memory=32m --restart=no busybox sh -c \
		'until [ -e /tmp/go ]; do sleep 0.1; done; tail /dev/zero; echo "tail: $?"; sleep 300'
	F=$(st_fresh "$ID")
	[ "$(st_get "$F" memory.oom_kill)" = 0 ]
	F=$(st_fresh "$ID")
	[ "$(st_get "$F" memory.oom_kill)" = 0 ]
	timeout 10 "$CGRUN" exec "$ID" touch /tmp/go
	dt_wait_until 20 grep -q '^tail: 137$' "$CGRUN_STORE_DIR/containers/$ID/container.log"
	F=$(st_fresh "$ID")
	F=$(st_fresh "$ID")
	echo "$F"
	[ "$(st_get "$F" memory.oom_kill)" = 1 ]
	[ "$(st_get "$F" memory.max)" = $((32 * 1024 * 1024)) ]
	if [ "$ST_MODE" = v1 ]; then
		k=$(st_kv "$ID" memory.oom_control oom_kill)
	else
		k=$(st_kv "$ID" memory.events oom_kill)
	fi
	[ "$k" = 1 ]
	# It got to the limit before it was killed.
	[ "$(st_get "$F" memory.peak)" -ge $((28 * 1024 * 1024)) ]
	[ "$(st_get "$F" memory.peak)" -le $((32 * 1024 * 1024)) ]
	[ "$(dt_state "$ID")" = running ]
	st_rm "$ID"
}

@test "a reader hammering the stats file and metrics.prom during refreshes never sees a partial file" {
	local busy ids=()
	st_run_d --name st-hammer --cpu-quota=20000 busybox sh -c 'while :; do :; done'
	busy=$ID
	for n in 1 2 3; do
		st_run_d --name "st-h$n" busybox sleep 300
		ids+=("$ID")
	done
	dt_wait_until 5 grep -q "id=\"$ID\"" "$CGRUN_RUN_DIR/metrics.prom"
	# At least 2000 reads of each, and for at least 3.5 s: 3 refreshes.
	run python3 - "$CGRUN_RUN_DIR" "$busy" "${ST_KEYS[@]}" <<'EOF'
import re, sys, time
run, cid, keys = sys.argv[1], sys.argv[2], ["timestamp"] + sys.argv[3:]
sf, pf = f"{run}/containers/{cid}/stats", f"{run}/metrics.prom"
sample = re.compile(r'cgrun_[a-z_]+\{id="[0-9a-f]{64}",name="[^"]*"\} [-+0-9.e]+')
n, stamps, proms, bad = 0, set(), set(), []
start = time.time()
while n < 2000 or time.time() - start < 3.5:
    n += 1
    with open(sf) as f:
        s = f.read()
    got = [l.split(" ")[0] for l in s.split("\n")[:-1]]
    if not s.endswith("\n") or any(got.count(k) != 1 for k in keys):
        bad.append(("stats", s))
    else:
        stamps.add(s.split("\n")[0])
    with open(pf) as f:
        p = f.read()
    lines = p.split("\n")
    if (not p.endswith("\n") or p.count("# HELP cgrun_") != 14 or p.count(f'id="{cid}"') < 10
            or not all(l.startswith("# ") or sample.fullmatch(l) for l in lines[:-1])):
        bad.append(("metrics.prom", p))
    else:
        proms.add(p)
    if len(bad) > 3:
        break
print(f"{n} reads of each in {time.time() - start:.1f} s; {len(stamps)} stats files, {len(proms)} metrics.prom files seen")
for what, text in bad:
    print(f"partial {what}: {text!r}")
sys.exit(1 if bad or len(stamps) < 3 or len(proms) < 3 else 0)
EOF
	echo "$output"
	[ "$status" -eq 0 ]
	st_rm "$busy" "${ids[@]}"
}

# cgrund rewrites the stats file in place under a write lease when nobody
# has it open, else through a spare inode (exchfile.h): a reader that keeps
# the file open must never see it change under it.
@test "a reader holding the stats file open across refreshes keeps a whole, unchanged file" {
	local f first later
	st_run_d --name st-held busybox sleep 300
	f=$(st_file "$ID")
	dt_wait_until 5 test -s "$f"
	exec {held}<"$f"
	first=$(cat "/proc/$BASHPID/fd/$held")
	# Three refreshes: without the lease the held inode is rewritten at the
	# first.
	dt_wait_until 10 st_newer "$ID" "$(head -1 <<<"$first" | cut -d' ' -f2)"
	nap 2.5
	later=$(cat "/proc/$BASHPID/fd/$held")
	exec {held}<&-
	[ "$later" = "$first" ]
	[ "$(head -1 "$f")" != "$(head -1 <<<"$first")" ]
	st_rm "$ID"
}

# Between refreshes cgrund keeps the write lease on a stats file nobody has
# open (exchfile.h, "Kept leases"), so an unread file costs one pwrite a
# refresh; a reader's open breaks it, and cgrund must give it back at once
# (the kernel holds the reader in open() until then, up to
# fs.lease-break-time, 45 s).
st_leased()
{
	local ino
	ino=$(stat -c %i "$1") || return 1
	grep -Eq "LEASE +ACTIVE +WRITE +$(dt_daemon_pid) [0-9a-f]+:[0-9a-f]+:$ino " /proc/locks
}

# Not kept: cgrund leases the file for each write, so one look can land in
# a write (long in a TCG VM); a lease that is kept shows in every look.
st_not_kept()
{
	local _
	for _ in 1 2 3 4 5 6; do
		st_leased "$1" || return 0
		nap 0.05
	done
	return 1
}

@test "cgrund keeps the lease on an unread stats file between refreshes, gives it back at once to a reader, and keeps none while readers come" {
	local f t0 t1
	[ "$(cat /proc/sys/fs/lease-break-time)" -ge 5 ] || skip "fs.lease-break-time below 5 s: cgrund keeps no lease"
	st_run_d --name st-lease busybox sleep 300
	f=$(st_file "$ID")
	dt_wait_until 5 test -s "$f"
	dt_wait_until 5 st_leased "$f"
	# Held across refreshes, not only during a write.
	for _ in 1 2 3 4 5; do
		st_leased "$f"
		nap 0.3
	done
	for _ in 1 2; do
		# Each read of the leased file waits only for cgrund to give it
		# back (timeout 5: fs.lease-break-time, 45 s here, if it did not).
		t0=$EPOCHREALTIME
		timeout 5 cat "$f" >/dev/null
		t1=$EPOCHREALTIME
		echo "a read of a leased file: $(( (${t1/./} - ${t0/./}) / 1000 )) ms"
		st_true "${t1/./} - ${t0/./} < 2000000"
		# Read lately: the lease is taken for each write only, for the
		# next 8 refreshes (exchfile.h, CG_EXCHFILE_KEEP_AFTER).
		for _ in 1 2 3 4; do
			nap 0.5
			st_not_kept "$f"
			timeout 5 cat "$f" >/dev/null
		done
		# Then kept again.
		dt_wait_until 12 st_leased "$f"
	done
	st_rm "$ID"
}

@test "the files of a container go with it: stats at exit, its directory and metrics.prom samples at rm" {
	local gone done_
	st_run_d --name st-gone busybox sleep 300
	gone=$ID
	st_run_d --name st-done busybox sleep 4
	done_=$ID
	dt_wait_until 5 grep -q "id=\"$done_\"" "$CGRUN_RUN_DIR/metrics.prom"
	[ -s "$(st_file "$gone")" ]
	# A reader holding the file across a refresh makes cgrund use the spare.
	local held t
	exec {held}<"$(st_file "$done_")"
	read -r _ t <&"$held"
	dt_wait_until 5 st_newer "$done_" "$t"
	exec {held}<&-
	[ -e "$CGRUN_RUN_DIR/containers/$done_/.stats.spare" ]
	# Exited, kept: no stats file (its last numbers would look live), and
	# out of metrics.prom at the next refresh.
	dt_wait_until 10 dt_state_is "$done_" exited
	[ ! -e "$(st_file "$done_")" ]
	[ ! -e "$CGRUN_RUN_DIR/containers/$done_/.stats.spare" ]
	dt_wait_until 3 eval "! grep -q 'id=\"$done_\"' '$CGRUN_RUN_DIR/metrics.prom'"
	sleep 1.2
	[ ! -e "$(st_file "$done_")" ]
	# Removed while running: the run directory, stats included, goes.
	st_rm "$gone" "$done_"
	[ ! -e "$CGRUN_RUN_DIR/containers/$gone" ]
	[ ! -e "$CGRUN_RUN_DIR/containers/$done_" ]
	dt_wait_until 3 eval "! grep -q 'id=\"$gone\"' '$CGRUN_RUN_DIR/metrics.prom'"
	# No temp file left behind.
	! find "$CGRUN_RUN_DIR" -name '*.tmp.*' | grep . || false
}

@test "cgrun stats --no-stream and --format json show the running containers with sane numbers" {
	local busy mem row name cpu
	st_run_d --name st-cpu --cpu-quota=2000 busybox sh -c 'while :; do :; done'
	busy=$ID
	st_run_d --name st-mem --memory=64m --pids-limit=10 busybox sh -c 'sleep 300 & sleep 300 & wait'
	mem=$ID
	dt_wait_until 5 test -s "$(st_file "$busy")"
	dt_wait_until 5 test -s "$(st_file "$mem")"
	# st-mem's start (its shell forking two sleeps: ~12 ms of CPU in a TCG VM,
	# 1.2% of a refresh) must be over before the samples that hold it under
	# 1%: all four pids in its file, then one more refresh.
	dt_wait_until 10 st_is "$mem" pids.current 4
	dt_wait_until 5 st_newer "$mem" "$(st_now)"
	# CPU % needs two samples a second apart: three runs of each format,
	# started a third of a second apart, cover the phase of the refreshes.
	local pids=() n f
	for n in 0 1 2; do
		timeout 10 "$CGRUN" stats --no-stream >"$BATS_TEST_TMPDIR/table$n" 2>&1 3>&- &
		pids+=($!)
		timeout 10 "$CGRUN" stats --no-stream --format json >"$BATS_TEST_TMPDIR/json$n" 2>&1 3>&- &
		pids+=($!)
		sleep 0.35
	done
	for n in "${pids[@]}"; do wait "$n"; done
	for n in 0 1 2; do
		f=$BATS_TEST_TMPDIR/table$n
		cat "$f"
		head -1 "$f" | grep -Eq '^CONTAINER ID +NAME +CPU % +MEM USAGE / LIMIT +MEM % +PIDS +THROTTLED$'
		[ "$(wc -l <"$f")" -eq 3 ]
		row=$(grep "^${busy:0:12} " "$f")
		read -r _ name cpu _ <<<"$row"
		[ "$name" = st-cpu ]
		# Over one refresh (about a second) the share of a 2% quota wobbles
		# with scheduling (0.40% once in a TCG VM beside two others); the 5 s
		# test above holds it to 2% +- 0.3. Here: busy (not 0), and capped.
		st_true "${cpu%\%} > 0 && ${cpu%\%} <= 4"
		[[ $row =~ \ /\ unlimited\  ]]
		row=$(grep "^${mem:0:12} " "$f")
		# The container's init (PID 1), sh and two sleeps.
		[[ $row =~ ^${mem:0:12}\ +st-mem\ +[0-9.]+%\ +[0-9.]+(B|KiB|MiB)\ /\ 64\.0MiB\ +[0-9.]+%\ +4\ +0$ ]]
		f=$BATS_TEST_TMPDIR/json$n
		cat "$f"
		python3 - "$busy" "$mem" "$f" <<'EOF'
import json, sys
busy, mem = sys.argv[1], sys.argv[2]
v = {o["id"]: o for o in json.load(open(sys.argv[3]))}
assert set(v) == {busy, mem}, v.keys()
b, m = v[busy], v[mem]
assert b["name"] == "st-cpu" and m["name"] == "st-mem"
assert 0.5 <= b["cpu_percent"] <= 4, b
assert m["cpu_percent"] < 1, m
assert "memory_limit_bytes" not in b, b
assert m["memory_limit_bytes"] == 64 << 20, m
assert 0 < m["memory_usage_bytes"] < 64 << 20, m
# The container's init (PID 1) and its processes.
assert b["pids"] == 2 and m["pids"] == 4, (b, m)
assert b["throttled_periods"] > 0 and m["throttled_periods"] == 0, (b, m)
EOF
	done
	# Names select.
	run timeout 10 "$CGRUN" stats --no-stream --format json st-mem
	[ "$status" -eq 0 ]
	[ "$(jq -r '.[].name' <<<"$output")" = st-mem ]
	st_rm "$busy" "$mem"
}

@test "stats_interval = 0 writes no stats file and no metrics.prom" {
	touch "$DT_DIR/interval0"
	dt_stop_daemons
	sed -i 's/^stats_interval = .*/stats_interval = 0/' "$DT_CONF"
	rm -f "$CGRUN_RUN_DIR/metrics.prom"
	dt_start_daemon
	st_run_d --name st-quiet busybox sleep 300
	sleep 3
	[ -d "$CGRUN_RUN_DIR/containers/$ID" ]
	[ ! -e "$(st_file "$ID")" ]
	[ ! -e "$CGRUN_RUN_DIR/metrics.prom" ]
	run timeout 10 "$CGRUN" stats --no-stream --format json
	[ "$status" -eq 0 ]
	[ "$(jq length <<<"$output")" = 0 ]
	st_rm "$ID"
}
