#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# run.sh - one benchmark run on the kernel it runs on (the fast UML kernel
# or the test VM): load altmm.ko, load altmm_bench.ko (which runs its cases
# while it loads), save what it wrote under /sys/kernel/debug/altmm_bench,
# unload both.
#
#   run.sh [-m MODULE_DIR] [-o OUT_DIR] [-a "ALTMM_PARAMS"] [BENCH_PARAM=VALUE ...]
#
#   -m DIR   where altmm.ko and altmm_bench.ko are: flat (the VM's
#            /altmm/modules) or a build tree (module/, bench/); default
#            /altmm/modules
#   -o DIR   write DIR/results.csv, summary.csv, frag.csv and dmesg.txt (the
#            kernel log of the run); without -o they are printed to stdout,
#            each after a line "==> NAME <==", and "==> end <==" closes them
#   -a ARGS  altmm.ko parameters (default "arena_mb=512 nodes=1": one node,
#            as the host has, and room for the 128 MiB batches)
#   BENCH_PARAM=VALUE  altmm_bench.ko parameters: cases=, rounds=, scale=,
#            seed=, frag_mb=, frag_rounds= (modinfo altmm_bench.ko)
#
# Modules are loaded with $MODLOAD when it is set (selftests/modload, one
# finit_module(2) call), else with insmod/rmmod. Runs in busybox sh and any
# POSIX sh, as root with debugfs mounted. Exit status 0 when both modules
# loaded and unloaded and the results are complete.

usage()
{
	sed -n '4,25s/^# \{0,1\}//p' "$0"
}

moddir=/altmm/modules
outdir=
altmm_args="arena_mb=512 nodes=1"

while [ $# -gt 0 ]; do
	case "$1" in
	-h | --help) usage; exit 0 ;;
	-m) moddir=$2; shift 2 ;;
	-o) outdir=$2; shift 2 ;;
	-a) altmm_args=$2; shift 2 ;;
	-*) usage >&2; exit 2 ;;
	*) break ;;
	esac
done

DEBUGFS=/sys/kernel/debug/altmm_bench
MARK="altmm_bench: run.sh starts"

find_ko()
{
	for f in "$moddir/$1" "$moddir/$2/$1"; do
		if [ -f "$f" ]; then
			echo "$f"
			return 0
		fi
	done
	echo "run.sh: no $1 in $moddir" >&2
	return 1
}

load()
{
	if [ -n "${MODLOAD:-}" ]; then
		"$MODLOAD" "$@"
	else
		insmod "$@"
	fi
}

unload()
{
	if [ -n "${MODLOAD:-}" ]; then
		"$MODLOAD" -r "$1"
	else
		rmmod "$1"
	fi
}

# The kernel log since the mark, timestamps stripped.
log_since_mark()
{
	dmesg | sed 's/^\[[ 0-9.]*\] //' |
		awk -v mark="$MARK" '$0 == mark { n = 0; found = 1; next }
			found { line[++n] = $0 }
			END { for (i = 1; i <= n; i++) print line[i] }'
}

# save NAME FILE: a debugfs file into OUT_DIR, or onto stdout.
save()
{
	if [ -n "$outdir" ]; then
		cat "$DEBUGFS/$2" >"$outdir/$1" || return 1
	else
		echo "==> $1 <=="
		cat "$DEBUGFS/$2" || return 1
	fi
}

altmm_ko=$(find_ko altmm.ko module) || exit 1
bench_ko=$(find_ko altmm_bench.ko bench) || exit 1
[ -z "$outdir" ] || mkdir -p "$outdir" || exit 1

echo "$MARK" >/dev/kmsg
rc=0
echo "run.sh: $(uname -r), $(grep -c '^processor' /proc/cpuinfo) CPU(s)," \
	"cmdline: $(cat /proc/cmdline)"
echo "run.sh: load altmm.ko $altmm_args"
# $altmm_args is split into module parameters on purpose.
# shellcheck disable=SC2086
if ! load "$altmm_ko" $altmm_args; then
	echo "run.sh: altmm.ko did not load" >&2
	exit 1
fi
# What altmm's own frame descriptors and tables cost (a target of the issue).
grep '^AltmmMeta' /sys/kernel/debug/altmm/meminfo 2>/dev/null | sed 's/^/run.sh: /'
echo "run.sh: load altmm_bench.ko $* (the benchmark runs now)"
start=$(cut -d' ' -f1 /proc/uptime)
if load "$bench_ko" "$@"; then
	end=$(cut -d' ' -f1 /proc/uptime)
	echo "run.sh: altmm_bench.ko ran from ${start}s to ${end}s of uptime"
	save results.csv results || rc=1
	save summary.csv summary || rc=1
	save frag.csv frag || rc=1
	unload altmm_bench || rc=1
else
	echo "run.sh: altmm_bench.ko did not load" >&2
	rc=1
fi
unload altmm || rc=1

if [ -n "$outdir" ]; then
	log_since_mark >"$outdir/dmesg.txt"
	grep 'altmm_bench: ' "$outdir/dmesg.txt"
else
	echo "==> dmesg.txt <=="
	log_since_mark
	echo "==> end <=="
fi
if log_since_mark | grep -q 'altmm_bench: results incomplete'; then
	rc=1
fi
exit $rc
