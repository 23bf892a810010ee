#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# altmm_replay.ko replays the shipped kmem trace and reports it whole.
#
#   - the report says "state idle" before any replay;
#   - traces/vm-smallfiles-pipes.trace.gz (Debian 6.1 in this VM running
#     small shell work; 112540 events) replays: every key of the report's
#     format 1 is there, once, in order; state done, error 0;
#   - each line is in exactly one count (replayed + skipped = events
#     read; comment + header + blank + events read = lines), and the
#     per-event counts match the trace's own lines, counted here by awk;
#   - no failure of any kind on either side, times and peaks measured,
#     one buddyinfo/unusable/extfrag line per zone of the instance;
#   - a trace with bad lines is replayed too, its malformed lines counted
#     and listed with their numbers and reasons, and unsupported events
#     named;
#   - a second writer is refused with EBUSY while one is open; a writer
#     killed with the file open leaves "state failed", "error -4" and no
#     replay behind;
#   - nothing in the kernel log, and after both modules are unloaded free
#     memory is back where it was: altmm gives every page back.

. "$(dirname "$0")/lib.sh"

TRACE=$SELFTESTS_DIR/traces/vm-smallfiles-pipes.trace.gz
REPLAY_KO=${REPLAY_KO:-$(first_file /altmm/modules/altmm_replay.ko \
	"$SELFTESTS_DIR/../build/amd64/replay/altmm_replay.ko")}
RDIR=/sys/kernel/debug/altmm_replay
REPORT=/tmp/replay-report.$$

# The keys of report format 1, in order, each once.
KEYS="altmm_replay_report state error lines lines_comment lines_header
lines_blank lost_events events_read events_replayed skipped_unpaired_free
skipped_free_batched skipped_null_free skipped_failed_in_trace
skipped_malformed skipped_unsupported skipped_over_limit alloc_of_live_key
free_order_mismatch cache_fallbacks live_at_end trace_peak_live_allocations
trace_peak_page_frames trace_peak_object_bytes event_mm_page_alloc
event_mm_page_free event_mm_page_free_batched event_kmalloc
event_kmem_cache_alloc event_kfree event_kmem_cache_free ops caches rounds
altmm_arena_mb altmm_nodes altmm_alloc_failures altmm_frees_skipped
altmm_free_refused altmm_cache_failures altmm_peak_frames_in_use
altmm_ns_first_round altmm_ns_per_event_min altmm_ns_per_event_median
altmm_ns_per_event_max host_alloc_failures host_frees_skipped
host_free_refused host_cache_failures host_peak_frames_in_use
host_ns_first_round host_ns_per_event_min host_ns_per_event_median
host_ns_per_event_max ratio_median altmm_zones unsupported_events
malformed_shown"

require_altmm
[ -f "$TRACE" ] || skip_all "$TRACE is missing"
if [ -z "$REPLAY_KO" ] || [ ! -f "$REPLAY_KO" ]; then
	skip_all "altmm_replay.ko not found (set REPLAY_KO)"
fi
tap_plan 15

# get KEY: the first value of KEY in the saved report.
get()
{
	awk -v k="$1" '$1 == k { print $2; exit }' "$REPORT"
}

# check_keys: every key of $KEYS, in order, once; report to stdout.
check_keys()
{
	awk -v keys="$KEYS" '
	BEGIN { n = split(keys, K, /[ \n]+/) }
	{ seen[$1]++; if ($1 in pos) next; pos[$1] = NR }
	END {
		for (i = 1; i <= n; i++) {
			if (!(K[i] in seen)) { print "missing " K[i]; bad++; continue }
			if (seen[K[i]] > 1) { print "twice " K[i]; bad++ }
			if (i > 1 && pos[K[i]] < pos[K[i - 1]]) { print "out of order " K[i]; bad++ }
		}
		exit bad > 0
	}' "$REPORT"
}

# expect KEY VALUE: a diagnostic when the report disagrees; status.
expect()
{
	local v

	v=$(get "$1")
	[ "$v" = "$2" ] && return 0
	tap_diag "$1 is '$v', expected '$2'"
	return 1
}

settle
before=$(free_kb)
kmsg_mark "replay"

# 1. load
rc=0
if ! altmm_load arena_mb=32 nodes=1; then
	tap_diag "altmm.ko: $LOAD_ERR"
	rc=1
