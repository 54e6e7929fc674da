"""A channel's ledger: its chain, world state, history and private data, for queries."""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from typing import Iterator, Optional, Tuple

from . import _native as n
from .block import Block
from .errors import NotFound


@dataclass(frozen=True)
class ChainInfo:
    height: int               # the last block number + 1
    current_hash: bytes       # the header hash of block height - 1
    previous_hash: bytes      # its previous hash (b"" below height 2)


@dataclass(frozen=True)
class Version:
    block: int
    tx: int


@dataclass(frozen=True)
class VersionedValue:
    value: bytes
    version: Version
    metadata: bytes = b""     # the serialized KVMetadataWrite ("" if none)


@dataclass(frozen=True)
class KeyValue:
    key: bytes
    value: bytes
    version: Version


@dataclass(frozen=True)
class TxInfo:
    txid: str
    block: int
    tx: int
    code: int                 # the validation code of its first occurrence
    occurrences: int          # how many times the txid was committed


@dataclass(frozen=True)
class KeyModification:
    txid: str
    value: bytes
    is_delete: bool
    timestamp_seconds: int
    timestamp_nanos: int
    version: Version


def _key(key) -> n.In:
    return n.In(key)


class Ledger(n.Handle):
    """The ledger of a channel (Channel.ledger): every query sees each block once it is
    committed, and may run on any thread while blocks commit."""

    _free = n.lib.fabric_ledger_free

    @property
    def channel_id(self) -> str:
        return n.text(n.lib.fabric_ledger_channel_id(self.ptr))

    def info(self) -> ChainInfo:
        out = n.ChainInfo(version=n.CHAIN_INFO_VERSION)
        n.call(n.lib.fabric_ledger_chain_info, ctypes.byref(out), self.ptr)
        return ChainInfo(out.height, bytes(out.current_hash),
                         bytes(out.previous_hash)[:out.previous_hash_len])

    @property
    def height(self) -> int:
        return self.info().height

    def _block(self, fn, *args) -> Block:
        buf = n.Buf()
        n.call(fn, ctypes.byref(buf), self.ptr, *args)
        return Block.parse(n.take_buf(buf))

    def block(self, number: int) -> Block:
        """The block as stored (its final TRANSACTIONS_FILTER and COMMIT_HASH)."""
        return self._block(n.lib.fabric_ledger_block_by_number, number)

    def block_by_hash(self, header_hash: bytes) -> Block:
        h = n.In(header_hash)
        return self._block(n.lib.fabric_ledger_block_by_hash, h.ptr, h.len)

    def block_by_txid(self, txid: str) -> Block:
        return self._block(n.lib.fabric_ledger_block_by_txid, txid.encode())

    def blocks(self, first: int = 0, last: Optional[int] = None) -> Iterator[Block]:
        """The stored blocks first..last (default: to the current height)."""
        end = self.height if last is None else last + 1
        for number in range(first, end):
            yield self.block(number)

    def tx(self, txid: str) -> TxInfo:
        out = n.TxInfo(version=n.TX_INFO_VERSION)
        n.call(n.lib.fabric_ledger_tx, ctypes.byref(out), self.ptr, txid.encode())
        return TxInfo(txid, out.block, out.tx, out.validation_code, out.num_occurrences)

    def get_state(self, namespace: str, key) -> Optional[VersionedValue]:
        """The committed value of `key` (bytes or str) in `namespace` (a chaincode name; ""
        holds the channel config), None if it has none."""
        value, meta, version = n.Buf(), n.Buf(), n.KeyVersion(version=n.KEY_VERSION_VERSION)
        k = _key(key)
        rc = n.call_status(n.lib.fabric_ledger_get_state, ctypes.byref(value),
                           ctypes.byref(version), ctypes.byref(meta), self.ptr,
                           namespace.encode(), k.ptr, k.len)
        if rc == n.FABRIC_ENOTFOUND:
            return None
        return VersionedValue(n.take_buf(value), Version(version.block, version.tx),
                              n.take_buf(meta))

    def __getitem__(self, ns_key: Tuple[str, bytes]) -> bytes:
        v = self.get_state(*ns_key)
        if v is None:
            raise NotFound(f"no key {ns_key[1]!r} in namespace {ns_key[0]!r}")
        return v.value

    def range(self, namespace: str, start=b"", end=b"", page_size: int = 0) -> "StateRange":
        """The keys of `namespace` in [start, end) in byte order, as an iterator of
        KeyValue (end b"": to the end). With page_size, one page: .bookmark then says
        where the next starts."""
        s, e = _key(start), _key(end)
        return StateRange(self, n.lib.fabric_state_iterator_new,
                          (namespace.encode(), s.ptr, s.len, e.ptr, e.len, page_size), (s, e))

    def private_range(self, namespace: str, collection: str, start=b"", end=b"",
                      page_size: int = 0) -> "StateRange":
        """The private values this peer holds of a collection, by key."""
        s, e = _key(start), _key(end)
        return StateRange(self, n.lib.fabric_private_data_iterator_new,
                          (namespace.encode(), collection.encode(), s.ptr, s.len, e.ptr, e.len,
                           page_size), (s, e))

    def private_hash_range(self, namespace: str, collection: str, start=b"", end=b"",
                           page_size: int = 0) -> "StateRange":
        """A collection's hashed state: key hashes and value hashes."""
        s, e = _key(start), _key(end)
        return StateRange(self, n.lib.fabric_private_data_hash_iterator_new,
                          (namespace.encode(), collection.encode(), s.ptr, s.len, e.ptr, e.len,
                           page_size), (s, e))

    def history(self, namespace: str, key) -> Iterator[KeyModification]:
        """The modifications of a key, newest first."""
        k = _key(key)
        it = ctypes.c_void_p()
        n.call(n.lib.fabric_history_iterator_new, ctypes.byref(it), self.ptr,
               namespace.encode(), k.ptr, k.len)
        try:
            while True:
                mod = n.KeyModification(version=n.KEY_MODIFICATION_VERSION)
                mod.key_version.version = n.KEY_VERSION_VERSION
                if n.call_status(n.lib.fabric_history_iterator_next, ctypes.byref(mod),
                                 it) == n.FABRIC_ITEROVER:
                    return
                yield KeyModification(n.text(mod.txid), n.borrowed(mod.value, mod.value_len),
                                      bool(mod.is_delete), mod.timestamp_seconds,
                                      mod.timestamp_nanos,
                                      Version(mod.key_version.block, mod.key_version.tx))
        finally:
            n.lib.fabric_history_iterator_free(it)

    def get_private_data(self, namespace: str, collection: str, key) -> Optional[VersionedValue]:
        """The private value this peer holds, None if it holds none."""
        value, version = n.Buf(), n.KeyVersion(version=n.KEY_VERSION_VERSION)
        k = _key(key)
        rc = n.call_status(n.lib.fabric_ledger_get_private_data, ctypes.byref(value),
                           ctypes.byref(version), self.ptr, namespace.encode(),
                           collection.encode(), k.ptr, k.len)
        if rc == n.FABRIC_ENOTFOUND:
            return None
        return VersionedValue(n.take_buf(value), Version(version.block, version.tx))

    def get_private_data_hash(self, namespace: str, collection: str,
                              key) -> Optional[VersionedValue]:
        """The committed hash of a private value (every peer has it)."""
        value, meta, version = n.Buf(), n.Buf(), n.KeyVersion(version=n.KEY_VERSION_VERSION)
        k = _key(key)
        rc = n.call_status(n.lib.fabric_ledger_get_private_data_hash, ctypes.byref(value),
                           ctypes.byref(version), ctypes.byref(meta), self.ptr,
                           namespace.encode(), collection.encode(), k.ptr, k.len)
        if rc == n.FABRIC_ENOTFOUND:
            return None
        return VersionedValue(n.take_buf(value), Version(version.block, version.tx),
                              n.take_buf(meta))

    def snapshot_origin(self):
        """The snapshot the ledger was joined from (a SnapshotInfo), None if it was created
        from a genesis block."""
        from .snapshot import SnapshotInfo
        out = n.SnapshotInfo(version=n.SNAPSHOT_INFO_VERSION)
        if n.call_status(n.lib.fabric_ledger_snapshot_origin, ctypes.byref(out),
                         self.ptr) == n.FABRIC_ENOTFOUND:
            return None
        return SnapshotInfo._from(out)


