"""The library's log (commits with timings, refused blocks, recovery) into Python's
logging, under loggers "fabric_peer.<component>"."""

from __future__ import annotations

import logging
from typing import Optional

from . import _native as n

_LEVELS = {0: logging.DEBUG, 1: logging.INFO, 2: logging.WARNING, 3: logging.ERROR}
_callback = None  # the installed ctypes callback, kept alive


def forward_logs(level: int = logging.INFO, rocksdb: bool = False) -> None:
    """Forwards the library's messages at `level` or above (a logging level) to logging.
    rocksdb=True adds RocksDB's own informational log."""
    global _callback
    min_level = 0 if level <= logging.DEBUG else 1 if level <= logging.INFO else \
        2 if level <= logging.WARNING else 3

    def each(lvl, component, message, payload):
        try:
            logging.getLogger("fabric_peer." + n.text(component)).log(
                _LEVELS.get(lvl, logging.INFO), n.text(message))
        except BaseException:
            pass  # a failing handler must not reach the library's thread
    cb = n.log_cb(each)
    n.call(n.lib.fabric_log_set, cb, min_level, 1 if rocksdb else 0, None)
    _callback = cb


def stop_forwarding_logs() -> None:
    global _callback
    n.call(n.lib.fabric_log_set, n.log_cb(), 0, 0, None)
    _callback = None
