#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Linux 6.1's own lib/test_free_pages.c, unchanged, on altmm (upstream/):
# a million times __get_free_pages(order 3), get_page(), free_pages(),
# put_page(), without and with __GFP_COMP; the page a speculative
# reference still holds must be freed by the last put, never leaked.
#
#   - test_free_pages loads (its init runs both loops) and logs "Test
#     completed";
#   - after a drain of the per-CPU lists altmm has exactly as many free
#     frames as before (nr_free_pages), and buddyinfo is as before: no
#     block leaked, none freed twice;
#   - nothing was counted as misuse, the kernel log has no report, and
#     both modules unload.

. "$(dirname "$0")/lib.sh"

FREE_PAGES=test_free_pages
FREE_PAGES_KO=${FREE_PAGES_KO:-$(first_file /altmm/modules/$FREE_PAGES.ko \
	"$SELFTESTS_DIR/../build/amd64/upstream/lib/$FREE_PAGES.ko")}

require_altmm
if [ -z "$FREE_PAGES_KO" ] || [ ! -f "$FREE_PAGES_KO" ]; then
	skip_all "$FREE_PAGES.ko not found (set FREE_PAGES_KO)"
fi
tap_plan 6

altmm_load_or_bail

ctl drain
free_before=$(vmstat_get nr_free_pages)
buddy_before=$(buddyinfo_snapshot)
misuse_before=$(ctl_event misuse)

kmsg_mark "load $FREE_PAGES"
if LOAD_ERR=$("$MODLOAD" "$FREE_PAGES_KO" 2>&1) &&
	check_log_has "^$FREE_PAGES: Test completed$" "$FREE_PAGES"; then
	tap_ok "$FREE_PAGES runs its two million cycles"
else
	tap_fail "$FREE_PAGES runs its two million cycles (${LOAD_ERR:-no end line})"
fi
rc=0
check_log_clean "$FREE_PAGES" || rc=1
[ "$(ctl_event misuse)" = "$misuse_before" ] || {
	tap_diag "misuse count went from $misuse_before to $(ctl_event misuse)"
	rc=1
}
tap_check $rc "no misuse reported, no report in the kernel log"

ctl drain
free_after=$(vmstat_get nr_free_pages)
tap_diag "nr_free_pages $free_before before, $free_after after"
[ "$free_after" = "$free_before" ]
tap_check $? "every frame is free again (nr_free_pages)"
check_buddyinfo_back "$buddy_before" "after $FREE_PAGES"
tap_check $? "buddyinfo is as before"

rc=0
"$MODLOAD" -r $FREE_PAGES >/dev/null 2>&1 || rc=1
altmm_unload || rc=1
tap_check $rc "$FREE_PAGES and altmm unload"

tap_done
