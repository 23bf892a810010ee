#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The ctl file of altmm.ko (module/ctl.c) does what it says and refuses
# what it cannot understand.
#
#   - ctl is write-only (0200) and ctl_status read-only (0444);
#   - every kind of malformed command (unknown command or key, a key given
#     twice or missing, not key=value, bad numbers, order out of range,
#     unknown GFP names, bad node, count 0 or above the cap, __GFP_NOFAIL,
#     a bad tag, two commands in one write, an unknown misuse kind, a byte
#     that is not printable ASCII) fails
#     with EINVAL and a kernel log line "altmm: ctl: ..." saying what was
#     wrong; freeing an unknown tag fails with ENOENT;
#   - valid allocations of every order, in every zone and both nodes, with
#     the usual GFP masks, land where the mask and node say (ctl_status),
#     and freeing them and draining restores buddyinfo exactly;
#   - one tag holds several allocations, "free count=N" returns the newest
#     N, and a request bigger than the arena succeeds in part: the
#     shortfall is logged and shown in ctl_status;
#   - drain, reclaim and kswapd commands work and log what they did;
#   - an alloc that gets nothing fails with ENOMEM and leaves no tag: a
#     loop of such allocs with fresh tag names leaves ctl_status empty and
#     host memory flat (kmalloc-128, where a tag's bookkeeping lives, and
#     MemFree); one on an existing tag leaves it as it was;
#   - at most 1024 tags: the 1025th fails with ENOSPC and a log line, an
#     existing tag still grows, and once they are freed tags can be made;
#   - after all of it nothing is held, nothing was counted as misuse, and
#     rmmod reports no leftover allocation.

. "$(dirname "$0")/lib.sh"

# "<command>;<errno>;<extended regex the log line must match>"
BAD='
;EINVAL;ctl: .*no command
allocate tag=a;EINVAL;ctl: allocate: unknown command
alloc tag=a order=0 count=1 gfp=GFP_KERNEL colour=red;EINVAL;ctl: alloc: unknown key .colour.
free tag=a order=3;EINVAL;ctl: free: unknown key .order.
alloc tag=a tag=b order=0 count=1 gfp=GFP_KERNEL;EINVAL;ctl: alloc: key .tag. given twice
alloc tag=a order=0 count=1 gfp=GFP_KERNEL node;EINVAL;ctl: alloc: .node. is not key=value
alloc tag=a order=0 count=1 gfp=GFP_KERNEL =1;EINVAL;ctl: alloc: .=1. is not key=value
alloc tag= order=0 count=1 gfp=GFP_KERNEL;EINVAL;ctl: alloc: empty value for key .tag.
alloc order=0 count=1 gfp=GFP_KERNEL;EINVAL;ctl: alloc: missing key .tag.
alloc tag=a count=1 gfp=GFP_KERNEL;EINVAL;ctl: alloc: missing key .order.
alloc tag=a order=0 gfp=GFP_KERNEL;EINVAL;ctl: alloc: missing key .count.
alloc tag=a order=0 count=1;EINVAL;ctl: alloc: missing key .gfp.
alloc tag=a order=x count=1 gfp=GFP_KERNEL;EINVAL;ctl: alloc: bad number .x. for order
alloc tag=a order=-1 count=1 gfp=GFP_KERNEL;EINVAL;ctl: alloc: bad number .-1. for order
alloc tag=a order=11 count=1 gfp=GFP_KERNEL;EINVAL;ctl: alloc: order 11 out of range 0..10
alloc tag=a order=0 count=12abc gfp=GFP_KERNEL;EINVAL;ctl: alloc: bad number .12abc. for count
alloc tag=a order=0 count=0 gfp=GFP_KERNEL;EINVAL;ctl: alloc: count 0
alloc tag=a order=0 count=1048577 gfp=GFP_KERNEL;EINVAL;ctl: alloc: count 1048577 of order 0 is more than 1048576 frames
alloc tag=a order=10 count=1025 gfp=GFP_KERNEL;EINVAL;ctl: alloc: count 1025 of order 10 is more than 1048576 frames
alloc tag=a order=0 count=1 gfp=GFP_KERNAL;EINVAL;ctl: alloc: unknown gfp name .GFP_KERNAL.
alloc tag=a order=0 count=1 gfp=GFP_KERNEL|;EINVAL;ctl: alloc: unknown gfp name ..
alloc tag=a order=0 count=1 gfp=gfp_kernel;EINVAL;ctl: alloc: unknown gfp name .gfp_kernel.
alloc tag=a order=0 count=1 gfp=0x80000000;EINVAL;ctl: alloc: unknown gfp name .0x80000000.
alloc tag=a order=0 count=1 gfp=0xzz;EINVAL;ctl: alloc: unknown gfp name .0xzz.
alloc tag=a order=0 count=1 gfp=GFP_KERNEL|__GFP_NOFAIL;EINVAL;ctl: alloc: __GFP_NOFAIL refused
alloc tag=a order=0 count=1 gfp=GFP_KERNEL node=2;EINVAL;ctl: alloc: bad node 2
alloc tag=a order=0 count=1 gfp=GFP_KERNEL node=-2;EINVAL;ctl: alloc: bad node -2
alloc tag=a order=0 count=1 gfp=GFP_KERNEL node=zero;EINVAL;ctl: alloc: bad number .zero. for node
alloc tag=a/b order=0 count=1 gfp=GFP_KERNEL;EINVAL;ctl: alloc: bad tag .a/b.
alloc tag=abcdefghijklmnopqrstuvwxyz0123456 order=0 count=1 gfp=GFP_KERNEL;EINVAL;ctl: alloc: bad tag
free tag=nosuch;ENOENT;ctl: free: no tag .nosuch.
free tag=nosuch count=0;EINVAL;ctl: free: count 0
free;EINVAL;ctl: free: missing key .tag.
drain now=1;EINVAL;ctl: drain: unknown key .now.
reclaim node=7;EINVAL;ctl: reclaim: bad node 7
kswapd;EINVAL;ctl: kswapd: missing key .node.
kswapd node=-1;EINVAL;ctl: kswapd: bad node -1
misuse;EINVAL;ctl: misuse: missing key .kind.
misuse kind=nosuch;EINVAL;ctl: misuse: unknown kind .nosuch.
drain
drain;EINVAL;ctl: one command per write
'

