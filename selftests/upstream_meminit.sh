#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Linux 6.1's own lib/test_meminit.c, unchanged, on altmm (upstream/):
# with init_on_free every page and object altmm hands out must read as
# zeroes, as the kernel booted init_on_free=1 guarantees.
#
#   - with altmm loaded init_on_free=1, test_meminit loads $RUNS times in
#     a row and every run reports "all 131 tests passed!" (its init
#     returns -EINVAL on any failure, so a load that fails is a failed
#     run; the lines of the failed runs are shown);
#   - after a load with init_on_free=0 whose test_meminit run left its
#     garbage in the frames it freed (and so in the host's, after rmmod),
#     a load with init_on_free=1 still passes;
#   - with slab_debug=ZPU init_on_free=1 the failures are exactly those
#     of the kernel booted slub_debug=ZPU init_on_free=1 (see below);
#   - nothing is left loaded, and the kernel log has no report.
#
# The runs used to fail now and then (1 to 4 of test_kmemcache's 70
# cases, about one run in 25): fresh slabs were cut from frames holding
# what the host had left there, which altmm did not zero on load.  That
# depends on the host's memory, so the deterministic test of it is KUnit's
# altmm_slab.slab_init_on_free_fresh_arena; these runs are the real
# module on the real VM.  RUNS (environment or an argument RUNS=N,
# default 10) sets the number of runs; one takes about 3.5 s in the TCG
# VM.  make check-meminit runs 200 on the debug kernel.

. "$(dirname "$0")/lib.sh"

RUNS=${RUNS:-10}
for arg in "$@"; do
	case "$arg" in
	RUNS=*[!0-9]* | RUNS=) echo "bad argument $arg" >&2; exit 2 ;;
	RUNS=*) RUNS=${arg#RUNS=} ;;
	*) echo "unknown argument $arg" >&2; exit 2 ;;
	esac
done
MEMINIT=test_meminit
MEMINIT_KO=${MEMINIT_KO:-$(first_file /altmm/modules/$MEMINIT.ko \
	"$SELFTESTS_DIR/../build/amd64/upstream/$MEMINIT.ko")}

require_altmm
if [ -z "$MEMINIT_KO" ] || [ ! -f "$MEMINIT_KO" ]; then
	skip_all "$MEMINIT.ko not found (set MEMINIT_KO)"
fi
tap_plan 7
kmsg_mark "start"
START_MARK=$KMSG_MARK

# meminit_run: one load of test_meminit (unloaded again when it passed).
# Sets RUN_LINES to its log lines; returns 0 when every test passed.
meminit_run()
{
	local rc

	kmsg_mark "load $MEMINIT"
	LOAD_ERR=$("$MODLOAD" "$MEMINIT_KO" 2>&1)
	rc=$?
	RUN_LINES=$(log_since_mark | grep "^$MEMINIT: ")
	if grep -q "^$MEMINIT " /proc/modules; then
		"$MODLOAD" -r $MEMINIT >/dev/null 2>&1 ||
			tap_diag "cannot unload $MEMINIT"
	fi
	[ $rc -eq 0 ] || return 1
	echo "$RUN_LINES" | grep -qx "$MEMINIT: all [0-9]* tests passed!"
}

# === 1, 2: $RUNS runs with init_on_free=1 ===

if altmm_load init_on_free=1; then
	tap_ok "altmm.ko loads with init_on_free=1"
else
	tap_fail "altmm.ko loads with init_on_free=1 ($LOAD_ERR)"
fi

passed=0
i=0
while [ $i -lt "$RUNS" ]; do
	i=$((i + 1))
	if meminit_run; then
		passed=$((passed + 1))
	else
		tap_diag "run $i: ${LOAD_ERR:-loaded}"
		tap_diag "$RUN_LINES"
	fi
done
tap_check $((RUNS - passed)) "test_meminit passes $passed of $RUNS runs with init_on_free=1"
altmm_unload_quiet

