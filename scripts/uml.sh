#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# uml.sh - build a User Mode Linux 6.1 kernel and run altmm's KUnit suites
# on it.
#
# The UML kernel is cached under $ALTMM_CACHE/uml/, keyed by the Debian
# version of the source and the sha1 of its config fragments, so only the
# first run of a configuration pays for the build. The modules are built in
# build/uml-<flavour>/ from a copy of the sources. UML boots with the host's
# / as its root (hostfs) and a generated script as init, which loads
# altmm.ko and the suites and writes their results straight into
# build/results/kunit/.

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
	cat <<EOF
Usage: scripts/uml.sh COMMAND [--flavour debug|fast] [ARGS]

Commands:
  kernel            build the UML kernel if it is not cached; print its
                    build directory on the last line of stdout
  modules           build Kbuild, module/ and kunit/ against it, in
                    build/uml-<flavour>/; print that directory last
  kunit [MOD ...]   boot UML, load altmm.ko, then every kunit/*_test.ko
                    (or the named ones), and judge the KTAP results and the
                    kernel log; writes build/results/kunit.counts
                    ("<passed> <failed>") and exits non-zero on any failure

Flavours:
  debug (default)   kunit/.kunitconfig: KASAN, lockdep, DEBUG_LIST
  fast              kunit/.kunitconfig + scripts/uml-fast.config: the same
                    without the checkers, for timing

Environment:
  ALTMM_CACHE         cache directory (default ~/.cache/altmm)
  ALTMM_SRC           where Kbuild, module/ and kunit/ come from
                      (default: this repository)
  ALTMM_MODULE_ARGS   altmm.ko parameters (default "arena_mb=32 nodes=1")
  ALTMM_UML_TIMEOUT   seconds UML may run before it is killed (default 600)
  ALTMM_UML_MEM       UML memory (default 768M)
EOF
}

flavour=debug

# === Kernel ===

fragments() {
	case $flavour in
	debug) echo "$ALTMM_ROOT/kunit/.kunitconfig" ;;
	fast) echo "$ALTMM_ROOT/kunit/.kunitconfig $ALTMM_ROOT/scripts/uml-fast.config" ;;
	*) die "unknown flavour '$flavour' (debug or fast)" ;;
	esac
}

# The settings the fragments ask for, later fragments winning, as lines
# "NAME VALUE" with VALUE "n" for "# CONFIG_FOO is not set".
wanted_config() {
	# shellcheck disable=SC2046
	awk '/^CONFIG_[A-Za-z0-9_]+=/ { i = index($0, "=")
			v[substr($0, 1, i - 1)] = substr($0, i + 1) }
	     /^# CONFIG_[A-Za-z0-9_]+ is not set$/ { v[$2] = "n" }
	     END { for (k in v) print k, v[k] }' $(fragments) | sort
}

# Fail loudly when olddefconfig dropped or changed a setting (a missing
# dependency, or an option that cannot exist on UML).
verify_config() {
	local config=$1 name value got bad=0

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
	done < <(wanted_config)
	((bad == 0)) || {
		info "error: the UML .config lost settings of $(fragments)"
		return 1
	}
}

uml_dir() {
	local sha

	# shellcheck disable=SC2046,SC2002 # cat joins the fragments
	sha=$(cat $(fragments) | sha1sum)
	echo "$ALTMM_CACHE/uml/$(debian_version)-$flavour-${sha%% *}"
}

# Build into a temporary directory renamed into place on success, so an
# interrupted build is never taken for a cached one. A lock keeps two runs
# from building the same kernel at once.
cmd_kernel() {
	local dir src tmp log

	dir=$(uml_dir)
	if [[ ! -x $dir/linux ]]; then
		src=$(kernel_src)
		mkdir -p "${dir%/*}"
		exec 9>"$dir.lock"
		flock 9
		if [[ ! -x $dir/linux ]]; then
			# Under the lock, any temporary build of this kernel
			# is the remains of an interrupted one.
			rm -rf "${dir%/*}/.tmp.${dir##*/}".*
			tmp=$(mktemp -d "${dir%/*}/.tmp.${dir##*/}.XXXXXX")
			log=$dir.log
			info "building the $flavour UML kernel (a few minutes); log: $log"
			if ! build_kernel "$src" "$tmp" >"$log" 2>&1; then
				rm -rf "$tmp"
				tail -n 40 "$log" >&2
				die "UML kernel build failed; log: $log"
			fi
			mv -T "$tmp" "$dir"
			info "UML kernel ready: $dir"
		fi
		exec 9>&-
	fi
	echo "$dir"
}

