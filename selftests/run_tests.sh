#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run the altmm selftests, kselftest-runner style.
#
#   run_tests.sh [-t SECONDS] [TEST ...]
#
# TEST is a script of this directory (bad_params or bad_params.sh); without
# one, every test script here runs. The output is the kselftest runner's:
# a TAP stream with one result per script and each script's own TAP nested
# under "# " (tools/testing/selftests/kselftest/runner.sh in 6.1):
#
#   TAP version 13
#   1..2
#   # selftests: altmm: bad_params.sh
#   # TAP version 13
#   # 1..16
#   # ok 1 - ...
#   ok 1 selftests: altmm: bad_params.sh
#   not ok 2 selftests: altmm: memfree.sh # exit=1
#
# scripts/vm.sh parses exactly this. Each script gets -t SECONDS (default
# 300) before it is killed and reported as "# TIMEOUT".

dir=$(cd "$(dirname "$0")" && pwd)
timeout_s=300

usage()
{
	sed -n '4,23s/^# \{0,1\}//p' "$0"
}

# The test scripts: every *.sh here but the library and this runner.
all_tests()
{
	for f in "$dir"/*.sh; do
		case "${f##*/}" in
		lib.sh | run_tests.sh) ;;
		*) echo "${f##*/}" ;;
		esac
	done
}

while [ $# -gt 0 ]; do
	case "$1" in
	-h | --help) usage; exit 0 ;;
	-t) timeout_s=$2; shift 2 ;;
	--) shift; break ;;
	-*) usage >&2; exit 2 ;;
	*) break ;;
	esac
done

tests=
if [ $# -eq 0 ]; then
	tests=$(all_tests)
else
	for t in "$@"; do
		t=${t%.sh}.sh
		tests="$tests $t"
	done
fi

n=0
for t in $tests; do
	n=$((n + 1))
done

echo "TAP version 13"
echo "1..$n"
i=0
failed=0
rcfile=/tmp/altmm-selftest.rc
[ -d /tmp ] || rcfile=$dir/.rc
for t in $tests; do
	i=$((i + 1))
	echo "# selftests: altmm: $t"
	if [ ! -f "$dir/$t" ]; then
		echo "# Warning: file $t is missing!"
		echo "not ok $i selftests: altmm: $t # exit=127"
		failed=1
		continue
	fi
	start=$(cut -d' ' -f1 /proc/uptime)
	# The pipe loses the script's status, so it goes through a file.
	{ timeout "$timeout_s" sh "$dir/$t" 2>&1; echo $? >"$rcfile"; } |
		sed 's/^/# /'
	rc=$(cat "$rcfile" 2>/dev/null || echo 255)
	echo "# $t took $(awk -v s="$start" '{ printf "%.1f", $1 - s }' /proc/uptime) s"
	case "$rc" in
	0) echo "ok $i selftests: altmm: $t" ;;
	4) echo "ok $i selftests: altmm: $t # SKIP" ;;
	124 | 143)
		echo "# timeout set to $timeout_s"
		echo "not ok $i selftests: altmm: $t # TIMEOUT $timeout_s seconds"
		failed=1 ;;
	*)
		echo "not ok $i selftests: altmm: $t # exit=$rc"
		failed=1 ;;
	esac
done
rm -f "$rcfile"
exit $failed