# === 3: an arena whose frames the host got back dirty ===
#
# With init_on_free=0, test_meminit leaves its garbage (0x9e, 0x09a7ba9e)
# in everything it frees, and rmmod gives those frames back to the host,
# which does not zero them (init_on_alloc=0) and hands the same order-10
# blocks out first to the next load, though not at the same places: the
# next load's slabs may or may not be cut from them, so this catches a
# load that does not zero its arena only now and then (KUnit's
# slab_init_on_free_fresh_arena does every time).

altmm_load init_on_free=0 && meminit_run
altmm_unload_quiet
if ! altmm_load init_on_free=1; then
	tap_fail "altmm.ko loads init_on_free=1 again ($LOAD_ERR)"
elif meminit_run; then
	tap_ok "test_meminit passes on an arena the last load left dirty"
else
	tap_diag "$RUN_LINES"
	tap_fail "test_meminit passes on an arena the last load left dirty"
fi
altmm_unload_quiet

# === 3, 4: slab_debug=ZPU init_on_free=1: the kernel's own failures ===
#
# Under SLAB_POISON, slab_want_init_on_alloc() and slab_want_init_on_free()
# (mm/slab.h) say no: a poisoned object is never zeroed, neither when freed
# nor when allocated without __GFP_ZERO, and reads as poison (0x6b) or
# constructor bytes.  Pages are zeroed as always.  So:
#   - test_pages (11 orders, page allocator): all pass;
#   - test_kvmalloc: kmalloc of 1 B .. 8 KiB (2^0 .. 2^13: 14 sizes) comes
#     from a poisoned kmalloc cache and fails; 16 KiB .. 512 KiB are pages,
#     and every vmalloc is pages: 14 of 40 fail;
#   - test_kmemcache, per size (8 B .. 4 KiB: 10 sizes): the plain cache
#     (allocations checked for zeroes) and do_kmem_cache_size_bulk (the
#     same) fail; the constructor case (only the constructed bytes are
#     checked, the constructor runs after the poison check), the
#     SLAB_TYPESAFE_BY_RCU cases (not poisoned, nothing required) and the
#     __GFP_ZERO cases (zeroed at allocation) pass: 2 x 10 = 20 of 70 fail;
#   - test_rcu_persistent: all 10 pass;
# 34 of 131 in all, what Debian's kernel reports booted slub_debug=ZPU
# init_on_free=1 (../shared/ENVIRONMENT.md).

ZPU_EXPECTED="$MEMINIT: all 11 tests in test_pages passed
$MEMINIT: test_kvmalloc failed 14 out of 40 times
$MEMINIT: test_kmemcache failed 20 out of 70 times
$MEMINIT: all 10 tests in test_rcu_persistent passed
$MEMINIT: failures: 34 out of 131"

if altmm_load slab_debug=ZPU init_on_free=1; then
	tap_ok "altmm.ko loads with slab_debug=ZPU init_on_free=1"
	meminit_run
	if [ "$RUN_LINES" = "$ZPU_EXPECTED" ]; then
		tap_ok "slab_debug=ZPU: test_meminit fails exactly as 6.1 does (34 of 131)"
	else
		tap_diag "expected:"
		tap_diag "$ZPU_EXPECTED"
		tap_diag "got:"
		tap_diag "${RUN_LINES:-(nothing)}"
		tap_fail "slab_debug=ZPU: test_meminit fails exactly as 6.1 does (34 of 131)"
	fi
else
	tap_fail "altmm.ko loads with slab_debug=ZPU init_on_free=1 ($LOAD_ERR)"
	tap_skip "slab_debug=ZPU failures" "altmm did not load"
fi

# === 5, 6: clean up ===

altmm_unload_quiet
rc=0
altmm_loaded && rc=1
grep -q "^$MEMINIT " /proc/modules && rc=1
tap_check $rc "nothing is left loaded"
# check_log_clean reads from the last mark: make it the first one.
KMSG_MARK=$START_MARK
rc=0
check_log_clean "since the start of the script" || rc=1
tap_check $rc "the kernel log has no report"

tap_done
