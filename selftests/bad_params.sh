#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# altmm.ko refuses bad module parameters cleanly.
#
# Each case loads altmm.ko once with one bad parameter (the rest default)
# and expects, all in one TAP test:
#   - finit_module fails with EINVAL (modload exits 22),
#   - a kernel log line since the load starts with "altmm: " and names the
#     parameter at fault (any of the names listed with the case),
#   - altmm is not in /proc/modules afterwards,
#   - free memory (MemFree + per-CPU lists) did not drop by more than 1 MiB.

. "$(dirname "$0")/lib.sh"

# "<parameter names at fault, |-separated>;<module parameters>"
CASES='
nodes;nodes=0
nodes;nodes=9
arena_mb;arena_mb=0
arena_mb;arena_mb=258
swap_mb;swap_mb=16385
node_mb|arena_mb;nodes=2 node_mb=100,100
node_mb|nodes;nodes=2 node_mb=64,64,128
node_mb;nodes=2 node_mb=126,130
node_mb;arena_mb=12 nodes=3 node_mb=12,4294967292,4
node_mb;nodes=4 node_mb=64,64,4294967292,132
distance|nodes;nodes=2 distance=10,20,10
distance;nodes=2 distance=10,20,20,11
distance;nodes=2 distance=10,10,10,10
distance;nodes=2 distance=10,255,255,10
cpu_node;nodes=2 cpu_node=0,2
dma32_mb|dma_mb;dma_mb=16 dma32_mb=8
dma32_mb;dma32_mb=130
holes;arena_mb=256 holes=8M@1G
holes;holes=8M@64M,8M@68M
holes;holes=2M@64M
kernelcore;kernelcore=1G
kernelcore;kernelcore=abc
movablecore;movablecore=abc
fail_page_alloc;fail_page_alloc=1,10,0
failslab;failslab=1,10,0,-1,5
'

require_altmm

# One case per line; the loops split $CASES on newlines only.
NL='
'
n=0
IFS=$NL
for _ in $CASES; do
	n=$((n + 1))
done
unset IFS
tap_plan $n

# check_refused NAMES: the checks after a load that had to fail.
check_refused()
{
	local names=$1 rc=0 log

	log=$(log_since_mark)
	if [ "$LOAD_RC" -ne 22 ]; then
		tap_diag "expected EINVAL (22), got status $LOAD_RC: ${LOAD_ERR:-loaded}"
		rc=1
	fi
	if ! echo "$log" | grep -Eq "^altmm: .*($names)"; then
		tap_diag "no kernel log line 'altmm: ...' naming $names; the log said:"
		tap_diag "${log:-(nothing)}"
		rc=1
	fi
	if altmm_loaded; then
		tap_diag "altmm is in /proc/modules"
		rc=1
	fi
	return $rc
}

IFS=$NL
for c in $CASES; do
	unset IFS
	names=${c%%;*}
	params=${c#*;}
	settle
	before=$(free_kb)
	# $params is split into module parameters on purpose.
	# shellcheck disable=SC2086
	altmm_load $params
	rc=0
	check_refused "$names" || rc=1
	altmm_unload_quiet
	settle
	check_free_not_dropped "$before" "$(free_kb)" "$params" || rc=1
	tap_check $rc "refuses $params"
done
unset IFS

tap_done
