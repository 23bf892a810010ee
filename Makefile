# SPDX-License-Identifier: GPL-2.0
#
# altmm: the entry points. The logic lives in scripts/; `make help` lists
# the targets. Modules are never built in the source directories: each
# kernel gets a copy under build/ (see DEVELOPERS.md).

KDIR ?= $(shell scripts/lib.sh kdir)
AMD64 := $(CURDIR)/build/amd64

.PHONY: all modules deps check check-stress lint kunit uml-kernel selftests run replay bench clean help

all: modules

deps:
	@scripts/deps.sh

# Against Debian's amd64 headers. W=1, C=2 and the like pass through.
modules: deps
	@scripts/lib.sh sync_sources $(AMD64)
	$(MAKE) -C $(KDIR) M=$(AMD64) modules

check: deps
	@scripts/check.sh

# Not part of check: the SMP stress for minutes per variant, CPU 1 going
# offline and back several times (selftests/stress.sh --help).
STRESS_ARGS ?= -t 120 -c 6
check-stress: deps
	@scripts/vm.sh --timeout 1800 script /altmm/selftests/stress.sh $(STRESS_ARGS)

lint: deps
	@scripts/check.sh lint

kunit: deps
	@scripts/uml.sh kunit $(SUITE)

uml-kernel: deps
	@scripts/uml.sh kernel

selftests: deps
	@scripts/vm.sh selftests $(TEST)

run: deps
	@scripts/vm.sh run "$(ARGS)"

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
	@echo 'make check-stress  the SMP stress in the VM, minutes per variant, CPU 1'
	@echo '                 offline/online 6 times (STRESS_ARGS="-t 120 -c 6 -s SEED")'
	@echo 'make lint        checkpatch --strict and a sparse (C=2 W=1) build'
	@echo 'make kunit       KUnit suites in UML (SUITE="altmm_x_test ...")'
	@echo 'make uml-kernel  build (or find cached) the UML kernel'
	@echo 'make selftests   selftests in the QEMU VM (TEST=... selects)'
	@echo 'make run         boot the VM (ARGS="...")'
	@echo 'make replay TRACE=path  replay a kmem trace on altmm and the host'
	@echo '                 in the VM (ARGS="rounds=5 arena_mb=512 ...")'
	@echo 'make bench       altmm against the host allocator, UML and VM: table,'
	@echo '                 CSV and plots in build/bench/ (BENCH_ARGS="--help")'
	@echo 'make clean       remove build/'
