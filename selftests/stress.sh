#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# SMP stress: altmm_stress.ko runs one thread per online CPU on altmm's
# default instance (pages of every order and migrate type, kmalloc of
# every class, shared caches with a constructor and SLAB_TYPESAFE_BY_RCU,
# bulk, drains, tunables, kswapd, direct reclaim; objects freed by
# other CPUs), checks every block's contents, then runs module/check.c's
# invariant walks.  For each of four altmm variants (defaults;
# init_on_alloc=1 init_on_free=1; init_on_free=1 alone, which must zero
# the arena at load as 6.1 clears memory at boot; slab_debug=ZPU):
#
#   - altmm loads with the variant's parameters;
#   - the stress loads (its init is the run: it fails with EINVAL on any
#     failure) and its summary line says result=pass: no content failure,
#     no misuse counted, no free refused by a debug check, no invariant
#     problem after the run;
#   - CPU 1 went offline and came back (CYCLES times) while the threads
#     ran: a thread moved away from CPU 1 was moved back (rebinds > 0 in
#     the summary, which only a CPU going and coming back causes);
#   - the run covered what it should: every order 0..10 and every
#     migrate type was allocated, every kmalloc range, objects were freed
#     by another thread than their allocator, RCU readers ran and saw
#     objects freed and reused under them;
#   - the kernel log has no report (WARNING, BUG, lockdep, a refused free,
#     a slab debug finding, the stress module's FAIL lines);
#   - altmm unloads with nothing left allocated.
#
# And the checks catch what they look for (variant "inject"): a run that
# scribbles on one held block (inject=pattern) fails with err_pattern, a
# run whose free-list count is off by one during the walks
# (inject=invariant) fails with invariant_problems; altmm unloads clean.
#
# usage: stress.sh [-t SECONDS] [-c CYCLES] [-s SEED] [-v VARIANT]
#   -t  seconds each variant runs (default 6; make check-stress: 120)
#   -c  CPU 1 offline/online cycles per variant (default 1)
#   -s  seed (default: the module picks one; the summary line prints it)
#   -v  only this variant: default, init, free, debug, inject
# A failing run is repeated with the seed its summary line printed.

. "$(dirname "$0")/lib.sh"

STRESS=altmm_stress
STRESS_KO=${STRESS_KO:-$(first_file /altmm/modules/$STRESS.ko \
	"$SELFTESTS_DIR/../build/amd64/stress/$STRESS.ko")}
SECONDS_PER=6
CYCLES=1
SEED=0
ONLY=
TMP=/tmp/altmm-stress.$$

while [ $# -gt 0 ]; do
	case "$1" in
	-t) SECONDS_PER=$2; shift 2 ;;
	-c) CYCLES=$2; shift 2 ;;
	-s) SEED=$2; shift 2 ;;
	-v) ONLY=$2; shift 2 ;;
	-h | --help) sed -n '34,40s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) echo "stress.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done

require_altmm
if [ -z "$STRESS_KO" ] || [ ! -f "$STRESS_KO" ]; then
	skip_all "$STRESS.ko not found (set STRESS_KO)"
fi

VARIANTS="default init free debug inject"
[ -n "$ONLY" ] && VARIANTS=$ONLY
planned=0
for v in $VARIANTS; do
	case $v in
	inject) planned=$((planned + 4)) ;;
	*) planned=$((planned + 6)) ;;
	esac
done
tap_plan $planned

# variant_params NAME: altmm's parameters of a variant.
variant_params()
{
	case "$1" in
	default) echo "" ;;
	init) echo "init_on_alloc=1 init_on_free=1" ;;
	free) echo "init_on_free=1" ;;
	debug) echo "slab_debug=ZPU" ;;
	*) echo "bad-variant=$1" ;;
	esac
}

