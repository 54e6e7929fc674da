#!/usr/bin/env python3
"""A throughput harness: times a replay of a chain (verify + validate + durable commit)
through Python, and, in the same run, `fabric replay` of the same chain, and prints both
with the overhead of Python.

    python3 examples/python/throughput.py ../shared/vectors/throughput --fabric .bazel/bin/tools/fabric

Ends with a JSON line for harnesses.
"""

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time

import fabric_peer as fp


def python_replay(chain: str) -> float:
    """Blocks kept in flight (submit_async), as `fabric replay` keeps them, so that a
    block's verification overlaps the previous one's commit."""
    blocks = list(fp.iter_chain(chain))  # read before the clock starts
    with tempfile.TemporaryDirectory() as tmp:
        with fp.Channel.create(tmp + "/ledger", blocks[0].data) as ch:
            start = time.perf_counter()
            futures = [ch.submit_async(b.data, private_data=b.private_data) for b in blocks[1:]]
            txs = sum(len(f.result().txs) for f in futures)
            seconds = time.perf_counter() - start
    return txs / seconds


def cli_replay(fabric: str, chain: str) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run([fabric, "replay", chain, "--ledger", tmp + "/ledger"],
                             check=True, capture_output=True, text=True).stdout
    return float(re.search(r"([0-9.]+) tx/s", out).group(1))


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("chain")
    p.add_argument("--fabric", help="the fabric CLI, to compare with `fabric replay`")
    p.add_argument("--runs", type=int, default=3)
    args = p.parse_args()
    py, cli = [], []
    for i in range(args.runs):  # alternated, so that both see the same machine
        py.append(python_replay(args.chain))
        if args.fabric:
            cli.append(cli_replay(args.fabric, args.chain))
        print(f"run {i + 1}: python {py[-1]:.0f} tx/s" +
              (f", fabric replay {cli[-1]:.0f} tx/s" if cli else ""))
    result = {"python_tx_per_s": round(statistics.median(py))}
    line = f"median: python {result['python_tx_per_s']} tx/s"
    if cli:
        result["fabric_replay_tx_per_s"] = round(statistics.median(cli))
        result["python_over_cli"] = round(statistics.median(py) / statistics.median(cli), 3)
        line += (f", fabric replay {result['fabric_replay_tx_per_s']} tx/s "
                 f"(python at {100 * result['python_over_cli']:.1f}% of it)")
    print(line)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
