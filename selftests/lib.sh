#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers of the altmm selftests, sourced by every test script.
#
# The tests run as root in the busybox initramfs of the test VM
# (scripts/vm.sh), but also on any machine whose kernel matches altmm.ko:
#   sudo ALTMM_KO=build/amd64/module/altmm.ko selftests/bad_params.sh
# They follow tools/testing/selftests/kselftest/module.sh: TAP version 13 on
# stdout, exit 0 when every test passed, 1 when one failed, 4 (skip) when
# not root or when altmm.ko or the modload helper is missing.
#
# Scripts do not use "set -e": a failing check is a "not ok" line, not the
# end of the script, and every planned test must still print its line.
#
# What this file provides:
#   TAP       tap_plan N, tap_ok/tap_fail/tap_skip DESC, tap_check RC DESC,
#             tap_diag MSG, tap_done (exit status), skip_all REASON
#   modules   altmm_load [PARAM=VALUE ...] (sets LOAD_RC, LOAD_ERR),
#             altmm_unload (sets UNLOAD_RC, UNLOAD_ERR), altmm_loaded,
#             altmm_unload_quiet
#   kmsg      kmsg_mark TAG (a line in the kernel log), log_since_mark
#             (our kernel log lines since that mark, timestamps stripped)
#   memory    memfree_kb, pcp_kb, free_kb, settle
#   debugfs   ALTMM_DEBUGFS, debugfs_files, zoneinfo helpers (awk)
#   ctl       write_file FILE TEXT (sets WRITE_ERR), ctl CMD..., ctl_tag_frames,
#             ctl_rows, ctl_event, vmstat_get, zoneinfo_get, buddyinfo_snapshot,
#             check_log_has, check_log_clean

# Variables set here are read by the scripts that source this file.
# shellcheck disable=SC2034

# === Locations ===

SELFTESTS_DIR=$(cd "$(dirname "$0")" && pwd)
TEST_NAME=$(basename "$0" .sh)
ALTMM_DEBUGFS=${ALTMM_DEBUGFS:-/sys/kernel/debug/altmm}
REFERENCE_DIR=${REFERENCE_DIR:-$SELFTESTS_DIR/reference}
# Every file the module must create under $ALTMM_DEBUGFS.
ALTMM_FILES="zoneinfo sections layout memblock/memory memblock/reserved"
# Zones in the order the module prints them, for every node.
ALTMM_ZONES="DMA DMA32 Normal HighMem Movable Device"
ALTMM_NR_ZONES=6
# A kernel address as %pK prints it: hashed, or "(____ptrval____)" until
# the random pool is ready, as on the debug kernel, whose VM has no rng.
KADDR_RE='0x([0-9a-f]{16}|\(____ptrval____\))'
# Tolerance of every MemFree comparison, in kB.
MEMFREE_SLACK_KB=1024

# First existing file among the arguments, or nothing.
first_file()
{
	for f in "$@"; do
		if [ -f "$f" ]; then
			echo "$f"
			return 0
		fi
	done
	return 1
}

# In the VM the modules sit in /altmm/modules; in a checkout, in build/.
ALTMM_KO=${ALTMM_KO:-$(first_file /altmm/modules/altmm.ko \
	"$SELFTESTS_DIR/../build/amd64/module/altmm.ko")}
MODLOAD=${MODLOAD:-$(first_file "$SELFTESTS_DIR/modload" \
	"$SELFTESTS_DIR/../build/selftests/modload")}

# === TAP ===

TAP_PLANNED=0
TAP_NR=0
TAP_FAILED=0

# tap_plan N: print the header and the plan; call once, first.
tap_plan()
{
	TAP_PLANNED=$1
	echo "TAP version 13"
	echo "1..$1"
}

tap_diag()
{
	echo "$*" | sed 's/^/# /'
}

tap_ok()
{
	TAP_NR=$((TAP_NR + 1))
	echo "ok $TAP_NR - $*"
}

tap_fail()
{
	TAP_NR=$((TAP_NR + 1))
	TAP_FAILED=$((TAP_FAILED + 1))
	echo "not ok $TAP_NR - $*"
}

