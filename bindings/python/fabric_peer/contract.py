"""Smart contracts written as Python classes, hosted by an in-process endorser.

    class Assets(Contract):
        @transaction
        def create(self, stub: Stub, key: str, value: str):
            if stub.get_state(key) is not None:
                raise ContractError(f"{key} exists")
            stub.put_state(key, value)
            stub.set_event("created", key)

        @query
        def read(self, stub: Stub, key: str) -> bytes:
            return stub.get_state(key) or b""

    endorser = Endorser(channel, peer_signer)
    endorser.register("assets", Assets())
    result = endorser.endorse(signed_proposal)

The invocation's first argument names the method; the others are passed as str. What
the method returns is the response payload (bytes, str, or JSON for other values);
ContractError(message, status) answers an error; any other exception answers status 500
with its type and message. Nothing a contract raises reaches the library.
"""

from __future__ import annotations

import ctypes
import datetime
import json
import logging
from dataclasses import dataclass
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple, Union

from . import _native as n
from .errors import FabricError
from .identity import Policy, Signer
from .ledger import KeyModification, Version

log = logging.getLogger("fabric_peer")

STATUS_OK = 200
STATUS_ERROR = 500
VALIDATION_PARAMETER = "VALIDATION_PARAMETER"

Key = Union[bytes, str]


class ContractError(Exception):
    """Raised by a contract method: the response is `status` (400 or more) and `message`."""

    def __init__(self, message: str, status: int = STATUS_ERROR, payload: bytes = b"") -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.payload = payload


def transaction(fn: Callable) -> Callable:
    """Marks a method invocable by proposals (endorse) and queries (evaluate)."""
    fn._fabric_kind = "transaction"
    return fn


def query(fn: Callable) -> Callable:
    """Marks a read-only method (its writes, if any, are dropped when evaluated)."""
    fn._fabric_kind = "query"
    return fn


def _collect(fn, *args) -> List[Tuple[bytes, bytes]]:
    """Calls a stub range function with a callback that collects (key, value)."""
    out: List[Tuple[bytes, bytes]] = []

    def each(key, key_len, value, value_len, payload):
        out.append((n.borrowed(key, key_len), n.borrowed(value, value_len)))
        return 0
    cb = n.kv_cb(each)
    n.call(fn, *args, cb, None)
    return out


def _attrs(attrs: Sequence[str]):
    keep = [n.cstr(a) for a in attrs]
    arr = (ctypes.c_char_p * max(1, len(keep)))(*keep)
    return arr, len(keep)


def _metadata(fn, *args) -> Dict[str, bytes]:
    out: Dict[str, bytes] = {}

    def each(name, value, value_len, payload):
        out[n.text(name)] = n.borrowed(value, value_len)
        return 0
    cb = n.metadata_cb(each)
    n.call(fn, *args, cb, None)
    return out


def create_composite_key(object_type: str, attributes: Sequence[str]) -> bytes:
    """Fabric's composite key: 0x00 type 0x00 attr 0x00 ..."""
    arr, count = _attrs(attributes)
    buf = n.Buf()
    n.call(n.lib.fabric_composite_key_create, ctypes.byref(buf), object_type.encode(), arr, count)
    return n.take_buf(buf)


def split_composite_key(key: bytes) -> Tuple[str, List[str]]:
    raw: List[bytes] = []

    def each(index, part, part_len, payload):
        raw.append(ctypes.string_at(part, part_len))
        return 0
    cb = n.key_part_cb(each)
    k = n.In(key)
    n.call(n.lib.fabric_composite_key_split, k.ptr, k.len, cb, None)
    parts = [p.decode() for p in raw]  # outside the callback: a bad part raises here
    return parts[0], parts[1:]


