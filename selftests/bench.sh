#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# altmm_bench.ko, cut short, writes complete results.
#
# Loads altmm.ko (arena_mb=512 nodes=1, as `make bench` does) and
# altmm_bench.ko with scale=1 rounds=3 frag_rounds=3, then checks the
# shape of what it wrote, never a figure's size:
#   - results: the CSV header, and one row per case x side x kept round
#     for every case of the benchmark (the scaling cases once per CPU
#     count 1..nproc), each with a positive ns/op and a positive cycles/op
#     or NA; vmalloc64k_pair may be "skipped" on altmm's side only, and
#     only when altmm.ko does not export altmm_vmalloc (a SKIP then);
#   - summary: one row per case and CPU count with positive medians and a
#     positive median ratio;
#   - frag: the three variants, rounds 0..3, whole numbers and indexes;
#   - the kernel log: the table has a line per case, nothing is
#     incomplete, and no warning or BUG;
#   - both modules unload.

. "$(dirname "$0")/lib.sh"

ROUNDS=3
FRAG_ROUNDS=3
BENCH_DEBUGFS=/sys/kernel/debug/altmm_bench
BENCH_KO=${BENCH_KO:-$(first_file /altmm/modules/altmm_bench.ko \
	"$SELFTESTS_DIR/../build/amd64/bench/altmm_bench.ko")}
# The cases of bench/altmm_bench.c, in its order.
MICRO="order0_pair order0_bulk16k order3_pair order9_pair bulk_api_1k
slab64_pair slab256_pair kmalloc64_batch64k kmalloc2k_batch64k kmalloc_mixed
vmalloc64k_pair"
SCALE="scale_order0_bulk16k scale_slab64_pair scale_spin"

require_altmm
if [ -z "$BENCH_KO" ] || [ ! -f "$BENCH_KO" ]; then
	skip_all "altmm_bench.ko not found (set BENCH_KO)"
fi
NCPU=$(grep -c '^processor' /proc/cpuinfo)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

tap_plan 12

# The expected (case, cpus) pairs, one per line.
expected_series()
{
	for c in $MICRO; do
		echo "$c 1"
	done
	for c in $SCALE; do
		n=1
		while [ $n -le "$NCPU" ]; do
			echo "$c $n"
			n=$((n + 1))
		done
	done
}

bench_unload()
{
	"$MODLOAD" -r altmm_bench >/dev/null 2>&1
}

# === Load ===

altmm_load arena_mb=512 nodes=1
tap_check $? "altmm.ko arena_mb=512 nodes=1 loads ($LOAD_ERR)"

kmsg_mark "altmm_bench.ko"
err=$("$MODLOAD" "$BENCH_KO" scale=1 rounds=$ROUNDS frag_rounds=$FRAG_ROUNDS 2>&1)
rc=$?
tap_check $rc "altmm_bench.ko scale=1 rounds=$ROUNDS frag_rounds=$FRAG_ROUNDS loads (${err:-ok})"
for f in results summary frag; do
	cat "$BENCH_DEBUGFS/$f" >"$TMP/$f" 2>/dev/null || : >"$TMP/$f"
done
log=$(log_since_mark)

# === results ===

[ "$(head -n 1 "$TMP/results")" = "case,cpus,side,round,ns_per_op,cycles_per_op" ]
tap_check $? "results: the CSV header"

has_vmalloc=0
awk '$3 == "altmm_vmalloc" { found = 1 } END { exit !found }' /proc/kallsyms &&
	has_vmalloc=1