# tap_skip DESC REASON
tap_skip()
{
	TAP_NR=$((TAP_NR + 1))
	echo "ok $TAP_NR - $1 # SKIP $2"
}

# tap_check RC DESC: ok when RC is 0.
tap_check()
{
	local rc=$1

	shift
	if [ "$rc" -eq 0 ]; then
		tap_ok "$@"
	else
		tap_fail "$@"
	fi
}

# tap_done: exit with the kselftest status of the script.
tap_done()
{
	if [ "$TAP_NR" -ne "$TAP_PLANNED" ]; then
		tap_diag "planned $TAP_PLANNED tests but ran $TAP_NR"
		exit 1
	fi
	[ "$TAP_FAILED" -eq 0 ] || exit 1
	exit 0
}

# skip_all REASON: the whole script is skipped (kselftest exit code 4).
skip_all()
{
	echo "TAP version 13"
	echo "1..0 # SKIP $TEST_NAME: $*"
	exit 4
}

# require_altmm: skip unless root with altmm.ko, modload and debugfs.
require_altmm()
{
	[ "$(id -u)" -eq 0 ] || skip_all "must be run as root"
	if [ -z "$ALTMM_KO" ] || [ ! -f "$ALTMM_KO" ]; then
		skip_all "altmm.ko not found (set ALTMM_KO)"
	fi
	if [ -z "$MODLOAD" ] || [ ! -x "$MODLOAD" ]; then
		skip_all "modload not found (set MODLOAD; gcc -static selftests/modload.c)"
	fi
	if ! grep -q ' /sys/kernel/debug debugfs ' /proc/mounts; then
		skip_all "debugfs is not mounted on /sys/kernel/debug"
	fi
	if altmm_loaded; then
		skip_all "altmm is already loaded; unload it first"
	fi
}

# === Kernel log ===

KMSG_MARK=
KMSG_SEQ=0

# kmsg_mark TAG: write a mark to the kernel log so that log_since_mark
# returns only what came after it. The mark names the test and the case,
# which also tells a reader of the whole VM log what was running.
kmsg_mark()
{
	KMSG_SEQ=$((KMSG_SEQ + 1))
	KMSG_MARK="altmm_selftest: $TEST_NAME: $* (#$$.$KMSG_SEQ)"
	echo "$KMSG_MARK" >/dev/kmsg
}

# The kernel log after the last kmsg_mark, "[ time] " prefixes removed.
log_since_mark()
{
	dmesg | sed 's/^\[[ 0-9.]*\] //' |
		awk -v mark="$KMSG_MARK" '
		$0 == mark { n = 0; found = 1; next }
		found { line[++n] = $0 }
		END { for (i = 1; i <= n; i++) print line[i] }'
}

# === Modules ===

altmm_loaded()
{
	grep -q '^altmm ' /proc/modules
}

