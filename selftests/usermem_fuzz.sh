#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /dev/altmm under a fork/exit storm and under random calls
# (selftests/usermem_fuzz.c), on a 64 MiB arena of two nodes (so that ALTMM_IOC_MIGRATE moves pages) with 32 MiB of swap:
#
#   - a storm of 300 children (8 at a time), each writing its slot of a
#     shared object, mapping, touching, mremapping and unmapping an object
#     of its own, some forking a grandchild, some killing themselves, some
#     leaving everything to exit: every slot holds its child's write, and
#     altmm's free frames and swap slots come back to what they were;
#   - 20000 random calls (open, close, ioctl with good and bad arguments,
#     mmap, munmap, mremap, mprotect, madvise, touches that may fault,
#     msync, fsync, truncation of a backing file, fork), with a seed from
#     ALTMM_FUZZ_SEED or the clock, printed: the process lives through
#     them, and the free frames and slots come back;
#   - no report in the kernel log, and altmm unloads with every page back.

. "$(dirname "$0")/lib.sh"

PROG=${USERMEM_FUZZ:-$(first_file "$SELFTESTS_DIR/usermem_fuzz" \
	"$SELFTESTS_DIR/../build/selftests/usermem_fuzz")}
SEED=${ALTMM_FUZZ_SEED:-0}
OPS=${ALTMM_FUZZ_OPS:-20000}
TMP=/tmp/usermem_fuzz.$$

require_altmm
if [ -z "$PROG" ] || [ ! -x "$PROG" ]; then
	skip_all "usermem_fuzz not found (set USERMEM_FUZZ)"
fi
tap_plan 8
mkdir -p $TMP

meminfo_get()
{
	awk -v k="$1:" '$1 == k { print $2; exit }' "$ALTMM_DEBUGFS/meminfo"
}

# free_state: the free frames (per-CPU lists drained) and free swap.
free_state()
{
	ctl drain >/dev/null 2>&1
	echo "$(vmstat_get nr_free_pages) $(meminfo_get SwapFree)"
}

# run_mode WHAT ARGS...: usermem_fuzz's ok/FAIL lines as one check.
run_mode()
{
	what=$1
	shift
	"$PROG" "$@" >$TMP/out 2>&1
	rc=$?
	while read -r line; do
		tap_diag "$line"
	done <$TMP/out
	[ $rc -eq 0 ] && ! grep -q '^FAIL' $TMP/out
	tap_check $? "$what"
}

altmm_load_or_bail arena_mb=64 nodes=2 swap_mb=32
kmsg_mark "usermem_fuzz"

before=$(free_state)
run_mode "a storm of 300 children: every child's write to the shared object is there" storm 300
after=$(free_state)
tap_diag "free frames and swap before: $before; after: $after"
[ "$before" = "$after" ]
tap_check $? "after the storm every frame and swap slot is free again"

before=$after
run_mode "$OPS random calls on /dev/altmm: the process lives through them" fuzz "$SEED" "$OPS"
after=$(free_state)
tap_diag "free frames and swap before: $before; after: $after"
[ "$before" = "$after" ]
tap_check $? "after the random calls every frame and swap slot is free again"
[ "$(meminfo_get Cached)" -eq 0 ] && [ "$(meminfo_get Dirty)" -eq 0 ] &&
	[ "$(meminfo_get AnonPages)" -eq 0 ]
tap_check $? "Cached, Dirty and AnonPages are 0 again"

check_log_clean "usermem_fuzz"
tap_check $? "no report in the kernel log"
rc=0
altmm_unload || { tap_diag "unload: $UNLOAD_ERR"; rc=1; }
log_since_mark | grep -q 'teardown:' && rc=1
tap_check $rc "altmm unloads with every page back"
rm -rf $TMP
tap_done
