#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# kernel.sh - build the x86_64 debug kernels the QEMU VM can boot instead of
# Debian's, and altmm's modules against them.
#
# Debian's kernel has neither KUnit nor any checker, and UML (which has
# them) is uniprocessor; these kernels put the checkers on the 2- or 4-CPU
# VM. They are built from the same linux-source-6.1 as the UML kernels,
# from allnoconfig plus scripts/kernel-x86.config and the flavour's
# fragment, and cached under $ALTMM_CACHE/kernel/, keyed by the Debian
# version and the sha1 of the fragments. The modules are built in
# build/<flavour>/ from a copy of the sources, kunit/ included.

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
	cat <<EOF
Usage: scripts/kernel.sh COMMAND [--flavour debug|kcsan]

Commands:
  kernel     build the kernel if it is not cached; print its build
             directory (bzImage in arch/x86/boot/) on the last line
  modules    build Kbuild, module/, consumer/, bench/, replay/ and kunit/
             against it, in build/<flavour>/; print that directory last
  release    print the kernel release (vermagic) of the cached build
  fragments  print the config fragments of the flavour

Flavours:
  debug (default)  kernel-x86.config + debug-x86.config: KASAN (generic,
                   inline, vmalloc), KFENCE, DEBUG_PAGEALLOC, lockdep with
                   PROVE_RCU, DEBUG_ATOMIC_SLEEP, DEBUG_PREEMPT, DEBUG_LIST,
                   DEBUG_VM, KUnit
  kcsan            kernel-x86.config + kcsan-x86.config: the same with
                   KCSAN instead of KASAN and DEBUG_PAGEALLOC

The build runs under "nice -n 10" with -j\$(nproc); its log is
<cache dir>.log. Environment: ALTMM_CACHE (default ~/.cache/altmm),
ALTMM_SRC (sources of the modules, default this repository).
EOF
}

flavour=debug

fragments() {
	case $flavour in
	debug|kcsan) echo "$ALTMM_ROOT/scripts/kernel-x86.config" \
			  "$ALTMM_ROOT/scripts/$flavour-x86.config" ;;
	*) die "unknown kernel flavour '$flavour' (debug or kcsan)" ;;
	esac
}

kernel_dir() {
	local sha

	# shellcheck disable=SC2046,SC2002 # cat joins the fragments
	sha=$(cat $(fragments) | sha1sum)
	echo "$ALTMM_CACHE/kernel/$(debian_version)-$flavour-${sha%% *}"
}

# Runs where set -e does not (under "if !"), hence the && chain. The
# fragments go in as KCONFIG_ALLCONFIG of allnoconfig, so what they do not
# name is off, then are checked before the long part.
# shellcheck disable=SC2046 # $(fragments) is a list of paths
build_kernel() {
	local src=$1 out=$2

	cat $(fragments) >"$out/altmm.config" &&
	make -C "$src" O="$out" ARCH=x86_64 \
		KCONFIG_ALLCONFIG="$out/altmm.config" allnoconfig &&
	verify_config "$out/.config" $(fragments) &&
	# "all": bzImage, and the modpost pass that writes Module.symvers,
	# which altmm's modules are checked against.
	nice -n 10 make -C "$src" O="$out" ARCH=x86_64 -j"$(nproc)" all
}

# Build into a temporary directory renamed into place on success, so an
# interrupted build is never taken for a cached one; a lock keeps two runs
# from building the same kernel at once.
cmd_kernel() {
	local dir src tmp log start

	dir=$(kernel_dir)
	if [[ ! -f $dir/arch/x86/boot/bzImage ]]; then
		src=$(kernel_src)
		mkdir -p "${dir%/*}"
		exec 9>"$dir.lock"
		flock 9
		if [[ ! -f $dir/arch/x86/boot/bzImage ]]; then
			rm -rf "${dir%/*}/.tmp.${dir##*/}".*
			tmp=$(mktemp -d "${dir%/*}/.tmp.${dir##*/}.XXXXXX")
			log=$dir.log
			info "building the $flavour x86_64 kernel (15-20 minutes on 2 cores); log: $log"
			start=$SECONDS
			if ! build_kernel "$src" "$tmp" >"$log" 2>&1; then
				rm -rf "$tmp"
				tail -n 40 "$log" >&2
				die "$flavour kernel build failed; log: $log"
			fi
			mv -T "$tmp" "$dir"
			echo "built in $((SECONDS - start)) s" >>"$log"
			info "$flavour kernel ready after $((SECONDS - start)) s: $dir"
		fi
		exec 9>&-
	fi
	echo "$dir"
}

cmd_release() {
	local dir

	dir=$(kernel_dir)
	[[ -f $dir/include/config/kernel.release ]] ||
		die "no $flavour kernel built yet (scripts/kernel.sh kernel --flavour $flavour)"
	cat "$dir/include/config/kernel.release"
}

cmd_modules() {
	local kdir bdir=$ALTMM_BUILD/$flavour

	kdir=$(cmd_kernel | tail -n 1)
	sync_sources "$bdir"
	make -C "$kdir" ARCH=x86_64 M="$bdir" modules >&2 ||
		die "module build against the $flavour kernel failed"
	echo "$bdir"
}

cmd_fragments() {
	fragments
}

main() {
	local cmd=${1:-}

	(($#)) && shift
	case $cmd in
	-h|--help|help) usage; return ;;
	kernel|modules|release|fragments) ;;
	'') usage >&2; exit 2 ;;
	*) usage >&2; die "unknown command '$cmd'" ;;
	esac
	while (($#)); do
		case $1 in
		--flavour) (($# >= 2)) || die "--flavour needs a value"
			   flavour=$2; shift 2 ;;
		--flavour=*) flavour=${1#*=}; shift ;;
		-h|--help) usage; return ;;
		*) die "'$cmd' takes no argument '$1'" ;;
		esac
	done
	fragments >/dev/null
	"cmd_$cmd"
}

main "$@"
