#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot a 6.1 kernel in QEMU (TCG, 2 vCPUs by default) with the altmm
# initramfs and run the selftests, the KUnit suites, the `make run` flow, or
# a shell in it.
#
# The VM has two serial ports so that the kernel and the tests never write
# into each other's lines:
#   ttyS0  the kernel console (console=ttyS0), every kernel message, live,
#          even when the guest hangs or panics -> build/results/vm-console.log
#   ttyS1  what /init and the tests print (TAP, file dumps) -> stdout and
#          build/results/vm-output.log (vm-<flavour>-*.log on a debug kernel)
# After the run the kernel log after the canary line is scanned for
# warnings, BUGs, lockdep and sanitizer reports; each one is a failed test.
#
# Kernel (--kernel): "stock" is the one of the linux-image-amd64 package (or
# $VMLINUZ), modules built against the matching headers (or $KDIR) in
# build/amd64; "debug" and "kcsan" are the checking kernels of
# scripts/kernel.sh, modules built against them in build/<flavour>, logs
# and counts named after the flavour (vm-debug-console.log,
# selftests-debug.counts, ...).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
results=$top/build/results
canary="altmm: canary: modules load now"

usage()
{
	cat <<EOF
usage: scripts/vm.sh [OPTIONS] selftests [TEST ...]
       scripts/vm.sh [OPTIONS] kunit [MODULE ...]
       scripts/vm.sh [OPTIONS] run [PARAM=VALUE ...]
       scripts/vm.sh [OPTIONS] bench [PARAM=VALUE ...] [-- ALTMM_PARAM=VALUE ...]
       scripts/vm.sh [OPTIONS] script PATH [ARG ...]
       scripts/vm.sh [OPTIONS] shell

Boot a 6.1 kernel (Debian's, or a debug kernel of scripts/kernel.sh) under
QEMU (TCG, -cpu max, -smp 2, 1536 MiB) with a busybox initramfs holding the
altmm modules and selftests.

  selftests [TEST ...]  run the selftests (all, or the named scripts of
                        selftests/, e.g. bad_params); print each result and
                        a summary, write build/results/selftests.counts
                        ("<passed> <failed>"; selftests-<flavour>.counts
                        on a debug kernel); exit 1 on any failure.
                        Skipped tests are not counted as passed.
  kunit [MODULE ...]    (debug kernels only) load altmm.ko, then every
                        kunit/*_test.ko (or the named ones), judge the KTAP
                        on the console and the kernel log like
                        scripts/uml.sh kunit; writes
                        build/results/kunit-<flavour>.counts and
                        build/results/kunit-<flavour>/.
  run [PARAM=VALUE ...] load altmm.ko with its defaults plus the given module
                        parameters (e.g. nodes=4 arena_mb=512), run
                        scripts/workload.sh if the tree has one, print every
                        file under /sys/kernel/debug/altmm, unload.
  bench [PARAM=VALUE ...] [-- ALTMM_PARAM=VALUE ...]
                        run bench/run.sh: load altmm.ko (with the parameters
                        after --, default arena_mb=512 nodes=1) and
                        altmm_bench.ko with the given parameters, print its
                        CSV files, unload (scripts/bench.sh reads them).
  script PATH [ARG ...] run "sh PATH ARG..." in the VM after the canary, no
                        module loaded; PATH is in the image: /altmm/replay.sh
                        (replay/run.sh), or /altmm/files/NAME for a file
                        given with -f. Status: the script's.
  shell                 an interactive busybox shell in the VM (kernel
                        console on the terminal; Ctrl-A X quits QEMU).

Options:
  --kernel stock|debug|kcsan
                        the kernel to boot (default \$ALTMM_KERNEL or stock):
                        Debian's, or scripts/kernel.sh's KASAN + lockdep
                        ("debug") or KCSAN + lockdep ("kcsan") kernel, built
                        on first use (about 20 minutes) and cached
  --smp N               vCPUs (default \$ALTMM_SMP or 2)
  --no-build            use the modules already in build/amd64 (or
                        build/<flavour>)
  --timeout SECONDS     kill the VM after this long (default 900 for
                        selftests and bench, 300 for run; three times
                        that on a debug kernel, 1800 for kunit); a timeout
                        is a failure
  --test-timeout SECS   per selftest script inside the VM (default 300,
                        900 on a debug kernel)
  -f FILE               put FILE in the image as /altmm/files/NAME (repeatable)
  -h, --help            this text

Environment: KDIR (kernel headers) and VMLINUZ (kernel image) of the stock
kernel, ALTMM_KERNEL, ALTMM_SMP, ALTMM_MODULE_ARGS (altmm.ko's parameters
for kunit, default "arena_mb=32 nodes=1"), QEMU_EXTRA (more QEMU
arguments). Logs: build/results/vm-console.log (kernel console),
build/results/vm-output.log (tests' output); vm-<flavour>-console.log and
vm-<flavour>-output.log on a debug kernel.
EOF
}

die()
{
	echo "vm.sh: $*" >&2
	exit 2
}

# === Kernel and modules ===

# The kernel release of the linux-image-amd64 package, e.g. 6.1.0-56-amd64.
kernel_release()
{
	local dep v

	dep=$(dpkg-query -W -f='${Depends}' linux-image-amd64 2>/dev/null || true)
	v=$(grep -o 'linux-image-[0-9][^ ,]*-amd64' <<<"$dep" | head -n 1 || true)
	if [ -n "$v" ]; then
		echo "${v#linux-image-}"
		return
	fi
	v=$(printf '%s\n' /boot/vmlinuz-6.1.*-amd64 | sort -V | tail -n 1)
	[ -f "$v" ] || die "no Debian 6.1 kernel: apt-get install linux-image-amd64"
	echo "${v#/boot/vmlinuz-}"
}

build_modules()
{
	if [ "$kernel" != stock ]; then
		"$top/scripts/kernel.sh" modules --flavour "$kernel" >/dev/null
		return
	fi
	if grep -q '^modules:' "$top/Makefile" 2>/dev/null; then
		make -s -C "$top" modules KDIR="$KDIR"
	else
		# Until the top-level Makefile exists: what DEVELOPERS.md says.
		mkdir -p "$top/build/amd64"
		(cd "$top" && rsync -a Kbuild module kunit build/amd64/)
		make -s -C "$KDIR" M="$top/build/amd64" modules
	fi
}

check_module()
{
	local ko=$moddir/module/altmm.ko vermagic

	[ -f "$ko" ] || die "$ko is missing: the module did not build"
	vermagic=$(modinfo -F vermagic "$ko" 2>/dev/null || true)
	case "$vermagic" in
	"$krel "*) ;;
	*) die "$ko is built for '${vermagic%% *}', the VM runs $krel: rebuild (KDIR=$KDIR)" ;;
	esac
}

# === The VM ===

# boot MODE TIMEOUT APPEND...: boot, output of ttyS1 on stdout (also in
# vm-output.log), kernel console in vm-console.log. Returns QEMU's status
# (124 on timeout).
boot()
{
	local mode=$1 tmo=$2 rc

	shift 2
	local append="console=ttyS0 panic=-1 init_on_alloc=0 printk.devkmsg=on"
	# allnoconfig left KUNIT_DEFAULT_ENABLED off: suites run when asked.
	[ "$kernel" != stock ] && append="$append kunit.enable=1"
	# They cannot power off (ACPI without PCI): /init resets instead.
	[ "$kernel" != stock ] && append="$append altmm_off=reboot"
	# debug_pagealloc is built in but off unless asked for.
	[ "$kernel" = debug ] && append="$append debug_pagealloc=on"
	append="$append $*"
	# shellcheck disable=SC2054 # the commas belong to QEMU's options
	local qemu=(qemu-system-x86_64 -accel tcg,thread=multi -cpu max -smp "$smp"
		-m 1536M -nographic -no-reboot -monitor none
		-kernel "$vmlinuz" -initrd "$initrd")
	# shellcheck disable=SC2206
	local extra=(${QEMU_EXTRA:-})

	if [ "$mode" = shell ]; then
		exec "${qemu[@]}" -serial mon:stdio -append "$append" "${extra[@]}"
	fi
	: >"$console_log"
	boot_start=$(date +%s.%N)
	set +e
	# The log keeps everything; the terminal skips a run's full dump.
	timeout -k 10 "$tmo" "${qemu[@]}" \
		-serial "file:$console_log" -serial stdio \
		-append "$append altmm_out=/dev/ttyS1" "${extra[@]}" </dev/null |
		sed -u 's/\r$//' | tee "$output_log" |
		awk '/^altmm-vm: (dump|map) begins$/ { skip = 1 } !skip { print; fflush() }
		     /^altmm-vm: (dump|map) ends$/ { skip = 0 }'
	rc=${PIPESTATUS[0]}
	set -e
	boot_end=$(date +%s.%N)
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		echo "vm.sh: the VM did not finish within $tmo s: killed" >&2
		rc=124
	fi
	return "$rc"
}

elapsed()
{
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'
}

# The guest's own idea of boot to poweroff, from the last line of /init.
guest_uptime()
{
	local up

	up=$(sed -n 's/^altmm-vm: done rc=[0-9]* uptime=\([0-9.]*\)s$/\1/p' \
		"$output_log" | tail -n 1)
	echo "${up:-?}"
}

# === Kernel log scan ===

# Print every report in the kernel console log after the canary, with
# context, and the number of them on the last line. Lines of one report
# (a WARNING with its Call Trace, a KASAN report) count once: a new report
# starts at a matching line at least 100 lines after the last one began or
# after the previous one ended ("---[ end trace", "=====" rule).
scan_kernel_log()
{
	awk -v canary="$canary" '
	BEGIN {
		pat = "WARNING:|BUG:|KASAN|UBSAN|possible circular locking|" \
		      "inconsistent lock state|possible recursive locking|" \
		      "Oops|general protection|refcount_t:|Call Trace|" \
		      "Kernel panic|blocked for more than|detected stalls|KCSAN"
	}
	{ sub(/\r$/, "") }
	!seen && index($0, canary) { seen = 1; next }
	!seen { next }
	{ hist[NR % 3] = $0 }
	open && (/---\[ end trace/ || /^(\[[ 0-9.]*\] )?=====/) {
		print "    " $0
		open = 0
		next
	}
	open && NR - start >= 100 { open = 0 }
	$0 ~ pat && !open {
		n++
		open = 1
		start = NR
		printf "  kernel log report %d:\n", n
		for (i = NR - 2; i < NR; i++)
			if ((i % 3) in hist)
				print "    " hist[i % 3]
		print "    " $0
		shown = 1
		next
	}
	open && shown < 40 { print "    " $0; shown++ }
	END {
		if (!seen)
			print "  (no canary in the kernel log)"
		print n + 0
	}' "$console_log"
}

# === selftests ===

# Parse the runner's TAP (selftests/run_tests.sh) in vm-output.log: print
# each script's results and write "<passed> <failed> <skipped>" to $2.
# A script that crashes, times out, has no plan or runs a different number
# of tests than planned is one more failure (one per script, whatever the
# reasons); so is a script that never ran.
parse_tap()
{
	awk -v tests="$1" -v countsfile="$2" '
	# Whatever went wrong with a script as a whole is one failure.
	function problem(t, msg) { extra[t] = extra[t] "    FAIL " msg "\n" }
	function finish(t, directive,   d) {
		out[t] = out[t] pend[t]
		if (!(t in plan))
			problem(t, "no TAP plan (crashed before printing one?)")
		else if (planned[t] != nres[t] && !(planned[t] == 0 && tskip[t]))
			problem(t, "planned " planned[t] " tests, ran " nres[t])
		if (directive ~ /^TIMEOUT/)
			problem(t, "timed out (" directive ")")
		else if (directive ~ /^exit=/ && !nfail[t]) {
			d = directive; sub(/^exit=/, "", d)
			problem(t, "exited with status " d)
		}
		if (directive ~ /^SKIP/)
			tskip[t] = 1
		done[t] = 1
	}
	BEGIN { nt = split(tests, T, " ") }
	{ sub(/\r$/, "") }
	/^# selftests: altmm: / {
		cur = $0; sub(/^# selftests: altmm: /, "", cur)
		ran[cur] = 1
		next
	}
	cur != "" && /^(not )?ok [0-9]+ selftests: altmm: / {
		d = ""
		if (match($0, / # .*/))
			d = substr($0, RSTART + 3)
		finish(cur, d)
		cur = ""
		next
	}
	cur != "" && /^# / {
		line = substr($0, 3)
		if (line ~ /^1\.\.[0-9]+/) {
			plan[cur] = line
			p = line; sub(/^1\.\./, "", p); sub(/[^0-9].*/, "", p)
			planned[cur] = p + 0
			if (line ~ /# *SKIP/) {
				tskip[cur] = 1
				out[cur] = out[cur] "    SKIP " line "\n"
			}
		} else if (line ~ /^(not )?ok [0-9]+/) {
			# A failed result is shown with the diagnostics printed
			# since the previous result; a passed one without.
			nres[cur]++
			if (line ~ /# *SKIP/) {
				skips++
				out[cur] = out[cur] "    SKIP " line "\n"
			} else if (line ~ /^ok/) {
				passes++
				out[cur] = out[cur] "    PASS " line "\n"
			} else {
				fails++
				nfail[cur]++
				out[cur] = out[cur] "    FAIL " line "\n" pend[cur]
			}
			pend[cur] = ""
		} else if (line !~ /^TAP version/) {
			pend[cur] = pend[cur] "         " line "\n"
		}
		next
	}
	END {
		if (cur != "") {
			out[cur] = out[cur] pend[cur]
			problem(cur, "did not finish (the VM stopped while it ran)")
		}
		for (i = 1; i <= nt; i++) {
			t = T[i]
			if (!(t in ran))
				problem(t, "did not run")
			if (extra[t] != "")
				fails++
			v = (extra[t] != "" || nfail[t]) ? "FAIL" : tskip[t] ? "SKIP" : "ok"
			printf "%-4s %s\n", v, t
			# out[t] holds diagnostics only after a failed result and
			# after the last result: show them when the script failed.
			n = split(out[t], L, "\n")
			for (j = 1; j < n; j++)
				if (v == "FAIL" || L[j] !~ /^         /)
					print L[j]
			printf "%s", extra[t]
		}
		printf "%d %d %d\n", passes, fails, skips > countsfile
	}' "$output_log"
}

