#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Misuse of altmm's page allocator API is refused, reported, counted, and
# leaves altmm consistent. The ctl command "misuse kind=K" (module/ctl.c)
# commits one misuse through the real entry points:
#
#   double_free   free an order-2 block twice
#   wrong_order   free an order-2 block as order 1 (then properly)
#   foreign       free a host page that is not in the arena
#   tail          free the second page of a compound order-2 block
#   bad_gfp       allocate with __GFP_DMA|__GFP_DMA32
#
#   - each kind: the write succeeds (the allocator refused it; -EIO would
#     mean it was accepted), the allocator's report is in the kernel log
#     exactly once and says what was wrong, and ctl_status's misuse count
#     moved by one;
#   - 30 double frees in a row: all counted, at most 10 reported (the
#     report is rate-limited);
#   - afterwards allocations of every order on both nodes still work and
#     free back to the exact buddyinfo of load time;
#   - rmmod finds nothing allocated and every host page comes back
#     (MemFree + per-CPU lists within 1 MiB of before the load).

. "$(dirname "$0")/lib.sh"

# "<kind>;<extended regex of the allocator's report>"
KINDS='
double_free;free of pfn 0x[0-9a-f]+ order 2 refused: (double free|not the first page of an allocation)
wrong_order;free of pfn 0x[0-9a-f]+ order 1 refused: wrong order.*order 2
foreign;free of page .*: not an altmm page
tail;free of pfn 0x[0-9a-f]+ order 0 refused: a tail page of a compound allocation
bad_gfp;invalid GFP mask 0x[0-9a-f]+
'
REPORTS='^altmm: (free of|invalid GFP mask)'
REPEAT=30

require_altmm
tap_plan 10

settle
free_before_load=$(free_kb)
altmm_load_or_bail
# The baseline: at load, other layers' frees may sit on per-CPU lists.
ctl drain
before=$(buddyinfo_snapshot)

NL='
'
IFS=$NL
for c in $KINDS; do
	unset IFS
	kind=${c%%;*}
	re=${c#*;}
	n0=$(ctl_event misuse)
	kmsg_mark "misuse kind=$kind"
	rc=0
	ctl "misuse kind=$kind" || { tap_diag "the write returned $WRITE_ERR"; rc=1; }
	check_log_has "^altmm: $re" "$kind" || rc=1
	check_log_has "^altmm: ctl: misuse kind=$kind: refused" "$kind" || rc=1
	n=$(log_since_mark | grep -Ec "$REPORTS")
	[ "$n" -eq 1 ] || { tap_diag "$n reports, expected one"; rc=1; }
	d=$(($(ctl_event misuse) - n0))
	[ "$d" -eq 1 ] || { tap_diag "misuse count moved by $d"; rc=1; }
	tap_check $rc "misuse kind=$kind: refused, reported once, counted once"
	IFS=$NL
done
unset IFS

# The previous reports may have used part of the 10-per-5-s budget.
sleep 5
n0=$(ctl_event misuse)
kmsg_mark "$REPEAT double frees"
rc=0
i=0
while [ $i -lt $REPEAT ]; do
	ctl "misuse kind=double_free" || { tap_diag "double free $i: $WRITE_ERR"; rc=1; }
	i=$((i + 1))
done
d=$(($(ctl_event misuse) - n0))
n=$(log_since_mark | grep -Ec "$REPORTS")
tap_diag "$REPEAT double frees: counted $d, reported $n"
[ "$d" -eq $REPEAT ] || rc=1
[ "$n" -ge 1 ] && [ "$n" -le 10 ] || rc=1
tap_check $rc "$REPEAT double frees: all counted, at most 10 reported"

# Every order, both nodes, mixed masks, after all that misuse.
kmsg_mark "alloc/free cycle"
rc=0
order=0
while [ $order -le 10 ]; do
	for node in 0 1; do
		count=$((order < 6 ? 64 >> order : 1))
		[ $count -ge 1 ] || count=1
		ctl "alloc tag=cycle order=$order count=$count gfp=GFP_KERNEL node=$node" || rc=1
		ctl "alloc tag=cycle order=$order count=$count gfp=GFP_ATOMIC|__GFP_COMP node=$node" || rc=1
		ctl "alloc tag=cycle order=$order count=$count gfp=GFP_HIGHUSER_MOVABLE|__GFP_ZERO node=$node" || rc=1
	done
	order=$((order + 1))
done
held=$(ctl_tag_frames cycle)
ctl "free tag=cycle" || rc=1
ctl drain || rc=1
tap_diag "the cycle held $held frames"
grep -q '^shortfall' "$ALTMM_DEBUGFS/ctl_status" &&
	{ tap_diag "$(grep '^shortfall' "$ALTMM_DEBUGFS/ctl_status")"; rc=1; }
check_buddyinfo_back "$before" "after the cycle" || rc=1
check_log_clean "alloc/free cycle" || rc=1
tap_check $rc "after the misuse, every order on both nodes allocates and frees back exactly"

rc=0
altmm_unload || { tap_diag "unload: $UNLOAD_ERR"; rc=1; }
if log_since_mark | grep -q 'teardown:'; then
	tap_diag "$(log_since_mark | grep 'teardown:')"
	rc=1
fi
tap_check $rc "rmmod finds nothing allocated"
altmm_unload_quiet

settle
rc=0
check_free_kept "$free_before_load" "$(free_kb)" "load, misuse, unload" || rc=1
tap_check $rc "every host page is back after rmmod (within 1 MiB)"

tap_done
