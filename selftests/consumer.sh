#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# altmm_consumer.ko, ordinary kernel code built with altmm_compat.h, runs
# on altmm and gives everything back.
#
#   - with altmm loaded, the consumer loads: its init ran every check of
#     its workload and returned 0 (it fails the load with EINVAL otherwise);
#   - its log line says "altmm_consumer: N checks, 0 failed" with N > 0,
#     no check printed "not ok", and the kernel log has no warning, BUG,
#     refused free or other report;
#   - while it is loaded its request cache is in slabinfo, newest first,
#     with at least the 32 requests it keeps, and has a slab/ directory
#     whose counters saw allocations and slab growth;
#   - its vmalloc'ed ring (1 MiB + 123 bytes) is in vmallocinfo as 257
#     pages, 1056768 bytes with the guard page (when altmm has the file);
#   - a user program (usermap) maps the consumer's debugfs file, whose
#     mmap() is vmalloc_user() + remap_vmalloc_range(): the mapping is
#     zeroed altmm memory, stores through it are what the kernel reads, the
#     area is a "vmalloc user" line of vmallocinfo, bad mappings are
#     refused, and closing it frees the area without a report;
#   - rmmod of the consumer takes the cache out of slabinfo and slab/;
#   - a second load and unload works the same (a cache of that name can be
#     created again), with altmm's init_on_alloc and init_on_free set;
#     a write of something else than a boolean to them is refused with
#     EINVAL and a log line, and changes nothing;
#   - rmmod of altmm works, and free memory is back to within 1 MiB of
#     where it was before altmm was loaded.

. "$(dirname "$0")/lib.sh"

CONSUMER=altmm_consumer
CACHE=altmm_consumer_req
KEPT=32
CONSUMER_KO=${CONSUMER_KO:-$(first_file /altmm/modules/$CONSUMER.ko \
	"$SELFTESTS_DIR/../build/amd64/consumer/$CONSUMER.ko")}
USERMAP=${USERMAP:-$(first_file "$SELFTESTS_DIR/usermap" \
	"$SELFTESTS_DIR/../build/selftests/usermap")}

require_altmm
if [ -z "$CONSUMER_KO" ] || [ ! -f "$CONSUMER_KO" ]; then
	skip_all "$CONSUMER.ko not found (set CONSUMER_KO)"
fi
tap_plan 16

consumer_loaded()
{
	grep -q "^$CONSUMER " /proc/modules
}

# consumer_load: sets LOAD_RC and LOAD_ERR as altmm_load does.
consumer_load()
{
	kmsg_mark "load $CONSUMER"
	LOAD_ERR=$("$MODLOAD" "$CONSUMER_KO" 2>&1)
	LOAD_RC=$?
	return $LOAD_RC
}

consumer_unload()
{
	kmsg_mark "unload $CONSUMER"
	UNLOAD_ERR=$("$MODLOAD" -r $CONSUMER 2>&1)
	UNLOAD_RC=$?
	return $UNLOAD_RC
}

# The summary line of the consumer since the mark, or nothing.
consumer_summary()
{
	log_since_mark | grep -E "^$CONSUMER: [0-9]+ checks, [0-9]+ failed$" | tail -n 1
}

# check_summary WHAT: the consumer ran checks and none failed.
check_summary()
{
	local line log

	log=$(log_since_mark)
	line=$(consumer_summary)
	tap_diag "$1: ${line:-no summary line}"
	if echo "$log" | grep -q "^$CONSUMER: not ok"; then
		tap_diag "$(echo "$log" | grep "^$CONSUMER: not ok")"
		return 1
	fi
	case "$line" in
	"$CONSUMER: 0 checks"*) return 1 ;;
	"$CONSUMER: "*" checks, 0 failed") return 0 ;;
	*) return 1 ;;
	esac
}

slabinfo_line()
{
	awk -v c="$1" '$1 == c' "$ALTMM_DEBUGFS/slabinfo"
}

settle
before=$(free_kb)

# shellcheck disable=SC2119 # the defaults
altmm_load
tap_check $? "altmm loads (${LOAD_ERR:-ok})"

# === First load ===
consumer_load
rc=$?
[ $rc -eq 0 ] || tap_diag "$LOAD_ERR"
tap_check $rc "$CONSUMER loads: every check of its init passed"

check_summary "first load"
tap_check $? "its log says N checks, 0 failed, and no check says not ok"

check_log_clean "first load"
tap_check $? "the kernel log has no report while it ran"

line=$(slabinfo_line $CACHE)
tap_diag "slabinfo: ${line:-no line for $CACHE}"
# The fields of the line become "$@", split on purpose.
# shellcheck disable=SC2086
set -- $line
[ -n "$line" ] && [ "${2:-0}" -ge $KEPT ] &&
	[ "$(sed -n 3p "$ALTMM_DEBUGFS/slabinfo" | awk '{ print $1 }')" = $CACHE ]
