#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The debugfs files of altmm.ko have the shape of their Linux 6.1
# counterparts, for a range of layouts.
#
#   zoneinfo   every line, with each run of digits replaced by "#" and the
#              zone name of a block header ignored, is a line shape of
#              reference/proc-zoneinfo.txt (Debian 6.1, 2 nodes, 2 CPUs).
#              The protection list has one entry per zone: altmm has 6
#              zones (with HighMem) where x86-64 has 5, so the list is
#              compared whatever its length, and its length is checked
#              against the 6 zones separately.
#   zoneinfo   the keys of each zone block come in the reference's order:
#              an empty zone has exactly the keys of an empty zone; a
#              populated one (present > 0) a subsequence of the reference's
#              keys, with all of those /proc/zoneinfo prints whatever the
#              statistics (pages free .. protection, pagesets, cpu entries,
#              node_unreclaimable, start_pfn).
#   memblock   memory and reserved: "%4d: %pa..%pa" lines, numbered 0, 1, ..
#   layout     "Zone ranges:", "Movable zone start for each node", "Early
#              memory node ranges" in that order, each followed by lines in
#              the format of mm/page_alloc.c's boot messages, with a node
#              range for every node.

. "$(dirname "$0")/lib.sh"

LAYOUTS='defaults
nodes=1
nodes=4 arena_mb=512
arena_mb=256 nodes=2 holes=8M@64M highmem_mb=192 movablecore=32M device_mb=8'
STEPS=6
REF=$REFERENCE_DIR/proc-zoneinfo.txt

require_altmm
[ -f "$REF" ] || skip_all "$REF is missing"

NL='
'
n=0
IFS=$NL
for _ in $LAYOUTS; do
	n=$((n + STEPS))
done
unset IFS
tap_plan $n

