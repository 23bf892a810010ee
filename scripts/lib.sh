#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# lib.sh - helpers shared by deps.sh, uml.sh and check.sh.
#
# Sourced by the scripts. A few helpers are also useful to make, so
# `scripts/lib.sh NAME [ARGS]` runs one of them:
#   scripts/lib.sh kdir          print the Debian amd64 headers directory
#   scripts/lib.sh sync_sources DIR   copy the module sources into DIR
#   scripts/lib.sh kernel_src    print (and extract if needed) the 6.1 tree
#
# Environment:
#   ALTMM_CACHE   cache of the extracted tree and UML builds
#                 (default ~/.cache/altmm)
#   ALTMM_SRC     directory holding Kbuild, module/ and kunit/ to build
#                 (default: the repository; point it elsewhere to try the
#                 harness on a throwaway module)

set -euo pipefail

ALTMM_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ALTMM_CACHE=${ALTMM_CACHE:-~/.cache/altmm}	# ~ works without $HOME too
ALTMM_SRC=${ALTMM_SRC:-$ALTMM_ROOT}
ALTMM_BUILD=$ALTMM_ROOT/build
ALTMM_RESULTS=$ALTMM_BUILD/results
# shellcheck disable=SC2034 # for the scripts that source this
ALTMM_CANARY='altmm: canary: modules load now'

# Messages go to stderr so stdout stays for what a script is asked for.
info() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
die() { printf '%s: error: %s\n' "${0##*/}" "$*" >&2; exit 1; }

# write_counts STEP PASSED FAILED: the one-line result every step leaves.
write_counts() {
	mkdir -p "$ALTMM_RESULTS"
	printf '%d %d\n' "$2" "$3" >"$ALTMM_RESULTS/$1.counts"
}

# Debian version of the 6.1 source package, e.g. 6.1.192-2.
debian_version() {
	dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null ||
		die "linux-source-6.1 is not installed (run scripts/deps.sh)"
}

# Headers of the kernel that linux-headers-amd64 points at, never those of
# the running kernel: the host runs something else entirely.
kdir() {
	local dep

	dep=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null) ||
		die "linux-headers-amd64 is not installed (run scripts/deps.sh)"
	dep=${dep%%[ ,]*}		# "linux-headers-6.1.0-56-amd64 (= ...)"
	[[ -d /usr/src/$dep ]] || die "/usr/src/$dep is missing"
	echo "/usr/src/$dep"
}

# The extracted 6.1 tree, extracted first if needed. The extraction goes to
# a temporary directory renamed into place, so a present tree is whole.
kernel_src() {
	local ver dir tmp tarball=/usr/src/linux-source-6.1.tar.xz

	ver=$(debian_version)
	dir=$ALTMM_CACHE/src/$ver/linux-source-6.1
	if [[ ! -f $dir/tools/testing/kunit/kunit.py ]]; then
		[[ -f $tarball ]] || die "$tarball missing (run scripts/deps.sh)"
		mkdir -p "${dir%/*}"
		(
		flock 9
		[[ -f $dir/tools/testing/kunit/kunit.py ]] && exit
		[[ ! -e $dir ]] || die "$dir exists but is incomplete; remove it"
		info "extracting $tarball into $dir"
		rm -rf "${dir%/*}"/.extract.*
		tmp=$(mktemp -d "${dir%/*}/.extract.XXXXXX")
		tar -C "$tmp" -xJf "$tarball"
		mv -T "$tmp/linux-source-6.1" "$dir"
		rmdir "$tmp"
		) 9>"${dir%/*}/.lock"
	fi
	echo "$dir"
}

# wanted_config FRAGMENT...: the settings the fragments ask for, later
# fragments winning, as lines "NAME VALUE" with VALUE "n" for
# "# CONFIG_FOO is not set".
wanted_config() {
	awk '/^CONFIG_[A-Za-z0-9_]+=/ { i = index($0, "=")
			v[substr($0, 1, i - 1)] = substr($0, i + 1) }
	     /^# CONFIG_[A-Za-z0-9_]+ is not set$/ { v[$2] = "n" }
	     END { for (k in v) print k, v[k] }' "$@" | sort
}

# verify_config CONFIG FRAGMENT...: fail loudly when olddefconfig dropped
# or changed a setting of the fragments (a missing dependency, or an option
# the architecture does not have).
verify_config() {
	local config=$1 name value got bad=0
	shift

	while read -r name value; do
		got=$(sed -n "s/^$name=//p" "$config")
		if [[ $value == n ]]; then
			[[ -z $got || $got == n ]] && continue
		else
			[[ $got == "$value" ]] && continue
		fi
		printf '%s: %s: wanted %s, .config has %s\n' "${0##*/}" \
			"$name" "$value" "${got:-nothing (not set)}" >&2
		bad=1
	done < <(wanted_config "$@")
	((bad == 0)) || {
		info "error: $config lost settings of $*"
		return 1
	}
}

# The kernel's own test files upstream/ builds, as paths in the 6.1 tree.
ALTMM_UPSTREAM_FILES="lib/test_meminit.c lib/test_free_pages.c lib/test_vmalloc.c"

# sync_sources DIR: copy Kbuild, module/, kunit/, bench/, consumer/,
# replay/, stress/ and upstream/ from $ALTMM_SRC into DIR, and the kernel files
# upstream/ builds from the 6.1 tree into DIR/upstream/.
# Only sources travel, and --delete spares what is excluded, so objects
# survive for incremental builds while removed sources disappear. Files
# are compared by content and written with the current time (no -t): a
# source older than its object, as after switching trees, still rebuilds.
sync_sources() {
	local dest=$1 what=() f

	for f in Kbuild module kunit bench consumer replay stress upstream; do
		[[ -e $ALTMM_SRC/$f ]] && what+=("$f")
	done
	((${#what[@]})) || die "nothing to build in $ALTMM_SRC"
	mkdir -p "$dest"
	(cd "$ALTMM_SRC" && rsync -rlpc --delete \
		--filter='P /upstream/lib/' \
		--include='*/' --include='Kbuild' --include='Makefile' \
		--include='*.[chS]' --include='.kunitconfig' --exclude='*' \
		"${what[@]}" "$dest/")
	[[ -e $ALTMM_SRC/upstream ]] && sync_upstream "$dest/upstream"
	return 0
}

# sync_upstream DIR: the kernel files of $ALTMM_UPSTREAM_FILES into DIR,
# at their paths in the tree. They are never part of the repository;
# a file whose content did not change is left alone, so it does not
# rebuild.
sync_upstream() {
	local dest=$1 src f

	src=$(kernel_src)
	for f in $ALTMM_UPSTREAM_FILES; do
		[[ -f $src/$f ]] || die "$src/$f is missing"
		mkdir -p "$dest/${f%/*}"
		cmp -s "$src/$f" "$dest/$f" || cp "$src/$f" "$dest/$f"
	done
}

# A person can call the helpers that make needs.
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
	case ${1:-} in
	kdir|kernel_src|debian_version) "$1" ;;
	sync_sources) (($# == 2)) || die "usage: $0 sync_sources DIR"
		sync_sources "$2" ;;
	*) sed -n '4,17s/^# \{0,1\}//p' "$0"; [[ ${1:-} == --help ]] ;;
	esac
fi
