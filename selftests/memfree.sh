#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# altmm.ko gives back every host page it takes.
#
#   - while loaded with the defaults, free memory is lower by at least the
#     256 MiB arena (less the 1 MiB slack): the arena is real host pages;
#   - after each of three load/unload cycles free memory is back to within
#     1 MiB of where it started, so nothing leaks per cycle;
#   - the same for nodes=4 arena_mb=512;
#   - an arena larger than the VM (arena_mb=4096 in 1.5 GiB) is refused
#     with ENOMEM, a kernel log line "altmm: ..." says how much was
#     obtained, the module is not left loaded and free memory comes back.
# "Free memory" is MemFree plus the per-CPU free lists (see lib.sh).

. "$(dirname "$0")/lib.sh"

CYCLES=3
BIG_MB=4096

require_altmm
tap_plan $((1 + CYCLES + 1 + 3))

# load_unload DESC PARAM...: one cycle, with free memory compared.
load_unload()
{
	local desc=$1 before rc=0

	shift
	settle
	before=$(free_kb)
	if ! altmm_load "$@"; then
		tap_diag "load: $LOAD_ERR"
		rc=1
	elif ! altmm_unload; then
		tap_diag "unload: $UNLOAD_ERR"
		rc=1
	fi
	altmm_unload_quiet
	settle
	check_free_kept "$before" "$(free_kb)" "$desc" || rc=1
	tap_check $rc "$desc: free memory is back to within 1 MiB after unload"
}

# The arena is taken from the host.
settle
before=$(free_kb)
if altmm_load; then
	settle
	during=$(free_kb)
	tap_diag "free memory: $before kB before load, $during kB while loaded"
	[ $((before - during)) -ge $((256 * 1024 - MEMFREE_SLACK_KB)) ]
	tap_check $? "defaults: the 256 MiB arena comes out of host memory while loaded"
else
	tap_diag "load: $LOAD_ERR"
	tap_fail "defaults: the 256 MiB arena comes out of host memory while loaded"
fi
altmm_unload_quiet

i=1
while [ $i -le $CYCLES ]; do
	load_unload "defaults, cycle $i/$CYCLES"
	i=$((i + 1))
done
load_unload "nodes=4 arena_mb=512" nodes=4 arena_mb=512

# An arena that cannot be had.
settle
before=$(free_kb)
altmm_load arena_mb=$BIG_MB
log=$(log_since_mark)
[ "$LOAD_RC" -eq 12 ]
tap_check $? "arena_mb=$BIG_MB: refused with ENOMEM (got ${LOAD_ERR:-success})"

echo "$log" | grep -E '^altmm: .*[0-9]' | grep -Eqi 'obtain|got|only|allocated|could'
rc=$?
[ $rc -eq 0 ] || tap_diag "the kernel log said: ${log:-(nothing)}"
tap_check $rc "arena_mb=$BIG_MB: the kernel log says how much was obtained"

rc=0
if altmm_loaded; then
	tap_diag "altmm is in /proc/modules"
	rc=1
fi
altmm_unload_quiet
settle
check_free_kept "$before" "$(free_kb)" "arena_mb=$BIG_MB" || rc=1
tap_check $rc "arena_mb=$BIG_MB: not left loaded, free memory is back to within 1 MiB"

tap_done
