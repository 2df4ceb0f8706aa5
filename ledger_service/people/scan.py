"""Finding personal data where it must not be (AS-13): chain data, pages, ``.json``/``.csv``
twins and exports must contain no name, phone number, address or identity number that was
entered as personal data."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ledger_service.people.ids import find_id_numbers


@dataclass(frozen=True)
class Finding:
    where: str
    what: str  # "id_number" or "personal_value"
    value: str


def _variants(value: str) -> set[str]:
    v = value.strip()
    out = {v}
    digits = "".join(c for c in v if c.isdigit())
    if len(digits) >= 7 and len(digits) >= len(v) - 4:  # a phone number, however it is spaced
        out.add(digits)
    return {x for x in out if len(x) >= 2}


def scan(documents: Iterable[tuple[str, str | bytes]], personal: Iterable[str]) -> list[Finding]:
    """Every identity number (valid check digit) and every personal value of ``personal`` found
    in ``documents`` (pairs of where, content). Bytes are searched as UTF-8 and as raw bytes."""
    needles: set[str] = set()
    for value in personal:
        needles |= _variants(value)
    found: list[Finding] = []
    for where, content in documents:
        raw = content if isinstance(content, bytes) else content.encode("utf-8")
        text = raw.decode("utf-8", errors="replace")
        for n in find_id_numbers(text):
            found.append(Finding(where, "id_number", n))
        for needle in needles:
            if needle in text or needle.encode("utf-8") in raw or needle.encode("utf-16-le") in raw:
                found.append(Finding(where, "personal_value", needle))
    return found