class StateRange(n.Handle):
    """An iterator of KeyValue over a range of a ledger (Ledger.range and friends)."""

    _free = n.lib.fabric_state_iterator_free

    def __init__(self, ledger: Ledger, fn, args, keep) -> None:
        ptr = ctypes.c_void_p()
        n.call(fn, ctypes.byref(ptr), ledger.ptr, *args)
        super().__init__(ptr)
        self._ledger = ledger  # the ledger outlives the iterator

    def __iter__(self) -> "StateRange":
        return self

    def __next__(self) -> KeyValue:
        if not self._ptr:
            raise StopIteration
        key, value = n.u8p(), n.u8p()
        key_len, value_len = ctypes.c_size_t(), ctypes.c_size_t()
        version = n.KeyVersion(version=n.KEY_VERSION_VERSION)
        rc = n.call_status(n.lib.fabric_state_iterator_next, ctypes.byref(key),
                           ctypes.byref(key_len), ctypes.byref(value), ctypes.byref(value_len),
                           ctypes.byref(version), self.ptr)
        if rc == n.FABRIC_ITEROVER:
            raise StopIteration
        return KeyValue(n.borrowed(key, key_len.value), n.borrowed(value, value_len.value),
                        Version(version.block, version.tx))

    @property
    def bookmark(self) -> bytes:
        """Where a range continuing from here starts (b"" when it is exhausted)."""
        buf = n.Buf()
        n.call(n.lib.fabric_state_iterator_bookmark, ctypes.byref(buf), self.ptr)
        return n.take_buf(buf)