elif ! err=$("$MODLOAD" "$REPLAY_KO" rounds=2 2>&1); then
	tap_diag "altmm_replay.ko: $err"
	rc=1
fi
tap_check $rc "altmm.ko and altmm_replay.ko load"
if [ $rc -ne 0 ]; then
	altmm_unload_quiet
	tap_done
fi

# 2. idle
cat "$RDIR/report" >"$REPORT"
grep -qx 'state idle' "$REPORT"
tap_check $? "before any replay the report says state idle"

# 3. the sample trace
start=$(cut -d' ' -f1 /proc/uptime)
msg=$({ zcat "$TRACE" >"$RDIR/trace"; } 2>&1)
rc=$?
end=$(cut -d' ' -f1 /proc/uptime)
cat "$RDIR/report" >"$REPORT"
tap_diag "the sample trace replayed in $(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }') s"
[ $rc -eq 0 ] || tap_diag "writing the trace: $msg"
expect state "done" && expect error 0 || rc=1
tap_check $rc "the sample trace replays: state done, error 0"

# 4. format
bad=$(check_keys)
rc=$?
[ $rc -eq 0 ] || tap_diag "$bad"
tap_check $rc "every key of report format 1 is there, once, in order"

# 5. each line in one count
rc=0
skipped=0
for k in unpaired_free free_batched null_free failed_in_trace malformed \
	 unsupported over_limit; do
	skipped=$((skipped + $(get "skipped_$k")))
done
if [ $(($(get events_replayed) + skipped)) -ne "$(get events_read)" ]; then
	tap_diag "replayed $(get events_replayed) + skipped $skipped != read $(get events_read)"
	rc=1
fi
if [ $(($(get lines_comment) + $(get lines_header) + $(get lines_blank) + \
	$(get events_read))) -ne "$(get lines)" ]; then
	tap_diag "comment + header + blank + events_read != lines $(get lines)"
	rc=1
fi
tap_check $rc "replayed + skipped = events read; comment + header + blank + read = lines"

# 6. against the trace's own lines
rc=0
zcat "$TRACE" | awk '
	/^#/ { c++; next }
	{ for (i = 1; i < NF; i++) if ($i ~ /^[0-9.]+:$/) { n[$(i + 1)]++; break } }
	END {
		print "lines_comment", c + 0
		split("mm_page_alloc mm_page_free mm_page_free_batched kmalloc kfree kmem_cache_alloc kmem_cache_free", E, " ")
		for (e in E) print "event_" E[e], n[E[e] ":"] + 0
	}' >"$REPORT.want"
while read -r k v; do
	expect "$k" "$v" || rc=1
done <"$REPORT.want"
expect lines "$(zcat "$TRACE" | wc -l)" || rc=1
expect skipped_malformed 0 && expect skipped_unsupported 0 || rc=1
tap_check $rc "the counts per event match the trace's lines; nothing malformed"

# 7. no failures
rc=0
for s in altmm host; do
	for k in alloc_failures frees_skipped free_refused cache_failures; do
		expect "${s}_$k" 0 || rc=1
	done
done
expect skipped_over_limit 0 || rc=1
tap_check $rc "no allocation failure, skipped or refused free, or cache failure on either side"

# 8. measured
rc=0
for k in altmm_ns_first_round host_ns_first_round altmm_peak_frames_in_use \
	 events_replayed caches; do
	v=$(get "$k")
	case "$v" in
	'' | 0 | *[!0-9]*) tap_diag "$k is '$v'"; rc=1 ;;
	esac
done
# The host's figure comes from its NR_FREE_PAGES, which pages taken from
# or given back to its per-CPU lists do not move (and whose per-CPU diffs
# it folds in late): a trace of a few hundred frames may show 0 there.
case "$(get host_peak_frames_in_use)" in
'' | *[!0-9]*) tap_diag "host_peak_frames_in_use is '$(get host_peak_frames_in_use)'"; rc=1 ;;
esac
expect rounds 2 || rc=1
tap_diag "ns/event, median: altmm $(get altmm_ns_per_event_median), host $(get host_ns_per_event_median), ratio $(get ratio_median)"
tap_diag "peak frames in use: altmm $(get altmm_peak_frames_in_use), host $(get host_peak_frames_in_use)"
tap_check $rc "times, peak frames and cache count are measured, two rounds"

