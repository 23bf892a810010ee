#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# capture-trace.sh - capture a kmem trace from the test VM's own kernel
# running a shell workload, for scripts/replay.sh.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
results=$top/build/results
events="mm_page_alloc mm_page_free mm_page_free_batched kmalloc kfree kmem_cache_alloc kmem_cache_free"

usage()
{
	cat <<EOF
usage: scripts/capture-trace.sh [--no-build] [--timeout SECONDS]
                                [-b BUFFER_KB] [-o OUT.gz] WORKLOAD [ARG ...]

Boot the test VM (Debian's 6.1 kernel, 2 CPUs; no altmm module loaded),
mount tracefs, enable the kmem events
  $events
run "sh WORKLOAD ARG..." (a busybox sh script from the host), stop tracing,
and write /sys/kernel/tracing/trace, gzipped, to OUT.gz on the host. The
trace travels over a third serial port, base64-encoded.

  WORKLOAD       a shell script; replay/workloads/ has examples
  -o OUT.gz      where the trace goes (default build/results/capture.trace.gz)
  -b BUFFER_KB   per-CPU ring buffer size (default 65536); when the workload
                 makes more events than fit, the oldest are overwritten:
                 the script says so, and the replay counts the frees whose
                 allocations were lost as unpaired
  --no-build     use the modules already in build/amd64
  --timeout S    kill the VM after S seconds (default 900)

Then: scripts/replay.sh OUT.gz
EOF
}

die()
{
	echo "capture-trace.sh: $*" >&2
	exit 2
}

vmopts=()
out=$results/capture.trace.gz
buffer_kb=65536
while [ $# -gt 0 ]; do
	case "$1" in
	-h | --help) usage; exit 0 ;;
	--no-build) vmopts+=(--no-build); shift ;;
	--timeout) vmopts+=(--timeout "$2"); shift 2 ;;
	-o) out=$2; shift 2 ;;
	-b) buffer_kb=$2; shift 2 ;;
	-*) usage >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || { usage >&2; exit 2; }
workload=$1
shift
[ -r "$workload" ] || die "cannot read $workload"
case "$buffer_kb" in
'' | *[!0-9]*) die "-b takes a number of KiB" ;;
esac

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp "$workload" "$stage/workload.sh"

# The guest side: busybox sh, run by /init (altmm_mode=script).
cat >"$stage/capture.sh" <<EOF
#!/bin/sh
# Written by scripts/capture-trace.sh.
t=/sys/kernel/tracing
[ -d \$t/events ] || mount -t tracefs nodev \$t || exit 1
echo 0 >\$t/tracing_on
echo >\$t/trace
echo $buffer_kb >\$t/buffer_size_kb || exit 1
for e in $events; do
	echo 1 >\$t/events/kmem/\$e/enable || exit 1
done
echo 1 >\$t/tracing_on
echo "altmm-capture: workload starts"
sh /altmm/files/workload.sh "\$@"
wrc=\$?
echo 0 >\$t/tracing_on
for e in $events; do
	echo 0 >\$t/events/kmem/\$e/enable
done
echo "altmm-capture: workload exit \$wrc"
grep -m 1 'entries-in-buffer' \$t/trace | sed 's/^# */altmm-capture: /'
stty -F /dev/ttyS2 raw -echo 2>/dev/null
{
	echo "altmm-capture: begin"
	gzip -c \$t/trace | base64
	echo "altmm-capture: end"
} >/dev/ttyS2
exit \$wrc
EOF

b64=$stage/trace.b64
rc=0
QEMU_EXTRA="${QEMU_EXTRA:-} -serial file:$b64" \
	"$top/scripts/vm.sh" ${vmopts[@]+"${vmopts[@]}"} \
	-f "$stage/capture.sh" -f "$stage/workload.sh" \
	script /altmm/files/capture.sh "$@" || rc=$?

mkdir -p "$(dirname "$out")"
tr -d '\r' <"$b64" |
	sed -n '/^altmm-capture: begin$/,/^altmm-capture: end$/p' | sed '1d;$d' |
	base64 -d >"$out.tmp" 2>/dev/null || true
if ! gzip -t "$out.tmp" 2>/dev/null; then
	rm -f "$out.tmp"
	die "no complete trace came out of the VM (see $results/vm-output.log)"
fi
mv "$out.tmp" "$out"
echo "capture-trace.sh: $(zcat "$out" | grep -vc '^#') events in $out" \
	"($(du -k "$out" | cut -f1) kB)"
exit "$rc"
