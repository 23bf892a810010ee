#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Fuzz every file of altmm.ko a person can write (ctl, vm/*, the
# init_on_alloc and init_on_free parameters) with selftests/fuzz_debugfs.c,
# then check that altmm is as it was at load.
#
#   fuzz_debugfs.sh [-n OPS] [-s SEED] [-x]     (or FUZZ_OPS=, FUZZ_SEED=)
#
# OPS defaults to 3000 (make check); the long run is
#   scripts/vm.sh --timeout 3600 script /altmm/selftests/fuzz_debugfs.sh -n 100000
# The seed is printed; the same seed replays the same inputs. -x prints
# every input before it is written, to name the one a crash followed.
#
# Tests:
#   - altmm loads (nodes=2, the defaults);
#   - the corpus (fuzz-corpus/*.txt) replays and OPS random operations run
#     with no kernel report, every refused write changing nothing, and the
#     tunables written back to their values at load (fuzz_debugfs checks);
#   - every tag left in ctl_status frees, after which nothing is held;
#   - after a drain, buddyinfo (or, while high-atomic pageblocks are
#     reserved, every zone's free frames), nr_free_pages and every zone's
#     watermarks and protection are those at load;
#   - rmmod finds nothing allocated and free host memory is back to within
#     1 MiB of what it was before the load;
#   - no report in the kernel log while freeing, draining and unloading
#     (the fuzzer reads the log after each of its writes itself).
# Inputs that showed a new behaviour are printed as "fuzz-corpus: TARGET
# <TAB> INPUT" lines; README.md says how they join the corpus.

. "$(dirname "$0")/lib.sh"

OPS=${FUZZ_OPS:-3000}
SEED=${FUZZ_SEED:-}
TRACE=
while [ $# -gt 0 ]; do
	case "$1" in
	-n) OPS=$2; shift 2 ;;
	-s) SEED=$2; shift 2 ;;
	-x) TRACE=-x; shift ;;
	-h | --help) sed -n '4,13s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) echo "usage: fuzz_debugfs.sh [-n OPS] [-s SEED] [-x]" >&2; exit 2 ;;
	esac
done
[ -n "$SEED" ] || SEED=$(($(date +%s) % 1000000007))

FUZZ=$(first_file "$SELFTESTS_DIR/fuzz_debugfs" \
	"$SELFTESTS_DIR/../build/selftests/fuzz_debugfs")
CORPUS_DIR=$SELFTESTS_DIR/fuzz-corpus

require_altmm
if [ -z "$FUZZ" ] || [ ! -x "$FUZZ" ]; then
	skip_all "fuzz_debugfs not found (gcc -static selftests/fuzz_debugfs.c)"
fi
tap_plan 6
tap_diag "seed $SEED, $OPS operations (FUZZ_SEED=$SEED replays them)"

# Free frames per zone from buddyinfo: "node zone frames".
buddy_frames()
{
	echo "$1" | awk '{ f = 0; m = 1; for (i = 5; i <= NF; i++) { f += $i * m; m *= 2 }; print $2, $4, f }'
}

# Pageblocks set aside as MIGRATE_HIGHATOMIC, in all zones (pagetypeinfo).
highatomic_blocks()
{
	awk '/^Number of blocks type/ { for (i = 5; i <= NF; i++) if ($i == "HighAtomic") c = i; next }
	c && /^Node / { n += $c } END { print n + 0 }' "$ALTMM_DEBUGFS/pagetypeinfo"
}

# The watermark lines of every zone: "min", "low", "high" (less the boost
# a fallback may have added for a while) and "protection:".
watermarks()
{
	awk '/^Node [0-9]+, zone / { z = $0 } $1 == "boost" { b = $2 }
	$1 == "min" || $1 == "low" || $1 == "high" { print z ": " $1, $2 - b }
	$1 == "protection:" { print z ": " $0 }' "$ALTMM_DEBUGFS/zoneinfo"
}

