"""Errors: every failure of the library is a FabricError carrying its code and message."""

from __future__ import annotations


class FabricError(Exception):
    """A call into libfabricpeer failed. `code` is the library's fabric_error_code (a
    negative int), `code_name` its name (e.g. "FABRIC_ENOTFOUND"), `message` the detail."""

    code = -1
    code_name = "FABRIC_ERROR"

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return f"{self.message} ({self.code_name})"


class InvalidArgument(FabricError, ValueError):
    code, code_name = -2, "FABRIC_EINVAL"


class Malformed(FabricError, ValueError):
    code, code_name = -3, "FABRIC_EMALFORMED"


class NotFound(FabricError, KeyError):
    code, code_name = -4, "FABRIC_ENOTFOUND"

    def __str__(self) -> str:  # KeyError would quote it
        return FabricError.__str__(self)


class Corrupt(FabricError):
    code, code_name = -6, "FABRIC_ECORRUPT"


class Conflict(FabricError):
    code, code_name = -7, "FABRIC_ECONFLICT"


class OutOfMemory(FabricError, MemoryError):
    code, code_name = -8, "FABRIC_ENOMEM"


class Unsupported(FabricError):
    code, code_name = -9, "FABRIC_EUNSUPPORTED"


class Denied(FabricError, PermissionError):
    code, code_name = -10, "FABRIC_EDENIED"


class Timeout(FabricError, TimeoutError):
    code, code_name = -11, "FABRIC_ETIMEOUT"


_BY_CODE = {cls.code: cls for cls in (InvalidArgument, Malformed, NotFound, Corrupt, Conflict,
                                      OutOfMemory, Unsupported, Denied, Timeout)}


def error_for_code(code: int, message: str) -> FabricError:
    cls = _BY_CODE.get(code)
    if cls is None:
        e = FabricError(message, code)
        return e
    return cls(message)
