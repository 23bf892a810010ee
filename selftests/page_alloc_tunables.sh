#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The vm/ tunables of altmm.ko (module/tunables.c) read and write like
# 6.1's /proc/sys/vm files, and the watermarks, lowmem reserves and per-CPU
# list limits in zoneinfo follow 6.1's formulas, computed here from the
# zones' managed pages and the tunables (never from copied figures):
#
#   pages_min = min_free_kbytes / 4, shared by the non-highmem zones:
#     min  = pages_min * managed / lowmem_managed  (highmem: managed/1024
#            clamped to 32..128)
#     step = max(pages_min * managed / lowmem_managed / 4,
#                managed * watermark_scale_factor / 10000)
#     low  = min + step, high = low + step
#   protection[j] of zone i = managed of the node's zones i+1..j
#                             / lowmem_reserve_ratio[i] (0 if the ratio is 0
#                             or zone i has no managed pages)
#   pcp high = max((fraction ? managed / fraction : low) / CPUs of the node,
#                  4 * batch)
#
#   - reading: each file is its values, tab-separated, and a newline;
#   - the dirty_* files read 6.1's defaults (10, 20, 3000, 500);
#   - the figures at load match the formulas;
#   - writing watermark_scale_factor, min_free_kbytes (also in hex),
#     lowmem_reserve_ratio (in part, and with values below 1 turned into 0)
#     and percpu_pagelist_high_fraction changes zoneinfo as the formulas say,
#     and writing watermark_scale_factor leaves min_free_kbytes alone;
#   - junk (not a number, trailing characters, out of range, too many or no
#     values) is refused with EINVAL and a log line, and changes nothing;
#   - two writers at once leave a state the formulas explain.

. "$(dirname "$0")/lib.sh"

VM=$ALTMM_DEBUGFS/vm
TAB=$(printf '\t')

# "<file>;<value>" pairs that must be refused.
BAD='
min_free_kbytes;abc
min_free_kbytes;12abc
min_free_kbytes;-1
min_free_kbytes;
min_free_kbytes;1 2
min_free_kbytes;+5
min_free_kbytes;99999999999
min_free_kbytes;0x
min_free_kbytes;1.5
min_free_kbytes;08
watermark_scale_factor;0
watermark_scale_factor;3001
watermark_scale_factor;-10
watermark_scale_factor;ten
lowmem_reserve_ratio;1 2 3 4 5 6 7
lowmem_reserve_ratio;256 x
lowmem_reserve_ratio;
lowmem_reserve_ratio;256,256
percpu_pagelist_high_fraction;7
percpu_pagelist_high_fraction;1
percpu_pagelist_high_fraction;-8
percpu_pagelist_high_fraction;8x
swappiness;201
swappiness;-1
swappiness;sixty
dirty_ratio;101
dirty_ratio;-1
dirty_background_ratio;101
dirty_background_ratio;ten
dirty_expire_centisecs;-1
dirty_writeback_centisecs;-5
dirty_writeback_centisecs;1 2
extfrag_threshold;1001
extfrag_threshold;-1
compaction_proactiveness;101
watermark_boost_factor;-1
watermark_boost_factor;2147483648
compaction_proactiveness;-1
'

NL='
'
nbad=0
IFS=$NL
for _ in $BAD; do
	nbad=$((nbad + 1))
done
unset IFS

require_altmm
tap_plan $((1 + 4 + 1 + 8 + nbad + 2))

# tunable NAME: the value(s) of vm/NAME, tabs kept.
tunable()
{
	cat "$VM/$1"
}

