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
	# 3: page cache and slab objects; 4: without a kernel log line each time.
	echo 7 >/proc/sys/vm/drop_caches
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
