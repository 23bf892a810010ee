#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Linux 6.1's own lib/test_vmalloc.c, unchanged, on altmm (upstream/): its
# workers call vmalloc(), __vmalloc_node() with alignments, vfree() and
# kvfree_rcu() at once, one kthread per CPU.  Its init always returns
# -EAGAIN, so that the module is gone after the run; what it found is in
# its "Summary: <test> passed: P failed: F ..." lines, one per test and
# worker.
#
#   - with altmm loaded, test_vmalloc runs every test but two on every
#     CPU ($LOOPS loops each instead of a million): each worker's summary
#     of each test says passed: 1 failed: 0;
#   - pcpu_alloc_test is left out: it takes the host's per-CPU memory,
#     which is not altmm's;
#   - align_shift_alloc_test, which 6.1's source says "is supposed to be
#     failed" (it asks for alignments up to 2^63), runs on its own and
#     reports failed: 1, as it does on the kernel;
#   - afterwards, kvfree_rcu()'s deferred frees included, altmm's
#     VmallocUsed is back where it was, nothing was counted as misuse,
#     the kernel log has no report, and altmm unloads.

. "$(dirname "$0")/lib.sh"

VMALLOC=test_vmalloc
VMALLOC_KO=${VMALLOC_KO:-$(first_file /altmm/modules/$VMALLOC.ko \
	"$SELFTESTS_DIR/../build/amd64/upstream/lib/$VMALLOC.ko")}
LOOPS=${LOOPS:-300}
# Its tests by bit: align_shift_alloc_test is 64, pcpu_alloc_test 128.
ALIGN_SHIFT=64
ALL_BUT_TWO=$(((1 << 10) - 1 - 64 - 128))

require_altmm
if [ -z "$VMALLOC_KO" ] || [ ! -f "$VMALLOC_KO" ]; then
	skip_all "$VMALLOC.ko not found (set VMALLOC_KO)"
fi
tap_plan 5

# A worker's long_busy_list_alloc_test holds about 60 MiB at once.
if altmm_load arena_mb=512; then
	tap_ok "altmm.ko loads with arena_mb=512"
else
	tap_fail "altmm.ko loads with arena_mb=512 ($LOAD_ERR)"
	while [ "$TAP_NR" -lt "$TAP_PLANNED" ]; do
		tap_skip "the rest" "altmm did not load"
	done
	tap_done
fi

# vmalloc_used_kb: altmm's meminfo VmallocUsed.
vmalloc_used_kb()
{
	awk '$1 == "VmallocUsed:" { print $2; exit }' "$ALTMM_DEBUGFS/meminfo"
}

# run_vmalloc MASK THREADS: one load; its init's -EAGAIN is the normal
# end.  Sets SUMMARY to its summary lines ("<test> <passed> <failed>").
run_vmalloc()
{
	local err

	kmsg_mark "load $VMALLOC run_test_mask=$1"
	err=$("$MODLOAD" "$VMALLOC_KO" run_test_mask="$1" nr_threads="$2" \
		test_loop_count="$LOOPS" 2>&1)
	case "$err" in
	*EAGAIN*) ;;
	*) tap_diag "$VMALLOC: expected EAGAIN from its init, got: ${err:-success}" ;;
	esac
	SUMMARY=$(log_since_mark | sed -n \
		"s/^$VMALLOC: Summary: \([a-z0-9_]*\) passed: \([0-9]*\) failed: \([0-9]*\) .*/\1 \2 \3/p")
}

cpus=$(grep -c '^processor' /proc/cpuinfo)
used_before=$(vmalloc_used_kb)
misuse_before=$(ctl_event misuse)

# === 2, 3: every test but two, a worker per CPU ===

run_vmalloc $ALL_BUT_TWO "$cpus"
tap_diag "$cpus workers, $LOOPS loops; summaries:"
tap_diag "$SUMMARY"
# Eight tests a worker, each "passed: 1 failed: 0".
echo "$SUMMARY" | awk -v want=$((8 * cpus)) '
	NF == 3 { n++; if ($2 != 1 || $3 != 0) bad++ }
	END { exit !(n == want && bad == 0) }'
tap_check $? "test_vmalloc: 8 tests on each of $cpus workers, every one passed"
check_log_clean "$VMALLOC"
tap_check $? "the kernel log has no report from its run"

# === 4: the test that is meant to fail ===

run_vmalloc $ALIGN_SHIFT 1
[ "$SUMMARY" = "align_shift_alloc_test 0 1" ]
tap_check $? "align_shift_alloc_test fails, as on the kernel ($SUMMARY)"

# === 5: nothing left behind ===

rc=0
i=0
while [ "$(vmalloc_used_kb)" != "$used_before" ] && [ $i -lt 20 ]; do
	sleep 0.5		# kvfree_rcu() frees after a grace period
	i=$((i + 1))
done
tap_diag "VmallocUsed $used_before kB before, $(vmalloc_used_kb) kB after"
[ "$(vmalloc_used_kb)" = "$used_before" ] || rc=1
[ "$(ctl_event misuse)" = "$misuse_before" ] || {
	tap_diag "misuse count went from $misuse_before to $(ctl_event misuse)"
	rc=1
}
grep -q "^$VMALLOC " /proc/modules && { tap_diag "$VMALLOC stayed loaded"; rc=1; }
altmm_unload || rc=1
tap_check $rc "VmallocUsed is back, no misuse, altmm unloads"

tap_done
