#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The workload of `make run` (scripts/vm.sh run): drive altmm's ctl file so
# that the files printed afterwards show a live system, not a fresh one.
#
#   workload.sh [DEBUGFS_DIR]     (default /sys/kernel/debug/altmm)
#
# It allocates a mix of orders, GFP masks and migrate types on every node
# (single pages, order-3 and order-4 blocks, compound and zeroed blocks,
# DMA and DMA32 requests, atomic and movable ones, THP-sized movable
# blocks), frees part of it so the free lists are fragmented, and keeps
# the rest: rmmod gives it back (the log says how much).  Then it loads
# the consumer module (when the image has it) so the slab caches, kmalloc
# and vmalloc are in use too, and, with /dev/altmm, a process that swaps
# and one that keeps 16 MiB mapped. It runs in the
# VM's busybox sh as well as in any POSIX shell, as root; it prints each
# command and ctl_status.

dir=${1:-/sys/kernel/debug/altmm}
ctl=$dir/ctl

case "$1" in
-h | --help)
	sed -n '4,18s/^# \{0,1\}//p' "$0"
	exit 0
	;;
esac

if [ ! -w "$ctl" ]; then
	echo "workload.sh: $ctl is missing or not writable (altmm loaded? root?)" >&2
	exit 1
fi

rc=0

# cmd COMMAND: one ctl command, echoed; a refused command fails the workload.
cmd()
{
	echo "workload: $*"
	if ! echo "$*" >"$ctl"; then
		echo "workload: refused: $*" >&2
		rc=1
	fi
}

nodes=$(grep -c '^Node [0-9]*, zone *Normal' "$dir/zoneinfo" 2>/dev/null)
[ -n "$nodes" ] && [ "$nodes" -gt 0 ] || nodes=1

n=0
while [ "$n" -lt "$nodes" ]; do
	cmd "alloc tag=single$n order=0 count=3000 gfp=GFP_KERNEL node=$n"
	cmd "alloc tag=movable$n order=0 count=4000 gfp=GFP_HIGHUSER_MOVABLE node=$n"
	cmd "alloc tag=order3-$n order=3 count=200 gfp=GFP_KERNEL node=$n"
	cmd "alloc tag=comp$n order=4 count=40 gfp=GFP_KERNEL|__GFP_COMP|__GFP_ZERO node=$n"
	cmd "alloc tag=atomic$n order=2 count=200 gfp=GFP_ATOMIC node=$n"
	cmd "alloc tag=reclaimable$n order=1 count=300 gfp=GFP_KERNEL|__GFP_RECLAIMABLE node=$n"
	cmd "alloc tag=thp$n order=9 count=4 gfp=GFP_TRANSHUGE_LIGHT node=$n"
	n=$((n + 1))
done
cmd "alloc tag=dma order=1 count=200 gfp=GFP_KERNEL|__GFP_DMA"
cmd "alloc tag=dma32 order=2 count=300 gfp=GFP_KERNEL|__GFP_DMA32"

# Free part of it, newest first, so that holes open up between what stays.
n=0
while [ "$n" -lt "$nodes" ]; do
	cmd "free tag=single$n count=1500"
	cmd "free tag=movable$n count=2500"
	cmd "free tag=order3-$n count=100"
	cmd "free tag=atomic$n"
	n=$((n + 1))
done
cmd "free tag=dma count=100"
cmd "drain"

# Fill caches: the consumer module is ordinary kernel code allocating
# through altmm_compat.h (a request cache, kmalloc of many sizes, vmalloc);
# it stays loaded, so slabinfo, slab/ and vmallocinfo show it.
consumer=/altmm/modules/altmm_consumer.ko
if [ -f "$consumer" ]; then
	echo "workload: insmod $consumer"
	if ! ${MODLOAD:-insmod} "$consumer"; then
		echo "workload: altmm_consumer refused to load" >&2
		rc=1
	fi
fi

# User memory: a process writes more than the arena's free memory through
# /dev/altmm and reads it back twice, so reclaim sends pages to swap and
# faults bring them back (meminfo's Swap lines, vmstat's pswp*, pgscan_*,
# pgsteal_*); then it does the same through a file-backed object, so
# dirty pages are written back and clean ones dropped and read again
# (nr_written, pgsteal_file, workingset_refault_file); a second one keeps
# 16 MiB until the VM ends, so the LRU lines of meminfo show it.
prog=/altmm/selftests/usermem_prog
if [ -x "$prog" ] && [ -c /dev/altmm ]; then
	# The default has no swap; an area is set up at run time, as swapon does.
	if [ "$(cat /sys/module/altmm/parameters/swap_mb)" = 0 ]; then
		echo "workload: swap_mb=64 (at run time)"
		echo 64 >/sys/module/altmm/parameters/swap_mb || rc=1
	fi
	free_mb=$(($(awk '$1 == "MemFree:" { print $2 }' "$dir/meminfo") / 1024))
	echo "workload: usermem_prog pressure $((free_mb + 32)) 2"
	"$prog" pressure $((free_mb + 32)) 2 || rc=1
	echo "workload: usermem_prog filepressure $((free_mb + 32)) /tmp/workload.file"
	"$prog" filepressure $((free_mb + 32)) /tmp/workload.file || rc=1
	rm -f /tmp/workload.file
	echo "workload: usermem_prog hold 16 (in the background)"
	sleep 3600 | "$prog" hold 16 &
	sleep 1
fi

echo "==> $dir/ctl_status <=="
cat "$dir/ctl_status"
exit $rc
