#!/usr/bin/env bats
# Limits: each option lands in the cgroup file (read inside the container
# and on the host while it runs), and the kernel enforces them.

load helpers

# Does the container's cgroup have a swap limit file (swap accounting)?
swap_limit_file()
{
	if [ "$CG_MODE" = unified ]; then echo memory.swap.max; else echo memory/memory.memsw.limit_in_bytes; fi
}

have_swap_limit()
{
	cg_run --rm --memory=64m busybox test -e "/sys/fs/cgroup/$(swap_limit_file)"
}

# Reads "path=value" lines from the host's cgroup files of container $1.
host_values()
{
	local id=$1 f
	shift
	for f in "$@"; do
		if [ "$CG_MODE" = unified ]; then
			echo "$f=$(cat "$(cg_host_dir "" "$id")/$f")"
		else
			echo "$f=$(cat "$(cg_host_dir "${f%%/*}" "$id")/${f#*/}")"
		fi
	done
}

@test "every limit is in the cgroup files, inside the container and on the host" {
	local sync=$BATS_TEST_TMPDIR/sync id swap=0
	local -a args=(--cpu-quota=25000 --cpu-period=50000 --cpu-shares=512 --cpuset-cpus=0
		--memory=64m --pids-limit=50)
	local -A want
	mkdir "$sync"
	if have_swap_limit; then
		swap=1
		args+=(--memory-swap=128m)
	fi
	if [ "$CG_MODE" = unified ]; then
		want[cpu.max]="25000 50000"
		# runc/crun's conversion of cpu.shares to cpu.weight
		want[cpu.weight]=$((1 + ((512 - 2) * 9999) / 262142))
		want[cpuset.cpus]=0
		want[memory.max]=$((64 * 1024 * 1024))
		want[pids.max]=50
		[ "$swap" = 0 ] || want[memory.swap.max]=$((64 * 1024 * 1024))
	else
		want[cpu/cpu.cfs_quota_us]=25000
		want[cpu/cpu.cfs_period_us]=50000
		want[cpu/cpu.shares]=512
		want[cpuset/cpuset.cpus]=0
		want[memory/memory.limit_in_bytes]=$((64 * 1024 * 1024))
		want[pids/pids.max]=50
		[ "$swap" = 0 ] || want[memory/memory.memsw.limit_in_bytes]=$((128 * 1024 * 1024))
	fi
	local files="${!want[*]}"
	start_bg lim "$CGRUN" run --cgroup-parent="$CGRUN_PARENT" --rm --name=limits -v "$sync:/sync" \
		"${args[@]}" busybox sh -c '
		for f in '"$files"'; do echo "$f=$(cat /sys/fs/cgroup/$f)"; done
		touch /sync/ready
		i=0; while [ ! -e /sync/go ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done'
	wait_ready "$sync/ready"
	id=$(cg_id_of limits)
	[[ $id =~ ^[0-9a-f]{64}$ ]]
	# shellcheck disable=SC2086
	local host d
	host=$(host_values "$id" $files)
	# the container (init and its command) is in its cgroup in every
	# hierarchy, the cgroup2 tracking one included
	for d in "${CG_USED_DIRS[@]}"; do
		echo "$d/$id/cgroup.procs: $(tr '\n' ' ' <"$d/$id/cgroup.procs")"
		[ "$(wc -l <"$d/$id/cgroup.procs")" -ge 2 ]
	done
	touch "$sync/go"
	wait_bg "$BG_PID" 30
	cat "$BATS_TEST_TMPDIR/lim.err"
	[ "$BG_STATUS" -eq 0 ]
	local inside f
	inside=$(cat "$BATS_TEST_TMPDIR/lim.out")
	echo "inside:"; echo "$inside"; echo "host:"; echo "$host"
	for f in "${!want[@]}"; do
		grep -qxF -- "$f=${want[$f]}" <<<"$inside"
		grep -qxF -- "$f=${want[$f]}" <<<"$host"
	done
}

@test "--cpus=0.5 is a quota of half the period" {
	local f
	if [ "$CG_MODE" = unified ]; then
		run -0 cg_run --rm --cpus=0.5 busybox cat /sys/fs/cgroup/cpu.max
		[ "$output" = "50000 100000" ]
	else
		run -0 cg_run --rm --cpus=0.5 busybox cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu/cpu.cfs_period_us
		[ "${lines[0]}" = 50000 ]
		[ "${lines[1]}" = 100000 ]
	fi
}

@test "a fork bomb stops at --pids-limit=20 and the container ends cleanly" {
	local max cur
	max=$(cg_inside_file pids.max pids.max)
	cur=$(cg_inside_file pids.current pids.current)
	# Each background job writes a line once its fork succeeded; the inner
	# shell dies at the first failed fork. Then wait (bounded) until every
	# job that got a process has written its line: all processes but init
	# and the outer shell. Counting uses no fork at all.
	run -0 cg_run --rm --pids-limit=20 busybox sh -c '
		echo "max=$(cat /sys/fs/cgroup/'"$max"')"
		sh -c "i=0; while [ \$i -lt 60 ]; do (echo x >>/tmp/started; exec sleep 30) & i=\$((i+1)); done; wait" 2>/tmp/err
		i=0
		while :; do
			n=0; while read -r l; do n=$((n+1)); done </tmp/started
			read -r c </sys/fs/cgroup/'"$cur"'
			[ $n -ge $((c - 2)) ] || [ $i -ge 100 ] && break
			i=$((i+1)); sleep 0.05
		done
		read -r e </tmp/err
		echo "started=$n"
		echo "current=$c"
		echo "error=$e"'
	echo "$output"
	[ "${lines[0]}" = max=20 ]
	local n=${lines[1]#started=}
	[ "$n" -lt 20 ]
	# the limit stopped it, not something else: most of the 20 were used
	[ "$n" -ge 10 ]
	[ "${lines[2]#current=}" -le 20 ]
	[[ ${lines[3]} == *"can't fork"* ]]
}

@test "a memory hog under --memory=32m is OOM-killed with exit 137" {
	local -a args=(--memory=32m)
	# With swap on, memory alone would let it swap: cap swap too if we can.
	if [ "$(wc -l </proc/swaps)" -gt 1 ] && have_swap_limit; then
		args+=(--memory-swap=32m)
	fi
	run -137 cg_run --rm "${args[@]}" busybox tail /dev/zero
	# Kept, its record says why it ended: the init marks its exit status
	# (spawn.c's init_loop) while its cgroup is still there to read.
	run -137 cg_run --name=oom "${args[@]}" busybox tail /dev/zero
	run -0 "$CGRUN" inspect oom
	[[ $output == *'"state":"oom-killed"'* ]] || [[ $output == *'"state": "oom-killed"'* ]]
	run -0 "$CGRUN" rm oom
}

@test "a busy loop under --cpu-quota=2000 uses 2% +- 0.3% of one CPU" {
	local usage
	if [ "$CG_MODE" = unified ]; then
		usage='while read -r k v; do [ "$k" = usage_usec ] && u=$v; done </sys/fs/cgroup/cpu.stat'
	else
		# cpuacct.usage is in nanoseconds
		usage='read -r u </sys/fs/cgroup/cpuacct/cpuacct.usage; u=$((u / 1000))'
	fi
	local pct try
	# A second measurement only if the first is off: a TCG VM sharing two
	# cores with two others can be late to throttle now and then; a quota
	# that does not hold (100%, or 0) fails both.
	for try in 1 2; do
		run -0 cg_run --rm --cpu-quota=2000 busybox sh -c '
			while :; do :; done &
			'"$usage"'; u1=$u; read -r t1 x </proc/uptime
			sleep 5
			'"$usage"'; u2=$u; read -r t2 x </proc/uptime
			kill $!
			echo "$u1 $t1 $u2 $t2"'
		echo "$output"
		pct=$(awk '{ printf "%.3f", ($3 - $1) / (($4 - $2) * 1e6) * 100 }' <<<"${lines[-1]}")
		echo "CPU use (measurement $try): $pct% of one CPU"
		awk -v p="$pct" 'BEGIN { exit !(p >= 1.7 && p <= 2.3) }' && return 0
	done
	return 1
}
