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
#     a bad tag, two commands in one write, an unknown misuse kind) fails
#     with EINVAL and a kernel log line "altmm: ctl: ..." saying what was
#     wrong; freeing an unknown tag fails with ENOENT;
#   - valid allocations of every order, in every zone and both nodes, with
#     the usual GFP masks, land where the mask and node say (ctl_status),
#     and freeing them and draining restores buddyinfo exactly;
#   - one tag holds several allocations, "free count=N" returns the newest
#     N, and a request bigger than the arena succeeds in part: the
#     shortfall is logged and shown in ctl_status;
#   - drain, reclaim and kswapd commands work and log what they did;
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
tap_plan $((2 + NBAD + 2 * NGOOD + 1 + 3 + 1 + 3 + 1 + 1))

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