tap_check $? "slabinfo lists $CACHE first (newest), with at least $KEPT active objects"

d=$ALTMM_DEBUGFS/slab/$CACHE
rc=1
if [ -d "$d" ]; then
	allocs=$(($(cut -d' ' -f1 "$d/alloc_fastpath") + $(cut -d' ' -f1 "$d/alloc_slowpath")))
	grow=$(cut -d' ' -f1 "$d/grow")
	objects=$(cut -d' ' -f1 "$d/objects")
	ctor=$(cat "$d/ctor")
	tap_diag "slab/$CACHE: allocations $allocs, grow $grow, objects $objects, ctor $ctor"
	[ "$allocs" -ge 256 ] && [ "$grow" -ge 1 ] && [ "$objects" -ge $KEPT ] &&
		case "$ctor" in req_ctor+*) true ;; *) false ;; esac
	rc=$?
else
	tap_diag "no directory $d"
fi
tap_check $rc "slab/$CACHE/ counted its allocations and slabs and names its constructor"

if [ -f "$ALTMM_DEBUGFS/vmallocinfo" ]; then
	# The caller may be in the consumer's init text, freed by now: then
	# %pS prints an address, as /proc/vmallocinfo does.
	grep -E "^$KADDR_RE-$KADDR_RE +1056768 [^ ]+ pages=257 vmalloc( |$)" \
		"$ALTMM_DEBUGFS/vmallocinfo" >/dev/null
	rc=$?
	[ $rc -eq 0 ] || diag_file "$ALTMM_DEBUGFS/vmallocinfo" 20
	tap_check $rc "vmallocinfo has the consumer's ring: 257 pages and a guard page"
else
	tap_skip "vmallocinfo has the consumer's ring" "altmm has no vmallocinfo"
fi

if [ -n "$USERMAP" ] && [ -x "$USERMAP" ]; then
	kmsg_mark "usermap"
	out=$("$USERMAP" "/sys/kernel/debug/$CONSUMER/usermap" "$ALTMM_DEBUGFS/vmallocinfo" 2>&1)
	rc=$?
	tap_diag "$out"
	check_log_clean "usermap" || rc=1
	tap_check $rc "a user mapping of a vmalloc_user() area (remap_vmalloc_range()) is altmm's memory"
else
	tap_skip "a user mapping of a vmalloc_user() area" "no usermap helper"
fi

consumer_unload
tap_check $? "$CONSUMER unloads (${UNLOAD_ERR:-ok})"

[ -z "$(slabinfo_line $CACHE)" ] && [ ! -e "$ALTMM_DEBUGFS/slab/$CACHE" ]
tap_check $? "after rmmod, $CACHE is gone from slabinfo and slab/"

check_log_clean "unload"
tap_check $? "the kernel log has no report from the unload (no leaked object)"

# === Second load: the cache is created again, now with init_on_alloc=1
# and init_on_free=1 (writable at run time), under which the constructed
# state of the requests must still survive ===
params=/sys/module/altmm/parameters
rc=0
write_file $params/init_on_alloc 1 && write_file $params/init_on_free 1 || rc=1
consumer_load || rc=1
[ "$LOAD_RC" -eq 0 ] || tap_diag "$LOAD_ERR"
check_summary "second load" || rc=1
write_file $params/init_on_alloc 0
write_file $params/init_on_free 0
tap_check $rc "$CONSUMER loads and passes again, with init_on_alloc=1 init_on_free=1"

rc=0
kmsg_mark "init_on_free=maybe"
if write_file $params/init_on_free maybe || [ "$WRITE_ERR" != EINVAL ]; then
	tap_diag "init_on_free=maybe: $WRITE_ERR, not EINVAL"
	rc=1
fi
[ "$(cat $params/init_on_free)" = N ] || rc=1
log_since_mark | grep -q "^altmm: init_on_free: 'maybe' is not a boolean" || {
	tap_diag "no log line about init_on_free=maybe"
	rc=1
}
tap_check $rc "init_on_free refuses 'maybe' with EINVAL and a log line, and stays 0"

consumer_unload
rc=$?
check_log_clean "second unload" || rc=1
tap_check $rc "$CONSUMER unloads a second time"

altmm_unload
rc=$?
[ $rc -eq 0 ] || tap_diag "$UNLOAD_ERR"
tap_check $rc "altmm unloads"

consumer_loaded && "$MODLOAD" -r $CONSUMER >/dev/null 2>&1
altmm_unload_quiet
settle
check_free_kept "$before" "$(free_kb)" "altmm and $CONSUMER"
tap_check $? "free memory is back to within 1 MiB after both are unloaded"

tap_done
