#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Exhaust node 0 of the default layout (node 0: DMA 0-16M and DMA32
# 16-128M; node 1: Normal 128-256M) through the ctl file and watch the
# allocator keep its reserves, as 6.1 does.
#
#   spill    GFP_KERNEL on node 0, more than node 0 has: the zonelist is
#            node 0's DMA32, node 0's DMA, node 1's Normal. The fast path
#            leaves DMA32 at its low watermark and DMA at low + its
#            lowmem_reserve for Normal requests ("protection"), then spills
#            to node 1; pgalloc_<zone> count each zone's frames exactly,
#            and every frame from node 1 is a numa_miss of node 1's Normal
#            and a numa_foreign of node 0's DMA32 (the preferred zone).
#   min      GFP_KERNEL|__GFP_THISNODE until it fails: the slow path takes
#            DMA32 down to min (give or take what sits on per-CPU lists)
#            and DMA to exactly min + protection; the write still succeeds
#            with a logged shortfall; a rate-limited "page allocation
#            failure: order:0" report with the per-zone summary is in the
#            log; kswapd was woken (pageoutrun or kswapd_*_hit_quickly),
#            direct reclaim ran (allocstall_normal), alloc_fail moved.
#   atomic   GFP_ATOMIC|__GFP_THISNODE|__GFP_NOWARN goes further: min less
#            a half (__GFP_HIGH) less a quarter of that (non-blocking), in
#            both zones; __GFP_NOWARN keeps it out of the log.
#   free     everything freed and drained: buddyinfo and nr_free_pages are
#            as at load, rmmod finds nothing allocated.

. "$(dirname "$0")/lib.sh"

require_altmm
tap_plan 13

altmm_load_or_bail

# The baseline: at load, other layers' frees may sit on per-CPU lists.
ctl drain
before=$(buddyinfo_snapshot)
free_before=$(vmstat_get nr_free_pages)
Z0=/tmp/altmm-exhaust-zoneinfo.0
cat "$ALTMM_DEBUGFS/zoneinfo" >$Z0

# Zone N DMA32 ... as "<node> <zone>": value of KEY at load.
at_load()
{
	zoneinfo_get "$1" "$2" "$3" $Z0
}

dma_min=$(at_load 0 DMA min)
dma_low=$(at_load 0 DMA low)
dma32_min=$(at_load 0 DMA32 min)
dma32_low=$(at_load 0 DMA32 low)
# protection: (DMA, DMA32, Normal, ...): what DMA keeps from Normal requests.
dma_prot=$(at_load 0 DMA protection: | awk '{ print $3 }')
dma32_batch=$(awk '/^Node 0, zone +DMA32/ { z = 1 } z && $1 == "batch:" { print $2; exit }' $Z0)
# Per-CPU lists of two CPUs may hold up to a batch each.
slack=$((2 * dma32_batch + 1))
tap_diag "node 0: DMA min $dma_min low $dma_low protection(Normal) $dma_prot; DMA32 min $dma32_min low $dma32_low batch $dma32_batch"

# === spill ===

v0_dma=$(vmstat_get pgalloc_dma)
v0_dma32=$(vmstat_get pgalloc_dma32)
v0_normal=$(vmstat_get pgalloc_normal)
v0_miss=$(vmstat_get numa_miss)
v0_foreign=$(vmstat_get numa_foreign)
z0_miss=$(at_load 1 Normal numa_miss)
z0_foreign=$(at_load 0 DMA32 numa_foreign)

n=$(($(at_load 0 DMA free) + $(at_load 0 DMA32 free) + 2000))
kmsg_mark "spill: $n frames on node 0"
rc=0
ctl "alloc tag=spill order=0 count=$n gfp=GFP_KERNEL node=0" ||
	{ tap_diag "the write returned $WRITE_ERR"; rc=1; }
f_dma32=$(ctl_tag_frames spill 0 DMA32)
f_dma=$(ctl_tag_frames spill 0 DMA)
f_normal=$(ctl_tag_frames spill 1 Normal)
tap_diag "spill: $f_dma32 from node 0 DMA32, $f_dma from node 0 DMA, $f_normal from node 1 Normal"
if [ "$(ctl_tag_frames spill)" -ne "$n" ] || [ "$f_dma32" -eq 0 ] ||
	[ "$f_dma" -eq 0 ] || [ "$f_normal" -eq 0 ]; then
	tap_diag "$(cat "$ALTMM_DEBUGFS/ctl_status")"
	rc=1