# check_wmarks: every zone's min/low/high in zoneinfo as the formula says
# (zoneinfo's figures include the zone's boost, which its "boost" line shows).
# shellcheck disable=SC2317 # called by check_all
check_wmarks()
{
	awk -v mfk="$(tunable min_free_kbytes)" -v wsf="$(tunable watermark_scale_factor)" '
	function flush() {
		if (zone == "")
			return
		nz++; Z[nz] = zone; M[nz] = managed; MIN[nz] = mn; LOW[nz] = lo; HIGH[nz] = hi
		if (zone != "HighMem")
			lowmem += managed
	}
	/^Node [0-9]+, zone / { flush(); zone = $2 " " $4; sub(",", "", zone); managed = 0; next }
	$1 == "boost" { b = $2 }
	$1 == "min" { mn = $2 - b } $1 == "low" { lo = $2 - b } $1 == "high" { hi = $2 - b }
	$1 == "managed" { managed = $2 }
	END {
		flush()
		pmin = int(mfk / 4)
		for (i = 1; i <= nz; i++) {
			tmp = lowmem ? int(pmin * M[i] / lowmem) : 0
			if (Z[i] ~ / HighMem$/) {
				m = int(M[i] / 1024)
				m = m < 32 ? 32 : m > 128 ? 128 : m
			} else {
				m = tmp
			}
			step = int(tmp / 4)
			s2 = int(M[i] * wsf / 10000)
			if (s2 > step)
				step = s2
			if (MIN[i] != m || LOW[i] != m + step || HIGH[i] != m + 2 * step) {
				printf "# node %s: min/low/high %d/%d/%d, expected %d/%d/%d (managed %d)\n", \
					Z[i], MIN[i], LOW[i], HIGH[i], m, m + step, m + 2 * step, M[i]
				bad++
			}
		}
		exit bad > 0
	}' "$ALTMM_DEBUGFS/zoneinfo"
}

# check_protection: every zone's protection list as the formula says.
# shellcheck disable=SC2317 # called by check_all
check_protection()
{
	awk -v ratios="$(tunable lowmem_reserve_ratio)" '
	function flush() {
		if (zone == "")
			return
		nz++; N[nz] = node; Z[nz] = zone; M[nz] = managed; P[nz] = prot
	}
	/^Node [0-9]+, zone / { flush(); node = $2; sub(",", "", node); zone = $4; managed = 0; next }
	$1 == "managed" { managed = $2 }
	$1 == "protection:" { prot = $0; sub(/^.*\(/, "", prot); sub(/\).*$/, "", prot); gsub(",", "", prot) }
	END {
		flush()
		nr = split(ratios, R, /[ \t]+/)
		# Zone blocks come node by node, nr zone types each.
		for (i = 1; i <= nz; i++) {
			t = (i - 1) % nr
			base = i - t
			want = ""
			upper = 0
			for (j = 0; j < nr; j++) {
				if (j > t)
					upper += M[base + j]
				v = (j <= t || R[t + 1] == 0 || M[i] == 0) ? 0 : int(upper / R[t + 1])
				want = want (j ? " " : "") v
			}
			if (P[i] != want) {
				printf "# node %s %s: protection (%s), expected (%s)\n", N[i], Z[i], P[i], want
				bad++
			}
		}
		exit bad > 0
	}' "$ALTMM_DEBUGFS/zoneinfo"
}

# check_pcp_high: every CPU's pcp high of every managed zone as the
# formula says; CPUs of a node from the layout file's "CPU to node:".
# shellcheck disable=SC2317 # called by check_all
check_pcp_high()
{
	local map

	map=$(sed -n 's/^CPU to node: //p' "$ALTMM_DEBUGFS/layout")
	awk -v frac="$(tunable percpu_pagelist_high_fraction)" -v map="$map" \
		-v ncpus="$(grep -c '^processor' /proc/cpuinfo)" '
	BEGIN {
		n = split(map, C, " ")
		for (i = 1; i <= n; i++) {
			split(C[i], cn, ":")
			if (cn[1] < ncpus)
				cpus[cn[2]]++
		}
	}
	/^Node [0-9]+, zone / { node = $2; sub(",", "", node); zone = $4; next }
	$1 == "low" { low = $2 }
	$1 == "managed" { managed = $2 }
	$1 == "high:" { high = $2 }
	$1 == "batch:" {
		split_ = cpus[node] ? cpus[node] : ncpus
		total = frac ? int(managed / frac) : low
		want = int(total / split_)
		if (want < 4 * $2)
			want = 4 * $2
		if (high != want) {
			printf "# node %s %s: pcp high %d, expected %d (batch %d, managed %d, low %d)\n", \
				node, zone, high, want, $2, managed, low
			bad++
		}
	}
	END { exit bad > 0 }' "$ALTMM_DEBUGFS/zoneinfo"
}

