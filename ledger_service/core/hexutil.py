"""`0x`-prefixed hex, the form every id, hash and address takes in events, JSON and SQL."""

from __future__ import annotations


def hex0x(b: bytes) -> str:
    """``0x`` + lowercase hex of ``b``."""
    return "0x" + bytes(b).hex()