# A first load and unload grows the host's slab caches and per-CPU areas
# to what altmm uses (about 800 kB in the VM): after it, what the fuzz
# leaves behind stands out from that.
altmm_load && altmm_unload
altmm_unload_quiet
settle
host_before=$(free_kb)
altmm_load_or_bail

ctl drain
bi_before=$(buddyinfo_snapshot)
nr_before=$(vmstat_get nr_free_pages)
wm_before=$(watermarks)

# === The fuzzer ===

corpus=/tmp/fuzz-corpus.txt
cat "$CORPUS_DIR"/*.txt >"$corpus" 2>/dev/null || : >"$corpus"
tap_diag "corpus: $(grep -c "$(printf '\t')" "$corpus") inputs from $CORPUS_DIR"
"$FUZZ" -s "$SEED" -n "$OPS" -c "$corpus" $TRACE
rc=$?
tap_check $rc "fuzz: corpus and $OPS operations (seed $SEED): no kernel report, refused writes changed nothing, tunables restored"

# === Everything back ===

# The fuzzer judged the log of its own writes (the ring buffer may not
# hold it all by now); from here on, this script does.
kmsg_mark "after the fuzz"
log_mark=$KMSG_MARK
rc=0
for t in $(ctl_rows | awk '{ print $1 }' | sort -u); do
	ctl "free tag=$t" || { tap_diag "free tag=$t: $WRITE_ERR"; rc=1; }
done
[ -z "$(ctl_rows)" ] || { tap_diag "still held: $(ctl_rows)"; rc=1; }
tap_check $rc "every tag the fuzzer left frees"

rc=0
ctl drain || rc=1
# As in 6.1, GFP_ATOMIC allocations under pressure may have set pageblocks
# aside as high-atomic reserves, which stay until a later pressure gives
# them back, and no buddy merges across one: then the blocks cannot be as
# at load, but every zone's free frames still must.
ha=$(highatomic_blocks)
if [ "$ha" -eq 0 ]; then
	check_buddyinfo_back "$bi_before" "after the fuzz" || rc=1
elif [ "$(buddy_frames "$bi_before")" != "$(buddy_frames "$(buddyinfo_snapshot)")" ]; then
	tap_diag "$ha high-atomic pageblocks; free frames per zone at load and now:"
	tap_diag "$(buddy_frames "$bi_before")"
	tap_diag "$(buddy_frames "$(buddyinfo_snapshot)")"
	rc=1
else
	tap_diag "$ha high-atomic pageblocks stay reserved: free frames per zone compared"
fi
nr=$(vmstat_get nr_free_pages)
[ "$nr" -eq "$nr_before" ] || { tap_diag "nr_free_pages $nr_before at load, $nr now"; rc=1; }
wm=$(watermarks)
if [ "$wm" != "$wm_before" ]; then
	tap_diag "watermarks at load:"
	tap_diag "$wm_before"
	tap_diag "now:"
	tap_diag "$wm"
	rc=1
fi
tap_check $rc "buddyinfo, nr_free_pages and the watermarks are those at load"

rc=0
altmm_unload || { tap_diag "unload: $UNLOAD_ERR"; rc=1; }
check_log_has '^altmm: unloaded' "rmmod" || rc=1
if log_since_mark | grep -q 'teardown:'; then
	tap_diag "$(log_since_mark | grep 'teardown:')"
	rc=1
fi
altmm_unload_quiet
settle
check_free_kept "$host_before" "$(free_kb)" "load, fuzz, unload" || rc=1
tap_check $rc "rmmod finds nothing allocated; host memory is back to within 1 MiB"

# The reports scripts/vm.sh judges a run by; the fuzzer's own refusals,
# allocation failures and misuse reports are expected.
KMSG_MARK=$log_mark
bad=$(log_since_mark | grep -E 'WARNING:|BUG:|KASAN|UBSAN|Oops|refcount_t:|possible (circular|recursive) locking|inconsistent lock state|Call Trace|general protection')
[ -z "$bad" ] || tap_diag "$bad"
[ -z "$bad" ]
tap_check $? "no kernel report while freeing, draining and unloading"

tap_done
