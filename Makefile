# SPDX-License-Identifier: GPL-2.0
# smc-scale: SMC-R CQ spreading for net/smc, its testbed and its harness.
# Run 'make help' for the targets. Everything is cached under $(SMC_CACHE).
SHELL := /bin/bash
SMC_CACHE ?= /var/cache/smc-scale
export SMC_CACHE
# The harness's compilations, cached outside the tree (used when ccache is installed).
# Paths relative to the clone, so that a fresh clone elsewhere hits the same entries.
CCACHE_DIR ?= $(SMC_CACHE)/ccache
CCACHE_BASEDIR ?= $(CURDIR)
CCACHE_NOHASHDIR ?= 1
export CCACHE_DIR CCACHE_BASEDIR CCACHE_NOHASHDIR
HARNESS_BUILD := build/harness
JOBS := $(shell nproc)

FUZZ_SECONDS ?= 300

# KERNEL=6.1 (Debian 12's, the default) or KERNEL=mainline (the newest linux-source of
# Debian's experimental/sid) for 'kernel' and 'tree'; series-check checks both; the
# modules, the testbed and the benchmark run on 6.1.
KERNEL ?= 6.1

.PHONY: help deps kernel tree tree-only modules modules-only debug-kernel check-debug harness build demo unit lint install-check bench \
	series-check posting guest-tests guest-tests-only stress fault-sweep fuzz fuzz-smoke check clean

help:
	@echo "make demo          build everything, then run SMC-R between two QEMU guests"
	@echo "make check         all tests: unit, series check, guest tests (what CI runs); the"
	@echo "                   debug mainline kernel's tests too once a debug kernel was built"
	@echo "make check-debug   build the debug mainline kernels; KUnit, smoke tests, guest suite on them"
	@echo "make deps          install the Debian packages of ci/packages/*.txt (harness-only: make harness)"
	@echo "make kernel        fetch the Debian 6.1 image, headers and source (one version);"
	@echo "                   KERNEL=mainline: linux-source-X.Y of experimental/sid, and sparse"
	@echo "make tree          git tree of the kernel source with its series applied"
	@echo "                   (6.1: net-smc-patches/6.1/; KERNEL=mainline: net-smc-patches/)"
	@echo "make debug-kernel  a mainline kernel with KASAN, lockdep, kmemleak (VARIANT=stock: without"
	@echo "                   the series); cached by tree, config and compiler"
	@echo "make modules       smc.ko (stock, patched) and the testbed rdma_rxe.ko"
	@echo "make harness       the C++ harness (build/harness)"
	@echo "make unit          the harness unit tests (a skipped test fails them)"
	@echo "make lint          the shell scripts parse and set pipefail"
	@echo "make install-check the harness without GoogleTest, installed under a prefix"
	@echo "make series-check  both series (mainline, 6.1): checkpatch, per-patch W=1/sparse builds,"
	@echo "                   generated-files check"
	@echo "make posting       the series signed by its poster, SERIES_AUTHOR=\"Name <mail>\", into"
	@echo "                   \$$SMC_CACHE/posting/, never the repo (KERNEL=mainline: the posting)"
	@echo "make guest-tests   the tests that run inside the two guests"
	@echo "make bench         stock vs patched vs one pair: nginx+wrk, charts (BENCH=quick: about 8 minutes)"
	@echo "make stress        reliability: integrity, churn, scale, faults, bad peers; patched and"
	@echo "                   stock, a table (KERNEL=mainline: the debug kernel; STRESS=bounded)"
	@echo "make fault-sweep   the debug kernel: each allocation of a new link group's connect fails"
	@echo "                   in turn (FAULT_ARGS: --step, --first, --last, --smc stock)"
	@echo "make fuzz          unit tests under ASan/UBSan, then each fuzz target FUZZ_SECONDS (300)"
	@echo "make clean         remove build/ (the cache in $(SMC_CACHE) stays)"

deps:
	scripts/install-deps

kernel:
	scripts/install-deps kernel
	SMC_KERNEL=$(KERNEL) scripts/$(if $(filter mainline,$(KERNEL)),kernel-fetch-mainline,kernel-fetch)

tree: kernel tree-only
tree-only:
	SMC_KERNEL=$(KERNEL) scripts/kernel-tree

VARIANT ?= patched
debug-kernel:
	scripts/debug-kernel $(VARIANT)

modules: tree modules-only
modules-only:
	scripts/kernel-modules

# Needs only the harness's packages (ci/packages/harness.txt), not QEMU or kernel tools.
harness:
	scripts/install-deps harness
	cmake -S harness -B $(HARNESS_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build $(HARNESS_BUILD) -j$(JOBS)

build: modules harness
	scripts/install-deps testbed
	scripts/initramfs >/dev/null

demo: build
	scripts/demo

unit: harness
	scripts/unit-tests $(HARNESS_BUILD)

lint:
	scripts/lint-scripts

# the harness built without GoogleTest, installed under a prefix, working from there
install-check:
	scripts/harness-install-check

series-check:
	scripts/series-check

posting:
	SMC_KERNEL=$(KERNEL) SERIES_AUTHOR="$(SERIES_AUTHOR)" scripts/series-for-posting

guest-tests: build guest-tests-only
guest-tests-only:
	scripts/guest-tests

# BENCH=quick: one repetition, nginx at 100 connections (about 8 minutes); default: 3
# repetitions, nginx at 100 and 400 (about 50). BENCH_ARGS: more options of scripts/bench.
BENCH ?=
bench: build
	scripts/install-deps bench
	scripts/bench $(if $(filter quick,$(BENCH)),--quick) $(if $(filter smoke,$(BENCH)),--smoke) $(BENCH_ARGS)

# STRESS=bounded: the smaller sizes that make check runs. STRESS_ARGS: more options of
# scripts/stress (--smc, --scenarios, --out).
STRESS ?=
stress: build
	scripts/stress --kernel $(KERNEL) $(if $(filter bounded,$(STRESS)),--bounded) $(STRESS_ARGS)

# FAULT_ARGS: options of scripts/fault-sweep (--smc, --first, --last, --step, --out).
# The debug kernel must be built (make debug-kernel, VARIANT=stock for --smc stock).
fault-sweep: harness
	scripts/install-deps testbed
	scripts/fault-sweep $(FAULT_ARGS)

fuzz:
	scripts/install-deps harness fuzz
	scripts/fuzz $(FUZZ_SECONDS)

# the bounded run that 'make check' includes
fuzz-smoke:
	scripts/fuzz 10

check:
	ci/check

check-debug: harness
	scripts/install-deps testbed
	scripts/guest-tests-mainline

clean:
	rm -rf build