fi
tap_check $rc "spill: all $n frames, from node 0 DMA32, node 0 DMA and node 1 Normal"

rc=0
z_dma32=$(zoneinfo_get 0 DMA32 free)
z_dma=$(zoneinfo_get 0 DMA free)
tap_diag "free now: DMA32 $z_dma32, DMA $z_dma"
if [ "$z_dma32" -gt "$dma32_low" ] || [ "$z_dma32" -le "$dma32_min" ]; then
	tap_diag "DMA32 free $z_dma32: expected at most low ($dma32_low), above min"
	rc=1
fi
if [ "$z_dma" -ne $((dma_low + dma_prot)) ]; then
	tap_diag "DMA free $z_dma: expected low + protection = $((dma_low + dma_prot))"
	rc=1
fi
tap_check $rc "spill: DMA32 stops at its low watermark, DMA at low + lowmem_reserve"

rc=0
for z in dma:$f_dma:$v0_dma dma32:$f_dma32:$v0_dma32 normal:$f_normal:$v0_normal; do
	name=${z%%:*}
	rest=${z#*:}
	frames=${rest%%:*}
	d=$(($(vmstat_get "pgalloc_$name") - ${rest#*:}))
	if [ "$d" -ne "$frames" ]; then
		tap_diag "pgalloc_$name moved by $d, the zone gave $frames frames"
		rc=1
	fi
done
tap_check $rc "spill: pgalloc_dma, pgalloc_dma32, pgalloc_normal count each zone's frames"

rc=0
d_zmiss=$(($(zoneinfo_get 1 Normal numa_miss) - z0_miss))
d_zforeign=$(($(zoneinfo_get 0 DMA32 numa_foreign) - z0_foreign))
d_miss=$(($(vmstat_get numa_miss) - v0_miss))
d_foreign=$(($(vmstat_get numa_foreign) - v0_foreign))
tap_diag "numa_miss: node 1 Normal +$d_zmiss, vmstat +$d_miss; numa_foreign: node 0 DMA32 +$d_zforeign, vmstat +$d_foreign"
for d in $d_zmiss $d_zforeign $d_miss $d_foreign; do
	[ "$d" -eq "$f_normal" ] || rc=1
done
tap_check $rc "spill: each frame from node 1 is a numa_miss there and a numa_foreign of node 0 DMA32"

# === min ===

k0_run=$(vmstat_get pageoutrun)
k0_low=$(vmstat_get kswapd_low_wmark_hit_quickly)
k0_high=$(vmstat_get kswapd_high_wmark_hit_quickly)
k0_stall=$(vmstat_get allocstall_normal)
k0_fail=$(ctl_event alloc_fail)

kmsg_mark "min: GFP_KERNEL|__GFP_THISNODE until it fails"
rc=0
ctl "alloc tag=kernel order=0 count=100000 gfp=GFP_KERNEL|__GFP_THISNODE node=0" ||
	{ tap_diag "the write returned $WRITE_ERR"; rc=1; }
got=$(ctl_tag_frames kernel)
check_log_has "^altmm: ctl: alloc tag=kernel: $got of 100000 order-0 blocks" "min" || rc=1
[ "$(ctl_tag_frames kernel 1)" -eq 0 ] || { tap_diag "__GFP_THISNODE took frames from node 1"; rc=1; }
tap_check $rc "min: the write succeeds with a logged shortfall ($got frames), none from node 1"

rc=0
z_dma32=$(zoneinfo_get 0 DMA32 free)
z_dma=$(zoneinfo_get 0 DMA free)
tap_diag "free now: DMA32 $z_dma32 (min $dma32_min), DMA $z_dma (min $dma_min + protection $dma_prot)"
if [ "$z_dma32" -lt $((dma32_min - slack)) ] || [ "$z_dma32" -gt $((dma32_min + slack)) ]; then
	tap_diag "DMA32 free $z_dma32: expected min $dma32_min +- $slack"
	rc=1
fi
if [ "$z_dma" -ne $((dma_min + dma_prot)) ]; then
	tap_diag "DMA free $z_dma: expected min + protection = $((dma_min + dma_prot))"
	rc=1
fi
tap_check $rc "min: GFP_KERNEL stops at min in DMA32, at min + lowmem_reserve in DMA"

rc=0
check_log_has '^altmm: .*page allocation failure: order:0, mode:0x[0-9a-f]+\(GFP_KERNEL\|__GFP_THISNODE\)' "failure report" || rc=1
check_log_has '^altmm: Node 0 DMA32 free:[0-9]+kB .*min:[0-9]+kB low:[0-9]+kB high:[0-9]+kB' "zone summary" || rc=1
check_log_has '^altmm: Node 0 DMA: ([0-9]+\*[0-9]+kB )+= [0-9]+kB' "free block summary" || rc=1
tap_check $rc "min: a 'page allocation failure: order:0' report with the per-zone summary"

# kswapd runs on its own: give it a moment.
i=0
while [ $i -lt 20 ]; do
	woke=$(($(vmstat_get pageoutrun) - k0_run + $(vmstat_get kswapd_low_wmark_hit_quickly) - k0_low + \
		$(vmstat_get kswapd_high_wmark_hit_quickly) - k0_high))
	[ "$woke" -gt 0 ] && break
	sleep 0.1
	i=$((i + 1))
done
rc=0
tap_diag "pageoutrun +$(($(vmstat_get pageoutrun) - k0_run)), allocstall_normal +$(($(vmstat_get allocstall_normal) - k0_stall)), alloc_fail +$(($(ctl_event alloc_fail) - k0_fail))"
[ "$woke" -gt 0 ] || { tap_diag "kswapd never ran a balance"; rc=1; }
[ "$(vmstat_get allocstall_normal)" -gt "$k0_stall" ] || { tap_diag "no direct reclaim"; rc=1; }
[ "$(ctl_event alloc_fail)" -gt "$k0_fail" ] || { tap_diag "alloc_fail did not move"; rc=1; }
tap_check $rc "min: kswapd was woken, direct reclaim ran, alloc_fail counted"

# === atomic ===

kmsg_mark "atomic: GFP_ATOMIC|__GFP_THISNODE|__GFP_NOWARN until it fails"
rc=0
ctl "alloc tag=atomic order=0 count=100000 gfp=GFP_ATOMIC|__GFP_THISNODE|__GFP_NOWARN node=0" ||
	{ tap_diag "the write returned $WRITE_ERR"; rc=1; }
# __zone_watermark_ok(): __GFP_HIGH halves min, non-blocking takes a quarter more.
amin() {
	local m=$(($1 - $1 / 2))

	echo $((m - m / 4))
}
a_dma32=$(amin "$dma32_min")
a_dma=$(amin "$dma_min")
z_dma32=$(zoneinfo_get 0 DMA32 free)
z_dma=$(zoneinfo_get 0 DMA free)
tap_diag "atomic: $(ctl_tag_frames atomic) frames more; free now DMA32 $z_dma32 (floor $a_dma32), DMA $z_dma (floor $a_dma + $dma_prot)"
if [ "$z_dma32" -lt $((a_dma32 - slack)) ] || [ "$z_dma32" -gt $((a_dma32 + slack)) ]; then
	tap_diag "DMA32 free $z_dma32: expected $a_dma32 +- $slack"
	rc=1
fi
if [ "$z_dma" -ne $((a_dma + dma_prot)) ]; then
	tap_diag "DMA free $z_dma: expected $((a_dma + dma_prot))"
	rc=1
fi
[ "$(ctl_tag_frames atomic)" -gt 0 ] || rc=1
tap_check $rc "atomic: GFP_ATOMIC goes below min, to min - min/2 - (min - min/2)/4"

rc=0
if log_since_mark | grep -q 'page allocation failure'; then
	tap_diag "$(log_since_mark | grep 'page allocation failure')"
	rc=1
fi
tap_check $rc "atomic: __GFP_NOWARN keeps the failure out of the log"

# === free ===

rc=0
for t in atomic kernel spill; do
	ctl "free tag=$t" || { tap_diag "free tag=$t: $WRITE_ERR"; rc=1; }
done
ctl drain || rc=1
check_buddyinfo_back "$before" "after freeing everything" || rc=1
[ "$(vmstat_get nr_free_pages)" -eq "$free_before" ] ||
	{ tap_diag "nr_free_pages $free_before at load, $(vmstat_get nr_free_pages) now"; rc=1; }
tap_check $rc "free: buddyinfo and nr_free_pages are as at load"

rc=0
altmm_unload || { tap_diag "unload: $UNLOAD_ERR"; rc=1; }
check_log_has '^altmm: unloaded' "rmmod" || rc=1
if log_since_mark | grep -q 'teardown:'; then
	tap_diag "$(log_since_mark | grep 'teardown:')"
	rc=1
fi
tap_check $rc "rmmod finds nothing allocated"
altmm_unload_quiet
rm -f $Z0

tap_done
