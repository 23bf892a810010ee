#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# compaction.sh - compaction (module/compaction.c) with real processes,
# through the files a kernel engineer uses: vm/compact_memory and
# node/nodeN/compact.
#
# Checks:
#   - vm/compact_memory and node/node0/compact refuse anything but 1
#     (EINVAL, a log line naming the file) and compact nothing then;
#     node1 does not exist on one node;
#   - usermem_prog compact (min_free_kbytes 128, so that the fill stays
#     clear of direct reclaim; compaction_proactiveness 0, so that only
#     the writes compact): a process fragments a 32 MiB arena with two
#     mappings until no free order-9 block is left and drops one; an
#     order-9 GFP_NOIO allocation (which may not compact) fails; five
#     writes of 1 to vm/compact_memory while the process and a child
#     rewrite their halves of the memory; every page holds what was last
#     written, altmm has free order-9 blocks again, and the same
#     allocation succeeds;
#   - compact_migrate_scanned, compact_free_scanned, compact_isolated and
#     pgmigrate_success grew, and a write to node/node0/compact scans
#     again;
#   - kernel pages, no process: ctl tags of movable order-0 blocks
#     (movable=1: each filled with a pattern, marked movable with the ctl
#     file as owner) fill the arena in alternating runs until no free
#     order-9 block is left, one tag is freed; the order-9 GFP_NOIO
#     allocation fails; after compact_memory writes there are free order-9
#     blocks again, it succeeds, pgmigrate_success grew, the tag's blocks
#     still hold their patterns (ctl verify) and moved only up the zone's
#     node and zone rows; ctl refuses movable=1 above order 0 and a
#     movable value that is not a boolean;
#   - races (run it with 2 or more CPUs): two shells allocate, verify
#     and free movable tags in a loop while a third writes compact_memory
#     and node0/compact without pause; every verify passes, compaction
#     moved pages meanwhile, and the tags free;
#   - no report in the kernel log, nothing left isolated, every frame free
#     again, and altmm unloads with every page back.

. "$(dirname "$0")/lib.sh"

PROG=${USERMEM_PROG:-$(first_file "$SELFTESTS_DIR/usermem_prog" \
	"$SELFTESTS_DIR/../build/selftests/usermem_prog")}
TMP=/tmp/compaction.$$
COMPACT_CHECKS=5

require_altmm
if [ -z "$PROG" ] || [ ! -x "$PROG" ]; then
	skip_all "usermem_prog not found (set USERMEM_PROG)"
fi
tap_plan $((COMPACT_CHECKS + 16))
mkdir -p $TMP

altmm_load_or_bail arena_mb=32 nodes=1
free0=$(vmstat_get nr_free_pages)
VM=$ALTMM_DEBUGFS/vm/compact_memory
NODE0=$ALTMM_DEBUGFS/node/node0/compact

# The fragmenting fill ends within a pageblock of a full arena: keep the
# min watermark (510 frames by default here) well below that, so that no
# direct reclaim (and, without swap, no OOM kill) comes into it.
# And no background compaction: the checks below say when compaction runs.
write_file "$ALTMM_DEBUGFS/vm/min_free_kbytes" 128
write_file "$ALTMM_DEBUGFS/vm/compaction_proactiveness" 0

kmsg_mark "compaction bad writes"
scanned=$(vmstat_get compact_migrate_scanned)
rc=0
for v in 0 2 -1 abc "1 1" ""; do
	for f in "$VM" "$NODE0"; do
		if write_file "$f" "$v" || [ "$WRITE_ERR" != EINVAL ]; then
			tap_diag "writing '$v' to ${f#"$ALTMM_DEBUGFS"/}: $WRITE_ERR, not EINVAL"
			rc=1
		fi
	done
done
check_log_has 'vm/compact_memory: write refused' "compact_memory" || rc=1
check_log_has 'node/node0/compact: write refused' "node0/compact" || rc=1
[ "$(vmstat_get compact_migrate_scanned)" -eq "$scanned" ] || rc=1
tap_check $rc "compact_memory and node0/compact refuse anything but 1, and compact nothing"
[ ! -e "$ALTMM_DEBUGFS/node/node1" ]
tap_check $? "one node: node/ has no node1"


kmsg_mark "compaction"
success=$(vmstat_get pgmigrate_success)
free_scanned=$(vmstat_get compact_free_scanned)
isolated=$(vmstat_get compact_isolated)
run_prog compact $COMPACT_CHECKS compact 32 5
rc=0
for c in compact_migrate_scanned:$scanned compact_free_scanned:$free_scanned \
	 compact_isolated:$isolated pgmigrate_success:$success; do
	now=$(vmstat_get "${c%%:*}")
	tap_diag "${c%%:*} +$((now - ${c#*:}))"
	[ "$now" -gt "${c#*:}" ] || rc=1
done
tap_check $rc "the compact_* counters and pgmigrate_success grew"

scanned=$(vmstat_get compact_migrate_scanned)
write_file "$NODE0" 1
rc=$?
[ "$(vmstat_get compact_migrate_scanned)" -gt "$scanned" ] || rc=1
tap_check $rc "a write of 1 to node/node0/compact compacts the node ($WRITE_ERR)"
write_file "$VM" 1
tap_check $? "a write of 1 to vm/compact_memory with nothing to move ($WRITE_ERR)"