check_all()
{
	local rc=0 out

	for c in check_wmarks check_protection check_pcp_high; do
		out=$($c) || { tap_diag "$c:"; tap_diag "$(echo "$out" | sed 's/^# //')"; rc=1; }
	done
	return $rc
}

# What the tunables decide, as zoneinfo shows it.
derived()
{
	grep -E '^ +(min|low|high|protection:|high:|batch:) ' "$ALTMM_DEBUGFS/zoneinfo"
}

# set_tunable NAME VALUE EXPECTED: write, read back EXPECTED, check_all.
set_tunable()
{
	local rc=0

	kmsg_mark "vm/$1 = $2"
	write_file "$VM/$1" "$2" || { tap_diag "the write returned $WRITE_ERR"; rc=1; }
	[ "$(tunable "$1")" = "$3" ] || { tap_diag "vm/$1 reads '$(tunable "$1")', expected '$3'"; rc=1; }
	check_all || rc=1
	tap_check $rc "vm/$1 = $2: reads back '$3', zoneinfo follows the formulas"
}

altmm_load_or_bail

# === Reading ===

rc=0
VM_FILES='min_free_kbytes watermark_scale_factor lowmem_reserve_ratio
percpu_pagelist_high_fraction page_group_by_mobility_disabled swappiness
dirty_background_ratio dirty_ratio dirty_expire_centisecs
dirty_writeback_centisecs watermark_boost_factor compaction_proactiveness
extfrag_threshold'
for f in $VM_FILES; do
	perm=$(stat -c %a "$VM/$f" 2>&1)
	[ "$perm" = 644 ] || { tap_diag "$f: mode $perm"; rc=1; }
	[ "$(tail -c 1 "$VM/$f" | od -An -tx1 | tr -d ' ')" = 0a ] ||
		{ tap_diag "$f does not end in a newline"; rc=1; }
done
[ "$(stat -c %a "$VM/compact_memory" 2>&1)" = 200 ] || { tap_diag "compact_memory is not 0200"; rc=1; }
tap_check $rc "vm/ has its thirteen tunables, 0644, each ending in a newline, and compact_memory, 0200"

got="$(tunable dirty_background_ratio) $(tunable dirty_ratio) $(tunable dirty_expire_centisecs) $(tunable dirty_writeback_centisecs)"
[ "$got" = "10 20 3000 500" ]
tap_check $? "the dirty_* files read 6.1's defaults 10 20 3000 500 (read: $got)"
got="$(tunable extfrag_threshold) $(tunable compaction_proactiveness) $(tunable watermark_boost_factor)"
[ "$got" = "500 20 15000" ]
tap_check $? "extfrag_threshold, compaction_proactiveness and watermark_boost_factor read 6.1's defaults 500 20 15000 (read: $got)"

rc=0
want_ratio="256${TAB}256${TAB}32${TAB}0${TAB}0${TAB}0"
[ "$(tunable lowmem_reserve_ratio)" = "$want_ratio" ] ||
	{ tap_diag "lowmem_reserve_ratio: '$(tunable lowmem_reserve_ratio)'"; rc=1; }