cmd_selftests()
{
	local t tests=() names rc=0 passed failed skipped reports

	for t in "$@"; do
		t=${t%.sh}.sh
		[ -f "$top/selftests/$t" ] || die "no selftest $t in selftests/"
		tests+=("$t")
	done
	if [ ${#tests[@]} -eq 0 ]; then
		for t in "$top"/selftests/*.sh; do
			case "${t##*/}" in
			lib.sh | run_tests.sh) ;;
			*) tests+=("${t##*/}") ;;
			esac
		done
	fi
	names="${tests[*]}"

	boot selftests "${timeout:-$((900 * slow))}" altmm_mode=selftests \
		"altmm_tests=\"$names\"" "altmm_timeout=$test_timeout" || rc=$?

	echo
	echo "==== selftests on the $kernel kernel, $smp vCPUs (VM: $(elapsed "$boot_start" "$boot_end") s wall," \
		"guest uptime $(guest_uptime) s) ===="
	parse_tap "$names" "$results/selftests.tmp"
	read -r passed failed skipped <"$results/selftests.tmp"
	rm -f "$results/selftests.tmp"

	if [ "$rc" -ne 0 ]; then
		echo "FAIL VM: $([ "$rc" -eq 124 ] && echo "timed out" ||
			echo "qemu exited with $rc")"
		failed=$((failed + 1))
	elif ! grep -q '^altmm-vm: done rc=' "$output_log"; then
		echo "FAIL VM: /init did not finish (panic? see $console_log)"
		failed=$((failed + 1))
	fi

	reports=$(scan_kernel_log)
	if [ "$(tail -n 1 <<<"$reports")" -ne 0 ]; then
		echo "FAIL kernel log after the canary:"
		sed '$d' <<<"$reports"
		failed=$((failed + $(tail -n 1 <<<"$reports")))
	else
		sed '$d' <<<"$reports"
	fi

	echo "$passed $failed" >"$results/selftests$tag.counts"
	echo "selftests: $passed passed, $failed failed, $skipped skipped" \
		"(${#tests[@]} scripts; logs in build/results/vm-*.log)"
	[ "$failed" -eq 0 ]
}

