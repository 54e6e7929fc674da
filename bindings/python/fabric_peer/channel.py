"""The committing peer of one channel: submit blocks, hear of commits and events, wait for
transactions, query the ledger, take and join snapshots."""

from __future__ import annotations

import concurrent.futures
import ctypes
import itertools
import logging
import os
import queue
import threading
import weakref
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterator, List, Mapping, Optional, Union

from . import _native as n
from .block import Block, tx_code_name
from .identity import ChannelConfig
from .ledger import Ledger

log = logging.getLogger("fabric_peer")

SKIP_VERIFICATION = 0x1


@dataclass(frozen=True)
class TxResult:
    """A transaction's outcome: its final code (after MVCC), the validator's code before
    it, and why it is not VALID."""

    txid: str
    code: int
    validator_code: int
    reason: str

    @property
    def code_name(self) -> str:
        return tx_code_name(self.code)

    @property
    def validator_code_name(self) -> str:
        return tx_code_name(self.validator_code)

    @property
    def valid(self) -> bool:
        return self.code == 0


@dataclass(frozen=True)
class ChaincodeEvent:
    block: int
    tx_index: int
    txid: str
    chaincode_id: str
    name: str
    payload: bytes


@dataclass(frozen=True)
class BlockResult:
    """A committed block: its number, header hash, each transaction's result, the
    chaincode events of its valid transactions, whether it changed the config."""

    number: int
    header_hash: bytes
    txs: List[TxResult]
    events: List[ChaincodeEvent]
    config_updated: bool

    @property
    def codes(self) -> List[str]:
        return [t.code_name for t in self.txs]


def _event(e: n.ChaincodeEvent) -> ChaincodeEvent:
    return ChaincodeEvent(e.block, e.tx_index, n.text(e.txid), n.text(e.chaincode_id),
                          n.text(e.event_name), n.borrowed(e.data, e.data_len))


def _result(ptr) -> BlockResult:
    header = (ctypes.c_uint8 * n.HASH_SIZE)()
    n.lib.fabric_block_result_header_hash(ptr, header)
    txs = []
    for i in range(n.lib.fabric_block_result_tx_count(ptr)):
        t = n.lib.fabric_block_result_tx(ptr, i).contents
        txs.append(TxResult(n.text(t.txid), t.code, t.validator_code, n.text(t.reason)))
    events = [_event(n.lib.fabric_block_result_event(ptr, i).contents)
              for i in range(n.lib.fabric_block_result_event_count(ptr))]
    return BlockResult(n.lib.fabric_block_result_number(ptr), bytes(header), txs, events,
                       bool(n.lib.fabric_block_result_config_updated(ptr)))


def _options(mspid: Optional[str], threads: int, max_pending: int) -> n.ChannelOptions:
    return n.ChannelOptions(n.CHANNEL_OPTIONS_VERSION, threads, max_pending, n.cstr(mspid))


# submit_async's outcomes: one callback for every channel (so that no channel is in a
# reference cycle with a callback of its own), and the futures of the blocks in flight.
_in_flight: Dict[int, "concurrent.futures.Future"] = {}
_in_flight_keys = itertools.count(1)
_in_flight_lock = threading.Lock()


def _on_submitted(code, result, message, key) -> None:
    with _in_flight_lock:
        future = _in_flight.pop(key, None)
    if future is None or not future.set_running_or_notify_cancel():
        return  # cancelled by its owner: the block was processed all the same
    try:
        if code == 0:
            future.set_result(_result(result))
        else:
            future.set_exception(n.error_for_code(code, n.text(message)))
    except BaseException as e:  # never into C; the future still resolves
        if not future.done():
            future.set_exception(e)


_submitted = n.submit_cb(_on_submitted)


class Subscription:
    """A commit or event callback; cancel() (or leaving the with block) stops it. Once
    cancel returns, the callback is not running and will not run again."""

    def __init__(self, channel: "Channel", sub_id: int, c_callback) -> None:
        self._channel = weakref.ref(channel)
        self.id = sub_id
        self._c_callback = c_callback  # kept alive while subscribed

    def cancel(self) -> None:
        channel = self._channel() if self._channel is not None else None
        if channel is not None and channel._ptr:
            n.call(n.lib.fabric_channel_unsubscribe, channel.ptr, self.id)
        self._channel = None

    def __enter__(self) -> "Subscription":
        return self

    def __exit__(self, *exc) -> None:
        self.cancel()


