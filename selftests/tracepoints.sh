#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# tracepoints.sh - the "altmm" trace system (module/altmm_trace.h) against
# the running kernel's own kmem events.
#
# Checks:
#   - tracefs has events/altmm/ with 6.1's ten kmem events;
#   - each event's fields (name, type, size, sign) are the kernel's kmem
#     event's, read from the same kernel's events/kmem/*/format, and so
#     is each print format but where altmm's differs by design (kmalloc's
#     accounted, which altmm without memory cgroups prints as false, and
#     the pageblock order of mm_page_alloc_extfrag);
#   - with events/altmm/enable on, five order-3 ctl allocations are five
#     mm_page_alloc lines of order 3 with GFP_KERNEL's flags, whose pfns
#     are the host pfns the five mm_page_free lines of their free give;
#   - a trace of altmm's own events, recorded while the consumer module
#     (ordinary kernel code through altmm_compat.h) loads and unloads,
#     replays on altmm_replay.ko: state done, every kmalloc and kfree
#     line read;
#   - the vmscan events altmm has (kswapd sleep, wake and wakeup, direct
#     reclaim begin and end) have the kernel's fields; a ctl reclaim is
#     one direct_reclaim_begin and one _end, and a compact_memory write
#     one mm_compaction_begin and _end pair per zone compacted, in sync
#     mode;
#   - nothing is traced once the events are off, and the log is clean.

. "$(dirname "$0")/lib.sh"

CONSUMER_KO=${CONSUMER_KO:-$(first_file /altmm/modules/altmm_consumer.ko \
	"$SELFTESTS_DIR/../build/amd64/consumer/altmm_consumer.ko")}
REPLAY_KO=${REPLAY_KO:-$(first_file /altmm/modules/altmm_replay.ko \
	"$SELFTESTS_DIR/../build/amd64/replay/altmm_replay.ko")}
T=/sys/kernel/tracing
TMP=/tmp/tracepoints.$$
EVENTS="kmem_cache_alloc kmalloc kfree kmem_cache_free mm_page_free
mm_page_free_batched mm_page_alloc mm_page_alloc_zone_locked
mm_page_pcpu_drain mm_page_alloc_extfrag"

require_altmm
[ -d $T/events ] || mount -t tracefs nodev $T 2>/dev/null
[ -d $T/events/kmem ] || skip_all "no tracefs with kmem events at $T"
tap_plan 10
mkdir -p $TMP

altmm_load_or_bail arena_mb=64 nodes=1
kmsg_mark "tracepoints"

rc=0
for e in $EVENTS; do
	[ -f "$T/events/altmm/$e/format" ] || { tap_diag "no events/altmm/$e"; rc=1; }
done
tap_check $rc "events/altmm/ has the ten kmem events of 6.1"

# fields FILE: the field lines of a format file, without the common ones.
fields()
{
	grep '^	field:' "$1" | grep -v 'field:[a-z ]* common_'
}

rc=0
for e in $EVENTS; do
	fields "$T/events/kmem/$e/format" >$TMP/k
	fields "$T/events/altmm/$e/format" >$TMP/a
	if ! cmp -s $TMP/k $TMP/a; then
		tap_diag "$e: fields differ: kernel $(tr '\n\t' '  ' <$TMP/k)"
		tap_diag "$e:                altmm $(tr '\n\t' '  ' <$TMP/a)"
		rc=1
	fi
done
tap_check $rc "every event has the kernel's fields, with their types and sizes"

rc=0
for e in $EVENTS; do
	case $e in kmalloc | mm_page_alloc_extfrag) continue ;; esac
	k=$(grep "^print fmt:" "$T/events/kmem/$e/format")
	a=$(grep "^print fmt:" "$T/events/altmm/$e/format")
	if [ "$k" != "$a" ]; then
		tap_diag "$e: kernel $k"
		tap_diag "$e: altmm  $a"
		rc=1
	fi
done
tap_check $rc "every print format is the kernel's (kmalloc and mm_page_alloc_extfrag aside)"

rc=0
for e in mm_vmscan_kswapd_sleep mm_vmscan_kswapd_wake mm_vmscan_wakeup_kswapd \
	 mm_vmscan_direct_reclaim_begin mm_vmscan_direct_reclaim_end; do
	fields "$T/events/vmscan/$e/format" >$TMP/k
	fields "$T/events/altmm/$e/format" >$TMP/a
	k=$(grep "^print fmt:" "$T/events/vmscan/$e/format")
	a=$(grep "^print fmt:" "$T/events/altmm/$e/format")
	if ! cmp -s $TMP/k $TMP/a || [ "$k" != "$a" ]; then
		tap_diag "$e: kernel $(tr '\n\t' '  ' <$TMP/k) $k"
		tap_diag "$e: altmm  $(tr '\n\t' '  ' <$TMP/a) $a"
		rc=1
	fi
