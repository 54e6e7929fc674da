"""Threads: one submits the chain while others query the ledger and wait for its
transactions; the GIL is released during library calls, so they all make progress."""

from __future__ import annotations

import threading

import fabric_peer as fp
from conftest import CONFORMANCE, expected, read, submit_as_fabric


def test_submitting_while_others_query(tmp_path):
    want = expected(CONFORMANCE)
    blocks = want["blocks"]
    errors, heights, waited = [], [], {}
    done = threading.Event()
    with fp.Channel.create(tmp_path / "ledger", read(CONFORMANCE / "genesis.block")) as ch:
        ledger = ch.ledger

        def query():
            try:
                last = 0
                while not done.is_set():
                    h = ledger.height
                    assert h >= last  # a query sees whole blocks, in order
                    last = h
                    heights.append(h)
                    block = ledger.block(h - 1)
                    assert block.number == h - 1
                    list(ledger.range("cc_or"))
                    ledger.get_state("", "CHANNEL_CONFIG_ENV_BYTES")
            except BaseException as e:
                errors.append(e)

        txid = blocks[-2]["txs"][0]["txid"]

        def wait():
            try:
                waited[txid] = ch.wait_for(txid, timeout=60)
            except BaseException as e:
                errors.append(e)

        threads = [threading.Thread(target=query) for _ in range(3)] + [threading.Thread(target=wait)]
        for t in threads:
            t.start()
        for b in blocks:
            submit_as_fabric(ch, CONFORMANCE, b)
        done.set()
        for t in threads:
            t.join(60)
        ledger.close()
        assert not errors, errors
        assert waited[txid].code_name == blocks[-2]["txs"][0]["code"]
        assert len(set(heights)) > 1  # the queries ran while blocks committed
        assert ch.height == want["ledger_height"]


def test_handles_close_once_and_refuse_use_after(tmp_path):
    ch = fp.Channel.create(tmp_path / "ledger", read(CONFORMANCE / "genesis.block"))
    ledger = ch.ledger
    ch.close()
    ch.close()  # idempotent
    assert ledger.height == 1  # the ledger outlives the channel
    ledger.close()
    try:
        ledger.height
    except ValueError as e:
        assert "closed" in str(e)
    else:
        raise AssertionError("a closed ledger answered")
    # Collected without close(): freed by the finalizer.
    fp.Channel.open(tmp_path / "ledger")
    import gc
    gc.collect()
    with fp.Channel.open(tmp_path / "ledger") as again:
        assert again.height == 1


def test_blocks_in_flight_resolve_in_order_with_fabrics_codes(tmp_path):
    want = expected(CONFORMANCE)
    with fp.Channel.create(tmp_path / "ledger", read(CONFORMANCE / "genesis.block"),
                           max_pending=8) as ch:
        futures = [(b, ch.submit_async(read(CONFORMANCE / ("blocks/%06d.block" % b["number"]))))
                   for b in want["blocks"]]
        ch.drain()
        for b, future in futures:
            assert future.done()
            if not b["mcs_verify_block"]["accepted"]:
                assert isinstance(future.exception(), fp.Malformed)
                r = ch.submit_async(read(CONFORMANCE / ("blocks/%06d.block" % b["number"])),
                                    verify=False).result(timeout=60)
            else:
                r = future.result()
            assert r.number == b["number"]
            assert r.codes == [t["code"] for t in sorted(b["txs"], key=lambda t: t["index"])]
        assert ch.height == want["ledger_height"]
        assert all(f.done() for _, f in futures)


def test_a_channel_dropped_is_freed_at_once(tmp_path):
    """No reference cycle keeps a channel (and its ledger's lock) alive: dropping the last
    reference frees it, with the cyclic collector off."""
    import gc
    gc.disable()
    try:
        ch = fp.Channel.create(tmp_path / "ledger", read(CONFORMANCE / "genesis.block"))
        ch.on_commit(lambda r: None)
        ch.on_event(lambda e: None)
        ch.submit_async(read(CONFORMANCE / "blocks" / "000001.block")).result(timeout=60)
        del ch
        with fp.Channel.open(tmp_path / "ledger") as again:
            assert again.height == 2
    finally:
        gc.enable()
