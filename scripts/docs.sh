#!/bin/bash
# make docs: the C ABI reference from the header comments (Doxygen, doc/reference/Doxyfile)
# into doc/reference/out/html/index.html, and a check that it is whole: every function of
# the ABI (capi/abi/fabricpeer.abi) is documented in it.
set -euo pipefail
cd "$(dirname "$0")/.."
out=doc/reference/out
rm -rf "$out"
mkdir -p "$out"
FABRIC_VERSION=$(sed -n 's/^FABRIC_PEER_VERSION = "\(.*\)"$/\1/p' capi/abi/version.bzl)
export FABRIC_VERSION
doxygen doc/reference/Doxyfile

bad=0
# Doxygen's own word: a function of fabric.h (or endorse.h, which it includes) without
# documentation.
if grep -E "of file (fabric|endorse)\.h is not documented" "$out/warnings.txt" | grep -F "(function)"; then
  bad=1
fi
# Every function the ABI records has a documented member in the reference.
for fn in $(sed -n 's/^symbol \([a-z_0-9]*\)@.*/\1/p' capi/abi/fabricpeer.abi); do
  if ! grep -qs "<name>$fn</name>" "$out/xml/fabric_8h.xml" "$out/xml/endorse_8h.xml"; then
    echo "docs: $fn is not in the reference"
    bad=1
  fi
done
if ((bad)); then echo "docs: FAILED (document every function of include/fabric/fabric.h and endorse.h)"; exit 1; fi
echo "docs: $out/html/index.html ($(grep -c '^symbol ' capi/abi/fabricpeer.abi) functions," \
  "fabric.h and contract.hpp; $(wc -l < "$out/warnings.txt") other Doxygen notes in" \
  "$out/warnings.txt)"
