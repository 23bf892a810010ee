#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# fault_inject.sh - fail_page_alloc/ and failslab/ (module/fault.c), the
# files of 6.1's fault injection in altmm's debugfs.
#
# Checks:
#   - both directories have 6.1's files, with FAULT_ATTR_INITIALIZER's and
#     each user's defaults (probability 0, interval 1, times 1, space 0,
#     verbose 2, ratelimit off (interval 0, burst 10), task-filter N,
#     ignore-gfp-wait Y; pages:
#     ignore-gfp-highmem Y, min-order 1; slab: cache-filter N), and every
#     slab/<cache>/ has a failslab file saying 0;
#   - writes that are not numbers (or booleans) are refused with EINVAL
#     and change nothing;
#   - times 2, probability 100, min-order 0: two ctl allocations fail with
#     ENOMEM, each with 6.1's report ("FAULT_INJECTION: forcing a
#     failure." and the knobs), times counts down to 0, and the third
#     gets its blocks; ignore-gfp-wait keeps a GFP_KERNEL request whole;
#   - 10 % of every page and slab request failing, reclaiming ones
#     included: the consumer module (ordinary kernel code through
#     altmm_compat.h) loads or refuses to, the trace replay runs to its
#     end with failures counted (its fail= parameter, the kernel's
#     fail_page_alloc= syntax, on its own instance), and
#     /dev/altmm processes fault their memory in or die of SIGBUS; no
#     report in the kernel log, and altmm unloads with every page back
#     and no leak report;
#   - altmm.ko's fail_page_alloc= and failslab= parameters (the kernel's
#     boot parameters' "<interval>,<probability>,<space>,<times>") set
#     those knobs at load.

. "$(dirname "$0")/lib.sh"

CONSUMER_KO=${CONSUMER_KO:-$(first_file /altmm/modules/altmm_consumer.ko \
	"$SELFTESTS_DIR/../build/amd64/consumer/altmm_consumer.ko")}
REPLAY_KO=${REPLAY_KO:-$(first_file /altmm/modules/altmm_replay.ko \
	"$SELFTESTS_DIR/../build/amd64/replay/altmm_replay.ko")}
PROG=${USERMEM_PROG:-$(first_file "$SELFTESTS_DIR/usermem_prog" \
	"$SELFTESTS_DIR/../build/selftests/usermem_prog")}
TRACE=$SELFTESTS_DIR/traces/vm-smallfiles-pipes.trace.gz

require_altmm
tap_plan 11

altmm_load_or_bail arena_mb=64 nodes=1
PA=$ALTMM_DEBUGFS/fail_page_alloc
FS=$ALTMM_DEBUGFS/failslab

# expect_files DIR NAME=VALUE...: each file of DIR reads VALUE.
expect_files()
{
	local dir=$1 kv v rc=0

	shift
	for kv in "$@"; do
		v=$(cat "$dir/${kv%%=*}" 2>&1)
		if [ "$v" != "${kv#*=}" ]; then
			tap_diag "${dir#"$ALTMM_DEBUGFS"/}/${kv%%=*} is '$v', not '${kv#*=}'"
			rc=1
		fi
	done
	return $rc
}

