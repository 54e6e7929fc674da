"""Snapshots and a Fabric peer's block files from Python: joined, continued and exported
byte for byte as Fabric's; tampered copies refused; block files read as stored."""

from __future__ import annotations

import shutil

import pytest

import fabric_peer as fp
from conftest import CONFORMANCE, VECTORS, expected, read

SNAPSHOTS = VECTORS / "snapshots"


def test_join_continue_and_export(tmp_path):
    source = SNAPSHOTS / "conformance_h10" / "snapshot"
    info = fp.verify_snapshot(source)
    with fp.Channel.join_snapshot(tmp_path / "ledger", source) as ch:
        assert ch.height == info.height
        with ch.ledger as ledger:
            assert ledger.info().current_hash == info.last_block_hash
            assert ledger.snapshot_origin() == info
            with pytest.raises(fp.NotFound):
                ledger.block(3)
        for b in expected(CONFORMANCE)["blocks"]:
            if b["number"] < info.height:
                continue
            try:
                ch.submit(read(CONFORMANCE / ("blocks/%06d.block" % b["number"])))
            except fp.Malformed:
                break  # block 20, which Fabric's joined peer refused too
        written = ch.snapshot(tmp_path / "exported")
    fabric = SNAPSHOTS / "conformance_h20" / "snapshot"
    assert written.last_block_number == 19
    names = sorted(p.name for p in fabric.iterdir())
    assert sorted(p.name for p in (tmp_path / "exported").iterdir()) == names
    for name in names:
        assert (tmp_path / "exported" / name).read_bytes() == (fabric / name).read_bytes(), name


def test_tampered_snapshot_refused(tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(SNAPSHOTS / "pvt_h4" / "snapshot", copy)
    target = copy / "private_state_hashes.data"
    target.chmod(0o644)
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 1
    target.write_bytes(bytes(data))
    with pytest.raises(fp.Malformed) as e:
        fp.Channel.join_snapshot(tmp_path / "ledger", copy)
    assert "private_state_hashes.data" in e.value.message and e.value.code == -3


@pytest.mark.parametrize("chain", ["conformance", "pvt"])
def test_block_files_read_as_fabric_stored_them(chain):
    stored = VECTORS / chain / "committed"
    with fp.BlockFileReader(VECTORS / "fabric_peer" / chain) as reader:
        blocks = list(reader)
    assert [b.number for b in blocks] == list(range(len(blocks)))
    assert len(blocks) == len(list(stored.glob("*.block")))
    for b in blocks:
        assert b.raw == (stored / ("%06d.block" % b.number)).read_bytes()
        assert b.commit_hash is not None or b.number == 0
