#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A workload for scripts/capture-trace.sh, of the kind behind
# selftests/traces/vm-smallfiles-pipes.trace.gz: many small files created,
# listed, read through pipes and removed, so processes fork and exit,
# files open and close and pipes fill: the kmem events of everyday shell
# work.
#
#   smallfiles-pipes.sh [ROUNDS] [FILES]     (default 20 rounds of 50 files)

# The pipes and the ls are the point, not what they compute.
# shellcheck disable=SC2002,SC2012

rounds=${1:-20}
files=${2:-50}
dir=/tmp/smallfiles

r=1
while [ "$r" -le "$rounds" ]; do
	mkdir -p "$dir"
	for i in $(seq "$files"); do
		seq "$i" >"$dir/f$i"
	done
	ls "$dir" | sort | head -n 5 >/dev/null
	cat "$dir"/f* | sort -n | head -n 3 >/dev/null
	for i in $(seq 1 5 "$files"); do
		cat "$dir/f$i" | wc -l >/dev/null
	done
	rm -rf "$dir"
	r=$((r + 1))
done
