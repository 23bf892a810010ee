#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# altmm.ko loads and unloads with a range of layouts, and what it reports
# in debugfs adds up.
#
# For each layout, one TAP test per step:
#   loads; every debugfs file is there and non-empty; zoneinfo has the
#   6 zones of every node in order; managed <= present <= spanned in every
#   zone; the present pages of all zones but Device add up to the arena
#   minus the holes and the device memory, and the spanned pages of all
#   zones fit in the arena; sections has one line per 4 MiB section;
#   memblock/memory and the early node ranges stay out of the holes;
#   unloads; free memory comes back to within 1 MiB.
# Only invariants are asserted, never figures copied from one build.
#
# Two layouts are as large as altmm goes:
#   - arena_mb=65536, the largest it accepts, as a 4-node machine with
#     64 GiB of address space, DMA32 up to 4 GiB and 256 MiB of memory at
#     the start of each node: the rest is holes, because the VM has
#     1536 MiB and the arena is real host pages. One more test checks that
#     the sections and zones are where that layout puts them;
#   - the largest plain arena the VM holds, worked out from its free
#     memory less 128 MiB for altmm's own metadata and the host (1336 MiB
#     loaded of 1418 MiB free on 2026-12-04; 1344 did not).

. "$(dirname "$0")/lib.sh"

# One layout per line: module parameters (empty line = all defaults).
LAYOUTS='defaults
nodes=1
nodes=4 arena_mb=512
arena_mb=256 nodes=2 holes=8M@64M highmem_mb=192 movablecore=32M device_mb=8
arena_mb=65536 nodes=4 dma32_mb=4096 holes=16128M@256M,16128M@16640M,16128M@33024M,16128M@49408M'
# The 64 GiB layout: 4 nodes of 16 GiB, each with this much memory first.
BIG_NODE_MB=256
STEPS=9

require_altmm

settle
LARGEST_MB=$((($(free_kb) / 1024 - 128) / 4 * 4))
LAYOUTS="$LAYOUTS
arena_mb=$LARGEST_MB nodes=2"

NL='
'
n=0
IFS=$NL
for _ in $LAYOUTS; do
	n=$((n + STEPS))
done
unset IFS
tap_plan $((n + 1))

# skip_rest FROM LAYOUT: report the remaining steps of a layout that did
# not load as skipped; its load failure is already a failed test.
skip_rest()
{
	local i=$1

	while [ "$i" -le $STEPS ]; do
		tap_skip "$2: step $i" "altmm did not load"
		i=$((i + 1))
	done
}

# check_big_layout NODES NODE_MB DMA_MB: the 64 GiB layout, from its
# parameters: section s is present exactly when it lies in the first
# NODE_MB of its node's 16 GiB, with that node's number and the zone its
# address falls in (DMA below DMA_MB, DMA32 below 4 GiB, Normal above);
# each node has memory in those zones only, spanned = present.
check_big_layout()
{
	local nodes=$1 node_mb=$2 dma_mb=$3 d=$ALTMM_DEBUGFS rc=0 per_node

	per_node=$((65536 / nodes / 4))
	awk -v per="$per_node" -v keep=$((node_mb / 4)) -v dma=$((dma_mb / 4)) \
	    -v dma32=$((4096 / 4)) '
	NR == 1 { next }
	{
		s = $1; want_present = (s % per) < keep
		node = int(s / per)
		zone = s < dma ? "DMA" : s < dma32 ? "DMA32" : "Normal"
		if (($4 == "present") != want_present) {
			printf "# section %d is %s\n", s, $4; bad++
		} else if (want_present && ($2 != node || $3 != zone)) {
			printf "# section %d: node %s zone %s, expected node %d zone %s\n", s, $2, $3, node, zone
			bad++
		}
		n++
	}
	END {
		if (n != 65536 / 4) { printf "# %d sections, expected %d\n", n, 65536 / 4; bad++ }
		exit bad > 0
	}' "$d/sections" || rc=1

	# node zone spanned present: what must be non-empty, and with how much.
	zoneinfo_zones "$d/zoneinfo" | awk -v nodes="$nodes" -v pages=$((node_mb * 256)) \
	    -v dma=$((dma_mb * 256)) '
	BEGIN {
		want[0, "DMA"] = dma; want[0, "DMA32"] = pages - dma
		for (n = 1; n < nodes; n++)
			want[n, "Normal"] = pages
	}
	{
		w = ((($1, $2) in want) ? want[$1, $2] : 0)
		if ($3 != w || $4 != w) {
			printf "# node %s zone %s: spanned %d present %d, expected %d\n", $1, $2, $3, $4, w
			bad++
		}
	}
	END { exit bad > 0 }' || rc=1
	return $rc
}

