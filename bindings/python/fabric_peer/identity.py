"""Channel configs, identities, signing identities and policies."""

from __future__ import annotations

import ctypes
import pathlib
from dataclasses import dataclass
from typing import Iterable, List, Optional, Sequence, Union

from . import _native as n
from .errors import Denied


class ChannelConfig(n.Handle):
    """A channel's configuration, from a config block (e.g. the genesis block)."""

    _free = n.lib.fabric_channel_config_free

    @classmethod
    def load(cls, config_block: bytes) -> "ChannelConfig":
        d = n.In(config_block)
        return cls._made_by(n.lib.fabric_channel_config_load, d.ptr, d.len)

    @property
    def channel_id(self) -> str:
        return n.text(n.lib.fabric_channel_config_channel_id(self.ptr))

    @property
    def sequence(self) -> int:
        return n.lib.fabric_channel_config_sequence(self.ptr)

    @property
    def msp_ids(self) -> List[str]:
        count = n.lib.fabric_channel_config_msp_count(self.ptr)
        return [n.text(n.lib.fabric_channel_config_msp_id(self.ptr, i)) for i in range(count)]

    def validate_identity(self, identity: bytes) -> None:
        """Raises Denied (or Malformed) unless `identity` (a serialized
        msp.SerializedIdentity) is valid for one of the channel's MSPs, as Fabric decides."""
        d = n.In(identity)
        n.call(n.lib.fabric_identity_validate, self.ptr, d.ptr, d.len)

    def is_valid_identity(self, identity: bytes) -> bool:
        try:
            self.validate_identity(identity)
            return True
        except Denied:
            return False

    def verify_signature(self, identity: bytes, data: bytes, signature: bytes) -> bool:
        """Whether `signature` over `data` is `identity`'s (and the identity valid)."""
        i, d, s = n.In(identity), n.In(data), n.In(signature)
        err = ctypes.POINTER(n.Error)()
        rc = n.lib.fabric_signature_verify(self.ptr, i.ptr, i.len, d.ptr, d.len, s.ptr, s.len,
                                           ctypes.byref(err))
        if rc == -10:  # FABRIC_EDENIED: a valid "no"
            if err:
                n.lib.fabric_error_free(err)
            return False
        n.check(rc, err)
        return True


@dataclass(frozen=True)
class SignedData:
    """(identity, data, signature): one signature a policy is evaluated over."""

    identity: bytes
    data: bytes
    signature: bytes


class Signer(n.Handle):
    """A signing identity: an MSP id, a certificate and its private key (PEM)."""

    _free = n.lib.fabric_signer_free

    @classmethod
    def load(cls, mspid: str, cert_pem: bytes, key_pem: bytes) -> "Signer":
        c, k = n.In(cert_pem), n.In(key_pem)
        signer = cls._made_by(n.lib.fabric_signer_load, mspid.encode(), c.ptr, c.len, k.ptr,
                              k.len)
        signer.mspid = mspid
        return signer

    @classmethod
    def from_msp_dir(cls, mspid: str, path: Union[str, pathlib.Path]) -> "Signer":
        """From a cryptogen identity folder (…/users/User1@org1.example.com or its msp/):
        msp/signcerts/*.pem and msp/keystore/*."""
        root = pathlib.Path(path)
        msp = root / "msp" if (root / "msp").is_dir() else root
        cert = sorted((msp / "signcerts").glob("*.pem"))
        key = sorted((msp / "keystore").iterdir()) if (msp / "keystore").is_dir() else []
        if not cert or not key:
            raise FileNotFoundError(f"no signcerts/*.pem and keystore/* under {msp}")
        return cls.load(mspid, cert[0].read_bytes(), key[0].read_bytes())

    @property
    def identity(self) -> bytes:
        """The serialized msp.SerializedIdentity (MSP id and certificate)."""
        size = ctypes.c_size_t()
        ptr = n.lib.fabric_signer_identity(self.ptr, ctypes.byref(size))
        return n.borrowed(ptr, size.value)

    def sign(self, data: bytes) -> bytes:
        """An ECDSA signature (DER, low-S) over SHA-256(data)."""
        buf = n.Buf()
        d = n.In(data)
        n.call(n.lib.fabric_signer_sign, ctypes.byref(buf), self.ptr, d.ptr, d.len)
        return n.take_buf(buf)

    def signed(self, data: bytes) -> SignedData:
        return SignedData(self.identity, bytes(data), self.sign(data))


def _signed_array(signatures: Sequence[SignedData]):
    keep = []
    arr = (n.SignedData * max(1, len(signatures)))()
    for i, s in enumerate(signatures):
        ident, data, sig = n.In(s.identity), n.In(s.data), n.In(s.signature)
        keep += [ident, data, sig]
        arr[i] = n.SignedData(ident.ptr, ident.len, data.ptr, data.len, sig.ptr, sig.len)
    return arr, keep


class Policy:
    """A signature policy (a serialized SignaturePolicyEnvelope).

        p = Policy.compile("OR('Org1MSP.member', AND('Org2MSP.peer', 'Org3MSP.peer'))")
        p.dsl, p.envelope, p.evaluate(config, [signer.signed(b"data")])
    """

    def __init__(self, envelope: bytes) -> None:
        self.envelope = bytes(envelope)

    @classmethod
    def compile(cls, dsl: str) -> "Policy":
        """Fabric's policy language to the very bytes Fabric's compiler produces."""
        buf = n.Buf()
        n.call(n.lib.fabric_policy_compile, ctypes.byref(buf), dsl.encode())
        return cls(n.take_buf(buf))

    @property
    def dsl(self) -> str:
        buf = n.Buf()
        e = n.In(self.envelope)
        n.call(n.lib.fabric_policy_to_dsl, ctypes.byref(buf), e.ptr, e.len)
        return n.take_buf(buf).decode()

    def evaluate(self, config: ChannelConfig, signatures: Sequence[SignedData]) -> bool:
        """Whether the signatures satisfy the policy, with the channel's MSPs (Fabric's
        greedy evaluation; every signature is verified)."""
        arr, keep = _signed_array(signatures)
        e = n.In(self.envelope)
        return _verdict(n.lib.fabric_policy_eval_envelope, config.ptr, e.ptr, e.len, arr,
                        len(signatures))

    def __repr__(self) -> str:
        return f"Policy({self.dsl!r})"


def evaluate_channel_policy(config: ChannelConfig, path: str,
                            signatures: Sequence[SignedData]) -> bool:
    """A channel policy by path (e.g. "/Channel/Application/Writers") over signatures."""
    arr, keep = _signed_array(signatures)
    return _verdict(n.lib.fabric_policy_eval_path, config.ptr, path.encode(), arr,
                    len(signatures))


def _verdict(fn, *args) -> bool:
    err = ctypes.POINTER(n.Error)()
    rc = fn(*args, ctypes.byref(err))
    if rc == -10:  # FABRIC_EDENIED: not satisfied
        if err:
            n.lib.fabric_error_free(err)
        return False
    n.check(rc, err)
    return True
