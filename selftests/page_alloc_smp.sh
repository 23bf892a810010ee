#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Both vCPUs allocate and free at once through the ctl file, while a third
# shell reads every allocator file.
#
#   - a loop pinned to each CPU (taskset; unpinned if taskset fails) runs
#     $ROUNDS rounds of: GFP_KERNEL blocks of order 0..3 on its own node,
#     the other node and no node; GFP_ATOMIC and movable single pages;
#     frees of the previous round's tags (so frees meet allocations of the
#     other CPU); a drain every 8 rounds. No command may fail;
#   - both CPUs' per-CPU lists were used (the reader saw a pageset count
#     above 0 for cpu 0 and for cpu 1), and both nodes served local
#     allocations (numa_local of each node moved);
#   - afterwards nothing is held, a drain restores buddyinfo and
#     nr_free_pages of load time, nothing was counted as misuse, and the
#     kernel log has no complaint;
#   - then both CPUs commit $DOUBLE double frees at once (ctl "misuse
#     kind=double_free"): every one refused and counted exactly once (a
#     free that lost a race leaves no count behind), buddyinfo and
#     nr_free_pages back after a drain, no warning in the log;
#   - rmmod finds nothing allocated.

. "$(dirname "$0")/lib.sh"

ROUNDS=40
DOUBLE=60
TMP=/tmp/altmm-smp.$$

require_altmm
tap_plan 8

altmm_load_or_bail

# The baseline: at load, other layers' frees may sit on per-CPU lists.
ctl drain
before=$(buddyinfo_snapshot)
free_before=$(vmstat_get nr_free_pages)
local0=$(zoneinfo_get 0 DMA32 numa_local)
local1=$(zoneinfo_get 1 Normal numa_local)
mkdir -p $TMP

# worker CPU: the loop; its failed commands go to $TMP/fail.CPU.
worker()
{
	local cpu="$1" other=$((1 - $1)) r=0 prev o

	: >"$TMP/fail.$cpu"
	# Start together, once pinned.
	while [ ! -e "$TMP/go" ]; do
		sleep 0.1
	done
	while [ $r -lt $ROUNDS ]; do
		o=$((r % 4))
		for c in \
			"alloc tag=c$cpu-$r order=$o count=16 gfp=GFP_KERNEL node=$cpu" \
			"alloc tag=c$cpu-$r order=$o count=8 gfp=GFP_KERNEL node=$other" \
			"alloc tag=c$cpu-$r order=0 count=32 gfp=GFP_KERNEL" \
			"alloc tag=c$cpu-$r order=0 count=16 gfp=GFP_ATOMIC" \
			"alloc tag=c$cpu-$r order=0 count=16 gfp=GFP_HIGHUSER_MOVABLE"; do
			ctl "$c" || echo "$c: $WRITE_ERR" >>"$TMP/fail.$cpu"
		done
		if [ $r -gt 0 ]; then
			prev=c$cpu-$((r - 1))
			ctl "free tag=$prev" || echo "free tag=$prev: $WRITE_ERR" >>"$TMP/fail.$cpu"
		fi
		if [ $((r % 8)) -eq 7 ]; then
			ctl drain || echo "drain: $WRITE_ERR" >>"$TMP/fail.$cpu"
		fi
		r=$((r + 1))
	done
	ctl "free tag=c$cpu-$((ROUNDS - 1))" || echo "last free: $WRITE_ERR" >>"$TMP/fail.$cpu"
}

# reader: read the allocator's files until $TMP/stop appears; note in
# $TMP/seen each CPU whose per-CPU lists held frames at a reading.
reader()
{
	while [ ! -e "$TMP/stop" ]; do
		for f in buddyinfo pagetypeinfo vmstat meminfo ctl_status; do
			[ -f "$ALTMM_DEBUGFS/$f" ] && cat "$ALTMM_DEBUGFS/$f" >/dev/null
		done
		awk '$1 == "cpu:" { cpu = $2 } $1 == "count:" && $2 > 0 { print cpu }' \
			"$ALTMM_DEBUGFS/zoneinfo" | sort -u >>"$TMP/seen"
	done
}

kmsg_mark "two workers and a reader"
pinned=yes
taskset 1 true 2>/dev/null && taskset 2 true 2>/dev/null || pinned=no
tap_diag "workers pinned to CPU 0 and CPU 1: $pinned"
reader &
rpid=$!
worker 0 &
w0=$!
worker 1 &
w1=$!
# The workers' writes are builtins run by these two subshells (and the
# subshells they fork, which inherit the mask).
if [ $pinned = yes ]; then
	taskset -p 1 $w0 >/dev/null 2>&1 || tap_diag "cannot pin worker 0"
	taskset -p 2 $w1 >/dev/null 2>&1 || tap_diag "cannot pin worker 1"