# After a boot: its times, any kernel log report after the canary, and
# the status /init wrote; WHAT says what failed.  Returns 1 on any problem.
judge_boot()
{
	local what=$1 rc=0 reports status

	echo
	echo "vm.sh: VM ran $(elapsed "$boot_start" "$boot_end") s wall," \
		"guest uptime $(guest_uptime) s"
	reports=$(scan_kernel_log)
	sed '$d' <<<"$reports"
	if [ "$(tail -n 1 <<<"$reports")" -ne 0 ]; then
		echo "vm.sh: $(tail -n 1 <<<"$reports") kernel log report(s) after the canary (see above)"
		rc=1
	fi
	status=$(sed -n 's/^altmm-vm: done rc=\([0-9]*\).*/\1/p' \
		"$output_log" | tail -n 1)
	if [ -z "$status" ]; then
		echo "vm.sh: /init did not finish (see $console_log)"
		rc=1
	elif [ "$status" -ne 0 ]; then
		echo "vm.sh: $what (status $status)"
		rc=1
	fi
	return "$rc"
}

cmd_run()
{
	local rc=0

	boot run "${timeout:-$((300 * slow))}" altmm_mode=run "altmm_args=\"$*\"" || rc=$?
	sed -n '/^altmm-vm: dump begins$/,/^altmm-vm: dump ends$/p' "$output_log" \
		>"$results/run-dump.txt"
	echo "vm.sh: every debugfs file after the workload: $results/run-dump.txt" \
	     "($(grep -c '^==> ' "$results/run-dump.txt") files)"
	sed -n '/^altmm-vm: map begins$/,/^altmm-vm: map ends$/p' "$output_log" \
		>"$results/arena-map-loaded.txt"
	if command -v gnuplot >/dev/null; then
		"$top/scripts/arena-picture.py" "$results/arena-map-loaded.txt" \
			"$results/arena-loaded.png" "altmm just loaded" || rc=1
		"$top/scripts/arena-picture.py" "$results/run-dump.txt" \
			"$results/arena-after-workload.png" "altmm after the workload" || rc=1
	fi
	judge_boot "the run failed in the VM" || rc=1
	return "$rc"
}