# "<tag>;<order>;<count>;<gfp>;<node or ->;<node zone expected or ->"
GOOD='
single;0;1000;GFP_KERNEL;-;-
dma32;3;100;GFP_KERNEL|__GFP_DMA32;0;0 DMA32
dma;1;30;GFP_KERNEL|__GFP_DMA;-;0 DMA
normal1;10;4;GFP_KERNEL;1;1 Normal
fallback0;0;100;GFP_KERNEL;0;0 DMA32
atomic;2;50;GFP_ATOMIC;-;-
comp;4;20;GFP_KERNEL|__GFP_COMP|__GFP_ZERO;0;0 DMA32
movable;1;100;GFP_HIGHUSER_MOVABLE;1;1 Normal
thp;9;2;GFP_TRANSHUGE_LIGHT;1;1 Normal
hex;0;10;0xcc0;1;1 Normal
thisnode;2;10;GFP_NOWAIT|__GFP_THISNODE|__GFP_NOWARN;0;0 DMA32
reclaimable;0;64;GFP_NOFS|__GFP_RECLAIMABLE;1;1 Normal
'

NL='
'
lines()
{
	local n=0

	IFS=$NL
	for _ in $1; do
		n=$((n + 1))
	done
	unset IFS
	echo $n
}

# A bad command is one line, except the one with an embedded newline,
# which the loop below rebuilds from the two lines "drain" and "drain;...".
NBAD=$(($(lines "$BAD") - 1))
NGOOD=$(lines "$GOOD")

require_altmm
tap_plan $((2 + NBAD + 1 + 2 * NGOOD + 1 + 3 + 1 + 3 + 3 + 1 + 1))

altmm_load_or_bail

rc=0
perm=$(stat -c %a "$ALTMM_DEBUGFS/ctl" 2>&1)
[ "$perm" = 200 ] || { tap_diag "ctl mode: $perm"; rc=1; }
perm=$(stat -c %a "$ALTMM_DEBUGFS/ctl_status" 2>&1)
[ "$perm" = 444 ] || { tap_diag "ctl_status mode: $perm"; rc=1; }
tap_check $rc "ctl is 0200, ctl_status is 0444"

# The baseline: at load, other layers' frees may sit on per-CPU lists.
ctl drain
before=$(buddyinfo_snapshot)
free_before=$(vmstat_get nr_free_pages)

# === Malformed commands ===

