#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# kunit-judge.py - judge one run of altmm's KUnit suite modules, in UML
# (scripts/uml.sh) or in the QEMU VM (scripts/vm.sh kunit).
#
#   kunit-judge.py SRC OUT CONSOLE CANARY RC ALTMM_KO [MOD_KO ...]
#
# SRC      the 6.1 tree (its tools/testing/kunit/kunit.py parses the KTAP)
# OUT      the run's directory: OUT/status holds what the guest's init did,
#          one line per step (start MODULE | load MODULE RC |
#          suites MODULE SUITE... | unload MODULE RC | done), and
#          OUT/debugfs/SUITE.results a copy of debugfs, where the guest
#          could write one
# CONSOLE  the kernel console log
# CANARY   the line written just before the first insmod
# RC       the exit status of UML or QEMU (124: killed by timeout)
# ALTMM_KO, MOD_KO  the modules in load order (only their names count)
#
# Writes OUT/kunit.ktap, OUT/kunit.json and OUT.counts ("<passed>
# <failed>"), prints the failures and "NAME: N passed, N failed, N
# skipped" (NAME is OUT's basename), exits 1 on any failure. Every
# report in the kernel log after the canary (WARNING, BUG, KASAN, KCSAN,
# lockdep, ...) is one more failure.

import json, os, re, subprocess, sys

src, out, console, canary, run_rc, altmm = sys.argv[1:7]
out = os.path.abspath(out)
run_name = os.path.basename(out)
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
    failures.append(f'the run did not finish (exit {run_rc}; '
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
            print(f'{run_name}: {suite}: no whole block in the console log, '
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
                 r'refcount_t:|Call Trace|Kernel panic|KCSAN|'
                 r'blocked for more than|detected stalls')
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
print(f'{run_name}: {passed} passed, {failed} failed, {skipped} skipped')
with open(out + '.counts', 'w') as f:
    f.write(f'{passed} {failed}\n')
sys.exit(1 if failed else 0)
