#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# replay.sh - replay a kernel's kmem trace on altmm and on the host's
# allocator in the test VM, and print the report.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
results=$top/build/results

usage()
{
	cat <<EOF
usage: scripts/replay.sh [--no-build] [--timeout SECONDS] [-o REPORT]
                         TRACE [PARAM=VALUE ...]

Replay TRACE in the test VM (scripts/vm.sh script): every mm_page_alloc,
mm_page_free(_batched), kmalloc, kfree, kmem_cache_alloc and kmem_cache_free
event runs on a fresh altmm instance and on the VM kernel's own allocator,
frees paired to allocations by pfn= or ptr=.

  TRACE          ftrace text (cat /sys/kernel/tracing/trace, trace_pipe) or
                 trace-cmd report output of those events, plain or gzip;
                 scripts/capture-trace.sh makes one
  PARAM=VALUE    altmm_replay.ko parameters: rounds=N (3; sides alternate
                 going first), arena_mb=N (256) and nodes=N (1) of the
                 altmm instance, max_events=N (4000000)
  -o REPORT      write the report there (default build/results/replay-report.txt)
  --no-build     use the modules already in build/amd64
  --timeout S    kill the VM after S seconds (default 900)

The report is "key value" lines (see README.md, "Replaying a trace"); a
summary follows it. Exit status 0 when the VM ran clean and the report says
"state done".
EOF
}

die()
{
	echo "replay.sh: $*" >&2
	exit 2
}

vmopts=()
report=$results/replay-report.txt
while [ $# -gt 0 ]; do
	case "$1" in
	-h | --help) usage; exit 0 ;;
	--no-build) vmopts+=(--no-build); shift ;;
	--timeout) vmopts+=(--timeout "$2"); shift 2 ;;
	-o) report=$2; shift 2 ;;
	-*) usage >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || { usage >&2; exit 2; }
trace=$1
shift
[ -r "$trace" ] || die "cannot read $trace"
for p in "$@"; do
	case "$p" in
	rounds=[0-9]* | arena_mb=[0-9]* | nodes=[0-9]* | max_events=[0-9]*) ;;
	*) die "unknown parameter '$p' (rounds=, arena_mb=, nodes=, max_events=)" ;;
	esac
done

# The VM's runner tells gzip by the name: stage the trace under one that
# says what it is.
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
if [ "$(head -c 2 "$trace" | od -An -tx1 | tr -d ' \n')" = 1f8b ]; then
	gzip -t "$trace" || die "$trace: a damaged gzip file"
	name=trace.gz
else
	name=trace.txt
fi
ln -s "$(realpath "$trace")" "$stage/$name"

mkdir -p "$results"
rc=0
"$top/scripts/vm.sh" ${vmopts[@]+"${vmopts[@]}"} -f "$stage/$name" \
	script /altmm/replay.sh "/altmm/files/$name" "$@" || rc=$?

sed -n '/^altmm-replay: report begin$/,/^altmm-replay: report end$/p' \
	"$results/vm-output.log" | sed '1d;$d' >"$report.tmp"
if [ ! -s "$report.tmp" ]; then
	rm -f "$report.tmp"
	echo "replay.sh: no report in $results/vm-output.log" >&2
	exit 1
fi
mv "$report.tmp" "$report"

# A summary for a person; the report has everything.
awk -v trace="$trace" '
{ v[$1] = $2 }
END {
	printf "\n==== replay of %s ====\n", trace
	printf "%-26s %s\n", "state", v["state"]
	printf "%-26s %s (%s lines)\n", "events read", v["events_read"], v["lines"]
	printf "%-26s %s (ops %s, caches %s)\n", "events replayed", v["events_replayed"], v["ops"], v["caches"]
	n = split("unpaired_free free_batched null_free failed_in_trace malformed unsupported over_limit", k, " ")
	for (i = 1; i <= n; i++)
		printf "%-26s %s\n", "skipped " k[i], v["skipped_" k[i]]
	printf "%-26s %s\n", "live at end", v["live_at_end"]
	printf "\n%-26s %12s %12s\n", "", "altmm", "host"
	printf "%-26s %12s %12s\n", "ns/event, median", v["altmm_ns_per_event_median"], v["host_ns_per_event_median"]
	printf "%-26s %12s %12s\n", "ns/event, min", v["altmm_ns_per_event_min"], v["host_ns_per_event_min"]
	printf "%-26s %12s %12s\n", "ns/event, max", v["altmm_ns_per_event_max"], v["host_ns_per_event_max"]
	printf "%-26s %12s %12s\n", "peak frames in use", v["altmm_peak_frames_in_use"], v["host_peak_frames_in_use"]
	printf "%-26s %12s %12s\n", "allocation failures", v["altmm_alloc_failures"], v["host_alloc_failures"]
	printf "%-26s %12s\n", "altmm/host, median", v["ratio_median"]
	printf "(%s rounds; report in the file below)\n", v["rounds"]
}' "$report"
echo "replay.sh: report in $report"
grep -qx 'state done' "$report" || rc=1
exit "$rc"
