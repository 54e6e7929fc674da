#!/bin/bash
# Runs a benchmark binary for a moment: it must start, run and exit cleanly.
set -euo pipefail
"$1" --benchmark_min_time=0.01 2>&1 | tail -n 20
