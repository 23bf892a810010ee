#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Real processes in /dev/altmm memory: faults, fork, mremap, LRU reclaim
# to swap and back, file-backed objects and their writeback, and the OOM
# killer (module/usermem.c, filemap.c, vmscan.c, dev.c), driven by
# usermem_prog.
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
#     it back three times with every page intact, writing it again after
#     the first two: pages went to swap (pswpout, pgsteal_anon,
#     nr_vmscan_write) and came back by major faults (pswpin, pgmajfault,
#     workingset_refault_anon), reclaim scanned and deactivated
#     (pgscan_anon, pgrefill); pages read back stayed in the swap cache
#     (SwapCached), the stores through their PTEs were written again, and
#     reclaim dropped some clean ones without writing them (pgsteal_anon
#     above pswpout); afterwards SwapFree is SwapTotal (swap_mb less the
#     header page), SwapCached and AnonPages are 0;
#   - two such processes of 48 MiB each at once (one per CPU: faults,
#     kswapd and direct reclaim on both CPUs) both read back intact;
#   - usermem_prog ioctls: ALTMM_IOC_SET_BACKING is EBADF for fd -1, a
#     closed fd and one opened O_WRONLY, EINVAL for flags other than 0, a
#     directory, /dev/altmm, a pipe and /dev/null, and then still takes a
#     regular file, once (EBUSY the second time); EBUSY too for an object
#     mapped and touched, or unmapped but with pages; other ioctl numbers
#     are ENOTTY; ALTMM_IOC_SET_NODE takes -1 and 0, refuses -2 and 99;
#     ALTMM_IOC_MIGRATE to node 0 is 0, to 99 EINVAL, from NULL EFAULT;
#   - usermem_prog file 4, on a file in $TMP: its mapping reads the file;
#     pages read are in Cached and Mapped and not in Dirty; pages written
#     through the mapping are in Dirty, and the file LRU lines add up to
#     Cached; msync(MS_SYNC) and fsync() write them to the file and Dirty
#     is back; a write after writeback dirties the page again; the last
#     close writes what is left; Mapped is back after munmap, Cached and
#     Dirty after close;
#   - usermem_prog filero: with a backing file opened O_RDONLY, a
#     writable shared mapping is EACCES (by mmap or mprotect) and a
#     read-only one reads the file; usermem_prog sigbus: a page at or past
#     the file's end is SIGBUS, also when the file was truncated under
#     the mapping;
#   - usermem_prog filepressure writes a 96 MiB file through its mapping,
#     reads it back twice intact, and the file holds it after close:
#     dirty pages were written back (nr_written, pgpgout), reclaim dropped
#     clean ones (pgscan_file, pgsteal_file), which came back from the
#     file by major faults (pgmajfault, pgpgin) counted as workingset
#     refaults (workingset_refault_file);
#   - after the file tests Cached, Dirty, Writeback and Mapped are 0, every
#     frame is free again (nr_free_pages after a drain is what it was
#     before them), and the kernel log has no report;
#   - with swap_mb=0, a process touching 128 MiB on the 64 MiB arena is
#     killed with SIGKILL by altmm's OOM killer, which logs the kill and
#     counts oom_kill, and its memory comes back;
#   - swap_mb written at run time: 0 is refused (ENOMEM) while swap holds
#     more than memory can, and brings every page back once it can (the
#     holder lives on); 32 resizes the area; junk is refused;
#   - of three processes (36 MiB, 4 MiB, and one faulting in 30 MiB) the
#     biggest is killed and the others live, with 6.1's report in the log
#     (header, task table, summary, kill line); with oom_score_adj -1000
#     the biggest is spared and the faulting one is killed instead;
#   - a GFP_KERNEL request of the kernel's (ctl) that reclaim cannot meet
#     kills a process holding /dev/altmm memory and then succeeds; a
#     GFP_NOFS one kills nothing and fails;
#   - no report in the kernel log, and altmm unloads with every page back.

. "$(dirname "$0")/lib.sh"

