"""fabric_peer: Hyperledger Fabric's peer (verify, validate, commit, endorse, snapshots) in
process, over libfabricpeer's C ABI.

    from fabric_peer import Block, Channel

    with Channel.create("/tmp/ledger", open("genesis.block", "rb").read()) as ch:
        result = ch.submit(open("blocks/000001.block", "rb").read())
        print(result.number, result.codes)
"""

from ._native import lib as _lib
from .block import Block, Transaction, inspect_json, tx_code_name
from .channel import (BlockResult, ChaincodeEvent, Channel, Subscription, TxResult,
                      metrics_prometheus)
from .chain import ChainBlock, iter_chain, read_private_data
from .client import (BlockAssembler, Proposal, assemble_transaction, create_proposal,
                     lifecycle_definition_args)
from .contract import (Contract, ContractError, Endorser, ProposalResult, Stub,
                       create_composite_key, query, split_composite_key, transaction)
from .errors import (Conflict, Corrupt, Denied, FabricError, InvalidArgument, Malformed,
                     NotFound, OutOfMemory, Timeout, Unsupported)
from .identity import ChannelConfig, Policy, SignedData, Signer, evaluate_channel_policy
from .logs import forward_logs, stop_forwarding_logs
from .ledger import ChainInfo, KeyModification, KeyValue, Ledger, TxInfo, Version, VersionedValue
from .snapshot import BlockFileReader, SnapshotInfo, verify_snapshot

__version__ = "1.1.0"


def library_version() -> str:
    """The version of the libfabricpeer this package runs on."""
    return _lib.fabric_libversion().decode()


def fabric_version() -> str:
    """The Fabric release whose behaviour the library reproduces."""
    return _lib.fabric_fabric_version().decode()


__all__ = [name for name in dir() if not name.startswith("_")]
