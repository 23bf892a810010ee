#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# memory_hotplug.sh - memory blocks offline and online through altmm's
# memory/ files (module/memory_hotplug.c), shaped like the kernel's
# /sys/devices/system/memory/, with a process living in the memory, and
# hot-remove and hot-add of a block (memory/remove, memory/probe).
#
# Checks:
#   - altmm loads with 64 MiB, 16 MiB of it ZONE_MOVABLE (two sections
#     per node of the default two);
#   - block_size_bytes is the section size in hex; there is one memoryN/
#     per present memory section, with the kernel's formats: phys_index
#     %08lx of N, state online, removable 1, phys_device 0, valid_zones
#     the section's zone (from the sections file);
#   - usermem_prog hotplug: 16 MiB in use, checked and rewritten between
#     steps by the process and without pause by a child; six rounds each
#     take up to four blocks offline and back; every page holds what was
#     last written, every round took blocks offline and brought them back,
#     while a shell loop allocates and frees kernel pages and compacts;
#     pgmigrate_success grew;
#   - the first Movable block of a node offline: state, online_type and
#     valid_zones ("Movable <kernel zone>") say so; meminfo's MemTotal,
#     zoneinfo's present and managed lose the section and buddyinfo
#     changes; online_kernel takes it to the kernel zone below it, whose
#     present grows; offline again, valid_zones "<kernel zone> Movable",
#     and online_movable written to online_type brings it back with every
#     count as before;
#   - a kernel block inside its zone is offered its zone only, and
#     online_movable is EINVAL;
#   - remove of that block offline: its directory goes, sections says
#     absent; probe of its address brings it back offline, online_movable
#     restores MemTotal; probe of a present block is EEXIST, remove of an
#     online one EBUSY;
#   - memory0 holds the firmware page: offline is EBUSY with a log line,
#     and it stays online;
#   - no report in the kernel log through all that;
#   - bad writes to state (junk, empty, a valid word with junk after it,
#     too long), probe and remove (junk, unaligned, past the layout,
#     negative, empty, two addresses) are EINVAL with a log line naming
#     the file; a write to valid_zones fails; nothing changes;
#   - every frame is free again and altmm unloads with every page back.

. "$(dirname "$0")/lib.sh"

PROG=${USERMEM_PROG:-$(first_file "$SELFTESTS_DIR/usermem_prog" \
	"$SELFTESTS_DIR/../build/selftests/usermem_prog")}
TMP=/tmp/memory_hotplug.$$
HOTPLUG_CHECKS=4
MEM=$ALTMM_DEBUGFS/memory

require_altmm
if [ -z "$PROG" ] || [ ! -x "$PROG" ]; then
	skip_all "usermem_prog not found (set USERMEM_PROG)"
fi
tap_plan $((HOTPLUG_CHECKS + 22))
mkdir -p $TMP

altmm_load_or_bail arena_mb=64 movablecore=16M
free0=$(vmstat_get nr_free_pages)

# The present memory sections, "nr nid zone", from the sections file.
awk '$4 == "present" { print $1, $2, $3 }' "$ALTMM_DEBUGFS/sections" >$TMP/sections

[ "$(cat "$MEM/block_size_bytes")" = 400000 ]
tap_check $? "block_size_bytes is 400000 ($(cat "$MEM/block_size_bytes"))"

rc=0
n=0
while read -r nr nid zone; do
	d=$MEM/memory$nr
	n=$((n + 1))
	if [ "$(cat "$d/phys_index")" != "$(printf %08x "$nr")" ] ||
	   [ "$(cat "$d/state")" != online ] || [ "$(cat "$d/removable")" != 1 ] ||
	   [ "$(cat "$d/phys_device")" != 0 ]; then
		tap_diag "memory$nr: phys_index $(cat "$d/phys_index") state $(cat "$d/state")"
		rc=1
	fi
done <$TMP/sections
[ "$(ls "$MEM" | grep -c '^memory[0-9]')" -eq "$n" ] || rc=1
tap_check $rc "one memoryN/ per present section ($n), in the kernel's formats"

rc=0
while read -r nr nid zone; do
	vz=$(cat "$MEM/memory$nr/valid_zones")
	[ "$vz" = "$zone" ] || { tap_diag "memory$nr: valid_zones '$vz', zone $zone"; rc=1; }
done <$TMP/sections
tap_check $rc "valid_zones of an online block is its zone"

