# SPDX-License-Identifier: GPL-2.0
#
# altmm: the entry points. The logic lives in scripts/; `make help` lists
# the targets. Modules are never built in the source directories: each
# kernel gets a copy under build/ (see DEVELOPERS.md).

KDIR ?= $(shell scripts/lib.sh kdir)
AMD64 := $(CURDIR)/build/amd64

# The VM's kernel: stock (Debian's), debug (KASAN + lockdep) or kcsan
# (KCSAN + lockdep), and its vCPUs; see scripts/kernel.sh.
KERNEL ?= stock
SMP ?= 2
VM := scripts/vm.sh --kernel $(KERNEL) --smp $(SMP)

.PHONY: all modules deps check check-debug check-stress check-meminit lint kunit uml-kernel debug-kernel selftests run replay bench clean help

all: modules

deps:
	@scripts/deps.sh

# Against Debian's amd64 headers. W=1, C=2 and the like pass through.
modules: deps
	@scripts/lib.sh sync_sources $(AMD64)
	$(MAKE) -C $(KDIR) M=$(AMD64) modules

check: deps
	@scripts/check.sh

# KUnit and every selftest on the KASAN kernel, and the SMP selftests on
# the KCSAN kernel (scripts/kernel.sh builds both on first use).
check-debug: deps
	@scripts/check.sh kunit-debug selftests-debug-all selftests-kcsan

# Not part of check: the SMP stress for minutes per variant, CPU 1 going
# offline and back several times (selftests/stress.sh --help).
STRESS_ARGS ?= -t 120 -c 6
check-stress: deps
	@$(VM) --timeout 1800 script /altmm/selftests/stress.sh $(STRESS_ARGS)

# Not part of check: 6.1's test_meminit on altmm, MEMINIT_RUNS times in a
# row, on the KASAN + lockdep kernel with SMP vCPUs (issue 8's figure).
MEMINIT_RUNS ?= 200
check-meminit: deps
	@scripts/vm.sh --kernel debug --smp $(SMP) --timeout 3600 \
		script /altmm/selftests/upstream_meminit.sh RUNS=$(MEMINIT_RUNS)

lint: deps
	@scripts/check.sh lint

# In UML, or with KERNEL=debug|kcsan in the VM.
kunit: deps
	@$(if $(filter stock,$(KERNEL)),scripts/uml.sh kunit,$(VM) kunit) $(SUITE)

uml-kernel: deps
	@scripts/uml.sh kernel

# KERNEL=debug|kcsan builds (or finds cached) that kernel first.
debug-kernel: deps
	@scripts/kernel.sh kernel --flavour $(if $(filter stock,$(KERNEL)),debug,$(KERNEL))

selftests: deps
	@$(VM) selftests $(TEST)

run: deps
	@$(VM) run "$(ARGS)"

# A kmem trace (plain or gzip) replayed on altmm and the host, in the VM.
replay: deps
	@scripts/replay.sh $(if $(TRACE),"$(TRACE)",$(error make replay needs TRACE=path (plain or .gz))) $(ARGS)

# Not part of check: timings, on the fast UML kernel and in the VM.
bench: deps
	@scripts/bench.sh $(BENCH_ARGS)

clean:
	rm -rf build

help:
	@echo 'make [modules]   build module/ and kunit/ against Debian amd64 headers'
	@echo '                 in build/amd64 (KDIR=... to use other headers)'
	@echo 'make check       everything below; ends with "N passed, N failed"'
	@echo 'make check-debug KUnit and selftests in the VM on the KASAN and KCSAN'
	@echo '                 kernels, 2 vCPUs (builds them on first use)'
	@echo 'make check-stress  the SMP stress in the VM, minutes per variant, CPU 1'
	@echo '                 offline/online 6 times (STRESS_ARGS="-t 120 -c 6 -s SEED")'
	@echo 'make check-meminit  6.1'"'"'s test_meminit 200 times in a row on the'
	@echo '                 KASAN kernel, SMP=2 vCPUs (MEMINIT_RUNS=N)'
	@echo 'make lint        checkpatch --strict and a sparse (C=2 W=1) build'
	@echo 'make kunit       KUnit suites in UML (SUITE="altmm_x_test ..."), or in'
	@echo '                 the VM with KERNEL=debug|kcsan'
	@echo 'make uml-kernel  build (or find cached) the UML kernel'
	@echo 'make debug-kernel  build (or find cached) the VM debug kernel'
	@echo '                 (KERNEL=kcsan for the KCSAN one)'
	@echo 'make selftests   selftests in the QEMU VM (TEST=... selects)'
	@echo 'make run         boot the VM (ARGS="...")'
	@echo '                 selftests, run and kunit take KERNEL=stock|debug|kcsan'
	@echo '                 (default stock, Debian'"'"'s) and SMP=N (default 2)'
	@echo 'make replay TRACE=path  replay a kmem trace on altmm and the host'
	@echo '                 in the VM (ARGS="rounds=5 arena_mb=512 ...")'
	@echo 'make bench       altmm against the host allocator, UML and VM: table,'
	@echo '                 CSV and plots in build/bench/ (BENCH_ARGS="--help")'
	@echo 'make clean       remove build/'
