#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# migrate.sh - page migration of /dev/altmm memory (module/migrate.c)
# with real processes, on an instance of two nodes.
#
# Checks:
#   - altmm loads with two nodes;
#   - usermem_prog migrate: 16 MiB on node 0 move to node 1 and back 20
#     times by ALTMM_IOC_MIGRATE while the process checks one half between
#     moves and a child sharing the mapping reads and rewrites the other
#     half without pause; both halves hold what was last written, a last
#     move with nobody else using the memory moves every page, zoneinfo
#     then has the pages on node 1, and node 2 is EINVAL;
#   - pgmigrate_success grew by at least the pages of 20 moves of the
#     parent's half, and pgmigrate_fail counts what stayed behind;
#   - the same under memory pressure: two such processes of 24 MiB each
#     on a 32 MiB node with swap, so that a move finds a full node
#     (ENOMEM is a right answer) while reclaim runs beside it;
#   - no report in the kernel log, nothing left isolated, and altmm
#     unloads with every page back.

. "$(dirname "$0")/lib.sh"

PROG=${USERMEM_PROG:-$(first_file "$SELFTESTS_DIR/usermem_prog" \
	"$SELFTESTS_DIR/../build/selftests/usermem_prog")}
TMP=/tmp/migrate.$$
MIGRATE_CHECKS=4

require_altmm
if [ -z "$PROG" ] || [ ! -x "$PROG" ]; then
	skip_all "usermem_prog not found (set USERMEM_PROG)"
fi
tap_plan $((MIGRATE_CHECKS + 6))
mkdir -p $TMP

altmm_load_or_bail arena_mb=64 nodes=2 swap_mb=64
free0=$(vmstat_get nr_free_pages)

kmsg_mark "migrate"
success=$(vmstat_get pgmigrate_success)
fail=$(vmstat_get pgmigrate_fail)
run_prog migrate $MIGRATE_CHECKS migrate 16 20
moved=$(( $(vmstat_get pgmigrate_success) - success ))
failed=$(( $(vmstat_get pgmigrate_fail) - fail ))
tap_diag "pgmigrate_success +$moved, pgmigrate_fail +$failed"
# 21 moves of the 2048 pages of the parent's half at least.
[ "$moved" -ge $((21 * 2048)) ]
tap_check $? "pgmigrate_success counts every page moved (+$moved)"

# Two at once on a node too small for both: moves meet a full node and reclaim.
"$PROG" migrate 24 10 >$TMP/p1 2>&1 &
p1=$!
"$PROG" migrate 24 10 >$TMP/p2 2>&1 &
p2=$!
wait $p1
rc1=$?
wait $p2
rc2=$?
tap_diag "$(grep -v '^ok' $TMP/p1 $TMP/p2)"
# A full node is ENOMEM, which the program reports as a failed move: the data must hold.
! grep -q 'FAIL migrate:' $TMP/p1 $TMP/p2 &&
	! grep -q 'FAIL the child' $TMP/p1 $TMP/p2
tap_check $? "two processes of 24 MiB on 32 MiB nodes keep their data through the moves (exits $rc1, $rc2)"

usermem_finish "migrate" "$free0"
rm -rf $TMP
tap_done