pending=
IFS=$NL
for c in $BAD; do
	unset IFS
	if [ "$c" = drain ]; then
		pending=$c
		IFS=$NL
		continue
	fi
	cmd=${c%%;*}
	rest=${c#*;}
	want=${rest%%;*}
	re=${rest#*;}
	desc=$cmd
	if [ -n "$pending" ]; then
		# No backslash: awk -v would take it for an escape.
		desc="$pending^J$cmd"
		cmd="$pending$NL$cmd"
		pending=
	fi
	# A mark is one line of the log.
	kmsg_mark "bad: $desc"
	ctl "$cmd"
	rc=0
	if [ "$WRITE_ERR" != "$want" ]; then
		tap_diag "the write returned $WRITE_ERR, expected $want"
		rc=1
	fi
	check_log_has "^altmm: $re" "$desc" || rc=1
	tap_check $rc "refused with $want and a log line: '$desc'"
	IFS=$NL
done
unset IFS

# Commands are ASCII: the kernel's isalnum() takes Latin-1 letters (0xff
# is y-diaeresis) for letters, so this tag was accepted.
kmsg_mark "not ASCII"
rc=0
ctl "$(printf 'alloc tag=t\377 order=0 count=1 gfp=GFP_KERNEL')"
[ "$WRITE_ERR" = EINVAL ] || { tap_diag "the write returned $WRITE_ERR, expected EINVAL"; rc=1; }
check_log_has '^altmm: ctl: byte 0xff at offset 11 is not printable ASCII' "not ASCII" || rc=1
[ -z "$(ctl_rows)" ] || { tap_diag "ctl_status lists: $(ctl_rows)"; ctl "$(printf 'free tag=t\377')"; rc=1; }
tap_check $rc "a byte that is not printable ASCII is refused with EINVAL and a log line"

# === Valid allocations ===

IFS=$NL
for c in $GOOD; do
	unset IFS
	IFS=';' read -r tag order count gfp node where <<EOF
$c
EOF
	cmd="alloc tag=$tag order=$order count=$count gfp=$gfp"
	[ "$node" = - ] || cmd="$cmd node=$node"
	kmsg_mark "$cmd"
	rc=0
	ctl "$cmd" || { tap_diag "the write returned $WRITE_ERR"; rc=1; }
	frames=$((count << order))
	in=
	if [ "$where" = - ]; then
		got=$(ctl_tag_frames "$tag")
	else
		in=" in node $where"
		# $where is "node zone" on purpose.
		# shellcheck disable=SC2086
		got=$(ctl_tag_frames "$tag" $where)
	fi
	if [ "$got" -ne "$frames" ]; then
		tap_diag "ctl_status: $tag holds $got frames$in, expected $frames; it says:"
		tap_diag "$(cat "$ALTMM_DEBUGFS/ctl_status")"
		rc=1
	fi
	check_log_clean "$cmd" || rc=1
	tap_check $rc "$cmd: $frames frames held$in"

	rc=0
	ctl "free tag=$tag" || { tap_diag "free: $WRITE_ERR"; rc=1; }
	if [ -n "$(ctl_rows | awk -v t="$tag" '$1 == t')" ]; then
		tap_diag "ctl_status still lists $tag"
		rc=1
	fi
	tap_check $rc "free tag=$tag: the tag is gone"
	IFS=$NL
done
unset IFS

rc=0
ctl drain || rc=1
check_buddyinfo_back "$before" "after every valid alloc and free" || rc=1
[ "$(vmstat_get nr_free_pages)" -eq "$free_before" ] ||
	{ tap_diag "nr_free_pages $free_before before, $(vmstat_get nr_free_pages) now"; rc=1; }
tap_check $rc "after free and drain, buddyinfo and nr_free_pages are as before"

# === One tag, several allocations, newest first ===

rc=0
ctl "alloc tag=m order=0 count=10 gfp=GFP_KERNEL" || rc=1
ctl "alloc tag=m order=2 count=5 gfp=GFP_KERNEL" || rc=1
[ "$(ctl_tag_frames m)" -eq 30 ] || { tap_diag "m holds $(ctl_tag_frames m) frames, expected 30"; rc=1; }
tap_check $rc "two alloc commands add to one tag (10 x order 0 + 5 x order 2)"

rc=0
ctl "free tag=m count=5" || rc=1
rows=$(ctl_rows | awk '$1 == "m" { print $2, $3 }')
[ "$rows" = "0 10" ] || { tap_diag "m now: ${rows:-nothing}"; rc=1; }
ctl "free tag=m count=3" || rc=1
[ "$(ctl_tag_frames m)" -eq 7 ] || { tap_diag "m holds $(ctl_tag_frames m) frames, expected 7"; rc=1; }
tap_check $rc "free count=N returns the newest N blocks"

kmsg_mark "free more than held"
rc=0
ctl "free tag=m count=100" || { tap_diag "the write returned $WRITE_ERR"; rc=1; }
check_log_has "^altmm: ctl: free tag=m: 7 of 100 blocks" "free count=100" || rc=1
[ -z "$(ctl_rows | awk '$1 == "m"')" ] || { tap_diag "m is still listed"; rc=1; }
tap_check $rc "free count above what is held frees all, says so, drops the tag"

kmsg_mark "shortfall"
rc=0
ctl "alloc tag=big order=10 count=100 gfp=GFP_KERNEL|__GFP_NOWARN" ||
	{ tap_diag "the write returned $WRITE_ERR"; rc=1; }
got=$(($(ctl_tag_frames big) >> 10))
if [ "$got" -ge 100 ] || [ "$got" -lt 1 ]; then
	tap_diag "got $got of 100 order-10 blocks from a 256 MiB arena"
	rc=1
fi
check_log_has "^altmm: ctl: alloc tag=big: $got of 100 order-10 blocks" "shortfall" || rc=1
grep -q "^shortfall tag=big: $got of 100 order-10 blocks" "$ALTMM_DEBUGFS/ctl_status" ||
	{ tap_diag "no shortfall line in ctl_status"; rc=1; }
ctl "free tag=big" || rc=1
tap_check $rc "more than the arena holds: the write succeeds, the shortfall is logged and listed"

# === drain, reclaim, kswapd ===

kmsg_mark "drain"
rc=0
ctl "alloc tag=d order=0 count=100 gfp=GFP_KERNEL" || rc=1
ctl "free tag=d" || rc=1
drains=$(ctl_event drain_all)
write_file "$ALTMM_DEBUGFS/ctl" "  drain  " || rc=1
check_log_has '^altmm: ctl: drain: [0-9]+ frames back from the per-CPU lists' drain || rc=1
[ "$(ctl_event drain_all)" -gt "$drains" ] || { tap_diag "drain_all did not move"; rc=1; }
check_buddyinfo_back "$before" "after drain" || rc=1
tap_check $rc "drain (with spaces around) empties the per-CPU lists"

kmsg_mark "reclaim"
rc=0
ctl "reclaim" || rc=1
ctl "reclaim node=1" || rc=1
check_log_has '^altmm: ctl: reclaim node=1: [0-9]+ frames freed' reclaim || rc=1
tap_check $rc "reclaim and reclaim node=1 run direct reclaim once"

kmsg_mark "kswapd"
rc=0
ctl "kswapd node=0" || rc=1
check_log_has '^altmm: ctl: kswapd node=0: balanced, not woken' kswapd || rc=1
tap_check $rc "kswapd node=0 on a balanced node does not wake it"

# === Allocations that get nothing ===

# Node 1 has no DMA zone, and __GFP_THISNODE keeps the request there: it
# fails at once, without reclaim (GFP_NOWAIT) and without a report.
NOTHING="order=0 count=1 gfp=GFP_NOWAIT|__GFP_DMA|__GFP_THISNODE|__GFP_NOWARN node=1"
NFAIL=2000

# kmalloc_objs CACHE: active objects of a host slab cache.
kmalloc_objs()
{
	awk -v c="$1" '$1 == c { print $2; exit }' /proc/slabinfo
}

kmsg_mark "alloc that gets nothing"
rc=0
ctl "alloc tag=none $NOTHING"
[ "$WRITE_ERR" = ENOMEM ] || { tap_diag "the write returned $WRITE_ERR, expected ENOMEM"; rc=1; }
check_log_has '^altmm: ctl: alloc: tag=none: none of 1 order-0 blocks' "nothing" || rc=1
settle
objs_before=$(kmalloc_objs kmalloc-128)
mem_before=$(free_kb)
i=0
ok=0
while [ $i -lt $NFAIL ]; do
	# No subshell per write: a few thousand must stay quick.
	echo "alloc tag=none$i $NOTHING" >"$ALTMM_DEBUGFS/ctl" 2>/dev/null && ok=$((ok + 1))
	i=$((i + 1))
done
settle
objs_after=$(kmalloc_objs kmalloc-128)
mem_after=$(free_kb)
[ "$ok" -eq 0 ] || { tap_diag "$ok of $NFAIL writes succeeded"; rc=1; }
if [ -n "$(ctl_rows)" ] || grep -q '^shortfall' "$ALTMM_DEBUGFS/ctl_status"; then
	tap_diag "ctl_status lists: $(grep -c . "$ALTMM_DEBUGFS/ctl_status") lines, e.g."
	tap_diag "$(grep '^shortfall' "$ALTMM_DEBUGFS/ctl_status" | head -n 3)"
	rc=1
fi
tap_diag "host kmalloc-128: $objs_before objects before $NFAIL failing allocs, $objs_after after"
[ $((objs_after - objs_before)) -lt $((NFAIL / 2)) ] || rc=1
check_free_kept "$mem_before" "$mem_after" "$NFAIL failing allocs" || rc=1
tap_check $rc "$NFAIL allocs that get nothing fail with ENOMEM, leave ctl_status empty and host memory flat"

rc=0
ctl "alloc tag=keep order=1 count=3 gfp=GFP_KERNEL" || rc=1
ctl "alloc tag=keep $NOTHING"
[ "$WRITE_ERR" = ENOMEM ] || { tap_diag "the write returned $WRITE_ERR, expected ENOMEM"; rc=1; }
[ "$(ctl_tag_frames keep)" -eq 6 ] || { tap_diag "keep holds $(ctl_tag_frames keep) frames, expected 6"; rc=1; }
if grep -q '^shortfall tag=keep' "$ALTMM_DEBUGFS/ctl_status"; then
	tap_diag "a shortfall is listed for keep"
	rc=1
fi
ctl "free tag=keep" || rc=1
tap_check $rc "an alloc that gets nothing leaves an existing tag as it was"

MAXTAGS=1024
kmsg_mark "tag cap"
rc=0
i=0
ok=0
while [ $i -lt $MAXTAGS ]; do
	echo "alloc tag=t$i order=0 count=1 gfp=GFP_KERNEL" >"$ALTMM_DEBUGFS/ctl" 2>/dev/null && ok=$((ok + 1))
	i=$((i + 1))
done
[ "$ok" -eq $MAXTAGS ] || { tap_diag "$ok of $MAXTAGS tags made"; rc=1; }
ctl "alloc tag=one-too-many order=0 count=1 gfp=GFP_KERNEL"
[ "$WRITE_ERR" = ENOSPC ] || { tap_diag "tag $((MAXTAGS + 1)): the write returned $WRITE_ERR, expected ENOSPC"; rc=1; }
check_log_has "^altmm: ctl: alloc: tag=one-too-many would be tag $((MAXTAGS + 1)): free a tag first" "cap" || rc=1
ctl "alloc tag=t0 order=0 count=1 gfp=GFP_KERNEL" || { tap_diag "t0 could not grow: $WRITE_ERR"; rc=1; }
[ "$(ctl_tag_frames t0)" -eq 2 ] || { tap_diag "t0 holds $(ctl_tag_frames t0) frames, expected 2"; rc=1; }
i=0
while [ $i -lt $MAXTAGS ]; do
	echo "free tag=t$i" >"$ALTMM_DEBUGFS/ctl" 2>/dev/null || rc=1
	i=$((i + 1))
done
[ -z "$(ctl_rows)" ] || { tap_diag "tags left: $(ctl_rows | wc -l)"; rc=1; }
ctl "alloc tag=after order=0 count=1 gfp=GFP_KERNEL" || { tap_diag "after freeing: $WRITE_ERR"; rc=1; }
ctl "free tag=after" || rc=1
tap_check $rc "at most $MAXTAGS tags: one more fails with ENOSPC and a log line, existing ones still grow"

# === Nothing left ===

rc=0
[ -z "$(ctl_rows)" ] || { tap_diag "ctl_status still lists: $(ctl_rows)"; rc=1; }
[ "$(ctl_event misuse)" -eq 0 ] || { tap_diag "misuse count $(ctl_event misuse)"; rc=1; }
ctl drain
check_buddyinfo_back "$before" "at the end" || rc=1
tap_check $rc "nothing is held, no misuse was counted, buddyinfo is as at load"

rc=0
altmm_unload || { tap_diag "unload: $UNLOAD_ERR"; rc=1; }
check_log_clean "rmmod" || rc=1
tap_check $rc "rmmod succeeds with nothing left allocated"
altmm_unload_quiet

tap_done
