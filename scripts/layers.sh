#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# layers.sh - check that module/'s layers point one way.
#
# module/LAYERS gives each file of module/ a layer, lowest first. Two
# checks, each one line "ok: layers CHECK" or "FAIL: layers CHECK"
# followed by one "FILE:LINE: why" per violation:
#
#   includes  every #include "..." in module/*.[ch] and module/include/*.h
#             names a header of the file's own layer or of a lower one;
#             every file is in module/LAYERS
#   calls     no object of module/ uses a symbol (function or data)
#             defined by an object of a higher layer: an upward call
#             that goes around the headers (an extern of its own, an
#             implicit declaration) shows here. Read with nm from
#             already built objects (--objs).
#
# The exit status is 0 when both checks pass.

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
	cat <<EOF
usage: ${0##*/} [--objs DIR] [--includes-only]

Check the layer rules of module/LAYERS: includes go to the same layer
or down, and no object uses what a higher layer's object defines.

  --objs DIR       where the built module/*.o are (default:
                   build/amd64/module, as \`make modules\` leaves them)
  --includes-only  skip the check of the objects
  -h, --help       this text

Sources are read from \$ALTMM_SRC/module (default: this repository).
EOF
}

objs=$ALTMM_BUILD/amd64/module
check_calls=1
while (($#)); do
	case $1 in
	--objs) [[ $# -ge 2 ]] || die "--objs needs a directory"; objs=$2; shift ;;
	--includes-only) check_calls=0 ;;
	-h|--help) usage; exit 0 ;;
	*) usage >&2; die "unknown argument '$1'" ;;
	esac
	shift
done

mod=$ALTMM_SRC/module
layers_file=$mod/LAYERS
[[ -f $layers_file ]] || die "$layers_file is missing"

declare -A layer_of=()		# file (relative to module/) -> layer index
declare -a layer_name=()
n=0
while IFS= read -r line; do
	line=${line%%#*}
	[[ $line =~ ^[[:space:]]*$ ]] && continue
	[[ $line == *:* ]] || die "$layers_file: not \"layer: files\": $line"
	layer_name[n]=${line%%:*}
	for f in ${line#*:}; do
		[[ -z ${layer_of[$f]+x} ]] || die "$layers_file: $f is listed twice"
		layer_of[$f]=$n
	done
	n=$((n + 1))
done <"$layers_file"

# === includes ===

bad=()
shopt -s nullglob
for path in "$mod"/*.[ch] "$mod"/include/*.h; do
	f=${path#"$mod"/}
	if [[ -z ${layer_of[$f]+x} ]]; then
		bad+=("module/$f:1: not in module/LAYERS")
		continue
	fi
	while IFS=: read -r lineno hdr; do
		if [[ -f $mod/$hdr ]]; then
			target=$hdr
		elif [[ -f $mod/include/$hdr ]]; then
			target=include/$hdr
		else
			bad+=("module/$f:$lineno: includes \"$hdr\", not a file of module/")
			continue
		fi
		if [[ -z ${layer_of[$target]+x} ]]; then
			bad+=("module/$f:$lineno: includes $target, which is not in module/LAYERS")
		elif ((layer_of[$target] > layer_of[$f])); then
			bad+=("module/$f:$lineno: includes $target (${layer_name[layer_of[$target]]}) from the ${layer_name[layer_of[$f]]} layer")
		fi
	done < <(grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$path" |
		 sed 's/^\([0-9]*\):[^"]*"\([^"]*\)".*/\1:\2/')
done
report() {
	local check=$1
	shift
	if (($#)); then
		echo "FAIL: layers $check"
		printf '    %s\n' "$@"
	else
		echo "ok: layers $check"
	fi
}
report includes "${bad[@]}"
rc=$((${#bad[@]} > 0))

# === calls ===

((check_calls)) || exit "$rc"
bad=()
declare -A definer=()		# symbol -> object's source file
objects=()
for c in "$mod"/*.c; do
	f=${c#"$mod"/}
	o=$objs/${f%.c}.o
	if [[ ! -f $o ]]; then
		bad+=("module/$f:1: no object $o (build first, or give --objs)")
		continue
	fi
	[[ $o -nt $c ]] || bad+=("module/$f:1: $o is older than its source: rebuild")
	objects+=("$f")
	while read -r sym; do
		definer[$sym]=$f
	done < <(nm --defined-only -g "$o" | awk '{ print $3 }')
done
for f in "${objects[@]}"; do
	[[ -n ${layer_of[$f]+x} ]] || continue	# reported above
	while read -r sym; do
		d=${definer[$sym]:-}
		[[ -n $d && -n ${layer_of[$d]+x} ]] || continue
		((layer_of[$d] > layer_of[$f])) || continue
		lineno=$(grep -nw -m1 -- "$sym" "$mod/$f" | cut -d: -f1 || true)
		bad+=("module/$f:${lineno:-1}: uses $sym, defined in $d (${layer_name[layer_of[$d]]}) from the ${layer_name[layer_of[$f]]} layer")
	done < <(nm -u "$objs/${f%.c}.o" | awk '{ print $2 }')
done
report calls "${bad[@]}"
((rc == 0 && ${#bad[@]} == 0))