check_present_sum()
{
	local z=$1 arena_mb=$2 holes=$3 device_mb=$4 want present spanned

	want=$(((arena_mb - holes - device_mb) * 256))
	present=$(zoneinfo_zones "$z" | awk '$2 != "Device" { n += $4 } END { print n + 0 }')
	spanned=$(zoneinfo_zones "$z" | awk '{ n += $3 } END { print n + 0 }')
	tap_diag "present $present pages (all zones but Device), expected $want; spanned $spanned of $((arena_mb * 256))"
	[ "$present" -eq "$want" ] && [ "$spanned" -le $((arena_mb * 256)) ]
}

# One line per section after the header line. Sections inside holes may be
# listed or left out, both are fine.
check_sections()
{
	local f=$1 arena_mb=$2 holes=$3 lines

	lines=$(($(wc -l <"$f") - 1))
	tap_diag "sections: $lines lines after the header; arena $((arena_mb / 4)) sections, $(((arena_mb - holes) / 4)) outside holes"
	[ "$lines" -eq $((arena_mb / 4)) ] || [ "$lines" -eq $(((arena_mb - holes) / 4)) ]
}

check_memory_ranges()
{
	local d=$1 arena_mb=$2 holes=$3 holes_mb=$4 device_mb=$5 mem nodes bytes rc=0

	mem=$(memblock_ranges "$d/memblock/memory")
	nodes=$(layout_node_ranges "$d/layout")
	check_no_overlap memblock/memory "$mem" "$(holes_ranges "$holes")" || rc=1
	check_no_overlap "layout node ranges" "$nodes" "$(holes_ranges "$holes")" || rc=1
	# Device memory may or may not be counted as memory, as in Linux
	# (where ZONE_DEVICE pages are hot-plugged later, outside memblock).
	bytes=$(echo "$mem" | ranges_bytes)
	if [ "$bytes" -ne $(((arena_mb - holes_mb) << 20)) ] &&
		[ "$bytes" -ne $(((arena_mb - holes_mb - device_mb) << 20)) ]; then
		tap_diag "memblock/memory holds $bytes bytes; arena minus holes is $(((arena_mb - holes_mb) << 20))"
		rc=1
	fi
	return $rc
}

IFS=$NL
for layout in $LAYOUTS; do
	unset IFS
	# The parameters of the layout become "$@", split on purpose.
	# shellcheck disable=SC2086
	if [ "$layout" = defaults ]; then set --; else set -- $layout; fi
	nodes=$(param_value nodes 2 "$@")
	arena_mb=$(param_value arena_mb 256 "$@")
	device_mb=$(param_value device_mb 0 "$@")
	holes=$(param_value holes "" "$@")
	holes_mb=$(holes_mb "$holes")
	d=$ALTMM_DEBUGFS

	settle
	before=$(free_kb)
	altmm_load "$@"
	if [ "$LOAD_RC" -ne 0 ]; then
		tap_diag "$LOAD_ERR"
		tap_diag "$(log_since_mark)"
		tap_fail "$layout: loads"
		altmm_unload_quiet
		skip_rest 2 "$layout"
		continue
	fi
	tap_ok "$layout: loads"

	check_files_present
	tap_check $? "$layout: debugfs files exist and are non-empty"

	check_zone_order "$d/zoneinfo" "$nodes"
	tap_check $? "$layout: zoneinfo has the $ALTMM_NR_ZONES zones of each of $nodes nodes, in order"

	check_zone_counts "$d/zoneinfo"
	tap_check $? "$layout: managed <= present <= spanned in every zone"

	check_present_sum "$d/zoneinfo" "$arena_mb" "$holes_mb" "$device_mb"
	tap_check $? "$layout: present pages add up to the arena minus holes and device memory"

	check_sections "$d/sections" "$arena_mb" "$holes_mb"
	tap_check $? "$layout: sections has one line per section"

	check_memory_ranges "$d" "$arena_mb" "$holes" "$holes_mb" "$device_mb"
	tap_check $? "$layout: memblock/memory and the node ranges stay out of the holes"

	if [ "$arena_mb" -eq 65536 ]; then
		check_big_layout "$nodes" $BIG_NODE_MB "$(param_value dma_mb 16 "$@")"
		tap_check $? "arena_mb=65536: every section and zone is where the layout puts it"
	fi

	rc=0
	altmm_unload || { tap_diag "$UNLOAD_ERR"; rc=1; }
	if altmm_loaded || [ -e "$d" ]; then
		tap_diag "altmm still in /proc/modules or $d still there"
		rc=1
	fi
	tap_check $rc "$layout: unloads"
	altmm_unload_quiet

	settle
	check_free_kept "$before" "$(free_kb)" "$layout"
	tap_check $? "$layout: free memory is back to within 1 MiB after unload"
done
unset IFS

tap_done
