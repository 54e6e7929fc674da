"""Fabric's ledger snapshots, and a Fabric peer's block files."""

from __future__ import annotations

import ctypes
import os
from dataclasses import dataclass
from typing import Iterator, Optional, Union

from . import _native as n
from .block import Block


@dataclass(frozen=True)
class SnapshotInfo:
    channel_id: str
    last_block_number: int
    last_block_hash: bytes
    previous_block_hash: bytes
    commit_hash: bytes      # b"" if the last block had none
    snapshot_hash: bytes
    num_files: int

    @property
    def height(self) -> int:
        """The height of a ledger joined from it."""
        return self.last_block_number + 1

    @classmethod
    def _from(cls, s: n.SnapshotInfo) -> "SnapshotInfo":
        return cls(s.channel_id.decode(), s.last_block_number, bytes(s.last_block_hash),
                   bytes(s.previous_block_hash)[:s.previous_block_hash_len],
                   bytes(s.commit_hash)[:s.commit_hash_len], bytes(s.snapshot_hash), s.num_files)


def verify_snapshot(path: Union[str, os.PathLike]) -> SnapshotInfo:
    """Checks a snapshot's files against its metadata's hashes as a peer does before
    joining; Malformed naming the file on a mismatch."""
    out = n.SnapshotInfo(version=n.SNAPSHOT_INFO_VERSION)
    n.call(n.lib.fabric_snapshot_verify, ctypes.byref(out), os.fsencode(path))
    return SnapshotInfo._from(out)


class BlockFileReader(n.Handle):
    """The blocks a Fabric peer stored (blockfile_000000, ...), in order:

        with BlockFileReader("/var/hyperledger/production/ledgersData", "mychannel") as r:
            for block in r: print(block.number, block.tx_filter)
    """

    _free = n.lib.fabric_blockfile_reader_free

    def __init__(self, path: Union[str, os.PathLike], channel: Optional[str] = None) -> None:
        ptr = ctypes.c_void_p()
        n.call(n.lib.fabric_blockfile_reader_open, ctypes.byref(ptr), os.fsencode(path),
               n.cstr(channel))
        super().__init__(ptr)

    def __iter__(self) -> Iterator[Block]:
        return self

    def __next__(self) -> Block:
        data = self.next_bytes()
        if data is None:
            raise StopIteration
        return Block.parse(data)

    def next_bytes(self) -> Optional[bytes]:
        """The next block's bytes, None after the last."""
        buf = n.Buf()
        if n.call_status(n.lib.fabric_blockfile_reader_next, ctypes.byref(buf),
                         self.ptr) == n.FABRIC_ITEROVER:
            return None
        return n.take_buf(buf)