# The normalisation of both files: digit runs become "#", a block header
# loses its zone name, a protection list of any length becomes "(#...)".
AWK_NORM='
function norm(s) {
	if (s ~ /^Node [0-9]+, zone +[A-Za-z0-9]+$/)
		return "Node #, zone Z"
	gsub(/[0-9]+/, "#", s)
	gsub(/\(#(, #)*\)/, "(#...)", s)
	return s
}
function key(s) {
	s = norm(s)
	sub(/\(#\.\.\.\)$/, "", s)
	gsub(/#/, "", s)
	sub(/^ +/, "", s)
	sub(/ +$/, "", s)
	return s
}'

check_zoneinfo_lines()
{
	awk "$AWK_NORM"'
	FNR == NR { shape[norm($0)] = 1; next }
	!(norm($0) in shape) {
		if (++bad <= 10)
			printf "# line %d has no counterpart in 6.1: \"%s\"\n", FNR, $0
	}
	/protection: \(/ {
		p = $0; sub(/.*\(/, "", p); sub(/\).*/, "", p)
		if (split(p, a, ",") != nzones && ++bad <= 10)
			printf "# line %d: protection has %d entries, not %d\n", FNR, split(p, a, ","), nzones
	}
	END { exit bad > 0 }' nzones="$ALTMM_NR_ZONES" "$REF" "$1"
}

check_zoneinfo_keys()
{
	awk "$AWK_NORM"'
	BEGIN {
		split("pages free,boost,min,low,high,spanned,present,managed,cma," \
		      "protection:,pagesets,cpu:,count:,high:,batch:," \
		      "vm stats threshold:,node_unreclaimable:,start_pfn:", r, ",")
		for (i in r)
			required[r[i]] = 1
	}
	# Collect the unique keys of each block of a file, in order.
	function flush(   i, k, pos, last, missing) {
		if (hdr == "")
			return
		populated = present > 0
		if (inref) {
			# The reference: the longest block of each kind wins.
			if (nk > nref[populated]) {
				nref[populated] = nk
				for (i = 1; i <= nk; i++) {
					ref[populated, i] = keys[i]
					refpos[populated, keys[i]] = i
				}
			}
		} else if (!populated) {
			s = t = ""
			for (i = 1; i <= nk; i++) s = s "|" keys[i]
			for (i = 1; i <= nref[0]; i++) t = t "|" ref[0, i]
			if (s != t && ++bad <= 10)
				printf "# %s (empty): keys %s, 6.1 has %s\n", hdr, s, t
		} else {
			last = 0
			for (i = 1; i <= nk; i++) {
				pos = refpos[1, keys[i]]
				if (!pos) {
					if (++bad <= 10)
						printf "# %s: key \"%s\" is not in 6.1\n", hdr, keys[i]
				} else if (pos < last) {
					if (++bad <= 10)
						printf "# %s: key \"%s\" is out of order\n", hdr, keys[i]
				} else {
					last = pos
				}
				have[keys[i]] = 1
			}
			missing = ""
			for (k in required)
				if (!(k in have))
					missing = missing " \"" k "\""
			if (missing != "" && ++bad <= 10)
				printf "# %s: missing%s\n", hdr, missing
			for (k in have)
				delete have[k]
		}
	}
	FNR == 1 { flush(); hdr = "" }
	/^Node / {
		flush()
		hdr = $0; nk = 0; present = 0; inref = FNR == NR
		for (k in seen)
			delete seen[k]
		next
	}
	{
		k = key($0)
		if ($1 == "present")
			present = $2
		if (!(k in seen)) {
			seen[k] = 1
			keys[++nk] = k
		}
	}
	END { flush(); exit bad > 0 }' "$REF" "$1"
}

check_memblock()
{
	local f rc=0

	for f in "$ALTMM_DEBUGFS/memblock/memory" "$ALTMM_DEBUGFS/memblock/reserved"; do
		if grep -Evq '^ *[0-9]+: 0x[0-9a-f]{16}\.\.0x[0-9a-f]{16}$' "$f"; then
			tap_diag "$f: lines not in the %4d: %pa..%pa format:"
			tap_diag "$(grep -Ev '^ *[0-9]+: 0x[0-9a-f]{16}\.\.0x[0-9a-f]{16}$' "$f" | head -n 5)"
			rc=1
		fi
		if ! awk '{ sub(":", "", $1) } $1 != NR - 1 { exit 1 }' "$f"; then
			tap_diag "$f: regions are not numbered 0, 1, 2 ..."
			rc=1
		fi
	done
	return $rc
}

check_layout()
{
	awk -v nodes="$2" '
	BEGIN {
		rx["zones"] = "^  (DMA     |DMA32   |Normal  |HighMem |Movable |Device  ) " \
			"(empty|\\[mem 0x[0-9a-f]{16}-0x[0-9a-f]{16}\\])$"
		rx["movable"] = "^  Node [0-9]+: 0x[0-9a-f]{16}$"
		rx["nodes"] = "^  node +[0-9]+: \\[mem 0x[0-9a-f]{16}-0x[0-9a-f]{16}\\]$"
	}
	$0 == "Zone ranges:" { sec = "zones"; order = order " zones"; next }
	$0 == "Movable zone start for each node" { sec = "movable"; order = order " movable"; next }
	$0 == "Early memory node ranges" { sec = "nodes"; order = order " nodes"; next }
	/^[^ ]/ { sec = ""; next }
	sec != "" && $0 !~ rx[sec] {
		if (++bad <= 10)
			printf "# line %d (%s section) not in the 6.1 format: \"%s\"\n", NR, sec, $0
		next
	}
	sec == "zones" && $0 ~ /^  DMA / { dma = 1 }
	sec == "nodes" { n = $2; sub(":", "", n); node[n] = 1 }
	END {
		if (order != " zones movable nodes") {
			printf "# sections in the order:%s\n", order
			bad++
		}
		if (!dma) {
			print "# no DMA line under Zone ranges"
			bad++
		}
		for (i = 0; i < nodes; i++)
			if (!(i in node)) {
				printf "# no range of node %d\n", i
				bad++
			}
		exit bad > 0
	}' "$1"
}

IFS=$NL
for layout in $LAYOUTS; do
	unset IFS
	# The parameters of the layout become "$@", split on purpose.
	# shellcheck disable=SC2086
	if [ "$layout" = defaults ]; then set --; else set -- $layout; fi
	nodes=$(param_value nodes 2 "$@")
	d=$ALTMM_DEBUGFS

	altmm_load "$@"
	if [ "$LOAD_RC" -ne 0 ]; then
		tap_diag "$LOAD_ERR"
		tap_diag "$(log_since_mark)"
		tap_fail "$layout: loads"
		altmm_unload_quiet
		i=2
		while [ $i -le $STEPS ]; do
			tap_skip "$layout: step $i" "altmm did not load"
			i=$((i + 1))
		done
		continue
	fi
	tap_ok "$layout: loads"

	check_zoneinfo_lines "$d/zoneinfo"
	tap_check $? "$layout: zoneinfo lines have the shapes of 6.1's /proc/zoneinfo"

	check_zoneinfo_keys "$d/zoneinfo"
	tap_check $? "$layout: zoneinfo keys come in 6.1's order"

	check_memblock
	tap_check $? "$layout: memblock/memory and memblock/reserved in memblock's debugfs format"

	check_layout "$d/layout" "$nodes"
	tap_check $? "$layout: layout has 6.1's zone ranges, movable starts and node ranges"

	[ "$(head -n 1 "$d/sections" | tr -d '[:space:]')" != "" ] &&
		[ "$(wc -l <"$d/sections")" -ge 2 ]
	tap_check $? "$layout: sections has a header and at least one section"

	altmm_unload_quiet
done
unset IFS

tap_done