# altmm_load [PARAM=VALUE ...]: one finit_module(2) of altmm.ko. Sets
# LOAD_RC (0 or the errno) and LOAD_ERR (modload's message).
# altmm_load_or_bail [PARAM=VALUE ...]: load altmm (with its defaults
# when no parameter is given) as the first test; if it does not load,
# fail that test, skip the rest of the plan and end.
altmm_load_or_bail()
{
	if [ $# -eq 0 ]; then lb_what="the defaults"; else lb_what="$*"; fi
	if ! altmm_load "$@"; then
		tap_fail "altmm.ko loads with $lb_what ($LOAD_ERR)"
		while [ "$TAP_NR" -lt "$TAP_PLANNED" ]; do
			tap_skip "the rest" "altmm did not load"
		done
		tap_done
	fi
	tap_ok "altmm.ko loads with $lb_what"
}

# usermem_finish NAME FREE0: the three last checks of a test of processes
# on /dev/altmm: no report in the kernel log since the mark NAME and
# nothing left isolated; every frame free again (FREE0 of them, per-CPU
# lists drained); altmm unloads with every page back.
usermem_finish()
{
	local rc=0

	check_log_clean "$1" || rc=1
	[ "$(vmstat_get nr_isolated_anon)" -eq 0 ] && [ "$(vmstat_get nr_isolated_file)" -eq 0 ] ||
		rc=1
	tap_check $rc "no report in the kernel log, nothing left isolated"
	ctl drain >/dev/null 2>&1
	[ "$(vmstat_get nr_free_pages)" -eq "$2" ]
	tap_check $? "every frame is free again ($(vmstat_get nr_free_pages) of $2)"
	rc=0
	altmm_unload || { tap_diag "unload: $UNLOAD_ERR"; rc=1; }
	tap_check $rc "altmm unloads with every page back"
}

# run_prog NAME CHECKS ARG...: $PROG ARG... (output kept in $TMP/NAME),
# each of its "ok" and "FAIL" lines a test named "NAME: ...", any other
# line a diagnostic; a program that stopped before printing CHECKS of
# them fails the ones it did not print.
run_prog()
{
	rp_name=$1
	rp_checks=$2
	shift 2
	"$PROG" "$@" >"$TMP/$rp_name" 2>&1
	rp_rc=$?
	rp_n=0
	while read -r word what; do
		case $word in
		ok) tap_ok "$rp_name: $what"; rp_n=$((rp_n + 1)) ;;
		FAIL) tap_fail "$rp_name: $what"; rp_n=$((rp_n + 1)) ;;
		*) tap_diag "$word $what" ;;
		esac
	done <"$TMP/$rp_name"
	[ $rp_rc -eq 0 ] ||
		tap_diag "${PROG##*/} $* exited with $rp_rc: $(cat "$TMP/$rp_name")"
	while [ $rp_n -lt "$rp_checks" ]; do
		tap_fail "$rp_name: a check did not run (the program stopped early)"
		rp_n=$((rp_n + 1))
	done
}


# The online switch of CPU 1, which the hotplug tests take away and back.
CPU1=/sys/devices/system/cpu/cpu1/online

# cpu1_hotplug_or_bail: with no CPU 1 to offline (or no taskset to pin a
# task to it), skip every test but the last, which unloads altmm, and end.
cpu1_hotplug_or_bail()
{
	[ -w "$CPU1" ] && taskset 2 true 2>/dev/null && return 0
	while [ "$TAP_NR" -lt "$((TAP_PLANNED - 1))" ]; do
		tap_skip "CPU hotplug" "no writable $CPU1 or no taskset"
	done
	if altmm_unload; then tap_ok "rmmod"; else tap_fail "rmmod ($UNLOAD_ERR)"; fi
	tap_done
}

altmm_load()
{
	kmsg_mark "load $*"
	LOAD_ERR=$("$MODLOAD" "$ALTMM_KO" "$@" 2>&1)
	LOAD_RC=$?
	return $LOAD_RC
}

# altmm_unload: sets UNLOAD_RC and UNLOAD_ERR.
altmm_unload()
{
	kmsg_mark "unload"
	UNLOAD_ERR=$("$MODLOAD" -r altmm 2>&1)
	UNLOAD_RC=$?
	return $UNLOAD_RC
}

# Leave the module unloaded whatever happened, so the next case starts clean.
altmm_unload_quiet()
{
	if altmm_loaded; then
		"$MODLOAD" -r altmm >/dev/null 2>&1 ||
			tap_diag "cannot unload altmm: next cases may fail"
	fi
}

# === Memory ===

memfree_kb()
{
	awk '$1 == "MemFree:" { print $2 }' /proc/meminfo
}

# Pages sitting on the per-CPU free lists, in kB. They are free but not in
# MemFree, and freeing a large arena refills them: without them a clean
# unload can look like a leak of a few MiB.
pcp_kb()
{
	awk '$1 == "count:" { n += $2 } END { print n * 4 }' /proc/zoneinfo
}

# Free memory the kernel could hand out right now, in kB.
free_kb()
{
	echo $(($(memfree_kb) + $(pcp_kb)))
}