done
tap_check $rc "the vmscan events have the kernel's fields and print formats"

echo >$T/trace
for e in mm_vmscan_direct_reclaim_begin mm_vmscan_direct_reclaim_end \
	 mm_compaction_begin mm_compaction_end; do
	echo 1 >"$T/events/altmm/$e/enable"
done
ctl reclaim node=0
echo 1 >"$ALTMM_DEBUGFS/vm/compact_memory"
echo 0 >$T/events/altmm/enable
cat $T/trace >$TMP/vm
rb=$(grep -c 'mm_vmscan_direct_reclaim_begin: order=0 gfp_flags=GFP_KERNEL$' $TMP/vm)
re=$(grep -c 'mm_vmscan_direct_reclaim_end: nr_reclaimed=[0-9]*$' $TMP/vm)
cb=$(grep -c 'mm_compaction_begin: zone_start=0x[0-9a-f]* .* mode=sync status=continue$' $TMP/vm)
ce=$(grep -c 'mm_compaction_end: zone_start=0x[0-9a-f]* .* mode=sync status=[a-z_]*$' $TMP/vm)
rc=0
[ "$rb" -eq 1 ] && [ "$re" -eq 1 ] && [ "$cb" -ge 1 ] && [ "$cb" -eq "$ce" ] || rc=1
tap_check $rc "ctl reclaim traces one direct reclaim ($rb, $re); compact_memory $cb begin and $ce end lines"

# A trace of what one ctl command pair does.
echo >$T/trace
echo 1 >$T/events/altmm/mm_page_alloc/enable
echo 1 >$T/events/altmm/mm_page_free/enable
ctl alloc tag=tp order=3 count=5 gfp=GFP_KERNEL
ctl free tag=tp
echo 0 >$T/events/altmm/enable
cat $T/trace >$TMP/pages
grep -o 'mm_page_alloc: page=[^ ]* pfn=0x[0-9a-f]* order=3 migratetype=0 gfp_flags=GFP_KERNEL$' \
	$TMP/pages | sed 's/.*pfn=\([^ ]*\).*/\1/' | sort >$TMP/allocs
grep -o 'mm_page_free: page=[^ ]* pfn=0x[0-9a-f]* order=3$' $TMP/pages |
	sed 's/.*pfn=\([^ ]*\).*/\1/' | sort >$TMP/frees
rc=0
[ "$(wc -l <$TMP/allocs)" -eq 5 ] || rc=1
cmp -s $TMP/allocs $TMP/frees || rc=1
[ $rc -eq 0 ] || tap_diag "allocs: $(tr '\n' ' ' <$TMP/allocs); frees: $(tr '\n' ' ' <$TMP/frees)"
tap_check $rc "five order-3 allocations trace five mm_page_alloc lines, freed as five mm_page_free"

# altmm's own trace, replayed.
if [ -n "$CONSUMER_KO" ] && [ -f "$CONSUMER_KO" ] && [ -n "$REPLAY_KO" ] && [ -f "$REPLAY_KO" ]; then
	echo >$T/trace
	echo 1 >$T/events/altmm/enable
	"$MODLOAD" "$CONSUMER_KO" >/dev/null 2>&1 && "$MODLOAD" -r altmm_consumer >/dev/null 2>&1
	echo 0 >$T/events/altmm/enable
	cat $T/trace >$TMP/own
	kmallocs=$(grep -c ' kmalloc: ' $TMP/own)
	rc=0
	if "$MODLOAD" "$REPLAY_KO" rounds=1 arena_mb=64 >/dev/null 2>&1; then
		cat $TMP/own >/sys/kernel/debug/altmm_replay/trace
		r=/sys/kernel/debug/altmm_replay/report
		state=$(awk '$1 == "state" { print $2 }' $r)
		ev=$(awk '$1 == "event_kmalloc" { print $2 }' $r)
		"$MODLOAD" -r altmm_replay >/dev/null 2>&1
		[ "$state" = "done" ] && [ "${ev:-0}" -eq "$kmallocs" ] && [ "$kmallocs" -gt 0 ] || rc=1
		tap_check $rc "a trace of altmm's own events replays (state $state, $ev of $kmallocs kmalloc lines)"
	else
		tap_fail "a trace of altmm's own events replays: altmm_replay.ko did not load"
	fi
else
	tap_skip "a trace of altmm's own events replays" "altmm_consumer.ko or altmm_replay.ko not found"
fi

echo >$T/trace
ctl alloc tag=tp order=0 count=8 gfp=GFP_KERNEL
ctl free tag=tp
n=$(grep -c 'mm_page_alloc' $T/trace)
[ "$n" -eq 0 ]
tap_check $? "nothing is traced once the events are off ($n lines)"

check_log_clean "tracepoints"
tap_check $? "no report in the kernel log"
altmm_unload || tap_diag "unload: $UNLOAD_ERR"
rm -rf $TMP
tap_done
