"""The binding's structures are the C ABI's: every ctypes Structure here has the fields,
in order, that capi/abi/fabricpeer.abi records for the struct of the same name; and every
function it declares is exported by the library."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT
from fabric_peer import _native as n

ABI = ROOT / "capi" / "abi" / "fabricpeer.abi"

STRUCTS = {
    "fabric_buf": n.Buf, "fabric_error": n.Error, "fabric_bytes": n.Bytes,
    "fabric_key_version": n.KeyVersion, "fabric_chain_info": n.ChainInfo,
    "fabric_tx_info": n.TxInfo, "fabric_key_modification": n.KeyModification,
    "fabric_channel_options": n.ChannelOptions, "fabric_tx_private_data": n.TxPrivateData,
    "fabric_tx_result": n.TxResult, "fabric_chaincode_event": n.ChaincodeEvent,
    "fabric_signed_data": n.SignedData, "fabric_transient_entry": n.TransientEntry,
    "fabric_proposal_options": n.ProposalOptions, "fabric_batch_options": n.BatchOptions,
    "fabric_chaincode_definition": n.ChaincodeDefinition,
    "fabric_snapshot_info": n.SnapshotInfo, "fabric_strarray": n.StrArray,
}


def recorded_fields():
    out = {}
    for line in ABI.read_text().splitlines():
        m = re.match(r"type typedef struct (\w+)\{(.*)\}\w+;$", line)
        if m:
            members = [re.findall(r"(\w+)(?:\[\w+\])?$", f.strip())[0]
                       for f in m.group(2).split(";") if f.strip()]
            out[m.group(1)] = members
    return out


@pytest.mark.parametrize("name", sorted(STRUCTS))
def test_structures_match_the_recorded_abi(name):
    fields = recorded_fields()
    assert name in fields, f"{name} is not in the ABI"
    assert [f[0] for f in STRUCTS[name]._fields_] == fields[name]


def test_every_declared_function_is_in_the_abi():
    recorded = set(re.findall(r"^symbol (\w+)@@", ABI.read_text(), re.M))
    assert set(n._DECLS) <= recorded, sorted(set(n._DECLS) - recorded)