# Rows of results, counted by "case cpus side round", must be exactly the
# expected ones; values are judged row by row.
expected_series | awk -v rounds=$ROUNDS -v has_vmalloc=$has_vmalloc '
FNR == NR {
	for (r = 1; r <= rounds; r++) {
		want[$1 " " $2 " host " r] = 1
		want[$1 " " $2 " altmm " r] = 1
	}
	next
}
FNR == 1 { next }
{
	n = split($0, f, ",")
	key = f[1] " " f[2] " " f[3] " " f[4]
	if (n != 6) { printf "# bad row: %s\n", $0; bad++; next }
	if (!(key in want)) { printf "# unexpected row: %s\n", $0; bad++; next }
	if (seen[key]++) { printf "# duplicate row: %s\n", $0; bad++; next }
	if (f[5] == "skipped" && f[1] == "vmalloc64k_pair" && f[3] == "altmm" && !has_vmalloc) {
		skipped++
		next
	}
	if (f[5] !~ /^[0-9]+\.[0-9]+$/ || f[5] + 0 <= 0) { printf "# ns/op not positive: %s\n", $0; bad++ }
	if (f[6] != "NA" && (f[6] !~ /^[0-9]+\.[0-9]+$/ || f[6] + 0 <= 0)) {
		printf "# cycles/op not positive: %s\n", $0; bad++
	}
}
END {
	for (k in want)
		if (!(k in seen)) { printf "# missing row: %s\n", k; bad++ }
	printf "skipped %d\n", skipped
	exit bad > 0
}' - "$TMP/results" >"$TMP/check"
rc=$?
grep '^#' "$TMP/check" | head -n 20
tap_check $rc "results: one row per case x side x round ($(expected_series | wc -l) series, $ROUNDS rounds), every figure positive"

if [ "$has_vmalloc" -eq 1 ]; then
	grep -q '^vmalloc64k_pair,1,altmm,1,[0-9]' "$TMP/results"
	tap_check $? "results: vmalloc64k_pair ran on altmm (altmm_vmalloc exported)"
else
	tap_skip "results: vmalloc64k_pair ran on altmm" "altmm.ko has no altmm_vmalloc yet"
fi

# === summary ===

expected_series | awk -F, '
FNR == NR { split($0, w, " "); want[w[1] "," w[2]] = 1; next }
FNR == 1 { next }
{
	key = $1 "," $2
	if (!(key in want)) { printf "# unexpected: %s\n", $0; bad++; next }
	seen[key]++
	# host median, and altmm median and ratio unless altmm was skipped
	if ($5 + 0 <= 0) { printf "# host median not positive: %s\n", $0; bad++ }
	if ($8 != "NA" && ($8 + 0 <= 0 || $17 + 0 <= 0)) {
		printf "# altmm median or ratio not positive: %s\n", $0; bad++
	}
}
END {
	for (k in want)
		if (seen[k] != 1) { printf "# %s: %d rows\n", k, seen[k]; bad++ }
	exit bad > 0
}' - "$TMP/summary" >"$TMP/check"
rc=$?
head -n 20 "$TMP/check"
tap_check $rc "summary: one row per case and CPU count, positive medians and ratio"

# === frag ===

for v in enabled disabled compaction; do
	awk -F, -v v=$v -v rounds=$FRAG_ROUNDS '
	BEGIN { n = 0; bad = 0 }
	$1 == v && $2 == "not run" { printf "# %s: not run: %s\n", v, $3; exit 2 }
	$1 == v {
		if (NF != 10 || $2 != n) { printf "# bad row: %s\n", $0; bad++ }
		for (i = 3; i <= 10; i++)
			if ($i !~ /^-?[0-9]+(\.[0-9]+)?$/) { printf "# field %d: %s\n", i, $0; bad++ }
		n++
	}
	END { if (n != rounds + 1) { printf "# %s: %d rows\n", v, n; bad++ }; exit bad > 0 }' \
		"$TMP/frag" >"$TMP/check"
	rc=$?
	cat "$TMP/check"
	if [ $rc -eq 2 ]; then
		tap_skip "frag: $v: rounds 0..$FRAG_ROUNDS" "not run"
	else
		tap_check $rc "frag: $v: rounds 0..$FRAG_ROUNDS, numbers in every field"
	fi
done

# === kernel log ===

rc=0
for c in $MICRO $SCALE; do
	echo "$log" | grep -Eq "^altmm_bench: $c +[0-9]+ " || {
		tap_diag "no table line for $c"
		rc=1
	}
done
if echo "$log" | grep -q 'results incomplete'; then
	tap_diag "$(echo "$log" | grep 'results incomplete')"
	rc=1
fi
tap_check $rc "kernel log: a table line per case, nothing incomplete"

check_log_clean "altmm_bench.ko"
tap_check $? "kernel log: no warning or BUG while it ran"

# === Unload ===

kmsg_mark "unload"
bench_unload
rc=$?
altmm_unload || rc=1
tap_check $rc "altmm_bench and altmm unload ($UNLOAD_ERR)"
bench_unload
altmm_unload_quiet

tap_done