COMMON="probability=0 interval=1 times=1 space=0 verbose=2
verbose_ratelimit_interval_ms=0 verbose_ratelimit_burst=10 task-filter=N
ignore-gfp-wait=Y"
rc=0
# shellcheck disable=SC2086 # a list of NAME=VALUE
expect_files "$PA" $COMMON ignore-gfp-highmem=Y min-order=1 || rc=1
# shellcheck disable=SC2086
expect_files "$FS" $COMMON cache-filter=N || rc=1
n=0
for f in "$ALTMM_DEBUGFS"/slab/*/failslab; do
	[ "$(cat "$f")" = 0 ] || { tap_diag "$f: $(cat "$f")"; rc=1; }
	n=$((n + 1))
done
[ $n -gt 0 ] || { tap_diag "no slab/<cache>/failslab file"; rc=1; }
tap_check $rc "fail_page_alloc/ and failslab/ have 6.1's files and defaults; $n caches have failslab"

kmsg_mark "fault injection bad writes"
rc=0
for w in "$PA/probability:abc" "$PA/times:1x" "$PA/min-order:-" "$FS/task-filter:2" \
	 "$FS/cache-filter:maybe" "$ALTMM_DEBUGFS/slab/kmalloc-64/failslab:maybe"; do
	if write_file "${w%%:*}" "${w#*:}" || [ "$WRITE_ERR" != EINVAL ]; then
		tap_diag "writing '${w#*:}' to ${w%%:*}: $WRITE_ERR, not EINVAL"
		rc=1
	fi
done
check_log_has 'slab/kmalloc-64/failslab: write refused' "failslab file" || rc=1
check_log_has 'fail_page_alloc/probability: write refused' "probability" || rc=1
# shellcheck disable=SC2086
expect_files "$PA" $COMMON || rc=1
tap_check $rc "writes that are not numbers or booleans are refused with EINVAL"

kmsg_mark "fault injection times"
write_file "$PA/verbose" 1
write_file "$PA/min-order" 0
write_file "$PA/times" 2
write_file "$PA/probability" 100
rc=0
for left in 1 0; do
	if ctl alloc tag=fault order=0 count=4 gfp=GFP_ATOMIC || [ "$WRITE_ERR" != ENOMEM ]; then
		tap_diag "a ctl alloc with times $((left + 1)) left: $WRITE_ERR, not ENOMEM"
		rc=1
	fi
	expect_files "$PA" times=$left || rc=1
done
check_log_has 'FAULT_INJECTION: forcing a failure\.' "the report" || rc=1
check_log_has 'name fail_page_alloc, interval 1, probability 100, space 0, times 2' \
	"the first failure's knobs" || rc=1
ctl alloc tag=fault order=0 count=4 gfp=GFP_ATOMIC || rc=1
[ "$(ctl_tag_frames fault)" -eq 4 ] || rc=1
tap_check $rc "times 2: two allocations fail, reported, and the third gets its blocks"

write_file "$PA/times" 5
ctl alloc tag=fault order=0 count=4 gfp=GFP_KERNEL
rc=$?
expect_files "$PA" times=5 || rc=1
tap_check $rc "ignore-gfp-wait Y: a request that may reclaim is never failed ($WRITE_ERR)"
ctl free tag=fault
write_file "$PA/probability" 0

# === 10 % of everything ===

kmsg_mark "fault injection 10 percent"
for d in "$PA" "$FS"; do
	write_file "$d/verbose" 0
	write_file "$d/ignore-gfp-wait" N
	write_file "$d/times" -1
	write_file "$d/probability" 10
done
write_file "$PA/ignore-gfp-highmem" N

loaded=0 refused=0
if [ -n "$CONSUMER_KO" ] && [ -f "$CONSUMER_KO" ]; then
	for _ in 1 2 3 4; do
		if "$MODLOAD" "$CONSUMER_KO" >/dev/null 2>&1; then
			loaded=$((loaded + 1))
			"$MODLOAD" -r altmm_consumer >/dev/null 2>&1
		else
			refused=$((refused + 1))
		fi
	done
	tap_ok "the consumer under 10 % failures: $loaded loads, $refused refused"
else
	tap_skip "the consumer under 10 % failures" "altmm_consumer.ko not found"
fi

if [ -n "$REPLAY_KO" ] && [ -f "$REPLAY_KO" ] && [ -f "$TRACE" ] &&
   "$MODLOAD" "$REPLAY_KO" rounds=1 arena_mb=64 fail=1,10,0,-1 >/dev/null 2>&1; then
	zcat "$TRACE" >/sys/kernel/debug/altmm_replay/trace 2>/dev/null
	r=/sys/kernel/debug/altmm_replay/report
	fails=$(awk '$1 == "altmm_alloc_failures" { print $2 }' $r)
	state=$(awk '$1 == "state" { print $2 }' $r)
	"$MODLOAD" -r altmm_replay >/dev/null 2>&1
	rc=0
	[ "$state" = "done" ] && [ "${fails:-0}" -gt 0 ] || rc=1
	tap_check $rc "the trace replays under 10 % failures (state $state, $fails allocations failed on its instance)"
else
	tap_skip "the trace replay under 10 % failures" "altmm_replay.ko or the trace not found"
fi

if [ -n "$PROG" ] && [ -x "$PROG" ]; then
	ok=0 bus=0
	for _ in 1 2 3; do
		"$PROG" basic 4 >/dev/null 2>&1
		st=$?
		if [ $st -eq 0 ]; then
			ok=$((ok + 1))
		else
			bus=$((bus + 1))
		fi
	done
	tap_ok "/dev/altmm processes under 10 % failures: $ok finished, $bus ended early"
else
	tap_skip "/dev/altmm processes under 10 % failures" "usermem_prog not found"
fi

for d in "$PA" "$FS"; do
	write_file "$d/probability" 0
done
check_log_clean "10 % failures"
tap_check $? "no report in the kernel log while 10 % of the requests failed"
altmm_unload
rc=$?
[ $rc -eq 0 ] || tap_diag "unload: $UNLOAD_ERR"
check_log_clean "unload" || rc=1
tap_check $rc "altmm unloads with every page back, and no leak report"

rc=0
if altmm_load arena_mb=32 nodes=1 fail_page_alloc=2,50,7,3 failslab=1,5,0,-1; then
	expect_files "$PA" interval=2 probability=50 space=7 times=3 || rc=1
	expect_files "$FS" interval=1 probability=5 space=0 times=-1 || rc=1
	altmm_unload || rc=1
else
	tap_diag "load: $LOAD_ERR"
	rc=1
fi
tap_check $rc "fail_page_alloc= and failslab= at load set the four knobs, as the kernel's boot parameters"
tap_done