# 9. zones
zones=$(get altmm_zones)
rc=0
for k in altmm_buddyinfo altmm_unusable_index altmm_extfrag_index; do
	n=$(awk -v k="$k" '$1 == k && NF == 14 { n++ } END { print n + 0 }' "$REPORT")
	if [ "$n" -ne "${zones:-0}" ] || [ "$n" -eq 0 ]; then
		tap_diag "$n lines $k of 14 fields, for $zones zones"
		rc=1
	fi
done
tap_check $rc "one buddyinfo, unusable and extfrag line per zone ($zones)"
grep '^altmm_buddyinfo' "$REPORT" | sed 's/^/# /'

# 10-11. a trace with bad lines
cat >"$REPORT.bad" <<'EOF'
# tracer: nop
            init-1       [001] .....     2.0: kmalloc: call_site=f+0x1/0x2 ptr=00000000000000a1 bytes_req=64 bytes_alloc=64 gfp_flags=GFP_KERNEL node=-1 accounted=false
            init-1       [001] .....     2.1: kmalloc: call_site=f+0x1/0x2 ptr=00000000000000a2 bytes_req=64 bytes_alloc=64 gfp_flags=GFP_KERNEL|__GFP_BOGUS node=-1 accounted=false
this is not a trace line
            init-1       [001] .....     2.2: sched_switch: prev_comm=init
            init-1       [001] .....     2.3: mm_page_free: page=0000000000000001 pfn=0x1 order=12
            init-1       [001] .....     2.4: kfree: call_site=f+0x1/0x2 ptr=00000000000000a1
EOF
{
	printf 'x-1 [000] ..... 3.0: kfree: ptr=\001\002\377\n'
	head -c 6000 /dev/zero | tr '\0' 'z'
	echo
} >>"$REPORT.bad"
cat "$REPORT.bad" >"$RDIR/trace"
cat "$RDIR/report" >"$REPORT"
rc=0
expect state "done" && expect events_read 8 && expect skipped_malformed 5 &&
	expect skipped_unsupported 1 && expect events_replayed 2 || rc=1
tap_check $rc "a trace with bad lines replays; 5 malformed, 1 unsupported, 2 replayed"

rc=0
for want in "3 unknown_gfp_flag __GFP_BOGUS" "4 bad_context" "6 bad_order" \
	    "8 bad_pointer" "9 too_long"; do
	if ! grep -q "^malformed_line $want" "$REPORT"; then
		tap_diag "no 'malformed_line $want'"
		rc=1
	fi
done
grep -q '^unsupported_event sched_switch 1$' "$REPORT" || {
	tap_diag "no 'unsupported_event sched_switch 1'"
	rc=1
}
[ $rc -eq 0 ] || grep '^malformed\|^unsupported' "$REPORT" | sed 's/^/# /'
tap_check $rc "malformed lines are listed with line number and reason"

# 12. one writer at a time
rc=0
exec 3>"$RDIR/trace"
write_file "$RDIR/trace" "" && rc=1
case "$WRITE_ERR" in
*busy*) ;;
*) tap_diag "second writer: $WRITE_ERR"; rc=1 ;;
esac
exec 3>&-
cat "$RDIR/report" >"$REPORT"
expect state "done" && expect lines 0 || rc=1
tap_check $rc "a second writer gets EBUSY; an empty trace replays to nothing"

# 13. a killed writer: no replay in its exit path
exec_sleep="exec 3>$RDIR/trace; echo 'x-1 [0] 1: kfree: ptr=0' >&3; exec sleep 60"
sh -c "$exec_sleep" &
pid=$!
sleep 2
kill -9 $pid
wait $pid 2>/dev/null
cat "$RDIR/report" >"$REPORT"
rc=0
expect state failed && expect error -4 && expect rounds 0 && expect lines 1 || rc=1
tap_check $rc "a writer killed with the trace open: state failed, error -4, no replay"

# 14. log
check_log_clean "replay"
tap_check $? "nothing in the kernel log"

# 15. memory back
rc=0
"$MODLOAD" -r altmm_replay >/dev/null 2>&1 || { tap_diag "cannot unload altmm_replay"; rc=1; }
altmm_unload || { tap_diag "unload: $UNLOAD_ERR"; rc=1; }
altmm_unload_quiet
settle
check_free_kept "$before" "$(free_kb)" "replay" || rc=1
tap_check $rc "after rmmod free memory is back to within 1 MiB"

rm -f "$REPORT" "$REPORT.want" "$REPORT.bad"
tap_done
