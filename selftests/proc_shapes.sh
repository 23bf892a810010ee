#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The /proc-shaped files of the page allocator against Debian 6.1's real
# ones (reference/, 2 nodes, 2 CPUs), after a workload that leaves the free
# lists fragmented.  Each shape check runs on the reference file too, so a
# check cannot be looser or stricter than the kernel's own output:
#
#   buddyinfo      "Node N, zone %8s" then eleven "%6lu " fields; and the
#                  blocks add up to zoneinfo's free pages, zone by zone
#   pagetypeinfo   the same header lines; free-count lines "Node %4d, zone
#                  %8s, type %12s" + eleven "%6lu "; the "Number of blocks
#                  type" header and its "%12lu " lines; type names the
#                  reference's
#   extfrag/*      "Node N, zone %8s" then eleven "%d.%03d " indices
#   vmstat         the reference's names in its order (altmm_* lines after)
#   meminfo        the reference's keys in its order, each "key value kB"
#                  line as long as the reference's (the fixed widths)

. "$(dirname "$0")/lib.sh"

require_altmm
tap_plan 8

altmm_load_or_bail

# A workload: blocks of several orders and types, half of them freed.
for o in 0 1 3 5; do
	ctl "alloc tag=s$o order=$o count=200 gfp=GFP_KERNEL"
	ctl "alloc tag=m$o order=$o count=200 gfp=GFP_HIGHUSER_MOVABLE"
	ctl "free tag=s$o count=100"
done
ctl "alloc tag=r order=2 count=100 gfp=GFP_KERNEL|__GFP_RECLAIMABLE"
ctl drain

# zone_field_ok: awk predicate text: the 8 characters after "zone " are a
# zone name right-aligned, as "%8s" prints it.
ZONE_AWK='function zone_ok(s,   f) {
	f = substr(s, index(s, "zone ") + 5, 8)
	return f ~ /^ *(DMA|DMA32|Normal|HighMem|Movable|Device)$/ && length(f) == 8
}'

# check_lines FILE AWK_CONDITION: every line of FILE that starts with "Node"
# satisfies the condition; prints the first that does not.
check_lines()
{
	awk "$ZONE_AWK"'
	/^Node/ { if (!('"$2"')) { print "bad: " $0; bad = 1; exit } n++ }
	END { if (!n) print "no Node lines"; exit (bad || !n) }' "$1"
}

# buddyinfo
# shellcheck disable=SC2016 # awk code, expanded by awk
BUDDY_OK='zone_ok($0) && substr($0, index($0, "zone ") + 13) ~ /^ ( {0,5}[0-9]{1,6} ){11}$/'
out=$(check_lines "$REFERENCE_DIR/proc-buddyinfo.txt" "$BUDDY_OK" &&
	check_lines "$ALTMM_DEBUGFS/buddyinfo" "$BUDDY_OK")
tap_check $? "buddyinfo: \"%8s\" zone names and eleven \"%6lu \" fields, as the reference $out"