cmd_bench()
{
	local rc=0 bench=() altmm=()

	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		bench+=("$1")
		shift
	done
	[ $# -gt 0 ] && shift
	altmm=("$@")
	boot bench "${timeout:-$((900 * slow))}" altmm_mode=bench \
		"altmm_bench_args=\"${bench[*]}\"" "altmm_args=\"${altmm[*]}\"" || rc=$?
	judge_boot "the benchmark failed in the VM" || rc=1
	return "$rc"
}

cmd_script()
{
	local rc=0 path=$1

	shift
	boot script "${timeout:-$((900 * slow))}" altmm_mode=script "altmm_script=$path" \
		"altmm_script_args=\"$*\"" || rc=$?
	judge_boot "$path failed in the VM" || rc=1
	return "$rc"
}

# === KUnit (debug kernels) ===

# The test modules to load: the named ones, else every kunit/*_test.ko
# kbuild just built (modules.order, so stale objects never load).
kunit_modules()
{
	local m

	if [ $# -eq 0 ]; then
		while read -r m; do
			m=${m##*/}
			m=${m%.ko}
			m=${m%.o}
			case "$m" in
			*_test) set -- "$@" "$m" ;;
			esac
		done < <(grep -E '(^|/)kunit/[^/]+_test\.k?o$' "$moddir/modules.order")
	fi
	for m in "$@"; do
		m=${m##*/}
		m=${m%.ko}
		[ -f "$moddir/kunit/$m.ko" ] || die "no kunit/$m.ko in $moddir"
		echo "$m"
	done
}

# The same judgement as scripts/uml.sh kunit (scripts/kunit-judge.py):
# the guest's init prints its steps as "altmm-kunit: status ..." lines,
# which become the status file the judge reads.
cmd_kunit()
{
	local rc=0 names=() kos=() m out src

	mapfile -t names < <(kunit_modules "$@")
	[ ${#names[@]} -gt 0 ] || echo "vm.sh: warning: no kunit/*_test.ko to load" >&2
	for m in ${names[@]+"${names[@]}"}; do
		kos+=("$moddir/kunit/$m.ko")
	done
	out=$results/kunit$tag
	rm -rf "$out"
	mkdir -p "$out"
	boot kunit "${timeout:-1800}" altmm_mode=kunit \
		"altmm_kunit=\"${names[*]}\"" \
		"altmm_args=\"${ALTMM_MODULE_ARGS-arena_mb=32 nodes=1}\"" || rc=$?
	echo
	echo "==== KUnit on the $kernel kernel, $smp vCPUs (VM: $(elapsed "$boot_start" "$boot_end") s wall," \
		"guest uptime $(guest_uptime) s) ===="
	sed -n 's/^altmm-kunit: status //p' "$output_log" >"$out/status"
	src=$("$top/scripts/lib.sh" kernel_src)
	python3 "$top/scripts/kunit-judge.py" "$src" "$out" "$console_log" \
		"$canary" "$rc" "$moddir/module/altmm.ko" ${kos[@]+"${kos[@]}"}
}

# === Main ===

build=1
timeout=
test_timeout=
kernel=${ALTMM_KERNEL:-stock}
smp=${ALTMM_SMP:-2}
mkfiles=()
while [ $# -gt 0 ]; do
	case "$1" in
	-h | --help) usage; exit 0 ;;
	-f) [ -f "${2:-}" ] || die "-f ${2:-}: no such file"
		mkfiles+=(-f "$2"); shift 2 ;;
	--no-build) build=0; shift ;;
	--timeout) timeout=$2; shift 2 ;;
	--test-timeout) test_timeout=$2; shift 2 ;;
	--kernel) kernel=${2:-}; shift 2 ;;
	--kernel=*) kernel=${1#*=}; shift ;;
	--smp) smp=${2:-}; shift 2 ;;
	--smp=*) smp=${1#*=}; shift ;;
	-*) usage >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || { usage >&2; exit 2; }
