# shellcheck shell=bash
# stats_helpers.bash - for stats.bats: the stats files cgrund writes
# ($CGRUN_RUN_DIR/containers/<id>/stats, $CGRUN_RUN_DIR/metrics.prom) and
# the same numbers read straight from the container's cgroup files on the
# host, on v1, hybrid and v2 hosts alike.

# The keys every stats file carries (DESIGN.md, "Stats as files").
ST_KEYS=(cpu.usage_usec cpu.user_usec cpu.system_usec cpu.nr_periods cpu.nr_throttled
	cpu.throttled_usec cpu.quota_usec cpu.period_usec memory.current memory.peak memory.max
	memory.oom_kill pids.current pids.max)

# v1 when a v1 hierarchy holds the memory controller (legacy or hybrid host),
# v2 when only cgroup2 does (unified host). From /proc/self/mountinfo.
st_mode()
{
	local line post fstype opts
	while IFS= read -r line; do
		post=${line#* - }
		read -r fstype _ opts <<<"$post"
		[ "$fstype" = cgroup ] || continue
		case ",$opts," in *,memory,*) echo v1; return 0 ;; esac
	done </proc/self/mountinfo
	echo v2
}

# Whether a cgroup2 hierarchy is mounted beside v1 ones (a hybrid host):
# cgrund then takes the CPU time from the tracking cgroup's cpu.stat.
st_hybrid()
{
	local line post fstype
	[ "$ST_MODE" = v1 ] || return 1
	while IFS= read -r line; do
		post=${line#* - }
		read -r fstype _ <<<"$post"
		[ "$fstype" = cgroup2 ] && return 0
	done </proc/self/mountinfo
	return 1
}

# "key N" of the cpu.stat in the container's cgroup2 (tracking) cgroup.
st_ucpu()
{
	local id=$1 d k v
	dt_detect
	for d in "${CG_PARENT_DIRS[@]}"; do
		[ -e "$d/$id/cgroup.controllers" ] || continue
		while read -r k v; do
			[ "$k" = "$2" ] && { echo "$v"; return 0; }
		done <"$d/$id/cpu.stat"
	done
	echo "no cgroup2 cpu.stat for container $id" >&2
	return 1
}

# st_cgfile ID FILE: the host path of FILE in the container's cgroup, in
# the hierarchy that has it (v1: never the cgroup2 tracking cgroup of a
# hybrid host, whose cpu.stat is not the controller's).
st_cgfile()
{
	local id=$1 f=$2 d
	dt_detect
	for d in "${CG_PARENT_DIRS[@]}"; do
		d=$d/$id
		if [ "$ST_MODE" = v1 ]; then
			[ ! -e "$d/cgroup.controllers" ] || continue
		else
			[ -e "$d/cgroup.controllers" ] || continue
		fi
		[ -e "$d/$f" ] && { echo "$d/$f"; return 0; }
	done
	echo "no cgroup file $f for container $id" >&2
	return 1
}

# The helpers below use bash builtins only: in a TCG VM every exec costs
# tens of milliseconds, and st_host reads some twenty files.

# The first line of a cgroup file.
st_cat()
{
	local p v
	p=$(st_cgfile "$1" "$2") || return 1
	read -r v <"$p" || [ -n "$v" ] || return 1
	echo "$v"
}

# "key N" line of a flat-keyed cgroup file.
st_kv()
{
	local p k v
	p=$(st_cgfile "$1" "$2") || return 1
	while read -r k v; do
		[ "$k" = "$3" ] && { echo "$v"; return 0; }
	done <"$p"
	return 1
}

# st_host ID: the stats keys computed from the cgroup files, as
# `key value` lines (max where unlimited), the units DESIGN.md gives.
st_host()
{
	local id=$1 q p v tck
	if [ "$ST_MODE" = v1 ]; then
		if st_hybrid; then
			echo "cpu.usage_usec $(st_ucpu "$id" usage_usec)"
			echo "cpu.user_usec $(st_ucpu "$id" user_usec)"
			echo "cpu.system_usec $(st_ucpu "$id" system_usec)"
		else
			tck=${ST_CLK_TCK:=$(getconf CLK_TCK)}
			echo "cpu.usage_usec $(($(st_cat "$id" cpuacct.usage) / 1000))"
			echo "cpu.user_usec $(($(st_kv "$id" cpuacct.stat user) * 1000000 / tck))"
			echo "cpu.system_usec $(($(st_kv "$id" cpuacct.stat system) * 1000000 / tck))"
		fi
		echo "cpu.nr_periods $(st_kv "$id" cpu.stat nr_periods)"
		echo "cpu.nr_throttled $(st_kv "$id" cpu.stat nr_throttled)"
		echo "cpu.throttled_usec $(($(st_kv "$id" cpu.stat throttled_time) / 1000))"
		q=$(st_cat "$id" cpu.cfs_quota_us)
		[ "$q" = -1 ] && q=max
		echo "cpu.quota_usec $q"
		echo "cpu.period_usec $(st_cat "$id" cpu.cfs_period_us)"
		echo "memory.current $(st_cat "$id" memory.usage_in_bytes)"
		echo "memory.peak $(st_cat "$id" memory.max_usage_in_bytes)"
		v=$(st_cat "$id" memory.limit_in_bytes)
		# v1 says "unlimited" with a huge page-aligned number.
		[ "${#v}" -ge 19 ] && v=max
		echo "memory.max $v"
		echo "memory.oom_kill $(st_kv "$id" memory.oom_control oom_kill)"
	else
		echo "cpu.usage_usec $(st_kv "$id" cpu.stat usage_usec)"
		echo "cpu.user_usec $(st_kv "$id" cpu.stat user_usec)"
		echo "cpu.system_usec $(st_kv "$id" cpu.stat system_usec)"
		echo "cpu.nr_periods $(st_kv "$id" cpu.stat nr_periods)"
		echo "cpu.nr_throttled $(st_kv "$id" cpu.stat nr_throttled)"
		echo "cpu.throttled_usec $(st_kv "$id" cpu.stat throttled_usec)"
		read -r q p <<<"$(st_cat "$id" cpu.max)"
		echo "cpu.quota_usec $q"
		echo "cpu.period_usec $p"
		echo "memory.current $(st_cat "$id" memory.current)"
		echo "memory.peak $(st_cat "$id" memory.peak)"
		echo "memory.max $(st_cat "$id" memory.max)"
		echo "memory.oom_kill $(st_kv "$id" memory.events oom_kill)"
	fi
	echo "pids.current $(st_cat "$id" pids.current)"
	echo "pids.max $(st_cat "$id" pids.max)"
}

st_file()
{
	echo "$CGRUN_RUN_DIR/containers/$1/stats"
}

# st_get TEXT KEY: the value of KEY in `key value` TEXT.
st_get()
{
	local k v
	while read -r k v; do
		[ "$k" = "$2" ] && { echo "${v%% *}"; return 0; }
	done <<<"$1"
	return 1
}

# The value of KEY in a container's stats file now.
st_val()
{
	st_get "$(<"$(st_file "$1")")" "$2"
}

# st_is ID KEY VALUE: does the container's stats file say KEY VALUE now?
st_is()
{
	[ "$(st_val "$1" "$2" 2>/dev/null)" = "$3" ]
}

# Wall clock now, seconds with 6 decimals (the stats timestamp's form).
st_now()
{
	echo "$EPOCHREALTIME"
}

# Is the stats file of ID stamped after time T (both S.UUUUUU)?
st_newer()
{
	local ts
	ts=$(st_val "$1" timestamp 2>/dev/null) || return 1
	[[ $ts =~ ^[0-9]+\.[0-9]{6}$ ]] || return 1
	[ "${ts/./}" -gt "${2/./}" ]
}

# st_fresh ID: wait for a stats file written from now on; print it.
st_fresh()
{
	local t
	t=$(st_now)
	dt_wait_until 5 st_newer "$1" "$t" || return 1
	echo "$(<"$(st_file "$1")")"
}

# Run -d and remember the id in ID.
st_run_d()
{
	ID=$(timeout 30 "$CGRUN" run -d "$@") || return 1
	[[ $ID =~ ^[0-9a-f]{64}$ ]] || { echo "run -d printed '$ID', not a 64-hex id" >&2; return 1; }
}

st_rm()
{
	timeout 20 "$CGRUN" rm -f "$@" >/dev/null
}

# Floating-point check: st_true 'EXPR' (awk) exits 0 when EXPR is true.
st_true()
{
	awk "BEGIN { exit !($1) }"
}

# st_compare ID A F B: the stats file F against the cgroup files read just
# before (A) and just after (B) it was written. Limits equal both reads;
# counters lie between them; gauges between them within a tolerance (v1's
# usage_in_bytes moves by per-CPU charge batches). Prints each mismatch.
st_compare()
{
	local id=$1 A=$2 F=$3 B=$4 k a f b lo hi tol bad=0
	for k in "${ST_KEYS[@]}"; do
		a=$(st_get "$A" "$k") f=$(st_get "$F" "$k") b=$(st_get "$B" "$k")
		case $k in
		cpu.quota_usec | cpu.period_usec | memory.max | pids.max)
			[ "$f" = "$a" ] && [ "$f" = "$b" ] && continue
			;;
		memory.current | pids.current)
			tol=0
			[ "$k" = memory.current ] && tol=$((1024 * 1024))
			lo=$((a < b ? a : b)) hi=$((a > b ? a : b))
			[ "$f" -ge $((lo - tol)) ] && [ "$f" -le $((hi + tol)) ] && continue
			;;
		*)
			[ "$a" -le "$f" ] && [ "$f" -le "$b" ] && continue
			;;
		esac
		echo "${id:0:12} $k: stats file says '$f', cgroup files '$a' before and '$b' after"
		bad=1
	done
	return "$bad"
}