class Stub:
    """Fabric's chaincode stub for one invocation (valid during the contract call only)."""

    def __init__(self, ptr) -> None:
        self._ptr = ptr

    # The invocation.
    @property
    def channel_id(self) -> str:
        return n.text(n.lib.fabric_stub_channel_id(self._ptr))

    @property
    def txid(self) -> str:
        return n.text(n.lib.fabric_stub_txid(self._ptr))

    @property
    def chaincode(self) -> str:
        return n.text(n.lib.fabric_stub_chaincode(self._ptr))

    @property
    def function(self) -> str:
        size = ctypes.c_size_t()
        ptr = n.lib.fabric_stub_function(self._ptr, ctypes.byref(size))
        return n.borrowed(ptr, size.value).decode("utf-8", "replace")

    @property
    def args(self) -> List[bytes]:
        """The arguments after the function."""
        out = []
        for i in range(n.lib.fabric_stub_num_args(self._ptr)):
            size = ctypes.c_size_t()
            ptr = n.lib.fabric_stub_arg(self._ptr, i, ctypes.byref(size))
            out.append(n.borrowed(ptr, size.value))
        return out

    @property
    def creator(self) -> bytes:
        size = ctypes.c_size_t()
        return n.borrowed(n.lib.fabric_stub_creator(self._ptr, ctypes.byref(size)), size.value)

    @property
    def creator_mspid(self) -> str:
        return n.text(n.lib.fabric_stub_creator_mspid(self._ptr))

    @property
    def timestamp(self) -> datetime.datetime:
        seconds, nanos = ctypes.c_int64(), ctypes.c_int32()
        n.lib.fabric_stub_timestamp(self._ptr, ctypes.byref(seconds), ctypes.byref(nanos))
        return datetime.datetime.fromtimestamp(seconds.value + nanos.value / 1e9,
                                               datetime.timezone.utc)

    def get_transient(self, key: str) -> Optional[bytes]:
        value, size = n.u8p(), ctypes.c_size_t()
        rc = n.call_status(n.lib.fabric_stub_transient, ctypes.byref(value), ctypes.byref(size),
                           self._ptr, key.encode())
        return None if rc == n.FABRIC_ENOTFOUND else n.borrowed(value, size.value)

    @property
    def is_query(self) -> bool:
        return bool(n.lib.fabric_stub_is_query(self._ptr))

    # World state.
    def get_state(self, key: Key) -> Optional[bytes]:
        buf, k = n.Buf(), n.In(key)
        if n.call_status(n.lib.fabric_stub_get_state, ctypes.byref(buf), self._ptr, k.ptr,
                         k.len) == n.FABRIC_ENOTFOUND:
            return None
        return n.take_buf(buf)

    def put_state(self, key: Key, value: Union[bytes, str]) -> None:
        k, v = n.In(key), n.In(value)
        n.call(n.lib.fabric_stub_put_state, self._ptr, k.ptr, k.len, v.ptr, v.len)

    def del_state(self, key: Key) -> None:
        k = n.In(key)
        n.call(n.lib.fabric_stub_del_state, self._ptr, k.ptr, k.len)

    def get_state_by_range(self, start: Key = b"", end: Key = b"") -> List[Tuple[bytes, bytes]]:
        s, e = n.In(start), n.In(end)
        return _collect(n.lib.fabric_stub_get_state_by_range, self._ptr, s.ptr, s.len, e.ptr,
                        e.len)

    def get_state_by_range_with_pagination(self, start: Key, end: Key, page_size: int,
                                           bookmark: Key = b"") -> Tuple[List[Tuple[bytes, bytes]], bytes]:
        """One page and the bookmark of the next (b"" when there is none)."""
        s, e, b = n.In(start), n.In(end), n.In(bookmark)
        next_bookmark = n.Buf()
        page = _collect(n.lib.fabric_stub_get_state_by_range_page, ctypes.byref(next_bookmark),
                        self._ptr, s.ptr, s.len, e.ptr, e.len, page_size, b.ptr, b.len)
        return page, n.take_buf(next_bookmark)

    def get_state_by_partial_composite_key(self, object_type: str,
                                           attributes: Sequence[str] = ()) -> List[Tuple[bytes, bytes]]:
        arr, count = _attrs(attributes)
        return _collect(n.lib.fabric_stub_get_state_by_partial_composite_key, self._ptr,
                        object_type.encode(), arr, count)

    create_composite_key = staticmethod(create_composite_key)
    split_composite_key = staticmethod(split_composite_key)

    def get_state_metadata(self, key: Key) -> Dict[str, bytes]:
        k = n.In(key)
        return _metadata(n.lib.fabric_stub_get_state_metadata, self._ptr, k.ptr, k.len)

    def set_state_metadata(self, key: Key, name: str, value: bytes) -> None:
        k, v = n.In(key), n.In(value)
        n.call(n.lib.fabric_stub_set_state_metadata, self._ptr, k.ptr, k.len, name.encode(),
               v.ptr, v.len)

    def set_state_validation_parameter(self, key: Key, policy: Union[Policy, bytes]) -> None:
        """A key-level endorsement policy."""
        envelope = policy.envelope if isinstance(policy, Policy) else policy
        self.set_state_metadata(key, VALIDATION_PARAMETER, envelope)

    def get_state_validation_parameter(self, key: Key) -> Optional[bytes]:
        return self.get_state_metadata(key).get(VALIDATION_PARAMETER)

    def set_event(self, name: str, payload: Union[bytes, str] = b"") -> None:
        p = n.In(payload)
        n.call(n.lib.fabric_stub_set_event, self._ptr, name.encode(), p.ptr, p.len)

    def get_history_for_key(self, key: Key) -> List[KeyModification]:
        out: List[KeyModification] = []

        def each(mod, payload):
            m = mod.contents
            out.append(KeyModification(n.text(m.txid), n.borrowed(m.value, m.value_len),
                                       bool(m.is_delete), m.timestamp_seconds,
                                       m.timestamp_nanos, Version(0, 0)))
            return 0
        cb = n.history_cb(each)
        k = n.In(key)
        n.call(n.lib.fabric_stub_get_history_for_key, self._ptr, k.ptr, k.len, cb, None)
        return out

    # Private data.
    def get_private_data(self, collection: str, key: Key) -> Optional[bytes]:
        buf, k = n.Buf(), n.In(key)
        if n.call_status(n.lib.fabric_stub_get_private_data, ctypes.byref(buf), self._ptr,
                         collection.encode(), k.ptr, k.len) == n.FABRIC_ENOTFOUND:
            return None
        return n.take_buf(buf)

    def get_private_data_hash(self, collection: str, key: Key) -> Optional[bytes]:
        buf, k = n.Buf(), n.In(key)
        if n.call_status(n.lib.fabric_stub_get_private_data_hash, ctypes.byref(buf), self._ptr,
                         collection.encode(), k.ptr, k.len) == n.FABRIC_ENOTFOUND:
            return None
        return n.take_buf(buf)

    def put_private_data(self, collection: str, key: Key, value: Union[bytes, str]) -> None:
        k, v = n.In(key), n.In(value)
        n.call(n.lib.fabric_stub_put_private_data, self._ptr, collection.encode(), k.ptr, k.len,
               v.ptr, v.len)

    def del_private_data(self, collection: str, key: Key) -> None:
        k = n.In(key)
        n.call(n.lib.fabric_stub_del_private_data, self._ptr, collection.encode(), k.ptr, k.len)

    def get_private_data_by_range(self, collection: str, start: Key = b"",
                                  end: Key = b"") -> List[Tuple[bytes, bytes]]:
        s, e = n.In(start), n.In(end)
        return _collect(n.lib.fabric_stub_get_private_data_by_range, self._ptr,
                        collection.encode(), s.ptr, s.len, e.ptr, e.len)

    def get_private_data_by_partial_composite_key(
            self, collection: str, object_type: str,
            attributes: Sequence[str] = ()) -> List[Tuple[bytes, bytes]]:
        arr, count = _attrs(attributes)
        return _collect(n.lib.fabric_stub_get_private_data_by_partial_composite_key, self._ptr,
                        collection.encode(), object_type.encode(), arr, count)

    def get_private_data_metadata(self, collection: str, key: Key) -> Dict[str, bytes]:
        k = n.In(key)
        return _metadata(n.lib.fabric_stub_get_private_data_metadata, self._ptr,
                         collection.encode(), k.ptr, k.len)

    def set_private_data_metadata(self, collection: str, key: Key, name: str,
                                  value: bytes) -> None:
        k, v = n.In(key), n.In(value)
        n.call(n.lib.fabric_stub_set_private_data_metadata, self._ptr, collection.encode(), k.ptr,
               k.len, name.encode(), v.ptr, v.len)

    def respond(self, message: Optional[str] = None, payload: bytes = b"") -> None:
        p = n.In(payload)
        n.call(n.lib.fabric_stub_respond, self._ptr, n.cstr(message), p.ptr, p.len)


