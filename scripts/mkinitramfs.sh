#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the initramfs of the altmm test VM: a gzipped newc cpio holding
# busybox-static (with a symlink per applet), every .ko under build/amd64,
# the selftests with their modload helper and reference files, and an /init
# that mounts proc, sysfs, devtmpfs, debugfs and tmpfs, then does what the
# kernel command line asks and powers off. scripts/vm.sh builds it and boots
# it; run this alone to inspect the image.
#
# The kernel hands every command-line parameter of the form key=value whose
# key has no dot to /init as an environment variable. /init reads:
#   altmm_mode=selftests  run selftests/run_tests.sh [$altmm_tests]
#   altmm_mode=run        load altmm.ko with $altmm_args, run the workload
#                         hook, print every debugfs file, unload
#   altmm_mode=bench      run /altmm/bench.sh (bench/run.sh): altmm.ko with
#                         $altmm_args, altmm_bench.ko with $altmm_bench_args
#   altmm_mode=script     run sh $altmm_script $altmm_script_args (a path in
#                         the image, e.g. /altmm/replay.sh or a file given
#                         with -f), MODLOAD exported, after the canary
#   altmm_mode=kunit      load altmm.ko with $altmm_args, then each KUnit
#                         module named in $altmm_kunit (altmm_slab_test
#                         ...), unload them all; each step is a line
#                         "altmm-kunit: status ..." for scripts/vm.sh
#   altmm_mode=shell      an interactive shell (the default)
#   altmm_out=/dev/ttyS1  where the output goes (default /dev/console)
#   altmm_timeout=N       seconds per selftest script (default 300)
#   altmm_off=reboot      end with a reset, not a poweroff (debug kernels)
# e.g. -append "console=ttyS0 altmm_mode=run altmm_args=\"nodes=4\"".
# Dotted keys (altmm.mode=) are not passed on, and would one day be taken
# for parameters of altmm.ko by modprobe.
#
# Layout of the image:
#   /init, /bin/busybox and its applets
#   /usr/bin/slabtop and its libraries, if the host has procps
#   /altmm/modules/*.ko          flat copy of build/amd64/**/*.ko
#   /altmm/selftests/            selftests/*.sh, reference/, modload, usermap,
#                                fuzz_debugfs, usermem_prog, usermem_fuzz
#                                and fuzz-corpus/
#   /altmm/workload.sh           scripts/workload.sh, if the tree has one
#   /altmm/bench.sh              bench/run.sh, if the tree has one
#   /altmm/replay.sh             replay/run.sh (replays a kmem trace)
#   /altmm/selftests/traces/     selftests/traces/, sample traces
#   /altmm/files/                the files given with -f
set -euo pipefail

usage()
{
	cat <<EOF
usage: scripts/mkinitramfs.sh [-o OUTPUT] [-m MODULE_DIR] [-f FILE ...]

Build the test VM's initramfs (gzipped newc cpio).
  -o OUTPUT      image to write (default build/initramfs.cpio.gz)
  -m MODULE_DIR  directory searched for *.ko (default build/amd64)
  -f FILE        also copy FILE into /altmm/files/ (repeatable)
The modules must already be built (make modules). The modload helper is
compiled from selftests/modload.c into build/selftests/modload as needed,
and selftests/usermap.c (consumer.sh), fuzz_debugfs.c, usermem_prog.c
(usermem.sh, the run flow's workload) and usermem_fuzz.c (usermem_fuzz.sh;
both with module/include/uapi) beside it.
EOF
}

top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/initramfs.cpio.gz
moddir=$top/build/amd64
files=()

while [ $# -gt 0 ]; do
	case "$1" in
	-h | --help) usage; exit 0 ;;
	-o) out=$2; shift 2 ;;
	-m) moddir=$2; shift 2 ;;
	-f) files+=("$2"); shift 2 ;;
	*) usage >&2; exit 2 ;;
	esac
done

die()
{
	echo "mkinitramfs: $*" >&2
	exit 1
}

busybox=/bin/busybox
if ! "$busybox" --list-full >/dev/null 2>&1; then
	die "$busybox missing: apt-get install busybox-static"
fi
if command -v file >/dev/null &&
	file -L "$busybox" | grep -q 'dynamically linked'; then
	die "$busybox is dynamically linked: install busybox-static"
fi
command -v cpio >/dev/null || die "cpio missing: apt-get install cpio"

