#!/usr/bin/env python3
"""A ledger audit: replays a chain directory through a fresh peer (verify, validate,
commit), prints each block's transaction codes, and the final world state's hash.

    python3 examples/python/audit.py ../shared/vectors/conformance [--mspid Org1MSP]

The chain is the vectors' layout (genesis.block, blocks/, pvtdata/), a directory of
.block files, or a Fabric peer's block files. A block verification refuses (as Fabric's
peer would) is reported and committed unverified with --commit-refused, else the audit
stops there. The state hash is SHA-256 over every key of every namespace the chain's
`_lifecycle` defines (and "" and `_lifecycle` themselves), in order: namespace, key,
value and version, each length-prefixed.
"""

import argparse
import collections
import hashlib
import struct
import sys
import tempfile

import fabric_peer as fp


def state_hash(ledger: fp.Ledger) -> str:
    namespaces = ["", "_lifecycle"] + sorted(
        kv.key.decode()[len("namespaces/fields/"):-len("/Sequence")]
        for kv in ledger.range("_lifecycle", b"namespaces/fields/", b"namespaces/fields0")
        if kv.key.endswith(b"/Sequence"))
    h = hashlib.sha256()
    for ns in namespaces:
        for kv in ledger.range(ns):
            for part in (ns.encode(), kv.key, kv.value):
                h.update(struct.pack(">Q", len(part)) + part)
            h.update(struct.pack(">QQ", kv.version.block, kv.version.tx))
    return h.hexdigest()


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("chain")
    p.add_argument("--mspid", help="this peer's org (keeps its collections' private data)")
    p.add_argument("--channel", help="the channel, in a peer's ledgersData")
    p.add_argument("--commit-refused", action="store_true",
                   help="commit blocks verification refuses, unverified (as recorded)")
    args = p.parse_args()
    counts = collections.Counter()
    with tempfile.TemporaryDirectory() as tmp:
        blocks = fp.iter_chain(args.chain, args.channel)
        genesis = next(blocks)
        with fp.Channel.create(tmp + "/ledger", genesis.data, mspid=args.mspid) as ch:
            print(f"block {genesis.number}: genesis of channel {ch.channel_id}")
            for b in blocks:
                try:
                    r = ch.submit(b.data, private_data=b.private_data)
                except fp.FabricError as e:
                    print(f"block {b.number}: REFUSED by verification: {e.message}")
                    if not args.commit_refused:
                        return 1
                    r = ch.submit(b.data, private_data=b.private_data, verify=False)
                counts.update(r.codes)
                print(f"block {r.number}: {' '.join(r.codes) or '(no transactions)'}")
            with ch.ledger as ledger:
                info = ledger.info()
                print(f"height {info.height}, head {info.current_hash.hex()}")
                print(f"codes: {', '.join(f'{k} {v}' for k, v in sorted(counts.items()))}")
                print(f"state hash {state_hash(ledger)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