class _Stream:
    """Items a callback puts, read as an iterator; stops when closed."""

    _END = object()

    def __init__(self, timeout: Optional[float]) -> None:
        self._queue: "queue.Queue" = queue.Queue()
        self._timeout = timeout
        self.subscription: Optional[Subscription] = None

    def put(self, item) -> None:
        self._queue.put(item)

    def __iter__(self):
        return self

    def __next__(self):
        try:
            item = self._queue.get(timeout=self._timeout)
        except queue.Empty:
            raise StopIteration
        if item is self._END:
            raise StopIteration
        return item

    def close(self) -> None:
        if self.subscription is not None:
            self.subscription.cancel()
            self.subscription = None
        self._queue.put(self._END)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class Channel(n.Handle):
    """One channel's committing peer over its ledger directory.

        with Channel.create("/data/mychannel", genesis) as ch:
            result = ch.submit(block_bytes)
            print(result.codes)
    """

    _free = n.lib.fabric_channel_free

    def __init__(self, ptr) -> None:
        super().__init__(ptr)
        # Exceptions raised by this channel's callbacks (logged; they never reach C).
        self.callback_errors: List[BaseException] = []

    @classmethod
    def create(cls, path: Union[str, os.PathLike], genesis: Union[bytes, Block], *,
               mspid: Optional[str] = None, threads: int = 0, max_pending: int = 4) -> "Channel":
        """A new channel ledger in `path` from its genesis block (Conflict if `path` holds
        one). `mspid`: this peer's org, whose collections' private data it keeps."""
        g = n.In(genesis.raw if isinstance(genesis, Block) else genesis)
        opts = _options(mspid, threads, max_pending)
        return cls._made_by(n.lib.fabric_channel_create, os.fsencode(path), g.ptr, g.len,
                            ctypes.byref(opts))

    @classmethod
    def open(cls, path: Union[str, os.PathLike], *, mspid: Optional[str] = None,
             threads: int = 0, max_pending: int = 4) -> "Channel":
        """The channel created in `path` earlier, recovered after a crash."""
        opts = _options(mspid, threads, max_pending)
        return cls._made_by(n.lib.fabric_channel_open, os.fsencode(path), ctypes.byref(opts))

    @classmethod
    def join_snapshot(cls, path: Union[str, os.PathLike], snapshot_dir: Union[str, os.PathLike],
                      *, mspid: Optional[str] = None, threads: int = 0,
                      max_pending: int = 4) -> "Channel":
        """A channel joined from a Fabric ledger snapshot (hashes verified first)."""
        opts = _options(mspid, threads, max_pending)
        return cls._made_by(n.lib.fabric_channel_join_snapshot, os.fsencode(path),
                            os.fsencode(snapshot_dir), ctypes.byref(opts))

    @property
    def channel_id(self) -> str:
        return n.text(n.lib.fabric_channel_id(self.ptr))

    @property
    def ledger(self) -> Ledger:
        """The channel's ledger, for queries (it may outlive the channel)."""
        return Ledger._made_by(n.lib.fabric_channel_ledger, self.ptr)

    @property
    def height(self) -> int:
        with self.ledger as l:
            return l.height

    @property
    def config(self) -> ChannelConfig:
        """The config in force now."""
        return ChannelConfig._made_by(n.lib.fabric_channel_current_config, self.ptr)

    def submit(self, block: Union[bytes, Block], *,
               private_data: Optional[Mapping[int, bytes]] = None,
               verify: bool = True) -> BlockResult:
        """Verifies, validates and commits the next block; returns its result once
        committed. `private_data`: transaction index -> serialized TxPvtReadWriteSet
        handed over with the block. Raises (Malformed, Denied, Conflict, ...) when the
        block is refused; nothing changes then. The GIL is released meanwhile."""
        data = n.In(block.raw if isinstance(block, Block) else block)
        out = ctypes.c_void_p()
        flags = 0 if verify else SKIP_VERIFICATION
        if private_data:
            keep = [n.In(v) for v in private_data.values()]
            arr = (n.TxPrivateData * len(keep))()
            for i, (tx, v) in enumerate(zip(private_data.keys(), keep)):
                arr[i] = n.TxPrivateData(tx, v.ptr, v.len)
            n.call(n.lib.fabric_channel_submit_with_private_data, ctypes.byref(out), self.ptr,
                   data.ptr, data.len, arr, len(keep), flags)
        else:
            n.call(n.lib.fabric_channel_submit, ctypes.byref(out), self.ptr, data.ptr, data.len,
                   flags)
        try:
            return _result(out)
        finally:
            n.lib.fabric_block_result_free(out)

    def submit_async(self, block: Union[bytes, Block], *,
                     private_data: Optional[Mapping[int, bytes]] = None,
                     verify: bool = True) -> "concurrent.futures.Future[BlockResult]":
        """Queues the next block and returns a Future of its BlockResult (or of the
        FabricError that refused it). Several blocks in flight from one thread overlap
        one block's verification with the previous one's commit, as `fabric replay`
        does; they are processed in the order queued. Waits only while the channel's
        max_pending blocks are in flight. The Future resolves on the channel's thread:
        a done-callback added to it must not call this channel's drain, submit or
        close (read results from another thread instead)."""
        data = n.In(block.raw if isinstance(block, Block) else block)
        future: concurrent.futures.Future = concurrent.futures.Future()
        with _in_flight_lock:
            key = next(_in_flight_keys)
            _in_flight[key] = future
        keep = [n.In(v) for v in (private_data or {}).values()]
        arr = (n.TxPrivateData * max(1, len(keep)))()
        for i, (tx, v) in enumerate(zip((private_data or {}).keys(), keep)):
            arr[i] = n.TxPrivateData(tx, v.ptr, v.len)
        try:
            n.call(n.lib.fabric_channel_submit_async, self.ptr, data.ptr, data.len, arr, len(keep),
                   0 if verify else SKIP_VERIFICATION, _submitted, key)
        except BaseException:
            with _in_flight_lock:
                _in_flight.pop(key, None)
            raise
        return future

    def drain(self) -> None:
        """Returns once every block queued so far is processed (its future resolved)."""
        n.call(n.lib.fabric_channel_drain, self.ptr)

    def wait_for(self, txid: str, timeout: Optional[float] = None) -> TxResult:
        """The final result of `txid`: at once if committed, else when its block commits.
        Timeout after `timeout` seconds (None: wait as long as it takes)."""
        code = ctypes.c_uint8()
        ms = (1 << 63) if timeout is None else max(0, int(timeout * 1000))
        n.call(n.lib.fabric_channel_wait_tx, ctypes.byref(code), self.ptr, txid.encode(), ms)
        return TxResult(txid, code.value, code.value, "")

    def _guard(self, fn, *args) -> None:
        try:
            fn(*args)
        except BaseException as e:  # never into C: recorded, logged
            self.callback_errors.append(e)
            log.exception("a callback of channel %s raised", self._safe_id())

    @staticmethod
    def _guarded(ref: "weakref.ref", fn) -> None:
        channel = ref()
        if channel is not None:
            channel._guard(fn)

    def _safe_id(self) -> str:
        try:
            return self.channel_id
        except ValueError:
            return "(closed)"

    def on_commit(self, fn: Callable[[BlockResult], None]) -> Subscription:
        """Calls fn(result) for every block committed from now on (on the committing
        thread). An exception it raises is logged and kept in callback_errors."""
        ref = weakref.ref(self)  # the callback does not keep the channel alive

        def trampoline(result, payload):
            Channel._guarded(ref, lambda: fn(_result(result)))
        cb = n.commit_cb(trampoline)
        sub_id = ctypes.c_int()
        n.call(n.lib.fabric_channel_subscribe_commits, ctypes.byref(sub_id), self.ptr, cb, None)
        return self._keep(Subscription(self, sub_id.value, cb))

    def on_event(self, fn: Callable[[ChaincodeEvent], None]) -> Subscription:
        """Calls fn(event) for each chaincode event of a valid transaction committed from
        now on."""
        ref = weakref.ref(self)

        def trampoline(event, payload):
            Channel._guarded(ref, lambda: fn(_event(event.contents)))
        cb = n.chaincode_event_cb(trampoline)
        sub_id = ctypes.c_int()
        n.call(n.lib.fabric_channel_subscribe_events, ctypes.byref(sub_id), self.ptr, cb, None)
        return self._keep(Subscription(self, sub_id.value, cb))

    def _keep(self, sub: Subscription) -> Subscription:
        self.__dict__.setdefault("_subscriptions", []).append(sub)
        return sub

    def events(self, timeout: Optional[float] = None) -> _Stream:
        """Chaincode events as an iterator: `for e in ch.events(timeout=5): ...` ends after
        `timeout` seconds without one (None: never), or when closed."""
        stream = _Stream(timeout)
        stream.subscription = self.on_event(stream.put)
        return stream

    def commits(self, timeout: Optional[float] = None) -> _Stream:
        """Committed blocks' results as an iterator, as events() is."""
        stream = _Stream(timeout)
        stream.subscription = self.on_commit(stream.put)
        return stream

    def snapshot(self, path: Union[str, os.PathLike], block: Optional[int] = None):
        """Writes a snapshot in Fabric's format to `path` (which must not exist) as of
        `block` (None: the last committed; a later one: when it commits, submitted by
        other threads meanwhile). Returns its SnapshotInfo."""
        from .snapshot import SnapshotInfo
        out = n.SnapshotInfo(version=n.SNAPSHOT_INFO_VERSION)
        number = (1 << 64) - 1 if block is None else block
        n.call(n.lib.fabric_channel_snapshot, ctypes.byref(out), self.ptr, number,
               os.fsencode(path))
        return SnapshotInfo._from(out)

    def close(self) -> None:
        """Waits for blocks being processed and releases the channel (its ledger stays
        open while a Ledger from it is)."""
        super().close()
        for sub in self.__dict__.get("_subscriptions", []):
            sub._channel = None


def metrics_prometheus(channels: List[Channel]) -> str:
    """The channels' ledger metrics in Prometheus' text format."""
    arr = (ctypes.c_void_p * max(1, len(channels)))(*[c.ptr for c in channels])
    buf = n.Buf()
    n.call(n.lib.fabric_metrics_prometheus, ctypes.byref(buf), arr, len(channels))
    return n.take_buf(buf).decode()