# free_order9: free order-9 blocks in buddyinfo (an order-10 block is two).
free_order9()
{
	awk '/^Node/ { n += $14 + 2 * $15 } END { print n + 0 }' "$ALTMM_DEBUGFS/buddyinfo"
}

kmsg_mark "compaction of movable kernel pages"
rc=0
for bad in "order=1 count=1 movable=1" "order=0 count=1 movable=maybe"; do
	if ctl alloc tag=bad gfp=GFP_KERNEL "$bad" || [ "$WRITE_ERR" != EINVAL ]; then
		tap_diag "ctl alloc $bad: $WRITE_ERR, not EINVAL"
		rc=1
	fi
done
check_log_has 'movable blocks are order 0' "movable=1 order=1" || rc=1
[ -z "$(ctl_rows)" ] || rc=1
tap_check $rc "ctl refuses movable=1 above order 0, and a movable value not 0 or 1"

# Runs of 64 frames, alternating between the tags, without reclaim or
# kswapd (the mask has neither), until the arena has no free pageblock
# (and two runs more, so the last split block holds both tags).
MV="order=0 count=64 gfp=__GFP_MOVABLE|__GFP_NOWARN movable=1"
i=0 extra=2
while ctl alloc tag=mv$((i % 2)) "$MV"; do
	i=$((i + 1))
	if [ "$(free_order9)" -eq 0 ]; then
		[ $extra -eq 0 ] && break
		extra=$((extra - 1))
	fi
	[ $i -lt 1000 ] || break
done
ctl free tag=mv1
ctl drain
before=$(free_order9)
frames=$(ctl_tag_frames mv0)
tap_diag "$i runs of 64 frames; mv0 keeps $frames; free order-9 blocks $before"
rc=0
[ "$before" -eq 0 ] || rc=1
ctl alloc tag=thp order=9 count=1 gfp=GFP_NOIO\|__GFP_NOWARN && rc=1
tap_check $rc "movable ctl blocks fragment the arena; an order-9 GFP_NOIO allocation fails ($WRITE_ERR)"

success=$(vmstat_get pgmigrate_success)
for n in 1 2 3; do
	write_file "$VM" 1
done
ctl drain
after=$(free_order9)
tap_diag "free order-9 blocks $before -> $after; pgmigrate_success +$(($(vmstat_get pgmigrate_success) - success))"
rc=0
[ "$after" -ge 2 ] || rc=1
[ "$(vmstat_get pgmigrate_success)" -gt "$success" ] || rc=1
tap_check $rc "compact_memory moves movable ctl blocks: free order-9 blocks again"
ctl alloc tag=thp order=9 count=1 gfp=GFP_NOIO\|__GFP_NOWARN
tap_check $? "the order-9 GFP_NOIO allocation succeeds after compaction ($WRITE_ERR)"
ctl free tag=thp
ctl verify tag=mv0
rc=$?
[ "$(ctl_tag_frames mv0)" -eq "$frames" ] || rc=1
tap_check $rc "every movable block keeps its contents, and the tag its frames ($WRITE_ERR)"
ctl free tag=mv0
tap_check $? "the tag's blocks free from wherever they moved ($WRITE_ERR)"

# churn TAG: 40 rounds of 64 blocks allocated, all of TAG verified and
# the newest 32 freed (TAG grows by 32 a round), then the rest freed;
# a line for each failure on stdout.
churn()
{
	local n=0

	while [ $n -lt 40 ]; do
		ctl alloc tag="$1" order=0 count=64 gfp=GFP_KERNEL\|__GFP_MOVABLE movable=1 ||
			echo "round $n: alloc: $WRITE_ERR"
		ctl verify tag="$1" || echo "round $n: verify: $WRITE_ERR"
		ctl free tag="$1" count=32 || echo "round $n: free: $WRITE_ERR"
		n=$((n + 1))
	done
	ctl verify tag="$1" || echo "end: verify: $WRITE_ERR"
	ctl free tag="$1" || echo "end: free: $WRITE_ERR"
}

success=$(vmstat_get pgmigrate_success)
churn race0 >$TMP/race0 2>&1 &
p0=$!
churn race1 >$TMP/race1 2>&1 &
p1=$!
rounds=0
while kill -0 $p0 2>/dev/null || kill -0 $p1 2>/dev/null; do
	write_file "$VM" 1
	write_file "$NODE0" 1
	rounds=$((rounds + 1))
done
wait $p0 $p1
moved=$(($(vmstat_get pgmigrate_success) - success))
tap_diag "$rounds compaction rounds during the churn, $moved pages migrated"
rc=0
for f in $TMP/race0 $TMP/race1; do
	if [ -s "$f" ]; then
		tap_diag "${f##*/}: $(head -n 5 "$f")"
		rc=1
	fi
done
[ $moved -gt 0 ] || rc=1
[ -z "$(ctl_rows)" ] || rc=1
tap_check $rc "movable tags churn on two shells under constant compaction: every verify passes"

usermem_finish "compaction" "$free0"
rm -rf $TMP
tap_done
