"""The C ABI of libfabricpeer (include/fabric/fabric.h) through ctypes.

Every declaration here mirrors the header; tests/test_abi.py checks the structures
against capi/abi/fabricpeer.abi, the recorded ABI. ctypes releases the GIL for the
length of every call into the library, so long calls (submit, endorse, joins) let
other Python threads run; callbacks from the library's threads take the GIL back.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import pathlib
import threading
from ctypes import (CFUNCTYPE, POINTER, Structure, c_char, c_char_p, c_int, c_int32, c_int64,
                    c_size_t, c_uint, c_uint8, c_uint32, c_uint64, c_void_p)
from typing import Optional

from .errors import FabricError, error_for_code

HASH_SIZE = 32
TXID_SIZE = 65
FABRIC_OK = 0
FABRIC_ITEROVER = -5
FABRIC_ENOTFOUND = -4

u8p = POINTER(c_uint8)


class Buf(Structure):
    _fields_ = [("data", u8p), ("size", c_size_t)]


class Error(Structure):
    _fields_ = [("code", c_int), ("message", c_char_p)]


class Bytes(Structure):
    _fields_ = [("data", u8p), ("len", c_size_t)]


class KeyVersion(Structure):
    _fields_ = [("version", c_uint), ("block", c_uint64), ("tx", c_uint64)]


class ChainInfo(Structure):
    _fields_ = [("version", c_uint), ("height", c_uint64), ("current_hash", c_uint8 * HASH_SIZE),
                ("previous_hash", c_uint8 * HASH_SIZE), ("previous_hash_len", c_size_t)]


class TxInfo(Structure):
    _fields_ = [("version", c_uint), ("block", c_uint64), ("tx", c_uint64),
                ("num_occurrences", c_size_t), ("validation_code", c_uint8)]


class KeyModification(Structure):
    _fields_ = [("version", c_uint), ("txid", c_char_p), ("value", u8p), ("value_len", c_size_t),
                ("is_delete", c_int), ("timestamp_seconds", c_int64),
                ("timestamp_nanos", c_int32), ("key_version", KeyVersion)]


class ChannelOptions(Structure):
    _fields_ = [("version", c_uint), ("threads", c_size_t), ("max_pending", c_size_t),
                ("mspid", c_char_p)]


class TxPrivateData(Structure):
    _fields_ = [("tx_index", c_uint64), ("data", u8p), ("data_len", c_size_t)]


class TxResult(Structure):
    _fields_ = [("txid", c_char_p), ("code", c_uint8), ("validator_code", c_uint8),
                ("reason", c_char_p)]


class ChaincodeEvent(Structure):
    _fields_ = [("block", c_uint64), ("tx_index", c_uint32), ("txid", c_char_p),
                ("chaincode_id", c_char_p), ("event_name", c_char_p), ("data", u8p),
                ("data_len", c_size_t)]


class SignedData(Structure):
    _fields_ = [("identity", u8p), ("identity_len", c_size_t), ("data", u8p),
                ("data_len", c_size_t), ("signature", u8p), ("signature_len", c_size_t)]


class TransientEntry(Structure):
    _fields_ = [("key", c_char_p), ("value", u8p), ("value_len", c_size_t)]


class ProposalOptions(Structure):
    _fields_ = [("version", c_uint), ("transient", POINTER(TransientEntry)),
                ("num_transient", c_size_t), ("nonce", u8p), ("nonce_len", c_size_t),
                ("timestamp_seconds", c_int64), ("timestamp_nanos", c_int32)]


class BatchOptions(Structure):
    _fields_ = [("version", c_uint), ("max_message_count", c_size_t),
                ("preferred_max_bytes", c_size_t), ("timeout_ms", c_uint64)]


class ChaincodeDefinition(Structure):
    _fields_ = [("version", c_uint), ("name", c_char_p), ("chaincode_version", c_char_p),
                ("sequence", c_int64), ("signature_policy", u8p),
                ("signature_policy_len", c_size_t), ("channel_config_policy", c_char_p),
                ("init_required", c_int)]


class SnapshotInfo(Structure):
    _fields_ = [("version", c_uint), ("channel_id", c_char * 256), ("last_block_number", c_uint64),
                ("last_block_hash", c_uint8 * HASH_SIZE),
                ("previous_block_hash", c_uint8 * HASH_SIZE), ("previous_block_hash_len", c_size_t),
                ("commit_hash", c_uint8 * HASH_SIZE), ("commit_hash_len", c_size_t),
                ("snapshot_hash", c_uint8 * HASH_SIZE), ("num_files", c_size_t)]


class StrArray(Structure):
    _fields_ = [("strings", POINTER(c_char_p)), ("count", c_size_t)]


# Struct versions this binding fills in (the header's *_VERSION macros).
KEY_VERSION_VERSION = 1
CHAIN_INFO_VERSION = 1
TX_INFO_VERSION = 1
KEY_MODIFICATION_VERSION = 1
CHANNEL_OPTIONS_VERSION = 2
PROPOSAL_OPTIONS_VERSION = 1
BATCH_OPTIONS_VERSION = 1
CHAINCODE_DEFINITION_VERSION = 1
SNAPSHOT_INFO_VERSION = 1

# Callbacks.
commit_cb = CFUNCTYPE(None, c_void_p, c_void_p)
chaincode_event_cb = CFUNCTYPE(None, POINTER(ChaincodeEvent), c_void_p)
contract_fn = CFUNCTYPE(c_int32, c_void_p, c_void_p)
kv_cb = CFUNCTYPE(c_int, u8p, c_size_t, u8p, c_size_t, c_void_p)
metadata_cb = CFUNCTYPE(c_int, c_char_p, u8p, c_size_t, c_void_p)
history_cb = CFUNCTYPE(c_int, POINTER(KeyModification), c_void_p)
key_part_cb = CFUNCTYPE(c_int, c_size_t, c_char_p, c_size_t, c_void_p)
block_cb = CFUNCTYPE(None, u8p, c_size_t, c_void_p)
log_cb = CFUNCTYPE(None, c_int, c_char_p, c_char_p, c_void_p)
submit_cb = CFUNCTYPE(None, c_int, c_void_p, c_char_p, c_void_p)
private_data_cb = CFUNCTYPE(c_int, c_uint64, c_uint64, c_char_p, c_char_p, c_int, c_int, c_void_p)

P = c_void_p  # every opaque handle
E = POINTER(POINTER(Error))
S = c_size_t
_DECLS = {
    # Versions, errors, buffers.
    "fabric_libversion": (c_char_p, []),
    "fabric_fabric_version": (c_char_p, []),
    "fabric_error_free": (None, [POINTER(Error)]),
    "fabric_error_code_name": (c_char_p, [c_int]),
    "fabric_tx_code_name": (c_char_p, [c_int]),
    "fabric_buf_dispose": (None, [POINTER(Buf)]),
    "fabric_strarray_dispose": (None, [POINTER(StrArray)]),
    "fabric_log_set": (c_int, [log_cb, c_int, c_uint, c_void_p, E]),
    # Blocks.
    "fabric_block_parse": (c_int, [POINTER(P), u8p, S, E]),
    "fabric_block_free": (None, [P]),
    "fabric_block_number": (c_uint64, [P]),
    "fabric_block_header_hash": (None, [P, c_uint8 * HASH_SIZE]),
    "fabric_block_computed_data_hash": (None, [P, c_uint8 * HASH_SIZE]),
    "fabric_block_data_hash": (u8p, [P, POINTER(S)]),
    "fabric_block_previous_hash": (u8p, [P, POINTER(S)]),
    "fabric_block_tx_filter": (u8p, [P, POINTER(S)]),
    "fabric_block_commit_hash": (c_int, [c_uint8 * HASH_SIZE, P]),
    "fabric_block_is_config": (c_int, [P]),
    "fabric_block_last_config": (c_int, [POINTER(c_uint64), P, E]),
    "fabric_block_tx_count": (S, [P]),
    "fabric_block_txid": (c_char_p, [P, S]),
    "fabric_block_tx_check": (c_int, [P, S, E]),
    "fabric_block_to_json": (c_int, [POINTER(Buf), P, E]),
    "fabric_inspect_json": (c_int, [POINTER(Buf), u8p, S, c_char_p, E]),
    # Channel configs, identities, policies.
    "fabric_channel_config_load": (c_int, [POINTER(P), u8p, S, E]),
    "fabric_channel_config_free": (None, [P]),
    "fabric_channel_config_channel_id": (c_char_p, [P]),
    "fabric_channel_config_sequence": (c_uint64, [P]),
    "fabric_channel_config_msp_count": (S, [P]),
    "fabric_channel_config_msp_id": (c_char_p, [P, S]),
    "fabric_identity_validate": (c_int, [P, u8p, S, E]),
    "fabric_signature_verify": (c_int, [P, u8p, S, u8p, S, u8p, S, E]),
    "fabric_signer_load": (c_int, [POINTER(P), c_char_p, u8p, S, u8p, S, E]),
    "fabric_signer_free": (None, [P]),
    "fabric_signer_identity": (u8p, [P, POINTER(S)]),
    "fabric_signer_sign": (c_int, [POINTER(Buf), P, u8p, S, E]),
    "fabric_policy_compile": (c_int, [POINTER(Buf), c_char_p, E]),
    "fabric_policy_to_dsl": (c_int, [POINTER(Buf), u8p, S, E]),
    "fabric_policy_eval_envelope": (c_int, [P, u8p, S, POINTER(SignedData), S, E]),
    "fabric_policy_eval_path": (c_int, [P, c_char_p, POINTER(SignedData), S, E]),
    # Ledgers.
    "fabric_ledger_free": (None, [P]),
    "fabric_ledger_channel_id": (c_char_p, [P]),
    "fabric_ledger_chain_info": (c_int, [POINTER(ChainInfo), P, E]),
    "fabric_ledger_block_by_number": (c_int, [POINTER(Buf), P, c_uint64, E]),
    "fabric_ledger_block_by_hash": (c_int, [POINTER(Buf), P, u8p, S, E]),
    "fabric_ledger_block_by_txid": (c_int, [POINTER(Buf), P, c_char_p, E]),
    "fabric_ledger_tx": (c_int, [POINTER(TxInfo), P, c_char_p, E]),
    "fabric_ledger_get_state": (c_int, [POINTER(Buf), POINTER(KeyVersion), POINTER(Buf), P,
                                        c_char_p, u8p, S, E]),
    "fabric_ledger_get_private_data": (c_int, [POINTER(Buf), POINTER(KeyVersion), P, c_char_p,
                                               c_char_p, u8p, S, E]),
    "fabric_ledger_get_private_data_hash": (c_int, [POINTER(Buf), POINTER(KeyVersion),
                                                    POINTER(Buf), P, c_char_p, c_char_p, u8p, S,
                                                    E]),
    "fabric_state_iterator_new": (c_int, [POINTER(P), P, c_char_p, u8p, S, u8p, S, S, E]),
    "fabric_private_data_iterator_new": (c_int, [POINTER(P), P, c_char_p, c_char_p, u8p, S, u8p,
                                                 S, S, E]),
    "fabric_private_data_hash_iterator_new": (c_int, [POINTER(P), P, c_char_p, c_char_p, u8p, S,
                                                      u8p, S, S, E]),
    "fabric_state_iterator_next": (c_int, [POINTER(u8p), POINTER(S), POINTER(u8p), POINTER(S),
                                           POINTER(KeyVersion), P, E]),
    "fabric_state_iterator_bookmark": (c_int, [POINTER(Buf), P, E]),
    "fabric_state_iterator_free": (None, [P]),
    "fabric_history_iterator_new": (c_int, [POINTER(P), P, c_char_p, u8p, S, E]),
    "fabric_history_iterator_next": (c_int, [POINTER(KeyModification), P, E]),
    "fabric_history_iterator_free": (None, [P]),
    "fabric_ledger_snapshot_origin": (c_int, [POINTER(SnapshotInfo), P, E]),
    # Channels.
    "fabric_channel_create": (c_int, [POINTER(P), c_char_p, u8p, S, POINTER(ChannelOptions), E]),
    "fabric_channel_open": (c_int, [POINTER(P), c_char_p, POINTER(ChannelOptions), E]),
    "fabric_channel_join_snapshot": (c_int, [POINTER(P), c_char_p, c_char_p,
                                             POINTER(ChannelOptions), E]),
    "fabric_channel_free": (None, [P]),
    "fabric_channel_id": (c_char_p, [P]),
    "fabric_channel_current_config": (c_int, [POINTER(P), P, E]),
    "fabric_channel_ledger": (c_int, [POINTER(P), P, E]),
    "fabric_channel_submit": (c_int, [POINTER(P), P, u8p, S, c_uint, E]),
    "fabric_channel_submit_with_private_data": (c_int, [POINTER(P), P, u8p, S,
                                                        POINTER(TxPrivateData), S, c_uint, E]),
    "fabric_channel_submit_async": (c_int, [P, u8p, S, POINTER(TxPrivateData), S, c_uint,
                                            submit_cb, c_void_p, E]),
    "fabric_channel_drain": (c_int, [P, E]),
    "fabric_channel_subscribe_commits": (c_int, [POINTER(c_int), P, commit_cb, c_void_p, E]),
    "fabric_channel_subscribe_events": (c_int, [POINTER(c_int), P, chaincode_event_cb, c_void_p,
                                                E]),
    "fabric_channel_unsubscribe": (c_int, [P, c_int, E]),
    "fabric_channel_wait_tx": (c_int, [POINTER(c_uint8), P, c_char_p, c_uint64, E]),
    "fabric_channel_snapshot": (c_int, [POINTER(SnapshotInfo), P, c_uint64, c_char_p, E]),
    "fabric_block_result_free": (None, [P]),
    "fabric_block_result_number": (c_uint64, [P]),
    "fabric_block_result_header_hash": (None, [P, c_uint8 * HASH_SIZE]),
    "fabric_block_result_config_updated": (c_int, [P]),
    "fabric_block_result_tx_count": (S, [P]),
    "fabric_block_result_tx": (POINTER(TxResult), [P, S]),
    "fabric_block_result_event_count": (S, [P]),
    "fabric_block_result_event": (POINTER(ChaincodeEvent), [P, S]),
    "fabric_metrics_prometheus": (c_int, [POINTER(Buf), POINTER(P), S, E]),
    # Snapshots and block files.
    "fabric_snapshot_verify": (c_int, [POINTER(SnapshotInfo), c_char_p, E]),
    "fabric_blockfile_reader_open": (c_int, [POINTER(P), c_char_p, c_char_p, E]),
    "fabric_blockfile_reader_next": (c_int, [POINTER(Buf), P, E]),
    "fabric_blockfile_reader_free": (None, [P]),
    # Contracts and endorsement.
    "fabric_endorser_create": (c_int, [POINTER(P), P, P, E]),
    "fabric_endorser_free": (None, [P]),
    "fabric_endorser_register_contract": (c_int, [P, c_char_p, contract_fn, c_void_p, E]),
    "fabric_endorser_endorse": (c_int, [POINTER(P), P, u8p, S, E]),
    "fabric_endorser_evaluate": (c_int, [POINTER(P), P, u8p, S, E]),
    "fabric_proposal_result_free": (None, [P]),
    "fabric_proposal_result_status": (c_int32, [P]),
    "fabric_proposal_result_message": (c_char_p, [P]),
    "fabric_proposal_result_txid": (c_char_p, [P]),
    "fabric_proposal_result_payload": (u8p, [P, POINTER(S)]),
    "fabric_proposal_result_response": (u8p, [P, POINTER(S)]),
    "fabric_proposal_result_rwset": (u8p, [P, POINTER(S)]),
    "fabric_proposal_result_private_rwset": (u8p, [P, POINTER(S)]),
    "fabric_stub_respond": (c_int, [P, c_char_p, u8p, S, E]),
    "fabric_stub_channel_id": (c_char_p, [P]),
    "fabric_stub_txid": (c_char_p, [P]),
    "fabric_stub_chaincode": (c_char_p, [P]),
    "fabric_stub_function": (u8p, [P, POINTER(S)]),
    "fabric_stub_num_args": (S, [P]),
    "fabric_stub_arg": (u8p, [P, S, POINTER(S)]),
    "fabric_stub_creator": (u8p, [P, POINTER(S)]),
    "fabric_stub_creator_mspid": (c_char_p, [P]),
    "fabric_stub_timestamp": (None, [P, POINTER(c_int64), POINTER(c_int32)]),
    "fabric_stub_transient": (c_int, [POINTER(u8p), POINTER(S), P, c_char_p, E]),
    "fabric_stub_is_query": (c_int, [P]),
    "fabric_stub_get_state": (c_int, [POINTER(Buf), P, u8p, S, E]),
    "fabric_stub_put_state": (c_int, [P, u8p, S, u8p, S, E]),
    "fabric_stub_del_state": (c_int, [P, u8p, S, E]),
    "fabric_stub_get_state_by_range": (c_int, [P, u8p, S, u8p, S, kv_cb, c_void_p, E]),
    "fabric_stub_get_state_by_range_page": (c_int, [POINTER(Buf), P, u8p, S, u8p, S, c_int32, u8p,
                                                    S, kv_cb, c_void_p, E]),
    "fabric_stub_get_state_by_partial_composite_key": (c_int, [P, c_char_p, POINTER(c_char_p), S,
                                                               kv_cb, c_void_p, E]),
    "fabric_stub_get_state_metadata": (c_int, [P, u8p, S, metadata_cb, c_void_p, E]),
    "fabric_stub_set_state_metadata": (c_int, [P, u8p, S, c_char_p, u8p, S, E]),
    "fabric_stub_set_event": (c_int, [P, c_char_p, u8p, S, E]),
    "fabric_stub_get_history_for_key": (c_int, [P, u8p, S, history_cb, c_void_p, E]),
    "fabric_stub_get_private_data": (c_int, [POINTER(Buf), P, c_char_p, u8p, S, E]),
    "fabric_stub_get_private_data_hash": (c_int, [POINTER(Buf), P, c_char_p, u8p, S, E]),
    "fabric_stub_put_private_data": (c_int, [P, c_char_p, u8p, S, u8p, S, E]),
    "fabric_stub_del_private_data": (c_int, [P, c_char_p, u8p, S, E]),
    "fabric_stub_get_private_data_by_range": (c_int, [P, c_char_p, u8p, S, u8p, S, kv_cb,
                                                      c_void_p, E]),
    "fabric_stub_get_private_data_by_partial_composite_key": (
        c_int, [P, c_char_p, c_char_p, POINTER(c_char_p), S, kv_cb, c_void_p, E]),
    "fabric_stub_get_private_data_metadata": (c_int, [P, c_char_p, u8p, S, metadata_cb, c_void_p,
                                                      E]),
    "fabric_stub_set_private_data_metadata": (c_int, [P, c_char_p, u8p, S, c_char_p, u8p, S, E]),
    "fabric_composite_key_create": (c_int, [POINTER(Buf), c_char_p, POINTER(c_char_p), S, E]),
    "fabric_composite_key_split": (c_int, [u8p, S, key_part_cb, c_void_p, E]),
    # The client side and block assembly.
    "fabric_proposal_create": (c_int, [POINTER(Buf), c_char * TXID_SIZE, P, c_char_p, c_char_p,
                                       POINTER(Bytes), S, POINTER(ProposalOptions), E]),
    "fabric_tx_assemble": (c_int, [POINTER(Buf), P, u8p, S, POINTER(Bytes), S, E]),
    "fabric_lifecycle_commit_args": (c_int, [POINTER(Buf), POINTER(ChaincodeDefinition), E]),
    "fabric_block_assembler_create": (c_int, [POINTER(P), u8p, S, P, POINTER(BatchOptions), E]),
    "fabric_block_assembler_free": (None, [P]),
    "fabric_block_assembler_add": (c_int, [P, u8p, S, block_cb, c_void_p, E]),
    "fabric_block_assembler_cut": (c_int, [POINTER(Buf), P, E]),
    "fabric_block_assembler_tick": (c_int, [POINTER(Buf), P, E]),
    "fabric_block_assembler_pending": (S, [P]),
    "fabric_block_assembler_next_number": (c_uint64, [P]),
}


def _candidates() -> list:
    """Where the library may be, in order: $FABRIC_PEER_LIB; the library next to this
    package (a wheel that bundles it); the dynamic linker's search; the source tree's
    Bazel output (a checkout where `bazel build //capi:libfabricpeer.so` ran)."""
    out = []
    env = os.environ.get("FABRIC_PEER_LIB")
    if env:
        out.append(env)
    here = pathlib.Path(__file__).resolve().parent
    out.append(str(here / "libfabricpeer.so.1"))
    out.append("libfabricpeer.so.1")
    found = ctypes.util.find_library("fabricpeer")
    if found:
        out.append(found)
    for prefix in ("/usr/local/lib", "/usr/lib"):
        out.append(prefix + "/libfabricpeer.so.1")
    for parent in here.parents:
        candidate = parent / ".bazel" / "bin" / "capi" / "libfabricpeer.so.1"
        if candidate.exists():
            out.append(str(candidate))
            break
    return out


def _load() -> ctypes.CDLL:
    errors = []
    for path in _candidates():
        try:
            lib = ctypes.CDLL(path)
        except OSError as e:
            errors.append(f"{path}: {e}")
            continue
        for name, (restype, argtypes) in _DECLS.items():
            fn = getattr(lib, name)
            fn.restype = restype
            fn.argtypes = argtypes
        return lib
    raise ImportError("libfabricpeer.so.1 not found (set FABRIC_PEER_LIB to its path):\n  " +
                      "\n  ".join(errors))


lib = _load()


def check(rc: int, err) -> int:
    """Raises the FabricError for a non-zero `rc`, with the detail in `err` (a
    POINTER(Error) filled by the call, freed here)."""
    message = None
    if err:
        message = err.contents.message.decode("utf-8", "replace") if err.contents.message else None
        lib.fabric_error_free(err)
    if rc == FABRIC_OK:
        return rc
    raise error_for_code(rc, message or lib.fabric_error_code_name(rc).decode())


def call(fn, *args) -> int:
    """Calls fn(*args, &err) and raises on a non-zero code."""
    err = POINTER(Error)()
    rc = fn(*args, ctypes.byref(err))
    return check(rc, err)


def call_status(fn, *args) -> int:
    """The same, returning FABRIC_ITEROVER and FABRIC_ENOTFOUND instead of raising."""
    err = POINTER(Error)()
    rc = fn(*args, ctypes.byref(err))
    if rc in (FABRIC_ITEROVER, FABRIC_ENOTFOUND):
        if err:
            lib.fabric_error_free(err)
        return rc
    return check(rc, err)


class In:
    """Bytes given to the library for one call: `.ptr` and `.len`, valid while this
    object lives (keep it in a local variable for the call)."""

    __slots__ = ("data", "ptr", "len")

    def __init__(self, data) -> None:
        if data is None:
            data = b""
        elif isinstance(data, str):
            data = data.encode()
        else:
            data = bytes(data)
        self.data = data
        self.len = len(data)
        self.ptr = ctypes.cast(ctypes.c_char_p(data), u8p) if data else None


def take_buf(buf: Buf) -> bytes:
    """The bytes of a buffer the library filled, which is then released."""
    try:
        return ctypes.string_at(buf.data, buf.size) if buf.data else b""
    finally:
        lib.fabric_buf_dispose(ctypes.byref(buf))


def borrowed(ptr, length: int) -> bytes:
    return ctypes.string_at(ptr, length) if ptr and length else b""


def text(value: Optional[bytes]) -> str:
    return value.decode("utf-8", "replace") if value else ""


def cstr(value) -> Optional[bytes]:
    if value is None:
        return None
    if isinstance(value, bytes):
        return value
    return str(value).encode()


class Handle:
    """An owned handle: freed by close() (idempotent), by the context manager, or, as a
    last resort, when collected."""

    _free = None  # the library's free function, set by subclasses

    def __init__(self, ptr) -> None:
        self._ptr = ptr
        self._lock = threading.Lock()

    @classmethod
    def _made_by(cls, fn, *args):
        """A new handle from a library constructor fn(&out, *args, &err)."""
        ptr = ctypes.c_void_p()
        call(fn, ctypes.byref(ptr), *args)
        return cls(ptr)

    @property
    def ptr(self):
        if not self._ptr:
            raise ValueError(f"{type(self).__name__} is closed")
        return self._ptr

    def close(self) -> None:
        with self._lock:
            ptr, self._ptr = self._ptr, None
        if ptr and self._free is not None:
            type(self)._free(ptr)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass
