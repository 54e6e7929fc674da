#!/bin/bash
# fabric workload and fabric bench as a user runs them: a small workload (2 orgs, a small
# preload, hot keys so that transactions conflict, range queries) replays with the codes
# its own workload.json records, fabric bench prints a JSON line with every key and the
# same codes for the measured blocks, and bad options are usage errors (exit 2).
#   tools/workload_cli_test.sh path/to/fabric
set -euo pipefail
FABRIC=$1
TMP=${TEST_TMPDIR:-$(mktemp -d)}
PY=/usr/bin/python3

"$FABRIC" workload --out "$TMP/chain" --orgs 2 --blocks 4 --block-size 40 --key-space 2000 \
  --hot-keys 4 --hot-share 0.3 --ranges 1 --range-size 5 --preload-keys 3000 \
  --preload-keys-per-tx 200 --preload-block-size 5 --clients 3 --seed 7 > "$TMP/workload.txt"
for f in genesis.block blocks/000001.block workload.json \
  msp/peerOrganizations/org2.example.com/peers/peer0.org2.example.com/msp/signcerts; do
  [[ -e $TMP/chain/$f ]] || { echo "workload wrote no $f" >&2; exit 1; }
done

# What the generator recorded: the codes of the whole chain, as "NAME n" lines, and
# that the workload did make conflicts and preload blocks.
"$PY" - "$TMP/chain/workload.json" > "$TMP/expected_codes.txt" <<'EOF'
import json, sys
w = json.load(open(sys.argv[1]))
assert w["preload_blocks"] >= 2, w
assert w["measured_codes"].get("MVCC_READ_CONFLICT", 0) >= 1, w["measured_codes"]
assert sum(w["measured_codes"].values()) == w["measured_txs"] == 160, w
for name, n in sorted(w["codes"].items()):
    print(name, n)
EOF

"$FABRIC" replay "$TMP/chain" --ledger "$TMP/replayed" > "$TMP/replay.txt" 2> /dev/null
sed -n 's/^codes: //p' "$TMP/replay.txt" | tr ',' '\n' | sed 's/^ *//' | sort > "$TMP/replay_codes.txt"
if ! diff "$TMP/expected_codes.txt" "$TMP/replay_codes.txt"; then
  echo "fabric replay's codes differ from workload.json's" >&2
  exit 1
fi

"$FABRIC" bench "$TMP/chain" --runs 1 --json > "$TMP/bench.json" 2> "$TMP/bench.err"
[[ $(wc -l < "$TMP/bench.json") == 1 ]] || { echo "bench --json printed more than a line" >&2; exit 1; }
"$PY" - "$TMP/bench.json" "$TMP/chain/workload.json" <<'EOF'
import json, sys
line = json.loads(open(sys.argv[1]).read())
w = json.load(open(sys.argv[2]))
keys = ["tx", "blocks", "tx_per_s", "runs_tx_per_s", "stages", "ratios", "verifications_per_tx",
        "ecdsa_verify_per_s", "ratio_to_bound", "peak_rss_mib", "threads", "preload_keys",
        "load_blocks", "load_seconds", "codes"]
missing = [k for k in keys if k not in line]
assert not missing, missing
for stage in ["parse", "signatures", "policy", "mvcc", "commit"]:
    assert line["stages"][stage] > 0, (stage, line["stages"])
    assert line["ratios"][stage] > 0, (stage, line["ratios"])
assert line["tx"] == w["measured_txs"], (line["tx"], w["measured_txs"])
assert line["codes"] == w["measured_codes"], (line["codes"], w["measured_codes"])
assert line["preload_keys"] == w["spec"]["preload_keys"]
assert line["load_blocks"] == w["first_measured_block"] - 1
assert line["tx_per_s"] > 0 and line["ecdsa_verify_per_s"] > 0 and line["ratio_to_bound"] > 0
EOF

# The same seed draws the same transactions: the same keys, versions and ranges (not the
# same bytes: the crypto material is new, and ECDSA signatures are randomized).
"$FABRIC" workload --out "$TMP/again" --orgs 2 --blocks 4 --block-size 40 --key-space 2000 \
  --hot-keys 4 --hot-share 0.3 --ranges 1 --range-size 5 --preload-keys 3000 \
  --preload-keys-per-tx 200 --preload-block-size 5 --clients 3 --seed 7 > /dev/null
rwset_of() {
  "$FABRIC" inspect "$1" | grep -E '"(key|start_key|end_key|block_num|tx_num)"'
}
last=$(ls "$TMP/chain/blocks" | tail -1)
rwset_of "$TMP/chain/blocks/$last" > "$TMP/rwset1.txt"
rwset_of "$TMP/again/blocks/$last" > "$TMP/rwset2.txt"
[[ -s $TMP/rwset1.txt ]] || { echo "no read-write sets in $last" >&2; exit 1; }
if ! diff -q "$TMP/rwset1.txt" "$TMP/rwset2.txt" > /dev/null; then
  echo "the same seed gave other read-write sets" >&2
  exit 1
fi

# Bad input: usage errors, never a crash.
expect_usage() {
  local status=0
  "$FABRIC" "$@" > /dev/null 2> "$TMP/err.txt" || status=$?
  if [[ $status != 2 ]]; then
    echo "fabric $*: exit $status, expected 2" >&2
    exit 1
  fi
  [[ -s $TMP/err.txt ]] || { echo "fabric $*: no message" >&2; exit 1; }
}
expect_usage workload
expect_usage workload --out "$TMP/x" --orgs 0
expect_usage workload --out "$TMP/x" --orgs two
expect_usage workload --out "$TMP/x" --endorsers 3
expect_usage workload --out "$TMP/x" --hot-share 1.5
expect_usage workload --out "$TMP/x" --key-space 1 --reads 2
expect_usage workload --out "$TMP/x" --txs 10 --blocks 2
expect_usage workload --out "$TMP/x" --frobnicate 1
expect_usage workload --out "$TMP/x" --policy "AND("
expect_usage bench
expect_usage bench "$TMP/chain" --runs 0
expect_usage bench "$TMP/chain" --ledger "$TMP/replayed"
"$FABRIC" workload --help | grep -q -- '--preload-keys'
status=0
"$FABRIC" workload --out "$TMP/chain" --blocks 1 > /dev/null 2>&1 || status=$?
[[ $status == 1 ]] || { echo "workload over an existing chain: exit $status" >&2; exit 1; }
status=0
"$FABRIC" bench "$TMP/nothing-here" > /dev/null 2>&1 || status=$?
[[ $status == 1 ]] || { echo "bench of no chain: exit $status" >&2; exit 1; }
echo PASS