# Runs where set -e does not (under "if !"), hence the && chain.
# shellcheck disable=SC2046 # $(fragments) is a list of paths
build_kernel() {
	local src=$1 out=$2

	make -C "$src" O="$out" ARCH=um defconfig &&
	(cd "$out" && "$src/scripts/kconfig/merge_config.sh" -m -O "$out" \
		"$out/.config" $(fragments)) &&
	make -C "$src" O="$out" ARCH=um olddefconfig &&
	# Before the long part: a dropped option should fail in seconds.
	verify_config "$out/.config" &&
	make -C "$src" O="$out" ARCH=um -j"$(nproc)"
}

# === Modules ===

cmd_modules() {
	local uml bdir=$ALTMM_BUILD/uml-$flavour

	uml=$(cmd_kernel | tail -n 1)
	sync_sources "$bdir"
	make -C "$uml" ARCH=um M="$bdir" modules >&2 ||
		die "module build against the UML kernel failed"
	echo "$bdir"
}

# === KUnit ===

# Writes the init script run inside UML. It uses plain host paths: the
# root filesystem is the host's / over hostfs. Each step appends one line
# to $out/status for the host to judge:
#   start MODULE | load MODULE RC | suites MODULE SUITE... |
#   unload MODULE RC | done
write_init() {
	local init=$1 out=$2 altmm=$3
	shift 3

	cat >"$init" <<EOF
#!/bin/sh
# Generated by scripts/uml.sh: init of a UML KUnit run.
PATH=/usr/sbin:/usr/bin:/sbin:/bin
out='$out'
kunit=/sys/kernel/debug/kunit

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t debugfs debugfs /sys/kernel/debug
# Fork once before the canary: UML's first fork trips a known lockdep
# splat ("suspicious RCU usage" in lib/maple_tree.c) that is not ours.
/bin/true

suites() { ls "\$kunit" 2>/dev/null | tr '\n' ' '; }

load() {
	ko=\$1; shift
	name=\$(basename "\$ko" .ko | tr - _)
	before=" \$(suites)"
	echo "altmm-kunit: insmod \$ko \$*"
	echo "start \$name" >>"\$out/status"
	insmod "\$ko" "\$@" >>"\$out/insmod.log" 2>&1
	rc=\$?
	echo "load \$name \$rc" >>"\$out/status"
	[ \$rc = 0 ] && loaded="\$name \$loaded"
	new=
	for s in \$(suites); do
		case "\$before " in
		*" \$s "*) ;;
		*) new="\$new \$s"
		   cp "\$kunit/\$s/results" "\$out/debugfs/\$s.results" ;;
		esac
	done
	echo "suites \$name\$new" >>"\$out/status"
}

mkdir -p "\$out/debugfs"
echo '$ALTMM_CANARY' >/dev/kmsg
loaded=
load '$altmm' ${ALTMM_MODULE_ARGS-arena_mb=32 nodes=1}
EOF
	local ko
	for ko in "$@"; do
		printf "load '%s'\n" "$ko" >>"$init"
	done
	cat >>"$init" <<EOF
for name in \$loaded; do
	echo "altmm-kunit: rmmod \$name"
	rmmod "\$name" >>"\$out/insmod.log" 2>&1
	echo "unload \$name \$?" >>"\$out/status"
done
dmesg >"\$out/dmesg.txt"
echo done >>"\$out/status"
sync
/bin/busybox poweroff -f
echo o >/proc/sysrq-trigger
EOF
	chmod +x "$init"
}

