#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# node_files.sh - node/ of altmm's debugfs (module/procfs.c), shaped as
# /sys/devices/system/node/, read by numactl and numastat.
#
# Checks, on two nodes (CPU 0 on node 0, CPU 1 on node 1):
#   - node/ has possible, online, has_normal_memory, has_memory and
#     has_cpu ("0-1"), and each nodeN/ has cpumap, cpulist, distance,
#     meminfo, numastat and vmstat;
#   - meminfo, numastat and vmstat have the keys of the running kernel's
#     own node0 files, in their order;
#   - the figures are altmm's: MemTotal is the node's managed pages of
#     zoneinfo, numa_hit its zones' numa_hit, cpulist the CPU the
#     instance put there, distance the default row (10 20);
#   - with node/ bind-mounted over /sys/devices/system/node, Debian's
#     numactl --hardware reports two nodes, each node's size and CPUs as
#     altmm's files have them and the distance table, and numastat each
#     node's numa_hit as altmm's numastat has it; the mount is undone.

. "$(dirname "$0")/lib.sh"

SYSNODE=/sys/devices/system/node
TMP=/tmp/node_files.$$

require_altmm
tap_plan 10
mkdir -p $TMP

altmm_load_or_bail arena_mb=64 nodes=2 cpu_node=0,1
N=$ALTMM_DEBUGFS/node

rc=0
for f in possible online has_normal_memory has_memory has_cpu; do
	v=$(cat "$N/$f" 2>&1)
	[ "$v" = "0-1" ] || { tap_diag "node/$f: '$v'"; rc=1; }
done
for n in 0 1; do
	for f in cpumap cpulist distance meminfo numastat vmstat; do
		[ -r "$N/node$n/$f" ] || { tap_diag "no node$n/$f"; rc=1; }
	done
done
tap_check $rc "node/ has the node states (0-1) and every nodeN/ file"

# keys FILE: the keys of a node file, values dropped.
keys()
{
	sed 's/^Node [0-9]* //; s/[ 0-9]*\(kB\)\{0,1\}$//' "$1"
}

rc=0
for f in meminfo numastat vmstat; do
	keys "$SYSNODE/node0/$f" >$TMP/k
	keys "$N/node0/$f" >$TMP/a
	if ! cmp -s $TMP/k $TMP/a; then
		tap_diag "node0/$f: kernel $(tr '\n' ' ' <$TMP/k)"
		tap_diag "node0/$f: altmm  $(tr '\n' ' ' <$TMP/a)"
		rc=1
	fi
done
tap_check $rc "meminfo, numastat and vmstat have the kernel's keys, in its order"

rc=0
for n in 0 1; do
	managed=$(awk -v n="$n," '$1 == "Node" { in_node = ($2 == n) } in_node && $1 == "managed" { s += $2 } END { print s + 0 }' \
		"$ALTMM_DEBUGFS/zoneinfo")
	total=$(awk '$3 == "MemTotal:" { print $4 }' "$N/node$n/meminfo")
	[ "$total" -eq $((managed * 4)) ] || { tap_diag "node$n MemTotal $total kB, managed $managed"; rc=1; }
	[ "$(cat "$N/node$n/cpulist")" = "$n" ] || { tap_diag "node$n cpulist $(cat "$N/node$n/cpulist")"; rc=1; }
done
[ "$(cat "$N/node0/distance")" = "10 20" ] && [ "$(cat "$N/node1/distance")" = "20 10" ] || rc=1
tap_check $rc "MemTotal is the node's managed pages, cpulist its CPU, distance its row"

# numa_hit of a node's zones in zoneinfo, read just after its numastat.
ctl alloc tag=nf order=0 count=100 gfp=GFP_KERNEL node=1
hit=$(awk '$1 == "numa_hit" { print $2 }' "$N/node1/numastat")
zhit=$(awk '$1 == "Node" { in_node = ($2 == "1,") } in_node && $1 == "numa_hit" { s += $2 } END { print s + 0 }' \
	"$ALTMM_DEBUGFS/zoneinfo")
ctl free tag=nf
rc=0
[ "$hit" -ge 100 ] && [ "$hit" -eq "$zhit" ] || rc=1
tap_check $rc "node1 numastat numa_hit is its zones' ($hit, zoneinfo $zhit)"

if ! command -v numactl >/dev/null || ! command -v numastat >/dev/null; then
	tap_skip "numactl --hardware reads altmm's nodes" "numactl not in the image"
	tap_skip "numactl reports each node's size and CPUs" "numactl not in the image"
	tap_skip "numastat reports each node's numa_hit" "numactl not in the image"
else
	mount --bind "$N" $SYSNODE
	numactl --hardware >$TMP/hw 2>&1
	numastat >$TMP/ns 2>&1
	for n in 0 1; do
		cat "$N/node$n/meminfo" >$TMP/mem$n
		cat "$N/node$n/numastat" >$TMP/nst$n
	done
	umount $SYSNODE
	tap_diag "$(head -n 12 $TMP/hw)"
	grep -q '^available: 2 nodes (0-1)$' $TMP/hw
	tap_check $? "numactl --hardware reads altmm's nodes: available: 2 nodes (0-1)"
	rc=0
	for n in 0 1; do
		mb=$(($(awk '$3 == "MemTotal:" { print $4 }' $TMP/mem$n) / 1024))
		grep -q "^node $n cpus: $n\$" $TMP/hw || rc=1
		grep -q "^node $n size: $mb MB\$" $TMP/hw || { tap_diag "node $n size: $mb MB expected"; rc=1; }
	done
	grep -q '^  0:  10  20 *$' $TMP/hw && grep -q '^  1:  20  10 *$' $TMP/hw || rc=1
	tap_check $rc "numactl reports each node's size and CPUs, and the distances"
	tap_diag "$(head -n 4 $TMP/ns)"
	want="$(awk '$1 == "numa_hit" { print $2 }' $TMP/nst0) $(awk '$1 == "numa_hit" { print $2 }' $TMP/nst1)"
	got=$(awk '$1 == "numa_hit" { print $2, $3 }' $TMP/ns)
	[ "$got" = "$want" ]
	tap_check $? "numastat reports each node's numa_hit as altmm has it ($got; $want)"
fi
[ -r $SYSNODE/node0/meminfo ] && ! grep -q '^Node 1 ' $SYSNODE/node1/meminfo 2>/dev/null
tap_check $? "the bind mount is undone"

check_log_clean "node files"
rc=$?
altmm_unload || rc=1
tap_check $rc "no report in the kernel log, and altmm unloads"
rm -rf $TMP
tap_done
