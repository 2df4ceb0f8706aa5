"""What every context's entry re-derivation shares: reading chain values back as the indexer
does, the facts a bundle proves beside an entry, and dating an entry that has no business date.

Pure and small on purpose: it is copied into every audit export with the verifier.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ledger_service.statements.periods import from_day_number

__all__ = [
    "OWNERS_COMMON",
    "EntryContext",
    "MissingContext",
    "addr",
    "block_local_date",
    "day",
    "hex0x",
    "label",
    "opt_addr",
    "opt_label",
    "read_text",
    "same",
]

OWNERS_COMMON = "owners_common"
_ZERO_ADDRESS = "0x" + "00" * 20


class MissingContext(LookupError):
    """The event cannot be turned into an entry without a fact the bundle does not prove."""


@dataclass
class EntryContext:
    """Facts proved elsewhere in the bundle that some entries depend on."""

    #: policy version -> bucket names in split order (from proved ``PolicyActivated`` logs)
    policies: dict[int, list[str]] = field(default_factory=dict)
    #: the community's calendar offset (from its proved ``CommunityRegistered`` log)
    utc_offset_minutes: int | None = None
    #: income seq -> source (from proved ``IncomeRecorded`` logs), for income reversals
    income_sources: dict[int, str] = field(default_factory=dict)
    #: the statement's community id (from the anchor): a goods transfer *to* it is "received"
    community: bytes = b""

    def buckets(self, version: int) -> list[str]:
        if version == 0:
            return [OWNERS_COMMON]
        if version not in self.policies:
            raise MissingContext(f"policy version {version} (its PolicyActivated log is not in the bundle)")
        return self.policies[version]


def same(a: Any, b: Any) -> bool:
    """Equal, and of the same JSON types all the way down (``True`` is not ``1`` here)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def hex0x(b: bytes) -> str:
    return "0x" + bytes(b).hex()


def read_text(raw: bytes) -> str:
    """A short text stored left-aligned in ``bytesN`` (as the revenue indexer reads it)."""
    return raw.rstrip(b"\0").decode("utf-8", errors="replace")


def label(raw: bytes) -> str:
    """A slug as the time-bank and funds indexers read it: its text when it is printable UTF-8
    padded with zeros, otherwise ``0x`` hex of all its bytes (an opaque id)."""
    text = raw.rstrip(b"\0")
    try:
        decoded = text.decode("utf-8")
    except UnicodeDecodeError:
        return hex0x(raw)
    if not decoded or b"\0" in text or not decoded.isprintable():
        return hex0x(raw)
    return decoded


def opt_label(raw: bytes) -> str | None:
    """``None`` for an all-zero field, else :func:`label`."""
    return label(raw) if any(raw) else None


def addr(a: str) -> str:
    return a.lower()


def opt_addr(a: str) -> str | None:
    return None if a.lower() == _ZERO_ADDRESS else a.lower()


def day(args: Mapping[str, Any]) -> str:
    return from_day_number(args["businessDate"]).isoformat()


def block_local_date(
    ctx: EntryContext, timestamp: int, given: Mapping[str, Any] | None, notes: list[str]
) -> str:
    """The community's local date of a block, for entries dated by their block (policies, funds
    and goods set-ups). Without the community's registration in the bundle, the ``given`` entry's
    date is accepted when some offset a community can have (UTC−12:00 to UTC+14:00, as
    ``CommunityRoles`` allows) gives it, with a note."""
    if ctx.utc_offset_minutes is not None:
        return dt.datetime.fromtimestamp(timestamp + ctx.utc_offset_minutes * 60, dt.UTC).date().isoformat()
    earliest = dt.datetime.fromtimestamp(timestamp - 12 * 3600, dt.UTC).date().isoformat()
    latest = dt.datetime.fromtimestamp(timestamp + 14 * 3600, dt.UTC).date().isoformat()
    stated = given.get("business_date") if given is not None else None
    if not isinstance(stated, str) or not earliest <= stated <= latest:
        raise MissingContext(
            "the community's time zone (its CommunityRegistered log is not in the bundle), and the "
            f"date {stated!r} is not the block's date at any offset from UTC−12:00 to UTC+14:00"
        )
    notes.append("business date within UTC−12:00..+14:00 of the block; the time zone is not proved here")
    return stated
