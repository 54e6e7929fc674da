"""A contract written in Python, endorsed, ordered and committed on the conformance
channel, using the stub's whole API; its errors answered, never crashing the host."""

from __future__ import annotations

import json

import pytest

import fabric_peer as fp
from conftest import signer

CHANNEL = "mychannel"


class Assets(fp.Contract):
    @fp.transaction
    def create(self, stub: fp.Stub, key: str, color: str):
        if stub.get_state(key) is not None:
            raise fp.ContractError(f"asset {key} exists", 409)
        everything = stub.get_state_by_range()
        stub.put_state(key, color)
        index = stub.create_composite_key("color~key", [color, key])
        stub.put_state(index, b"\x00")
        stub.set_state_validation_parameter(key, fp.Policy.compile("OR('Org1MSP.peer')"))
        stub.put_private_data("_implicit_org_Org1MSP", key, stub.get_transient("secret") or b"")
        stub.set_event("created", json.dumps({"key": key, "color": color}))
        return {"keys": len(everything),
                "creator": stub.creator_mspid, "txid": stub.txid, "channel": stub.channel_id,
                "year": stub.timestamp.year, "query": stub.is_query, "fn": stub.function}

    @fp.query
    def read(self, stub: fp.Stub, key: str) -> bytes:
        value = stub.get_state(key)
        if value is None:
            raise fp.ContractError(f"no asset {key}", 404)
        return value

    @fp.query
    def page(self, stub: fp.Stub, size: str, bookmark: str):
        """A paginated query (which, as in Fabric, a writing transaction may not make)."""
        page, next_bookmark = stub.get_state_by_range_with_pagination("", "", int(size),
                                                                      bookmark)
        return {"keys": [k.decode() for k, _ in page], "next": next_bookmark.decode()}

    @fp.query
    def by_color(self, stub: fp.Stub, color: str):
        keys = [stub.split_composite_key(k)[1][1]
                for k, _ in stub.get_state_by_partial_composite_key("color~key", [color])]
        return sorted(keys)

    @fp.query
    def details(self, stub: fp.Stub, key: str):
        return {"metadata": sorted(stub.get_state_metadata(key)),
                "policy": fp.Policy(stub.get_state_validation_parameter(key)).dsl,
                "history": [m.txid for m in stub.get_history_for_key(key)],
                "private_hash": (stub.get_private_data_hash("_implicit_org_Org1MSP", key) or b"").hex()}

    @fp.transaction
    def crash(self, stub: fp.Stub):
        raise ValueError("the contract failed")


@pytest.fixture
def network(replayed):
    user = signer("Org1MSP", "peerOrganizations/org1.example.com/users/User1@org1.example.com")
    peer = signer("Org1MSP", "peerOrganizations/org1.example.com/peers/peer0.org1.example.com")
    orderer = signer("OrdererMSP", "ordererOrganizations/example.com/orderers/orderer0.example.com")
    endorser = fp.Endorser(replayed, peer)
    endorser.register("cc_or", Assets())
    with replayed.ledger as ledger:
        last = ledger.block(ledger.height - 1)
    assembler = fp.BlockAssembler(last, orderer)
    yield replayed, endorser, user, assembler
    endorser.close()
    assembler.close()


def order(assembler, envelope: bytes) -> bytes:
    assert assembler.add(envelope) == []
    block = assembler.cut()
    assert block is not None
    return block


def test_endorsed_ordered_committed(network):
    ch, endorser, user, assembler = network
    proposal = fp.create_proposal(user, CHANNEL, "cc_or", "create", ["py1", "teal"],
                                  transient={"secret": b"s3cret"})
    result = endorser.endorse(proposal.signed)
    assert result.ok, result.message
    assert result.txid == proposal.txid and result.response and result.rwset
    assert result.private_rwset  # the private write, handed apart
    summary = json.loads(result.payload)
    assert summary["creator"] == "Org1MSP" and summary["txid"] == proposal.txid
    assert summary["fn"] == "create" and summary["query"] is False and summary["keys"] > 0

    envelope = fp.assemble_transaction(user, proposal, [result])
    block = order(assembler, envelope)
    with ch.events(timeout=10) as events:
        committed = ch.submit(block, private_data={0: result.private_rwset})
        event = next(iter(events))
    assert committed.codes == ["VALID"]
    assert event.name == "created" and json.loads(event.payload)["key"] == "py1"
    assert event.txid == proposal.txid and committed.events[0] == event
    assert ch.wait_for(proposal.txid, timeout=1).valid

    def evaluate(fn, *args):
        return endorser.evaluate(fp.create_proposal(user, CHANNEL, "cc_or", fn, list(args)).signed)
    assert evaluate("read", "py1").payload == b"teal"
    assert json.loads(evaluate("by_color", "teal").payload) == ["py1"]
    with ch.ledger as ledger:
        simple = [kv.key.decode() for kv in ledger.range("cc_or") if not kv.key.startswith(b"\0")]
    pages, bookmark = [], ""
    while True:
        page = json.loads(evaluate("page", "2", bookmark).payload)
        pages += page["keys"]
        bookmark = page["next"]
        if not bookmark:
            break
    assert pages == simple and "py1" in pages
    details = json.loads(evaluate("details", "py1").payload)
    assert details["metadata"] == ["VALIDATION_PARAMETER"]
    assert details["policy"] == "OR('Org1MSP.peer')"
    assert details["history"] == [proposal.txid]
    with ch.ledger as ledger:
        assert ledger.get_state("cc_or", "py1").value == b"teal"
        assert ledger.get_private_data("cc_or", "_implicit_org_Org1MSP", "py1").value == b"s3cret"
        assert details["private_hash"] == ledger.get_private_data_hash(
            "cc_or", "_implicit_org_Org1MSP", "py1").value.hex()


def test_contract_errors_are_answers(network):
    ch, endorser, user, _ = network

    def endorse(fn, *args):
        return endorser.endorse(fp.create_proposal(user, CHANNEL, "cc_or", fn, list(args)).signed)
    missing = endorser.evaluate(fp.create_proposal(user, CHANNEL, "cc_or", "read", ["nope"]).signed)
    assert (missing.status, missing.message) == (404, "no asset nope")
    crashed = endorse("crash")
    assert crashed.status == 500 and crashed.message == "ValueError: the contract failed"
    assert not crashed.ok and crashed.response == b""
    unknown = endorse("no_such_function")
    assert unknown.status == 400 and "no_such_function" in unknown.message
    # Refused before the contract runs: an exception with the library's code.
    with pytest.raises(fp.NotFound) as e:
        endorser.endorse(fp.create_proposal(user, CHANNEL, "undefined_cc", "x").signed)
    assert e.value.code == -4 and e.value.message


def test_a_raising_commit_callback_does_not_crash(network):
    ch, endorser, user, assembler = network
    seen = []

    def bad(result):
        seen.append(result.number)
        raise RuntimeError("callback failure")
    with ch.on_commit(bad):
        proposal = fp.create_proposal(user, CHANNEL, "cc_or", "create", ["py2", "red"])
        result = endorser.endorse(proposal.signed)
        committed = ch.submit(order(assembler, fp.assemble_transaction(user, proposal, [result])))
    assert committed.codes == ["VALID"] and seen == [committed.number]
    assert isinstance(ch.callback_errors[-1], RuntimeError)
    assert ch.height == committed.number + 1
