#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# run.sh - one benchmark run on the kernel it runs on (the fast UML kernel
# or the test VM): load altmm.ko, load altmm_bench.ko (which runs its cases
# while it loads), save what it wrote under /sys/kernel/debug/altmm_bench,
# unload both; then, where a program can map /dev/altmm (the VM), the user
# memory rows: usermem_bench for faults and for reclaim, altmm against the
# host kernel under a memory cgroup.
#
#   run.sh [-m MODULE_DIR] [-o OUT_DIR] [-a "ALTMM_PARAMS"] [-u PROG]
#          [-b BRD_KO] [BENCH_PARAM=VALUE ...]
#
#   -m DIR   where altmm.ko and altmm_bench.ko are: flat (the VM's
#            /altmm/modules) or a build tree (module/, bench/); default
#            /altmm/modules
#   -o DIR   write DIR/results.csv, summary.csv, frag.csv, usermem.csv,
#            usermem-summary.csv and dmesg.txt (the kernel log of the run);
#            without -o they are printed to stdout, each after a line
#            "==> NAME <==", and "==> end <==" closes them
#   -a ARGS  altmm.ko parameters of altmm_bench's run (default "arena_mb=512
#            nodes=1": one node, as the host has, and room for the 128 MiB
#            batches)
#   -u PROG  usermem_bench (default /altmm/selftests/usermem_bench); the
#            user memory rows are not run without it
#   -b KO    the running kernel's brd.ko, a RAM disk to swap to for the
#            host side of usermem_reclaim when the kernel has no swap
#            (default /altmm/files/brd.ko)
#   BENCH_PARAM=VALUE  altmm_bench.ko parameters: cases=, rounds=, scale=,
#            seed=, frag_mb=, frag_rounds= (modinfo altmm_bench.ko); cases=
#            also takes usermem (both user memory rows), usermem_faults and
#            usermem_reclaim, which are run.sh's own; "all" (the default)
#            runs them too.  run.sh's own parameters: usermem_fault_mb=
#            (32), usermem_limit_mb= (64: altmm's arena and the cgroup's
#            memory.max; the working set is twice that, altmm's swap four
#            times), usermem_reclaim_rounds= (3); the faults take rounds=.
#
# Modules are loaded with $MODLOAD when it is set (selftests/modload, one
# finit_module(2) call), else with insmod/rmmod. Runs in busybox sh and any
# POSIX sh, as root with debugfs mounted. Exit status 0 when every module
# loaded and unloaded and the results are complete.

usage()
{
	sed -n '4,41s/^# \{0,1\}//p' "$0"
}

moddir=/altmm/modules
outdir=
altmm_args="arena_mb=512 nodes=1"
uprog=/altmm/selftests/usermem_bench
brd_ko=/altmm/files/brd.ko

while [ $# -gt 0 ]; do
	case "$1" in
	-h | --help) usage; exit 0 ;;
	-m) moddir=$2; shift 2 ;;
	-o) outdir=$2; shift 2 ;;
	-a) altmm_args=$2; shift 2 ;;
	-u) uprog=$2; shift 2 ;;
	-b) brd_ko=$2; shift 2 ;;
	-*) usage >&2; exit 2 ;;
	*) break ;;
	esac
done

DEBUGFS=/sys/kernel/debug/altmm_bench
MARK="altmm_bench: run.sh starts"
CGROUP_ROOT=/sys/fs/cgroup
CGROUP=$CGROUP_ROOT/usermem_bench

# === Parameters ===

# cases= is split between altmm_bench.ko and the user memory rows; the
# module gets every other parameter but run.sh's own usermem_*=.
bench_args=
bench_cases=all
um_faults=1
um_reclaim=1
um_fault_mb=32
um_limit_mb=64
um_rounds=15
um_reclaim_rounds=3
for arg in "$@"; do
	case "$arg" in
	cases=*)
		bench_cases=
		um_faults=0
		um_reclaim=0
		for c in $(echo "${arg#cases=}" | tr , ' '); do
			case "$c" in
			all) bench_cases="$bench_cases,all"; um_faults=1; um_reclaim=1 ;;
			usermem) um_faults=1; um_reclaim=1 ;;
			usermem_faults) um_faults=1 ;;
			usermem_reclaim) um_reclaim=1 ;;
			*) bench_cases="$bench_cases,$c" ;;
			esac
		done
		bench_cases=${bench_cases#,}
		;;
	usermem_fault_mb=*) um_fault_mb=${arg#*=} ;;
	usermem_limit_mb=*) um_limit_mb=${arg#*=} ;;
	usermem_reclaim_rounds=*) um_reclaim_rounds=${arg#*=} ;;
	rounds=*) um_rounds=${arg#*=}; bench_args="$bench_args $arg" ;;
	*) bench_args="$bench_args $arg" ;;
	esac
