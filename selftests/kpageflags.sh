#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# kpageflags.sh - kpageflags and kpagecount (module/procfs.c), shaped as
# /proc/kpageflags and /proc/kpagecount, read by 6.1's tools/vm/page-types.
#
# Checks:
#   - both are 8 bytes a pfn of altmm's space, and a read that is not of
#     whole entries is refused with EINVAL;
#   - with kpageflags bind-mounted over /proc/kpageflags, page-types
#     summarises altmm's frames: 25 compound order-4 ctl blocks are 25
#     compound_head and 375 compound_tail frames, free blocks are buddy,
#     the frames of a process holding 8 MiB of /dev/altmm are (at least
#     2048) anonymous, mapped LRU pages; kpagecount says each of those
#     is mapped once; every frame is counted once;
#   - arena_map (the picture's source) has a line per pageblock, in pfn
#     order, whose free frames add up to nr_free_pages after a drain and
#     whose kernel frames include a 2048-frame ctl tag's, and each line's
#     frames add up to the pageblock;
#   - the mount is undone, no report in the log, altmm unloads.

. "$(dirname "$0")/lib.sh"

PTYPES=$SELFTESTS_DIR/page-types
PROG=${USERMEM_PROG:-$(first_file "$SELFTESTS_DIR/usermem_prog" \
	"$SELFTESTS_DIR/../build/selftests/usermem_prog")}
TMP=/tmp/kpageflags.$$

require_altmm
tap_plan 8
mkdir -p $TMP

altmm_load_or_bail arena_mb=64 nodes=1
F=$ALTMM_DEBUGFS/kpageflags
C=$ALTMM_DEBUGFS/kpagecount

frames=$((64 * 256))
rc=0
for f in "$F" "$C"; do
	n=$(wc -c <"$f")
	[ "$n" -eq $((frames * 8)) ] || { tap_diag "$f: $n bytes, not $((frames * 8))"; rc=1; }
done
tap_check $rc "kpageflags and kpagecount are 8 bytes for each of the $frames pfns"

rc=0
dd if="$F" of=/dev/null bs=4 count=1 2>$TMP/dd && rc=1
grep -q 'Invalid argument' $TMP/dd || { tap_diag "dd bs=4: $(cat $TMP/dd)"; rc=1; }
dd if="$F" of=/dev/null bs=8 skip=1 count=1 2>$TMP/dd || { tap_diag "dd bs=8: $(cat $TMP/dd)"; rc=1; }
tap_check $rc "a read of part of an entry is refused with EINVAL"

if [ ! -x "$PTYPES" ] || [ -z "$PROG" ] || [ ! -x "$PROG" ]; then
	tap_skip "page-types: compound heads and tails" "page-types or usermem_prog missing"
	tap_skip "page-types: anonymous mapped LRU pages of a process" "page-types or usermem_prog missing"
	tap_skip "page-types: free blocks are buddy, every frame counted once" "page-types missing"
else
	ctl alloc tag=kpf order=4 count=25 gfp=GFP_KERNEL\|__GFP_COMP
	mkfifo $TMP/in
	"$PROG" hold 8 <$TMP/in >$TMP/held &
	pid=$!
	exec 9>$TMP/in
	n=0
	while ! grep -q held $TMP/held && [ $n -lt 100 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	touch /proc/kpageflags 2>/dev/null
	mount --bind "$F" /proc/kpageflags
	# -r: raw, so that compound pages that are not hugetlb show too.
	"$PTYPES" -r >$TMP/types 2>&1
	umount /proc/kpageflags
	# Frames mapped once, by kpagecount, while the process still holds them.
	once=$(od -An -t u8 -v "$C" | awk '{ for (i = 1; i <= NF; i++) n += ($i == 1) } END { print n + 0 }')
	exec 9>&-
	wait $pid
	tap_diag "$(head -n 20 $TMP/types)"

	# count NAME: the frames page-types counted under flag sets with NAME.
	count()
	{
		awk -v f="$1" '$1 ~ /^0x/ { n = split($NF, a, ","); for (i = 1; i <= n; i++) if (a[i] == f) s += $2 }
		     END { print s + 0 }' $TMP/types
	}
	heads=$(count compound_head)
	tails=$(count compound_tail)
	rc=0
	[ "$heads" -eq 25 ] && [ "$tails" -eq 375 ] || rc=1
	tap_check $rc "page-types: 25 compound order-4 blocks are $heads compound_head, $tails compound_tail"

	anon=$(awk '$1 ~ /^0x/ && $NF ~ /anonymous/ && $NF ~ /mmap/ && $NF ~ /lru/ { s += $2 } END { print s + 0 }' $TMP/types)
	[ "$anon" -ge 2048 ] && [ "$once" -eq "$anon" ]
	tap_check $? "page-types: the process's 8 MiB are $anon anonymous, mapped LRU frames, $once mapped once by kpagecount"

	total=$(awk '$1 == "total" { print $2 }' $TMP/types)
	buddy=$(count buddy)
	rc=0
	[ "$total" -eq "$frames" ] && [ "$buddy" -gt 0 ] || rc=1
	[ "$(count reserved)" -gt 0 ] || rc=1
	tap_check $rc "page-types: free blocks are buddy ($buddy), the boot allocator's reserved, every frame counted once ($total)"
	ctl free tag=kpf
fi
ctl alloc tag=map order=0 count=2048 gfp=GFP_KERNEL
ctl drain
awk -v step=512 -v frames=$frames '
	/^#/ { next }
	{ if ($1 != n * step || $5 + $6 + $7 + $8 + $9 + $10 != step) bad++
	  n++; free += $5; kernel += $9 }
	END { print (n * step == frames ? bad + 0 : bad + 1), free, kernel }' \
	"$ALTMM_DEBUGFS/arena_map" >$TMP/map
read -r bad free kernel <$TMP/map
nr_free=$(vmstat_get nr_free_pages)
ctl free tag=map
rc=0
[ "$bad" -eq 0 ] && [ "$free" -eq "$nr_free" ] && [ "$kernel" -ge 2048 ] || rc=1
tap_check $rc "arena_map: a whole line per pageblock ($bad bad), free $free = nr_free_pages $nr_free, kernel $kernel"

grep -q "$ALTMM_DEBUGFS" /proc/mounts && rc=1 || rc=0
check_log_clean "kpageflags" || rc=1
altmm_unload || rc=1
tap_check $rc "the mount is undone, no report in the kernel log, and altmm unloads"
rm -rf $TMP
tap_done
