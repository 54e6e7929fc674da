#!/bin/bash
# fabric demo and fabric cryptogen as a user runs them: a small demo passes its own
# checks, its written chain replays to the head it printed, bad counts are refused,
# and cryptogen lays out the orgs it names.
#   tools/demo_cli_test.sh path/to/fabric
set -euo pipefail
FABRIC=$1
TMP=${TEST_TMPDIR:-$(mktemp -d)}

"$FABRIC" demo --assets 40 --block-size 20 --out "$TMP/net" > "$TMP/demo.txt"
grep -q '^result: *OK$' "$TMP/demo.txt"
grep -q 'MVCC_READ_CONFLICT 2' "$TMP/demo.txt"
for ch in channel1 channel2; do
  want=$(awk -v ch="$ch:" 'index($0, ch) == 1 {c = 1} c && /head/ {print $NF; exit}' "$TMP/demo.txt")
  "$FABRIC" replay "$TMP/net/$ch" --ledger "$TMP/replayed-$ch" > /dev/null 2>&1
  got=$("$FABRIC" ledger info --ledger "$TMP/replayed-$ch" |
    sed -n 's/.*"current_hash": "\([0-9a-f]*\)".*/\1/p')
  if [[ -z $want || $got != "$want" ]]; then
    echo "$ch: replayed head '$got', demo printed '$want'" >&2
    exit 1
  fi
done
[[ -d $TMP/net/channel1/msp/peerOrganizations/org3.example.com ]]
[[ ! -e $TMP/net/channel2/msp/peerOrganizations/org3.example.com ]]

status=0
"$FABRIC" demo --assets 1 > /dev/null 2>&1 || status=$?
[[ $status == 2 ]]

"$FABRIC" cryptogen --out "$TMP/crypto" --orgs 2 --peers 2 --users 2 > /dev/null
for f in peerOrganizations/org2.example.com/peers/peer1.org2.example.com/msp/keystore/priv_sk \
  peerOrganizations/org1.example.com/users/User2@org1.example.com/msp/config.yaml \
  ordererOrganizations/example.com/orderers/orderer0.example.com/msp/signcerts; do
  [[ -e $TMP/crypto/$f ]] || { echo "cryptogen made no $f" >&2; exit 1; }
done
status=0
"$FABRIC" cryptogen --orgs 2 > /dev/null 2>&1 || status=$?
[[ $status == 2 ]]
echo PASS
