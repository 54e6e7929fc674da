"""The client's side and the orderer's, for running a whole network in one process:
signed proposals and transactions as Fabric's SDKs make them, `_lifecycle` arguments,
and a block assembler that cuts and signs blocks as an orderer does."""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from typing import Iterable, List, Mapping, Optional, Sequence, Union

from . import _native as n
from .block import Block
from .contract import ProposalResult
from .identity import Policy, Signer

Arg = Union[bytes, str]


@dataclass(frozen=True)
class Proposal:
    """A signed proposal (serialized protos.SignedProposal) and its transaction id."""

    signed: bytes
    txid: str


def create_proposal(signer: Signer, channel_id: str, chaincode: str, function: Arg,
                    args: Sequence[Arg] = (), *, transient: Optional[Mapping[str, bytes]] = None,
                    nonce: Optional[bytes] = None,
                    timestamp: Optional[tuple] = None) -> Proposal:
    """A proposal invoking chaincode.function(*args) on the channel, signed by `signer`.
    `timestamp` is (seconds, nanos); default now. `nonce` default: 24 random bytes."""
    all_args = [n.In(a) for a in [function, *args]]
    arr = (n.Bytes * len(all_args))(*[n.Bytes(a.ptr, a.len) for a in all_args])
    opts = n.ProposalOptions(version=n.PROPOSAL_OPTIONS_VERSION)
    keep = []
    if transient:
        entries = (n.TransientEntry * len(transient))()
        for i, (key, value) in enumerate(transient.items()):
            v = n.In(value)
            keep.append(v)
            entries[i] = n.TransientEntry(key.encode(), v.ptr, v.len)
        opts.transient = entries
        opts.num_transient = len(transient)
    if nonce is not None:
        nc = n.In(nonce)
        keep.append(nc)
        opts.nonce, opts.nonce_len = nc.ptr, nc.len
    if timestamp is not None:
        opts.timestamp_seconds, opts.timestamp_nanos = timestamp
    buf = n.Buf()
    txid = (ctypes.c_char * n.TXID_SIZE)()
    n.call(n.lib.fabric_proposal_create, ctypes.byref(buf), txid, signer.ptr,
           channel_id.encode(), chaincode.encode(), arr, len(all_args), ctypes.byref(opts))
    return Proposal(n.take_buf(buf), txid.value.decode())


def assemble_transaction(signer: Signer, proposal: Union[Proposal, bytes],
                         responses: Iterable[Union[ProposalResult, bytes]]) -> bytes:
    """The transaction envelope from a proposal and its endorsements (signed by the
    proposal's creator), as protoutil.CreateSignedTx."""
    signed = proposal.signed if isinstance(proposal, Proposal) else proposal
    rs = [n.In(r.response if isinstance(r, ProposalResult) else r) for r in responses]
    arr = (n.Bytes * max(1, len(rs)))(*[n.Bytes(r.ptr, r.len) for r in rs])
    p = n.In(signed)
    buf = n.Buf()
    n.call(n.lib.fabric_tx_assemble, ctypes.byref(buf), signer.ptr, p.ptr, p.len, arr, len(rs))
    return n.take_buf(buf)


def lifecycle_definition_args(name: str, version: str, sequence: int, *,
                              policy: Optional[Union[Policy, str]] = None,
                              channel_config_policy: Optional[str] = None,
                              init_required: bool = False) -> bytes:
    """The argument of `_lifecycle`'s ApproveChaincodeDefinitionForMyOrg,
    CheckCommitReadiness and CommitChaincodeDefinition for a definition. `policy`: a
    Policy or its DSL; neither policy: the channel's Endorsement policy."""
    if isinstance(policy, str):
        policy = Policy.compile(policy)
    p = n.In(policy.envelope if policy is not None else None)
    d = n.ChaincodeDefinition(n.CHAINCODE_DEFINITION_VERSION, name.encode(), version.encode(),
                              sequence, p.ptr, p.len, n.cstr(channel_config_policy),
                              1 if init_required else 0)
    buf = n.Buf()
    n.call(n.lib.fabric_lifecycle_commit_args, ctypes.byref(buf), ctypes.byref(d))
    return n.take_buf(buf)


class BlockAssembler(n.Handle):
    """Cuts envelopes into signed blocks as an orderer does (batch size, bytes, timeout;
    a config envelope alone), continuing the chain whose last block is `last_block`."""

    _free = n.lib.fabric_block_assembler_free

    def __init__(self, last_block: Union[bytes, Block], orderer: Signer, *,
                 max_message_count: int = 500, preferred_max_bytes: int = 2 * 1024 * 1024,
                 timeout_ms: int = 2000) -> None:
        ptr = ctypes.c_void_p()
        b = n.In(last_block.raw if isinstance(last_block, Block) else last_block)
        opts = n.BatchOptions(n.BATCH_OPTIONS_VERSION, max_message_count, preferred_max_bytes,
                              timeout_ms)
        n.call(n.lib.fabric_block_assembler_create, ctypes.byref(ptr), b.ptr, b.len, orderer.ptr,
               ctypes.byref(opts))
        super().__init__(ptr)

    def add(self, envelope: bytes) -> List[bytes]:
        """Adds a transaction; returns the blocks this cut (none, one or two)."""
        cut: List[bytes] = []

        def each(block, length, payload):
            cut.append(n.borrowed(block, length))
        cb = n.block_cb(each)
        e = n.In(envelope)
        n.call(n.lib.fabric_block_assembler_add, self.ptr, e.ptr, e.len, cb, None)
        return cut

    def _maybe(self, fn) -> Optional[bytes]:
        buf = n.Buf()
        if n.call_status(fn, ctypes.byref(buf), self.ptr) == n.FABRIC_ENOTFOUND:
            return None
        return n.take_buf(buf)

    def cut(self) -> Optional[bytes]:
        """The pending batch as a block now; None if nothing is pending."""
        return self._maybe(n.lib.fabric_block_assembler_cut)

    def tick(self) -> Optional[bytes]:
        """The pending batch if its timeout has passed, else None."""
        return self._maybe(n.lib.fabric_block_assembler_tick)

    @property
    def pending(self) -> int:
        return n.lib.fabric_block_assembler_pending(self.ptr)

    @property
    def next_number(self) -> int:
        return n.lib.fabric_block_assembler_next_number(self.ptr)