# The blocks of each zone add up to its free pages in zoneinfo.
bad=$(awk -v zi="$ALTMM_DEBUGFS/zoneinfo" '
	BEGIN {
		while ((getline l < zi) > 0) {
			if (l ~ /^Node [0-9]+, zone /) { split(l, w, /[ ,]+/); key = w[2] " " w[4] }
			else if (l ~ /^  pages free/) { split(l, w, / +/); free[key] = w[4] }
		}
	}
	/^Node/ {
		n = $2; sub(",", "", n); key = n " " $4; sum = 0; p = 1
		for (o = 0; o < 11; o++) { sum += $(5 + o) * p; p *= 2 }
		if (sum != free[key]) { print key ": " sum " in blocks, zoneinfo free " free[key]; exit }
		zones++
	}
	END { if (!zones) print "no zone checked" }' "$ALTMM_DEBUGFS/buddyinfo" 2>&1)
[ -z "$bad" ]
tap_check $? "buddyinfo: the blocks of every zone add up to its free pages in zoneinfo $bad"

# pagetypeinfo: the header lines, both kinds of lines, the type names.
# shellcheck disable=SC2016
PT_FREE='$0 ~ /, type / ? (zone_ok($0) && $0 ~ /^Node +[0-9]+, zone +[A-Za-z0-9]+, type +[A-Za-z]+( +[0-9]+ ){11}$/ && $0 ~ /^Node {1,4}[0-9]+, / && substr($0, index($0, "type ") + 5, 12) ~ /^ *[A-Za-z]+$/) : ($0 ~ /^Node [0-9]+, zone +[A-Za-z0-9]+( +[0-9]+ ){5}$/ && zone_ok($0))'
ok=0
for f in "$REFERENCE_DIR/proc-pagetypeinfo.txt" "$ALTMM_DEBUGFS/pagetypeinfo"; do
	check_lines "$f" "$PT_FREE" >/dev/null || ok=1
done
ref_head=$(sed -n '1,4p' "$REFERENCE_DIR/proc-pagetypeinfo.txt")
our_head=$(sed -n '1,4p' "$ALTMM_DEBUGFS/pagetypeinfo")
[ "$ref_head" = "$our_head" ] || ok=1
ref_blocks=$(grep -m 1 '^Number of blocks type' "$REFERENCE_DIR/proc-pagetypeinfo.txt")
grep -qxF "$ref_blocks" "$ALTMM_DEBUGFS/pagetypeinfo" || ok=1
types=$(awk -F'type +' '/, type /{ split($2, t, / +/); print t[1] }' "$ALTMM_DEBUGFS/pagetypeinfo" | sort -u | tr '\n' ' ')
ref_types=$(awk -F'type +' '/, type /{ split($2, t, / +/); print t[1] }' "$REFERENCE_DIR/proc-pagetypeinfo.txt" | sort -u | tr '\n' ' ')
[ "$types" = "$ref_types" ] || ok=1
tap_check $ok "pagetypeinfo: the reference's headers, line formats and type names ($types)"

# extfrag: eleven "%d.%03d " values; unusable in 0..1, extfrag -1 or 0..1.
# shellcheck disable=SC2016
EXT_OK='zone_ok($0) && substr($0, index($0, "zone ") + 13) ~ /^( -?[0-9]+\.[0-9][0-9][0-9]){11} $/'
ok=0
for f in "$REFERENCE_DIR/debugfs-extfrag-unusable_index.txt" "$ALTMM_DEBUGFS/extfrag/unusable_index" \
	 "$REFERENCE_DIR/debugfs-extfrag-extfrag_index.txt" "$ALTMM_DEBUGFS/extfrag/extfrag_index"; do
	check_lines "$f" "$EXT_OK" >/dev/null || { tap_diag "$f"; ok=1; }
done
tap_check $ok "extfrag/unusable_index and extfrag_index: eleven \"%d.%03d \" values per zone"

# vmstat: the reference's names, in its order, then altmm's own.
ours=$(awk '$1 !~ /^altmm_/ { print $1 }' "$ALTMM_DEBUGFS/vmstat" | tr '\n' ' ')
ref=$(awk '{ print $1 }' "$REFERENCE_DIR/proc-vmstat.txt" | tr '\n' ' ')
[ "$ours" = "$ref" ] && awk 'NF != 2 || $2 !~ /^[0-9]+$/ { exit 1 }' "$ALTMM_DEBUGFS/vmstat"
tap_check $? "vmstat: the reference's $(echo "$ref" | wc -w) names in its order, \"name value\" lines"

# meminfo: the reference's keys in order; every line as long as the
# reference's line of the same key (16-column keys, 8-column values),
# where both values fit the 8 columns.
bad=$(awk -v ref="$REFERENCE_DIR/proc-meminfo.txt" '
	function value(l,   w) { split(l, w, /: */); sub(/ .*/, "", w[2]); return w[2] }
	BEGIN {
		while ((getline l < ref) > 0) {
			split(l, w, ":"); k[++n] = w[1]; len[w[1]] = length(l); rv[w[1]] = value(l)
		}
	}
	$1 ~ /^Altmm/ { next }
	{ split($0, w, ":"); i++
	  if (w[1] != k[i]) { print "key " i ": " w[1] ", reference " k[i]; bad = 1; exit }
	  if (length(value($0)) <= 8 && length(rv[w[1]]) <= 8 && length($0) != len[w[1]]) {
		print w[1] ": " length($0) " columns, reference " len[w[1]]; bad = 1; exit } }
	END { if (!bad && i != n) print i " keys, reference " n }' "$ALTMM_DEBUGFS/meminfo" 2>&1)
[ -z "$bad" ]
tap_check $? "meminfo: the reference's keys in its order, each line in its widths $bad"

ctl_free_all()
{
	for t in $(ctl_rows | awk '{ print $1 }' | sort -u); do
		ctl "free tag=$t"
	done
}
ctl_free_all
if altmm_unload; then
	tap_ok "rmmod"
else
	tap_fail "rmmod ($UNLOAD_ERR)"
fi
tap_done