done
[ -n "$bench_cases" ] && bench_args="cases=$bench_cases$bench_args"

# === Helpers ===

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

# save NAME FILE: a file (of debugfs, or of the user memory rows) into
# OUT_DIR, or onto stdout.
save()
{
	if [ -n "$outdir" ]; then
		cat "$2" >"$outdir/$1" || return 1
	else
		echo "==> $1 <=="
		cat "$2" || return 1
	fi
}

# === altmm_bench.ko ===

bench_module()
{
	bench_ko=$(find_ko altmm_bench.ko bench) || return 1
	echo "run.sh: load altmm.ko $altmm_args"
	# $altmm_args is split into module parameters on purpose.
	# shellcheck disable=SC2086
	if ! load "$altmm_ko" $altmm_args; then
		echo "run.sh: altmm.ko did not load" >&2
		return 1
	fi
	# What altmm's own frame descriptors and tables cost (a target of the issue).
	grep '^AltmmMeta' /sys/kernel/debug/altmm/meminfo 2>/dev/null | sed 's/^/run.sh: /'
	echo "run.sh: load altmm_bench.ko$bench_args (the benchmark runs now)"
	start=$(cut -d' ' -f1 /proc/uptime)
	# shellcheck disable=SC2086 # a list of module parameters
	if load "$bench_ko" $bench_args; then
		end=$(cut -d' ' -f1 /proc/uptime)
		echo "run.sh: altmm_bench.ko ran from ${start}s to ${end}s of uptime"
		save results.csv $DEBUGFS/results || rc=1
		save summary.csv $DEBUGFS/summary || rc=1
		save frag.csv $DEBUGFS/frag || rc=1
		unload altmm_bench || rc=1
	else
		echo "run.sh: altmm_bench.ko did not load" >&2
		rc=1
	fi
	unload altmm || rc=1
}

# === User memory: usermem_bench ===

swap_dev=
brd_loaded=0
cg_mounted=0
host_why=

# The host side of usermem_reclaim: swap (on a brd RAM disk as large as
# altmm's swap area, when the kernel has none) and a cgroup v2 whose
# memory.max is altmm's arena.  On failure host_why says why, and what was
# set up stays for host_limit_down to undo.
host_limit_up()
{
	if [ "$(wc -l </proc/swaps)" -lt 2 ]; then
		if [ ! -f "$brd_ko" ]; then
			host_why="no swap, and no $brd_ko to make a RAM disk to swap to"
			return 1
		fi
		if ! load "$brd_ko" rd_nr=1 rd_size=$((um_limit_mb * 4 * 1024)); then
			host_why="$brd_ko did not load"
			return 1
		fi
		brd_loaded=1
		if ! mkswap /dev/ram0 >/dev/null || ! swapon /dev/ram0; then
			host_why="swapon /dev/ram0 failed"
			return 1
		fi
		swap_dev=/dev/ram0
	fi
	if [ ! -f $CGROUP_ROOT/cgroup.controllers ]; then
		if ! mount -t cgroup2 none $CGROUP_ROOT; then
			host_why="cgroup2 did not mount on $CGROUP_ROOT"
			return 1
		fi
		cg_mounted=1
	fi
	if ! grep -qw memory $CGROUP_ROOT/cgroup.controllers; then
		host_why="cgroup v2 has no memory controller ($(cat $CGROUP_ROOT/cgroup.controllers))"
		return 1
	fi
	if ! echo +memory >$CGROUP_ROOT/cgroup.subtree_control ||
	   ! mkdir -p $CGROUP || ! echo "${um_limit_mb}M" >$CGROUP/memory.max; then
		host_why="cgroup $CGROUP with memory.max=${um_limit_mb}M could not be made"
		return 1
	fi
	echo "run.sh: host: $CGROUP memory.max=$(cat $CGROUP/memory.max)" \
		"memory.swap.max=$(cat $CGROUP/memory.swap.max 2>/dev/null)," \
		"swap: $(tail -n +2 /proc/swaps | tr -s ' \t' ' ' | tr '\n' ';')"
	return 0
}

