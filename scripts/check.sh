#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh - run altmm's test steps and add up their results.
#
# Each step leaves build/results/<step>.counts ("<passed> <failed>"). A
# step that fails without counting its failure, or counts nothing at all,
# is charged one failure, so a broken harness cannot pass silently. Every
# step runs even when an earlier one failed. The last line printed is the
# closing "N passed, N failed".

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The last three run in the VM with 2 vCPUs on the debug kernels of
# scripts/kernel.sh, KASAN + lockdep and KCSAN + lockdep: about 10 minutes
# of a warm run (19 in all).  The first run on a machine builds the two kernels
# (409 s and 722 s on an idle 2-core machine).
STEPS=(build kunit lint selftests kunit-debug selftests-debug selftests-kcsan)
DEBUG_ONLY_STEPS=(selftests-debug-all)
# The selftests on the KASAN kernel: those that run on both CPUs at once
# or hand altmm's memory to code it did not write (about 6 minutes of the
# 12 every selftest takes there).  Left out: bench (timings mean nothing
# on this kernel), and the single-threaded parsing and shape checks,
# which KUnit runs under KASAN in UML: bad_params, load_layouts, memfree,
# page_alloc_ctl, page_alloc_tunables, page_alloc_exhaust, replay,
# upstream_free_pages.  make check-debug runs them all there.
DEBUG_SELFTESTS=(stress page_alloc_smp page_alloc_hotplug slab_hotplug slab_files
		 consumer fuzz_debugfs page_alloc_misuse upstream_meminit
		 upstream_vmalloc usermem usermem_fuzz migrate compaction memory_hotplug
		 fault_inject debugfs_shape proc_shapes)
# The selftests that exercise more than one CPU at once, for the KCSAN
# kernel: a data race needs two CPUs in the same code.
# Not usermem: its reclaim unmaps pages from kswapd, where KCSAN reports
# the host's own flush_tlb_mm_range() reading mm_cpumask() while another
# CPU switches mm (a race in 6.1's x86 TLB code, not altmm's), seen in
# one of two runs.
KCSAN_SELFTESTS=(page_alloc_smp page_alloc_hotplug slab_files slab_hotplug stress)

usage() {
	cat <<EOF
Usage: scripts/check.sh [STEP ...]

Runs the steps (default: all of ${STEPS[*]};
${DEBUG_ONLY_STEPS[*]} when named), prints a summary with
their durations and, last, "N passed, N failed". Exits 1 when anything
failed or nothing was counted.

Steps:
  build      make modules (Debian amd64 headers, build/amd64)
  kunit      scripts/uml.sh kunit: KUnit suites in UML (the first run
             builds the UML kernel: about 5 minutes)
  lint       checkpatch.pl --strict on module/, kunit/, replay/,
             consumer/, bench/, stress/ and upstream/ sources (one test per
             file), a sparse + W=1 build against Debian's headers and
             against the UML kernel (one test each), and scripts/layers.sh
  selftests  scripts/vm.sh selftests: selftests in the QEMU VM on
             Debian's kernel
  kunit-debug
             scripts/vm.sh --kernel debug --smp 2 kunit: the KUnit suites
             in the VM on the KASAN + lockdep kernel of scripts/kernel.sh
             (the first run builds it: about 7 minutes)
  selftests-debug
             scripts/vm.sh --kernel debug --smp 2 selftests on that kernel:
             ${DEBUG_SELFTESTS[*]}
  selftests-debug-all
             every selftest on that kernel (make check-debug)
  selftests-kcsan
             scripts/vm.sh --kernel kcsan --smp 2 selftests on the KCSAN +
             lockdep kernel: ${KCSAN_SELFTESTS[*]}

Results and logs go to build/results/.
EOF
}

# === Steps ===
# Each runs in its own bash (see run_step), with set -e in force.

step_build() {
	if make -C "$ALTMM_ROOT" --no-print-directory modules; then
		write_counts build 1 0
	else
		echo "FAIL: make modules" >&2
		write_counts build 0 1
	fi
}

