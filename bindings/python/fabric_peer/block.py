"""Blocks: parsed once by the library, read through properties."""

from __future__ import annotations

import ctypes
import json
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

from . import _native as n
from .errors import FabricError


@dataclass(frozen=True)
class Transaction:
    """One data entry of a block: its txid ("" if its header does not parse) and, when it
    does not parse all the way, why."""

    index: int
    txid: str
    error: Optional[str]

    @property
    def ok(self) -> bool:
        return self.error is None


class Block(n.Handle):
    """A block (a serialized common.Block), parsed once.

        block = Block.parse(open("000005.block", "rb").read())
        block.number, block.header_hash.hex(), block.txids, block.to_dict()
    """

    _free = n.lib.fabric_block_free

    @classmethod
    def parse(cls, data: bytes) -> "Block":
        """Malformed if `data` is not a block."""
        d = n.In(data)
        block = cls._made_by(n.lib.fabric_block_parse, d.ptr, d.len)
        block._bytes = d.data
        return block

    @property
    def raw(self) -> bytes:
        """The bytes it was parsed from."""
        return self._bytes

    @property
    def number(self) -> int:
        return n.lib.fabric_block_number(self.ptr)

    def _hash(self, fn) -> bytes:
        out = (ctypes.c_uint8 * n.HASH_SIZE)()
        fn(self.ptr, out)
        return bytes(out)

    @property
    def header_hash(self) -> bytes:
        return self._hash(n.lib.fabric_block_header_hash)

    @property
    def computed_data_hash(self) -> bytes:
        """The hash of the block's data (compare with data_hash)."""
        return self._hash(n.lib.fabric_block_computed_data_hash)

    def _borrowed(self, fn) -> bytes:
        size = ctypes.c_size_t()
        ptr = fn(self.ptr, ctypes.byref(size))
        return n.borrowed(ptr, size.value)

    @property
    def data_hash(self) -> bytes:
        return self._borrowed(n.lib.fabric_block_data_hash)

    @property
    def previous_hash(self) -> bytes:
        return self._borrowed(n.lib.fabric_block_previous_hash)

    @property
    def tx_filter(self) -> bytes:
        """The TRANSACTIONS_FILTER metadata: one validation code per transaction once
        committed (empty in a block as an orderer delivers it)."""
        return self._borrowed(n.lib.fabric_block_tx_filter)

    @property
    def commit_hash(self) -> Optional[bytes]:
        """The COMMIT_HASH a peer stored in it, None if it has none."""
        out = (ctypes.c_uint8 * n.HASH_SIZE)()
        rc = n.lib.fabric_block_commit_hash(out, self.ptr)
        return bytes(out) if rc == 1 else None

    @property
    def is_config(self) -> bool:
        return bool(n.lib.fabric_block_is_config(self.ptr))

    @property
    def last_config(self) -> int:
        out = ctypes.c_uint64()
        n.call(n.lib.fabric_block_last_config, ctypes.byref(out), self.ptr)
        return out.value

    def __len__(self) -> int:
        return n.lib.fabric_block_tx_count(self.ptr)

    @property
    def txids(self) -> List[str]:
        return [n.text(n.lib.fabric_block_txid(self.ptr, i)) for i in range(len(self))]

    @property
    def transactions(self) -> List[Transaction]:
        out = []
        for i in range(len(self)):
            err = ctypes.POINTER(n.Error)()
            rc = n.lib.fabric_block_tx_check(self.ptr, i, ctypes.byref(err))
            error = None
            if rc != 0:
                error = n.text(err.contents.message) if err else n.text(
                    n.lib.fabric_error_code_name(rc))
            if err:
                n.lib.fabric_error_free(err)
            out.append(Transaction(i, n.text(n.lib.fabric_block_txid(self.ptr, i)), error))
        return out

    def to_json(self) -> str:
        """The block as readable JSON (configtxlator's rendering, identities and
        read-write sets decoded)."""
        buf = n.Buf()
        n.call(n.lib.fabric_block_to_json, ctypes.byref(buf), self.ptr)
        return n.take_buf(buf).decode()

    def to_dict(self) -> Dict[str, Any]:
        return json.loads(self.to_json())

    def __repr__(self) -> str:
        try:
            return f"<Block {self.number} {self.header_hash.hex()[:16]} txs={len(self)}>"
        except ValueError:
            return "<Block closed>"


def inspect_json(data: bytes, type_name: str) -> str:
    """Any Fabric message (e.g. "common.Envelope", "protos.ProposalResponse") as JSON."""
    buf = n.Buf()
    d = n.In(data)
    n.call(n.lib.fabric_inspect_json, ctypes.byref(buf), d.ptr, d.len, type_name.encode())
    return n.take_buf(buf).decode()


def tx_code_name(code: int) -> str:
    """The name of a validation code (e.g. 0 -> "VALID", 11 -> "MVCC_READ_CONFLICT")."""
    return n.text(n.lib.fabric_tx_code_name(code))
