#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# deps.sh - make sure the Debian packages altmm builds and tests with are
# installed.
#
# Quiet and quick when they all are. Otherwise, as root, it runs
# `apt-get update` once and installs the missing ones; as anyone else it
# names them and fails.

set -euo pipefail

PACKAGES=(
	linux-source-6.1 linux-headers-amd64 linux-image-amd64
	qemu-system-x86 busybox-static kmod cpio
	flex bison bc libelf-dev libssl-dev gcc make libc6-dev
	rsync sparse xz-utils python3 perl procps gnuplot-nox numactl
)

usage() {
	cat <<EOF
Usage: scripts/deps.sh [--help]

Installs whatever is missing of: ${PACKAGES[*]}

As root this runs apt-get update and apt-get install (non-interactive);
otherwise it lists the missing packages and exits 1. Prints nothing when
everything is already installed.
EOF
}

# Packages of the list that dpkg does not know as installed.
missing() {
	local installed

	installed=$(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' \
		"${PACKAGES[@]}" 2>/dev/null | awk '$1 == "ii" { print $2 }') || true
	comm -23 <(printf '%s\n' "${PACKAGES[@]}" | sort) \
		<(printf '%s\n' "$installed" | sort)
}

main() {
	local todo

	case ${1:-} in
	'') ;;
	-h|--help) usage; return ;;
	*) usage >&2; exit 2 ;;
	esac

	mapfile -t todo < <(missing)
	((${#todo[@]})) || return 0

	if ((EUID != 0)); then
		echo "deps.sh: missing packages: ${todo[*]}" >&2
		echo "deps.sh: install them as root: apt-get install ${todo[*]}" >&2
		exit 1
	fi
	echo "deps.sh: installing ${todo[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >&2
	apt-get install -y -q --no-install-recommends "${todo[@]}" >&2

	mapfile -t todo < <(missing)
	((${#todo[@]} == 0)) || {
		echo "deps.sh: still missing after apt-get: ${todo[*]}" >&2
		exit 1
	}
}

main "$@"