# checkpatch: one test per file, passed when it has nothing to say.
lint_checkpatch() {
	local src=$1 f out ignore

	shopt -s nullglob
	# MACRO_ARG_REUSE is ignored: for_each_*() iterators name their
	# cursor in the test and the step, as the kernel's own do.
	for f in "$ALTMM_SRC"/module/*.[ch] "$ALTMM_SRC"/module/include/*.h \
		 "$ALTMM_SRC"/kunit/*.[ch] "$ALTMM_SRC"/replay/*.[ch] \
		 "$ALTMM_SRC"/consumer/*.c "$ALTMM_SRC"/bench/*.[ch] \
		 "$ALTMM_SRC"/stress/*.c "$ALTMM_SRC"/upstream/*.[ch]; do
		# The compatibility header maps the kernel's own names, and
		# 6.1's __SetPageMovable() and friends are camel case.
		ignore=MACRO_ARG_REUSE
		[[ $f == */altmm_compat.h ]] && ignore+=,CAMELCASE
		# TRACE_EVENT()'s layout, as include/trace/events/ has it.
		[[ $f == */altmm_trace.h ]] && ignore+=,OPEN_ENDED_LINE,PARENTHESIS_ALIGNMENT
		out=$(cd "$ALTMM_SRC" && "$src/scripts/checkpatch.pl" --strict \
			--no-tree --terse --show-types --ignore "$ignore" \
			-f "${f#"$ALTMM_SRC"/}" 2>&1) || true
		if grep -Eq ': (ERROR|WARNING|CHECK):' <<<"$out"; then
			echo "FAIL: checkpatch ${f#"$ALTMM_SRC"/}"
			# shellcheck disable=SC2001 # indents every line
			sed 's/^/    /' <<<"$out"
			lint_failed=$((lint_failed + 1))
		else
			echo "ok: checkpatch ${f#"$ALTMM_SRC"/}"
			lint_passed=$((lint_passed + 1))
		fi
	done
}

# A sparse (C=2) + W=1 build from scratch, so every file is compiled and
# checked: one test, passed with no warning from the compiler, sparse or
# modpost. lint_sparse NAME DIR MAKE-ARGS...
lint_sparse() {
	local name=$1 dir=$2 log=$ALTMM_RESULTS/lint-$1.log n
	shift 2

	rm -rf "$dir"
	sync_sources "$dir"
	if make "$@" M="$dir" C=2 W=1 modules >"$log" 2>&1; then
		n=$(grep -Eic '(warning|error):' "$log" || true)
	else
		n=failed
	fi
	if [[ $n == 0 ]]; then
		echo "ok: sparse + W=1 build ($name)"
		lint_passed=$((lint_passed + 1))
	else
		[[ $n == failed ]] || n="$n warnings or errors"
		echo "FAIL: sparse + W=1 build ($name): $n"
		grep -Ei -A2 '(warning|error):' "$log" | sed "s|$dir/||; s/^/    /" |
			head -n 200
		[[ $n != failed ]] || tail -n 5 "$log" | sed 's/^/    /'
		echo "    full log: $log"
		lint_failed=$((lint_failed + 1))
	fi
}

# The layer rules of module/LAYERS (scripts/layers.sh), on the objects
# of the amd64 sparse build: one test per check, a silent script fails.
lint_layers() {
	local out

	out=$("$ALTMM_ROOT/scripts/layers.sh" --objs "$1" 2>&1) || true
	echo "$out"
	grep -Eq '^(ok|FAIL): ' <<<"$out" || lint_failed=$((lint_failed + 1))
	lint_passed=$((lint_passed + $(grep -c '^ok: ' <<<"$out" || true)))
	lint_failed=$((lint_failed + $(grep -c '^FAIL: ' <<<"$out" || true)))
}

step_lint() {
	local src uml

	lint_passed=0 lint_failed=0
	write_counts lint 0 1		# until proven otherwise
	src=$(kernel_src)
	lint_checkpatch "$src"
	lint_sparse amd64 "$ALTMM_BUILD/lint-amd64" -C "$(kdir)"
	lint_layers "$ALTMM_BUILD/lint-amd64/module"
	# Debian's kernel has no KUnit, so kunit/ is only checked here.
	if uml=$("$ALTMM_ROOT/scripts/uml.sh" kernel | tail -n 1); then
		lint_sparse uml "$ALTMM_BUILD/lint-uml" -C "$uml" ARCH=um
	else
		echo "FAIL: no UML kernel for the UML sparse build"
		lint_failed=$((lint_failed + 1))
	fi
	write_counts lint "$lint_passed" "$lint_failed"
	((lint_failed == 0))
}

step_kunit() {
	"$ALTMM_ROOT/scripts/uml.sh" kunit
}

