#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# CPU hotplug: when a CPU dies, what its per-CPU lists hold goes back to
# the zones, as 6.1's page_alloc_cpu_dead() does (altmm's CPUHP teardown).
#
#   - frames freed on CPU 1 stay on CPU 1's list of node 1's Normal zone;
#   - taking CPU 1 offline, with no drain command, puts exactly those
#     frames back on the zone's free lists (nr_free_pages grows by the
#     count CPU 1's pageset showed), and zoneinfo stops listing CPU 1;
#   - CPU 1 comes back, allocates and frees again; nothing leaks, the
#     kernel log is clean, and rmmod finds nothing allocated.

. "$(dirname "$0")/lib.sh"


require_altmm
tap_plan 7

# pcp_count NODE ZONE CPU: "count:" of that CPU's pageset in zoneinfo, or
# "none" when zoneinfo lists no pageset for the CPU.
pcp_count()
{
	awk -v node="$1" -v zone="$2" -v cpu="$3" '
	/^Node [0-9]+, zone / { n = $2; sub(",", "", n); inb = (n == node && $4 == zone); next }
	inb && $1 == "cpu:" { incpu = ($2 == cpu); next }
	inb && incpu && $1 == "count:" { print $2; found = 1; exit }
	END { if (!found) print "none" }' "$ALTMM_DEBUGFS/zoneinfo"
}

# on_cpu1 COMMAND: one ctl command written by a shell pinned to CPU 1.
on_cpu1()
{
	taskset 2 sh -c "echo '$*' > $ALTMM_DEBUGFS/ctl"
}

altmm_load_or_bail

cpu1_hotplug_or_bail

ctl drain
kmsg_mark
# Frames freed on CPU 1 stay on its list (up to its high mark).
on_cpu1 "alloc tag=h order=0 count=64 gfp=GFP_KERNEL node=1" &&
	on_cpu1 "free tag=h"
held=$(pcp_count 1 Normal 1)
free_before=$(zoneinfo_get 1 Normal nr_free_pages)
[ "$held" != none ] && [ "$held" -gt 0 ]
tap_check $? "CPU 1's list of node 1 Normal holds the frames it freed ($held)"

echo 0 >"$CPU1"
sleep 1
free_after=$(zoneinfo_get 1 Normal nr_free_pages)
[ "$free_after" -eq "$((free_before + held))" ]
tap_check $? "offlining CPU 1 returns its $held frames: nr_free_pages $free_before -> $free_after"
[ "$(pcp_count 1 Normal 1)" = none ]
tap_check $? "zoneinfo no longer lists CPU 1's pageset"

echo 1 >"$CPU1"
sleep 1
if on_cpu1 "alloc tag=back order=2 count=16 gfp=GFP_KERNEL" &&
	on_cpu1 "free tag=back" && [ "$(pcp_count 1 Normal 1)" != none ]; then
	tap_ok "CPU 1 back online: listed again, allocates and frees"
else
	tap_fail "CPU 1 back online: listed again, allocates and frees"
fi

check_log_clean "CPU hotplug"
tap_check $? "the kernel log has no report"
if altmm_unload; then
	tap_ok "rmmod after the hotplug"
else
	tap_fail "rmmod after the hotplug ($UNLOAD_ERR)"
fi
tap_done