host_limit_down()
{
	[ -d $CGROUP ] && { rmdir $CGROUP || rc=1; }
	[ $cg_mounted -eq 1 ] && { umount $CGROUP_ROOT || rc=1; }
	[ -n "$swap_dev" ] && { swapoff $swap_dev || rc=1; }
	[ $brd_loaded -eq 1 ] && { unload brd || rc=1; }
}

# um_altmm ARGS...: altmm.ko loaded with ARGS, /dev/altmm there; or 1.
um_altmm()
{
	echo "run.sh: load altmm.ko $*"
	if ! load "$altmm_ko" "$@"; then
		echo "run.sh: altmm.ko did not load" >&2
		rc=1
		return 1
	fi
	if [ ! -c /dev/altmm ]; then
		echo "run.sh: no /dev/altmm: the user memory rows are not run" >&2
		unload altmm || rc=1
		return 1
	fi
	return 0
}

# Both rows, each its own altmm.ko: faults on an arena with room (no
# reclaim), reclaim on arena_mb=usermem_limit_mb with four times its swap.
usermem()
{
	dir=/tmp/usermem_bench.$$

	if [ ! -x "$uprog" ]; then
		echo "run.sh: no $uprog: the user memory rows are VM-only, not run"
		return 0
	fi
	mkdir -p $dir || return 1
	rm -f $dir/*
	if [ $um_faults -eq 1 ]; then
		arena=$(((um_fault_mb * 2 + 64 + 3) / 4 * 4))
		if um_altmm nodes=1 arena_mb=$arena; then
			echo "run.sh: usermem_bench faults -m $um_fault_mb -r $um_rounds"
			"$uprog" faults -m "$um_fault_mb" -r "$um_rounds" -o $dir/raw.csv \
				>$dir/faults.csv || rc=1
			grep -E '^pg(scan|steal)_(kswapd|direct) ' /sys/kernel/debug/altmm/vmstat |
				tr '\n' ' ' | sed 's/^/run.sh: altmm after the faults: /; s/ $/\n/'
			unload altmm || rc=1
		fi
	fi
	if [ $um_reclaim -eq 1 ]; then
		if host_limit_up; then
			cg="-g $CGROUP"
		else
			echo "run.sh: the host side of usermem_reclaim is not run: $host_why"
			cg=
		fi
		if um_altmm nodes=1 arena_mb="$um_limit_mb" swap_mb=$((um_limit_mb * 4)); then
			grep -E '^(MemTotal|MemFree):' /sys/kernel/debug/altmm/meminfo |
				tr -s ' \n' ' ' | sed 's/^/run.sh: altmm: /; s/ $/\n/'
			echo "run.sh: usermem_bench reclaim -m $((um_limit_mb * 2))" \
				"-r $um_reclaim_rounds $cg"
			# $cg is an option and its argument, or nothing.
			# shellcheck disable=SC2086
			"$uprog" reclaim -m $((um_limit_mb * 2)) -r "$um_reclaim_rounds" \
				-o $dir/raw.csv $cg >$dir/reclaim.csv || rc=1
			unload altmm || rc=1
		fi
		host_limit_down
		[ -n "$host_why" ] &&
			echo "# usermem_reclaim: host side not run: $host_why" >$dir/notes
	fi
	# One summary, one header, the notes last.
	files=
	for f in faults reclaim; do
		[ -f $dir/$f.csv ] && files="$files $dir/$f.csv"
	done
	# shellcheck disable=SC2086 # a list of files
	[ -n "$files" ] && awk 'FNR == 1 && NR > 1 { next } 1' $files >$dir/summary.csv
	[ -f $dir/notes ] && cat $dir/notes >>$dir/summary.csv
	if [ -s $dir/summary.csv ]; then
		save usermem.csv $dir/raw.csv || rc=1
		save usermem-summary.csv $dir/summary.csv || rc=1
	fi
	rm -rf $dir
}

# === Main ===

altmm_ko=$(find_ko altmm.ko module) || exit 1
[ -z "$outdir" ] || mkdir -p "$outdir" || exit 1

echo "$MARK" >/dev/kmsg
rc=0
echo "run.sh: $(uname -r), $(grep -c '^processor' /proc/cpuinfo) CPU(s)," \
	"cmdline: $(cat /proc/cmdline)"
if [ -n "$bench_cases" ]; then
	bench_module || rc=1
else
	echo "run.sh: no altmm_bench.ko case asked for"
fi
if [ $um_faults -eq 1 ] || [ $um_reclaim -eq 1 ]; then
	usermem || rc=1
fi

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