kmsg_mark "hotplug"
success=$(vmstat_get pgmigrate_success)
# Beside it, kernel allocations come and go and compaction runs: offline
# races with per-CPU lists, the allocator and compaction's scanners.
(
	n=0
	while [ ! -e $TMP/stop ]; do
		ctl "alloc tag=churn order=0 count=256 gfp=GFP_KERNEL|__GFP_NOWARN"
		ctl "alloc tag=churn order=3 count=8 gfp=GFP_HIGHUSER_MOVABLE|__GFP_NOWARN"
		echo 1 >"$ALTMM_DEBUGFS/vm/compact_memory"
		ctl "free tag=churn"
		n=$((n + 1))
		echo $n >$TMP/churn
	done
) >/dev/null 2>&1 &
churn=$!
run_prog hotplug $HOTPLUG_CHECKS hotplug 16 6 4
touch $TMP/stop
wait $churn
tap_diag "churn: $(cat $TMP/churn 2>/dev/null || echo 0) rounds of kernel allocations and compaction beside it"
moved=$(( $(vmstat_get pgmigrate_success) - success ))
[ "$moved" -gt 0 ]
tap_check $? "pgmigrate_success grew (+$moved)"

# The first Movable block of a node (the last holds the boot allocator's
# metadata): offline, the counts; to the kernel zone below it and back.
total0=$(awk '$1 == "MemTotal:" { print $2 }' "$ALTMM_DEBUGFS/meminfo")
ctl drain
buddy0=$(buddyinfo_snapshot)
mov=
rc=1
for nr in $(awk '$3 == "Movable" { print $1 }' $TMP/sections); do
	nid=$(awk -v n="$nr" '$1 == n { print $2 }' $TMP/sections)
	# The kernel zone below it on its node, if any.
	kz=$(awk -v n=$((nr - 1)) -v d="$nid" '$1 == n && $2 == d && $3 != "Movable" { print $3 }' \
		$TMP/sections)
	[ -n "$kz" ] || continue
	present0=$(zoneinfo_get "$nid" Movable present)
	managed0=$(zoneinfo_get "$nid" Movable managed)
	kpresent0=$(zoneinfo_get "$nid" "$kz" present)
	if write_file "$MEM/memory$nr/state" offline; then
		mov=$nr
		rc=0
		break
	fi
	tap_diag "memory$nr: offline: $WRITE_ERR"
done
[ -n "$mov" ] && [ "$(cat "$MEM/memory$mov/state")" = offline ] &&
	[ "$(cat "$MEM/memory$mov/online_type")" = offline ] &&
	[ "$(cat "$MEM/memory$mov/valid_zones")" = "Movable $kz" ] || rc=1
tap_check $rc "memory$mov (Movable, above $kz) goes offline ($WRITE_ERR); valid_zones $(cat "$MEM/memory$mov/valid_zones")"

total=$(awk '$1 == "MemTotal:" { print $2 }' "$ALTMM_DEBUGFS/meminfo")
present=$(zoneinfo_get "$nid" Movable present)
managed=$(zoneinfo_get "$nid" Movable managed)
tap_diag "MemTotal $total0 -> $total kB, Movable present $present0 -> $present, managed $managed0 -> $managed"
ctl drain
[ "$total" -eq $((total0 - 4096)) ] && [ "$present" -eq $((present0 - 1024)) ] &&
	[ "$managed" -eq $((managed0 - 1024)) ] && [ "$(buddyinfo_snapshot)" != "$buddy0" ]
tap_check $? "MemTotal, Movable's present and managed lose one section; buddyinfo changes"

write_file "$MEM/memory$mov/state" online_kernel
rc=$?
[ "$(cat "$MEM/memory$mov/state")" = online ] &&
	[ "$(cat "$MEM/memory$mov/valid_zones")" = "$kz" ] &&
	[ "$(cat "$MEM/memory$mov/online_type")" = online_kernel ] &&
	[ "$(zoneinfo_get "$nid" "$kz" present)" -eq $((kpresent0 + 1024)) ] &&
	[ "$(zoneinfo_get "$nid" Movable present)" -eq $((present0 - 1024)) ] || rc=1
tap_check $rc "online_kernel takes memory$mov to $kz ($WRITE_ERR), whose present grows"

write_file "$MEM/memory$mov/state" offline &&
	[ "$(cat "$MEM/memory$mov/valid_zones")" = "$kz Movable" ] &&
	write_file "$MEM/memory$mov/online_type" online_movable
rc=$?
[ "$(cat "$MEM/memory$mov/state")" = online ] &&
	[ "$(cat "$MEM/memory$mov/online_type")" = online_movable ] &&
	[ "$(awk '$1 == "MemTotal:" { print $2 }' "$ALTMM_DEBUGFS/meminfo")" -eq "$total0" ] &&
	[ "$(zoneinfo_get "$nid" "$kz" present)" -eq "$kpresent0" ] &&
	[ "$(zoneinfo_get "$nid" Movable present)" -eq "$present0" ] &&
	[ "$(zoneinfo_get "$nid" Movable managed)" -eq "$managed0" ] || rc=1
tap_check $rc "offline and online_movable to online_type bring it back with every count ($WRITE_ERR)"

