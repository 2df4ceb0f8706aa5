"""How personal data is shown to anyone who may not read it in clear (SEC-1: a name shows its
first character only)."""

from __future__ import annotations

import unicodedata


def _chars(value: str) -> list[str]:
    return list(unicodedata.normalize("NFC", value.strip()))


def mask_name(name: str) -> str:
    """First character, then one ``*`` per further character: 张三丰 → 张**, Alice → A****."""
    chars = [c for c in _chars(name) if not c.isspace()]
    if not chars:
        return ""
    return chars[0] + "*" * max(len(chars) - 1, 1)


def mask_phone(phone: str) -> str:
    """The first three and last four digits: 13812341234 → 138****1234; shorter numbers keep
    only their last two digits."""
    digits = "".join(c for c in phone if c.isdigit())
    if len(digits) >= 11:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    if len(digits) > 2:
        return "*" * (len(digits) - 2) + digits[-2:]
    return "*" * len(digits)


def mask_address(address: str) -> str:
    """The first three characters (usually the district), the rest hidden: 朝阳区某路1号 → 朝阳区****."""
    chars = _chars(address)
    if not chars:
        return ""
    return "".join(chars[:3]) + "****"


def mask_id_number(id_number: str) -> str:
    """First and last character only: 110105194912310025 → 1****************5."""
    chars = _chars(id_number)
    if len(chars) <= 2:
        return "*" * len(chars)
    return chars[0] + "*" * (len(chars) - 2) + chars[-1]
