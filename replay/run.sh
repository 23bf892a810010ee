#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# run.sh - replay a kmem trace on altmm and on the host, in the test VM.
#
#   run.sh [-m MODULE_DIR] [-o REPORT] TRACE [PARAM=VALUE ...]
#
# Loads altmm.ko (arena_mb=32 nodes=1: the replay builds its own instance)
# unless it is loaded, then altmm_replay.ko with the PARAMs (rounds=,
# arena_mb=, nodes=, max_events=; see replay/main.c), writes TRACE (plain,
# or gzip when it ends in .gz) to /sys/kernel/debug/altmm_replay/trace,
# prints the report between the lines
#   altmm-replay: report begin
#   altmm-replay: report end
# (and copies it to REPORT), then unloads what it loaded. Exit status 0
# when the report says "state done". Busybox sh; installed in the VM image
# as /altmm/replay.sh. MODLOAD (selftests/modload) is used when set.

moddir=/altmm/modules
report_out=
rc=0

while [ $# -gt 0 ]; do
	case "$1" in
	-h | --help)
		sed -n '4,17s/^# \{0,1\}//p' "$0"
		exit 0
		;;
	-m) moddir=$2; shift 2 ;;
	-o) report_out=$2; shift 2 ;;
	*) break ;;
	esac
done
if [ $# -lt 1 ]; then
	echo "usage: run.sh [-m MODULE_DIR] [-o REPORT] TRACE [PARAM=VALUE ...]" >&2
	exit 2
fi
trace=$1
shift
dir=/sys/kernel/debug/altmm_replay

[ -r "$trace" ] || { echo "run.sh: cannot read $trace" >&2; exit 2; }

# load NAME.ko [PARAM=VALUE ...]
load()
{
	ko=$moddir/$1
	shift
	if [ -n "${MODLOAD:-}" ]; then
		"$MODLOAD" "$ko" "$@"
	else
		insmod "$ko" "$@"
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

loaded_altmm=0
if ! grep -q '^altmm ' /proc/modules; then
	load altmm.ko arena_mb=32 nodes=1 || exit 1
	loaded_altmm=1
fi
# Its parameters take effect for each replay; a loaded module keeps its own.
loaded_replay=0
if ! grep -q '^altmm_replay ' /proc/modules; then
	load altmm_replay.ko "$@" || rc=1
	loaded_replay=1
else
	for p in "$@"; do
		echo "${p#*=}" >"/sys/module/altmm_replay/parameters/${p%%=*}" || rc=1
	done
fi

if [ $rc -eq 0 ]; then
	start=$(cut -d' ' -f1 /proc/uptime)
	case "$trace" in
	*.gz) zcat "$trace" >"$dir/trace" || rc=1 ;;
	*) cat "$trace" >"$dir/trace" || rc=1 ;;
	esac
	end=$(cut -d' ' -f1 /proc/uptime)
	echo "altmm-replay: $trace replayed in $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }') s"
	echo "altmm-replay: report begin"
	cat "$dir/report"
	echo "altmm-replay: report end"
	[ -z "$report_out" ] || cp "$dir/report" "$report_out"
	grep -qx 'state done' "$dir/report" || rc=1
fi

[ $loaded_replay -eq 0 ] || unload altmm_replay || rc=1
[ $loaded_altmm -eq 0 ] || unload altmm || rc=1
exit $rc
