#!/bin/sh
# `fabric conformance` on the bundled conformance vectors must print a full match and
# exit 0; so must the throughput vectors when FABRIC_VECTORS points at them (every
# transaction VALID, every block's hashes and the final state as Fabric's), and the
# private data vectors (also private and hashed state, stored and missing private data,
# BlockToLive purges). Then every snapshot set: joined from Fabric's snapshot, the rest
# of its chain committed, exported again byte for byte, tampered copies refused.
set -u
fabric="$1"
vectors="$2"
pvt="$3"
snapshots="$4"
status=0

run() {
  out=$("$fabric" conformance "$1")
  code=$?
  printf '%s\n' "$out"
  summary=$(printf '%s\n' "$out" | tail -n 1)
  if [ $code -ne 0 ]; then
    echo "FAIL: fabric conformance $1 exited $code"
    status=1
  fi
  # Every count must be N/N.
  if ! printf '%s\n' "$summary" | grep -Eq '^conformance: ([0-9]+)/\1 transactions, ([0-9]+)/\2 blocks, ([0-9]+)/\3 state entries(, ([0-9]+)/\5 private data entries)?(, ([0-9]+)/\7 snapshot files)?, ([0-9]+)/\8 verdicts match$'; then
    echo "FAIL: not a full match: $summary"
    status=1
  fi
}

run "$vectors"
if [ -n "${FABRIC_VECTORS:-}" ] && [ -f "$FABRIC_VECTORS/throughput/expected.json" ]; then
  run "$FABRIC_VECTORS/throughput"
else
  echo "throughput vectors absent (set FABRIC_VECTORS): skipped"
fi
run "$pvt"
# Private data entries were compared, not skipped.
if ! printf '%s\n' "$out" | tail -n 1 | grep -Eq ', [1-9][0-9]*/[0-9]+ private data entries'; then
  echo "FAIL: no private data compared for $pvt"
  status=1
fi
for set in "$snapshots"/*/; do
  run "${set%/}"
  if ! printf '%s\n' "$out" | tail -n 1 | grep -Eq ', [1-9][0-9]*/[0-9]+ snapshot files, [1-9]'; then
    echo "FAIL: no snapshot file compared or no tampered copy tried for $set"
    status=1
  fi
done
if [ -n "${FABRIC_VECTORS:-}" ] && [ -d "$FABRIC_VECTORS/snapshots/throughput_h12" ]; then
  run "$FABRIC_VECTORS/snapshots/throughput_h12"
else
  echo "throughput snapshot absent (set FABRIC_VECTORS): skipped"
fi
exit $status