class Contract:
    """A contract: methods marked @transaction or @query, invoked by the proposal's
    first argument. Override unknown() to answer other functions."""

    def methods(self) -> Dict[str, Callable]:
        out = {}
        for name in dir(type(self)):
            fn = getattr(type(self), name, None)
            if getattr(fn, "_fabric_kind", None) is not None:
                out[name] = getattr(self, name)
        return out

    def unknown(self, stub: Stub, *args: str) -> Any:
        raise ContractError(f"function {stub.function!r} is not in contract "
                            f"{type(self).__name__}", 400)


def _payload(value: Any) -> bytes:
    if value is None:
        return b""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, str):
        return value.encode()
    return json.dumps(value, sort_keys=True).encode()


def _dispatch(contract: Union[Contract, Callable[[Stub], Any]], stub: Stub) -> int:
    """Runs the contract for one invocation; never raises."""
    try:
        if isinstance(contract, Contract):
            fn = contract.methods().get(stub.function)
            args = [a.decode("utf-8", "surrogateescape") for a in stub.args]
            value = fn(stub, *args) if fn is not None else contract.unknown(stub, *args)
        else:
            value = contract(stub)
        stub.respond(None, _payload(value))
        return STATUS_OK
    except ContractError as e:
        _respond_error(stub, e.message, e.payload)
        return e.status if e.status >= 400 else STATUS_ERROR
    except BaseException as e:  # nothing crosses into the library
        log.debug("contract raised", exc_info=True)
        _respond_error(stub, f"{type(e).__name__}: {e}", b"")
        return STATUS_ERROR