# summary_field LINE KEY: the value of KEY=value in the summary line.
summary_field()
{
	echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# hotplug: CYCLES offline/online cycles of CPU 1 while the stress loads,
# spread over the first half of the run; 1 when a write fails.
hotplug()
{
	local c=0 gap

	gap=$(awk -v s="$SECONDS_PER" -v c="$CYCLES" 'BEGIN { printf "%.3f", s / (4 * c + 2) }')
	sleep "$gap"
	while [ $c -lt "$CYCLES" ]; do
		echo 0 >"$CPU1" || return 1
		sleep "$gap"
		echo 1 >"$CPU1" || return 1
		sleep "$gap"
		c=$((c + 1))
	done
}

# wait_for_threads: up to 30 s for the load to start a thread per online
# CPU: CPU 1 must not go before its thread is homed there.
wait_for_threads()
{
	local i=0 want n

	want=$(grep -c '^processor' /proc/cpuinfo)
	while [ $i -lt 300 ]; do
		n=$(cat /proc/[0-9]*/comm 2>/dev/null | grep -c '^altmm_stress/')
		[ "$n" -ge "$want" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	tap_diag "only $n of $want stress threads after 30 s"
}

# check_coverage LINE: the run did each kind of thing at least once.
check_coverage()
{
	local line="$1" rc=0 k v

	for k in $(summary_field "$line" orders | tr ',' ' '); do
		[ "$k" -gt 0 ] || rc=1
	done
	[ "$rc" -eq 0 ] || tap_diag "an order was never allocated: orders=$(summary_field "$line" orders)"
	for k in mt_none mt_movable mt_reclaimable cross_frees rcu_read rcu_reused ctor_alloc \
		bulk_alloc drain tune kswapd reclaim shrink; do
		v=$(summary_field "$line" $k)
		if [ -z "$v" ] || [ "$v" -eq 0 ]; then
			tap_diag "$k=${v:-missing}"
			rc=1
		fi
	done
	v=$(summary_field "$line" kmalloc_ranges)
	[ "${v%/*}" = "${v#*/}" ] || { tap_diag "kmalloc_ranges=$v"; rc=1; }
	return $rc
}

# inject_run KIND FIELD: a short run with inject=KIND must fail the load,
# and its summary must say result=fail with FIELD above 0.
inject_run()
{
	local line rc

	kmsg_mark "inject=$1"
	"$MODLOAD" "$STRESS_KO" seed="$SEED" duration_ms=1500 inject="$1" >$TMP/load 2>&1
	rc=$?
	line=$(log_since_mark | grep "^$STRESS: summary " | tail -n 1)
	tap_diag "inject=$1: ${line:-no summary line}"
	tap_diag "inject=$1: $(log_since_mark | grep "^$STRESS: FAIL" | head -n 1)"
	grep -q "^$STRESS " /proc/modules && "$MODLOAD" -r $STRESS >/dev/null 2>&1
	[ $rc -ne 0 ] && [ "$(summary_field "$line" result)" = fail ] &&
		[ "$(summary_field "$line" "$2")" -gt 0 ]
}

# The checks themselves: each injected fault is caught.
inject_variant()
{
	local rc=0

	if ! altmm_load; then
		tap_fail "inject: altmm loads ($LOAD_ERR)"
		for _ in 2 3 4; do
			tap_skip "inject: the rest" "altmm did not load"
		done
		return
	fi
	tap_ok "inject: altmm loads"
	inject_run pattern err_pattern
	tap_check $? "inject=pattern: a scribbled block fails the run (err_pattern)"
	inject_run invariant invariant_problems
	tap_check $? "inject=invariant: a miscounted free list fails the run (invariant_problems)"
	altmm_unload || { tap_diag "unload: $UNLOAD_ERR"; rc=1; }
	if log_since_mark | grep -q 'teardown:'; then
		tap_diag "$(log_since_mark | grep 'teardown:')"
		rc=1
	fi
	tap_check $rc "inject: altmm unloads with nothing left allocated"
	altmm_unload_quiet
}

mkdir -p $TMP
for v in $VARIANTS; do
	if [ "$v" = inject ]; then
		inject_variant
		continue
	fi
	params=$(variant_params "$v")
	# shellcheck disable=SC2086 # the parameters are words
	if ! altmm_load $params; then
		tap_fail "$v: altmm loads with '$params' ($LOAD_ERR)"
		for _ in 2 3 4 5 6; do
			tap_skip "$v: the rest" "altmm did not load"
		done
		continue
	fi
	tap_ok "$v: altmm loads with '$params'"

	kmsg_mark "$v: stress ${SECONDS_PER}s, $CYCLES hotplug cycles"
	ms=$((SECONDS_PER * 1000))
	"$MODLOAD" "$STRESS_KO" seed="$SEED" duration_ms=$ms >$TMP/load 2>&1 &
	lpid=$!
	hp=0
	if [ -w "$CPU1" ]; then
		wait_for_threads
		hotplug || hp=1
		# Whatever happened, CPU 1 is online for what follows.
		[ "$(cat $CPU1)" = 1 ] || echo 1 >"$CPU1"
	else
		hp=2
	fi
	wait $lpid
	lrc=$?
	line=$(log_since_mark | grep "^$STRESS: summary " | tail -n 1)
	tap_diag "$v: ${line:-no summary line}"
	if [ $lrc -eq 0 ] && [ "$(summary_field "$line" result)" = pass ]; then
		tap_ok "$v: the stress passed (seed $(summary_field "$line" seed))"
	else
		tap_diag "$(cat $TMP/load)"
		tap_diag "$(log_since_mark | grep "^$STRESS: FAIL" | head -n 20)"
		tap_fail "$v: the stress passed (seed $(summary_field "$line" seed); rerun with -s)"
	fi
	rebinds=$(summary_field "$line" rebinds)
	case $hp in
	0)
		[ "${rebinds:-0}" -gt 0 ] ||
			tap_diag "no thread came back to CPU 1: the run ended first? (-t)"
		[ "${rebinds:-0}" -gt 0 ]
		tap_check $? "$v: CPU 1 went offline and back $CYCLES times during the run (rebinds=$rebinds)"
		;;
	1) tap_fail "$v: CPU 1 went offline and back $CYCLES times during the run (a write failed)" ;;
	*) tap_skip "$v: CPU hotplug" "no writable $CPU1" ;;
	esac
	check_coverage "$line"
	tap_check $? "$v: every order, migrate type, kmalloc range and operation ran"
	check_log_clean "$v: stress"
	tap_check $? "$v: the kernel log has no report"
	grep -q "^$STRESS " /proc/modules && "$MODLOAD" -r $STRESS >/dev/null 2>&1
	rc=0
	altmm_unload || { tap_diag "unload: $UNLOAD_ERR"; rc=1; }
	if log_since_mark | grep -q 'teardown:'; then
		tap_diag "$(log_since_mark | grep 'teardown:')"
		rc=1
	fi
	tap_check $rc "$v: altmm unloads with nothing left allocated"
	altmm_unload_quiet
done
rm -rf $TMP
tap_done