cmd=$1
shift
case "$cmd" in
selftests | kunit | run | bench | script | shell) ;;
*) usage >&2; exit 2 ;;
esac
case "$smp" in
[1-8]) ;;
*) die "--smp $smp: 1 to 8 vCPUs (the debug kernels have NR_CPUS=8)" ;;
esac

# tag names the logs and counts of a debug kernel; slow scales the
# default timeouts: KASAN or KCSAN with lockdep under TCG is several
# times slower than Debian's kernel.
case "$kernel" in
stock)
	[ "$cmd" != kunit ] ||
		die "Debian's kernel has no KUnit: kunit needs --kernel debug or kcsan"
	krel=$(kernel_release)
	vmlinuz=${VMLINUZ:-/boot/vmlinuz-$krel}
	KDIR=${KDIR:-/usr/src/linux-headers-$krel}
	moddir=$top/build/amd64
	tag=
	slow=1
	;;
debug | kcsan)
	# Builds it on first use; the long part is skipped when cached.
	KDIR=$("$top/scripts/kernel.sh" kernel --flavour "$kernel" | tail -n 1) ||
		die "no $kernel kernel (scripts/kernel.sh kernel --flavour $kernel)"
	krel=$(cat "$KDIR/include/config/kernel.release")
	vmlinuz=$KDIR/arch/x86/boot/bzImage
	moddir=$top/build/$kernel
	tag=-$kernel
	slow=3
	;;
