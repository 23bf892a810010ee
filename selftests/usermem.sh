#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Real processes in /dev/altmm memory: faults, fork, mremap, LRU reclaim
# to swap and back, and the OOM killer (module/usermem.c, vmscan.c,
# dev.c), driven by usermem_prog.
#
#   - altmm loads with a 64 MiB arena and 128 MiB of swap, and /dev/altmm
#     is a character device;
#   - usermem_prog basic: every check of its life cycle passes (zeroed
#     fresh pages, data read back, Rss in its smaps, AnonPages while
#     mapped, sharing across fork() and with MAP_PRIVATE, mremap growth,
#     AnonPages back after munmap and close);
#   - while a process holds 8 MiB, altmm's meminfo shows them: AnonPages
#     is 8 MiB and the anon LRU lines add up to AnonPages;
#   - usermem_prog pressure writes 96 MiB (more than the arena) and reads
#     it back twice with every page intact: pages went to swap (pswpout,
#     pgsteal_anon, nr_vmscan_write) and came back by major faults
#     (pswpin, pgmajfault, workingset_refault_anon), reclaim scanned and
#     deactivated (pgscan_anon, pgrefill); afterwards SwapFree is
#     SwapTotal (swap_mb less the header page) and AnonPages is 0;
#   - two such processes of 48 MiB each at once (one per CPU: faults,
#     kswapd and direct reclaim on both CPUs) both read back intact;
#   - with swap_mb=0, a process touching 128 MiB on the 64 MiB arena is
#     killed with SIGKILL by altmm's OOM killer, which logs the kill and
#     counts oom_kill, and its memory comes back;
#   - no report in the kernel log, and altmm unloads with every page back.

. "$(dirname "$0")/lib.sh"

PROG=${USERMEM_PROG:-$(first_file "$SELFTESTS_DIR/usermem_prog" \
	"$SELFTESTS_DIR/../build/selftests/usermem_prog")}
ARENA=64
SWAP=128
TMP=/tmp/usermem.$$
BASIC_CHECKS=11

require_altmm
if [ -z "$PROG" ] || [ ! -x "$PROG" ]; then
	skip_all "usermem_prog not found (set USERMEM_PROG)"
fi
tap_plan $((BASIC_CHECKS + 19))
mkdir -p $TMP

meminfo_get()
{
	awk -v k="$1:" '$1 == k { print $2; exit }' "$ALTMM_DEBUGFS/meminfo"
}

# skip_rest WHY: skip what is left of the plan and end.
skip_rest()
{
	while [ "$TAP_NR" -lt "$TAP_PLANNED" ]; do
		tap_skip "the rest" "$1"
	done
	rm -rf $TMP
	tap_done
}

# === 1, 2: load ===

if altmm_load arena_mb=$ARENA swap_mb=$SWAP; then
	tap_ok "altmm.ko loads with arena_mb=$ARENA swap_mb=$SWAP"
else
	tap_fail "altmm.ko loads with arena_mb=$ARENA swap_mb=$SWAP ($LOAD_ERR)"
	skip_rest "altmm did not load"
fi
[ -c /dev/altmm ]
tap_check $? "/dev/altmm is a character device"

# === 3..13: one process's life cycle ===

"$PROG" basic 4 >$TMP/basic 2>&1
rc=$?
n=0
while read -r word what; do
	case $word in
	ok) tap_ok "basic: $what"; n=$((n + 1)) ;;
	FAIL) tap_fail "basic: $what"; n=$((n + 1)) ;;
	esac
done <$TMP/basic
[ $rc -eq 0 ] || tap_diag "usermem_prog basic exited with $rc: $(cat $TMP/basic)"
while [ $n -lt $BASIC_CHECKS ]; do
	tap_fail "basic: a check did not run (the program stopped early)"
	n=$((n + 1))
done

# === 14, 15: meminfo while 8 MiB are held ===

mkfifo $TMP/in
"$PROG" hold 8 <$TMP/in >$TMP/hold 2>&1 &
hpid=$!
exec 3>$TMP/in
i=0
while ! grep -q '^held' $TMP/hold && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
anon=$(meminfo_get AnonPages)
lru=$(( $(meminfo_get 'Active(anon)') + $(meminfo_get 'Inactive(anon)') ))
exec 3>&-
wait $hpid
[ "$anon" = 8192 ]
tap_check $? "AnonPages is the 8 MiB a process holds ($anon kB)"
[ "$lru" = "$anon" ]
tap_check $? "Active(anon) + Inactive(anon) is AnonPages ($lru kB)"

# === 16..24: more than the arena, through swap ===

for k in pswpout pswpin pgmajfault pgscan_anon pgsteal_anon pgrefill \
	workingset_refault_anon nr_vmscan_write; do
	eval "before_$k=\$(vmstat_get $k)"