def _respond_error(stub: Stub, message: str, payload: bytes) -> None:
    try:
        stub.respond(message.encode("utf-8", "replace").decode("utf-8"), payload)
    except BaseException:
        pass


@dataclass(frozen=True)
class ProposalResult:
    txid: str
    status: int
    message: str
    payload: bytes
    response: bytes        # the signed ProposalResponse (empty unless endorsed)
    rwset: bytes
    private_rwset: bytes   # the private data written, to hand with the block

    @property
    def ok(self) -> bool:
        return self.status < 400


def _proposal_result(ptr) -> ProposalResult:
    def b(fn):
        size = ctypes.c_size_t()
        return n.borrowed(fn(ptr, ctypes.byref(size)), size.value)
    return ProposalResult(n.text(n.lib.fabric_proposal_result_txid(ptr)),
                          n.lib.fabric_proposal_result_status(ptr),
                          n.text(n.lib.fabric_proposal_result_message(ptr)),
                          b(n.lib.fabric_proposal_result_payload),
                          b(n.lib.fabric_proposal_result_response),
                          b(n.lib.fabric_proposal_result_rwset),
                          b(n.lib.fabric_proposal_result_private_rwset))


class Endorser(n.Handle):
    """An endorsing peer of a channel, signing as `signer`, hosting contracts."""

    _free = n.lib.fabric_endorser_free

    def __init__(self, channel, signer: Signer) -> None:
        ptr = ctypes.c_void_p()
        n.call(n.lib.fabric_endorser_create, ctypes.byref(ptr), channel.ptr, signer.ptr)
        super().__init__(ptr)
        self._contracts: Dict[str, List[Any]] = {}

    def register(self, name: str, contract: Union[Contract, Callable[[Stub], Any]]) -> None:
        """Hosts `contract` (a Contract, or a function of the stub) under chaincode `name`."""
        def trampoline(stub_ptr, payload):
            return _dispatch(contract, Stub(stub_ptr))
        cb = n.contract_fn(trampoline)
        n.call(n.lib.fabric_endorser_register_contract, self.ptr, name.encode(), cb, None)
        # Every callback stays alive with the endorser: one replaced by a later
        # registration may still be running a call.
        self._contracts.setdefault(name, []).append((contract, cb))

    def _run(self, fn, signed_proposal: bytes) -> ProposalResult:
        out = ctypes.c_void_p()
        p = n.In(signed_proposal)
        n.call(fn, ctypes.byref(out), self.ptr, p.ptr, p.len)
        try:
            return _proposal_result(out)
        finally:
            n.lib.fabric_proposal_result_free(out)

    def endorse(self, signed_proposal: bytes) -> ProposalResult:
        """Runs the contract and, for a status below 400, signs the proposal response."""
        return self._run(n.lib.fabric_endorser_endorse, signed_proposal)

    def evaluate(self, signed_proposal: bytes) -> ProposalResult:
        """Runs the contract as a query: nothing is signed, writes are dropped."""
        return self._run(n.lib.fabric_endorser_evaluate, signed_proposal)
