#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# page_owner.sh - allocation owners (module/page_owner.c), as 6.1's
# page_owner=on shows them.
#
# Checks:
#   - without page_owner=1 altmm has no page_owner files; with it, it has
#     page_owner and page_owner_stacks;
#   - seven order-3 ctl allocations of a shell are seven records in
#     page_owner, in print_page_owner()'s format ("Page allocated via
#     order 3, mask 0xcc0(GFP_KERNEL), pid N, tgid N (sh), ...",
#     "PFN ... type Unmovable Block ... type ...", the stack naming the
#     ctl file's alloc command), and one group of page_owner_stacks: 7
#     blocks, 56 frames;
#   - 6.1's tools/vm/page_owner_sort --cull stacktrace reads the file and
#     counts the seven as one stack (when the image has it);
#   - freed, they leave page_owner and page_owner_stacks;
#   - no report in the kernel log, and altmm unloads.

. "$(dirname "$0")/lib.sh"

POSORT=$SELFTESTS_DIR/page_owner_sort
TMP=/tmp/page_owner.$$

require_altmm
tap_plan 10
mkdir -p $TMP

altmm_load_or_bail arena_mb=32 nodes=1
rc=0
[ -e "$ALTMM_DEBUGFS/page_owner" ] && rc=1
altmm_unload || rc=1
tap_check $rc "without page_owner=1 there is no page_owner file"

altmm_load_or_bail arena_mb=32 nodes=1 page_owner=1
kmsg_mark "page_owner"
rc=0
[ -r "$ALTMM_DEBUGFS/page_owner" ] && [ -r "$ALTMM_DEBUGFS/page_owner_stacks" ] || rc=1
tap_check $rc "with page_owner=1: page_owner and page_owner_stacks"

# The writes come from a subshell of this one: comm sh, a pid of its own.
ctl alloc tag=po order=3 count=7 gfp=GFP_KERNEL
cat "$ALTMM_DEBUGFS/page_owner" >$TMP/owners
n=$(grep -c '^Page allocated via order 3, mask 0xcc0(GFP_KERNEL), pid [0-9]*, tgid [0-9]* (sh), ts [0-9]* ns, free_ts [0-9]* ns$' $TMP/owners)
tap_diag "$(grep -c '^Page allocated via' $TMP/owners) records; $n of the ctl allocations"
[ "$n" -eq 7 ]
tap_check $? "seven records of order 3, GFP_KERNEL, by a shell (sh)"

# The record after each header: its PFN line, then the stack.
awk '/^Page allocated via order 3, mask 0xcc0/ { r = 1; next }
     r == 1 { if ($0 !~ /^PFN [0-9]+ type Unmovable Block [0-9]+ type [A-Za-z]+ Flags /) bad++; r = 2; next }
     r == 2 && /cmd_alloc/ { named++ }
     /^$/ { r = 0 }
     END { print bad + 0, named + 0 }' $TMP/owners >$TMP/check
read -r bad named <$TMP/check
rc=0
[ "$bad" -eq 0 ] && [ "$named" -eq 7 ] || rc=1
tap_check $rc "each has a PFN line and a stack through the ctl file's alloc ($bad bad, $named named)"

cat "$ALTMM_DEBUGFS/page_owner_stacks" >$TMP/stacks
awk '/^[0-9]+ blocks, [0-9]+ frames, allocated from:$/ { head = $0; next }
     /cmd_alloc/ && head { print head; head = "" }' $TMP/stacks >$TMP/groups
grep -q '^7 blocks, 56 frames, allocated from:$' $TMP/groups
rc=$?
[ $rc -eq 0 ] || tap_diag "groups through cmd_alloc: $(cat $TMP/groups)"
tap_check $rc "page_owner_stacks: one group of 7 blocks, 56 frames, from the ctl alloc"

if [ -x "$POSORT" ]; then
	"$POSORT" --cull stacktrace $TMP/owners $TMP/sorted >/dev/null 2>&1
	rc=$?
	grep -q '^7 times, 56 pages' $TMP/sorted || rc=1
	[ $rc -eq 0 ] || tap_diag "page_owner_sort: $(head -n 3 $TMP/sorted)"
	tap_check $rc "6.1's page_owner_sort reads it: 7 times, 56 pages"
else
	tap_skip "6.1's page_owner_sort reads it" "page_owner_sort not in the image"
fi

ctl free tag=po
n=$(grep -c '^Page allocated via order 3, mask 0xcc0(GFP_KERNEL), .* (sh), ' "$ALTMM_DEBUGFS/page_owner")
[ "$n" -eq 0 ]
tap_check $? "freed, they leave page_owner ($n left)"

check_log_clean "page_owner"
rc=$?
altmm_unload || rc=1
tap_check $rc "no report in the kernel log, and altmm unloads"
rm -rf $TMP
tap_done
