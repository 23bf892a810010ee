#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-profile.sh - where the time of an altmm_bench case goes: perf in
# the test VM, one case and one side at a time.

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
	cat <<EOF
Usage: scripts/bench-profile.sh [--symoff] [--scale PCT] CASE[:SIDE] ...

Boots the VM with perf (the host's linux-perf, its binary and libraries
packed into build/bench/perfroot.tar) and bench/profile.sh, and profiles
each altmm_bench case: SIDE is host, altmm or, left out, both. Prints the
hottest functions per case (with --symoff: function+offset, to read
against objdump -d build/amd64/module/altmm.ko) and altmm's vmstat events,
and keeps them in build/bench/profile.txt. The VM is TCG: shares are
meaningful, absolute times are not.

Examples:
  scripts/bench-profile.sh order0_pair:host order0_pair:altmm
  scripts/bench-profile.sh --symoff slab64_pair:altmm
EOF
}

main() {
	local args=() out=$ALTMM_BUILD/bench tar lib

	while (($#)); do
		case $1 in
		-h|--help) usage; return ;;
		--symoff) args+=(--symoff); shift ;;
		--scale) args+=(-s "$2"); shift 2 ;;
		-*) usage >&2; die "unknown option '$1'" ;;
		*) break ;;
		esac
	done
	(($#)) || { usage >&2; exit 2; }
	command -v perf >/dev/null || die "perf missing: apt-get install linux-perf"

	mkdir -p "$out"
	tar=$out/perfroot.tar
	rm -rf "$out/perfroot"
	mkdir -p "$out/perfroot/usr/bin"
	cp "$(command -v perf)" "$out/perfroot/usr/bin/perf"
	for lib in $(ldd "$(command -v perf)" | grep -o '/[^ ]*'); do
		mkdir -p "$out/perfroot$(dirname "$lib")"
		cp -L "$lib" "$out/perfroot$lib"
	done
	tar -C "$out/perfroot" -cf "$tar" .
	rm -rf "$out/perfroot"

	"$ALTMM_ROOT/scripts/vm.sh" --timeout 1800 -f "$tar" \
		-f "$ALTMM_ROOT/bench/profile.sh" script /altmm/files/profile.sh \
		"${args[@]}" "$@" | tee "$out/profile.txt"
}

main "$@"