# The test modules to load: the named ones, else every kunit/*_test.ko
# that kbuild just built (modules.order, so stale objects never load).
test_modules() {
	local bdir=$1 m
	shift

	if ((!$#)); then
		while read -r m; do
			[[ $m =~ (^|/)kunit/([^/]+_test)\.k?o$ ]] &&
				set -- "$@" "${BASH_REMATCH[2]}"
		done <"$bdir/modules.order"
	fi
	for m in "$@"; do
		m=${m##*/}
		m=${m%.ko}
		[[ -f $bdir/kunit/$m.ko ]] || die "no kunit/$m.ko in $bdir"
		echo "$bdir/kunit/$m.ko"
	done
}

cmd_kunit() {
	local uml bdir out init console mods rc=0 src start

	write_counts kunit 0 1		# until proven otherwise
	uml=$(cmd_kernel | tail -n 1)
	bdir=$(cmd_modules | tail -n 1)
	src=$(kernel_src)
	[[ -f $bdir/module/altmm.ko ]] || die "module/altmm.ko was not built"
	mapfile -t mods < <(test_modules "$bdir" "$@")
	((${#mods[@]})) || info "warning: no kunit/*_test.ko to load"

	out=$ALTMM_RESULTS/kunit
	console=$ALTMM_RESULTS/uml-console.log
	rm -rf "$out"
	mkdir -p "$out"
	init=$out/init.sh
	write_init "$init" "$out" "$bdir/module/altmm.ko" "${mods[@]}"

	info "booting UML with ${#mods[@]} suite module(s); console: $console"
	start=$SECONDS
	(ulimit -c 0		# a UML panic calls abort()
	 timeout -k 10 "${ALTMM_UML_TIMEOUT:-600}" "$uml/linux" \
		mem="${ALTMM_UML_MEM:-768M}" rootfstype=hostfs rootflags=/ rw \
		init="$init" con=null con0=fd:0,fd:1 </dev/null >"$console" 2>&1) ||
		rc=$?
	info "UML exited with $rc after $((SECONDS - start)) s"

	python3 - "$src" "$out" "$console" "$ALTMM_CANARY" "$rc" \
		"$bdir/module/altmm.ko" "${mods[@]}" <<'EOF'
import json, os, re, subprocess, sys

src, out, console, canary, uml_rc, altmm = sys.argv[1:7]
mods = sys.argv[7:]
failures = []		# harness failures, on top of the KUnit counts

def name_of(ko):
    return os.path.basename(ko)[:-3].replace('-', '_')

# --- What the init script did ---
status = {}	# ('load' or 'unload', module) -> exit code
suites = {}	# module -> the suites it registered
started = []	# modules whose insmod began
done = False
try:
    for line in open(os.path.join(out, 'status')):
        w = line.split()
        if w[0] == 'done':
            done = True
        elif w[0] == 'start':
            started.append(w[1])
        elif w[0] == 'suites':
            suites[w[1]] = w[2:]
        else:
            status[(w[0], w[1])] = int(w[2])
except FileNotFoundError:
    pass
if not done:
    failures.append(f'the UML run did not finish (UML exit {uml_rc}; '
                    f'124 = timeout); see {console}')

# --- The kernel log, without printk timestamps ---
stamp = re.compile(r'^\[ *\d+\.\d+\] ?')
with open(console, errors='backslashreplace') as f:
    log = [stamp.sub('', l.rstrip('\r\n').replace('\r', '')) for l in f]
try:
    after = next(i for i, l in enumerate(log) if l.endswith(canary)) + 1
except StopIteration:
    failures.append('the canary line never reached the console')
    after = len(log)

# --- One KTAP document: one subtest per suite, in load order ---
# A suite's block comes from the console, which is complete. The debugfs
# copy is only a fallback: in 6.1 it keeps 512 bytes per test case
# (KUNIT_LOG_SIZE) and, in this tree, only the last parameter of a
# parameterised test, so it is neither whole nor valid KTAP.
suite_start = re.compile(r'^    # Subtest: (\S+)$')
console_suites = [m.group(1) for l in log[after:] if (m := suite_start.match(l))]

def from_console(suite):
    """The suite's block, and whether it reached its own result line."""
    end = re.compile(r'^(not )?ok \d+ {}( .*)?$'.format(re.escape(suite)))
    for i in range(after, len(log)):
        if log[i] != f'    # Subtest: {suite}':
            continue
        for j in range(i + 1, len(log)):
            if end.match(log[j]):
                return ['    KTAP version 1'] + log[i:j + 1], True
            if suite_start.match(log[j]):
                break
        return ['    KTAP version 1'] + log[i:j], False
    return [], False

def from_debugfs(suite):
    try:
        lines = open(os.path.join(out, 'debugfs', suite + '.results'),
                     errors='backslashreplace').read().splitlines()
    except FileNotFoundError:
        return []
    # Drop its own top-level "KTAP version 1" / "1..1" header.
    while lines and not lines[0].startswith(' '):
        lines.pop(0)
    return lines

claimed = {s for v in suites.values() for s in v}
blocks = []	# (name, KTAP lines); a module that failed gets one of its own
for ko in [altmm] + mods:
    mod = name_of(ko)
    rc = status.get(('load', mod))
    mine = suites.get(mod, [])
    if rc is None and mod in started:
        # The run died inside this insmod: the suites the console shows
        # and no module claimed are this module's.
        mine = [s for s in console_suites if s not in claimed]
        blocks.append((mod, [f'# {mod}.ko: the run ended (crash or timeout) while loading it']))
    elif rc is None:
        blocks.append((mod, [f'# {mod}.ko: never loaded']))
    elif rc != 0:
        blocks.append((mod, [f'# {mod}.ko: insmod exit {rc} '
                             f'(see {out}/insmod.log)']))
    elif not mine and ko != altmm:
        blocks.append((mod, [f'# {mod}.ko: loaded but registered no suite']))
    for suite in mine:
        b, whole = from_console(suite)
        if not whole and from_debugfs(suite):
            print(f'uml.sh: {suite}: no whole block in the console log, '
                  'using the debugfs copy', file=sys.stderr)
            b = from_debugfs(suite)
        blocks.append((suite, b))
    if status.get(('unload', mod), 0) != 0:
        failures.append(f'rmmod {mod} failed '
                        f'(exit {status[("unload", mod)]})')

ktap = ['KTAP version 1', f'1..{len(blocks)}']
for n, (name, b) in enumerate(blocks, 1):
    if b and b[-1].startswith(('ok ', 'not ok ')):
        ktap += b[:-1] + [re.sub(r'^(not )?ok \d+', rf'\g<1>ok {n}', b[-1])]
    else:
        # A module that failed, or a suite cut short by a crash.
        ktap += b + [f'not ok {n} {name}']
ktap_file = os.path.join(out, 'kunit.ktap')
with open(ktap_file, 'w') as f:
    f.write('\n'.join(ktap) + '\n')

# --- Parse it with the tree's own kunit.py ---
json_file = os.path.join(out, 'kunit.json')
sys.stdout.flush()
subprocess.run([sys.executable,
                os.path.join(src, 'tools/testing/kunit/kunit.py'),
                'parse', '--json=' + json_file, ktap_file])
passed = failed = skipped = 0

def count(group):
    global passed, failed, skipped
    for case in group.get('test_cases', []):
        if case['status'] == 'PASS':
            passed += 1
        elif case['status'] == 'SKIP':
            skipped += 1
        else:
            failed += 1
    for sub in group.get('sub_groups', []):
        count(sub)

try:
    count(json.load(open(json_file)))
except (OSError, ValueError) as e:
    failures.append(f'kunit.py parse gave no results: {e}')

# --- The kernel log after the canary ---
bad = re.compile(r'WARNING:|BUG:|KASAN|possible circular locking|'
                 r'inconsistent lock state|possible recursive locking|'
                 r'suspicious RCU usage|Oops|general protection|UBSAN|'
                 r'refcount_t:|Call Trace|Kernel panic')
hits = [i for i in range(after, len(log)) if bad.search(log[i])]
shown = shown_end = 0
for i in hits:
    failures.append(f'kernel log line {i + 1}: {log[i].strip()}')
    if i < shown_end:
        continue	# already on screen with the hit before
    if shown == 10:
        print(f'--- (more in {console}) ---')
        shown += 1
    if shown > 10:
        continue
    shown += 1
    shown_end = i + 30
    print(f'--- {console}:{i + 1} ---')
    print('\n'.join(log[max(after, i - 3):shown_end]))

if passed == failed == 0 and not failures:
    failures.append('no KUnit test case ran')
for f in failures:
    print(f'FAIL: {f}')
failed += len(failures)
print(f'kunit: {passed} passed, {failed} failed, {skipped} skipped')
with open(os.path.join(os.path.dirname(out), 'kunit.counts'), 'w') as f:
    f.write(f'{passed} {failed}\n')
sys.exit(1 if failed else 0)
EOF
}

# === Main ===

main() {
	local cmd=${1:-}

	(($#)) && shift
	case $cmd in
	-h|--help|help) usage; return ;;
	kernel|modules|kunit) ;;
	'') usage >&2; exit 2 ;;
	*) usage >&2; die "unknown command '$cmd'" ;;
	esac

	local args=()
	while (($#)); do
		case $1 in
		--flavour) (($# >= 2)) || die "--flavour needs a value"
			   flavour=$2; shift 2 ;;
		--flavour=*) flavour=${1#*=}; shift ;;
		-h|--help) usage; return ;;
		-*) die "unknown option '$1'" ;;
		*) args+=("$1"); shift ;;
		esac
	done
	fragments >/dev/null
	[[ $cmd == kunit ]] || ((${#args[@]} == 0)) ||
		die "'$cmd' takes no arguments"
	"cmd_$cmd" "${args[@]}"
}

main "$@"