# Let deferred frees (RCU, module init sections, caches) finish.
settle()
{
	sync
	# drop_caches takes 1..4, so 7 is refused: 4 once silences the kernel
	# log line of every later drop, then 3 drops page cache and slab.
	echo 4 >/proc/sys/vm/drop_caches
	echo 3 >/proc/sys/vm/drop_caches
	# On a KASAN kernel freed objects wait in a quarantine (up to 1/32
	# of memory) that shrinking their cache empties: without this the
	# debug kernel's free memory wanders by megabytes between readings.
	for f in /sys/kernel/slab/*/shrink; do
		echo 1 >"$f" 2>/dev/null || true
	done
	sleep 1
}

# check_free_kept BEFORE AFTER WHAT: 0 when AFTER is within the slack of
# BEFORE in both directions; explains itself otherwise.
check_free_kept()
{
	local d=$(($2 - $1))

	tap_diag "$3: free memory (MemFree + per-CPU lists) was $1 kB, now $2 kB ($d kB)"
	[ "$d" -ge "-$MEMFREE_SLACK_KB" ] && [ "$d" -le "$MEMFREE_SLACK_KB" ]
}

# check_free_not_dropped BEFORE AFTER WHAT
check_free_not_dropped()
{
	local d=$(($2 - $1))

	tap_diag "$3: free memory (MemFree + per-CPU lists) was $1 kB, now $2 kB ($d kB)"
	[ "$d" -ge "-$MEMFREE_SLACK_KB" ]
}

# === debugfs ===

debugfs_files()
{
	for f in $ALTMM_FILES; do
		echo "$ALTMM_DEBUGFS/$f"
	done
}

# check_files_present: every file exists and is non-empty.
check_files_present()
{
	local f rc=0

	for f in $(debugfs_files); do
		if [ ! -f "$f" ]; then
			tap_diag "missing: $f"
			rc=1
		elif [ -z "$(head -c 1 "$f")" ]; then
			tap_diag "empty: $f"
			rc=1
		fi
	done
	return $rc
}

# zoneinfo_zones FILE: one line "<node> <zone> <spanned> <present> <managed>"
# per zone block, in file order.
zoneinfo_zones()
{
	awk '
	function flush() {
		if (zone != "")
			print node, zone, sp + 0, pr + 0, ma + 0
	}
	/^Node [0-9]+, zone / {
		flush()
		node = $2; sub(",", "", node)
		zone = $4; sp = pr = ma = ""
		next
	}
	$1 == "spanned" { sp = $2 }
	$1 == "present" { pr = $2 }
	$1 == "managed" { ma = $2 }
	END { flush() }' "$1"
}

# check_zone_order FILE NODES: the zone blocks are "Node N, zone %8s" for
# N = 0..NODES-1, each with the zones of $ALTMM_ZONES in that order.
check_zone_order()
{
	awk -v nodes="$2" -v zones="$ALTMM_ZONES" '
	BEGIN {
		nz = split(zones, Z, " ")
		for (n = 0; n < nodes; n++)
			for (z = 1; z <= nz; z++)
				want[++nw] = sprintf("Node %d, zone %8s", n, Z[z])
	}
	/^Node / {
		if (++ng <= nw && $0 != want[ng]) {
			printf "# zone block %d is \"%s\", expected \"%s\"\n", ng, $0, want[ng]
			bad++
		}
	}
	END {
		if (ng != nw) {
			printf "# %d zone blocks, expected %d (%d nodes x %d zones)\n", ng, nw, nodes, nz
			bad++
		}
		exit bad > 0
	}' "$1"
}

# check_zone_counts FILE: managed <= present <= spanned in every zone.
check_zone_counts()
{
	zoneinfo_zones "$1" | awk '
	$4 > $3 || $5 > $4 {
		printf "# node %s zone %s: spanned %d present %d managed %d\n", $1, $2, $3, $4, $5
		bad++
	}
	END { exit bad > 0 }'
}

# size_kb 8M: a kernel-style size (K, M, G suffix; bytes without) in kB.
size_kb()
{
	local v=${1%[KkMmGg]}

	case "$1" in
	*[Kk]) echo "$v" ;;
	*[Mm]) echo $((v * 1024)) ;;
	*[Gg]) echo $((v * 1024 * 1024)) ;;
	*) echo $((v / 1024)) ;;
	esac
}

# param_value NAME DEFAULT PARAM=VALUE...: the value a load will use.
param_value()
{
	local name=$1 value=$2 p

	shift 2
	for p in "$@"; do
		case "$p" in
		"$name"=*) value=${p#*=} ;;
		esac
	done
	echo "$value"
}

# holes_ranges HOLES: "start end" in bytes (end exclusive) per hole of a
# holes= value such as 8M@64M,4M@128M.
holes_ranges()
{
	local h size start

	for h in $(echo "$1" | tr ',' ' '); do
		size=$(size_kb "${h%@*}")
		start=$(size_kb "${h#*@}")
		echo "$((start * 1024)) $(((start + size) * 1024))"
	done
}

# holes_mb HOLES: their total size in MiB.
holes_mb()
{
	local h total=0

	for h in $(echo "$1" | tr ',' ' '); do
		total=$((total + $(size_kb "${h%@*}") / 1024))
	done
	echo $total
}

# memblock_ranges FILE: "start end" in bytes (end exclusive) per region.
memblock_ranges()
{
	sed -n 's/^ *[0-9]*: \(0x[0-9a-f]*\)\.\.\(0x[0-9a-f]*\)$/\1 \2/p' "$1" |
		while read -r a b; do
			echo "$((a)) $((b + 1))"
		done
}

# layout_node_ranges FILE: the same for the "Early memory node ranges".
layout_node_ranges()
{
	sed -n 's/^  node *[0-9]*: \[mem \(0x[0-9a-f]*\)-\(0x[0-9a-f]*\)\]$/\1 \2/p' "$1" |
		while read -r a b; do
			echo "$((a)) $((b + 1))"
		done
}

# ranges_bytes: the total size of "start end" lines on stdin.
ranges_bytes()
{
	local a b total=0

	while read -r a b; do
		total=$((total + b - a))
	done
	echo $total
}

# check_no_overlap WHAT RANGES HOLES: no range of RANGES meets a hole.
check_no_overlap()
{
	local what=$1 rc=0 a b ha hb

	while read -r a b; do
		[ -n "$a" ] || continue
		while read -r ha hb; do
			[ -n "$ha" ] || continue
			if [ "$a" -lt "$hb" ] && [ "$ha" -lt "$b" ]; then
				tap_diag "$what: range $(printf '%#x-%#x' "$a" $((b - 1))) meets the hole $(printf '%#x-%#x' "$ha" $((hb - 1)))"
				rc=1
			fi
		done <<EOF_HOLES
$3
EOF_HOLES
	done <<EOF_RANGES
$2
EOF_RANGES
	return $rc
}

# diag_file FILE [LINES]: the head of a file as TAP diagnostics.
diag_file()
{
	tap_diag "---- $1 ----"
	head -n "${2:-40}" "$1" 2>&1 | sed 's/^/# /'
}

# === ctl, vm/ and the allocator's counters ===

# errno_name MESSAGE: the errno name behind a shell's write error message
# ("sh: write error: Invalid argument" -> EINVAL); OK for no message.
errno_name()
{
	case "$1" in
	"") echo OK ;;
	*"Invalid argument"*) echo EINVAL ;;
	*"No such file or directory"*) echo ENOENT ;;
	*"Cannot allocate memory"* | *"Out of memory"*) echo ENOMEM ;;
	*"Input/output error"* | *"I/O error"*) echo EIO ;;
	*"Permission denied"*) echo EACCES ;;
	*"No space left on device"*) echo ENOSPC ;;
	*) echo "$1" ;;
	esac
}

# write_file FILE TEXT: write TEXT and a newline to FILE in one write(2).
# Sets WRITE_ERR to OK or the errno name (EINVAL, ENOENT, ...); returns 0
# when the write succeeded.
write_file()
{
	local msg rc

	msg=$({ echo "$2" >"$1"; } 2>&1)
	rc=$?
	if [ $rc -eq 0 ]; then
		WRITE_ERR=OK
	else
		WRITE_ERR=$(errno_name "$msg")
		[ "$WRITE_ERR" != OK ] || WRITE_ERR="failed ($rc)"
	fi
	return $rc
}

# ctl CMD...: one command to altmm's ctl file (see module/ctl.c); as
# write_file.
ctl()
{
	write_file "$ALTMM_DEBUGFS/ctl" "$*"
}

# ctl_rows: the allocation rows of ctl_status, "tag order count frames
# node zone", without the header.
ctl_rows()
{
	awk 'NR > 1 && NF == 6 && $2 ~ /^[0-9]+$/' "$ALTMM_DEBUGFS/ctl_status"
}

# ctl_tag_frames TAG [NODE ZONE]: frames TAG holds (in that zone), 0 if none.
ctl_tag_frames()
{
	ctl_rows | awk -v t="$1" -v n="${2:-}" -v z="${3:-}" '
	$1 == t && (n == "" || $5 == n) && (z == "" || $6 == z) { f += $4 }
	END { print f + 0 }'
}

# ctl_event NAME: one of altmm's own event counts listed in ctl_status
# (misuse, alloc_fail, drain_all, ...).
ctl_event()
{
	awk -v k="$1" 'NF == 2 && $1 == k { print $2; exit }' "$ALTMM_DEBUGFS/ctl_status"
}

# vmstat_get NAME: a counter of altmm's vmstat.
vmstat_get()
{
	awk -v k="$1" '$1 == k { print $2; exit }' "$ALTMM_DEBUGFS/vmstat"
}

# zoneinfo_get NODE ZONE KEY [FILE]: a value of one zone block of zoneinfo:
# KEY is "free" for "pages free", else the first word of the line (min,
# low, high, managed, nr_free_pages, numa_miss, ...); for "protection:"
# the list without parentheses and commas.
zoneinfo_get()
{
	awk -v node="$1" -v zone="$2" -v key="$3" '
	/^Node [0-9]+, zone / {
		n = $2; sub(",", "", n)
		inb = (n == node && $4 == zone)
		next
	}
	!inb { next }
	key == "free" && $1 == "pages" && $2 == "free" { print $3; exit }
	key == "protection:" && $1 == key {
		s = $0; sub(/^.*\(/, "", s); sub(/\).*$/, "", s); gsub(",", "", s)
		print s; exit
	}
	$1 == key { print $2; exit }' "${4:-$ALTMM_DEBUGFS/zoneinfo}"
}

# buddyinfo_snapshot: buddyinfo, for comparing before and after.
buddyinfo_snapshot()
{
	cat "$ALTMM_DEBUGFS/buddyinfo"
}

# check_buddyinfo_back BEFORE WHAT: buddyinfo is BEFORE again (after a
# drain); explains the difference otherwise.
check_buddyinfo_back()
{
	local now

	now=$(buddyinfo_snapshot)
	[ "$now" = "$1" ] && return 0
	tap_diag "$2: buddyinfo differs; before:"
	tap_diag "$1"
	tap_diag "now:"
	tap_diag "$now"
	return 1
}

# check_log_has REGEX WHAT: the kernel log since the mark has a line
# matching REGEX (grep -E).
check_log_has()
{
	local log

	log=$(log_since_mark)
	echo "$log" | grep -Eq "$1" && return 0
	tap_diag "$2: no kernel log line matching /$1/ since the mark; the log said:"
	tap_diag "${log:-(nothing)}"
	return 1
}

# check_log_clean WHAT: no report in the kernel log since the mark (the
# patterns scripts/vm.sh judges a run by, plus allocator complaints).
check_log_clean()
{
	local bad

	bad=$(log_since_mark | grep -E 'WARNING:|BUG:|KASAN|UBSAN|Oops|refcount_t:|possible (circular|recursive) locking|inconsistent lock state|Call Trace|page allocation failure|refused|teardown: ')
	[ -z "$bad" ] && return 0
	tap_diag "$1: the kernel log has:"
	tap_diag "$bad"
	return 1
}