*) die "--kernel $kernel: stock, debug or kcsan" ;;
esac
test_timeout=${test_timeout:-$((300 * slow))}
console_log=$results/vm$tag-console.log
output_log=$results/vm$tag-output.log
[ -r "$vmlinuz" ] || die "cannot read $vmlinuz"
command -v qemu-system-x86_64 >/dev/null ||
	die "qemu-system-x86_64 missing: apt-get install qemu-system-x86"

total_start=$(date +%s.%N)
mkdir -p "$results"
# Until the VM has run, the step counts as one failure: a build that stops
# this script must not leave an older result behind.
case "$cmd" in
selftests | kunit) echo "0 1" >"$results/$cmd$tag.counts" ;;
esac
if [ "$build" -eq 1 ]; then
	build_modules || die "the modules did not build (make modules)"
fi
check_module
initrd=$top/build/initramfs$tag.cpio.gz
"$top/scripts/mkinitramfs.sh" -o "$initrd" -m "$moddir" \
	${mkfiles[@]+"${mkfiles[@]}"} >/dev/null

rc=0
case "$cmd" in
selftests) cmd_selftests "$@" || rc=$? ;;
kunit) cmd_kunit "$@" || rc=$? ;;
run) cmd_run "$@" || rc=$? ;;
bench) cmd_bench "$@" || rc=$? ;;
script) [ $# -gt 0 ] || { usage >&2; exit 2; }
	cmd_script "$@" || rc=$? ;;
shell) boot shell 0 altmm_mode=shell ;;
esac
echo "vm.sh: $cmd took $(elapsed "$total_start" "$(date +%s.%N)") s in all"
exit "$rc"
