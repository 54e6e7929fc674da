#!/bin/bash
# The main job, until the network demo exists: run the CLI over the Fabric-made
# vectors bundled with the repository (and the throughput set when present).
#   scripts/demo.sh path/to/fabric
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FABRIC=${1:-$ROOT/bazel-bin/tools/fabric}
VECTORS=$ROOT/tests/vectors/conformance

echo "== fabric version"
"$FABRIC" version
echo
echo "== fabric chain $VECTORS  (hash chain, data hashes, well-formed envelopes)"
"$FABRIC" chain "$VECTORS" || true   # block 20 is malformed on purpose
echo
echo "== fabric block $VECTORS/blocks/000019.block"
"$FABRIC" block "$VECTORS/blocks/000019.block"
echo
echo "== fabric inspect $VECTORS/blocks/000002.block  (first 40 of its lines)"
json=$(mktemp)
trap 'rm -f "$json"' EXIT
"$FABRIC" inspect "$VECTORS/blocks/000002.block" > "$json"
head -40 "$json"
echo "... ($(wc -l < "$json") lines in all)"
THROUGHPUT=${FABRIC_VECTORS:-$ROOT/../shared/vectors}/throughput
if [[ -d $THROUGHPUT ]]; then
  echo
  echo "== fabric chain $THROUGHPUT"
  "$FABRIC" chain "$THROUGHPUT"
else
  echo "(throughput vectors absent at $THROUGHPUT: skipped)"
fi
