"""The library's log reaches Python's logging (a failing handler changes nothing); chains
on disk are read in every layout the CLI reads."""

from __future__ import annotations

import logging

import fabric_peer as fp
from conftest import CONFORMANCE, PVT, VECTORS, read


class Boom(logging.Handler):
    def emit(self, record):
        raise RuntimeError("a broken handler")


def test_log_lines_reach_logging_and_a_raising_handler_is_harmless(tmp_path, caplog):
    logger = logging.getLogger("fabric_peer.channel")
    caplog.set_level(logging.INFO, logger="fabric_peer")
    fp.forward_logs(logging.INFO)
    boom = Boom()
    try:
        with fp.Channel.create(tmp_path / "ledger", read(CONFORMANCE / "genesis.block")) as ch:
            ch.submit(read(CONFORMANCE / "blocks" / "000001.block"))
            assert any("Committed block [1]" in r.getMessage() for r in caplog.records)
            logger.addHandler(boom)
            ch.submit(read(CONFORMANCE / "blocks" / "000002.block"))
            assert ch.height == 3
    finally:
        fp.stop_forwarding_logs()
        logger.removeHandler(boom)


def test_chains_in_every_layout():
    vectors = [b.number for b in fp.iter_chain(PVT)]
    committed = [b.number for b in fp.iter_chain(PVT / "committed")]
    peer = [b.number for b in fp.iter_chain(VECTORS / "fabric_peer" / "pvt")]
    assert vectors == committed == peer == list(range(len(vectors)))
    with_pvt = [b for b in fp.iter_chain(PVT) if b.private_data]
    assert with_pvt and all(isinstance(k, int) for b in with_pvt for k in b.private_data)
