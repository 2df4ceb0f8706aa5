"""How revenue writes are encoded for the RevenueLedger contract.

Pure functions shared by the command layer, the bench and the tests: short texts (sources,
buckets, references) are UTF-8 left-aligned in fixed-size bytes, dates are local day numbers, and
a batch packs each income into three words (see ``IRevenueLedger.postIncomes``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass

from ledger_service.core.errors import InvalidInput
from ledger_service.statements.periods import day_number, from_day_number

MAX_AMOUNT = 2**53 - 1
SOURCES = (
    "advertising",
    "elevator_ads",
    "parking",
    "shared_parking",
    "venue_rental",
    "stall_rental",
    "other",
)
OWNERS_COMMON = "owners_common"

__all__ = ["day_number", "from_day_number"]


#: A mainland mobile number standing alone (not inside a longer run of digits or letters).
_MOBILE = re.compile(r"(?<![0-9A-Za-z])1[3-9][0-9]{9}(?![0-9A-Za-z])")


def refuse_personal_data(value: str, what: str) -> None:
    """Text bound for the chain must not carry a phone number or an identity number (SEC-1): the
    chain is public and permanent. Refused with a clear error before anything is signed."""
    from ledger_service.people.ids import find_id_numbers

    if find_id_numbers(value):
        raise InvalidInput(
            f"{what} '{value}' contains an identity number; personal data never goes on chain "
            "(use a document number, or the person's pseudonym)"
        )
    if _MOBILE.search(value):
        raise InvalidInput(
            f"{what} '{value}' contains what looks like a mobile phone number; personal data never "
            "goes on chain (use a document number, or the person's pseudonym)"
        )


def fixed_text(value: str, size: int, what: str) -> bytes:
    """``value`` as UTF-8, left-aligned and zero-padded to ``size`` bytes, or a clear error (also for
    text that carries a phone or identity number: it would be public on chain forever)."""
    raw = value.encode("utf-8")
    if not raw:
        raise InvalidInput(f"{what} must not be empty")
    refuse_personal_data(value, what)
    if len(raw) > size:
        raise InvalidInput(f"{what} '{value}' is {len(raw)} bytes long; at most {size} fit on chain")
    if b"\0" in raw:
        raise InvalidInput(f"{what} must not contain NUL characters")
    return raw.ljust(size, b"\0")


def read_text(raw: bytes) -> str:
    return raw.rstrip(b"\0").decode("utf-8", errors="replace")


def check_amount(amount: int) -> int:
    """Amounts are integer fen, 0 < amount < 2^53 (the contract checks this too)."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise InvalidInput(f"amount must be an integer number of fen, got {amount!r}")
    if amount <= 0 or amount > MAX_AMOUNT:
        raise InvalidInput(f"amount {amount} fen is out of range (more than 0 and less than 2^53 fen)")
    return amount


def evidence_hash(document: bytes | str | None) -> bytes:
    """SHA-256 of an evidence document (or of its text), zero when there is none."""
    if document is None or document == "":
        return b"\0" * 32
    if isinstance(document, str):
        if document.startswith("0x") and len(document) == 66:
            return bytes.fromhex(document[2:])
        document = document.encode("utf-8")
    return hashlib.sha256(document).digest()


@dataclass(frozen=True)
class Income:
    """One income as posted: source slug, fen, local business date, reference, evidence hash."""

    source: str
    amount: int
    business_date: dt.date
    ref: str
    evidence: bytes = b"\0" * 32

    def validated(self) -> Income:
        if self.source not in SOURCES:
            raise InvalidInput(f"unknown source '{self.source}'; use one of: {', '.join(SOURCES)}")
        check_amount(self.amount)
        fixed_text(self.ref, 32, "reference")
        if len(self.evidence) != 32:
            raise InvalidInput("the evidence hash must be 32 bytes")
        return self

    def call_args(self) -> tuple[bytes, int, int, bytes, bytes]:
        """(source, amount, date, ref, evidence) as ``postIncome`` takes them after (community, seq)."""
        return (
            fixed_text(self.source, 16, "source"),
            self.amount,
            day_number(self.business_date),
            fixed_text(self.ref, 32, "reference"),
            self.evidence,
        )

    def packed(self) -> list[bytes]:
        """The three words of this income in a ``postIncomes`` batch."""
        meta = (
            int.from_bytes(fixed_text(self.source, 16, "source"), "big") << 128
            | self.amount << 64
            | day_number(self.business_date) << 32
        )
        return [meta.to_bytes(32, "big"), fixed_text(self.ref, 32, "reference"), self.evidence]


def pack_batch(incomes: list[Income]) -> list[bytes]:
    words: list[bytes] = []
    for income in incomes:
        words.extend(income.packed())
    return words


def split(amount: int, bps: list[int]) -> list[int]:
    """The contract's rounding rule in Python: floor per bucket, the remainder to the first."""
    parts = [amount * b // 10_000 for b in bps]
    parts[0] += amount - sum(parts)
    return parts


def unpack_parts(words: tuple[int, int] | list[int], count: int = 8) -> list[int]:
    """The split carried by an event: part i is the uint64 at bit 64 * (i % 4) of word i / 4."""
    return [(words[i // 4] >> (64 * (i % 4))) & 0xFFFF_FFFF_FFFF_FFFF for i in range(count)]
