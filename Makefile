# fabric-peer: the two commands of the README, and a few more.
#   make test    setup if needed, then the whole test suite and the layering check
#   make demo    setup if needed, then the main job: the sample network (fabric demo),
#                its chain replayed, then the CLI over the Fabric-made vectors
#   make bench   setup if needed, then the benchmarks (optimized build)
#   make install PREFIX=/usr/local   the header, the shared library, fabricpeer.pc, the
#                CMake package and the CLI (optimized build); see examples/README.md
#   make docs    the C ABI reference from the header comments (Doxygen), checked whole:
#                doc/reference/out/html/index.html
#   make check   what CI runs (.ci/run): make test, then clang with thread-safety analysis
#                as errors + the whole suite under ASan/UBSan, the concurrent tests under
#                TSan, and the fuzz targets for FUZZ_SECONDS each (stages: check-*)
# Set FABRIC_VECTORS to a vectors directory (default: ../shared/vectors) for the
# large throughput set; tests and benchmarks that need it say so when it is absent.

BAZEL ?= bazel
FABRIC_VECTORS ?= $(abspath $(CURDIR)/../shared/vectors)
VECTOR_ENV := --test_env=FABRIC_VECTORS=$(FABRIC_VECTORS)

.PHONY: all setup build test install demo bench docs clean abi check check-asan check-tsan check-fuzz check-clean

all: build

# Idempotent and quick when nothing is missing (a package query and a stamp check),
# so every target runs it.
setup:
	@scripts/setup.sh

build: setup
	$(BAZEL) build //...

test: setup
	$(call timed,gcc build + tests (//...),$(BAZEL) test $(VECTOR_ENV) //...)
	@BAZEL=$(BAZEL) scripts/check_layers.sh
	@scripts/docs.sh
	$(call timed,examples built outside Bazel against an install,tests/install_test.sh)
	$(call timed,the Python binding (pytest; pip install),BAZEL=$(BAZEL) bindings/python/test.sh)

PREFIX ?= /usr/local
install: setup
	$(BAZEL) build -c opt //capi:libfabricpeer.so //include:version_h //tools:fabric
	scripts/install.sh $(PREFIX)

demo: setup
	$(BAZEL) build -c opt //tools:fabric
	@scripts/demo.sh .bazel/bin/tools/fabric

# make bench: the Google Benchmark programs (scripts/bench.sh), then a generated chain
# (fabric workload: BENCH_TXS measured transactions over a state of BENCH_PRELOAD keys,
# in a scratch directory) and the throughput vectors through fabric bench: a table per
# chain, each ending with its JSON line.
BENCH_TXS ?= 10000
BENCH_PRELOAD ?= 1000000
bench: setup
	$(BAZEL) build -c opt //bench:all //tools:fabric
	@scripts/bench.sh
	@dir=$$(mktemp -d); trap 'rm -rf "$$dir"' EXIT; \
	  echo "== fabric workload --txs $(BENCH_TXS) --preload-keys $(BENCH_PRELOAD)"; \
	  .bazel/bin/tools/fabric workload --out "$$dir/chain" --txs $(BENCH_TXS) \
	    --preload-keys $(BENCH_PRELOAD) && \
	  echo "== fabric bench (workload)" && .bazel/bin/tools/fabric bench "$$dir/chain" && \
	  if [ -d "$(FABRIC_VECTORS)/throughput" ]; then \
	    echo "== fabric bench $(FABRIC_VECTORS)/throughput"; \
	    .bazel/bin/tools/fabric bench "$(FABRIC_VECTORS)/throughput"; \
	  fi

docs: setup
	@scripts/docs.sh

clean:
	$(BAZEL) clean

# Records the ABI as the header and the library now have it (capi/abi/fabricpeer.abi),
# after a deliberate addition; //capi/abi:abi_test fails until it is recorded.
ABI_MAJOR = $(shell sed -n 's/^FABRIC_PEER_VERSION = "\([0-9]*\)\..*/\1/p' capi/abi/version.bzl)
abi: setup
	$(BAZEL) build //capi:libfabricpeer.so
	capi/abi/abi_of.sh include/fabric/fabric.h .bazel/bin/capi/libfabricpeer.so.$(ABI_MAJOR) > capi/abi/fabricpeer.abi
	@echo "capi/abi/fabricpeer.abi: $$(grep -c '^function ' capi/abi/fabricpeer.abi) functions"

# make check: the sanitizer builds run in their own Bazel output base (one clang server
# for ASan and TSan, each config in its own output tree via --platform_suffix), so they
# never discard the plain build's analysis or outputs, and create no convenience links.
CHECK_BASE ?= $(HOME)/.cache/bazel-check/$(notdir $(CURDIR))-$(shell printf %s '$(CURDIR)' | md5sum | cut -c1-8)
CLANG_BAZEL := $(BAZEL) --output_base=$(CHECK_BASE)/clang
CHECK_FLAGS := --symlink_prefix=/ $(VECTOR_ENV)
# The tests whose code runs on several threads: the thread pool, the channel (signature
# prefetch of block N+1 while N commits, waits, events), the block validator (parallel
# validation), the endorser (concurrent proposals), and the C ABI's channel (callbacks,
# waits) and endorsement tests; snapshots written while blocks commit; the ledger's
# batches written behind while readers read; P-256 tables built, used and evicted.
TSAN_TESTS := //lib/base:thread_pool_test //lib/base:log_test //lib/channel:channel_test \
  //lib/channel:channel_snapshot_test //lib/ledger:db_test //lib/crypto:p256_key_table_test \
  //lib/crypto:p256_verify_batch_test \
  //lib/validate:block_validator_test //tests/endorse:endorser_test \
  //tests:capi_channel_test //tests:capi_endorse_test
FUZZ_SECONDS ?= 60
# Prints how long a stage took: $(call timed,name,command)
timed = @start=$$(date +%s); $(2); rc=$$?; \
  echo "time: $(1) took $$(( $$(date +%s) - start )) s (exit $$rc)"; exit $$rc

check: test check-asan check-tsan check-fuzz
	@echo "check: all stages passed"

# clang: Abseil's thread-safety annotations checked (-Wthread-safety, an error on our
# code, as every warning is), and the whole suite under AddressSanitizer + UBSan.
check-asan: setup
	$(call timed,clang -Wthread-safety + ASan/UBSan (//...),$(CLANG_BAZEL) test --config=clang --config=asan $(CHECK_FLAGS) //...)

# ThreadSanitizer over the concurrent tests (Abseil built from source, see .bazelrc).
check-tsan: setup
	$(call timed,TSan ($(words $(TSAN_TESTS)) tests),$(CLANG_BAZEL) test --config=tsan $(CHECK_FLAGS) $(TSAN_TESTS))

# Every fuzz target for FUZZ_SECONDS (tests/fuzz/run_all.sh builds --config=fuzz itself).
check-fuzz: setup
	@if [ -x tests/fuzz/run_all.sh ]; then \
	  start=$$(date +%s); tests/fuzz/run_all.sh $(FUZZ_SECONDS); rc=$$?; \
	  echo "time: fuzz ($(FUZZ_SECONDS) s each) took $$(( $$(date +%s) - start )) s (exit $$rc)"; exit $$rc; \
	else echo "check: tests/fuzz/run_all.sh absent: no fuzz stage"; fi

check-clean:
	-$(CLANG_BAZEL) clean --expunge
