#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# CPU hotplug and the slab: when a CPU dies, the objects its per-CPU
# arrays hold go back to their slabs, as 6.1's slab_dead_cpu() does
# (altmm_slab_cpu_dead(), from altmm's CPUHP teardown).
#
#   - altmm_consumer.ko, loaded by a shell pinned to CPU 1, allocates and
#     frees on CPU 1: some cache's cpu_objects shows objects on C1;
#   - taking CPU 1 offline empties every CPU 1 array: no cache's
#     cpu_objects shows C1 any more;
#   - with CPU 1 still offline, unloading the consumer destroys its cache
#     and the kernel log has no leak report nor any other;
#   - CPU 1 comes back and rmmod of altmm finds nothing allocated.

. "$(dirname "$0")/lib.sh"

CONSUMER=altmm_consumer
CONSUMER_KO=${CONSUMER_KO:-$(first_file /altmm/modules/$CONSUMER.ko \
	"$SELFTESTS_DIR/../build/amd64/consumer/$CONSUMER.ko")}

require_altmm
if [ -z "$CONSUMER_KO" ] || [ ! -f "$CONSUMER_KO" ]; then
	skip_all "$CONSUMER.ko not found (set CONSUMER_KO)"
fi
tap_plan 7

# Objects in CPU 1's arrays, over every cache of the instance.
cpu1_objects()
{
	cat "$ALTMM_DEBUGFS"/slab/*/cpu_objects 2>/dev/null |
		awk '{ for (i = 2; i <= NF; i++) if ($i ~ /^C1=/) { sub("C1=", "", $i); n += $i } }
		     END { print n + 0 }'
}

altmm_load_or_bail

cpu1_hotplug_or_bail

kmsg_mark "load $CONSUMER on CPU 1"
taskset 2 "$MODLOAD" "$CONSUMER_KO" >/dev/null 2>&1
tap_check $? "$CONSUMER loads on CPU 1"

held=$(cpu1_objects)
[ "$held" -gt 0 ]
tap_check $? "CPU 1's arrays hold objects it freed ($held)"

echo 0 >"$CPU1"
sleep 1
left=$(cpu1_objects)
[ "$left" -eq 0 ]
tap_check $? "offlining CPU 1 gives its $held objects back ($left left)"

kmsg_mark "unload $CONSUMER with CPU 1 offline"
leaks=
if "$MODLOAD" -r $CONSUMER >/dev/null 2>&1; then
	leaks=$(log_since_mark | grep -c 'leaked')
	[ "$leaks" -eq 0 ] || tap_diag "$(log_since_mark | grep 'leaked' | head -n 5)"
	[ "$leaks" -eq 0 ] && check_log_clean "cache destroy after hotplug"
else
	false
fi
tap_check $? "$CONSUMER unloads with CPU 1 offline, no leak (${leaks:-?}) or other report"

echo 1 >"$CPU1"
sleep 1
check_log_clean "CPU 1 back"
tap_check $? "CPU 1 back online, the kernel log has no report"
if altmm_unload; then
	tap_ok "rmmod after the hotplug"
else
	tap_fail "rmmod after the hotplug ($UNLOAD_ERR)"
fi
tap_done
