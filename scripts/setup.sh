#!/bin/bash
# Installs everything fabric-peer needs to build and test, idempotently.
#   scripts/setup.sh            # as root on Debian bookworm
# What it does, each step only when something is missing:
#   1. apt packages (the list below, each with why it earns its place);
#   2. Debian's BoringSSL source package, unpacked into third_party/boringssl/source,
#      and Debian's Abseil source package (the version of libabsl-dev) into
#      third_party/abseil/source, built only for the TSan check
#      (third_party/fetch_debian_source.sh; derives a deb-src entry from the
#      machine's own apt configuration if needed, never names a package host).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
log() { echo "setup: $*" >&2; }

PACKAGES=(
  bazel-bootstrap     # the build (Bazel 4.2.3, brings OpenJDK 17)
  bazel-rules-java    # @rules_java, which Bazel 4 loads for its JDK toolchains
  libabsl-dev         # Status, strings, synchronization, flags
  librocksdb-dev      # world state, block index
  libprotobuf-dev     # Fabric's wire formats (runtime)
  protobuf-compiler   # protoc for our .proto files
  libgtest-dev libgmock-dev googletest  # unit and conformance tests
  libbenchmark-dev    # bench/ (Google Benchmark)
  nlohmann-json3-dev  # JSON of blocks (fabric inspect) and of the vectors' expected.json
  pkg-config dpkg-dev # dpkg-source unpacks BoringSSL's source package
  clang               # --config=clang builds; a second compiler keeps us honest
  libclang-rt-14-dev  # clang's sanitizer and libFuzzer runtimes (make check: ASan, UBSan, TSan, fuzz)
  llvm-14             # llvm-symbolizer: sanitizer reports with file:line
  binutils            # nm, for the exported-symbols and ABI tests of libfabricpeer.so
  cmake make g++      # the examples, built outside Bazel against an install by make test
  doxygen             # make docs: the C ABI reference from fabric.h's comments
  python3 python3-pytest  # bindings/python: the Python binding (ctypes) and its tests
  python3-venv python3-pip python3-setuptools python3-wheel  # `pip install bindings/python`, tested
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  log "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  log "apt packages present"
fi

"$ROOT/third_party/fetch_debian_source.sh" "$ROOT/third_party/boringssl"
"$ROOT/third_party/fetch_debian_source.sh" "$ROOT/third_party/abseil"
log "done"
