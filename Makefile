# Makefile - the two commands of the quick start, and a few more for development.
#   make test   install missing Debian packages, configure, build, run every test (ctest)
#   make demo   build, then run the main job
#   make test-unit  only the unit tests (ctest label `unit`; well under a minute once built)
#   make package    the Debian packages trainchain and trainchain-dev in build/$(PRESET)/ (docs/install.md)
# The binary ends up at build/bin/trainchain.

PRESET      ?= dev
CONFORMANCE ?= $(CURDIR)/../shared/conformance/vmtests
TRAINCHAIN  := build/bin/trainchain
FUZZ_SECONDS ?= 60
SHELL := /bin/bash

.PHONY: all deps configure build test test-unit package demo asan bench fuzz clean format

all: build

deps:
	@scripts/install-deps.sh

configure: deps
	@[ -f build/$(PRESET)/build.ninja ] || cmake --preset $(PRESET) >/dev/null

build: configure
	@cmake --build --preset $(PRESET)
	@[ "$(PRESET)" != dev ] || ln -sfn dev/bin build/bin

test: build
	@ctest --preset $(PRESET)

test-unit: build
	@ctest --preset $(PRESET) -L unit

package: build
	@cmake --build --preset $(PRESET) --target package

demo: build
	@TRAINCHAIN=$(TRAINCHAIN) CONFORMANCE="$(CONFORMANCE)" scripts/demo.sh

asan:
	@$(MAKE) --no-print-directory PRESET=asan test

# libFuzzer with ASan + UBSan (clang): arbitrary bytecode and calldata under every fork, arbitrary
# input to every precompile, random bytes into the elliptic-curve code with its consistency checks,
# then mutated contract sources through the compiler (seeded with the test corpus).
fuzz: deps
	@[ -f build/fuzz/build.ninja ] || cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz
	@mkdir -p build/fuzz/corpus
	@build/fuzz/bin/vm_fuzz build/fuzz/corpus -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
	  -rss_limit_mb=4096 -timeout=20 -print_final_stats=1 2>&1 | grep -E "^(Done|stat::number_of_executed_units|==)" ; \
	  test $${PIPESTATUS[0]} -eq 0
	@mkdir -p build/fuzz/precompile_corpus
	@build/fuzz/bin/precompile_fuzz build/fuzz/precompile_corpus -max_total_time=$(FUZZ_SECONDS) -max_len=1024 \
	  -rss_limit_mb=4096 -timeout=20 -print_final_stats=1 2>&1 | grep -E "^(Done|stat::number_of_executed_units|==)" ; \
	  test $${PIPESTATUS[0]} -eq 0
	@mkdir -p build/fuzz/curve_corpus
	@build/fuzz/bin/curve_fuzz build/fuzz/curve_corpus -max_total_time=$(FUZZ_SECONDS) -max_len=1200 \
	  -rss_limit_mb=4096 -timeout=20 -print_final_stats=1 2>&1 | grep -E "^(Done|stat::number_of_executed_units|==)" ; \
	  test $${PIPESTATUS[0]} -eq 0
	@mkdir -p build/fuzz/compiler_corpus
	@build/fuzz/bin/compiler_fuzz build/fuzz/compiler_corpus tests/golden/contracts -dict=fuzz/solidity.dict \
	  -max_total_time=$(FUZZ_SECONDS) -max_len=8192 -rss_limit_mb=4096 -timeout=20 -print_final_stats=1 2>&1 \
	  | grep -E "^(Done|stat::number_of_executed_units|==)" ; test $${PIPESTATUS[0]} -eq 0

bench:
	@$(MAKE) --no-print-directory PRESET=release build
	@build/release/bin/trainchain_bench --conformance "$(CONFORMANCE)"
	@build/release/bin/compiler_bench
	@build/release/bin/chain_bench

format:
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

clean:
	rm -rf build
