#!/bin/bash
# Runs every benchmark (built with -c opt by `make bench`) and reports medians of 5.
#   FABRIC_VECTORS=<dir with throughput/> scripts/bench.sh
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export FABRIC_VECTORS=${FABRIC_VECTORS:-$ROOT/../shared/vectors}
if [[ ! -d $FABRIC_VECTORS/throughput ]]; then
  echo "bench: throughput vectors absent at $FABRIC_VECTORS/throughput;" \
       "benchmarks that need them report an error and the rest run" >&2
fi
# ledger_bench: add the 10M-key ledger (~25 s of preload); its CI smoke test runs 100k only.
export FABRIC_BENCH_LARGE=${FABRIC_BENCH_LARGE:-1}
cd "$ROOT"
for b in crypto_bench codec_bench policy_bench ledger_bench endorse_bench; do
  echo "== $b"
  "$ROOT/.bazel/out/k8-opt/bin/bench/$b" --benchmark_repetitions=5 \
    --benchmark_report_aggregates_only=true --benchmark_display_aggregates_only=true \
    2>&1 | grep -v -E '_(mean|stddev|cv) '
done