[ "$(tunable watermark_scale_factor)" = 10 ] || rc=1
[ "$(tunable percpu_pagelist_high_fraction)" = 0 ] || rc=1
mfk=$(tunable min_free_kbytes)
case "$mfk" in
'' | *[!0-9]*) rc=1 ;;
*) [ "$mfk" -ge 128 ] && [ "$mfk" -le 262144 ] || rc=1 ;;
esac
tap_diag "at load: min_free_kbytes $mfk, watermark_scale_factor $(tunable watermark_scale_factor), lowmem_reserve_ratio '$(tunable lowmem_reserve_ratio)', percpu_pagelist_high_fraction $(tunable percpu_pagelist_high_fraction)"
tap_check $rc "at load: 6.1's defaults (ratios tab-separated, min_free_kbytes in 128..262144)"

rc=0
check_all || rc=1
tap_check $rc "at load: watermarks, protection and pcp high follow the formulas"

# === Writing ===

set_tunable watermark_scale_factor 200 200
rc=0
[ "$(tunable min_free_kbytes)" = "$mfk" ] ||
	{ tap_diag "min_free_kbytes was $mfk, is $(tunable min_free_kbytes)"; rc=1; }
tap_check $rc "writing watermark_scale_factor leaves min_free_kbytes at $mfk"
set_tunable min_free_kbytes 8192 8192
set_tunable min_free_kbytes 0x1000 4096
set_tunable lowmem_reserve_ratio "128 64 16" "128${TAB}64${TAB}16${TAB}0${TAB}0${TAB}0"
set_tunable lowmem_reserve_ratio "-5 0 32 0 0 0" "0${TAB}0${TAB}32${TAB}0${TAB}0${TAB}0"
set_tunable percpu_pagelist_high_fraction 8 8
rc=0
write_file "$VM/percpu_pagelist_high_fraction" 0 || rc=1
write_file "$VM/lowmem_reserve_ratio" "256 256 32 0 0 0" || rc=1
write_file "$VM/watermark_scale_factor" 10 || rc=1
check_all || rc=1
tap_check $rc "back to fraction 0, ratios 256 256 32 0 0 0, scale factor 10"

# === Junk ===

IFS=$NL
for c in $BAD; do
	unset IFS
	f=${c%%;*}
	v=${c#*;}
	old=$(tunable "$f")
	old_derived=$(derived)
	kmsg_mark "bad: vm/$f = '$v'"
	write_file "$VM/$f" "$v"
	rc=0
	[ "$WRITE_ERR" = EINVAL ] || { tap_diag "the write returned $WRITE_ERR"; rc=1; }
	check_log_has "^altmm: vm/$f: write refused: " "vm/$f" || rc=1
	[ "$(tunable "$f")" = "$old" ] || { tap_diag "vm/$f was '$old', is '$(tunable "$f")'"; rc=1; }
	[ "$(derived)" = "$old_derived" ] || { tap_diag "zoneinfo changed"; rc=1; }
	tap_check $rc "vm/$f = '$v': EINVAL, logged, nothing changed"
	IFS=$NL
done
unset IFS

# === Two writers ===

kmsg_mark "two writers"
(
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		echo $((2048 + i * 128)) >"$VM/min_free_kbytes"
	done
) &
p1=$!
(
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		echo $((i * 50)) >"$VM/watermark_scale_factor"
		echo "$((i * 10)) 256 32" >"$VM/lowmem_reserve_ratio"
	done
) &
p2=$!
rc=0
wait $p1 || rc=1
wait $p2 || rc=1
[ "$(tunable min_free_kbytes)" = $((2048 + 20 * 128)) ] || rc=1
[ "$(tunable watermark_scale_factor)" = 1000 ] || rc=1
check_all || rc=1
check_log_clean "two writers" || rc=1
tap_check $rc "two concurrent writers: the last values hold, zoneinfo follows them"

rc=0
altmm_unload || { tap_diag "unload: $UNLOAD_ERR"; rc=1; }
tap_check $rc "rmmod after the tunables changed"
altmm_unload_quiet

tap_done