step_selftests() {
	if [[ -f $ALTMM_ROOT/scripts/vm.sh ]]; then
		"$ALTMM_ROOT/scripts/vm.sh" selftests
	else
		echo "FAIL: selftests harness missing (no scripts/vm.sh)"
		write_counts selftests 0 1
		return 1
	fi
}

step_kunit_debug() {
	"$ALTMM_ROOT/scripts/vm.sh" --kernel debug --smp 2 kunit
}

step_selftests_debug() {
	"$ALTMM_ROOT/scripts/vm.sh" --kernel debug --smp 2 selftests \
		"${DEBUG_SELFTESTS[@]}"
}

step_selftests_debug_all() {
	"$ALTMM_ROOT/scripts/vm.sh" --kernel debug --smp 2 selftests
}

step_selftests_kcsan() {
	"$ALTMM_ROOT/scripts/vm.sh" --kernel kcsan --smp 2 selftests \
		"${KCSAN_SELFTESTS[@]}"
}

# === Running and adding up ===

declare -A took note files

counts_files() {
	shopt -s nullglob
	local f
	for f in "$ALTMM_RESULTS"/*.counts; do echo "$f"; done
}

# read_counts FILE: "<passed> <failed>", or "0 1" for a mangled file.
read_counts() {
	local p q rest

	read -r p q rest <"$1" || true
	if [[ $p =~ ^[0-9]+$ && $q =~ ^[0-9]+$ && -z $rest ]]; then
		echo "$p $q"
	else
		echo "0 1"
	fi
}

# run_step STEP: run it in a fresh bash so set -e works inside it, time
# it, and make sure its result is counted: every .counts file that appears
# during the step is the step's.
run_step() {
	local step=$1 start rc=0 before new f p q

	echo "=== $step ==="
	before=$(counts_files)
	start=$SECONDS
	bash "$0" --step "$step" || rc=$?
	took[$step]=$((SECONDS - start))
	new=$(comm -13 <(echo "$before") <(counts_files))
	if [[ -z $new ]]; then
		note[$step]="exited $rc and counted nothing"
		write_counts "$step" 0 1
		new=$ALTMM_RESULTS/$step.counts
	elif ((rc != 0)); then
		q=0
		for f in $new; do
			read -r p q < <(read_counts "$f")
			((q == 0)) || break
		done
		if ((q == 0)); then
			note[$step]="exited $rc with no failure counted"
			f=${new%%$'\n'*}
			read -r p q < <(read_counts "$f")
			printf '%d %d\n' "$p" $((q + 1)) >"$f"
		fi
	fi
	files[$step]=$new
}

summary() {
	local step f p q sp sq passed=0 failed=0

	echo "=== summary ==="
	for step in "$@"; do
		sp=0 sq=0
		for f in ${files[$step]}; do
			read -r p q < <(read_counts "$f")
			sp=$((sp + p)) sq=$((sq + q))
		done
		passed=$((passed + sp)) failed=$((failed + sq))
		printf '%-15s %4d passed %4d failed %5d s%s\n' "$step" "$sp" \
			"$sq" "${took[$step]}" "${note[$step]:+  ($step ${note[$step]})}"
	done
	if ((passed + failed == 0)); then
		echo "nothing was counted"
		failed=1
	fi
	echo "$passed passed, $failed failed"
	((failed == 0))
}

main() {
	local steps=() s

	if [[ ${1:-} == --step ]]; then
		"step_${2//-/_}"
		return
	fi
	for s in "$@"; do
		case $s in
		-h|--help) usage; return ;;
		build|kunit|lint|selftests|kunit-debug|selftests-debug|\
		selftests-debug-all|selftests-kcsan) steps+=("$s") ;;
		*) usage >&2; die "unknown step '$s'" ;;
		esac
	done
	((${#steps[@]})) || steps=("${STEPS[@]}")

	"$ALTMM_ROOT/scripts/deps.sh"
	if ((${#steps[@]} == ${#STEPS[@]})); then
		rm -rf "$ALTMM_RESULTS"
	else
		# selftests-debug-all counts in selftests-debug's file.
		for s in "${steps[@]}"; do
			rm -f "$ALTMM_RESULTS/$s".* "$ALTMM_RESULTS/${s%-all}".*
		done
	fi
	mkdir -p "$ALTMM_RESULTS"
	for s in "${steps[@]}"; do
		run_step "$s"
	done
	summary "${steps[@]}"
}

main "$@"
