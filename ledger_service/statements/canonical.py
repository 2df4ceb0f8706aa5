"""Canonical JSON (RFC 8785) and SHA-256 for statements and their entries.

A closed statement is trusted because anyone can recompute its hash from the published JSON and
compare it with the hash anchored on chain. That only works if every producer and every verifier
serialise the same value to the same bytes, so this module is the one place that turns JSON values
into bytes: RFC 8785 (JSON Canonicalization Scheme) through the ``rfc8785`` package.

Two deliberate restrictions on top of RFC 8785:

* **No floats.** Money is integer fen and time-bank credit is integer minutes; a float in a
  statement is a bug upstream (``0.1 + 0.2``), and refusing it here stops it before it is anchored.
* **Integers must be exact in I-JSON.** RFC 8785 serialises numbers as IEEE 754 doubles, so an
  integer beyond ±(2**53 − 1) would be silently rounded by other JCS implementations (JavaScript,
  Go). Such values (a wei amount, a uint256) must be written as decimal strings instead.

This module is imported by the offline verifier: standard library and ``rfc8785`` only.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any, TypeAlias

import rfc8785

__all__ = [
    "MAX_SAFE_INTEGER",
    "CanonicalJSONError",
    "JsonValue",
    "canonical_bytes",
    "sha256_hex",
    "statement_hash",
]

JsonValue: TypeAlias = (
    None | bool | int | str | list["JsonValue"] | tuple["JsonValue", ...] | Mapping[str, Any]
)

#: Largest integer an IEEE 754 double (and so any RFC 8785 implementation) represents exactly.
MAX_SAFE_INTEGER = 2**53 - 1

# Statements are a handful of levels deep; a much deeper value is malformed input (for example a
# hostile proof bundle) and would otherwise end in a RecursionError deep inside the serialiser.
_MAX_DEPTH = 64


class CanonicalJSONError(ValueError):
    """A value cannot be canonicalised; ``path`` says where in the document (``$.entries[3].amount``)."""

    def __init__(self, message: str, path: str) -> None:
        super().__init__(f"{message} at {path}")
        self.reason = message
        self.path = path


class _Refused(Exception):
    """Raised deep in the walk; each enclosing container adds its key on the way out.

    Building the path only when something is wrong keeps the walk cheap: it runs for every one of
    a statement's (possibly millions of) entries.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        self.segments: list[str] = []


def _normalise(value: object, depth: int) -> JsonValue:
    """Check one value against our JSON profile and return it as plain ``dict``/``list``/scalars.

    The copy matters: ``rfc8785`` only accepts ``dict``, ``list`` and ``tuple`` containers, and
    checking here first gives an error that names the offending key instead of a bare type name.
    """
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        if not -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
            raise _Refused(
                f"integer {value} is outside ±(2**53 - 1) and cannot be represented exactly in "
                "RFC 8785 / I-JSON; write it as a decimal string"
            )
        return value
    if isinstance(value, float):
        raise _Refused(
            f"float {value!r} is not allowed: amounts are integers in minor units (fen) "
            "and durations are integer minutes"
        )
    if depth >= _MAX_DEPTH and isinstance(value, (Mapping, list, tuple)):
        raise _Refused(f"nested deeper than {_MAX_DEPTH} levels")
    if isinstance(value, Mapping):
        out: dict[str, JsonValue] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise _Refused(f"object key {key!r} is not a string")
            try:
                out[key] = _normalise(item, depth + 1)
            except _Refused as problem:
                problem.segments.append(f".{key}")
                raise
        return out
    if isinstance(value, (list, tuple)):
        items: list[JsonValue] = []
        for index, item in enumerate(value):
            try:
                items.append(_normalise(item, depth + 1))
            except _Refused as problem:
                problem.segments.append(f"[{index}]")
                raise
        return items
    raise _Refused(f"{type(value).__name__} is not a JSON value (convert dates to ISO strings, bytes to hex)")


def canonical_bytes(obj: object) -> bytes:
    """Serialise ``obj`` to its RFC 8785 canonical UTF-8 bytes.

    These bytes are what gets hashed and anchored, and what a Merkle leaf is, so two parties who
    agree on the value always agree on the hash. Raises :class:`CanonicalJSONError` (a
    ``ValueError``) for floats, integers beyond ±(2**53 − 1), non-string keys, strings that are not
    valid Unicode (lone surrogates) and anything that is not a JSON value.
    """
    try:
        normalised = _normalise(obj, 0)
    except _Refused as problem:
        path = "$" + "".join(reversed(problem.segments))
        raise CanonicalJSONError(problem.message, path) from None
    try:
        return rfc8785.dumps(normalised)
    except rfc8785.CanonicalizationError as exc:  # e.g. a lone surrogate in a string
        raise CanonicalJSONError(str(exc), "$") from exc


def sha256_hex(data: bytes) -> str:
    """SHA-256 of ``data`` as 64 lowercase hex digits, without a ``0x`` prefix.

    One spelling everywhere (statement JSON, CSV, explorer, verifier output) so hashes can be
    compared as strings; the chain layer adds ``0x`` when it writes a ``bytes32``.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"sha256_hex needs bytes, got {type(data).__name__}; encode text first")
    return hashlib.sha256(data).hexdigest()


def statement_hash(statement: Mapping[str, Any]) -> str:
    """The hash anchored on chain when a period closes: SHA-256 of the statement's canonical JSON.

    The whole statement is hashed as given, ``entries`` and ``entries_root`` included; a verifier
    recomputes it from the published file and compares it with the anchor.
    """
    if not isinstance(statement, Mapping):
        raise TypeError(f"a statement is a JSON object, got {type(statement).__name__}")
    return sha256_hex(canonical_bytes(statement))