done
kmsg_mark "pressure"
"$PROG" pressure 96 2 >$TMP/pressure 2>&1
rc=$?
tap_diag "$(cat $TMP/pressure)"
[ $rc -eq 0 ] && grep -q '^pressure ok' $TMP/pressure
tap_check $? "96 MiB on the $ARENA MiB arena are written and read back twice intact"
delta()
{
	eval "echo \$(( \$(vmstat_get $1) - \$before_$1 ))"
}
tap_diag "pswpout +$(delta pswpout) pswpin +$(delta pswpin) pgmajfault +$(delta pgmajfault) pgscan_anon +$(delta pgscan_anon) pgsteal_anon +$(delta pgsteal_anon) pgrefill +$(delta pgrefill) workingset_refault_anon +$(delta workingset_refault_anon) nr_vmscan_write +$(delta nr_vmscan_write)"
[ "$(delta pswpout)" -gt 0 ] && [ "$(delta nr_vmscan_write)" -eq "$(delta pswpout)" ]
tap_check $? "pages went to swap (pswpout, as many nr_vmscan_write)"
[ "$(delta pgsteal_anon)" -ge "$(delta pswpout)" ] && [ "$(delta pgscan_anon)" -ge "$(delta pgsteal_anon)" ]
tap_check $? "reclaim scanned and stole anon pages (pgscan_anon >= pgsteal_anon >= pswpout)"
[ "$(delta pswpin)" -gt 0 ] && [ "$(delta pgmajfault)" -eq "$(delta pswpin)" ]
tap_check $? "they came back by major faults (pswpin, as many pgmajfault)"
[ "$(delta workingset_refault_anon)" -eq "$(delta pswpin)" ]
tap_check $? "each swap-in is a workingset refault"
[ "$(delta pgrefill)" -gt 0 ]
tap_check $? "the active list was aged (pgrefill)"
total=$(meminfo_get SwapTotal)
[ "$total" -eq $((SWAP * 1024 - 4)) ] && [ "$(meminfo_get SwapFree)" -eq "$total" ]
tap_check $? "SwapFree is back to SwapTotal, $SWAP MiB less the header ($(meminfo_get SwapFree) of $total kB)"
[ "$(meminfo_get AnonPages)" -eq 0 ]
tap_check $? "AnonPages is 0 once the process is gone ($(meminfo_get AnonPages) kB)"
check_log_clean "pressure"
tap_check $? "the kernel log has no report from the pressure run"

# === 25: two at once, one per CPU ===

kmsg_mark "parallel"
"$PROG" pressure 48 2 >$TMP/p1 2>&1 &
p1=$!
"$PROG" pressure 48 2 >$TMP/p2 2>&1 &
p2=$!
wait $p1
rc1=$?
wait $p2
rc2=$?
tap_diag "$(cat $TMP/p1 $TMP/p2)"
[ $rc1 -eq 0 ] && [ $rc2 -eq 0 ] && [ "$(meminfo_get AnonPages)" -eq 0 ] &&
	check_log_clean "parallel"
tap_check $? "two processes of 48 MiB each at once both read back intact, then AnonPages is 0"

# === 26..29: the OOM killer ===

altmm_unload || tap_diag "unload: $UNLOAD_ERR"
if ! altmm_load arena_mb=$ARENA swap_mb=0; then
	tap_fail "altmm.ko loads with swap_mb=0 ($LOAD_ERR)"
	skip_rest "altmm did not load"
fi
oom_before=$(vmstat_get oom_kill)
kmsg_mark "oom"
"$PROG" oom 128 >$TMP/oom 2>&1
rc=$?
tap_diag "usermem_prog oom 128 exited with $rc: $(cat $TMP/oom)"
[ $rc -eq 137 ]
tap_check $? "a process touching 128 MiB without swap is killed by SIGKILL"
[ "$(vmstat_get oom_kill)" -eq $((oom_before + 1)) ]
tap_check $? "oom_kill counts one kill ($(vmstat_get oom_kill))"
check_log_has "Out of memory: Killed process [0-9]+ \\(usermem_prog\\)" "the kill"
tap_check $? "the kill is in the kernel log"
[ "$(meminfo_get AnonPages)" -eq 0 ]
tap_check $? "the victim's memory came back (AnonPages $(meminfo_get AnonPages) kB)"

# === 30: the end ===

rc=0
check_log_clean "oom" || rc=1
altmm_unload || { tap_diag "unload: $UNLOAD_ERR"; rc=1; }
log_since_mark | grep -q 'teardown:' && rc=1
tap_check $rc "no report in the kernel log; altmm unloads with every page back"
rm -rf $TMP
tap_done
