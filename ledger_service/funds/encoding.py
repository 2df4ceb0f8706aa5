"""How funds values are written on chain and read back: slugs (funds, earmarks, projects,
receipts, campaigns) UTF-8 left-aligned in 32 bytes, kinds and rights in 16, donor types and grant
formulas as small numbers."""

from __future__ import annotations

from ledger_service.core.errors import InvalidInput
from ledger_service.timebank.encoding import fixed_text, label

__all__ = [
    "DONOR_TYPES",
    "FORMULAS",
    "FUND_KINDS",
    "GENERAL",
    "MAX_AMOUNT",
    "SOURCE_KINDS",
    "check_amount",
    "donor_type_code",
    "fixed_text",
    "formula_code",
    "label",
    "slug32",
]

MAX_AMOUNT = 2**53 - 1
#: The earmark every fund has, for money given without a purpose.
GENERAL = "general"
#: F-3, in the contract's numbering (1..5).
DONOR_TYPES = ("resident", "company", "bank", "charity", "government")
#: F-1: the kinds of fund a community keeps (a community may add its own).
FUND_KINDS = ("community", "public_welfare", "micro", "mutual_aid", "grant")
#: F-5: a government grant's formula: fen per m² (units in 0.01 m²) or fen per resident.
FORMULAS = ("per_area", "per_resident")
#: What an earmark's FIFO sources are (contract numbering 1..3).
SOURCE_KINDS = ("donation", "from_revenue", "returned")


def slug32(value: str, what: str) -> bytes:
    return fixed_text(value, 32, what)


def donor_type_code(name: str) -> int:
    try:
        return DONOR_TYPES.index(name) + 1
    except ValueError:
        raise InvalidInput(f"unknown donor type '{name}'; use one of: {', '.join(DONOR_TYPES)}") from None


def donor_type_name(code: int) -> str:
    return DONOR_TYPES[code - 1] if 1 <= code <= len(DONOR_TYPES) else str(code)


def formula_code(name: str | None) -> int:
    if not name:
        return 0
    try:
        return FORMULAS.index(name) + 1
    except ValueError:
        raise InvalidInput(f"unknown grant formula '{name}'; use one of: {', '.join(FORMULAS)}") from None


def formula_name(code: int) -> str | None:
    return FORMULAS[code - 1] if 1 <= code <= len(FORMULAS) else None


def formula_expected(kind: str, rate: int, units: int) -> int:
    """What a grant with this formula should be, in fen: per_area units are 0.01 m², so
    rate × units ÷ 100 rounded down; per_resident rate × units."""
    if kind == "per_area":
        return rate * units // 100
    return rate * units


def check_amount(amount: int, what: str = "amount") -> int:
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 < amount <= MAX_AMOUNT:
        raise InvalidInput(f"{what} must be between 0.01 and 90,071,992,547,409.91 yuan (1 fen to 2^53 fen)")
    return amount


def text32(raw: bytes) -> str:
    """A bytes32 slug read back (text, or 0x hex for an opaque id)."""
    return label(raw)