# st_check_exposition < TEXT: the rules of Prometheus' text format (0.0.4)
# that promtool and node_exporter's textfile collector enforce, checked
# without them: every line a "# HELP NAME TEXT", "# TYPE NAME TYPE" or a
# sample "NAME{LABEL="VALUE",...} NUMBER"; valid names, label values with
# only \\, \" and \n escaped; each family's HELP and TYPE at most once and
# before its samples, its samples in one block; no series twice; a final
# newline. Prints each fault; fails if there is one.
st_check_exposition()
{
	python3 -c '
import re, sys
text = sys.stdin.read()
bad = []
if not text.endswith("\n"):
    bad.append("no newline at the end")
name = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
label = r"([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\n]|\\[\\\"n])*)\""
sample = re.compile(r"(%s)(?:\{(%s(?:,%s)*)?\})? (\S+)( -?[0-9]+)?" % (name, label, label))
seen_help, seen_type, done, series = set(), set(), set(), set()
current = None
for n, line in enumerate(text.split("\n")[:-1], 1):
    where = "line %d: %r" % (n, line)
    m = re.fullmatch(r"# (HELP|TYPE) (%s) (.*)" % name, line)
    if m:
        kind, fam, rest = m.groups()
        seen = seen_help if kind == "HELP" else seen_type
        if fam in seen:
            bad.append("%s: a second %s for %s" % (where, kind, fam))
        if fam in done or fam == current:
            bad.append("%s: %s after samples of %s" % (where, kind, fam))
        if kind == "TYPE" and rest not in ("counter", "gauge", "histogram", "summary", "untyped"):
            bad.append("%s: unknown type" % where)
        seen.add(fam)
        continue
    if line.startswith("#"):
        continue
    m = sample.fullmatch(line)
    if not m:
        bad.append("%s: not a sample" % where)
        continue
    fam, labels, value = m.group(1), m.group(2) or "", m.group(7)
    if fam != current:
        if fam in done:
            bad.append("%s: samples of %s are not in one block" % (where, fam))
        if current is not None:
            done.add(current)
        current = fam
    names = re.findall(label, labels)
    if len({k for k, _ in names}) != len(names):
        bad.append("%s: a label twice" % where)
    key = (fam, tuple(sorted(names)))
    if key in series:
        bad.append("%s: the same series twice" % where)
    series.add(key)
    try:
        float(value)
    except ValueError:
        bad.append("%s: %r is not a number" % (where, value))
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
'
}