mapfile -t kos < <(find "$moddir" -name '*.ko' -type f 2>/dev/null | sort)
[ ${#kos[@]} -gt 0 ] || die "no .ko under $moddir: run make modules first"

# The single-syscall loader; static, so it needs nothing from the image.
modload=$top/build/selftests/modload
if [ ! -x "$modload" ] || [ "$top/selftests/modload.c" -nt "$modload" ]; then
	mkdir -p "$(dirname "$modload")"
	gcc -static -O2 -Wall -o "$modload" "$top/selftests/modload.c"
fi
# The user side of remap_vmalloc_range(), for consumer.sh.
usermap=$top/build/selftests/usermap
if [ ! -x "$usermap" ] || [ "$top/selftests/usermap.c" -nt "$usermap" ]; then
	gcc -static -O2 -Wall -o "$usermap" "$top/selftests/usermap.c"
fi
# The fuzzer of selftests/fuzz_debugfs.sh, static as well.
fuzz=$top/build/selftests/fuzz_debugfs
if [ ! -x "$fuzz" ] || [ "$top/selftests/fuzz_debugfs.c" -nt "$fuzz" ]; then
	gcc -static -O2 -Wall -o "$fuzz" "$top/selftests/fuzz_debugfs.c"
fi
# A process living in /dev/altmm memory, for selftests/usermem.sh; it
# takes the device's ioctls from the module's uapi header.
uprog=$top/build/selftests/usermem_prog
uapi=$top/module/include/uapi
if [ ! -x "$uprog" ] || [ "$top/selftests/usermem_prog.c" -nt "$uprog" ] ||
	[ "$uapi/altmm_dev.h" -nt "$uprog" ]; then
	gcc -static -O2 -Wall -I"$uapi" -o "$uprog" "$top/selftests/usermem_prog.c"
fi
# Fork storms and random calls on /dev/altmm, for selftests/usermem_fuzz.sh.
ufuzz=$top/build/selftests/usermem_fuzz
if [ ! -x "$ufuzz" ] || [ "$top/selftests/usermem_fuzz.c" -nt "$ufuzz" ] ||
	[ "$uapi/altmm_dev.h" -nt "$ufuzz" ]; then
	gcc -static -O2 -Wall -I"$uapi" -o "$ufuzz" "$top/selftests/usermem_fuzz.c"
fi

# The user memory benchmark of bench/run.sh (make bench), beside it.
ubench=$top/build/selftests/usermem_bench
if [ ! -x "$ubench" ] || [ "$top/selftests/usermem_bench.c" -nt "$ubench" ]; then
	gcc -static -O2 -Wall -o "$ubench" "$top/selftests/usermem_bench.c"
fi

# 6.1's tools/vm/page_owner_sort for selftests/page_owner.sh, from the
# extracted tree when there is one (the test skips without it).
# And its tools/vm/page-types (with tools/lib/api) for selftests/kpageflags.sh.
posort=$top/build/selftests/page_owner_sort
ptypes=$top/build/selftests/page-types
if { [ ! -x "$posort" ] || [ ! -x "$ptypes" ]; } &&
   src=$("$top/scripts/lib.sh" kernel_src 2>/dev/null); then
	gcc -static -O2 -o "$posort" "$src/tools/vm/page_owner_sort.c" 2>/dev/null || true
	gcc -static -O2 -I"$src/tools/include" -I"$src/tools/lib" -I"$src/tools/lib/api" \
		-o "$ptypes" "$src/tools/vm/page-types.c" "$src/tools/lib/api/fs/fs.c" \
		"$src/tools/lib/api/fs/cgroup.c" "$src/tools/lib/api/debug.c" 2>/dev/null || true
fi

stage=$top/build/initramfs
rm -rf "$stage"
mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,root,altmm/modules}
cp "$busybox" "$stage/bin/busybox"
for applet in $("$busybox" --list-full); do
	[ -e "$stage/$applet" ] || ln -s /bin/busybox "$stage/$applet"
done
# slabtop (Debian's procps) for selftests/slab_files.sh, which bind-mounts
# altmm's slabinfo over /proc/slabinfo: the binary, every shared library
# ldd names and the dynamic loader, each at the path the binary expects.
# The same for numactl and numastat (Debian's numactl) of
# selftests/node_files.sh, which bind-mounts altmm's node/ over
# /sys/devices/system/node.
for bin in /usr/bin/slabtop /usr/bin/numactl /usr/bin/numastat; do
	[ -x "$bin" ] || continue
	rm -f "$stage$bin"
	cp "$bin" "$stage$bin"
	for lib in $(ldd "$bin" | grep -o '/[^ ]*'); do
		mkdir -p "$stage$(dirname "$lib")"
		cp -L "$lib" "$stage$lib"
	done
done
# The kernel's built-in cpio has /dev/console already; this is a spare.
mknod -m 600 "$stage/dev/console" c 5 1 2>/dev/null || true

for ko in "${kos[@]}"; do
	name=$(basename "$ko")
	[ -e "$stage/altmm/modules/$name" ] && die "two modules named $name"
	cp "$ko" "$stage/altmm/modules/"
done

mkdir -p "$stage/altmm/selftests"
cp "$top"/selftests/*.sh "$stage/altmm/selftests/"
[ -d "$top/selftests/reference" ] &&
	cp -r "$top/selftests/reference" "$stage/altmm/selftests/"
[ -d "$top/selftests/traces" ] &&
	cp -r "$top/selftests/traces" "$stage/altmm/selftests/"
cp "$modload" "$stage/altmm/selftests/modload"
cp "$usermap" "$stage/altmm/selftests/usermap"
cp "$fuzz" "$stage/altmm/selftests/fuzz_debugfs"
cp "$uprog" "$stage/altmm/selftests/usermem_prog"
cp "$ufuzz" "$stage/altmm/selftests/usermem_fuzz"
[ -d "$top/selftests/fuzz-corpus" ] &&
	cp -r "$top/selftests/fuzz-corpus" "$stage/altmm/selftests/"
cp "$ubench" "$stage/altmm/selftests/usermem_bench"
[ -x "$posort" ] && cp "$posort" "$stage/altmm/selftests/page_owner_sort"
[ -x "$ptypes" ] && cp "$ptypes" "$stage/altmm/selftests/page-types"

# Hook of the run flow: a workload for the module, once the tree has one.
if [ -f "$top/scripts/workload.sh" ]; then
	cp "$top/scripts/workload.sh" "$stage/altmm/workload.sh"
fi
# The benchmark's runner (altmm_mode=bench).
if [ -f "$top/bench/run.sh" ]; then
	cp "$top/bench/run.sh" "$stage/altmm/bench.sh"
fi
# The trace replayer's runner, and the files of -f (altmm_mode=script).
if [ -f "$top/replay/run.sh" ]; then
	cp "$top/replay/run.sh" "$stage/altmm/replay.sh"
fi
mkdir -p "$stage/altmm/files"
for f in ${files[@]+"${files[@]}"}; do
	[ -f "$f" ] || die "-f $f: no such file"
	cp "$f" "$stage/altmm/files/"
done

cat >"$stage/init" <<'EOF'
#!/bin/sh
# /init of the altmm test VM, written by scripts/mkinitramfs.sh (see there).
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmpfs /tmp

out=${altmm_out:-/dev/console}
[ -c "$out" ] || out=/dev/console
if [ "${altmm_mode:-shell}" != shell ]; then
	exec </dev/null >"$out" 2>&1
fi

CANARY="altmm: canary: modules load now"
MODLOAD=/altmm/selftests/modload
DEBUGFS=/sys/kernel/debug/altmm

# The kernel log after the last line equal to $1, timestamps stripped.
klog_after()
{
	dmesg | sed 's/^\[[ 0-9.]*\] //' |
		awk -v mark="$1" '$0 == mark { n = 0; found = 1; next }
			found { line[++n] = $0 }
			END { for (i = 1; i <= n; i++) print line[i] }'
}

# make run: load altmm.ko with $altmm_args, show what it made, unload.
run_flow()
{
	local f rc n

	echo "altmm-vm: insmod altmm.ko $altmm_args"
	echo "$CANARY" >/dev/kmsg
	# $altmm_args is split into module parameters on purpose.
	# shellcheck disable=SC2086
	$MODLOAD /altmm/modules/altmm.ko $altmm_args
	rc=$?
	klog_after "$CANARY" | grep altmm
	[ $rc -eq 0 ] || return $rc

	# The arena as loaded, for the picture of scripts/vm.sh run.
	echo "altmm-vm: map begins"
	cat "$DEBUGFS/arena_map"
	echo "altmm-vm: map ends"

	# === Workload hook ===
	# scripts/workload.sh of the tree, when it exists, runs here with the
	# module loaded and its debugfs directory as $1 (e.g. to drive a ctl
	# file of the page allocator) before the files are printed.
	if [ -f /altmm/workload.sh ]; then
		echo "altmm-vm: workload.sh $DEBUGFS"
		echo "altmm_vm: workload starts" >/dev/kmsg
		MODLOAD=$MODLOAD sh /altmm/workload.sh "$DEBUGFS" || rc=$?
		echo "altmm-vm: workload.sh exit=$rc"
	fi

	# A summary for the terminal; every readable file after it, between
	# markers that scripts/vm.sh cuts out into build/results/run-dump.txt.
	echo "==> summary: layout <=="
	cat "$DEBUGFS/layout"
	echo "==> summary: buddyinfo <=="
	cat "$DEBUGFS/buddyinfo"
	echo "==> summary: meminfo (head) <=="
	head -n 16 "$DEBUGFS/meminfo"
	echo "==> summary: slabinfo, the ten caches holding the most memory <=="
	awk 'NR > 2 && $15 > 0 { printf "%-24s %8d objs %6d B %8d kB\n", $1, $3, $4, $15 * $6 * 4 }' \
		"$DEBUGFS/slabinfo" | sort -k6 -n -r | head -n 10
	echo "altmm-vm: dump begins"
	for f in $(find "$DEBUGFS" -type f -perm -0400 | sort); do
		echo "==> $f <=="
		cat "$f"
		echo
	done
	echo "altmm-vm: dump ends"

	echo "altmm_vm: rmmod" >/dev/kmsg
	# The workload may have left a process mapping /dev/altmm.
	if killall usermem_prog 2>/dev/null; then
		n=0
		while pidof usermem_prog >/dev/null && [ $n -lt 50 ]; do
			sleep 0.1
			n=$((n + 1))
		done
	fi
	# The workload may have loaded the consumer, which uses altmm.
	grep -q '^altmm_consumer ' /proc/modules && { $MODLOAD -r altmm_consumer || rc=$?; }
	$MODLOAD -r altmm || rc=$?
	klog_after "altmm_vm: rmmod" | grep altmm
	return $rc
}

# KUnit on a kernel that has it (scripts/vm.sh kunit): the suites run in
# the init of their modules and print KTAP on the kernel console, where
# scripts/kunit-judge.py reads them. Each step is also a status line on
# our output, the same lines scripts/uml.sh's init writes to a file.
kunit_flow()
{
	local name ko s before new loaded=

	status() { echo "altmm-kunit: status $*"; }
	suites() { ls /sys/kernel/debug/kunit 2>/dev/null | tr '\n' ' '; }

	echo "$CANARY" >/dev/kmsg
	for name in altmm $altmm_kunit; do
		ko=/altmm/modules/$name.ko
		before=" $(suites)"
		status "start $name"
		if [ "$name" = altmm ]; then
			# Split into module parameters on purpose.
			# shellcheck disable=SC2086
			$MODLOAD "$ko" ${altmm_args:-arena_mb=32 nodes=1}
		else
			$MODLOAD "$ko"
		fi
		rc=$?
		status "load $name $rc"
		[ $rc -eq 0 ] && loaded="$name $loaded"
		new=
		for s in $(suites); do
			case "$before " in
			*" $s "*) ;;
			*) new="$new $s" ;;
			esac
		done
		status "suites $name$new"
	done
	for name in $loaded; do
		$MODLOAD -r "$name"
		status "unload $name $?"
	done
	status "done"
	return 0
}

echo "altmm-vm: mode=${altmm_mode:-shell} kernel=$(uname -r)"
case "${altmm_mode:-shell}" in
selftests)
	echo "$CANARY" >/dev/kmsg
	# shellcheck disable=SC2086
	sh /altmm/selftests/run_tests.sh -t "${altmm_timeout:-300}" $altmm_tests
	rc=$?
	;;
run)
	run_flow
	rc=$?
	;;
bench)
	echo "$CANARY" >/dev/kmsg
	# Both argument lists are split into module parameters on purpose.
	# shellcheck disable=SC2086
	MODLOAD=$MODLOAD sh /altmm/bench.sh -m /altmm/modules \
		-a "${altmm_args:-arena_mb=512 nodes=1}" $altmm_bench_args
	rc=$?
	;;
kunit)
	kunit_flow
	rc=$?
	;;
script)
	echo "$CANARY" >/dev/kmsg
	export MODLOAD
	# The arguments are split on purpose.
	# shellcheck disable=SC2086
	sh "$altmm_script" $altmm_script_args
	rc=$?
	;;
*)
	echo "altmm-vm: modules in /altmm/modules, tests in /altmm/selftests;"
	echo "altmm-vm: the canary is: echo '$CANARY' >/dev/kmsg"
	echo "altmm-vm: exit the shell to power off"
	setsid cttyhack sh -l
	rc=0
	;;
esac
read -r up _ </proc/uptime
echo "altmm-vm: done rc=$rc uptime=${up}s"
sync
# The debug kernels (scripts/kernel.sh) have ACPI tables but no PCI, so
# ACPI cannot power off and poweroff would only halt; QEMU runs with
# -no-reboot, so a reset ends it just as well.
[ "${altmm_off:-}" = reboot ] && reboot -f
poweroff -f
EOF
chmod 755 "$stage/init"

mkdir -p "$(dirname "$out")"
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
	cpio --quiet -o -H newc -R 0:0) | gzip -6 >"$out.tmp"
mv "$out.tmp" "$out"
echo "mkinitramfs: $out ($(du -k "$out" | cut -f1) kB, ${#kos[@]} modules)"