PROG=${USERMEM_PROG:-$(first_file "$SELFTESTS_DIR/usermem_prog" \
	"$SELFTESTS_DIR/../build/selftests/usermem_prog")}
ARENA=64
SWAP=128
TMP=/tmp/usermem.$$
# The "ok"/"FAIL" lines each mode of usermem_prog prints.
BASIC_CHECKS=11
IOCTLS_CHECKS=18
FILE_CHECKS=15
FILERO_CHECKS=4
SIGBUS_CHECKS=5
FILEPRESSURE_CHECKS=3
# Small enough to stay under dirty_background_ratio (10%) of the arena,
# so that only msync, fsync and close write its pages back.
FILE_MB=4
FILE_PRESSURE_MB=96

require_altmm
if [ -z "$PROG" ] || [ ! -x "$PROG" ]; then
	skip_all "usermem_prog not found (set USERMEM_PROG)"
fi
tap_plan $((BASIC_CHECKS + IOCTLS_CHECKS + FILE_CHECKS + FILERO_CHECKS + \
	SIGBUS_CHECKS + FILEPRESSURE_CHECKS + 38))
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
# No background compaction: this test reads exact counts (AnonPages,
# nr_free_pages) right after processes exit, and a page kcompactd has
# isolated keeps its object, and its frames, for a moment after.
# compaction.sh and KUnit test compaction; here the defaults go.
quiet_compaction()
{
	write_file "$ALTMM_DEBUGFS/vm/compaction_proactiveness" 0
	write_file "$ALTMM_DEBUGFS/vm/watermark_boost_factor" 0
}
quiet_compaction

# === 3..13: one process's life cycle ===

run_prog basic $BASIC_CHECKS basic 4

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
tap_check $? "96 MiB on the $ARENA MiB arena are written and read back three times intact"
delta()
{
	eval "echo \$(( \$(vmstat_get $1) - \$before_$1 ))"
}
tap_diag "pswpout +$(delta pswpout) pswpin +$(delta pswpin) pgmajfault +$(delta pgmajfault) pgscan_anon +$(delta pgscan_anon) pgsteal_anon +$(delta pgsteal_anon) pgrefill +$(delta pgrefill) workingset_refault_anon +$(delta workingset_refault_anon) nr_vmscan_write +$(delta nr_vmscan_write)"
[ "$(delta pswpout)" -gt 0 ] && [ "$(delta nr_vmscan_write)" -eq "$(delta pswpout)" ]
tap_check $? "pages went to swap (pswpout, as many nr_vmscan_write)"
[ "$(delta pgsteal_anon)" -ge "$(delta pswpout)" ] && [ "$(delta pgscan_anon)" -ge "$(delta pgsteal_anon)" ]
tap_check $? "reclaim scanned and stole anon pages (pgscan_anon >= pgsteal_anon >= pswpout)"
cached=$(sed -n 's/.*SwapCached up to \([0-9]*\) kB.*/\1/p' $TMP/pressure)
[ "${cached:-0}" -gt 0 ] && [ "$(delta pgsteal_anon)" -gt "$(delta pswpout)" ]
tap_check $? "pages read back stayed in the swap cache (SwapCached up to ${cached:-?} kB) and clean ones were reclaimed unwritten (pgsteal_anon > pswpout)"
[ "$(delta pswpin)" -gt 0 ] && [ "$(delta pgmajfault)" -eq "$(delta pswpin)" ]
tap_check $? "they came back by major faults (pswpin, as many pgmajfault)"
[ "$(delta workingset_refault_anon)" -eq "$(delta pswpin)" ]
tap_check $? "each swap-in is a workingset refault"
[ "$(delta pgrefill)" -gt 0 ]
tap_check $? "the active list was aged (pgrefill)"
total=$(meminfo_get SwapTotal)
[ "$total" -eq $((SWAP * 1024 - 4)) ] && [ "$(meminfo_get SwapFree)" -eq "$total" ]
tap_check $? "SwapFree is back to SwapTotal, $SWAP MiB less the header ($(meminfo_get SwapFree) of $total kB)"
[ "$(meminfo_get AnonPages)" -eq 0 ] && [ "$(meminfo_get SwapCached)" -eq 0 ]
tap_check $? "AnonPages and SwapCached are 0 once the process is gone ($(meminfo_get AnonPages), $(meminfo_get SwapCached) kB)"
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

