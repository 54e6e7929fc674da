#!/bin/bash
# The main job: a sample network built from nothing (fabric demo: our cryptogen, two
# channels, peers as library instances, an asset-transfer workload, every peer checked
# against the others), its chain replayed from the files it wrote; then the CLI over the
# Fabric-made vectors bundled with the repository (and the throughput set when present).
#   scripts/demo.sh path/to/fabric
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FABRIC=${1:-$ROOT/.bazel/bin/tools/fabric}
VECTORS=$ROOT/tests/vectors/conformance
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

echo "== fabric version"
"$FABRIC" version
echo
"$FABRIC" demo --out "$WORK/net" | tee "$WORK/demo.txt"
echo
echo "== fabric replay $WORK/net/channel1  (the demo's chain, from its files, into a new ledger)"
"$FABRIC" replay "$WORK/net/channel1" --ledger "$WORK/replayed-channel1"
want=$(awk '/^channel1:/ {c = 1} c && /head/ {print $NF; exit}' "$WORK/demo.txt")
got=$("$FABRIC" ledger info --ledger "$WORK/replayed-channel1" |
  sed -n 's/.*"current_hash": "\([0-9a-f]*\)".*/\1/p')
if [[ -z $want || $got != "$want" ]]; then
  echo "replayed head $got differs from the demo's head $want" >&2
  exit 1
fi
echo "replayed head $got = the demo's head"
echo
echo "== fabric chain $VECTORS  (hash chain, data hashes, well-formed envelopes)"
"$FABRIC" chain "$VECTORS" || true   # block 20 is malformed on purpose
echo
echo "== fabric block $VECTORS/blocks/000019.block"
"$FABRIC" block "$VECTORS/blocks/000019.block"
echo
echo "== fabric inspect $VECTORS/blocks/000002.block  (first 40 of its lines)"
json=$WORK/block2.json
"$FABRIC" inspect "$VECTORS/blocks/000002.block" > "$json"
head -40 "$json"
echo "... ($(wc -l < "$json") lines in all)"
echo
P=$VECTORS/msp/peerOrganizations
echo "== fabric policy eval /Channel/Application/Endorsement  (MAJORITY of 3 orgs; Org1 + Org3 peers)"
"$FABRIC" policy eval /Channel/Application/Endorsement --config "$VECTORS/genesis.block" \
  --signer "Org1MSP:$P/org1.example.com/peers/peer0.org1.example.com/msp" \
  --signer "Org3MSP:$P/org3.example.com/peers/peer0.org3.example.com/msp"
echo
echo "== fabric identity check User2@org1, before and after the CRL of config block 17"
USER2=$P/org1.example.com/users/User2@org1.example.com/msp/signcerts/User2@org1.example.com-cert.pem
"$FABRIC" identity check "$USER2" --msp Org1MSP --config "$VECTORS/genesis.block" || true
"$FABRIC" identity check "$USER2" --msp Org1MSP --config "$VECTORS/blocks/000017.block" || true
echo
LEDGER=$WORK/ledgers
echo "== fabric ledger import $VECTORS/committed  (Fabric's stored blocks into our ledger)"
"$FABRIC" ledger import "$VECTORS/committed" --ledger "$LEDGER/mychannel"
echo "== fabric ledger history cc_or blind_writes_33b90_bw"
"$FABRIC" ledger history cc_or blind_writes_33b90_bw --ledger "$LEDGER/mychannel"
echo
echo "== fabric conformance $VECTORS  (verify, validate, commit from an empty ledger; compare with Fabric)"
"$FABRIC" conformance "$VECTORS"
echo
echo "== fabric replay $VECTORS --ledger $LEDGER/replayed, then info"
"$FABRIC" replay "$VECTORS" --ledger "$LEDGER/replayed" --no-verify
"$FABRIC" ledger info --ledger "$LEDGER/replayed"
THROUGHPUT=${FABRIC_VECTORS:-$ROOT/../shared/vectors}/throughput
if [[ -d $THROUGHPUT ]]; then
  echo
  echo "== fabric chain $THROUGHPUT"
  "$FABRIC" chain "$THROUGHPUT"
  echo
  echo "== fabric replay $THROUGHPUT  (verify + validate + commit, durable; Fabric: 3,162 tx/s)"
  "$FABRIC" replay "$THROUGHPUT"
else
  echo "(throughput vectors absent at $THROUGHPUT: skipped)"
fi
