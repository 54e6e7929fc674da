"""Chains on disk, as the `fabric` CLI reads them: the vectors' layout (genesis.block,
blocks/NNNNNN.block, and pvtdata/NNNNNN.pvt private data), a directory of .block files,
or a Fabric peer's block files (its ledgersData, or a channel's blockfile_* directory)."""

from __future__ import annotations

import os
import pathlib
import struct
from dataclasses import dataclass, field
from typing import Dict, Iterator, Optional, Union

from .snapshot import BlockFileReader

PathLike = Union[str, os.PathLike]


@dataclass
class ChainBlock:
    number: int
    data: bytes
    private_data: Dict[int, bytes] = field(default_factory=dict)


def read_private_data(path: PathLike) -> Dict[int, bytes]:
    """A pvtdata/NNNNNN.pvt file: records of be64 tx index, be32 length, and a
    serialized TxPvtReadWriteSet."""
    data, at, out = pathlib.Path(path).read_bytes(), 0, {}
    while at < len(data):
        if at + 12 > len(data):
            raise ValueError(f"{path}: a record cut short at byte {at}")
        tx, size = struct.unpack_from(">QI", data, at)
        if at + 12 + size > len(data):
            raise ValueError(f"{path}: a record of {size} bytes past the end")
        out[tx] = data[at + 12:at + 12 + size]
        at += 12 + size
    return out


def _number(data: bytes) -> int:
    from .block import Block
    with Block.parse(data) as b:
        return b.number


def iter_chain(path: PathLike, channel: Optional[str] = None) -> Iterator[ChainBlock]:
    """The blocks of the chain at `path`, in order, with their private data if any."""
    root = pathlib.Path(path)
    if (root / "blocks").is_dir():
        files = sorted((root / "blocks").glob("*.block"))
        if (root / "genesis.block").exists() and (not files or files[0].name != "000000.block"):
            files.insert(0, root / "genesis.block")
    elif any(root.glob("*.block")):
        files = sorted(root.glob("*.block"))
    else:
        with BlockFileReader(root, channel) as reader:
            while True:
                data = reader.next_bytes()
                if data is None:
                    return
                yield ChainBlock(_number(data), data)
    for f in files:
        data = f.read_bytes()
        number = _number(data)
        pvt = root / "pvtdata" / ("%06d.pvt" % number)
        yield ChainBlock(number, data, read_private_data(pvt) if pvt.exists() else {})
