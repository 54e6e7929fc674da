"""Shared fixtures: the repository's Fabric-made vectors and a replayed channel."""

from __future__ import annotations

import json
import os
import pathlib
import struct
from typing import Dict

import pytest

import fabric_peer as fp

ROOT = pathlib.Path(__file__).resolve().parents[3]
VECTORS = ROOT / "tests" / "vectors"
CONFORMANCE = VECTORS / "conformance"
PVT = VECTORS / "pvt"
MSP = CONFORMANCE / "msp"


def read(path: pathlib.Path) -> bytes:
    return pathlib.Path(path).read_bytes()


def expected(chain: pathlib.Path) -> dict:
    return json.loads((chain / "expected.json").read_text())


def block_file(chain: pathlib.Path, b: dict) -> pathlib.Path:
    return chain / b.get("file", "blocks/%06d.block" % b["number"])


def private_data(chain: pathlib.Path, number: int) -> Dict[int, bytes]:
    """pvtdata/NNNNNN.pvt (the vectors' README): records of be64 tx index, be32 length,
    a serialized TxPvtReadWriteSet."""
    path = chain / "pvtdata" / ("%06d.pvt" % number)
    out: Dict[int, bytes] = {}
    if not path.exists():
        return out
    data, at = path.read_bytes(), 0
    while at < len(data):
        tx, size = struct.unpack_from(">QI", data, at)
        out[tx] = data[at + 12:at + 12 + size]
        at += 12 + size
    return out


def submit_as_fabric(ch: fp.Channel, chain: pathlib.Path, b: dict, **kw) -> fp.BlockResult:
    """Submits a block verified; one Fabric's verification refused must be refused here
    too, and is then committed unverified, as the vectors recorded it."""
    data = read(block_file(chain, b))
    pvt = private_data(chain, b["number"])
    if b["mcs_verify_block"]["accepted"]:
        return ch.submit(data, private_data=pvt, **kw)
    with pytest.raises(fp.FabricError):
        ch.submit(data, private_data=pvt)
    return ch.submit(data, private_data=pvt, verify=False)


def signer(mspid: str, relative: str) -> fp.Signer:
    return fp.Signer.from_msp_dir(mspid, MSP / relative)


@pytest.fixture
def replayed(tmp_path):
    """A channel of a peer of Org1 that committed the whole conformance chain."""
    ch = fp.Channel.create(tmp_path / "ledger", read(CONFORMANCE / "genesis.block"),
                           mspid="Org1MSP")
    for b in expected(CONFORMANCE)["blocks"]:
        submit_as_fabric(ch, CONFORMANCE, b)
    yield ch
    ch.close()
