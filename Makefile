# fabric-peer: the two commands of the README, and a few more.
#   make test    setup if needed, then the whole test suite
#   make demo    setup if needed, then the main job: the sample network (fabric demo),
#                its chain replayed, then the CLI over the Fabric-made vectors
#   make bench   setup if needed, then the benchmarks (optimized build)
# Set FABRIC_VECTORS to a vectors directory (default: ../shared/vectors) for the
# large throughput set; tests and benchmarks that need it say so when it is absent.

BAZEL ?= bazel
FABRIC_VECTORS ?= $(abspath $(CURDIR)/../shared/vectors)
VECTOR_ENV := --test_env=FABRIC_VECTORS=$(FABRIC_VECTORS)

.PHONY: all setup build test demo bench clean

all: build

# Idempotent and quick when nothing is missing (a package query and a stamp check),
# so every target runs it.
setup:
	@scripts/setup.sh

build: setup
	$(BAZEL) build //...

test: setup
	$(BAZEL) test $(VECTOR_ENV) //...

demo: setup
	$(BAZEL) build -c opt //tools:fabric
	@scripts/demo.sh bazel-bin/tools/fabric

bench: setup
	$(BAZEL) build -c opt //bench:all
	@scripts/bench.sh

clean:
	$(BAZEL) clean
