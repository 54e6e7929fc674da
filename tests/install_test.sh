#!/bin/bash
# A host outside this repository: libfabricpeer installed into a temporary prefix
# (scripts/install.sh, from the build `make test` just made), then examples/ built against
# it twice, with plain make + pkg-config and with CMake's find_package(FabricPeer), and run
# over the conformance vectors: the value they read must be the one Fabric's ledger holds
# (expected.json), and their proposals must be endorsed. Run by `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
vectors=$PWD/tests/vectors/conformance
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "install_test: FAIL: $*" >&2; exit 1; }

scripts/install.sh "$tmp/prefix" > /dev/null
for f in include/fabric/fabric.h include/fabric/endorse.h include/fabric/contract.hpp \
    include/fabric/version.h \
    lib/libfabricpeer.so lib/pkgconfig/fabricpeer.pc lib/cmake/FabricPeer/FabricPeerConfig.cmake \
    bin/fabric; do
  [[ -e "$tmp/prefix/$f" ]] || fail "$f not installed"
done
"$tmp/prefix/bin/fabric" conformance "$vectors" > "$tmp/conformance.txt" ||
  fail "the installed fabric CLI: $(cat "$tmp/conformance.txt")"

# A key of a chaincode namespace with a printable name and a short value, and that value
# in hex, from the state Fabric's peer ended with.
read -r ns key want < <(perl -MJSON::PP -MMIME::Base64 -e '
  local $/; my $state = decode_json(<STDIN>)->{final_state};
  for my $ns (sort keys %$state) {
    next if $ns eq "" || $ns =~ /^_/;
    for my $e (@{$state->{$ns}}) {
      my $v = decode_base64($e->{value_b64});
      next unless $e->{key} =~ /^[!-~]+$/ && length($v) > 0 && length($v) <= 64;
      print "$ns $e->{key} ", join(":", map { sprintf "%02x", ord } split //, $v), "\n";
      exit 0;
    }
  }
  exit 1;' < "$vectors/expected.json") || fail "no suitable key in expected.json"

check() {  # check BUILD_KIND DIR: runs both examples built in DIR
  local out
  out=$("$2/c_host" "$vectors" "$tmp/ledger_c_$1" "$ns" "$key") || fail "$1 c_host: $out"
  grep -qx "state $ns/$key = ${want//:/ }" <<<"$out" || fail "$1 c_host read: $out"
  grep -q '^endorsed .*: status 200, payload "stored greeting"' <<<"$out" ||
    fail "$1 c_host endorse: $out"
  out=$("$2/cpp_host" "$vectors" "$tmp/ledger_cpp_$1") || fail "$1 cpp_host: $out"
  grep -q '^inc visits: status 200, payload 1$' <<<"$out" || fail "$1 cpp_host: $out"
  grep -q '^get visits: status 200, payload 0 ' <<<"$out" || fail "$1 cpp_host query: $out"
}

make -s -C examples PKG_CONFIG_PATH="$tmp/prefix/lib/pkgconfig" OUT="$tmp/make" > /dev/null
check make "$tmp/make"
cmake -S examples -B "$tmp/cmake" -DCMAKE_PREFIX_PATH="$tmp/prefix" > "$tmp/cmake.log" ||
  fail "cmake: $(cat "$tmp/cmake.log")"
cmake --build "$tmp/cmake" > "$tmp/cmake_build.log" 2>&1 ||
  fail "cmake build: $(cat "$tmp/cmake_build.log")"
check cmake "$tmp/cmake"
echo "install_test: installed, built with make + pkg-config and with CMake, read $ns/$key as" \
  "Fabric did, endorsed: OK"