# A kernel block with its zone on both sides cannot go to Movable.
rc=1
inner=
for nr in $(awk -v m="$mov" -v d="$nid" '$2 == d && $3 != "Movable" && $1 < m - 1 { print $1 }' \
	    $TMP/sections); do
	write_file "$MEM/memory$nr/state" offline || continue
	inner=$nr
	vz=$(cat "$MEM/memory$nr/valid_zones")
	write_file "$MEM/memory$nr/state" online_movable
	err=$WRITE_ERR
	[ "$err" = EINVAL ] && [ "$(cat "$MEM/memory$nr/state")" = offline ] &&
		[ "$vz" = "$(awk -v n="$nr" '$1 == n { print $3 }' $TMP/sections)" ] && rc=0
	write_file "$MEM/memory$nr/state" online || rc=1
	break
done
tap_check $rc "memory$inner inside its zone: valid_zones '$vz', online_movable $err, online again"

write_file "$MEM/memory0/state" offline
err=$WRITE_ERR
rc=1
case $err in *"resource busy"*) rc=0 ;; esac
[ "$(cat "$MEM/memory0/state")" = online ] || rc=1
check_log_has "memory offlining \\[mem (0x)?0+-0x0*3fffff\\] failed due to" "memory0" || rc=1
tap_check $rc "memory0 holds the firmware page: offline is EBUSY ($err), it stays online"

# Hot-remove and hot-add: memory$mov offline goes back to the host and
# comes back by probe, offline, then online_movable.
phys=$(printf '%#x' $((mov << 22)))
write_file "$MEM/memory$mov/state" offline
rc=$?
write_file "$MEM/remove" "$phys" || rc=1
err=$WRITE_ERR
[ ! -e "$MEM/memory$mov" ] &&
	awk -v n="$mov" '$1 == n { exit $4 != "absent" }' "$ALTMM_DEBUGFS/sections" &&
	[ "$(awk '$1 == "MemTotal:" { print $2 }' "$ALTMM_DEBUGFS/meminfo")" -eq $((total0 - 4096)) ] ||
	rc=1
tap_check $rc "remove $phys: memory$mov is gone, sections says absent ($err)"

write_file "$MEM/probe" "$phys"
rc=$?
err=$WRITE_ERR
[ "$(cat "$MEM/memory$mov/state" 2>/dev/null)" = offline ] &&
	[ "$(cat "$MEM/memory$mov/phys_index")" = "$(printf %08x "$mov")" ] &&
	write_file "$MEM/memory$mov/state" online_movable &&
	[ "$(awk '$1 == "MemTotal:" { print $2 }' "$ALTMM_DEBUGFS/meminfo")" -eq "$total0" ] &&
	[ "$(zoneinfo_get "$nid" Movable present)" -eq "$present0" ] || rc=1
tap_check $rc "probe $phys: memory$mov is back offline ($err); online_movable restores MemTotal"

rc=0
write_file "$MEM/probe" "$phys"
case $WRITE_ERR in *"File exists"*) ;; *) tap_diag "probe of a present block: $WRITE_ERR"; rc=1 ;; esac
write_file "$MEM/remove" "$phys"
case $WRITE_ERR in *"resource busy"*) ;; *) tap_diag "remove of an online block: $WRITE_ERR"; rc=1 ;; esac
[ "$(cat "$MEM/memory$mov/state")" = online ] || rc=1
tap_check $rc "probe of a present block is EEXIST, remove of an online one EBUSY"

check_log_clean "hotplug"
tap_check $? "no report in the kernel log while blocks went offline and back"

kmsg_mark "bad writes"
buddy0=$(buddyinfo_snapshot)
rc=0
for bad in bogus "" "offline junk" "onlinee" \
	   "online_movable_and_then_some_more_words"; do
	write_file "$MEM/memory$mov/state" "$bad"
	if [ "$WRITE_ERR" != EINVAL ]; then
		tap_diag "'$bad': $WRITE_ERR"
		rc=1
	fi
done
[ "$(cat "$MEM/memory$mov/state")" = online ] || rc=1
check_log_has "memory/memory$mov/state: write refused" "bad state" || rc=1
tap_check $rc "bad words to state are EINVAL with a log line; the block stays online"

rc=0
for bad in junk 0x1001 "$(printf '%#x' $((4096 << 22)))" -1 "" "0x400000 0x800000"; do
	for f in probe remove; do
		write_file "$MEM/$f" "$bad"
		if [ "$WRITE_ERR" != EINVAL ]; then
			tap_diag "$f '$bad': $WRITE_ERR"
			rc=1
		fi
	done
done
check_log_has "memory/probe: write refused" "bad probe" || rc=1
check_log_has "memory/remove: write refused" "bad remove" || rc=1
tap_check $rc "probe and remove refuse what is not a block's address (EINVAL, a log line)"

write_file "$MEM/memory$mov/valid_zones" Normal
[ "$WRITE_ERR" != OK ]
tap_check $? "valid_zones cannot be written ($WRITE_ERR)"
ctl drain
check_buddyinfo_back "$buddy0" "bad writes"
tap_check $? "the bad writes changed nothing"

kmsg_mark "finish"
usermem_finish "finish" "$free0"
rm -rf $TMP
tap_done