# === 26..41: the ioctls of file-backed objects ===

# Every frame the file tests take must come back: nr_free_pages once the
# per-CPU lists are drained is compared at the end.
ctl drain
files_free=$(vmstat_get nr_free_pages)
kmsg_mark "files"
run_prog ioctls $IOCTLS_CHECKS ioctls $TMP/ioctls.data

# === 42..65: a file's pages through a mapping, read-only, past its end ===

run_prog file $FILE_CHECKS file $FILE_MB $TMP/file.data
run_prog filero $FILERO_CHECKS filero $TMP/filero.data
run_prog sigbus $SIGBUS_CHECKS sigbus $TMP/sigbus.data
rm -f $TMP/*.data

# === 66..72: a file bigger than the arena ===

FILE_KEYS="nr_written pgpgout pgpgin pgmajfault pgscan_file pgsteal_file
	workingset_refault_file workingset_activate_file"
for k in $FILE_KEYS; do
	eval "before_$k=\$(vmstat_get $k)"
done
run_prog filepressure $FILEPRESSURE_CHECKS filepressure $FILE_PRESSURE_MB \
	$TMP/filepressure.data
rm -f $TMP/filepressure.data
tap_diag "$(for k in $FILE_KEYS; do printf '%s +%s ' "$k" "$(delta "$k")"; done)"
# Pages of the file, and those of them that never fitted in the arena.
pages=$((FILE_PRESSURE_MB * 256))
over=$(((FILE_PRESSURE_MB - ARENA) * 256))
[ "$(delta nr_written)" -ge $pages ] && [ "$(delta pgpgout)" -ge $((pages * 4)) ]
tap_check $? "each of the $pages pages written went back to the file (nr_written, pgpgout)"
[ "$(delta pgsteal_file)" -ge $over ] && [ "$(delta pgscan_file)" -ge "$(delta pgsteal_file)" ]
tap_check $? "reclaim dropped file pages (pgscan_file >= pgsteal_file >= the $over that never fitted)"
# Each page is read from the file once at first, and each read-back pass
# must read again at least the pages the arena could not hold.
majors=$(delta pgmajfault)
[ "$majors" -ge $((pages + 2 * over)) ] &&
	[ "$majors" -ge $((pages + $(delta workingset_refault_file))) ] &&
	[ "$(delta pgpgin)" -ge $((majors * 4)) ]
tap_check $? "pages came from the file by major faults, first and after each drop (pgmajfault, pgpgin)"
[ "$(delta workingset_refault_file)" -gt 0 ] &&
	[ "$(delta workingset_activate_file)" -le "$(delta workingset_refault_file)" ]
tap_check $? "re-reads of dropped pages are workingset refaults (workingset_refault_file)"

# === 73, 74: after the file tests ===

rc=0
for k in Cached Dirty Writeback Mapped; do
	v=$(meminfo_get $k)
	[ "$v" = 0 ] || { tap_diag "$k: $v kB"; rc=1; }
done
ctl drain || { tap_diag "ctl drain: $WRITE_ERR"; rc=1; }
free_now=$(vmstat_get nr_free_pages)
[ "$free_now" -eq "$files_free" ] ||
	{ tap_diag "nr_free_pages $files_free before the file tests, $free_now now"; rc=1; }
tap_check $rc "after the file tests Cached, Dirty, Writeback and Mapped are 0 and every frame is free"
rc=0
check_log_clean "files" || rc=1
if log_since_mark | grep -Eq '^altmm: .*(failed|lost)'; then
	tap_diag "$(log_since_mark | grep -E '^altmm: .*(failed|lost)')"
	rc=1
fi
tap_check $rc "the kernel log has no report from the file tests"

# holder NAME MB ADJ: a process holding MB MiB with oom_score_adj ADJ, in
# the background; its pid in $holder_pid once it holds them all.
holder()
{
	"$PROG" holdadj "$2" "$3" >"$TMP/$1" 2>&1 &
	holder_pid=$!
	n=0
	while ! grep -q '^held' "$TMP/$1" && kill -0 $holder_pid 2>/dev/null; do
		n=$((n + 1))
		[ $n -le 600 ] || break
		sleep 0.1
	done
	grep -q '^held' "$TMP/$1" || tap_diag "$1: $(cat "$TMP/$1")"
}

# alive PID: the process still runs (not a zombie either).
alive()
{
	kill -0 "$1" 2>/dev/null && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null
}

# reap PID: end a holder and collect its exit status in $reaped.
reap()
{
	kill "$1" 2>/dev/null
	wait "$1"
	reaped=$?
}

# === swap_mb at run time ===

param=/sys/module/altmm/parameters/swap_mb
holder big 48 0
big=$holder_pid
holder second 40 0
second=$holder_pid
total=$(meminfo_get SwapTotal)
used=$(($(meminfo_get SwapTotal) - $(meminfo_get SwapFree)))
tap_diag "two processes hold 48 + 40 MiB: $used kB of $total kB of swap used"
kmsg_mark "swapoff"
rc=0
echo 0 >$param 2>$TMP/err && rc=1
grep -q 'Cannot allocate memory' $TMP/err || rc=1
[ "$(meminfo_get SwapTotal)" -eq "$total" ] || rc=1
[ "$(cat $param)" -eq $SWAP ] || rc=1
check_log_has "swap_mb: the pages in the swap area past 0M could not all come back" "the refusal" || rc=1
tap_check $rc "swap_mb=0 while swap holds more than memory can is refused (ENOMEM, logged) and the area keeps its size"
reap $second
in=$(vmstat_get pswpin)
rc=0
echo 0 >$param || rc=1
[ "$(meminfo_get SwapTotal)" -eq 0 ] && [ "$(meminfo_get SwapFree)" -eq 0 ] || rc=1
[ "$(meminfo_get AnonPages)" -eq $((48 * 1024)) ] || rc=1
[ "$(cat $param)" -eq 0 ] || rc=1
tap_diag "after swapoff: pswpin +$(($(vmstat_get pswpin) - in)), AnonPages $(meminfo_get AnonPages) kB"
tap_check $rc "once one process is gone, swap_mb=0 brings the other's pages back in: SwapTotal 0, AnonPages 48 MiB"
alive $big
tap_check $? "the process whose pages came back lives on"
reap $big
echo 32 >$param
[ "$(meminfo_get SwapTotal)" -eq $((32 * 1024 - 4)) ] && [ "$(meminfo_get SwapFree)" -eq $((32 * 1024 - 4)) ]
tap_check $? "swap_mb=32 at run time: SwapTotal and SwapFree are 32 MiB less the header page"
rc=0
for bad in abc 16385 -1; do
	if echo $bad >$param 2>/dev/null; then
		tap_diag "swap_mb=$bad was taken"
		rc=1
	fi
done
[ "$(cat $param)" -eq 32 ] || rc=1
check_log_has "swap_mb: 'abc' is not a size in MiB from 0 to 16384" "the refusal" || rc=1
tap_check $rc "swap_mb=abc, 16385 and -1 are refused with a log line, and the area stays 32 MiB"
echo $SWAP >$param

# === 75..78: the OOM killer ===

altmm_unload || tap_diag "unload: $UNLOAD_ERR"
if ! altmm_load arena_mb=$ARENA swap_mb=0; then
	tap_fail "altmm.ko loads with swap_mb=0 ($LOAD_ERR)"
	skip_rest "altmm did not load"
fi
quiet_compaction
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

# === Three processes: the biggest goes, unless oom_score_adj -1000 spares it ===

kills=$(vmstat_get oom_kill)
kmsg_mark "oom3"
holder big 36 0
big=$holder_pid
holder small 4 0
small=$holder_pid
"$PROG" touch 30 >$TMP/grower 2>&1
rc=$?
wait $big
big_rc=$?
tap_diag "36 MiB holder exited with $big_rc; the 30 MiB process with $rc: $(cat $TMP/grower)"
[ $big_rc -eq 137 ] && [ $rc -eq 0 ] && [ "$(vmstat_get oom_kill)" -eq $((kills + 1)) ]
tap_check $? "of three processes the biggest (36 MiB) is killed while a 30 MiB one faults, which completes"
alive $small
tap_check $? "the 4 MiB process lives on"
rc=0
check_log_has "usermem_prog invoked oom-killer: gfp_mask=0x[0-9a-f]+\\(GFP_HIGHUSER_MOVABLE" "the header" || rc=1
check_log_has "Tasks state \\(memory values in pages\\)" "the task table" || rc=1
check_log_has "\\[ *$big\\] +[0-9]+ +$big +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ +0 usermem_prog" "the victim's row" || rc=1
check_log_has "oom-kill:constraint=CONSTRAINT_NONE,nodemask=\\(null\\),task=usermem_prog,pid=$big," "the summary" || rc=1
check_log_has "Out of memory: Killed process $big \\(usermem_prog\\) total-vm:[0-9]+kB, anon-rss:[0-9]+kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:[0-9]+kB oom_score_adj:0" "the kill" || rc=1
tap_check $rc "the log has 6.1's report: the header, the task table, the summary and the kill of the biggest"
reap $small

kills=$(vmstat_get oom_kill)
holder big 36 -1000
big=$holder_pid
holder small 4 0
small=$holder_pid
"$PROG" touch 30 >$TMP/grower 2>&1
rc=$?
tap_diag "the 30 MiB process exited with $rc: $(cat $TMP/grower)"
[ $rc -eq 137 ] && [ "$(vmstat_get oom_kill)" -eq $((kills + 1)) ]
tap_check $? "with oom_score_adj -1000 on the biggest, the faulting 30 MiB process is killed instead"
alive $big && alive $small
tap_check $? "the protected 36 MiB process and the 4 MiB one live on"
reap $big
reap $small

# === A kernel request kills too, as __alloc_pages_may_oom() does ===

holder big 48 0
big=$holder_pid
kills=$(vmstat_get oom_kill)
kmsg_mark "oom-kernel"
rc=0
ctl alloc tag=nofs order=0 count=8192 gfp="GFP_NOFS|__GFP_NOWARN" ||
	tap_diag "GFP_NOFS alloc: $WRITE_ERR"
nofs=$(ctl_tag_frames nofs)
ctl free tag=nofs 2>/dev/null
alive $big && [ "$(vmstat_get oom_kill)" -eq "$kills" ] && [ "$nofs" -lt 8192 ]
tap_check $? "a GFP_NOFS request kills nothing: it gets $nofs of 8192 frames and fails"
ctl alloc tag=k order=0 count=8192 gfp=GFP_KERNEL || { tap_diag "alloc: $WRITE_ERR"; rc=1; }
got=$(ctl_tag_frames k)
wait $big
big_rc=$?
tap_diag "GFP_KERNEL alloc got $got of 8192 frames; the 48 MiB holder exited with $big_rc"
[ "$got" -eq 8192 ] && [ $big_rc -eq 137 ] && [ "$(vmstat_get oom_kill)" -eq $((kills + 1)) ] || rc=1
check_log_has "invoked oom-killer: gfp_mask=0xcc0\\(GFP_KERNEL\\), order=0" "the header" || rc=1
tap_check $rc "a GFP_KERNEL request of 32 MiB kills the 48 MiB holder and gets every frame"
ctl free tag=k

# === the end ===

rc=0
check_log_clean "oom" || rc=1
altmm_unload || { tap_diag "unload: $UNLOAD_ERR"; rc=1; }
log_since_mark | grep -q 'teardown:' && rc=1
tap_check $rc "no report in the kernel log; altmm unloads with every page back"
rm -rf $TMP
tap_done
