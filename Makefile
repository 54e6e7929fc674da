# fabric-peer: the two commands of the README, and a few more.
#   make test    setup if needed, then the whole test suite
#   make demo    setup if needed, then the main job
#   make bench   setup if needed, then the benchmarks (optimized build)
# Set FABRIC_VECTORS to a vectors directory (default: ../shared/vectors) for the
# large throughput set; tests and benchmarks that need it say so when it is absent.

BAZEL ?= bazel
FABRIC_VECTORS ?= $(abspath $(CURDIR)/../shared/vectors)
SETUP_STAMP := third_party/boringssl/source/.debian_source
VECTOR_ENV := --test_env=FABRIC_VECTORS=$(FABRIC_VECTORS)

.PHONY: all setup check-setup build test demo bench clean

all: build

setup:
	@scripts/setup.sh

# Setup runs when a tool or the BoringSSL source is missing; it is idempotent anyway.
$(SETUP_STAMP):
	@scripts/setup.sh

check-setup: | $(SETUP_STAMP)
	@command -v $(BAZEL) >/dev/null || scripts/setup.sh

build: check-setup
	$(BAZEL) build //...

test: check-setup
	$(BAZEL) test $(VECTOR_ENV) //...

demo: check-setup
	$(BAZEL) build -c opt //tools:fabric
	@scripts/demo.sh bazel-bin/tools/fabric

bench: check-setup
	$(BAZEL) build -c opt //bench:all
	@scripts/bench.sh

clean:
	$(BAZEL) clean
