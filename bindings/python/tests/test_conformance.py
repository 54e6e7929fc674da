"""The conformance and private data chains replayed through Python: every code, block
and ledger tip equal to what Fabric's peer recorded (expected.json, committed/)."""

from __future__ import annotations

import pytest

import fabric_peer as fp
from conftest import CONFORMANCE, PVT, expected, read, submit_as_fabric


@pytest.mark.parametrize("chain", [CONFORMANCE, PVT], ids=["conformance", "pvt"])
def test_every_code_is_fabrics(tmp_path, chain):
    want = expected(chain)
    mspid = want.get("vantage_peer", {}).get("mspid")
    compared = 0
    with fp.Channel.create(tmp_path / "ledger", read(chain / "genesis.block"), mspid=mspid) as ch:
        for b in want["blocks"]:
            r = submit_as_fabric(ch, chain, b)
            assert r.number == b["number"]
            assert r.header_hash.hex() == b["header_hash"]
            txs = sorted(b["txs"], key=lambda t: t["index"])
            assert [t.code_name for t in r.txs] == [t["code"] for t in txs]
            assert [t.validator_code_name for t in r.txs] == [t["validator_code"] for t in txs]
            assert [t.txid for t in r.txs] == [t.get("txid", "") for t in txs]
            compared += len(txs)
        with ch.ledger as ledger:
            info = ledger.info()
            assert info.height == want["ledger_height"]
            assert info.current_hash.hex() == want["ledger_current_block_hash"]
            for block in ledger.blocks():
                assert block.raw == read(chain / "committed" / ("%06d.block" % block.number))
    assert compared == sum(len(b["txs"]) for b in want["blocks"]) > 0


def test_queries_read_what_fabric_committed(replayed):
    want = expected(CONFORMANCE)
    with replayed.ledger as ledger:
        checked = 0
        for ns, entries in want["final_state"].items():
            keys = [bytes.fromhex(e["key_hex"]) if "key_hex" in e else e["key"].encode()
                    for e in entries]
            if ns == "":
                continue  # the config envelope: Go re-marshals it in its own map order
            got = {kv.key: kv for kv in ledger.range(ns)}
            assert set(got) == set(keys), ns
            for e, key in zip(entries, keys):
                v = ledger.get_state(ns, key)
                assert v is not None and v.value == got[key].value
                assert [v.version.block, v.version.tx] == e["version"]
                checked += 1
        assert checked > 0
        for h in want.get("history", []):
            mods = list(ledger.history(h["namespace"], bytes.fromhex(h["key_hex"])))
            assert [m.txid for m in mods] == [m["txid"] for m in h["history_newest_first"]]
        txid = want["blocks"][3]["txs"][0]["txid"]
        assert ledger.tx(txid).block == want["blocks"][3]["number"]
        assert ledger.block_by_txid(txid).number == want["blocks"][3]["number"]
        page = ledger.range("cc_or", page_size=2)
        assert len(list(page)) == 2 and page.bookmark != b""


def test_blocks_parse_with_their_transactions():
    for b in expected(CONFORMANCE)["blocks"]:
        with fp.Block.parse(read(CONFORMANCE / b.get("file", "blocks/%06d.block" % b["number"]))) as block:
            assert block.number == b["number"]
            assert block.previous_hash.hex() == b["previous_hash"]
            assert block.data_hash.hex() == b["data_hash"]
            assert block.is_config == b["is_config"]
            d = block.to_dict()
            assert isinstance(d, dict) and d
            assert len(block.transactions) == len(block) == len(block.txids)