fi
touch "$TMP/go"
wait $w0
wait $w1
touch "$TMP/stop"
wait $rpid

rc=0
for cpu in 0 1; do
	if [ -s "$TMP/fail.$cpu" ]; then
		tap_diag "worker $cpu:"
		tap_diag "$(head -n 20 "$TMP/fail.$cpu")"
		rc=1
	fi
done
tap_check $rc "$ROUNDS rounds on each CPU at once: no command failed"

rc=0
counts=$(awk '{ seen[$1] = 1 } END { print (0 in seen) + 0, (1 in seen) + 0 }' "$TMP/seen")
tap_diag "per-CPU lists seen holding frames (cpu 0, cpu 1): $counts"
[ "$counts" = "1 1" ] || rc=1
d0=$(($(zoneinfo_get 0 DMA32 numa_local) - local0))
d1=$(($(zoneinfo_get 1 Normal numa_local) - local1))
tap_diag "numa_local: node 0 DMA32 +$d0, node 1 Normal +$d1"
[ "$d0" -gt 0 ] && [ "$d1" -gt 0 ] || rc=1
tap_check $rc "both CPUs' per-CPU lists and both nodes' local allocations were used"

rc=0
[ -z "$(ctl_rows)" ] || { tap_diag "still held: $(ctl_rows | head -n 5)"; rc=1; }
[ "$(ctl_event misuse)" -eq 0 ] || { tap_diag "misuse count $(ctl_event misuse)"; rc=1; }
tap_check $rc "nothing is held, nothing was counted as misuse"

rc=0
ctl drain || rc=1
check_buddyinfo_back "$before" "after the workers and a drain" || rc=1
[ "$(vmstat_get nr_free_pages)" -eq "$free_before" ] ||
	{ tap_diag "nr_free_pages $free_before at load, $(vmstat_get nr_free_pages) now"; rc=1; }
tap_check $rc "after a drain, buddyinfo and nr_free_pages are as at load"

rc=0
check_log_clean "two workers and a reader" || rc=1
tap_check $rc "no complaint in the kernel log"

# double_free CPU: $DOUBLE double frees; the refusals that failed go to $TMP/df.CPU.
double_free()
{
	local cpu="$1" i=0

	: >"$TMP/df.$cpu"
	while [ ! -e "$TMP/df-go" ]; do
		sleep 0.1
	done
	while [ $i -lt $DOUBLE ]; do
		ctl "misuse kind=double_free" || echo "double free $i: $WRITE_ERR" >>"$TMP/df.$cpu"
		i=$((i + 1))
	done
}

kmsg_mark "double frees on both CPUs"
rc=0
n0=$(ctl_event misuse)
double_free 0 &
w0=$!
double_free 1 &
w1=$!
if [ $pinned = yes ]; then
	taskset -p 1 $w0 >/dev/null 2>&1 || tap_diag "cannot pin double_free 0"
	taskset -p 2 $w1 >/dev/null 2>&1 || tap_diag "cannot pin double_free 1"
fi
touch "$TMP/df-go"
wait $w0
wait $w1
for cpu in 0 1; do
	[ -s "$TMP/df.$cpu" ] && { tap_diag "CPU $cpu: $(head -n 5 "$TMP/df.$cpu")"; rc=1; }
done
d=$(($(ctl_event misuse) - n0))
tap_diag "$((2 * DOUBLE)) double frees: misuse counted $d"
[ "$d" -eq $((2 * DOUBLE)) ] || rc=1
[ -z "$(ctl_rows)" ] || { tap_diag "still held: $(ctl_rows | head -n 5)"; rc=1; }
ctl drain || rc=1
check_buddyinfo_back "$before" "after the double frees and a drain" || rc=1
[ "$(vmstat_get nr_free_pages)" -eq "$free_before" ] ||
	{ tap_diag "nr_free_pages $free_before at load, $(vmstat_get nr_free_pages) now"; rc=1; }
if log_since_mark | grep -Eq 'WARNING:|BUG:|KASAN|UBSAN|Oops|refcount_t:|accepted'; then
	tap_diag "$(log_since_mark | grep -E 'WARNING:|BUG:|KASAN|UBSAN|Oops|refcount_t:|accepted' | head -n 5)"
	rc=1
fi
tap_check $rc "$DOUBLE double frees on each CPU at once: each refused and counted once"

rc=0
altmm_unload || { tap_diag "unload: $UNLOAD_ERR"; rc=1; }
if log_since_mark | grep -q 'teardown:'; then
	tap_diag "$(log_since_mark | grep 'teardown:')"
	rc=1
fi
tap_check $rc "rmmod finds nothing allocated"
altmm_unload_quiet
rm -rf $TMP

tap_done
