#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# profile.sh - profile altmm_bench cases with perf, inside the test VM
# (scripts/bench-profile.sh puts it and perf in the image and runs it).
#
#   profile.sh [--symoff] [-s SCALE] CASE[:SIDE] ...
#
# For each CASE (an altmm_bench case name) and SIDE (host, altmm, or both
# when left out), loads altmm_bench.ko with cases=CASE side=SIDE rounds=4
# scale=SCALE (default 25) under `perf record -e cpu-clock` on CPU 0, the
# CPU a one-thread case runs on, and prints the case's kernel log line and
# the hottest functions. With --symoff, samples are counted by
# function+offset instead, to be matched against `objdump -d` of the
# module. cpu-clock is a timer interrupt: time spent with interrupts off
# is charged to the instruction that turns them back on.
#
# Needs /altmm/files/perfroot.tar (perf and its libraries) and $MODLOAD.

usage()
{
	sed -n '4,17s/^# \{0,1\}//p' "$0"
}

symoff=0
scale=25
while [ $# -gt 0 ]; do
	case "$1" in
	-h | --help) usage; exit 0 ;;
	--symoff) symoff=1; shift ;;
	-s) scale=$2; shift 2 ;;
	-*) usage >&2; exit 2 ;;
	*) break ;;
	esac
done

M=/altmm/modules
(cd / && tar xf /altmm/files/perfroot.tar) || exit 1
echo 0 >/proc/sys/kernel/kptr_restrict
echo -1 >/proc/sys/kernel/perf_event_paranoid
"$MODLOAD" $M/altmm.ko arena_mb=512 nodes=1 || exit 1

rc=0
for arg in "$@"; do
	c=${arg%%:*}
	s=both
	[ "$c" = "$arg" ] || s=${arg#*:}
	echo "=== $c side=$s"
	if ! perf record -q -C 0 -e cpu-clock -c 10000 -o /tmp/perf.data -- \
		"$MODLOAD" $M/altmm_bench.ko cases="$c" side="$s" rounds=4 \
		scale="$scale" >/tmp/perf.out 2>&1; then
		cat /tmp/perf.out
		rc=1
		continue
	fi
	dmesg | grep "altmm_bench: $c " | tail -n 1 | sed 's/^\[[ 0-9.]*\] //'
	if [ $symoff -eq 1 ]; then
		perf script -i /tmp/perf.data -F sym,symoff 2>/dev/null |
			awk '{ n[$1]++; t++ }
			END { for (k in n) printf "%6.2f%%  %s\n", 100 * n[k] / t, k }' |
			sort -rn | head -n 40
	else
		perf report -i /tmp/perf.data --stdio --no-children --sort sym \
			--percent-limit 1 2>/dev/null | grep -v '^#' | grep -v '^$'
	fi
	"$MODLOAD" -r altmm_bench || rc=1
done
echo "=== altmm vmstat (pgalloc, pgfree, altmm_*)"
grep -E '^(pgalloc_|pgfree|altmm_)' /sys/kernel/debug/altmm/vmstat
"$MODLOAD" -r altmm || rc=1
exit $rc
