#!/usr/bin/env python3
"""A whole Fabric network in one Python process, as `fabric demo` runs one: three peers
(one per org of the conformance vectors' channel) each with its own ledger, a client, an
orderer's block assembler, a chaincode written in Python defined through `_lifecycle`
(each org approves, then the definition is committed), then a workload of transfers
endorsed by two orgs, ordered into blocks and committed by every peer, which must end
with the same chain and state.

    python3 examples/python/network.py tests/vectors/conformance --transactions 200
"""

import argparse
import json
import pathlib
import sys
import tempfile
import time
from typing import Dict, List

import fabric_peer as fp

CHANNEL = "mychannel"
ORGS = ["Org1MSP", "Org2MSP", "Org3MSP"]


class Tokens(fp.Contract):
    """Accounts with balances; transfers move them."""

    @fp.transaction
    def mint(self, stub: fp.Stub, account: str, amount: str):
        balance = int(stub.get_state(account) or b"0") + int(amount)
        stub.put_state(account, str(balance))
        return balance

    @fp.transaction
    def transfer(self, stub: fp.Stub, src: str, dst: str, amount: str):
        a, b = int(stub.get_state(src) or b"0"), int(stub.get_state(dst) or b"0")
        if a < int(amount):
            raise fp.ContractError(f"{src} has {a}, not {amount}", 400)
        stub.put_state(src, str(a - int(amount)))
        stub.put_state(dst, str(b + int(amount)))
        stub.set_event("transfer", json.dumps({"from": src, "to": dst, "amount": int(amount)}))

    @fp.query
    def balance(self, stub: fp.Stub, account: str):
        return int(stub.get_state(account) or b"0")


class Peer:
    def __init__(self, org: int, vectors: pathlib.Path, workdir: pathlib.Path) -> None:
        self.mspid = ORGS[org]
        msp = vectors / "msp" / "peerOrganizations" / f"org{org + 1}.example.com"
        self.signer = fp.Signer.from_msp_dir(self.mspid, msp / "peers" / f"peer0.org{org + 1}.example.com")
        self.channel = fp.Channel.create(workdir / f"peer{org + 1}", (vectors / "genesis.block").read_bytes(),
                                         mspid=self.mspid)
        self.endorser = fp.Endorser(self.channel, self.signer)
        self.endorser.register("tokens", Tokens())

    def close(self) -> None:
        self.endorser.close()
        self.channel.close()


class Network:
    def __init__(self, vectors: pathlib.Path, workdir: pathlib.Path) -> None:
        self.peers = [Peer(i, vectors, workdir) for i in range(3)]
        msp = vectors / "msp"
        self.client = fp.Signer.from_msp_dir(
            "Org1MSP", msp / "peerOrganizations/org1.example.com/users/User1@org1.example.com")
        orderer = fp.Signer.from_msp_dir(
            "OrdererMSP", msp / "ordererOrganizations/example.com/orderers/orderer0.example.com")
        self.assembler = fp.BlockAssembler((vectors / "genesis.block").read_bytes(), orderer,
                                           max_message_count=50)
        self.results: List[fp.BlockResult] = []

    def endorse(self, peers: List[Peer], chaincode: str, fn: str, args: List[str]):
        proposal = fp.create_proposal(self.client, CHANNEL, chaincode, fn, args)
        responses = [p.endorser.endorse(proposal.signed) for p in peers]
        for r in responses:
            if not r.ok:
                raise RuntimeError(f"{chaincode}.{fn}: {r.status} {r.message}")
        return proposal, fp.assemble_transaction(self.client, proposal, responses), responses

    def deliver(self, blocks: List[bytes], private: Dict[int, bytes]) -> None:
        for block in blocks:
            for p in self.peers:  # every peer commits every block
                r = p.channel.submit(block, private_data=private)
            self.results.append(r)

    def order(self, envelope: bytes, private: Dict[int, bytes] = None) -> None:
        self.deliver(self.assembler.add(envelope), private or {})

    def flush(self, private: Dict[int, bytes] = None) -> None:
        block = self.assembler.cut()
        if block is not None:
            self.deliver([block], private or {})

    def define(self) -> None:
        """`_lifecycle`: each org approves (endorsed by its own peer, written to its
        implicit collection), then the commit, endorsed by every org."""
        args = fp.lifecycle_definition_args("tokens", "1.0", 1,
                                            policy="OutOf(2,'Org1MSP.peer','Org2MSP.peer','Org3MSP.peer')")
        for p in self.peers:
            proposal, envelope, (r,) = self.endorse([p], "_lifecycle",
                                                    "ApproveChaincodeDefinitionForMyOrg", [args])
            self.order(envelope)
            self.flush({0: r.private_rwset})
        _, envelope, _ = self.endorse(self.peers, "_lifecycle", "CommitChaincodeDefinition", [args])
        self.order(envelope)
        self.flush()

    def close(self) -> None:
        self.assembler.close()
        for p in self.peers:
            p.close()


def run(vectors: pathlib.Path, workdir: pathlib.Path, transactions: int, accounts: int = 100) -> dict:
    net = Network(vectors, workdir)
    try:
        net.define()
        for i in range(accounts):
            net.order(net.endorse(net.peers[:2], "tokens", "mint", [f"acct{i}", "1000"])[1])
        net.flush()
        start = time.perf_counter()
        committed = len(net.results)
        heard = []
        with net.peers[2].channel.events(timeout=0.5) as events:
            for i in range(transactions):
                pair = [net.peers[i % 3], net.peers[(i + 1) % 3]]
                # The 50 transfers of a block touch 100 distinct accounts: no conflicts.
                args = [f"acct{2 * i % accounts}", f"acct{(2 * i + 1) % accounts}", "1"]
                net.order(net.endorse(pair, "tokens", "transfer", args)[1])
            net.flush()
            seconds = time.perf_counter() - start
            heard = list(events)
        codes: Dict[str, int] = {}
        for r in net.results[committed:]:
            for c in r.codes:
                codes[c] = codes.get(c, 0) + 1
        heads = set()
        for p in net.peers:
            with p.channel.ledger as ledger:
                last = ledger.block(ledger.height - 1)
                heads.add((ledger.height, last.header_hash, last.commit_hash))
                total = sum(int(kv.value) for kv in ledger.range("tokens"))
        assert len(heads) == 1, "the peers disagree"
        height, head, commit_hash = heads.pop()
        return {"height": height, "head": head.hex(), "commit_hash": commit_hash.hex(),
                "codes": codes, "events": len(heard), "total_balance": total,
                "tx_per_s": round(transactions / seconds)}
    finally:
        net.close()


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("vectors", help="a vectors chain with msp/ and genesis.block")
    p.add_argument("--transactions", type=int, default=200)
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        result = run(pathlib.Path(args.vectors), pathlib.Path(tmp), args.transactions)
    print(f"3 peers agree: height {result['height']}, head {result['head'][:16]}..., "
          f"commit hash {result['commit_hash'][:16]}...")
    print(f"codes {result['codes']}, {result['events']} events heard, "
          f"{result['tx_per_s']} tx/s (endorse by 2 orgs + order + commit on 3 peers)")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
